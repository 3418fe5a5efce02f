use clap::Parser;

use brush_core::{ExecutionExitCode, ExecutionResult, arithmetic, builtins};

/// Evaluate arithmetic expressions.
#[derive(Parser)]
pub(crate) struct LetCommand {
    /// Arithmetic expressions to evaluate.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    exprs: Vec<String>,
}

impl builtins::Command for LetCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let mut result = ExecutionExitCode::InvalidUsage.into();

        // ncsh patch: bash's words and status.
        if self.exprs.is_empty() {
            return Ok(context.failure("expression expected", 1));
        }

        for expr in &self.exprs {
            // ncsh patch: an expression that fails is reported and ends `let` with status 1, as
            // in bash; the shell goes on.
            // An unset variable under `set -u` ends a shell that is not interactive, and is not
            // said as `let`'s.
            let evaluated = match arithmetic::evaluate(context.shell, expr) {
                Ok(value) => value,
                Err(error @ arithmetic::EvalError::ExpandingUnsetVariable(_)) => {
                    let error = brush_core::Error::from(error).into_fatal();
                    let _ = context.shell.display_error(&mut context.stderr(), &error);
                    return Ok(error.into_result(context.shell));
                }
                Err(error @ arithmetic::EvalError::InExpression { .. }) => {
                    return Ok(context.failure(error, 1));
                }
                // bash names a variable it could not assign without `let: `.
                Err(error) => {
                    let error = brush_core::Error::from(error);
                    let _ = context.shell.display_error(&mut context.stderr(), &error);
                    return Ok(ExecutionResult::general_error());
                }
            };

            if evaluated == 0 {
                result = ExecutionResult::general_error();
            } else {
                result = ExecutionResult::success();
            }
        }

        Ok(result)
    }
}
