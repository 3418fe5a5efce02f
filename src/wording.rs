//! Errors worded as bash words them (`ncsh: foo: command not found`), not as brush-core does
//! (`error: command not found: foo`): people and scripts that read a shell's errors expect bash's form.

use brush_core::extensions::{ErrorFormatter, ShellExtensionsImpl};
use brush_core::{Error, ErrorKind, Shell, ShellExtensions};

/// The shell extensions ncsh runs brush-core with.
pub type Extensions = ShellExtensionsImpl<BashWording>;

/// Formats errors the way bash does: `NAME: what: why` at the prompt, `NAME: line N: what: why`
/// elsewhere ([`error_prefix`]).
#[derive(Clone, Default)]
pub struct BashWording;

impl ErrorFormatter for BashWording {
    fn format_error(&self, error: &Error, shell: &Shell<impl ShellExtensions>) -> String {
        if let Some(launch_error) = launch_error_of_builtin(error) {
            return self.format_error(launch_error, shell);
        }
        let name = shell_name(shell);
        match error.kind() {
            // A name with a slash is not looked for in PATH: it is a file that is not there, or
            // one whose interpreter is not.
            ErrorKind::CommandNotFound(command) if command.contains('/') => {
                let why = if shell.absolute_path(command).exists() {
                    "cannot execute: required file not found"
                } else {
                    "No such file or directory"
                };
                format!("{}{command}: {why}\n", error_prefix(shell))
            }
            ErrorKind::CommandNotFound(command) => {
                format!("{}{command}: command not found\n", error_prefix(shell))
            }
            ErrorKind::FailedToExecuteCommand(command, why) => {
                let why = if shell.absolute_path(command).is_dir() {
                    "Is a directory".to_owned()
                } else {
                    plain(&why.to_string())
                };
                format!("{}{command}: {why}\n", error_prefix(shell))
            }
            ErrorKind::SyntaxError {
                source_info,
                line,
                message,
                quoted_line,
            } => {
                // At the prompt the line is on the screen already; piped in, it is named and
                // quoted, as a script's.
                let at_prompt =
                    source_info.source == "main" && shell.call_stack().in_interactive_session();
                let prefix = location(&name, &source_info.source, Some(*line), at_prompt);
                let mut said = format!("{prefix}{message}\n");
                if let Some(quoted) = quoted_line.as_ref().filter(|_| !at_prompt) {
                    said.push_str(&format!("{prefix}`{quoted}'\n"));
                }
                said
            }
            // Run-time words, with the line the text ends on; at the prompt, none.
            ErrorKind::HereDocumentAtEndOfInput {
                source_info, line, ..
            } => {
                let prefix = match source_info.source.as_str() {
                    "main" => format!("{name}: "),
                    text if is_shell_text(text) => format!("{name}: line {line}: "),
                    file => format!("{file}: line {line}: "),
                };
                format!("{prefix}{error}\n")
            }
            // brush-core's own words for a syntax error it could not place, without its doubled
            // source name.
            ErrorKind::ParseError(error, source_info) => {
                format!(
                    "{}{error}\n",
                    location(&name, &source_info.source, None, true)
                )
            }
            // A redirection that could not open its file names only the file.
            ErrorKind::RedirectionFailure(file, why) => {
                format!("{}{file}: {}\n", error_prefix(shell), plain(why))
            }
            // A redirection to a descriptor that is not open (`echo >&4`).
            ErrorKind::BadFileDescriptor(fd) => {
                format!("{}{fd}: Bad file descriptor\n", error_prefix(shell))
            }
            // Ctrl-C stopped the command line: bash says nothing, the terminal showed `^C`. A job
            // that `kill` ended is reported by `jobs` and `wait`, as bash reports it.
            ErrorKind::Interrupted | ErrorKind::EndedBySignal(_) => String::new(),
            _ => format!("{}{}\n", error_prefix(shell), plain(&format!("{error:#}"))),
        }
    }
}

