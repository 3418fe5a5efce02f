//! Job management

use std::collections::VecDeque;
use std::fmt::Display;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use itertools::Itertools;

use crate::ExecutionResult;
use crate::error;
use crate::processes;
use crate::sys;
use crate::trace_categories;
use crate::traps;

pub(crate) type JobJoinHandle = tokio::task::JoinHandle<Result<ExecutionResult, error::Error>>;
pub(crate) type JobResult = (Job, Result<ExecutionResult, error::Error>);

/// The process group shared by the processes of a background (`&`) job (ncsh patch).
///
/// A background job runs as a task inside the shell rather than as a forked subshell, so no process
/// exists to lead its group when the job starts. The first process the job spawns creates the group
/// and the later ones join it, so that `$!`, `jobs -p`, `kill %N`, `fg` and `bg` reach all of them,
/// as they reach a bash subshell and its children.
#[derive(Debug, Default)]
pub struct BackgroundGroup {
    pgid: Mutex<Option<sys::process::ProcessId>>,
    started: tokio::sync::Notify,
    // ncsh patch: the job's task keeps waiting on a stopped process, so that `bg` and `fg` can
    // resume it; whoever waits on the job (`fg`, `wait`) learns of the stop through these instead.
    // The signal that stopped them (0 while they run), for the status a wait of the stopped job
    // gives, 128 plus it, as bash's.
    stopped_by: std::sync::atomic::AtomicI32,
    stop_changed: tokio::sync::Notify,
    // ncsh patch: the signal `kill %N` ended the job with (0 for none). The job's shell runs in
    // this process, outside the group, so the signal cannot reach it: its lists and loops look
    // here before each command instead (`interrupt::check`), as bash's subshell would die.
    ended_by: std::sync::atomic::AtomicI32,
    ignores_keyboard_signals: std::sync::atomic::AtomicBool,
    // ncsh patch: the job's own shell is stopped (`kill -STOP %N`), which, being no process, the
    // signal cannot stop: its lists and loops wait before their next command until continued.
    held: std::sync::atomic::AtomicBool,
    // ncsh patch: the number `$!` gave for the job, which it gives from then on (`pid`).
    given: std::sync::OnceLock<sys::process::ProcessId>,
    // ncsh patch: `fg` has brought the job to the foreground, where its builtins may read the
    // terminal.
    in_foreground: std::sync::atomic::AtomicBool,
}

/// The first number given to a job that has no process: Linux's largest possible pid limit
/// (`PID_MAX_LIMIT`, 2^22), above every pid the kernel can give (ncsh patch).
const FIRST_STAND_IN_PID: sys::process::ProcessId = 1 << 22;

