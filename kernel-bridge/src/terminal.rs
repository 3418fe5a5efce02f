//! The user's real terminal: raw mode that is always undone, and window sizes.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::Mutex;

use nix::sys::termios::{self, SetArg, Termios};

use crate::BridgeError;

/// The settings to put back if the process dies in a way that skips `Drop` (a panic that aborts, a
/// fatal signal handled elsewhere). Only one terminal is ever in raw mode per process.
static SAVED: Mutex<Option<(RawFd, Termios)>> = Mutex::new(None);

/// The terminal in raw mode, restored exactly (`stty -g` before equals after) when dropped.
pub struct RawMode {
    fd: RawFd,
    saved: Termios,
}

impl RawMode {
    /// Saves the terminal's settings and switches it to raw mode: no echo, no line editing, no signals
    /// from keys, so that every key reaches the program behind the host as it was typed.
    ///
    /// # Errors
    /// When `fd` is not a terminal or its settings cannot be changed.
    pub fn enter(fd: BorrowedFd<'_>) -> Result<Self, BridgeError> {
        let saved =
            termios::tcgetattr(fd).map_err(|e| BridgeError::os("read terminal settings", e))?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        if let Ok(mut slot) = SAVED.lock() {
            *slot = Some((fd.as_raw_fd(), saved.clone()));
        }
        termios::tcsetattr(fd, SetArg::TCSAFLUSH, &raw)
            .map_err(|e| BridgeError::os("switch the terminal to raw mode", e))?;
        Ok(Self {
            fd: fd.as_raw_fd(),
            saved,
        })
    }

    /// Switches to raw mode again, after something else changed the settings (a shell that had
    /// the terminal while this process was stopped).
    pub fn reapply(&self) {
        let mut raw = self.saved.clone();
        termios::cfmakeraw(&mut raw);
        // SAFETY: as in `restore`.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let _ = termios::tcsetattr(fd, SetArg::TCSADRAIN, &raw);
    }

    /// Puts the saved settings back now (also done on drop).
    pub fn restore(&self) {
        // SAFETY: `fd` was a valid terminal descriptor when raw mode was entered, and the host keeps the
        // terminal open for as long as it holds this guard.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let _ = termios::tcsetattr(fd, SetArg::TCSADRAIN, &self.saved);
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        self.restore();
        if let Ok(mut slot) = SAVED.lock() {
            *slot = None;
        }
    }
}

/// Restores the terminal that is in raw mode, if any. Safe to call from a panic hook.
pub fn restore_terminal_after_panic() {
    let Ok(slot) = SAVED.try_lock() else { return };
    if let Some((fd, saved)) = slot.as_ref() {
        // SAFETY: the descriptor was registered by `RawMode::enter` and is unregistered when the guard
        // is dropped, so it is still open here.
        let fd = unsafe { BorrowedFd::borrow_raw(*fd) };
        let _ = termios::tcsetattr(fd, SetArg::TCSADRAIN, saved);
    }
}

/// A terminal window size in cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSize {
    /// Rows.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
}

impl WindowSize {
    /// 24 × 80, for when nobody says otherwise.
    pub const DEFAULT: Self = Self { rows: 24, cols: 80 };

    pub(crate) fn to_winsize(self) -> nix::pty::Winsize {
        nix::pty::Winsize {
            ws_row: self.rows,
            ws_col: self.cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        }
    }
}

/// The window size of the terminal on `fd`, or `None` when it is not a terminal or has no size.
pub fn window_size(fd: impl AsFd) -> Option<WindowSize> {
    let mut ws = nix::pty::Winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` struct through the pointer, which points at a live one.
    let rc = unsafe { nix::libc::ioctl(fd.as_fd().as_raw_fd(), nix::libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_row > 0 && ws.ws_col > 0).then_some(WindowSize {
        rows: ws.ws_row,
        cols: ws.ws_col,
    })
}

/// Sets the window size of the terminal on `fd`; on a PTY master the kernel then sends SIGWINCH to the
/// foreground job.
pub fn set_window_size(fd: impl AsFd, size: WindowSize) -> Result<(), BridgeError> {
    let ws = size.to_winsize();
    // SAFETY: TIOCSWINSZ reads one `winsize` struct through the pointer, which points at a live one.
    let rc = unsafe { nix::libc::ioctl(fd.as_fd().as_raw_fd(), nix::libc::TIOCSWINSZ, &ws) };
    if rc == 0 {
        Ok(())
    } else {
        Err(BridgeError::os("set the window size", nix::Error::last()))
    }
}
