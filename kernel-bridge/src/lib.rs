//! `kernel-bridge`: ncsh's bridge to the operating system and its model of the screen.
//!
//! It owns everything between the user's terminal and the interpreter: PTYs, sessions and process
//! groups, signals, termios and window sizes ([`pty`], [`terminal`], [`session`], [`host`]); the vt100
//! screen model and the [`Frame`] it produces ([`ScreenModel`]); the semantic prompt [`Mark`]s and the
//! [`Step`]s cut at them; and the recording formats ([`asciicast`] v2 and [`steps_file`]). It depends on
//! no other ncsh crate, so that every other crate can read frames and steps.
//!
//! The two calls most users need:
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Run a program behind this terminal, watching every screen it shows.
//! let status = kernel_bridge::host::run_host(
//!     std::process::Command::new("bash"),
//!     kernel_bridge::host::Recorders::default(),
//! )?;
//!
//! // Read a recording back into steps.
//! let cast = std::io::BufReader::new(std::fs::File::open("session.cast")?);
//! for step in kernel_bridge::asciicast::steps_from_cast(cast)? {
//!     println!("{:?} -> exit {:?}", step.action, step.exit_status);
//! }
//! # let _ = status;
//! # Ok(())
//! # }
//! ```

pub mod asciicast;
mod frame;
pub mod host;
mod marks;
pub mod pty;
pub mod recording;
mod screen;
pub mod session;
mod step;
pub mod steps_file;
pub mod terminal;
mod watcher;

pub use frame::{Color, Frame, Style, StyleRun};
pub use marks::Mark;
pub use screen::ScreenModel;
pub use step::{Step, StepCutter, StepTiming};
pub use terminal::{WindowSize, restore_terminal_after_panic};

/// A failure to set up the terminal, a PTY or a program on it.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// A system call failed.
    #[error("could not {what}: {errno}")]
    Os {
        /// What was being done.
        what: String,
        /// The error the kernel returned.
        errno: nix::Error,
    },
    /// An I/O operation failed.
    #[error("could not {0}: {1}")]
    Io(String, #[source] std::io::Error),
}

impl BridgeError {
    pub(crate) fn os(what: &str, errno: nix::Error) -> Self {
        Self::Os {
            what: what.to_owned(),
            errno,
        }
    }
}
