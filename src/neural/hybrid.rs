//! The hybrid runtime (DESIGN.md, "Runtime modes"): commands run for real, and the learned runtime
//! follows the session on a thread of its own. For each step the host cut, it predicts the screen
//! after from the real screen before and the command, and the fidelity log records how close it
//! came (`neural fidelity`). It never runs a command, and the screen never waits for it: the host
//! hands it copies of the steps through a channel with no bound.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kernel_bridge::Step;
use neural_rt::fidelity::{Follower, Measured};
use nix::sys::signal::SigmaskHow;

use super::model::{Of, in_use, logged_name};
use super::state_log::{FIDELITY, now, session_name};

/// The thread's name, by which the panic hook knows that a panic there must leave the terminal
/// alone: the session goes on without the model.
pub const THREAD_NAME: &str = "ncsh-hybrid";

/// How long the host waits, when the session ends, for the steps still queued to be predicted (and
/// the model to load, in a session shorter than that). A daemon that does not answer or a GPU slow
/// to start delays the end of a session by this much at most.
const FINISH_WAIT: Duration = Duration::from_secs(3);

/// The thread following the session.
pub struct Following {
    thread: JoinHandle<()>,
}

/// Starts following a session: gives the sender the host's recorders hand each step to.
///
/// The thread is started with the host's signals blocked
/// ([`kernel_bridge::host::host_signals`]), as are the threads it starts, so that those signals reach
/// the host's signalfd and not this thread.
///
/// # Errors
/// When the thread cannot be started.
pub fn start() -> std::io::Result<(Sender<Step>, Following)> {
    let (steps, seen) = channel();
    let session = session_name();
    let before = kernel_bridge::host::host_signals()
        .thread_swap_mask(SigmaskHow::SIG_BLOCK)
        .map_err(std::io::Error::from)?;
    let thread = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || follow(&seen, &session));
    let _ = before.thread_set_mask();
    Ok((steps, Following { thread: thread? }))
}

impl Following {
    /// Once the host has stopped handing over steps (the sender is gone): waits a little for the
    /// queued ones to be predicted, then leaves the thread behind.
    pub fn finish(self) {
        let deadline = Instant::now() + FINISH_WAIT;
        while !self.thread.is_finished() {
            if Instant::now() >= deadline {
                tracing::warn!("the learned runtime had steps left when the session ended");
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if self.thread.join().is_err() {
            tracing::error!("the learned runtime failed while following the session");
        }
    }
}

fn follow(steps: &Receiver<Step>, session: &str) {
    // The log first: a model loaded for a log that cannot be written would be wasted.
    if let Err(e) = FIDELITY.prepare() {
        tracing::warn!("the fidelity log cannot be written: {e}");
        return;
    }
    let device = neural_rt::device::choose();
    let (runtime, model) = match in_use(&device, Of::Current) {
        Ok((runtime, _, weights)) => (runtime, logged_name(weights.as_ref())),
        Err(e) => {
            tracing::warn!(
                "the learned runtime cannot follow this session: {}",
                e.message
            );
            return;
        }
    };
    let mut follower = match Follower::new(runtime) {
        Ok(follower) => follower,
        Err(e) => {
            tracing::warn!("the learned runtime cannot start: {e}");
            return;
        }
    };
    for step in steps {
        let (scores, ms) =
            match follower.follow(&step.frame_before, &step.action, &step.frame_after) {
                Ok(measured) => measured,
                Err(e) => {
                    tracing::warn!("the learned runtime failed on a step and stops following: {e}");
                    return;
                }
            };
        let measured = Measured {
            at: now(),
            session: session.to_owned(),
            model: model.clone(),
            scores,
            ms,
        };
        if let Err(e) = FIDELITY.append(&measured) {
            tracing::warn!("the fidelity log cannot be written: {e}");
            return;
        }
    }
}
