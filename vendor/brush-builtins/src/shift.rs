use clap::Parser;

use brush_core::{ExecutionResult, builtins};

use crate::status_words::too_many_arguments;

/// Shift positional arguments.
#[derive(Parser)]
pub(crate) struct ShiftCommand {
    /// Number of positions to shift the arguments by (defaults to 1).
    // ncsh patch: taken as words, so that a count that is not a number, or is negative, gets bash's
    // words rather than clap's.
    #[arg(allow_hyphen_values = true)]
    n: Vec<String>,
}

impl builtins::Command for ShiftCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let n = match self.n.as_slice() {
            [] => 1,
            [word] => match word.trim().parse::<i64>() {
                Ok(n) => match usize::try_from(n) {
                    Ok(n) => n,
                    Err(_) => {
                        return Ok(context.failure(format!("{word}: shift count out of range"), 1));
                    }
                },
                Err(_) => {
                    return Ok(context.failure(format!("{word}: numeric argument required"), 1));
                }
            },
            _ => return Ok(too_many_arguments(&context)),
        };

        let args = context.shell.current_shell_args_mut();

        // As bash, a count past the last argument shifts nothing and fails without a word.
        if n > args.len() {
            return Ok(ExecutionResult::new(1));
        }

        args.drain(0..n);

        Ok(ExecutionResult::success())
    }
}
