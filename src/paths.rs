//! Where ncsh keeps its files: the XDG directories, all moved under `$NCSH_HOME` when it is set (the
//! tests set it).

use std::path::PathBuf;

/// `$NCSH_HOME/state`, else `$XDG_STATE_HOME/ncsh`, else `~/.local/state/ncsh`: logs and history.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("NCSH_HOME") {
        return Some(PathBuf::from(home).join("state"));
    }
    if let Some(state) = std::env::var_os("XDG_STATE_HOME").filter(|s| !s.is_empty()) {
        return Some(PathBuf::from(state).join("ncsh"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state/ncsh"))
}
