use clap::Parser;

use brush_core::{ExecutionControlFlow, ExecutionResult, builtins};

/// Breaks out of a control-flow loop.
#[derive(Parser)]
pub(crate) struct BreakCommand {
    /// If specified, indicates which nested loop to break out of.
    #[clap(default_value_t = 1, allow_hyphen_values = true)]
    which_loop: i8,
}

impl builtins::Command for BreakCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        Ok(leave_loops(&context, self.which_loop, |levels| {
            ExecutionControlFlow::BreakLoop { levels }
        }))
    }
}

/// `break N` and `continue N` (ncsh patch): the control flow that leaves N loops, no more than
/// there are; bash's words where there is no loop (status 0, the shell going on) or N is not a
/// count (status 1, leaving the innermost loop).
pub(crate) fn leave_loops<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    which_loop: i8,
    flow: fn(usize) -> ExecutionControlFlow,
) -> ExecutionResult {
    let depth = context.params.loop_depth();
    if depth == 0 {
        return context.failure("only meaningful in a `for', `while', or `until' loop", 0);
    }
    let mut result = match usize::try_from(which_loop) {
        Ok(count) if count > 0 => {
            let mut result = ExecutionResult::success();
            result.next_control_flow = flow(count.min(depth) - 1);
            return result;
        }
        _ => context.failure(std::format!("{which_loop}: loop count out of range"), 1),
    };
    result.next_control_flow = flow(0);
    result
}
