//! The generation this shell runs on. A shell starts on the current generation and stays on it while
//! other shells update; it moves only when its user says so (`gen use N`) or makes an update from it
//! (`cap install`, `gen rollback`, …), which switches it to the result.

use std::sync::Mutex;
use std::time::Duration;

use store::{Generation, GenerationId};

use crate::daemon::client::{self, ClientError};

static PINNED: Mutex<Option<GenerationId>> = Mutex::new(None);

/// How long a new interactive shell waits for the daemon before its first prompt.
const SESSION_START_WAIT: Duration = Duration::from_secs(2);

/// How long finding a command waits for the daemon: it answers at once unless it is stuck, and a
/// mistyped command must not wait on a stuck one for long.
pub const LOOKUP_WAIT: Duration = Duration::from_secs(5);

/// This shell's generation: pinned at start (an interactive shell) or at first use (a script).
///
/// # Errors
/// When it was not pinned yet and the daemon cannot say what current is.
pub fn pinned() -> Result<GenerationId, ClientError> {
    pinned_within(None)
}

pub fn pinned_within(wait: Option<Duration>) -> Result<GenerationId, ClientError> {
    let mut pinned = PINNED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(id) = *pinned {
        return Ok(id);
    }
    let id = match wait {
        Some(wait) => client::current_within(wait)?,
        None => client::current()?,
    };
    *pinned = Some(id);
    Ok(id)
}

/// This shell's generation, whole.
///
/// # Errors
/// When the daemon cannot be reached or has no such generation.
pub fn this_generation() -> Result<Generation, ClientError> {
    client::generation(pinned()?)
}

/// Moves this shell to generation `id`.
pub fn set(id: GenerationId) {
    *PINNED.lock().unwrap_or_else(|p| p.into_inner()) = Some(id);
}

/// At the start of an interactive session: pins current, or says why updates are unavailable (once:
/// after that, only the commands that need the daemon say so). Commands run either way.
pub fn at_session_start(err: &mut dyn std::io::Write) {
    if let Err(e) = pinned_within(Some(SESSION_START_WAIT)) {
        let _ = writeln!(
            err,
            "ncsh: {e}. Commands still run; `daemon status` says when updates are back."
        );
    }
}
