use clap::Parser;

use brush_core::{ExecutionControlFlow, ExecutionResult, builtins};

use crate::status_words::{not_numeric, status_of, too_many_arguments};

/// Return from the current function.
#[derive(Parser)]
pub(crate) struct ReturnCommand {
    /// The exit code to return.
    // ncsh patch: taken as words, so that a code that is not a number gets bash's words rather
    // than clap's.
    #[arg(allow_hyphen_values = true)]
    code: Vec<String>,
}

impl builtins::Command for ReturnCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        if !context.shell.in_function() && !context.shell.in_sourced_script() {
            return Ok(context.failure("can only `return' from a function or sourced script", 2));
        }

        let mut result = match self.code.as_slice() {
            [] => ExecutionResult::new(context.shell.status_for_return()),
            // As bash, a word that is not a number still returns, with status 2.
            [word] => {
                status_of(word).map_or_else(|| not_numeric(&context, word), ExecutionResult::new)
            }
            _ => return Ok(too_many_arguments(&context)),
        };
        result.next_control_flow = ExecutionControlFlow::ReturnFromFunctionOrScript;

        Ok(result)
    }
}
