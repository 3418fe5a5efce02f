use std::path::PathBuf;

use brush_core::{ExecutionResult, builtins};
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
        let Some(script) = sourced_file(context.shell, &self.script_path) else {
            let refused = std::format!("{}: file not found", self.script_path);
            return Ok(context.failure(refused, 1));
        };
        let sourced = context
            .shell
            .source_script(&script, self.script_args.iter(), &context.params)
            .await;
        // ncsh patch: a file that cannot be read is named as bash names it, without the
        // builtin's name (`/x: No such file or directory`, but `.: /tmp: is a directory`), with
        // status 1.
        match sourced {
            Err(error) => match error.as_not_sourced(Some(&context.command_name)) {
                Some(said) => {
                    let _ = context.shell.display_error(&mut context.stderr(), &said);
                    Ok(ExecutionResult::general_error())
                }
                None => Err(error),
            },
            sourced => sourced,
        }
    }
}

/// The file `. NAME` reads (ncsh patch): where NAME has no slash and `sourcepath` is on, as it is
/// by default, the first regular file of that name in `PATH`, which need not be executable, as in
/// bash; else NAME itself, but in POSIX mode none. brush never searched `PATH`, so `.
/// git-sh-setup` failed in every git command written in shell.
fn sourced_file(
    shell: &brush_core::Shell<impl brush_core::ShellExtensions>,
    name: &str,
) -> Option<PathBuf> {
    let searched = shell.options().source_builtin_searches_path && !name.contains('/');
    let path = shell.env_str("PATH").unwrap_or_default();
    searched
        .then(|| {
            std::env::split_paths(path.as_ref())
                // An empty entry is the working directory, as for commands.
                .map(|dir| match dir.as_os_str().is_empty() {
                    true => shell.working_dir().join(name),
                    false => shell.absolute_path(dir).join(name),
                })
                .find(|candidate| candidate.is_file())
        })
        .flatten()
        .or_else(|| (!searched || !shell.options().posix_mode).then(|| PathBuf::from(name)))
}
