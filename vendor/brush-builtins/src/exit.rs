use clap::Parser;

use brush_core::{ExecutionControlFlow, ExecutionResult, builtins};

use crate::status_words::{not_numeric, status_of, too_many_arguments};

/// Exit the shell.
#[derive(Parser)]
pub(crate) struct ExitCommand {
    /// The exit code to return.
    // ncsh patch: taken as words, so that a code that is not a number gets bash's words rather
    // than clap's.
    #[arg(allow_hyphen_values = true)]
    code: Vec<String>,
}

impl builtins::Command for ExitCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        Ok(exit_with(&context, &self.code))
    }
}

/// Exit a login shell.
// ncsh patch: `logout`, as bash's (brush had none).
#[derive(Parser)]
pub(crate) struct LogoutCommand {
    /// The exit code to return.
    #[arg(allow_hyphen_values = true)]
    code: Vec<String>,
}

impl builtins::Command for LogoutCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        if !context.shell.options().login_shell {
            return Ok(context.failure("not login shell: use `exit'", 1));
        }
        Ok(exit_with(&context, &self.code))
    }
}

/// What `exit CODE` gives: the shell's end, with the code's status.
fn exit_with<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    code: &[String],
) -> ExecutionResult {
    let mut result = match code {
        // ncsh patch: in a trap handler, the status before the trap ran.
        [] => ExecutionResult::new(context.shell.status_for_exit()),
        // As bash, a word that is not a number still ends the shell, with status 2.
        [word] => status_of(word).map_or_else(|| not_numeric(context, word), ExecutionResult::new),
        _ => return too_many_arguments(context),
    };
    result.next_control_flow = ExecutionControlFlow::ExitShell;
    result
}