/// A new number that no process can have, for what bash would give a process's pid (ncsh patch).
pub(crate) fn stand_in_pid() -> sys::process::ProcessId {
    static STAND_INS: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
    FIRST_STAND_IN_PID + STAND_INS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Whether `signal`'s default action ends a process, rather than stopping or continuing it or
/// doing nothing (ncsh patch).
fn ends_a_process(signal: sys::signal::Signal) -> bool {
    use sys::signal::Signal;
    !matches!(
        signal,
        Signal::SIGCONT
            | Signal::SIGCHLD
            | Signal::SIGWINCH
            | Signal::SIGURG
            | Signal::SIGSTOP
            | Signal::SIGTSTP
            | Signal::SIGTTIN
            | Signal::SIGTTOU
    )
}

impl BackgroundGroup {
    /// The group's id, once the job's first process has started.
    pub fn pgid(&self) -> Option<sys::process::ProcessId> {
        self.pgid.lock().ok().and_then(|pgid| *pgid)
    }

    /// The pid `$!` gives for the job (ncsh patch), the same each time, as bash's: its group's,
    /// if its first process had started when `$!` was first read; else, and for a job of builtins
    /// only, which never starts one, a number of its own that no process can have (bash forks a
    /// subshell, whose pid it gives; ncsh runs the job inside itself, and gave nothing, so `false
    /// & wait $!` returned 0). The shell's `wait` and `kill` know it (`Job::is_named_by`); to any
    /// other program a stand-in names no process.
    pub fn pid(&self) -> sys::process::ProcessId {
        *self
            .given
            .get_or_init(|| self.pgid().unwrap_or_else(stand_in_pid))
    }

    /// Whether `pid` is the job's: its group's now, or the one `$!` gave.
    fn is_named_by(&self, pid: sys::process::ProcessId) -> bool {
        self.pgid() == Some(pid) || self.given.get() == Some(&pid)
    }

    /// Holds the group while a process is spawned into it, so that two processes of the job
    /// started at once do not both create a group.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Option<sys::process::ProcessId>> {
        self.pgid
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wakes whoever waits for the job's first process (also called when the job ends without one).
    pub(crate) fn mark_started(&self) {
        self.started.notify_one();
    }

    /// Waits until the job's first process has started or the job has ended.
    pub(crate) async fn started(&self) {
        self.started.notified().await;
    }

    /// Whether `signal` ends the job's shell: a signal whose default action ends a process, but
    /// not SIGINT or SIGQUIT where the job was started without job control, which bash's
    /// asynchronous commands then ignore (ncsh patch).
    pub(crate) fn ends_by(&self, signal: sys::signal::Signal) -> bool {
        use sys::signal::Signal;
        let keyboard = matches!(signal, Signal::SIGINT | Signal::SIGQUIT);
        ends_a_process(signal)
            && !(keyboard
                && self
                    .ignores_keyboard_signals
                    .load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Makes the job's shell ignore SIGINT and SIGQUIT from `kill`, as bash's asynchronous
    /// commands do when job control is off (ncsh patch).
    pub(crate) fn ignore_keyboard_signals(&self) {
        self.ignores_keyboard_signals
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Records that `kill` sent the job a signal that ends a process (ncsh patch).
    pub(crate) fn end_by(&self, signal: i32) {
        self.ended_by
            .store(signal, std::sync::atomic::Ordering::SeqCst);
        // Ended, it is no longer stopped, as a stopped process that SIGKILL ends is not.
        if self.is_held() {
            self.hold(None);
        }
    }

    /// The signal that ended the job, if `kill` sent it one (ncsh patch).
    pub(crate) fn ended_by(&self) -> Option<i32> {
        let signal = self.ended_by.load(std::sync::atomic::Ordering::SeqCst);
        (signal != 0).then_some(signal)
    }

    /// Whether the job's own shell is stopped, until SIGCONT, `bg` or `fg` (ncsh patch).
    pub(crate) fn is_held(&self) -> bool {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stops the job's own shell by `signal`, or continues it (`None`), and says so to whoever
    /// waits on the job, as the processes' stop would (ncsh patch).
    fn hold(&self, signal: Option<sys::signal::Signal>) {
        self.held
            .store(signal.is_some(), std::sync::atomic::Ordering::SeqCst);
        self.set_stopped(signal.map(|signal| signal as i32));
    }

    /// Waits while the job's own shell is stopped, until it is continued or ended (ncsh patch).
    /// It runs on a thread of its own (`commands::run_on_own_thread`), but a `$(…)` inside it
    /// runs on one of the runtime's workers, whose other tasks `block_in_place` hands to another
    /// thread first.
    pub(crate) fn wait_while_held(&self) {
        if self.is_held() {
            tokio::task::block_in_place(|| {
                while self.is_held() && self.ended_by().is_none() {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            });
        }
    }

    /// Before a builtin of the job reads the terminal: in the background, the job's own shell
    /// stops until `fg` (ncsh patch), as a bash subshell that reads it is stopped by SIGTTIN;
    /// reading it there would take the keys typed at the prompt. Returns the signal that `kill`
    /// ended the job with meanwhile, if it did.
    pub(crate) fn wait_for_terminal(&self) -> Option<i32> {
        // `bg` continues it in the background, where it stops again, as SIGTTIN stops it again.
        while !self.in_foreground.load(std::sync::atomic::Ordering::SeqCst)
            && self.ended_by().is_none()
        {
            self.hold(Some(sys::signal::Signal::SIGTTIN));
            self.wait_while_held();
        }
        self.ended_by()
    }

    /// Records whether `fg` has brought the job to the foreground or `bg` sent it back.
    fn set_in_foreground(&self, in_foreground: bool) {
        self.in_foreground
            .store(in_foreground, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the job's processes were last seen stopped (ncsh patch).
    pub fn is_stopped(&self) -> bool {
        self.stopped_by().is_some()
    }

    /// The signal that stopped the job's processes, while they are stopped (ncsh patch).
    fn stopped_by(&self) -> Option<i32> {
        let signal = self.stopped_by.load(std::sync::atomic::Ordering::SeqCst);
        (signal != 0).then_some(signal)
    }

    /// Records that the job's processes stopped, by the signal given, or continued (ncsh patch).
    pub(crate) fn set_stopped(&self, by: Option<i32>) {
        self.stopped_by
            .store(by.unwrap_or(0), std::sync::atomic::Ordering::SeqCst);
        if by.is_some() {
            self.stop_changed.notify_one();
        }
    }

    /// Waits until the job's processes stop, or returns at once if they are stopped, as `wait`
    /// does in bash, and gives the signal that stopped them (ncsh patch).
    async fn stopped(&self) -> i32 {
        // A stop that nobody waited for leaves a wakeup behind, though the job may have been
        // continued since; the flag tells whether it still holds.
        loop {
            if let Some(signal) = self.stopped_by() {
                return signal;
            }
            self.stop_changed.notified().await;
        }
    }
}

/// Manages the jobs that are currently managed by the shell.
#[derive(Default)]
pub struct JobManager {
    /// The jobs that are currently managed by the shell.
    pub jobs: Vec<Job>,

    // ncsh patch: `$!` names the last `&` job's process even after the job has left the table, as
    // in bash, where `wait` and the prompt remove ended jobs.
    last_background: Option<Arc<BackgroundGroup>>,

    // ncsh patch: the statuses of background processes whose jobs ended and left the table, oldest
    // first, so that a later `wait PID` returns the status, as bash's list of such pids does.
    ended: VecDeque<(sys::process::ProcessId, u8)>,

    // ncsh patch: in a copy of the shell (a command of a pipeline, a `$(…)`), the parent's jobs
    // as they were when it was copied, for `jobs` to list, as bash's does there (`jobs -p |
    // xargs kill`, `$(jobs -p)`). Only listed: they are not this shell's to wait for or signal.
    inherited: Vec<Job>,
}

/// How many ended background processes the shell remembers for `wait PID` (ncsh patch).
const ENDED_REMEMBERED: usize = 1024;

/// Represents a task that is part of a job.
pub enum JobTask {
    /// An external process.
    External(processes::ChildProcess),
    /// An internal asynchronous task.
    Internal(JobJoinHandle),
}

/// Represents the result of waiting on a job task.
pub enum JobTaskWaitResult {
    /// The task has completed.
    Completed(ExecutionResult),
    /// The task was stopped, by this signal (ncsh patch: a background job's status is 128 plus
    /// it, as bash's; it was always Ctrl-Z's).
    Stopped(i32),
}

impl JobTask {
    /// Returns whether the task is an external process.
    pub const fn is_external(&self) -> bool {
        matches!(self, Self::External(_))
    }

    /// Waits for the task to complete. Returns the result of the wait.
    pub async fn wait(&mut self) -> Result<JobTaskWaitResult, error::Error> {
        match self {
            Self::External(process) => {
                let wait_result = process.wait().await?;
                match wait_result {
                    processes::ProcessWaitResult::Completed(output) => {
                        Ok(JobTaskWaitResult::Completed(output.into()))
                    }
                    // A foreground process's stop is Ctrl-Z's.
                    processes::ProcessWaitResult::Stopped => Ok(JobTaskWaitResult::Stopped(
                        sys::signal::Signal::SIGTSTP as i32,
                    )),
                }
            }
            Self::Internal(handle) => Ok(JobTaskWaitResult::Completed(handle.await??)),
        }
    }

    /// Polls the task for completion. Returns `Some(result)` if the task has completed,
    /// or `None` if it is still running. The result is the execution result of the task.
    /// Behaves in a best-effort manner; if an internal error occurs during polling,
    /// it will return `None`.
    fn poll(&mut self) -> Option<Result<ExecutionResult, error::Error>> {
        match self {
            Self::External(process) => {
                let check_result = process.poll();
                check_result.map(|polled_result| polled_result.map(|output| output.into()))
            }
            Self::Internal(handle) => {
                let checkable_handle = handle;
                checkable_handle.now_or_never().and_then(|r| r.ok())
            }
        }
    }
}

impl JobManager {
    /// Returns a new job manager.
    pub fn new() -> Self {
        Self::default()
    }

    /// The job manager of a copy of the shell (ncsh patch): no jobs of its own, the parent's
    /// listed by `jobs` ([`Self::listed`]), and the parent's `$!`.
    pub fn for_subshell(&self) -> Self {
        let inherited = if self.jobs.is_empty() {
            self.inherited.iter().map(Job::snapshot).collect()
        } else {
            self.jobs.iter().map(Job::snapshot).collect()
        };
        Self {
            last_background: self.last_background.clone(),
            inherited,
            ..Self::default()
        }
    }

    /// Forgets the parent's jobs, which a `( … )` subshell does not list, as bash's does not
    /// (ncsh patch).
    pub fn forget_inherited(&mut self) {
        self.inherited.clear();
    }

    /// The jobs `jobs` lists: this shell's, or in a copy of the shell that has started none of
    /// its own, its parent's as they were when it was copied (ncsh patch).
    pub fn listed(&self) -> &[Job] {
        if self.jobs.is_empty() {
            &self.inherited
        } else {
            &self.jobs
        }
    }

    /// The lines of the background jobs that have stopped since the user was last shown them
    /// (reading the terminal, `kill -STOP`), which bash reports at the next prompt; they count as
    /// shown (ncsh patch).
    pub fn report_newly_stopped(&mut self) -> Vec<String> {
        let mut lines = vec![];
        for job in &mut self.jobs {
            let state = job.effective_state();
            if job.background_group.is_some()
                && matches!(state, JobState::Stopped)
                && job.reported_state.as_ref() != Some(&state)
            {
                lines.push(job.to_string());
                job.reported_state = Some(state);
            }
        }
        lines
    }

    /// Records that the user was shown the states of the jobs numbered `ids` (ncsh patch).
    pub fn mark_reported(&mut self, ids: &[usize]) {
        for job in self.jobs.iter_mut().chain(&mut self.inherited) {
            if ids.contains(&job.id) {
                job.reported_state = Some(job.effective_state());
            }
        }
    }

    /// Collects how each job that has ended ended, so that `jobs` shows `Exit 3` and `jobs -r`
    /// leaves it out (ncsh patch): a job whose shell has ended, and one of processes (Ctrl-Z,
    /// then `bg`) whose processes have, which `jobs` listed as running, and the prompt then as
    /// ended.
    pub fn collect_ended(&mut self) -> Result<(), error::Error> {
        for job in &mut self.jobs {
            job.poll_done()?;
        }
        Ok(())
    }

    /// Takes from the table the ended jobs among those numbered `ids`, which `jobs` has shown, as
    /// bash's `jobs` does (ncsh patch); a script, which never polls, kept them for ever.
    pub fn forget_shown_ended(&mut self, ids: &[usize]) -> Result<(), error::Error> {
        let mut i = 0;
        while i != self.jobs.len() {
            let job = &mut self.jobs[i];
            if !(ids.contains(&job.id) && matches!(job.effective_state(), JobState::Done)) {
                i += 1;
                continue;
            }
            let result = job.poll_done()?;
            let job = self.jobs.remove(i);
            let status = match result {
                Some(Ok(result)) => Some(u8::from(&result.exit_code)),
                _ => job.ended_status,
            };
            if let Some(status) = status {
                self.remember_ended(&job, status);
            }
        }
        self.keep_current_and_previous();
        Ok(())
    }

    /// The job of [`Self::listed`] that `job_spec` names (ncsh patch).
    pub fn find_listed(&self, job_spec: &str) -> Result<&Job, JobSpecError> {
        let jobs = self.listed();
        find_index(jobs, job_spec).map(|index| &jobs[index])
    }

    /// Adds a job to the job manager and marks it as the current job;
    /// returns an immutable reference to the job.
    ///
    /// # Arguments
    ///
    /// * `job` - The job to add.
    #[allow(
        clippy::missing_panics_doc,
        reason = "push() guarantees the vector length is >= 1"
    )]
    pub fn add_as_current(&mut self, mut job: Job) -> &Job {
        // ncsh patch: the previous job loses its mark, so that only one job is `%-`.
        for j in &mut self.jobs {
            if matches!(j.annotation, JobAnnotation::Previous) {
                j.annotation = JobAnnotation::None;
            }
        }
        for j in &mut self.jobs {
            if matches!(j.annotation, JobAnnotation::Current) {
                j.annotation = JobAnnotation::Previous;
                break;
            }
        }

        // ncsh patch: the next number after the highest in the table, as bash numbers jobs; the
        // table's length would reuse the number of a job still running when an earlier one ended.
        let id = self.jobs.iter().map(|j| j.id).max().unwrap_or(0) + 1;
        job.id = id;
        if let Some(group) = &job.background_group {
            self.last_background = Some(group.clone());
        }
        job.annotation = JobAnnotation::Current;
        self.jobs.push(job);

        #[allow(clippy::unwrap_used, reason = "we just pushed an element")]
        self.jobs.last().unwrap()
    }

    /// Returns the current job, if there is one.
    pub fn current_job(&self) -> Option<&Job> {
        self.jobs
            .iter()
            .find(|j| matches!(j.annotation, JobAnnotation::Current))
    }

    /// Returns a mutable reference to the current job, if there is one.
    pub fn current_job_mut(&mut self) -> Option<&mut Job> {
        self.jobs
            .iter_mut()
            .find(|j| matches!(j.annotation, JobAnnotation::Current))
    }

    /// Returns the previous job, if there is one.
    pub fn prev_job(&self) -> Option<&Job> {
        self.jobs
            .iter()
            .find(|j| matches!(j.annotation, JobAnnotation::Previous))
    }

    /// Returns a mutable reference to the previous job, if there is one.
    pub fn prev_job_mut(&mut self) -> Option<&mut Job> {
        self.jobs
            .iter_mut()
            .find(|j| matches!(j.annotation, JobAnnotation::Previous))
    }

    /// Tries to resolve the given job specification to a job.
    ///
    /// # Arguments
    ///
    /// * `job_spec` - The job specification to resolve.
    ///
    /// # Errors
    /// When no job, or more than one, matches (ncsh patch: the caller words which).
    pub fn resolve_job_spec(&mut self, job_spec: &str) -> Result<&mut Job, JobSpecError> {
        let index = find_index(&self.jobs, job_spec)?;
        Ok(&mut self.jobs[index])
    }

    /// The job `job_spec` names, or without one the current job, for `fg` and `bg` (ncsh patch).
    ///
    /// # Errors
    /// When no job, or more than one, matches.
    pub fn resolve_job_spec_or_current(
        &mut self,
        job_spec: Option<&str>,
    ) -> Result<&mut Job, JobSpecError> {
        match job_spec {
            Some(job_spec) => self.resolve_job_spec(job_spec),
            None => self.current_job_mut().ok_or(JobSpecError::NoSuchJob),
        }
    }

    /// The process id of the last background (`&`) job, which `$!` names (ncsh patch): see
    /// [`BackgroundGroup::pid`].
    pub fn last_background_pid(&self) -> Option<sys::process::ProcessId> {
        self.last_background.as_ref().map(|group| group.pid())
    }

    /// Removes job `id`, which `wait` saw end with `status`, and remembers the status of its
    /// process for a later `wait PID` (ncsh patch).
    pub fn remove_ended(&mut self, id: usize, status: u8) -> Option<Job> {
        let index = self.jobs.iter().position(|j| j.id == id)?;
        let job = self.jobs.remove(index);
        self.remember_ended(&job, status);
        self.keep_current_and_previous();
        Some(job)
    }

    /// Removes job `id` from the table, for `disown` (ncsh patch): it goes on, and nothing waits
    /// for it or remembers its status.
    pub fn disown(&mut self, id: usize) -> Option<Job> {
        let index = self.jobs.iter().position(|j| j.id == id)?;
        let job = self.jobs.remove(index);
        self.keep_current_and_previous();
        Some(job)
    }

    /// The status of background process `pid`, whose job ended and left the table (ncsh patch).
    pub fn ended_status(&self, pid: sys::process::ProcessId) -> Option<u8> {
        self.ended
            .iter()
            .rev()
            .find(|(ended, _)| *ended == pid)
            .map(|(_, status)| *status)
    }

    /// Forgets the statuses of ended processes, as `wait` with no ids does in bash (ncsh patch).
    pub fn forget_ended(&mut self) {
        self.ended.clear();
    }

    fn remember_ended(&mut self, job: &Job, status: u8) {
        // A job whose group changed after `$!` named it is known by both.
        let given = job
            .background_group
            .as_ref()
            .and_then(|group| group.given.get().copied());
        for pid in job.listed_pid().into_iter().chain(given) {
            if self.ended.iter().any(|(ended, _)| *ended == pid) {
                continue;
            }
            if self.ended.len() == ENDED_REMEMBERED {
                self.ended.pop_front();
            }
            self.ended.push_back((pid, status));
        }
    }

    /// Waits for all managed jobs to complete.
    pub async fn wait_all(&mut self) -> Result<Vec<Job>, error::Error> {
        for job in &mut self.jobs {
            job.wait().await?;
        }

        Ok(self.sweep_completed_jobs())
    }

    /// Polls all managed jobs for completion.
    pub fn poll(&mut self) -> Result<Vec<JobResult>, error::Error> {
        let mut results = vec![];

        let mut i = 0;
        while i != self.jobs.len() {
            if let Some(result) = self.jobs[i].poll_done()? {
                let job = self.jobs.remove(i);
                // ncsh patch: the prompt removes an ended job before `wait PID` can ask for it.
                if let Ok(result) = &result {
                    self.remember_ended(&job, u8::from(&result.exit_code));
                }
                results.push((job, result));
            } else if matches!(self.jobs[i].state, JobState::Done) {
                // TODO(jobs): This is a workaround to remove jobs that are done but for which we
                // don't know what happened.
                results.push((self.jobs.remove(i), Ok(ExecutionResult::success())));
            } else {
                i += 1;
            }
        }

        self.keep_current_and_previous();
        Ok(results)
    }

    /// When the current or previous job has left the table, the most recent remaining jobs take
    /// their places, as in bash, so that a bare `fg` or `bg` still finds one (ncsh patch).
    fn keep_current_and_previous(&mut self) {
        let has = |jobs: &[Job], annotation: fn(&Job) -> bool| jobs.iter().any(annotation);
        if !has(&self.jobs, Job::is_current) {
            let promoted = self
                .jobs
                .iter()
                .position(Job::is_prev)
                .or_else(|| self.jobs.len().checked_sub(1));
            if let Some(i) = promoted {
                self.jobs[i].annotation = JobAnnotation::Current;
            }
        }
        if !has(&self.jobs, Job::is_prev)
            && let Some(job) = self.jobs.iter_mut().rev().find(|j| !j.is_current())
        {
            job.annotation = JobAnnotation::Previous;
        }
    }

    fn sweep_completed_jobs(&mut self) -> Vec<Job> {
        let mut completed_jobs = vec![];

        let mut i = 0;
        while i != self.jobs.len() {
            if self.jobs[i].tasks.is_empty() {
                completed_jobs.push(self.jobs.remove(i));
            } else {
                i += 1;
            }
        }

        self.keep_current_and_previous();
        completed_jobs
    }
}

/// Represents the current execution state of a job.
#[derive(Clone, PartialEq, Eq)]
pub enum JobState {
    /// Unknown state.
    Unknown,
    /// The job is running.
    Running,
    /// The job is stopped.
    Stopped,
    /// The job has completed.
    Done,
}

impl Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown => write!(f, "Unknown"),
            Self::Running => write!(f, "Running"),
            Self::Stopped => write!(f, "Stopped"),
            Self::Done => write!(f, "Done"),
        }
    }
}

/// Represents an annotation for a job.
#[derive(Clone)]
pub enum JobAnnotation {
    /// No annotation.
    None,
    /// The job is the current job.
    Current,
    /// The job is the previous job.
    Previous,
}

impl Display for JobAnnotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => write!(f, ""),
            Self::Current => write!(f, "+"),
            Self::Previous => write!(f, "-"),
        }
    }
}

