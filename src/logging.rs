//! Logs go through `tracing`, filtered by `NCSH_LOG`. An interactive session logs to a file in the state
//! directory, never onto the terminal; other runs log to stderr only when `NCSH_LOG` asks for it, so
//! that `ncsh -c` starts without setting anything up.

use tracing_subscriber::EnvFilter;

/// Logs of process `role` to `<state dir>/ncsh.log` (warnings and up unless `NCSH_LOG` says otherwise).
pub fn to_state_file(role: &'static str) {
    let Some(dir) = crate::paths::state_dir() else {
        return;
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("ncsh.log"))
    else {
        return;
    };
    let filter = EnvFilter::try_from_env("NCSH_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
    tracing::debug!(role, pid = std::process::id(), "logging started");
}

/// Logs to stderr when `NCSH_LOG` is set; otherwise nothing is initialised.
pub fn to_stderr_if_asked() {
    if let Ok(filter) = EnvFilter::try_from_env("NCSH_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}
