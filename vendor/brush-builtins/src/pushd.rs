use clap::Parser;

use brush_core::{ExecutionResult, builtins};

/// Push a path onto the current directory stack.
#[derive(Parser)]
#[command(allow_negative_numbers = true)]
pub(crate) struct PushdCommand {
    /// Push the path without changing the current working directory.
    #[clap(short = 'n')]
    no_directory_change: bool,

    /// Directory to push on the directory stack; without one, the top two directories are
    /// exchanged; `+N` or `-N`, the list turned so that the directory N places from its left or
    /// right is first.
    dir: Option<String>,
}

impl builtins::Command for PushdCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: `+N` and `-N` turn the list `dirs` shows, as in bash.
        let mut turned = crate::dirs::listed(context.shell);
        if let Some(word) = &self.dir
            && let Some(place) = crate::dirs::named_place(word, turned.len())
        {
            let Some(place) = place else {
                let refused = crate::dirs::no_such_place(context.shell, word);
                return Ok(context.failure(refused, 1));
            };
            turned.rotate_left(place);
            if !self.no_directory_change {
                if let Err(error) = context.shell.set_working_dir(&turned[0]) {
                    return Ok(context.failure(crate::cd::not_entered(&turned[0], &error), 1));
                }
                *context.shell.directory_stack_mut() = turned.into_iter().skip(1).rev().collect();
            }
            crate::dirs::DirsCommand::default().execute(context).await?;
            return Ok(ExecutionResult::success());
        }
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