/// Encapsulates a set of processes managed by the shell as a single unit.
pub struct Job {
    /// The tasks that make up the job.
    tasks: VecDeque<JobTask>,

    /// For a background (`&`) job, the process group its processes share.
    background_group: Option<Arc<BackgroundGroup>>,

    /// The annotation of the job (e.g., current, previous).
    annotation: JobAnnotation,

    /// The shell-internal ID of the job.
    pub id: usize,

    /// The command line of the job.
    pub command_line: String,

    /// The current operational state of the job.
    pub state: JobState,

    /// The job's status once it has ended (ncsh patch: `jobs` words how, as bash does).
    ended_status: Option<u8>,

    /// For a copy of a job listed in a copy of the shell, which has none of its tasks, the
    /// process id the job had (ncsh patch).
    copied_pid: Option<sys::process::ProcessId>,

    /// The state the user was last shown (by `jobs`, or the notice of a stop), so that `jobs -n`
    /// lists only the jobs whose state changed since, as bash's (ncsh patch).
    reported_state: Option<JobState>,
}

impl Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.listing(false))
    }
}

/// Why a job spec names no job (ncsh patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobSpecError {
    /// No job matches it.
    NoSuchJob,
    /// `%name` or `%?text` matches more than one job.
    Ambiguous,
}

