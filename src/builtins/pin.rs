//! The generation this shell runs on. A shell starts on the current generation and stays on it while
//! other shells update; it moves only when its user says so (`gen use N`) or makes an update from it
//! (`cap install`, `gen rollback`, …), which switches it to the result.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use store::GenerationId;

use crate::daemon::client::{self, ClientError};
use crate::daemon::protocol::{Call, Reply};

static PINNED: Mutex<Option<GenerationId>> = Mutex::new(None);

/// This shell's generation: pinned at start (an interactive shell) or at first use (a script).
///
/// # Errors
/// When it was not pinned yet and the daemon cannot say what current is.
pub fn pinned() -> Result<GenerationId, ClientError> {
    let mut pinned = PINNED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(id) = *pinned {
        return Ok(id);
    }
    let id = current()?;
    *pinned = Some(id);
    Ok(id)
}

/// Moves this shell to generation `id`.
pub fn set(id: GenerationId) {
    *PINNED.lock().unwrap_or_else(|p| p.into_inner()) = Some(id);
}

/// The current generation, as the daemon says.
///
/// # Errors
/// When the daemon cannot be reached or started.
pub fn current() -> Result<GenerationId, ClientError> {
    match client::call(Call::Current)? {
        Reply::Current(id) => Ok(id),
        other => Err(unexpected(&other)),
    }
}

/// A reply of the wrong kind: a daemon of another build answered.
pub fn unexpected(reply: &Reply) -> ClientError {
    ClientError::Refused(format!(
        "the daemon answered with something else ({reply:?}); run `daemon stop` and try again"
    ))
}

static SAID: AtomicBool = AtomicBool::new(false);

/// At the start of an interactive session: pins current, or says (once) why updates are unavailable.
/// Commands run either way.
pub fn at_session_start(err: &mut dyn std::io::Write) {
    if let Err(e) = pinned()
        && !SAID.swap(true, Ordering::SeqCst)
    {
        let _ = writeln!(
            err,
            "ncsh: {e}. Commands still run; `daemon status` says when updates are back."
        );
    }
}
