//! Ctrl-C during a long `neural` command. The shell does not die of SIGINT (as bash does not, at a
//! prompt or in a builtin), and a builtin runs inside it, so a command that takes hours must watch
//! for it itself: it stops where its work is kept, and says how to go on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::ProgressBar;
use neural_rt::eval::{Progress, Stopped};
use signal_hook_registry::SigId;

use crate::builtins::Failure;

/// SIGINT, caught while this lives. The registry adds its handler beside the ones already there
/// (tokio's, which the interpreter waits on while a job runs), and takes it away again.
pub struct CtrlC {
    pressed: Arc<AtomicBool>,
    handler: Option<SigId>,
}

impl CtrlC {
    /// Starts catching it. Where it is ignored (a `ncsh -c` started in the background, say), it stays
    /// so; where it cannot be caught, the command runs as before, to its end.
    pub fn catch() -> Self {
        let pressed = Arc::new(AtomicBool::new(false));
        if ignored() {
            return Self {
                pressed,
                handler: None,
            };
        }
        let flag = Arc::clone(&pressed);
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        let handler = unsafe {
            signal_hook_registry::register(nix::libc::SIGINT, move || {
                flag.store(true, Ordering::Relaxed);
            })
        };
        let handler = handler
            .inspect_err(|e| tracing::warn!("Ctrl-C cannot stop this neural command: {e}"))
            .ok();
        Self { pressed, handler }
    }

    /// Whether Ctrl-C was pressed since [`CtrlC::catch`].
    pub fn pressed(&self) -> bool {
        self.pressed.load(Ordering::Relaxed)
    }

    /// The failure of a command stopped by it, `what` saying what came of it; the status is a
    /// SIGINT's, as a job killed by one gives.
    pub fn stopped(what: &str) -> Failure {
        Failure {
            message: format!("stopped by Ctrl-C; {what}"),
            status: 130,
        }
    }
}

/// Why an evaluation failed: Ctrl-C stopped it (`what` says what came of that), or `error`.
pub fn evaluation_failure(error: &(dyn std::error::Error + 'static), what: &str) -> Failure {
    match error.downcast_ref::<Stopped>() {
        Some(_) => CtrlC::stopped(what),
        None => Failure::from(error.to_string()),
    }
}

/// The bar an evaluation shows: the part under way and its sessions, after a prefix that may name
/// the model measured.
pub fn evaluation_bar() -> ProgressBar {
    super::progress_bar("{prefix}{msg:16} {bar:40} {pos}/{len} sessions  eta {eta}")
}

/// Shows how an evaluation goes on `bar`, and stops it when Ctrl-C is pressed.
pub fn watch<'a>(bar: &'a ProgressBar, ctrl_c: &'a CtrlC) -> impl FnMut(&Progress) -> bool + 'a {
    move |progress| {
        bar.set_message(progress.part.to_owned());
        bar.set_length(progress.of as u64);
        bar.set_position(progress.done as u64);
        !ctrl_c.pressed()
    }
}

/// Whether SIGINT is ignored in this process.
fn ignored() -> bool {
    use nix::libc;
    // SAFETY: with no new action given, sigaction only reads the current one into `now`.
    unsafe {
        let mut now: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, std::ptr::null(), &mut now) == 0
            && now.sa_sigaction == libc::SIG_IGN
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        if let Some(handler) = self.handler.take() {
            signal_hook_registry::unregister(handler);
        }
    }
}