impl Display for JobSpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoSuchJob => "no such job",
            Self::Ambiguous => "ambiguous job spec",
        })
    }
}

impl JobSpecError {
    /// What is wrong with `job_spec`, in bash's words: `%3: no such job`, `current: no such job`
    /// where none was given, or `sle: ambiguous job spec` (bash leaves out the `%` there).
    pub fn about(self, job_spec: Option<&str>) -> String {
        let job_spec = job_spec.unwrap_or("current");
        match self {
            Self::NoSuchJob => std::format!("{job_spec}: {self}"),
            Self::Ambiguous => std::format!("{}: {self}", job_spec.trim_start_matches('%')),
        }
    }
}

/// Where in `jobs` the job that `job_spec` names is, as bash reads a job spec: `%%`, `%+` and `%`
/// the current job, `%-` the previous, `%N` job N, `%name` the job whose command starts with
/// name, `%?text` the job whose command holds text (ncsh patch: the last three).
fn find_index(jobs: &[Job], job_spec: &str) -> Result<usize, JobSpecError> {
    let spec = job_spec.strip_prefix('%').ok_or(JobSpecError::NoSuchJob)?;
    let only = |matches: &dyn Fn(&Job) -> bool| {
        let mut found = jobs.iter().positions(matches);
        match (found.next(), found.next()) {
            (Some(index), None) => Ok(index),
            (Some(_), Some(_)) => Err(JobSpecError::Ambiguous),
            (None, _) => Err(JobSpecError::NoSuchJob),
        }
    };
    match spec {
        "" | "%" | "+" => only(&Job::is_current),
        // With no previous job, bash's `%-` is the current one.
        "-" => only(&Job::is_prev).or_else(|_| only(&Job::is_current)),
        number if number.chars().all(|c| c.is_ascii_digit()) => {
            let id = number
                .parse::<usize>()
                .map_err(|_| JobSpecError::NoSuchJob)?;
            only(&|job: &Job| job.id == id)
        }
        _ => match spec.strip_prefix('?') {
            Some(text) => only(&|job: &Job| job.command_line.contains(text)),
            None => only(&|job: &Job| job.command_line.starts_with(spec)),
        },
    }
}

