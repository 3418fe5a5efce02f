use clap::Parser;
use std::{io::Write, path::PathBuf};

use brush_core::{ExecutionResult, builtins};

#[derive(Parser)]
pub(crate) struct HashCommand {
    /// Remove entries associated with the given names.
    #[arg(short = 'd')]
    remove: bool,

    /// Display paths in a format usable for input.
    #[arg(short = 'l')]
    display_as_usable_input: bool,

    /// The path to associate with the names.
    #[arg(short = 'p', value_name = "PATH")]
    path_to_use: Option<PathBuf>,

    /// Remove all entries.
    #[arg(short = 'r')]
    remove_all: bool,

    /// Display the paths associated with the names.
    #[arg(short = 't')]
    display_paths: bool,

    /// Names to process.
    names: Vec<String>,
}

impl builtins::Command for HashCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let mut result = ExecutionResult::success();
        // ncsh patch: what was found in another `PATH` is forgotten first, as bash's table is.
        context.shell.program_locations();

        if self.names.is_empty() && !self.remove_all && self.path_to_use.is_none() {
            // ncsh patch: with no names, the cache is listed, as bash lists it (brush listed
            // nothing): its hits and paths, or with `-l` as commands that make it again.
            let listed = context.shell.program_location_cache().listed();
            let mut stdout = context.stdout();
            if self.display_as_usable_input {
                for (name, path, _) in listed {
                    writeln!(stdout, "builtin hash -p {} {name}", path.display())?;
                }
            } else if listed.is_empty() {
                writeln!(stdout, "hash: hash table empty")?;
            } else {
                writeln!(stdout, "hits\tcommand")?;
                for (_, path, hits) in listed {
                    writeln!(stdout, "{hits:>4}\t{}", path.display())?;
                }
            }
        } else if self.remove_all {
            context.shell.program_location_cache_mut().reset();
        } else if self.remove {
            for name in &self.names {
                if !context.shell.program_location_cache_mut().unset(name) {
                    // ncsh patch: after the shell's name and `hash:`, as bash's.
                    context.failure(std::format!("{name}: not found"), 1);
                    result = ExecutionResult::general_error();
                }
            }
        } else if self.display_paths {
            for name in &self.names {
                if let Some(path) = context.shell.program_location_cache().get(name) {
                    if self.display_as_usable_input {
                        writeln!(
                            context.stdout(),
                            "builtin hash -p {} {name}",
                            path.to_string_lossy()
                        )?;
                    } else {
                        let mut prefix = String::new();

                        if self.names.len() > 1 {
                            prefix.push_str(name.as_str());
                            prefix.push('\t');
                        }

                        writeln!(
                            context.stdout(),
                            "{prefix}{}",
                            path.to_string_lossy().as_ref()
                        )?;
                    }
                } else {
                    // ncsh patch: after the shell's name and `hash:`, as bash's.
                    context.failure(std::format!("{name}: not found"), 1);
                    result = ExecutionResult::general_error();
                }
            }
        } else if let Some(path) = &self.path_to_use {
            for name in &self.names {
                context
                    .shell
                    .program_location_cache_mut()
                    .set(name, path.clone());
            }
        } else {
            for name in &self.names {
                // Remove from the cache if already hashed.
                let _ = context.shell.program_location_cache_mut().unset(name);

                // Names with slashes are accepted silently
                if name.contains('/') {
                    continue;
                }

                // Hash the path
                if context
                    .shell
                    .find_first_executable_in_path_using_cache(name)
                    .is_none()
                {
                    // ncsh patch: after the shell's name and `hash:`, as bash's.
                    context.failure(std::format!("{name}: not found"), 1);
                    result = ExecutionResult::general_error();
                }
            }
        }

        Ok(result)
    }
}
