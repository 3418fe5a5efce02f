//! The host: sits between the user's terminal and a program on a PTY, relays every byte both ways, and
//! feeds the program's output to the screen model that is the session's interface state.
//!
//! The relay is a plain `poll` loop over three descriptors (the terminal, the PTY master, a signalfd)
//! in one thread, rather than an async runtime: it is the shortest path from a keystroke to the PTY
//! and from the PTY to the screen, which is what keystroke latency and throughput measure. The screen
//! model and the recorders run beside it, in the [`crate::watcher`] thread.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::process::Command;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, Signal, kill};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::asciicast::CastWriter;
use crate::pty::{set_nonblocking, spawn_on_pty};
use crate::steps_file::StepWriter;
use crate::terminal::{RawMode, WindowSize, set_window_size, window_size};
use crate::watcher::Watcher;
use crate::{BridgeError, ScreenModel};

/// Where the host writes what it saw, besides the terminal.
#[derive(Default)]
pub struct Recorders {
    /// The session as asciicast v2 (output, input and resizes).
    pub cast: Option<CastWriter<std::io::BufWriter<std::fs::File>>>,
    /// Each step as it completes.
    pub steps: Option<StepWriter<std::io::BufWriter<std::fs::File>>>,
    /// Each step as it completes, for another thread (the learned runtime following the session).
    /// The channel has no bound, so a slow listener never holds up the screen model.
    pub listener: Option<std::sync::mpsc::Sender<crate::Step>>,
}

/// Why the host loop ended.
enum Ending {
    /// The program exited with this status.
    ChildExited(i32),
    /// The terminal went away or the host was told to stop, by this signal.
    HungUp(Signal),
}

const SIGNALS: [Signal; 6] = [
    Signal::SIGWINCH,
    Signal::SIGCHLD,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
];

/// The signals the host takes through its signalfd. A thread started before [`run_host`] must block
/// them, or the kernel may deliver one to it instead: a SIGWINCH lost, or a SIGTERM that ends the
/// host without restoring the terminal.
pub fn host_signals() -> SigSet {
    let mut set = SigSet::empty();
    for signal in SIGNALS {
        set.add(signal);
    }
    set
}

/// Runs `command` on a PTY behind the user's terminal (stdin/stdout) until it exits, and returns the
/// exit status to report: the program's own, or 128 + the signal that ended it or the host.
///
/// The terminal is in raw mode for the duration and is restored on every way out: the program's exit,
/// SIGTERM, SIGHUP and a closed terminal (which send SIGHUP to the program, as a terminal hangup does),
/// and, through [`crate::restore_terminal_after_panic`], a panic.
///
/// Must be called before any other thread is started, because it blocks the signals it handles,
/// unless that thread blocks [`host_signals`] itself.
///
/// # Errors
/// When the terminal cannot be put in raw mode or the PTY or program cannot be set up. Once the program
/// runs, recording failures are logged, and the session goes on.
pub fn run_host(command: Command, recorders: Recorders) -> Result<i32, BridgeError> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let size = window_size(stdout.as_fd()).unwrap_or(WindowSize::DEFAULT);

    let mask = host_signals();
    mask.thread_block()
        .map_err(|e| BridgeError::os("block the host's signals", e))?;
    let result = (|| {
        let signals = SignalFd::with_flags(&mask, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
            .map_err(|e| BridgeError::os("open a signalfd", e))?;
        // Started after the signals are blocked, so that it inherits the mask.
        let watcher = Watcher::start(ScreenModel::new(size.rows, size.cols), recorders)
            .map_err(|e| BridgeError::Io("start the screen model's thread".into(), e))?;
        // Raw mode before the program starts, so that no keystroke is echoed twice in between; if the
        // program cannot start, dropping the guard restores the terminal.
        let raw = RawMode::enter(stdin.as_fd())?;
        let child = spawn_on_pty(command, size)?;
        set_nonblocking(&child.master)?;
        let mut relay = Relay {
            master: child.master,
            pid: child.pid,
            watcher,
            start: Instant::now(),
            to_child: Vec::new(),
        };
        let ending = relay.run(stdin.as_fd(), stdout.as_fd(), &signals);
        drop(raw);
        let status = match ending {
            Ending::ChildExited(status) => status,
            Ending::HungUp(signal) => relay.hang_up(signal),
        };
        relay.watcher.finish();
        Ok(status)
    })();
    let _ = mask.thread_unblock();
    result
}

struct Relay {
    master: OwnedFd,
    pid: Pid,
    watcher: Watcher,
    start: Instant,
    to_child: Vec<u8>,
}