/// How a job that ended with `status` is listed, in bash's words: `Done`, `Exit 3`, or the
/// signal's description for a status above 128 (`Terminated`, `Killed`) (ncsh patch).
fn how_it_ended(status: u8) -> String {
    let described = status
        .checked_sub(128)
        .and_then(|number| described_signal(i32::from(number)));
    match (status, described) {
        (0, _) => "Done".to_owned(),
        (_, Some(described)) => described.to_owned(),
        _ => std::format!("Exit {status}"),
    }
}

/// How bash names the signal numbered `number` where it ended a process.
pub(crate) fn described_signal(number: i32) -> Option<&'static str> {
    use sys::signal::Signal;
    Signal::try_from(number)
        .ok()
        .map(|signal| match signal {
            Signal::SIGHUP => "Hangup",
            Signal::SIGINT => "Interrupt",
            Signal::SIGQUIT => "Quit",
            Signal::SIGABRT => "Aborted",
            Signal::SIGKILL => "Killed",
            Signal::SIGSEGV => "Segmentation fault",
            Signal::SIGPIPE => "Broken pipe",
            Signal::SIGALRM => "Alarm clock",
            Signal::SIGTERM => "Terminated",
            Signal::SIGUSR1 => "User defined signal 1",
            Signal::SIGUSR2 => "User defined signal 2",
            // ncsh patch: the others bash names, in its words.
            Signal::SIGILL => "Illegal instruction",
            Signal::SIGTRAP => "Trace/breakpoint trap",
            Signal::SIGBUS => "Bus error",
            Signal::SIGFPE => "Floating point exception",
            Signal::SIGSYS => "Bad system call",
            Signal::SIGXCPU => "CPU time limit exceeded",
            Signal::SIGXFSZ => "File size limit exceeded",
            Signal::SIGVTALRM => "Virtual timer expired",
            Signal::SIGPROF => "Profiling timer expired",
            _ => "",
        })
        .filter(|described| !described.is_empty())
}

