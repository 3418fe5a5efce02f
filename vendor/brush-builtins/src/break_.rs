use clap::Parser;

use brush_core::{ExecutionControlFlow, ExecutionResult, builtins};

/// Breaks out of a control-flow loop.
#[derive(Parser)]
pub(crate) struct BreakCommand {
    /// If specified, indicates which nested loop to break out of.
    #[clap(default_value = "1", allow_hyphen_values = true)]
    which_loop: String,
}

impl builtins::Command for BreakCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        Ok(leave_loops(&context, &self.which_loop, |levels| {
            ExecutionControlFlow::BreakLoop { levels }
        }))
    }
}

/// `break N` and `continue N` (ncsh patch): the control flow that leaves N loops, no more than
/// there are; bash's words where there is no loop (status 0, the shell going on), where N is not
/// above 0 (status 1, and every loop is left, as bash leaves them), and where N is no number
/// (status 128, and a shell that is not interactive ends, as bash's does).
pub(crate) fn leave_loops<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    which_loop: &str,
    flow: fn(usize) -> ExecutionControlFlow,
) -> ExecutionResult {
    let depth = context.params.loop_depth();
    if depth == 0 {
        return context.failure("only meaningful in a `for', `while', or `until' loop", 0);
    }
    let mut result = match which_loop.parse::<i64>() {
        Ok(count) if count > 0 => {
            let mut result = ExecutionResult::success();
            let count = usize::try_from(count).unwrap_or(usize::MAX);
            result.next_control_flow = flow(count.min(depth) - 1);
            return result;
        }
        Ok(_) => context.failure(std::format!("{which_loop}: loop count out of range"), 1),
        Err(_) => {
            let mut result =
                context.failure(std::format!("{which_loop}: numeric argument required"), 128);
            if !context.shell.options().interactive {
                result.next_control_flow = ExecutionControlFlow::ExitShell;
                return result;
            }
            result
        }
    };
    result.next_control_flow = ExecutionControlFlow::BreakLoop { levels: depth - 1 };
    result
}
