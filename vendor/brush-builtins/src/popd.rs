use clap::Parser;
use std::io::Write;

use brush_core::{ExecutionResult, builtins};

/// Pop a path from the current directory stack.
#[derive(Parser)]
#[command(allow_negative_numbers = true)]
pub(crate) struct PopdCommand {
    /// Pop the path without changing the current working directory.
    #[clap(short = 'n')]
    no_directory_change: bool,

    /// `+N` or `-N`: take out the directory N places from the left or the right of the list
    /// `dirs` shows.
    // ncsh patch: as bash's (brush refused them).
    place: Option<String>,
}

impl builtins::Command for PopdCommand {
    type Error = crate::dirs::DirError;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        if let Some(word) = &self.place {
            let len = crate::dirs::listed(context.shell).len();
            match crate::dirs::named_place(word, len) {
                // The first is the working directory: as popd without a place.
                Some(Some(0)) => (),
                Some(Some(place)) => {
                    let stack = context.shell.directory_stack_mut();
                    stack.remove(stack.len() - place);
                    crate::dirs::DirsCommand::default().execute(context).await?;
                    return Ok(ExecutionResult::success());
                }
                Some(None) => {
                    let refused = crate::dirs::no_such_place(context.shell, word);
                    return Ok(context.failure(refused, 1));
                }
                None => {
                    let _ = context.failure(std::format!("{word}: invalid argument"), 2);
                    let _ = writeln!(context.stderr(), "popd: usage: popd [-n] [+N | -N]");
                    return Ok(ExecutionResult::new(2));
                }
            }
        }
        if let Some(popped) = context.shell.directory_stack_mut().pop() {
            if !self.no_directory_change {
                context.shell.set_working_dir(&popped)?;
            }

            // Display dirs.
            let dirs_cmd = crate::dirs::DirsCommand::default();
            dirs_cmd.execute(context).await?;

            Ok(ExecutionResult::success())
        } else {
            Err(crate::dirs::DirError::DirStackEmpty)
        }
    }
}