impl Job {
    /// Returns a new job object.
    ///
    /// # Arguments
    ///
    /// * `children` - The job's known child processes.
    /// * `command_line` - The command line of the job.
    /// * `state` - The current operational state of the job.
    pub(crate) fn new<I>(tasks: I, command_line: String, state: JobState) -> Self
    where
        I: IntoIterator<Item = JobTask>,
    {
        Self {
            id: 0,
            tasks: tasks.into_iter().collect(),
            background_group: None,
            annotation: JobAnnotation::None,
            ended_status: None,
            copied_pid: None,
            reported_state: None,
            command_line,
            state,
        }
    }

    /// Whether the job's state changed since the user was last shown it (ncsh patch).
    pub fn has_news(&self) -> bool {
        self.reported_state.as_ref() != Some(&self.effective_state())
    }

    /// The job's line in `jobs`, in bash's columns, with its process id for `jobs -l` (ncsh
    /// patch).
    pub fn listing(&self, with_pid: bool) -> String {
        // A background job may have been stopped or continued since it was polled, and an ended
        // one is said to be `Done`, `Exit N` or ended by its signal, as in bash. A running job is
        // in the background, which bash marks with `&`.
        let (state, command) = match (self.effective_state(), self.ended_status) {
            (JobState::Done, Some(status)) => (how_it_ended(status), self.command_line.clone()),
            (JobState::Running, _) => (
                JobState::Running.to_string(),
                std::format!("{} &", self.command_line),
            ),
            (state, _) => (state.to_string(), self.command_line.clone()),
        };
        let (id, annotation) = (self.id, self.annotation.to_string());
        match self.listed_pid().filter(|_| with_pid) {
            Some(pid) => std::format!("[{id}]{annotation:1} {pid} {state:<24}{command}"),
            None => std::format!("[{id}]{annotation:3}{state:<24}{command}"),
        }
    }

    /// A copy of the job for a copy of the shell to list, without its tasks, which stay with the
    /// shell that waits for them (ncsh patch).
    fn snapshot(&self) -> Self {
        Self {
            tasks: VecDeque::new(),
            background_group: self.background_group.clone(),
            annotation: self.annotation.clone(),
            id: self.id,
            command_line: self.command_line.clone(),
            state: self.effective_state(),
            ended_status: self.ended_status,
            copied_pid: self.representative_pid(),
            reported_state: self.reported_state.clone(),
        }
    }

    /// Makes this a background job whose processes share `group`.
    pub(crate) fn with_background_group(mut self, group: Arc<BackgroundGroup>) -> Self {
        self.background_group = Some(group);
        self
    }

    /// Whether the job was started with `&`, in a shell of its own inside this process (ncsh
    /// patch).
    pub const fn is_background(&self) -> bool {
        self.background_group.is_some()
    }

    /// Returns a pid-style string for the job.
    pub fn to_pid_style_string(&self) -> String {
        // ncsh patch: as bash writes it when a job starts, `[1] 12345`, with the pid `$!` gives;
        // brush wrote `[1]+\t` and the pid of a process, or `<pid unknown>` where none had started.
        let display_pid = self
            .background_group
            .as_ref()
            .map(|group| group.pid())
            .or_else(|| self.listed_pid())
            .map_or_else(|| String::from("<pid unknown>"), |pid| pid.to_string());
        std::format!("[{}] {}", self.id, display_pid)
    }

    /// Returns the annotation of the job.
    pub fn annotation(&self) -> JobAnnotation {
        self.annotation.clone()
    }