/// The error of a command that `command` (or another builtin) could not start: bash words it as
/// if it had been run without the builtin (`./x: Permission denied`, not `command: …`).
fn launch_error_of_builtin(error: &Error) -> Option<&Error> {
    let ErrorKind::BuiltinError(inner, _) = error.kind() else {
        return None;
    };
    let inner: &dyn std::error::Error = inner.as_ref();
    inner.downcast_ref::<Error>().filter(|inner| {
        matches!(
            inner.kind(),
            ErrorKind::CommandNotFound(_) | ErrorKind::FailedToExecuteCommand(..)
        )
    })
}

/// The name the shell's errors start with, as bash's do: `$0`, without a login shell's `-`.
pub fn shell_name(shell: &Shell<impl ShellExtensions>) -> String {
    shell.current_shell_name().map_or_else(
        || "ncsh".to_owned(),
        |name| name.trim_start_matches('-').to_owned(),
    )
}

/// What a run-time error starts with, as bash's `error_prolog`: in an interactive shell (and the
/// files it sources, and its subshells) the name of the shell's file; otherwise the file running (a sourced
/// file's own name, else `$0`) and the line (`script.sh: line 3: `).
pub fn error_prefix(shell: &Shell<impl ShellExtensions>) -> String {
    if shell.call_stack().in_interactive_session() {
        // bash's interactive shell names itself by its file's name alone (`bash:`, where `$0` is
        // `/bin/bash`).
        let name = shell_name(shell);
        let base = name.rsplit('/').next().unwrap_or(&name);
        return format!("{base}: ");
    }
    let name = shell
        .env_str("BASH_SOURCE")
        .filter(|source| !source.is_empty())
        .map_or_else(|| shell_name(shell), |source| source.into_owned());
    // The frame's line, not `$LINENO`, which a script may unset.
    let line = shell
        .call_stack()
        .current_frame()
        .and_then(|frame| frame.current_line());
    match line {
        Some(line) => format!("{name}: line {line}: "),
        None => format!("{name}: "),
    }
}

/// Where an error in parsed text was, as bash says it: at the prompt nothing; for commands piped
/// in, the line; in `-c` text and other text the shell runs, the shell's name, the source and the
/// line; in a script or a sourced file, the file and the line.
fn location(name: &str, source: &str, line: Option<usize>, at_prompt: bool) -> String {
    let line = line
        .map(|line| format!("line {line}: "))
        .unwrap_or_default();
    match source {
        "main" if at_prompt => format!("{name}: "),
        "main" => format!("{name}: {line}"),
        text if is_shell_text(text) => format!("{name}: {source}: {line}"),
        file => format!("{file}: {line}"),
    }
}

/// Whether `source` names text the shell was given to run, not a file.
fn is_shell_text(source: &str) -> bool {
    matches!(
        source,
        "-c" | "eval" | "environment" | "PROMPT_COMMAND" | "(history)"
    )
}

/// The message without Rust's decorations: "No such file or directory", not "i/o error: No such
/// file or directory (os error 2)".
fn plain(message: &str) -> String {
    let message = message.replace("i/o error: ", "");
    match message.find(" (os error") {
        Some(at) => {
            let end = message[at..]
                .find(')')
                .map_or(message.len(), |e| at + e + 1);
            format!("{}{}", &message[..at], &message[end..])
        }
        None => message,
    }
}

/// `n` and `noun`, made plural unless `n` is 1 (`1 session`, `3 sessions`, `2 entries`): the
/// regular English plurals, which are all the nouns counted here have.
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::{counted, plain};

    #[test]
    fn rust_decorations_are_dropped() {
        assert_eq!(
            plain("cd: i/o error: No such file or directory (os error 2)"),
            "cd: No such file or directory"
        );
        assert_eq!(plain("syntax error near ;"), "syntax error near ;");
    }

    #[test]
    fn counts_take_the_plural_unless_one() {
        assert_eq!(counted(1, "session"), "1 session");
        assert_eq!(counted(0, "step"), "0 steps");
        assert_eq!(counted(2, "entry"), "2 entries");
        assert_eq!(counted(3, "key"), "3 keys");
    }
}
