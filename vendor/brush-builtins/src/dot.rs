use std::path::Path;

use brush_core::{ErrorKind, ExecutionResult, builtins};
use clap::Parser;

/// Evaluate the provided script in the current shell environment.
#[derive(Parser)]
pub(crate) struct DotCommand {
    /// Path to the script to evaluate.
    script_path: String,

    /// Any arguments to be passed as positional parameters to the script.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    script_args: Vec<String>,
}

impl builtins::Command for DotCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // TODO(dot): Handle trap inheritance.
        let sourced = context
            .shell
            .source_script(
                Path::new(&self.script_path),
                self.script_args.iter(),
                &context.params,
            )
            .await;
        // ncsh patch: a file that cannot be read is named as bash names it, without the
        // builtin's name (`/x: No such file or directory`, but `.: /tmp: is a directory`), with
        // status 1.
        match sourced {
            Err(error) => match error.kind() {
                ErrorKind::FailedSourcingFile(path, why) => {
                    let path = path.display();
                    let said = ErrorKind::Worded(match why.kind() {
                        std::io::ErrorKind::IsADirectory => {
                            std::format!("{}: {path}: is a directory", context.command_name)
                        }
                        _ => std::format!("{path}: {why}"),
                    });
                    let _ = context
                        .shell
                        .display_error(&mut context.stderr(), &said.into());
                    Ok(ExecutionResult::general_error())
                }
                _ => Err(error),
            },
            sourced => sourced,
        }
    }
}