    /// Returns the command name of the job.
    pub fn command_name(&self) -> &str {
        self.command_line
            .split_ascii_whitespace()
            .next()
            .unwrap_or_default()
    }

    /// Returns whether the job is the current job.
    pub const fn is_current(&self) -> bool {
        matches!(self.annotation, JobAnnotation::Current)
    }

    /// Returns whether the job is the previous job.
    pub const fn is_prev(&self) -> bool {
        matches!(self.annotation, JobAnnotation::Previous)
    }

    /// Polls whether the job has completed.
    pub fn poll_done(
        &mut self,
    ) -> Result<Option<Result<ExecutionResult, error::Error>>, error::Error> {
        let mut result: Option<Result<ExecutionResult, error::Error>> = None;

        tracing::debug!(target: trace_categories::JOBS, "Polling job {} for completion...", self.id);

        // ncsh patch: so that the job's state is current when `jobs` lists it.
        self.state = self.effective_state();

        while !self.tasks.is_empty() {
            let task = &mut self.tasks[0];
            match task.poll() {
                Some(r) => {
                    self.tasks.remove(0);
                    result = Some(r);
                }
                None => {
                    return Ok(None);
                }
            }
        }

        tracing::debug!(target: trace_categories::JOBS, "Job {} has completed.", self.id);

        self.state = JobState::Done;
        if let Some(Ok(ended)) = &result {
            self.ended_status = Some(u8::from(&ended.exit_code));
        }

        Ok(result)
    }

    /// Waits for the job to complete.
    pub async fn wait(&mut self) -> Result<ExecutionResult, error::Error> {
        // ncsh patch: a job `jobs` has already collected keeps the status it ended with.
        if self.tasks.is_empty()
            && let Some(status) = self.ended_status
        {
            return Ok(ExecutionResult::new(status));
        }
        let mut result = ExecutionResult::success();
        let background_group = self.background_group.clone();

        while let Some(task) = self.tasks.back_mut() {
            // ncsh patch: a background job's task outlives a stop of its processes, so the stop
            // is reported by the group rather than by the task.
            // The status of a stop is 128 plus the signal that stopped the job (SIGTTIN for one
            // that read the terminal in the background), as bash's; a foreground stop is Ctrl-Z's.
            let wait_result = if let Some(group) = &background_group {
                tokio::select! {
                    wait_result = task.wait() => wait_result?,
                    signal = group.stopped() => JobTaskWaitResult::Stopped(signal),
                }
            } else {
                task.wait().await?
            };
            match wait_result {
                JobTaskWaitResult::Completed(execution_result) => {
                    result = execution_result;
                    self.tasks.pop_back();
                }
                JobTaskWaitResult::Stopped(signal) => {
                    self.state = JobState::Stopped;
                    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    return Ok(ExecutionResult::new(128 + signal as u8));
                }
            }
        }

        self.state = JobState::Done;
        self.ended_status = Some(u8::from(&result.exit_code));

        Ok(result)
    }

    /// Whether the job is stopped, as `jobs` shows it (ncsh patch: the interactive shell warns of
    /// stopped jobs at `exit`, as bash does).
    pub fn is_stopped(&self) -> bool {
        matches!(self.effective_state(), JobState::Stopped)
    }

    /// The job's state, where a background job's processes may since have been stopped or
    /// continued by a signal from elsewhere (`kill -STOP`, `kill -CONT`) (ncsh patch).
    fn effective_state(&self) -> JobState {
        // A job whose shell has ended is done, before anything has polled it: `jobs` in a script,
        // which never polls, showed it running for ever, and a loop that waited for fewer
        // running jobs (`while (( $(jobs -r | wc -l) >= 4 ))`) waited for ever.
        if self.has_ended() {
            return JobState::Done;
        }
        match (&self.background_group, &self.state) {
            (Some(group), JobState::Running | JobState::Stopped) if group.is_stopped() => {
                JobState::Stopped
            }
            (Some(_), JobState::Running | JobState::Stopped) => JobState::Running,
            (_, state) => state.clone(),
        }
    }

    /// Whether each of the job's tasks is a shell that has ended (ncsh patch).
    fn has_ended(&self) -> bool {
        !self.tasks.is_empty()
            && self.tasks.iter().all(|task| match task {
                JobTask::Internal(handle) => handle.is_finished(),
                JobTask::External(_) => false,
            })
    }

    /// Moves the job to execute in the background.
    pub fn move_to_background(&mut self) -> Result<(), error::Error> {
        // ncsh patch: a background job stopped by `kill -STOP` is resumed too. Its next stop is
        // news to report at the prompt (`bg` says it runs).
        if let Some(group) = &self.background_group {
            group.set_in_foreground(false);
        }
        self.reported_state = Some(JobState::Running);
        self.state = self.effective_state();
        if matches!(self.state, JobState::Stopped) {
            if !self.continue_job()? {
                return Err(error::ErrorKind::FailedToSendSignal.into());
            }
            self.state = JobState::Running;
            Ok(())
        } else {
            error::unimp("move job to background")
        }
    }

    /// Moves the job to execute in the foreground.
    pub fn move_to_foreground(&mut self) -> Result<(), error::Error> {
        // ncsh patch: the terminal first, then SIGCONT, always, as bash's `fg`: a job continued
        // before it had the terminal read it, was stopped again, and `fg` waited for ever; and a
        // stop not yet seen (`jobs` said Running) was never continued. A background job stopped
        // by `kill -STOP` is resumed too.
        if let Some(group) = &self.background_group {
            group.set_in_foreground(true);
        }
        self.reported_state = Some(JobState::Running);
        if let Some(pgid) = self.process_group_id() {
            sys::terminal::move_to_foreground(pgid)?;
        }
        self.state = self.effective_state();
        let stopped = matches!(self.state, JobState::Stopped);
        match self.continue_job() {
            Ok(true) => {}
            // A job that was not stopped may have no process left to continue.
            Ok(false) | Err(_) if !stopped => {}
            Ok(false) => return Err(error::ErrorKind::FailedToSendSignal.into()),
            Err(error) => return Err(error),
        }
        if !matches!(self.state, JobState::Done) {
            self.state = JobState::Running;
        }

        Ok(())
    }

