use clap::Parser;

use brush_core::{ExecutionControlFlow, builtins};

/// Continue to the next iteration of a control-flow loop.
#[derive(Parser)]
pub(crate) struct ContinueCommand {
    // ncsh patch: every word, so that more than one is refused in bash's words.
    /// If specified, indicates which nested loop to continue to the next iteration of.
    #[clap(
        default_value = "1",
        value_name = "N",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    which_loop: Vec<String>,
}

impl builtins::Command for ContinueCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: as `break`.
        Ok(crate::break_::leave_loops(
            &context,
            &self.which_loop,
            |levels| ExecutionControlFlow::ContinueLoop { levels },
        ))
    }
}
