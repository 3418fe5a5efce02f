use clap::Parser;
use std::io::Write;

use brush_core::{ExecutionResult, builtins};

#[derive(Debug, thiserror::Error)]
pub(crate) enum DirError {
    /// Directory stack is empty.
    // ncsh patch: bash's words.
    #[error("directory stack empty")]
    DirStackEmpty,

    /// A shell error occurred.
    #[error(transparent)]
    ShellError(#[from] brush_core::Error),
}

impl From<&DirError> for brush_core::ExecutionExitCode {
    fn from(value: &DirError) -> Self {
        match value {
            DirError::DirStackEmpty => Self::GeneralError,
            DirError::ShellError(e) => e.into(),
        }
    }
}

impl brush_core::BuiltinError for DirError {}

/// Manage the current directory stack.
#[derive(Default, Parser)]
#[command(allow_negative_numbers = true)]
pub(crate) struct DirsCommand {
    /// Clear the directory stack.
    #[arg(short = 'c')]
    clear: bool,

    /// Don't tilde-shorten paths.
    #[arg(short = 'l')]
    tilde_long: bool,

    /// Print one directory per line instead of all on one line.
    #[arg(short = 'p')]
    print_one_per_line: bool,

    /// Print one directory per line with its index.
    #[arg(short = 'v')]
    print_one_per_line_with_index: bool,

    /// `+N` or `-N`: only the directory N places from the left or the right of the list.
    // ncsh patch: as bash's (brush refused them).
    place: Option<String>,
}

/// The list `dirs` shows: the working directory, then the stack from its top (ncsh patch).
pub(crate) fn listed(
    shell: &brush_core::Shell<impl brush_core::ShellExtensions>,
) -> Vec<std::path::PathBuf> {
    std::iter::once(shell.working_dir().to_path_buf())
        .chain(shell.directory_stack().iter().rev().cloned())
        .collect()
}

/// Whether `word` is `+N` or `-N`, and if so the place it names in a list of `len` (ncsh patch):
/// from the left from 0, or from the right; `Some(None)` outside the list.
pub(crate) fn named_place(word: &str, len: usize) -> Option<Option<usize>> {
    let (from_right, digits) = match word.split_at_checked(1) {
        Some(("+", digits)) => (false, digits),
        Some(("-", digits)) => (true, digits),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = digits.parse().unwrap_or(usize::MAX);
    Some(if from_right {
        len.checked_sub(n.saturating_add(1))
    } else {
        (n < len).then_some(n)
    })
}

/// Why `word` names no directory of the stack, in bash's words (ncsh patch).
pub(crate) fn no_such_place(
    shell: &brush_core::Shell<impl brush_core::ShellExtensions>,
    word: &str,
) -> String {
    if shell.directory_stack().is_empty() {
        "directory stack empty".into()
    } else {
        std::format!("{word}: directory stack index out of range")
    }
}

impl builtins::Command for DirsCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        if self.clear {
            context.shell.directory_stack_mut().clear();
        } else {
            let mut dirs: Vec<(usize, std::path::PathBuf)> =
                listed(context.shell).into_iter().enumerate().collect();
            if let Some(word) = &self.place {
                match named_place(word, dirs.len()) {
                    Some(Some(place)) => dirs = vec![dirs.swap_remove(place)],
                    Some(None) => {
                        // bash leaves out the sign here, as it does not for pushd and popd.
                        let refused =
                            no_such_place(context.shell, word.trim_start_matches(['+', '-']));
                        return Ok(context.failure(refused, 1));
                    }
                    None => {
                        let _ = context.failure(std::format!("{word}: invalid option"), 2);
                        writeln!(context.stderr(), "dirs: usage: dirs [-clpv] [+N] [-N]")?;
                        return Ok(ExecutionResult::new(2));
                    }
                }
            }

            let one_per_line = self.print_one_per_line || self.print_one_per_line_with_index;

            for (n, (i, dir)) in dirs.iter().enumerate() {
                if !one_per_line && n > 0 {
                    write!(context.stdout(), " ")?;
                }

                if self.print_one_per_line_with_index {
                    write!(context.stdout(), "{i:2}  ")?;
                }

                let mut dir_str = dir.to_string_lossy().to_string();

                if !self.tilde_long {
                    dir_str = context.shell.tilde_shorten(dir_str);
                }

                write!(context.stdout(), "{dir_str}")?;

                if one_per_line || n == dirs.len() - 1 {
                    writeln!(context.stdout())?;
                }
            }

            return Ok(ExecutionResult::success());
        }

        Ok(ExecutionResult::success())
    }
}
