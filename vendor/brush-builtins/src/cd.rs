use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use brush_core::{ExecutionResult, builtins, error};

/// Change the current shell working directory.
#[derive(Parser)]
pub(crate) struct CdCommand {
    /// Force following symlinks.
    #[arg(short = 'L', overrides_with = "use_physical_dir")]
    force_follow_symlinks: bool,

    /// Use physical dir structure without following symlinks.
    #[arg(short = 'P', overrides_with = "force_follow_symlinks")]
    use_physical_dir: bool,

    /// Exit with non zero exit status if current working directory resolution fails.
    #[arg(short = 'e')]
    exit_on_failed_cwd_resolution: bool,

    /// Show file with extended attributes as a dir with extended
    /// attributes.
    #[arg(short = '@')]
    file_with_xattr_as_dir: bool,

    // ncsh patch: every word from the first that is not an option, so that options after it are
    // words too (`cd /tmp -P`), and more than one is refused in bash's words.
    /// The directory; by default the value of the HOME shell variable. "-" is $OLDPWD.
    #[arg(
        trailing_var_arg = true,
        value_name = "DIR",
        value_parser = clap::builder::OsStringValueParser::new()
    )]
    dirs: Vec<std::ffi::OsString>,
}

impl builtins::Command for CdCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<ExecutionResult, Self::Error> {
        // TODO(cd): implement 'cd -@'
        if self.file_with_xattr_as_dir {
            return error::unimp("cd -@");
        }

        // ncsh patch: bash's words, after the shell's name, for these three failures.
        if self.dirs.len() > 1 {
            return Ok(context.failure("too many arguments", 1));
        }

        let mut should_print = false;
        // ncsh patch: `cd ""` does nothing, as in bash.
        let target_dir = self.dirs.first();
        if target_dir.is_some_and(|dir| dir.is_empty()) {
            return Ok(ExecutionResult::success());
        }
        let mut target_dir = if let Some(target_dir) = target_dir.map(PathBuf::from) {
            // `cd -', equivalent to `cd $OLDPWD'
            if target_dir.as_os_str() == "-" {
                should_print = true;
                // ncsh patch: a declared OLDPWD without a value is not set, as in bash.
                if let Some(oldpwd) = context
                    .shell
                    .env_str("OLDPWD")
                    .filter(|_| context.shell.env().is_set("OLDPWD"))
                {
                    // An empty one is `cd ''`, which stays, printing the empty name.
                    if oldpwd.is_empty() {
                        writeln!(context.stdout())?;
                        return Ok(ExecutionResult::success());
                    }
                    PathBuf::from(oldpwd.to_string())
                } else {
                    return Ok(context.failure("OLDPWD not set", 1));
                }
            } else {
                let found = in_cdpath(&context, &target_dir);
                // Named from a non-empty entry, the new directory is said.
                should_print = found.as_ref().is_some_and(|(_, said)| *said);
                found.map_or(target_dir, |(dir, _)| dir)
            }
        // `cd' without arguments is equivalent to `cd $HOME'
        } else {
            if let Some(home_var) = context.shell.env_str("HOME") {
                PathBuf::from(home_var.to_string())
            } else {
                return Ok(context.failure("HOME not set", 1));
            }
        };

        if self.use_physical_dir
            || context
                .shell
                .options()
                .do_not_resolve_symlinks_when_changing_dir
        {
            // -e is only relevant in physical mode.
            if self.exit_on_failed_cwd_resolution {
                return error::unimp("cd -e");
            }

            target_dir = match context.shell.absolute_path(&target_dir).canonicalize() {
                Ok(resolved) => resolved,
                Err(e) => return Ok(context.failure(format!("{}: {e}", target_dir.display()), 1)),
            };
        }

        // ncsh patch: bash names the directory it could not enter.
        if let Err(e) = context.shell.set_working_dir(&target_dir) {
            return Ok(context.failure(not_entered(&target_dir, &e), 1));
        }

        // Bash compatibility
        // https://www.gnu.org/software/bash/manual/bash.html#index-cd
        // If a non-empty directory name from CDPATH is used, or if '-' is the first argument, and
        // the directory change is successful, the absolute pathname of the new working
        // directory is written to the standard output.
        if should_print {
            writeln!(
                context.stdout(),
                "{}",
                context.shell.working_dir().display()
            )?;
        }

        Ok(ExecutionResult::success())
    }
}

/// Where `dir` is found in a directory `CDPATH` names (ncsh patch: brush ignored it), as bash looks:
/// not for a name that starts with `/`, `.` or `..`; an empty entry is the current directory. With
/// it, whether the entry was not empty, so that the directory is said.
fn in_cdpath<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    dir: &std::path::Path,
) -> Option<(PathBuf, bool)> {
    use std::path::Component;
    if matches!(
        dir.components().next(),
        None | Some(Component::RootDir | Component::CurDir | Component::ParentDir)
    ) {
        return None;
    }
    let cdpath = context.shell.env_str("CDPATH")?.into_owned();
    cdpath.split(':').find_map(|entry| {
        let candidate = PathBuf::from(if entry.is_empty() { "." } else { entry }).join(dir);
        context
            .shell
            .absolute_path(&candidate)
            .is_dir()
            .then_some((candidate, !entry.is_empty()))
    })
}

/// Why the shell could not enter `dir`, as bash's `cd` and `pushd` say it: `/x: No such file or
/// directory`, `/etc/passwd: Not a directory` (ncsh patch).
pub(crate) fn not_entered(dir: &std::path::Path, error: &brush_core::Error) -> String {
    let why = match error.kind() {
        brush_core::ErrorKind::NotADirectory(_) => "Not a directory".to_owned(),
        _ => error
            .as_io_error()
            .map_or_else(|| error.to_string(), ToString::to_string),
    };
    format!("{}: {why}", dir.display())
}
