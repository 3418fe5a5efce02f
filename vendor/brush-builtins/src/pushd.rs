use clap::Parser;

use brush_core::{ExecutionResult, builtins};

/// Push a path onto the current directory stack.
#[derive(Parser)]
pub(crate) struct PushdCommand {
    /// Push the path without changing the current working directory.
    #[clap(short = 'n')]
    no_directory_change: bool,

    /// Directory to push on the directory stack; without one, the top two directories are
    /// exchanged.
    dir: Option<String>,
    //
    // TODO(pushd): implement +N and -N
}

impl builtins::Command for PushdCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: without a directory, the current one and the top of the stack change
        // places, as in bash (clap refused it).
        let dir = match &self.dir {
            Some(dir) => std::path::PathBuf::from(dir),
            None => match context.shell.directory_stack_mut().pop() {
                Some(top) => top,
                None => return Ok(context.failure("no other directory", 1)),
            },
        };
        if self.no_directory_change {
            context.shell.directory_stack_mut().push(dir);
        } else {
            let prev_working_dir = context.shell.working_dir().to_path_buf();

            let dir = dir.as_path();
            // ncsh patch: bash names the directory it could not enter.
            if let Err(error) = context.shell.set_working_dir(dir) {
                return Ok(context.failure(crate::cd::not_entered(dir, &error), 1));
            }

            context.shell.directory_stack_mut().push(prev_working_dir);
        }

        // Display dirs.
        let dirs_cmd = crate::dirs::DirsCommand::default();
        dirs_cmd.execute(context).await?;

        Ok(ExecutionResult::success())
    }
}
