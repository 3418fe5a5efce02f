//! The readline init file (`$INPUTRC`, else `~/.inputrc`, else `/etc/inputrc`), read as the
//! interactive shell starts, as bash's readline reads it: the variables ncsh's line editor has
//! are set from its `set` lines (`completion-ignore-case`, `editing-mode`, `mark-directories`,
//! `mark-symlinked-directories`; `brush_builtins::set_readline_variable`). Its key bindings are
//! not read yet. Lines under `$if Bash` count, as for bash; those under any other `$if` do not.

use std::path::{Path, PathBuf};

type Shell = brush_core::Shell<crate::wording::Extensions>;

/// How deep `$include`s may go, so that a file that includes itself ends.
const INCLUDES: usize = 8;

/// Sets what the init file asks for. A file that cannot be read is passed over, as readline
/// passes it over.
pub fn apply(shell: &mut Shell) {
    if let Some(file) = init_file(shell) {
        read(shell, &file, 0);
    }
}

fn init_file(shell: &Shell) -> Option<PathBuf> {
    if let Some(given) = shell.env_str("INPUTRC").filter(|given| !given.is_empty()) {
        return Some(PathBuf::from(given.as_ref()));
    }
    let home = shell
        .env_str("HOME")
        .map(|home| Path::new(home.as_ref()).join(".inputrc"));
    home.filter(|file| file.is_file())
        .or_else(|| Some(PathBuf::from("/etc/inputrc")))
}

fn read(shell: &mut Shell, file: &Path, depth: usize) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    // Whether each `$if` around the line holds.
    let mut conditions: Vec<bool> = vec![];
    for line in text.lines().map(str::trim) {
        if let Some(test) = line.strip_prefix("$if") {
            conditions.push(test.trim().eq_ignore_ascii_case("bash"));
        } else if line.starts_with("$else") {
            if let Some(holds) = conditions.last_mut() {
                *holds = !*holds;
            }
        } else if line.starts_with("$endif") {
            conditions.pop();
        } else if conditions.iter().any(|holds| !holds) {
            continue;
        } else if let Some(included) = line.strip_prefix("$include") {
            if depth < INCLUDES {
                read(shell, Path::new(included.trim()), depth + 1);
            }
        } else if let Some(setting) = line.strip_prefix("set ") {
            brush_builtins::set_readline_variable(shell, setting);
        }
    }
}