    /// Continues the job: a background job's own shell and group, else the job's process group
    /// (ncsh patch). Returns whether there was anything to continue.
    fn continue_job(&self) -> Result<bool, error::Error> {
        if self.continue_background_group()? {
            return Ok(true);
        }
        match self.process_group_id() {
            Some(pgid) => continue_group(pgid).map(|()| true),
            None => Ok(false),
        }
    }

    /// For a background job, continues its own shell and every process in its group, as bash
    /// does for `bg` and `fg` (ncsh patch). Returns whether there was anything to continue.
    fn continue_background_group(&self) -> Result<bool, error::Error> {
        let Some(group) = &self.background_group else {
            return Ok(false);
        };
        let was_held = group.is_held();
        group.hold(None);
        let Some(pgid) = group.pgid() else {
            return Ok(was_held);
        };
        // Marked running before the signal: a process that stops again at once (reading the
        // terminal in the background) is recorded stopped after it, not overwritten.
        group.set_stopped(None);
        sys::signal::continue_process(-pgid)?;
        Ok(true)
    }

    /// Kills the job.
    ///
    /// # Arguments
    ///
    /// * `signal` - The signal to send to the job.
    pub fn kill(&self, signal: traps::TrapSignal) -> Result<(), error::Error> {
        // ncsh patch: a background job's own shell, which is no process, ends, stops or goes on
        // as well; where it did, the job was signalled, whether or not any of its processes was
        // left to be.
        let mut signalled = false;
        if let (Some(group), traps::TrapSignal::Signal(number)) = (&self.background_group, signal) {
            use sys::signal::Signal;
            if group.ends_by(number) {
                group.end_by(number as i32);
                signalled = true;
            } else if matches!(
                number,
                Signal::SIGSTOP | Signal::SIGTSTP | Signal::SIGTTIN | Signal::SIGTTOU
            ) {
                group.hold(Some(number));
                signalled = true;
            } else if number == Signal::SIGCONT {
                group.hold(None);
            }
        }
        // A background job's group holds only its own processes, so all of them get the signal,
        // as `kill %N` does in bash.
        let sent = if let Some(pgid) = self.background_pgid() {
            sys::signal::kill_process(-pgid, signal)
        } else if let Some(pid) = self.process_group_id() {
            sys::signal::kill_process(pid, signal)
        } else if self.background_group.is_some() {
            // A job of builtins only, with no process to send the signal to (ncsh patch).
            Ok(())
        } else {
            Err(error::ErrorKind::FailedToSendSignal.into())
        };
        if signalled { Ok(()) } else { sent }
    }

    /// Tries to retrieve a "representative" pid for the job.
    pub fn representative_pid(&self) -> Option<sys::process::ProcessId> {
        for task in &self.tasks {
            match task {
                JobTask::External(p) => {
                    if let Some(pid) = p.pid() {
                        return Some(pid);
                    }
                }
                JobTask::Internal(_) => (),
            }
        }
        self.background_pgid().or(self.copied_pid)
    }

    /// The pid `jobs -p` lists for the job: its process's, or for a background job, as `$!`
    /// gives it ([`BackgroundGroup::pid`]) (ncsh patch).
    pub fn listed_pid(&self) -> Option<sys::process::ProcessId> {
        self.representative_pid()
            .or_else(|| self.background_group.as_ref().map(|group| group.pid()))
    }

    /// The pid that names the job to the user, as `wait -p` assigns it (ncsh patch): the one `$!`
    /// gave, if it was read, else the one `jobs -p` lists.
    pub fn named_pid(&self) -> Option<sys::process::ProcessId> {
        self.background_group
            .as_ref()
            .and_then(|group| group.given.get().copied())
            .or_else(|| self.listed_pid())
    }

    /// Whether `pid` names the job, for `wait PID` and `kill PID` (ncsh patch): one of its
    /// processes, its group, or the number `$!` gave it before it had one.
    pub fn is_named_by(&self, pid: sys::process::ProcessId) -> bool {
        self.representative_pid() == Some(pid)
            || self.process_group_id() == Some(pid)
            || self
                .background_group
                .as_ref()
                .is_some_and(|group| group.is_named_by(pid))
    }

    /// For a background job whose first process has started, its process group.
    fn background_pgid(&self) -> Option<sys::process::ProcessId> {
        self.background_group
            .as_ref()
            .and_then(|group| group.pgid())
    }

    /// Tries to retrieve the process group ID (PGID) of the job.
    pub fn process_group_id(&self) -> Option<sys::process::ProcessId> {
        // TODO(jobs): Don't assume that the first PID is the PGID.
        self.background_pgid().or_else(|| self.representative_pid())
    }
}

/// Continues the processes of the job whose group `pgid` is (ncsh patch): Ctrl-Z stopped each
/// process of its pipeline and what they started, and only the first was continued, so `fg` of
/// `seq 1000 | less` or `sh -c 'sleep 1; echo'` waited for ever. A job without a group of its own
/// (in a shell without job control) is its one process.
fn continue_group(pgid: sys::process::ProcessId) -> Result<(), error::Error> {
    sys::signal::continue_process(-pgid).or_else(|_| sys::signal::continue_process(pgid))
}
