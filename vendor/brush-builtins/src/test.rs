use clap::Parser;

use brush_core::{ErrorKind, ExecutionParameters, ExecutionResult, Shell, builtins, tests};

/// Evaluate test expression.
#[derive(Parser)]
#[clap(disable_help_flag = true, disable_version_flag = true)]
pub(crate) struct TestCommand {
    #[clap(allow_hyphen_values = true)]
    args: Vec<String>,
}

impl builtins::Command for TestCommand {
    type Error = brush_core::Error;

    /// Override the default [`builtins::Command::new`] function to handle clap's limitation related
    /// to `--`. See [`builtins::parse_known`] for more information
    /// TODO(test): we can safely remove this after the issue is resolved
    fn new<I>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = String>,
    {
        let (mut this, rest_args) = brush_core::builtins::try_parse_known::<Self>(args)?;
        if let Some(args) = rest_args {
            this.args.extend(args);
        }
        Ok(this)
    }

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let mut args = self.args.as_slice();

        if context.command_name == "[" {
            match args.last() {
                Some(s) if s == "]" => (),
                // ncsh patch: bash's words, after the shell's name.
                None | Some(_) => return Ok(context.failure("missing `]'", 2)),
            }

            args = &args[0..args.len() - 1];
        }

        match execute_test(context.shell, &context.params, args) {
            Ok(true) => Ok(ExecutionResult::success()),
            Ok(false) => Ok(ExecutionResult::general_error()),
            Err(error) => match error.kind() {
                // ncsh patch: bash's words for arguments that make no expression (`[ $x -eq 1 ]`
                // with `x` empty: `[: -eq: unary operator expected`); brush said "invalid test
                // command".
                ErrorKind::TestCommandParseError(refused) => {
                    Ok(context.failure(refusal(args, refused.stopped_at()), 2))
                }
                // ncsh patch: bash's words and status for a comparison of what is not an integer.
                ErrorKind::IntegerExpected(_) => Ok(context.failure(error, 2)),
                _ => Err(error),
            },
        }
    }
}

/// What bash says of `args` that make no test expression: by its rules for two to four
/// arguments, else by whether the expression wanted one more (`stopped_at` is all of them) or
/// left some over.
fn refusal(args: &[String], stopped_at: usize) -> String {
    match args {
        [bang, rest @ ..] if bang == "!" && (2..=3).contains(&rest.len()) => {
            refusal(rest, stopped_at.saturating_sub(1))
        }
        [open, inner @ .., close] if args.len() == 4 && open == "(" && close == ")" => {
            refusal(inner, stopped_at.saturating_sub(1))
        }
        [first, _] => std::format!("{first}: unary operator expected"),
        [_, second, _] => std::format!("{second}: binary operator expected"),
        _ if stopped_at >= args.len() => "argument expected".into(),
        _ => "too many arguments".into(),
    }
}

fn execute_test(
    shell: &mut Shell<impl brush_core::ShellExtensions>,
    params: &ExecutionParameters,
    args: &[String],
) -> Result<bool, brush_core::Error> {
    let test_command =
        brush_parser::test_command::parse(args).map_err(ErrorKind::TestCommandParseError)?;
    tests::eval_expr(&test_command, shell, params)
}
