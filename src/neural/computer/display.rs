//! The user's terminal during a neural computer session: raw mode and the alternate screen, both
//! undone when it ends (a panic too); the computer's 24×80 screen drawn at the top left with a
//! status line under it; keys, and the signals that end, resize or continue the session.

use std::io::Write;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};

use kernel_bridge::Frame;
use kernel_bridge::terminal::{RawMode, window_size};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};

/// The computer's screen: the size the model was trained on.
pub const ROWS: u16 = 24;
/// The computer's screen: the size the model was trained on.
pub const COLS: u16 = 80;

/// What happened at the terminal.
pub enum Event {
    /// Keys were typed.
    Keys(Vec<u8>),
    /// The window changed size.
    Resized,
    /// The terminal closed, or the session was told to end by this signal.
    Ended(Option<Signal>),
}

/// Whether the alternate screen is up, for a panic to take it down before it speaks.
static ON_ALTERNATE_SCREEN: AtomicBool = AtomicBool::new(false);

/// Leaves the alternate screen if a session put it up: for the panic hook, so that what the panic
/// says stays on the screen the user goes back to.
pub fn leave_screen_after_panic() {
    if ON_ALTERNATE_SCREEN.swap(false, Ordering::SeqCst) {
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x1b[?1049l");
        let _ = out.flush();
    }
}

/// The signals that end the session (TERM, HUP), resize it (WINCH) or call for a redraw (CONT,
/// after a stop), read from a signalfd; INT, QUIT and TSTP, which keys cannot send in raw mode, are
/// ignored, as an interactive shell ignores them. They are blocked before any other thread starts,
/// so that none of them is delivered elsewhere, and unblocked when this is dropped.
pub struct Signals {
    fd: SignalFd,
    before: SigSet,
}

impl Signals {
    /// Blocks the signals and opens the signalfd.
    ///
    /// # Errors
    /// When either cannot be done; the mask is as it was then.
    pub fn take() -> Result<Self, String> {
        let mut mask = SigSet::empty();
        for signal in [
            Signal::SIGWINCH,
            Signal::SIGTERM,
            Signal::SIGHUP,
            Signal::SIGINT,
            Signal::SIGQUIT,
            Signal::SIGTSTP,
            Signal::SIGCONT,
        ] {
            mask.add(signal);
        }
        let before = mask
            .thread_swap_mask(SigmaskHow::SIG_BLOCK)
            .map_err(|e| format!("cannot take the terminal's signals: {e}"))?;
        match SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC) {
            Ok(fd) => Ok(Self { fd, before }),
            Err(e) => {
                let _ = before.thread_set_mask();
                Err(format!("cannot open a signalfd: {e}"))
            }
        }
    }
}

impl Drop for Signals {
    /// Passes over the signals that came while the session was ending, with the terminal already
    /// restored: a SIGINT left pending would kill the process when they are unblocked.
    fn drop(&mut self) {
        while let Ok(Some(_)) = self.fd.read_signal() {}
        let _ = self.before.thread_set_mask();
    }
}

/// The terminal, taken over for the session.
pub struct Display<'a> {
    raw: RawMode,
    signals: &'a Signals,
}

/// Why a terminal cannot show the computer, if it cannot.
pub fn too_small() -> Option<String> {
    let size = window_size(std::io::stdout())?;
    (size.rows <= ROWS || size.cols < COLS).then(|| {
        format!(
            "the neural computer draws a screen of {ROWS} rows and {COLS} columns with a status \
             line under it, so it needs a terminal of at least {} rows and {COLS} columns, and \
             this one has {} rows and {} columns; enlarge it, or run `ncsh --runtime hybrid`",
            ROWS + 1,
            size.rows,
            size.cols
        )
    })
}

impl<'a> Display<'a> {
    /// Takes the terminal over: raw mode and the alternate screen, with `signals` read here.
    ///
    /// # Errors
    /// When the terminal cannot be put in raw mode; nothing is left changed then.
    pub fn open(signals: &'a Signals) -> Result<Self, String> {
        let raw = RawMode::enter(std::io::stdin().as_fd()).map_err(|e| e.to_string())?;
        let mut display = Self { raw, signals };
        ON_ALTERNATE_SCREEN.store(true, Ordering::SeqCst);
        display.write(b"\x1b[?1049h");
        Ok(display)
    }

    /// Draws `frame` and `status` under it, with the cursor where the frame has it.
    pub fn show(&mut self, frame: &Frame, status: &str) {
        let mut out = String::from("\x1b[H\x1b[2J");
        if too_small().is_some() {
            out.push_str(&format!(
                "Enlarge the terminal to {} rows and {COLS} columns to see the neural computer.",
                ROWS + 1
            ));
            self.write(out.as_bytes());
            return;
        }
        for (row, text) in frame.lines.iter().enumerate() {
            out.push_str(&format!("\x1b[{};1H{text}", row + 1));
        }
        let status: String = status.chars().take(usize::from(COLS)).collect();
        out.push_str(&format!(
            "\x1b[{};1H\x1b[7m{status:<width$}\x1b[m",
            ROWS + 1,
            width = usize::from(COLS)
        ));
        out.push_str(&format!(
            "\x1b[{};{}H",
            frame.cursor.0 + 1,
            frame.cursor.1 + 1
        ));
        self.write(out.as_bytes());
    }

    /// Waits for keys or a signal.
    pub fn next(&mut self) -> Event {
        loop {
            let stdin = std::io::stdin();
            let mut fds = [
                PollFd::new(stdin.as_fd(), PollFlags::POLLIN),
                PollFd::new(self.signals.fd.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return Event::Ended(None),
            }
            let signalled = fds[1].any().unwrap_or(false);
            let typed = fds[0].any().unwrap_or(false);
            if signalled {
                while let Ok(Some(info)) = self.signals.fd.read_signal() {
                    match Signal::try_from(info.ssi_signo as i32) {
                        Ok(Signal::SIGWINCH) => return Event::Resized,
                        // Stopped and continued: whoever had the terminal meanwhile may have
                        // changed its mode and its screen.
                        Ok(Signal::SIGCONT) => {
                            self.raw.reapply();
                            self.write(b"\x1b[?1049h");
                            return Event::Resized;
                        }
                        Ok(signal @ (Signal::SIGTERM | Signal::SIGHUP)) => {
                            return Event::Ended(Some(signal));
                        }
                        _ => {}
                    }
                }
            }
            if typed {
                let mut buf = [0u8; 4096];
                return match nix::unistd::read(stdin.as_fd(), &mut buf) {
                    Ok(0) | Err(_) => Event::Ended(None),
                    Ok(n) => Event::Keys(buf[..n].to_vec()),
                };
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        // A terminal that went away is found by the next read; there is nothing to do here.
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
    }
}

impl Drop for Display<'_> {
    fn drop(&mut self) {
        self.write(b"\x1b[?1049l");
        ON_ALTERNATE_SCREEN.store(false, Ordering::SeqCst);
        self.raw.restore();
    }
}
