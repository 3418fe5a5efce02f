//! What `exec` changes in the shell's own process before the program it runs replaces it (ncsh
//! patch).
//!
//! `std::process::Command::exec` sets up the new program in this process and then calls
//! `execvp`: it puts the program's descriptors in place (over the shell's own, the async
//! runtime's among them), changes directory, resets SIGPIPE (and SIGTTOU, which an interactive
//! shell ignores: brush-core's `exec_without_shell_fallback`) and empties the signal mask. Where
//! `execvp` fails, the shell goes on (at the prompt, or with `shopt -s execfail`), and before this
//! it went on with those changes: `exec 3>f; exec nosuch` at the prompt replaced the runtime's
//! descriptor, and ncsh ended with a panic. [`ProcessState::restore`] puts them back. Until it
//! does, the runtime's threads may see the replaced descriptors: a short window, where it was for
//! ever.

use std::os::fd::RawFd;
use std::path::PathBuf;

use nix::libc;

/// The signals whose dispositions a command's setting up changes: SIGPIPE, and SIGTTOU, which an
/// interactive shell ignores to control its terminal and would stop by, once back at it.
const RESET_SIGNALS: [libc::c_int; 2] = [libc::SIGPIPE, libc::SIGTTOU];

/// The descriptors, directory, SIGPIPE and SIGTTOU dispositions and signal mask of the process,
/// saved.
pub(crate) struct ProcessState {
    /// Each descriptor the new program is given, with a copy of what it was and whether it was
    /// closed on exec (`None` where it was not open).
    descriptors: Vec<(RawFd, Option<(RawFd, bool)>)>,
    directory: Option<PathBuf>,
    dispositions: Vec<(libc::c_int, libc::sigaction)>,
    signal_mask: Option<libc::sigset_t>,
}

impl ProcessState {
    /// Saves the descriptors numbered `targets`, the working directory, the dispositions of
    /// SIGPIPE and SIGTTOU and the signal mask.
    pub(crate) fn save(targets: impl IntoIterator<Item = RawFd>) -> Self {
        let targets: Vec<RawFd> = targets.into_iter().collect();
        // The copies are numbered above every target, so that putting the program's descriptors
        // in place replaces none of them.
        let above = targets.iter().max().map_or(3, |highest| highest + 1);
        let descriptors = targets
            .into_iter()
            .map(|target| {
                // SAFETY: F_GETFD and F_DUPFD_CLOEXEC only read `target`; one that is not open
                // gives EBADF.
                let flags = unsafe { libc::fcntl(target, libc::F_GETFD) };
                // SAFETY: as above.
                let copy = unsafe { libc::fcntl(target, libc::F_DUPFD_CLOEXEC, above) };
                let closed_on_exec = flags >= 0 && flags & libc::FD_CLOEXEC != 0;
                (target, (copy >= 0).then_some((copy, closed_on_exec)))
            })
            .collect();
        let dispositions = RESET_SIGNALS
            .into_iter()
            .filter_map(|signal| {
                let mut action = std::mem::MaybeUninit::<libc::sigaction>::uninit();
                // SAFETY: with no new action, sigaction only writes the current one into `action`.
                let got = unsafe { libc::sigaction(signal, std::ptr::null(), action.as_mut_ptr()) };
                // SAFETY: sigaction succeeded, so it wrote the whole struct.
                (got == 0).then(|| (signal, unsafe { action.assume_init() }))
            })
            .collect();
        let mut signal_mask = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        // SAFETY: with no new mask, pthread_sigmask only writes the current one.
        let masked = unsafe {
            libc::pthread_sigmask(
                libc::SIG_SETMASK,
                std::ptr::null(),
                signal_mask.as_mut_ptr(),
            )
        };
        Self {
            descriptors,
            directory: std::env::current_dir().ok(),
            dispositions,
            // SAFETY: pthread_sigmask succeeded, so it wrote the whole set.
            signal_mask: (masked == 0).then(|| unsafe { signal_mask.assume_init() }),
        }
    }

    /// Puts back what was saved, after a failed exec.
    pub(crate) fn restore(self) {
        for (target, copy) in self.descriptors {
            match copy {
                Some((copy, closed_on_exec)) => {
                    // dup3, not dup2, which would leave the runtime's own descriptors open in
                    // every program started after.
                    let flags = if closed_on_exec { libc::O_CLOEXEC } else { 0 };
                    // SAFETY: `copy` is this struct's own descriptor, closed once it is back.
                    unsafe { libc::dup3(copy, target, flags) };
                    // SAFETY: as above; nothing else holds `copy`.
                    unsafe { libc::close(copy) };
                }
                // SAFETY: the descriptor was not open before the exec set it up; closing it
                // closes only what the exec opened there.
                None => unsafe {
                    libc::close(target);
                },
            }
        }
        if let Some(directory) = self.directory {
            let _ = std::env::set_current_dir(directory);
        }
        for (signal, action) in &self.dispositions {
            // SAFETY: the action is the one sigaction gave for this signal in `save`.
            unsafe { libc::sigaction(*signal, action, std::ptr::null_mut()) };
        }
        if let Some(signal_mask) = self.signal_mask {
            // SAFETY: the set is the one pthread_sigmask gave in `save`.
            unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &signal_mask, std::ptr::null_mut()) };
        }
    }
}
