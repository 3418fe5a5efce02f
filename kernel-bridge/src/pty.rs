//! Pseudo-terminals: a program started as session leader on a fresh PTY, with the PTY as its
//! controlling terminal, so that it can do POSIX job control there.

use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};
use nix::unistd::Pid;

use crate::{BridgeError, WindowSize};

/// A program running on the slave side of a PTY whose master side we hold.
pub struct PtyChild {
    /// The master side: read the program's screen output here, write its keyboard input here.
    pub master: OwnedFd,
    /// The program's process id; it leads its own session.
    pub pid: Pid,
}

/// The signals a terminal's keys and its hang-up send, set to their default action for the program
/// on the PTY.
const TERMINAL_SIGNALS: [nix::sys::signal::Signal; 6] = [
    nix::sys::signal::Signal::SIGINT,
    nix::sys::signal::Signal::SIGQUIT,
    nix::sys::signal::Signal::SIGTSTP,
    nix::sys::signal::Signal::SIGTTIN,
    nix::sys::signal::Signal::SIGTTOU,
    nix::sys::signal::Signal::SIGHUP,
];

/// Starts `command` on a new PTY of `size` as the leader of a new session with the PTY as controlling
/// terminal. Its stdin, stdout and stderr are the PTY, and it inherits no other descriptor of it; the
/// master is returned close-on-exec, so no other child inherits it.
///
/// # Errors
/// When no PTY can be opened or the program cannot be started.
pub fn spawn_on_pty(mut command: Command, size: WindowSize) -> Result<PtyChild, BridgeError> {
    let pty = nix::pty::openpty(&size.to_winsize(), None)
        .map_err(|e| BridgeError::os("open a pseudo-terminal", e))?;
    // Both sides close-on-exec: the program gets the slave as its stdio (dup2 clears the flag there)
    // and nothing else, so neither it nor anything it starts holds a stray descriptor of the PTY.
    for fd in [&pty.master, &pty.slave] {
        fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))
            .map_err(|e| BridgeError::os("mark the PTY close-on-exec", e))?;
    }
    let dup = |fd: &OwnedFd| {
        fd.try_clone()
            .map_err(|e| BridgeError::Io("duplicate the PTY slave".into(), e))
    };
    command
        .stdin(Stdio::from(dup(&pty.slave)?))
        .stdout(Stdio::from(dup(&pty.slave)?))
        .stderr(Stdio::from(dup(&pty.slave)?));
    // SAFETY: the closure runs in the forked child before exec and calls only async-signal-safe
    // functions (pthread_sigmask, sigaction, setsid, ioctl), touching no memory shared with the
    // parent.
    unsafe {
        command.pre_exec(|| {
            // The host blocks the signals it reads through a signalfd; a blocked mask survives exec,
            // and the program and its jobs must see SIGINT, SIGTSTP and the rest.
            nix::sys::signal::SigSet::empty()
                .thread_set_mask()
                .map_err(std::io::Error::from)?;
            // An ignored signal stays ignored across exec, and a host started in the background
            // of a script has SIGINT and SIGQUIT ignored; Ctrl-C would then reach no job. A
            // terminal gives the program on it the default dispositions, as terminal emulators do.
            for signal in TERMINAL_SIGNALS {
                nix::sys::signal::signal(signal, nix::sys::signal::SigHandler::SigDfl)
                    .map_err(std::io::Error::from)?;
            }
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            if nix::libc::ioctl(0, nix::libc::TIOCSCTTY, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command
        .spawn()
        .map_err(|e| BridgeError::Io(format!("start {program} on the PTY"), e))?;
    drop(pty.slave);
    // Pids fit in i32 on Linux (pid_max is at most 2^22); std reports them as u32.
    let pid = Pid::from_raw(child.id() as i32);
    Ok(PtyChild {
        master: pty.master,
        pid,
    })
}

/// Makes reads and writes on `fd` return at once instead of waiting.
pub fn set_nonblocking(fd: &OwnedFd) -> Result<(), BridgeError> {
    let flags =
        fcntl(fd, FcntlArg::F_GETFL).map_err(|e| BridgeError::os("read descriptor flags", e))?;
    fcntl(
        fd,
        FcntlArg::F_SETFL(OFlag::from_bits_truncate(flags) | OFlag::O_NONBLOCK),
    )
    .map_err(|e| BridgeError::os("make the PTY non-blocking", e))?;
    Ok(())
}
