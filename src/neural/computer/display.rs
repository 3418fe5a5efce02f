//! The user's terminal during a neural computer session: raw mode and the alternate screen, both
//! undone when it ends; the computer's 24×80 screen drawn at the top left with a status line under
//! it; keys and the signals that end or resize the session.

use std::io::Write;
use std::os::fd::AsFd;

use kernel_bridge::Frame;
use kernel_bridge::terminal::{RawMode, window_size};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal};
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

/// The terminal, taken over for the session.
pub struct Display {
    raw: RawMode,
    signals: SignalFd,
    /// Whether the window is large enough for the screen and the status line.
    fits: bool,
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

impl Display {
    /// Takes the terminal over: raw mode, the alternate screen, and the signals that end or resize
    /// the session read here instead of ending it.
    ///
    /// # Errors
    /// When the terminal or the signals cannot be set up; nothing is left changed then.
    pub fn open() -> Result<Self, String> {
        let mut mask = SigSet::empty();
        for signal in [Signal::SIGWINCH, Signal::SIGTERM, Signal::SIGHUP] {
            mask.add(signal);
        }
        mask.thread_block()
            .map_err(|e| format!("cannot take the terminal's signals: {e}"))?;
        let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
            .map_err(|e| format!("cannot open a signalfd: {e}"))?;
        let raw = RawMode::enter(std::io::stdin().as_fd()).map_err(|e| e.to_string())?;
        let mut display = Self {
            raw,
            signals,
            fits: true,
        };
        display.write(b"\x1b[?1049h");
        Ok(display)
    }

    /// Draws `frame` and `status` under it, with the cursor where the frame has it.
    pub fn show(&mut self, frame: &Frame, status: &str) {
        self.fits = too_small().is_none();
        let mut out = String::from("\x1b[H\x1b[2J");
        if !self.fits {
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
                PollFd::new(self.signals.as_fd(), PollFlags::POLLIN),
            ];
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return Event::Ended(None),
            }
            let signalled = fds[1].any().unwrap_or(false);
            let typed = fds[0].any().unwrap_or(false);
            if signalled {
                while let Ok(Some(info)) = self.signals.read_signal() {
                    match Signal::try_from(info.ssi_signo as i32) {
                        Ok(Signal::SIGWINCH) => return Event::Resized,
                        Ok(signal) => return Event::Ended(Some(signal)),
                        Err(_) => {}
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

impl Drop for Display {
    fn drop(&mut self) {
        self.write(b"\x1b[?1049l");
        self.raw.restore();
    }
}
