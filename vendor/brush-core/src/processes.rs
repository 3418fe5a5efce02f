//! Process management

use futures::FutureExt;

use crate::{error, jobs, sys};

/// A waitable future that will yield the results of a child process's execution.
pub(crate) type WaitableChildProcess = std::pin::Pin<
    Box<dyn futures::Future<Output = Result<std::process::Output, std::io::Error>> + Send + Sync>,
>;

/// Tracks a child process being awaited.
pub struct ChildProcess {
    /// A waitable future that will yield the results of a child process's execution.
    exec_future: WaitableChildProcess,
    /// If available, the process ID of the child.
    pid: Option<sys::process::ProcessId>,
    /// If available, the process group ID of the child.
    pgid: Option<sys::process::ProcessId>,
    /// For a process of a background job, the job's group (ncsh patch).
    background_group: Option<std::sync::Arc<jobs::BackgroundGroup>>,
}

impl ChildProcess {
    /// Wraps a child process and its future.
    pub fn new(
        child: sys::process::Child,
        pid: Option<sys::process::ProcessId>,
        pgid: Option<sys::process::ProcessId>,
    ) -> Self {
        Self {
            exec_future: Box::pin(child.wait_with_output()),
            pid,
            pgid,
            background_group: None,
        }
    }

    /// Marks the process as one of a background job's, in `group` (ncsh patch).
    pub(crate) fn in_background_group(
        mut self,
        group: std::sync::Arc<jobs::BackgroundGroup>,
    ) -> Self {
        self.background_group = Some(group);
        self
    }

    /// Returns the process's ID.
    pub const fn pid(&self) -> Option<sys::process::ProcessId> {
        self.pid
    }

    /// Returns the process's group ID.
    pub const fn pgid(&self) -> Option<sys::process::ProcessId> {
        self.pgid
    }

    /// Waits for the process to exit. ncsh patch: a foreground command that died of SIGINT was
    /// sent it by Ctrl-C, which stops an interactive shell's whole command line (see
    /// `interrupt`), and ends a non-interactive shell that got SIGINT meanwhile too, as bash's
    /// does (`signal_traps::foreground_ended`).
    pub async fn wait(&mut self) -> Result<ProcessWaitResult, error::Error> {
        let foreground = self.background_group.is_none();
        if foreground {
            crate::signal_traps::foreground_waits();
        }
        let waited = self.wait_for_exit_or_stop().await;
        if foreground {
            #[cfg(unix)]
            let died_of_sigint = matches!(&waited, Ok(ProcessWaitResult::Completed(output))
                if std::os::unix::process::ExitStatusExt::signal(&output.status)
                    == Some(nix::libc::SIGINT));
            #[cfg(not(unix))]
            let died_of_sigint = false;
            if died_of_sigint {
                crate::interrupt::request();
            }
            crate::signal_traps::foreground_ended(died_of_sigint);
        }
        waited
    }

    async fn wait_for_exit_or_stop(&mut self) -> Result<ProcessWaitResult, error::Error> {
        #[allow(unused_mut, reason = "only mutated on some platforms")]
        let mut sigtstp = sys::signal::tstp_signal_listener()?;
        #[allow(unused_mut, reason = "only mutated on some platforms")]
        let mut sigchld = sys::signal::chld_signal_listener()?;
        // ncsh patch: a background job's process that stopped before the listener was there
        // (`cat &`, which the terminal stops as it first reads) sent its SIGCHLD to nobody: its
        // stop is looked for once.
        if let (Some(group), Some(pgid)) = (&self.background_group, self.pgid)
            && let Some(stopped) = sys::signal::poll_group_for_stop_or_continue(pgid)?
        {
            group.set_stopped(stopped);
        }

        #[allow(clippy::ignored_unit_patterns)]
        loop {
            tokio::select! {
                output = &mut self.exec_future => {
                    break Ok(ProcessWaitResult::Completed(output?))
                },
                _ = sigtstp.recv() => {
                    // ncsh patch: the shell's own SIGTSTP does not stop a background job.
                    if self.background_group.is_none() {
                        break Ok(ProcessWaitResult::Stopped)
                    }
                },
                _ = sigchld.recv() => {
                    // ncsh patch: a background job's process goes on being waited for when it
                    // stops, so that the job stays in the table and `bg`/`fg` can continue it;
                    // the group records the stop for whoever waits on the job. Only the job's
                    // own group is polled, so that a stop of another job is left to its waiter.
                    if let Some(group) = &self.background_group {
                        if let Some(pgid) = self.pgid
                            && let Some(stopped) =
                                sys::signal::poll_group_for_stop_or_continue(pgid)?
                        {
                            group.set_stopped(stopped);
                        }
                    } else if self.foreground_stopped()? {
                        break Ok(ProcessWaitResult::Stopped);
                    }
                },
                _ = sys::signal::await_ctrl_c() => {
                    // SIGINT got thrown. Handle it and continue looping. The child should
                    // have received it as well, and either handled it or ended up getting
                    // terminated (in which case we'll see the child exit).
                },
            }
        }
    }

    /// Whether a foreground process stopped (Ctrl-Z): its own group is polled (ncsh patch), so
    /// that a background job's process, which the terminal stops as it reads, is not taken for
    /// it (`cat &` then `sleep 1` reported the sleep stopped) and its stop is left to its waiter.
    fn foreground_stopped(&self) -> Result<bool, error::Error> {
        match self.pgid {
            Some(pgid) => Ok(matches!(
                sys::signal::poll_group_for_stop_or_continue(pgid)?,
                Some(Some(_))
            )),
            None => sys::signal::poll_for_stopped_children(),
        }
    }

    pub(crate) fn poll(&mut self) -> Option<Result<std::process::Output, error::Error>> {
        let checkable_future = &mut self.exec_future;
        checkable_future
            .now_or_never()
            .map(|result| result.map_err(Into::into))
    }
}

/// Represents the result of waiting for an executing process.
pub enum ProcessWaitResult {
    /// The process completed.
    Completed(std::process::Output),
    /// The process stopped and has not yet completed.
    Stopped,
}