impl Relay {
    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn run(&mut self, stdin: BorrowedFd<'_>, stdout: BorrowedFd<'_>, signals: &SignalFd) -> Ending {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let master_events = if self.to_child.is_empty() {
                PollFlags::POLLIN
            } else {
                PollFlags::POLLIN | PollFlags::POLLOUT
            };
            let mut fds = [
                PollFd::new(stdin, PollFlags::POLLIN),
                PollFd::new(self.master.as_fd(), master_events),
                PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            ];
            // Hand the batched output to the watcher only when the relay is about to wait; with
            // nothing batched (a keystroke's echo already went out), go straight to the wait.
            let mut polled = if self.watcher.has_batch() {
                poll(&mut fds, PollTimeout::ZERO)
            } else {
                Ok(0)
            };
            if matches!(polled, Ok(0)) {
                self.watcher.flush();
                polled = poll(&mut fds, PollTimeout::NONE);
            }
            match polled {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => {
                    tracing::error!("poll failed: {e}");
                    return Ending::HungUp(Signal::SIGHUP);
                }
            }
            let ready = |fd: &PollFd<'_>| fd.revents().unwrap_or(PollFlags::empty());
            let (stdin_ready, master_ready, signal_ready) =
                (ready(&fds[0]), ready(&fds[1]), ready(&fds[2]));

            if signal_ready.contains(PollFlags::POLLIN)
                && let Some(ending) = self.on_signals(signals, stdout)
            {
                return ending;
            }
            if master_ready.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
            {
                match nix::unistd::read(&self.master, &mut buf) {
                    Ok(0) | Err(Errno::EIO) => return self.wait_child(stdout),
                    Ok(n) => self.show(stdout, &buf[..n]),
                    Err(Errno::EAGAIN | Errno::EINTR) => {}
                    Err(e) => {
                        tracing::error!("reading the PTY failed: {e}");
                        return self.wait_child(stdout);
                    }
                }
            }
            if master_ready.contains(PollFlags::POLLOUT) {
                self.send_pending();
            }
            if stdin_ready.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR) {
                match nix::unistd::read(stdin, &mut buf) {
                    Ok(0) | Err(Errno::EIO) => return Ending::HungUp(Signal::SIGHUP),
                    Ok(n) => {
                        self.to_child.extend_from_slice(&buf[..n]);
                        self.send_pending();
                        let at = self.now();
                        self.watcher.input(at, &buf[..n]);
                    }
                    Err(Errno::EAGAIN | Errno::EINTR) => {}
                    Err(e) => {
                        tracing::error!("reading the terminal failed: {e}");
                        return Ending::HungUp(Signal::SIGHUP);
                    }
                }
            }
        }
    }

    /// Shows program output on the terminal first, then hands it to the watcher, so that neither the
    /// model nor the recorders add to what the user waits for.
    fn show(&mut self, stdout: BorrowedFd<'_>, bytes: &[u8]) {
        write_all(stdout, bytes);
        let at = self.now();
        self.watcher.output(at, bytes);
    }

    fn send_pending(&mut self) {
        while !self.to_child.is_empty() {
            match nix::unistd::write(&self.master, &self.to_child) {
                Ok(n) => {
                    self.to_child.drain(..n);
                }
                Err(Errno::EINTR) => {}
                // EAGAIN: the program is not reading; the rest goes when POLLOUT says it can.
                Err(_) => break,
            }
        }
    }

    fn on_signals(&mut self, signals: &SignalFd, stdout: BorrowedFd<'_>) -> Option<Ending> {
        while let Ok(Some(info)) = signals.read_signal() {
            let Ok(signal) = Signal::try_from(info.ssi_signo as i32) else {
                continue;
            };
            match signal {
                Signal::SIGWINCH => self.resize(stdout),
                Signal::SIGCHLD => {
                    if let Some(status) = self.reap(WaitPidFlag::WNOHANG) {
                        self.drain_output(stdout);
                        return Some(Ending::ChildExited(status));
                    }
                }
                Signal::SIGTERM | Signal::SIGHUP => return Some(Ending::HungUp(signal)),
                // Keys cannot raise these in raw mode; one sent by `kill` is ignored, as an
                // interactive shell ignores it.
                _ => {}
            }
        }
        None
    }

    fn resize(&mut self, stdout: BorrowedFd<'_>) {
        let Some(size) = window_size(stdout) else {
            return;
        };
        if let Err(e) = set_window_size(&self.master, size) {
            tracing::warn!("{e}");
        }
        let at = self.now();
        self.watcher.resize(at, size);
    }

    /// The slave side is closed by everyone: the program is gone or going.
    fn wait_child(&mut self, stdout: BorrowedFd<'_>) -> Ending {
        self.drain_output(stdout);
        Ending::ChildExited(self.reap(WaitPidFlag::empty()).unwrap_or(1))
    }

    /// Shows what the program wrote before it exited. Background jobs may keep the PTY open and
    /// writing, so this takes only what is there now.
    fn drain_output(&mut self, stdout: BorrowedFd<'_>) {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = nix::unistd::read(&self.master, &mut buf) {
            self.show(stdout, &buf[..n]);
        }
    }

    /// The program's exit status once it has exited (`None` while it runs, with `WNOHANG`).
    fn reap(&self, flags: WaitPidFlag) -> Option<i32> {
        loop {
            match waitpid(self.pid, Some(flags)) {
                Ok(WaitStatus::Exited(_, code)) => return Some(code),
                Ok(WaitStatus::Signaled(_, signal, _)) => return Some(128 + signal as i32),
                Ok(WaitStatus::StillAlive) => return None,
                Ok(_) | Err(Errno::EINTR) => {}
                Err(_) => return Some(1),
            }
        }
    }

    /// The terminal is gone or the host was told to stop: hang up the program as a closed terminal
    /// does, give it a moment to hang up its own jobs, and report the signal.
    fn hang_up(&mut self, signal: Signal) -> i32 {
        let _ = kill(self.pid, Signal::SIGHUP);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if self.reap(WaitPidFlag::WNOHANG).is_some() {
                return 128 + signal as i32;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = kill(self.pid, Signal::SIGKILL);
        let _ = self.reap(WaitPidFlag::empty());
        128 + signal as i32
    }
}

/// Writes everything to the terminal, waiting when it is not ready (someone may have left it
/// non-blocking) and giving up only when it is gone.
fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match nix::unistd::write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => {
                let mut fds = [PollFd::new(fd, PollFlags::POLLOUT)];
                let _ = poll(&mut fds, PollTimeout::from(100u16));
            }
            Err(e) => {
                tracing::warn!(
                    "writing to the terminal (fd {}) failed: {e}",
                    fd.as_raw_fd()
                );
                return;
            }
        }
    }
}
