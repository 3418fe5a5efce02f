//! The hybrid runtime (DESIGN.md, "Runtime modes"): commands run for real, and the learned runtime
//! follows the session on a thread of its own. For each step the host cut, it predicts the screen
//! after from the real screen before and the command, and the fidelity log records how close it
//! came (`neural fidelity`). It never runs a command and never delays the screen: the host hands it
//! copies of the steps through a channel with no bound.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kernel_bridge::Step;
use neural_rt::fidelity::{Follower, Measured};
use nix::sys::signal::{SigSet, SigmaskHow};

use super::fidelity_log;
use crate::builtins::neural::model::{Of, in_use};

/// How long the host waits, when the session ends, for the last steps to be predicted.
const FINISH_WAIT: Duration = Duration::from_secs(3);

/// The thread following the session.
pub struct Following {
    thread: JoinHandle<()>,
    done: Receiver<()>,
}

/// Starts following a session: gives the sender the host's recorders hand each step to.
///
/// The thread takes no signals: the host's signals go to its signalfd, and a SIGTERM or SIGHUP
/// delivered to this thread instead would end the host without restoring the terminal.
///
/// # Errors
/// When the thread cannot be started.
pub fn start() -> std::io::Result<(Sender<Step>, Following)> {
    let (steps, seen) = channel();
    let (done_tx, done) = channel();
    let session = format!(
        "{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    );
    let before = SigSet::all()
        .thread_swap_mask(SigmaskHow::SIG_BLOCK)
        .map_err(std::io::Error::from)?;
    let thread = std::thread::Builder::new()
        .name("ncsh-hybrid".into())
        .spawn(move || {
            follow(&seen, session);
            drop(done_tx);
        });
    let _ = before.thread_set_mask();
    Ok((
        steps,
        Following {
            thread: thread?,
            done,
        },
    ))
}

impl Following {
    /// Once the host has stopped handing over steps: waits a little for the last ones to be
    /// predicted. A thread still loading its model (a slow daemon) is left behind.
    pub fn finish(self) {
        match self.done.recv_timeout(FINISH_WAIT) {
            Err(RecvTimeoutError::Disconnected) => {
                if self.thread.join().is_err() {
                    tracing::error!("the learned runtime failed while following the session");
                }
            }
            Ok(()) | Err(RecvTimeoutError::Timeout) => {
                tracing::warn!("the learned runtime had not finished when the session ended");
            }
        }
    }
}

fn follow(steps: &Receiver<Step>, session: String) {
    let device = neural_rt::device::choose();
    let (runtime, model, _) = match in_use(&device, Of::Current) {
        Ok(found) => found,
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
    let mut log = match fidelity_log::open_for_append() {
        Ok(log) => log,
        Err(e) => {
            tracing::warn!("the fidelity log cannot be written: {e}");
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
            at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            session: session.clone(),
            model: model.clone(),
            scores,
            ms,
        };
        if let Err(e) = fidelity_log::append(&mut log, &measured) {
            tracing::warn!("the fidelity log cannot be written: {e}");
            return;
        }
    }
}
