use brush_core::{ExecutionResult, builtins};
use clap::Parser;
use std::io::Write;

/// Return the context of the current subroutine call.
#[derive(Parser)]
pub(crate) struct CallerCommand {
    /// The number of call frames to go back.
    expr: Option<usize>,
}

impl builtins::Command for CallerCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<ExecutionResult, Self::Error> {
        // ncsh patch: read as bash's `caller` reads its arrays (`CallStack::bash_frames`), so
        // that a script's bottom entry is `main` and a missing file is `NULL`, as in bash.
        let stack = context.shell.call_stack();
        let frames = stack.bash_frames();
        let Some(current) = frames.first() else {
            return Ok(ExecutionResult::general_error());
        };
        match self.expr {
            None => {
                let file = frames
                    .get(1)
                    .map_or("NULL", |caller| caller.source.as_str());
                writeln!(context.stdout(), "{} {file}", current.line)?;
            }
            Some(back) => {
                let (Some(frame), Some(caller)) = (frames.get(back), frames.get(back + 1)) else {
                    return Ok(ExecutionResult::general_error());
                };
                writeln!(
                    context.stdout(),
                    "{} {} {}",
                    frame.line,
                    caller.name,
                    caller.source
                )?;
            }
        }

        Ok(ExecutionResult::success())
    }
}
