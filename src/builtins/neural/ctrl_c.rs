//! Ctrl-C during a long `neural` command. The shell does not die of SIGINT (an interactive one ignores
//! it, as bash does), and a builtin runs inside it, so a command that takes hours must watch for it
//! itself: it stops where its work is kept, and says how to go on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook_registry::SigId;

/// SIGINT, caught while this lives. The registry adds its handler beside the ones already there
/// (tokio's, which the interpreter waits on while a job runs), and takes it away again.
pub struct CtrlC {
    pressed: Arc<AtomicBool>,
    handler: Option<SigId>,
}

impl CtrlC {
    /// Starts catching it. Where it cannot be caught, the command runs as before, to its end.
    pub fn catch() -> Self {
        let pressed = Arc::new(AtomicBool::new(false));
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
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        if let Some(handler) = self.handler.take() {
            signal_hook_registry::unregister(handler);
        }
    }
}
