//! Errors worded as bash words them (`ncsh: foo: command not found`), not as brush-core does
//! (`error: command not found: foo`): people and scripts that read a shell's errors expect bash's form.

use brush_core::extensions::{ErrorFormatter, ShellExtensionsImpl};
use brush_core::{Error, ErrorKind, Shell, ShellExtensions};

/// The shell extensions ncsh runs brush-core with.
pub type Extensions = ShellExtensionsImpl<BashWording>;

/// Formats errors the way bash does: `NAME: what: why`, where NAME is `$0` (the script's name in a
/// script, `ncsh` otherwise).
#[derive(Clone, Default)]
pub struct BashWording;

impl ErrorFormatter for BashWording {
    fn format_error(&self, error: &Error, shell: &Shell<impl ShellExtensions>) -> String {
        let name = shell.current_shell_name().map_or_else(
            || "ncsh".to_owned(),
            |name| name.trim_start_matches('-').to_owned(),
        );
        match error.kind() {
            ErrorKind::CommandNotFound(command) => {
                format!("{name}: {command}: command not found\n")
            }
            ErrorKind::SyntaxError {
                source_info,
                line,
                near,
                text,
            } => syntax_error(
                &name,
                &source_info.source,
                *line,
                near.is_some(),
                error,
                text,
            ),
            _ => format!("{name}: {}\n", plain(&format!("{error:#}"))),
        }
    }
}

/// A syntax error as bash reports it: typed at the prompt, only what is wrong; in a script, the
/// script's line (`NAME` is the script); in `-c` text, the source and its line. An error near a
/// token quotes the line it is on.
fn syntax_error(
    name: &str,
    source: &str,
    line: usize,
    near_a_token: bool,
    error: &Error,
    text: &str,
) -> String {
    let prefix = match source {
        "main" => format!("{name}: "),
        _ if source == name => format!("{name}: line {line}: "),
        _ => format!("{name}: {source}: line {line}: "),
    };
    let mut message = format!("{prefix}{error}\n");
    if near_a_token && source != "main" {
        message.push_str(&format!("{prefix}`{text}'\n"));
    }
    message
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

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn rust_decorations_are_dropped() {
        assert_eq!(
            plain("cd: i/o error: No such file or directory (os error 2)"),
            "cd: No such file or directory"
        );
        assert_eq!(plain("syntax error near ;"), "syntax error near ;");
    }
}
