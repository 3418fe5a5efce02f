use clap::Parser;

use brush_core::{ExecutionControlFlow, ExecutionResult, builtins};

/// Breaks out of a control-flow loop.
#[derive(Parser)]
pub(crate) struct BreakCommand {
    // ncsh patch: every word, so that more than one is refused in bash's words.
    /// If specified, indicates which nested loop to break out of.
    #[clap(
        default_value = "1",
        value_name = "N",
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    which_loop: Vec<String>,
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
/// (status 128) or where there is more than one word (status 1); after those two a shell that is
/// not interactive ends, as bash's does.
pub(crate) fn leave_loops<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    words: &[String],
    flow: fn(usize) -> ExecutionControlFlow,
) -> ExecutionResult {
    let depth = context.params.loop_depth();
    if depth == 0 {
        return context.failure("only meaningful in a `for', `while', or `until' loop", 0);
    }
    let leave_every_loop = ExecutionControlFlow::BreakLoop { levels: depth - 1 };
    // bash's `jump_to_top_level`: a shell that is not interactive ends.
    let abandon = |mut result: ExecutionResult| {
        result.next_control_flow = if context.shell.options().interactive {
            leave_every_loop
        } else {
            ExecutionControlFlow::ExitShell
        };
        result
    };
    let [which_loop] = words else {
        return abandon(context.failure("too many arguments", 1));
    };
    // Blanks around the number are allowed, as bash allows them.
    let mut result = match which_loop.trim().parse::<i64>() {
        Ok(count) if count > 0 => {
            let mut result = ExecutionResult::success();
            let count = usize::try_from(count).unwrap_or(usize::MAX);
            result.next_control_flow = flow(count.min(depth) - 1);
            return result;
        }
        Ok(_) => context.failure(std::format!("{which_loop}: loop count out of range"), 1),
        Err(_) => {
            return abandon(
                context.failure(std::format!("{which_loop}: numeric argument required"), 128),
            );
        }
    };
    result.next_control_flow = leave_every_loop;
    result
}
