mod alias;
mod select;

use brush_parser::ast::{self, CommandPrefixOrSuffixItem, SourceLocation};
use itertools::Itertools;
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::arithmetic::{self, ExpandAndEvaluate};
use crate::commands::{self, CommandArg};
use crate::env::{EnvironmentLookup, EnvironmentScope, valid_variable_name};
use crate::interrupt;
use crate::openfiles::{OpenFile, OpenFiles};
use crate::results::{
    ExecutionControlFlow, ExecutionExitCode, ExecutionResult, ExecutionSpawnResult,
    ExecutionWaitResult,
};
use crate::shell::Shell;
// ncsh patch: signal traps run between commands.
use crate::signal_traps;
use crate::variables::{ArrayLiteral, ShellValue, ShellValueLiteral, ShellVariable};
use crate::{
    ShellFd, error, expansion, extendedtests, extensions, ioutils, jobs, openfiles, sys, timing,
};

/// Encapsulates the context of execution in a command pipeline.
struct PipelineExecutionContext<'a, SE: extensions::ShellExtensions> {
    /// The shell in which the command should be executed.
    shell: commands::ShellForCommand<'a, SE>,
    /// Process group ID for spawned processes.
    process_group_id: Option<i32>,
}

/// Parameters for execution.
#[derive(Clone, Default)]
pub struct ExecutionParameters {
    /// The open files tracked by the current context.
    open_files: openfiles::OpenFiles,
    /// Policy for how to manage spawned external processes.
    pub process_group_policy: ProcessGroupPolicy,
    /// Whether `errexit` (exit on error) behavior should be
    /// suppressed in this execution context. Defaults to `false`.
    pub suppress_errexit: bool,
    /// Within a background job, the process group its processes share (ncsh patch).
    pub(crate) background_group: Option<std::sync::Arc<jobs::BackgroundGroup>>,
    /// How many loops the command runs in, within its function (ncsh patch: for `break` and
    /// `continue`, which bash refuses outside a loop, and which leave no more loops than
    /// there are).
    loop_depth: usize,
    /// The aliases whose expansion the command is part of, which are not expanded again there
    /// (ncsh patch).
    expanding_aliases: Vec<String>,
    /// The descriptors the simple command being run redirected itself, not those of the
    /// commands around it (ncsh patch): the ones `exec` without a command makes the shell's own.
    redirected_here: Vec<ShellFd>,
    /// Those of them that a command around it had redirected too (ncsh patch): that command
    /// undoes its redirection as it ends, so `exec` makes no change of them the shell's own.
    redirected_around: Vec<ShellFd>,
}

impl ExecutionParameters {
    /// How many loops the command runs in, within its function (ncsh patch).
    pub const fn loop_depth(&self) -> usize {
        self.loop_depth
    }

    /// The descriptors the simple command being run redirected itself, but those a command
    /// around it redirected too (ncsh patch).
    pub fn redirected_here(&self) -> impl Iterator<Item = ShellFd> + '_ {
        (self.redirected_here.iter().copied()).filter(|fd| !self.redirected_around.contains(fd))
    }

    /// Notes `fd` as one the command redirects itself (ncsh patch).
    fn note_redirected(&mut self, fd: ShellFd) {
        if self.open_files.contains_fd(fd) && !self.redirected_here.contains(&fd) {
            self.redirected_around.push(fd);
        }
        self.redirected_here.push(fd);
    }

    /// Sets `fd` for a redirection, as one of the command's own (ncsh patch).
    fn redirect(&mut self, fd: ShellFd, file: OpenFile) {
        self.note_redirected(fd);
        self.open_files.set_fd(fd, file);
    }

    /// Closes `fd` for a redirection, as one of the command's own (ncsh patch).
    fn redirect_closed(&mut self, fd: ShellFd) {
        self.note_redirected(fd);
        self.open_files.remove_fd(fd);
    }

    /// These parameters for the body of a loop (ncsh patch).
    fn in_loop(&self) -> Self {
        Self {
            loop_depth: self.loop_depth + 1,
            ..self.clone()
        }
    }

    /// These parameters for a function's body or a subshell, where no loop around it is one that
    /// `break` can leave, as in bash (ncsh patch).
    pub(crate) fn outside_loops(&self) -> Self {
        Self {
            loop_depth: 0,
            ..self.clone()
        }
    }

    /// Returns the standard input file; usable with `write!` et al.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn stdin(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> impl std::io::Read + 'static {
        self.try_stdin(shell).unwrap_or_else(|| {
            ioutils::FailingReaderWriter::new("standard input not available").into()
        })
    }

    /// Before a builtin reads `file`: where it is a terminal and the command runs in a background
    /// job, waits as [`jobs::BackgroundGroup::wait_for_terminal`] says (ncsh patch). Returns the
    /// builtin's result where `kill` ended the job meanwhile (the job ends at its next command).
    pub fn wait_for_terminal(&self, file: &OpenFile) -> Option<ExecutionResult> {
        let group = self
            .background_group
            .as_ref()
            .filter(|_| file.is_terminal())?;
        let signal = group.wait_for_terminal()?;
        Some(ExecutionResult::new(128u8.wrapping_add(signal as u8)))
    }

    /// Whether the command runs in a background (`&`) job (ncsh patch).
    pub const fn in_background_job(&self) -> bool {
        self.background_group.is_some()
    }

    /// Tries to retrieve the standard input file. Returns `None` if not set.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn try_stdin(&self, shell: &Shell<impl extensions::ShellExtensions>) -> Option<OpenFile> {
        self.try_fd(shell, openfiles::OpenFiles::STDIN_FD)
    }

    /// Returns the standard output file; usable with `write!` et al. In the event that
    /// no such file is available, returns a valid implementation of `std::io::Write`
    /// that fails all I/O requests.
    ///
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn stdout(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> impl std::io::Write + 'static {
        self.try_stdout(shell).unwrap_or_else(|| {
            ioutils::FailingReaderWriter::new("standard output not available").into()
        })
    }

    /// Tries to retrieve the standard output file. Returns `None` if not set.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn try_stdout(&self, shell: &Shell<impl extensions::ShellExtensions>) -> Option<OpenFile> {
        self.try_fd(shell, openfiles::OpenFiles::STDOUT_FD)
    }

    /// Returns the standard error file; usable with `write!` et al. In the event that
    /// no such file is available, returns a valid implementation of `std::io::Write`
    /// that fails all I/O requests.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn stderr(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> impl std::io::Write + 'static {
        self.try_stderr(shell).unwrap_or_else(|| {
            ioutils::FailingReaderWriter::new("standard error not available").into()
        })
    }

    /// Tries to retrieve the standard error file. Returns `None` if not set.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn try_stderr(&self, shell: &Shell<impl extensions::ShellExtensions>) -> Option<OpenFile> {
        self.try_fd(shell, openfiles::OpenFiles::STDERR_FD)
    }

    /// Returns the file descriptor with the given number. Returns `None`
    /// if the file descriptor is not open.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    /// * `fd` - The file descriptor number to retrieve.
    pub fn try_fd(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
        fd: ShellFd,
    ) -> Option<openfiles::OpenFile> {
        match self.open_files.fd_entry(fd) {
            openfiles::OpenFileEntry::Open(f) => Some(f.clone()),
            openfiles::OpenFileEntry::NotPresent => None,
            openfiles::OpenFileEntry::NotSpecified => {
                // We didn't have this fd specified one way or the other; we fallback
                // to what's represented in the shell's open files.
                shell.persistent_open_files().try_fd(fd).cloned()
            }
        }
    }

    /// Sets the given file descriptor to the provided open file.
    ///
    /// # Arguments
    ///
    /// * `fd` - The file descriptor number to set.
    /// * `file` - The open file to set.
    pub fn set_fd(&mut self, fd: ShellFd, file: openfiles::OpenFile) {
        self.open_files.set_fd(fd, file);
    }

    /// Iterates over all open file descriptors in this context.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell context.
    pub fn iter_fds(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> impl Iterator<Item = (ShellFd, openfiles::OpenFile)> {
        let our_fds = self.open_files.iter_fds();
        let shell_fds = shell
            .persistent_open_files()
            .iter_fds()
            .filter(|(fd, _)| !self.open_files.contains_fd(*fd));

        #[allow(clippy::needless_collect)]
        let all_fds: Vec<_> = our_fds
            .chain(shell_fds)
            .map(|(fd, file)| (fd, file.clone()))
            .collect();

        all_fds.into_iter()
    }
}

#[derive(Clone, Debug, Default)]
/// Policy for how to manage spawned external processes.
pub enum ProcessGroupPolicy {
    /// Place the process in a new process group.
    #[default]
    NewProcessGroup,
    /// Place the process in the same process group as its parent.
    SameProcessGroup,
}

#[async_trait::async_trait]
pub trait Execute {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error>;
}

#[async_trait::async_trait]
trait ExecuteInPipeline<SE: extensions::ShellExtensions> {
    async fn execute_in_pipeline(
        &self,
        context: PipelineExecutionContext<'_, SE>,
        params: ExecutionParameters,
    ) -> Result<ExecutionSpawnResult, error::Error>;
}

#[async_trait::async_trait]
impl Execute for ast::Program {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        execute_program(self, shell, params, None).await
    }
}

/// The lines of a program's text that `set -v` has shown, or passed while it was off (ncsh patch).
struct InputLinesShown<'a> {
    text: &'a str,
    through: usize,
}

impl<'a> InputLinesShown<'a> {
    const fn new(text: &'a str) -> Self {
        Self { text, through: 0 }
    }

    /// Before a command runs whose text ends before 1-based line `last` + 1: under `set -v`,
    /// writes the lines up to it not written yet to standard error, as bash writes its input as
    /// it reads it. Blank and comment lines at the end of them are left for the next command
    /// (bash reads them after this one has run); `finish` writes the rest. The lines are found
    /// only then: most programs never show them.
    fn show_through(
        &mut self,
        last: usize,
        shell: &Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) {
        if last <= self.through {
            return;
        }
        let lines: Vec<&str> = (self.text.split_inclusive('\n'))
            .skip(self.through)
            .take(last - self.through)
            .collect();
        let passed = lines.len()
            - (lines.iter().rev())
                .take_while(|line| matches!(line.trim_start().chars().next(), None | Some('#')))
                .count();
        self.show(&lines[..passed], shell, params);
    }

    /// Writes the lines not written yet, once the program's commands have all run.
    fn finish(
        &mut self,
        shell: &Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) {
        let lines: Vec<&str> = self.text.split_inclusive('\n').skip(self.through).collect();
        self.show(&lines, shell, params);
    }

    fn show(
        &mut self,
        lines: &[&str],
        shell: &Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) {
        if shell.options().print_shell_input_lines && !lines.is_empty() {
            let mut shown = lines.concat();
            if !shown.ends_with('\n') {
                shown.push('\n');
            }
            let _ = params.stderr(shell).write_all(shown.as_bytes());
        }
        self.through += lines.len();
    }
}

/// Runs a program's commands one after another; where `text`, the program's source, is given,
/// `set -v` shows each command's lines before it runs (ncsh patch: `-v` was taken, and did
/// nothing).
pub(crate) async fn execute_program(
    program: &ast::Program,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    text: Option<&str>,
) -> Result<ExecutionResult, error::Error> {
    let mut shown = text.map(InputLinesShown::new);
    let mut result = ExecutionResult::success();

    for (index, command) in program.complete_commands.iter().enumerate() {
        if let Some(shown) = &mut shown {
            // A command's text runs to the line before the next command's (an `if`'s span ends
            // at its `then`, and a here-document's lines follow its command's).
            let next_start = (program.complete_commands.get(index + 1))
                .and_then(SourceLocation::location)
                .map(|span| span.start.line.saturating_sub(1));
            shown.show_through(next_start.unwrap_or(usize::MAX), shell, params);
        }
        // Execute the command and handle any errors without immediately propagating them.
        // This allows interactive shells to continue executing subsequent commands even after
        // errors.
        match command.execute(shell, params).await {
            Ok(exec_result) => result = exec_result,
            Err(err) => {
                // Display the error and convert to an execution result.
                let _ = shell.display_error(&mut params.stderr(shell), &err);
                // ncsh patch: a refused assignment to a readonly variable and a bad substitution
                // fail their command for `set -e`, as in bash, which ends the script there (a
                // sourced file's went on); other errors, as an arithmetic expansion's
                // (`$((1/0))`), do not.
                let seen_by_errexit = matches!(
                    err.kind(),
                    error::ErrorKind::ReadonlyVariable
                        | error::ErrorKind::ReadonlyVariableNamed(_)
                        | error::ErrorKind::BadSubstitution(_)
                );
                // ncsh patch: an error that abandons its command ends a command substitution,
                // with its status, as bash's (`x=$(…)` ran the lines after it, and succeeded).
                let ends_substitution = err.abandons_command() && shell.substitution_depth > 0;
                result = err.into_result(shell);
                if seen_by_errexit && !params.suppress_errexit {
                    shell.apply_errexit_if_enabled(&mut result);
                }
                if ends_substitution {
                    shell.set_last_exit_status(result.exit_code.into());
                    return Ok(result);
                }
            }
        }

        // Update status
        shell.set_last_exit_status(result.exit_code.into());

        // Check if we should stop executing subsequent commands
        if !result.is_normal_flow() {
            return Ok(result);
        }
    }
    if let Some(shown) = &mut shown {
        shown.finish(shell, params);
    }

    Ok(result)
}

#[async_trait::async_trait]
impl Execute for ast::CompoundList {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let mut result = ExecutionResult::success();

        for ast::CompoundListItem(ao_list, sep) in &self.0 {
            // ncsh patch: Ctrl-C stops the rest of the list; pending signal traps run.
            interrupt::check(shell, params)?;
            if let Some(left) = signal_traps::run_pending(shell, params).await? {
                return Ok(left);
            }
            let run_async = matches!(sep, ast::SeparatorOperator::Async);

            if run_async {
                // ncsh patch: the simple commands of a lone pipeline put in the background are
                // announced by the shell (DEBUG trap, `BASH_COMMAND`) before it starts them, as
                // bash's (its job does not inherit the trap; bash-preexec missed `sleep 5 &`).
                // A lone command the trap skips (`extdebug`) starts no job.
                let mut runs = true;
                if ao_list.additional.is_empty() {
                    for command in &ao_list.first.seq {
                        if let ast::Command::Simple(simple) = command {
                            runs &=
                                commands::announce_command(shell, params, || simple.to_string())
                                    .await?;
                        }
                    }
                }
                if !runs && ao_list.first.seq.len() == 1 {
                    result = ExecutionResult::success();
                    continue;
                }
                let job = spawn_async_ao_list_in_task(ao_list, shell, params).await;
                let job_formatted = job.to_pid_style_string();

                // ncsh patch: not from a startup file, before the session's first prompt, where
                // bash says nothing either.
                if shell.options().interactive
                    && !shell.is_subshell()
                    && shell.call_stack().in_interactive_session()
                {
                    writeln!(params.stderr(shell), "{job_formatted}")?;
                }

                result = ExecutionResult::success();
            } else {
                result = ao_list.execute(shell, params).await?;

                // Update status
                shell.set_last_exit_status(result.exit_code.into());
            }

            if !result.is_normal_flow() {
                break;
            }
        }

        Ok(result)
    }
}

/// How long `&` waits for the job's first process, so that `$!` names it on the next command. A job
/// that runs only builtins never starts one, and the shell goes on after this.
const FIRST_PROCESS_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

async fn spawn_async_ao_list_in_task<'a, SE: extensions::ShellExtensions>(
    ao_list: &ast::AndOrList,
    shell: &'a mut Shell<SE>,
    params: &ExecutionParameters,
) -> &'a jobs::Job {
    // Clone the inputs.
    let mut cloned_shell = shell.clone();
    // ncsh patch: an `&` job's `jobs` lists nothing of the parent's, as in bash.
    cloned_shell.jobs_mut().forget_inherited();
    let mut cloned_params = params.outside_loops();
    let cloned_ao_list = ao_list.clone();

    // Mark the child shell as not interactive; we don't want it messing with the terminal too much.
    cloned_shell.options_mut().interactive = false;

    // Redirect stdin to null, per spec. ncsh patch: unless a command around it redirected stdin
    // (`while read l; do { read x; } & wait; done < file`), as bash's; and, as POSIX asks, only
    // without job control: at the prompt the job keeps the terminal, and one that reads it stops
    // (SIGTTIN) until `fg` (`vim &`, then `fg`, read end of file and ended).
    let stdin_redirected = cloned_params
        .open_files
        .contains_fd(openfiles::OpenFiles::STDIN_FD);
    if !stdin_redirected
        && !keeps_terminal(shell, &cloned_params)
        && let Ok(null) = openfiles::null()
    {
        cloned_params.set_fd(openfiles::OpenFiles::STDIN_FD, null);
    }

    let text = and_or_list_text(ao_list);
    spawn_background_job(
        shell,
        cloned_shell,
        cloned_params,
        text,
        |mut shell, params| async move {
            let result = cloned_ao_list.execute(&mut shell, &params).await;
            (shell, result)
        },
    )
    .await
}

/// Whether an `&` job keeps the terminal as its standard input, as bash's under job control
/// (ncsh patch): one started at an interactive shell's prompt, by the shell itself, whose
/// standard input is the terminal; not one in a `$(…)`, a `( … )` or a part of a pipeline (copies
/// of the shell, which have no job control in bash: a job stopped by reading the terminal held
/// them for ever), nor one a startup file starts, nor one of `ncsh -i` with commands piped in,
/// which would read them.
fn keeps_terminal(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> bool {
    shell.options().enable_job_control
        && shell.depth() == 0
        && shell.call_stack().in_interactive_session()
        && params
            .try_stdin(shell)
            .is_some_and(|stdin| stdin.is_terminal())
}

/// Starts `work` as a background job of `shell`, in `job_shell`, a copy of it (ncsh patch): on a
/// thread of its own, as a pipeline's builtins run (a job that never waits, `while :; do :;
/// done &`, held one of the runtime's workers for good, and with it, in a script, whatever else
/// waited for that worker), with a process group that its processes share, which `$!` names.
async fn spawn_background_job<'a, SE, Work, Done>(
    shell: &'a mut Shell<SE>,
    job_shell: Shell<SE>,
    mut job_params: ExecutionParameters,
    text: String,
    work: Work,
) -> &'a jobs::Job
where
    SE: extensions::ShellExtensions,
    Work: FnOnce(Shell<SE>, ExecutionParameters) -> Done + Send + 'static,
    Done: std::future::Future<Output = (Shell<SE>, Result<ExecutionResult, error::Error>)>
        + Send
        + 'static,
{
    let group = std::sync::Arc::new(jobs::BackgroundGroup::default());
    if !shell.options().enable_job_control {
        group.ignore_keyboard_signals();
    }
    job_params.background_group = Some(group.clone());
    let job_group = group.clone();
    let exit_params = job_params.clone();
    let join_handle = commands::run_on_own_thread(async move {
        let (mut job_shell, result) = work(job_shell, job_params).await;
        // An error that abandons a command (`$((1/0))`) or ends a script (`${x:?}`, an unset
        // variable under `set -u`, a refused readonly assignment under `set -e`) ends the job, as
        // it ends a subshell, and is said here; it reached the parent's `wait`, which abandoned
        // the parent's command or ended the parent.
        // Other errors (the system's, as a job meets when the shell ends) are left as they were.
        let result = match result {
            Err(error)
                if error.abandons_command()
                    || error.is_fatal()
                    || matches!(
                        error.kind(),
                        error::ErrorKind::ReadonlyVariable
                            | error::ErrorKind::ReadonlyVariableNamed(_)
                    ) =>
            {
                Ok(job_shell.ended_by(&exit_params, error))
            }
            result => result,
        };
        let result = job_shell.on_subshell_exit(&exit_params, result).await;
        job_group.mark_started();
        // Ended by `kill`: the job's status is the signal's, as a killed process's is.
        match result {
            Err(e) if matches!(e.kind(), error::ErrorKind::EndedBySignal(_)) => {
                Ok(e.into_result(&job_shell))
            }
            result => result,
        }
    });
    let _ = tokio::time::timeout(FIRST_PROCESS_WAIT, group.started()).await;

    shell.jobs_mut().add_as_current(
        jobs::Job::new(
            [jobs::JobTask::Internal(join_handle)],
            text,
            jobs::JobState::Running,
        )
        .with_background_group(group),
    )
}

/// A job's command line as `jobs` shows it, as bash's: ` | ` between a pipeline's commands, where
/// brush-parser writes ` |` (ncsh patch).
fn pipeline_text(pipeline: &ast::Pipeline) -> String {
    let mut text = String::new();
    if let Some(timed) = &pipeline.timed {
        text.push_str(&std::format!("{timed} "));
    }
    if pipeline.bang {
        text.push_str("! ");
    }
    text.push_str(&pipeline.seq.iter().join(" | "));
    text
}

/// [`pipeline_text`] for each pipeline of an and-or list (ncsh patch).
fn and_or_list_text(list: &ast::AndOrList) -> String {
    let mut text = pipeline_text(&list.first);
    for item in &list.additional {
        let (operator, pipeline) = match item {
            ast::AndOr::And(pipeline) => ("&&", pipeline),
            ast::AndOr::Or(pipeline) => ("||", pipeline),
        };
        text.push_str(&std::format!(" {operator} {}", pipeline_text(pipeline)));
    }
    text
}

#[async_trait::async_trait]
impl Execute for ast::AndOrList {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let has_operators = !self.additional.is_empty();

        // For the first command, suppress errexit if there are more commands after it
        let mut first_params = params.clone();
        if has_operators {
            first_params.suppress_errexit = true;
        }

        let mut result = self.first.execute(shell, &first_params).await?;

        for (index, next_ao) in self.additional.iter().enumerate() {
            // Check for non-normal control flow.
            if !result.is_normal_flow() {
                break;
            }

            // ncsh patch: Ctrl-C stops the rest of the list; pending signal traps run.
            interrupt::check(shell, params)?;
            if let Some(left) = signal_traps::run_pending(shell, params).await? {
                return Ok(left);
            }

            let (is_and, pipeline) = match next_ao {
                ast::AndOr::And(p) => (true, p),
                ast::AndOr::Or(p) => (false, p),
            };

            // If we short-circuit, then we don't break out of the whole loop
            // but we skip evaluating the current pipeline. We'll then continue
            // on and possibly evaluate a subsequent one (depending on the
            // operator before it).
            if is_and {
                if !result.is_success() {
                    continue;
                }
            } else if result.is_success() {
                continue;
            }

            // For the last command in the chain, use original params (errexit not suppressed)
            // For earlier commands, suppress errexit
            let mut params = params.clone();

            let is_last = index == self.additional.len() - 1;
            if !is_last {
                params.suppress_errexit = true;
            }

            result = pipeline.execute(shell, &params).await?;
        }

        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for ast::Pipeline {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // Capture current timing if so requested.
        let stopwatch = self
            .timed
            .is_some()
            .then(timing::start_timing)
            .transpose()?;

        let mut params = params.clone();

        // If this pipeline is negated, suppress errexit for commands within it
        if self.bang {
            params.suppress_errexit = true;
        }

        // ncsh patch: as in bash, the ERR trap runs for a pipeline only if it was set when the
        // pipeline began: a function, `eval` or sourced file that sets it and fails ran it a
        // second time for its own status.
        let err_trapped_before = shell.traps().handles(crate::traps::TrapSignal::Err);

        // Spawn all the processes required for the pipeline, connecting outputs/inputs with pipes
        // as needed.
        let spawn_results = spawn_pipeline_processes(self, shell, &params).await?;

        // Wait for the processes. This also has a side effect of updating pipeline status.
        let mut result =
            wait_for_pipeline_processes_and_update_status(self, spawn_results, shell, &params)
                .await?;

        // ncsh patch: a last command that ran in a copy of the shell, as in a subshell, cannot
        // exit, return from or break out of this one (`echo x | exit 3` only sets `$?`).
        // (ncsh patch: an empty pipeline, `!` or `time` alone, has no last command; it panicked.)
        let len = self.seq.len();
        if len > 0 && !runs_in_current_shell(shell, len - 1, len) {
            result.next_control_flow = ExecutionControlFlow::Normal;
        }

        // Invert the exit code if requested. ncsh patch: not one that leaves the shell or a
        // function (`! exit 3` exits with 3, as bash's; it exited with 0); `! break` is inverted.
        if self.bang
            && !matches!(
                result.next_control_flow,
                ExecutionControlFlow::ExitShell | ExecutionControlFlow::ReturnFromFunctionOrScript
            )
        {
            result.exit_code = ExecutionExitCode::from(if result.is_success() { 1 } else { 0 });
        }

        // Update exit status.
        shell.set_last_exit_status(result.exit_code.into());

        // ncsh patch: the traps of signals that came while the pipeline ran run now, with `$?`
        // its status.
        if let Some(left) = signal_traps::run_pending(shell, &params).await? {
            return Ok(left);
        }

        // ncsh patch: the failure of a compound command alone (a group, `if`, `case`, a loop,
        // `select`) is unseen by `set -e` and the ERR trap, as in bash, which see the commands
        // inside it: under `set -e`, `if c; then [ -f x ] && rm x; fi` goes on where the test
        // fails, and a `select` that ends at end of input (status 1) goes on. brush ended the
        // script, and ran the ERR trap twice for `{ false; }`.
        let unseen_failure = matches!(
            self.seq.as_slice(),
            [ast::Command::Compound(
                ast::CompoundCommand::BraceGroup(_)
                    | ast::CompoundCommand::IfClause(_)
                    | ast::CompoundCommand::CaseClause(_)
                    | ast::CompoundCommand::ForClause(_)
                    | ast::CompoundCommand::ArithmeticForClause(_)
                    | ast::CompoundCommand::WhileClause(_)
                    | ast::CompoundCommand::UntilClause(_)
                    | ast::CompoundCommand::SelectClause(_),
                _
            )]
        );

        // Fire the ERR trap if the pipeline failed in a non-conditional context, and apply
        // errexit. We reuse `suppress_errexit` here because bash suppresses the ERR trap in
        // exactly the same contexts it suppresses errexit (conditionals, `!`-prefixed
        // pipelines, etc.).
        if !params.suppress_errexit && !self.bang && !unseen_failure {
            // ncsh patch: the commands of a pipeline ran in copies of the shell, which kept
            // their lines; the trap's `$LINENO` is the pipeline's, as in bash.
            if let [_, .., last] = self.seq.as_slice()
                && !result.is_success()
                && brush_parser::ast::SourceLocation::location(last).is_some()
            {
                shell.set_current_cmd(last);
            }
            result = see_failure(shell, &params, result, err_trapped_before).await?;
        }

        // If requested, report timing.
        if let (Some(timed), Some(stopwatch)) = (&self.timed, &stopwatch)
            && let Some(mut stderr) = params.try_fd(shell, openfiles::OpenFiles::STDERR_FD)
        {
            let timing = stopwatch.stop()?;
            if timed.is_posix_output() {
                std::write!(
                    stderr,
                    "real {}\nuser {}\nsys {}\n",
                    timing::format_duration_posixly(&timing.wall),
                    timing::format_duration_posixly(&timing.user),
                    timing::format_duration_posixly(&timing.system),
                )?;
            } else {
                // ncsh patch: as `TIMEFORMAT` words it; set and empty, nothing is written.
                let format = shell.env_str("TIMEFORMAT");
                let format = format.as_deref().unwrap_or(timing::DEFAULT_TIME_FORMAT);
                if !format.is_empty() {
                    std::writeln!(stderr, "{}", timing::format_time_report(format, &timing))?;
                }
            }
        }

        Ok(result)
    }
}

/// What `set -e` and the ERR trap make of `result` where they see it (ncsh patch): where it is a
/// failure (not `exit` or `return`, which bash's trap does not see), the trap runs if `trapped`,
/// and an `exit` in it ends the shell, as in bash (`trap 'exit 1' ERR`; brush ignored it, and a
/// `return` there is still ignored); then `set -e` ends the shell.
async fn see_failure(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    mut result: ExecutionResult,
    trapped: bool,
) -> Result<ExecutionResult, error::Error> {
    if trapped
        && !result.is_success()
        && result.is_normal_flow()
        && shell.traps().handles(crate::traps::TrapSignal::Err)
    {
        let trap = shell
            .invoke_trap_handler(crate::traps::TrapSignal::Err, params)
            .await?;
        // ncsh patch: `return` in the trap returns from the function the failure was in, as
        // in bash (`trap 'return 1' ERR`); brush went on with the next command.
        if matches!(
            trap.next_control_flow,
            ExecutionControlFlow::ExitShell | ExecutionControlFlow::ReturnFromFunctionOrScript
        ) {
            return Ok(trap);
        }
    }
    shell.apply_errexit_if_enabled(&mut result);
    Ok(result)
}

/// Whether the command at `index` of a pipeline of `len` commands runs in the shell itself rather
/// than in a copy of it: a lone command always does; the last one does with `lastpipe` and no job
/// control.
fn runs_in_current_shell(
    shell: &Shell<impl extensions::ShellExtensions>,
    index: usize,
    len: usize,
) -> bool {
    len == 1
        || (index == len - 1
            && shell.options().run_last_pipeline_cmd_in_current_shell
            && !shell.options().enable_job_control)
}

async fn spawn_pipeline_processes(
    pipeline: &ast::Pipeline,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<VecDeque<ExecutionSpawnResult>, error::Error> {
    let pipeline_len = pipeline.seq.len();
    let mut pipe_readers = vec![];
    let mut pipe_writers = vec![];
    let mut spawn_results = VecDeque::new();
    let mut process_group_id: Option<i32> = None;

    // Create pipes to use between commands, but only bother doing so if there's more than one
    // command.
    if pipeline_len > 1 {
        for _ in 0..(pipeline_len - 1) {
            let (reader, writer) = std::io::pipe()?;
            pipe_readers.push(Some(reader.into()));
            pipe_writers.push(Some(writer.into()));
        }
        // Push `None` to the readers; it will be popped off by the *first* command, which will
        // mean that command gets its stdin from the execution parameters' current stdin.
        pipe_readers.push(None);
    }

    for (current_pipeline_index, command) in pipeline.seq.iter().enumerate() {
        //
        // We run a command directly in the current shell if either of the following is true:
        //     * There's only one command in the pipeline.
        //     * This is the *last* command in the pipeline, the lastpipe option is enabled, and job
        //       monitoring is disabled.
        // Otherwise, we spawn a separate subshell for each command in the pipeline.
        //

        let run_in_current_shell =
            runs_in_current_shell(shell, current_pipeline_index, pipeline_len);

        // Set up parameters appropriate for this command.
        let mut cmd_params = params.clone();

        // Install pipes.
        if let Some(Some(reader)) = pipe_readers.pop() {
            cmd_params.open_files.set_fd(OpenFiles::STDIN_FD, reader);
        }
        if let Some(Some(writer)) = pipe_writers.pop() {
            cmd_params.open_files.set_fd(OpenFiles::STDOUT_FD, writer);
        }

        let pipeline_context = if !run_in_current_shell {
            // ncsh patch: a simple command that runs in a copy of the shell is announced by the
            // shell itself, whose DEBUG trap the copy does not inherit, as bash announces it
            // before it forks.
            if let ast::Command::Simple(simple) = command
                && !commands::announce_command(shell, params, || simple.to_string()).await?
            {
                // Skipped by the trap (`extdebug`): its pipe ends here.
                spawn_results.push_back(ExecutionResult::success().into());
                continue;
            }

            // Make sure that all commands in the pipeline are in the same process group.
            if current_pipeline_index > 0 {
                cmd_params.process_group_policy = ProcessGroupPolicy::SameProcessGroup;
            }

            PipelineExecutionContext {
                shell: commands::ShellForCommand::OwnedShell {
                    target: Box::new(shell.clone()),
                    parent: shell,
                },
                process_group_id,
            }
        } else {
            PipelineExecutionContext {
                shell: commands::ShellForCommand::ParentShell(shell),
                process_group_id,
            }
        };

        let spawn_result = match command
            .execute_in_pipeline(pipeline_context, cmd_params)
            .await
        {
            Ok(spawned) => spawned,
            // ncsh patch: an error in a copy of the shell (`${u:?}` in a command of the pipeline
            // but the last) ends that command with its status, as it ends bash's subshell; the
            // pipeline and the shell go on. It ended the whole shell.
            Err(error) if !run_in_current_shell => {
                ExecutionResult::new(shell.ended_by(params, error).exit_code.into()).into()
            }
            Err(error) => return Err(error),
        };

        // Update the process group ID if something was spawned.
        if let ExecutionSpawnResult::StartedProcess(child) = &spawn_result {
            if process_group_id.is_none() {
                process_group_id = child.pgid();
            }
        }

        spawn_results.push_back(spawn_result);
    }

    Ok(spawn_results)
}

async fn wait_for_pipeline_processes_and_update_status(
    pipeline: &ast::Pipeline,
    mut process_spawn_results: VecDeque<ExecutionSpawnResult>,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<ExecutionResult, error::Error> {
    let mut result = ExecutionResult::success();
    let mut stopped_children = vec![];
    let mut last_failure_exit_code: Option<ExecutionExitCode> = None;

    // Clear our the pipeline status so we can start filling it out.
    shell.last_pipeline_statuses_mut().clear();

    let len = pipeline.seq.len();
    let mut index = 0;
    while let Some(child) = process_spawn_results.pop_front() {
        let waited = if !stopped_children.is_empty() {
            child.poll().await.map(|waited| (waited, None))
        } else {
            child.wait_noting_signal().await
        };
        // ncsh patch: a command that ran in a copy of the shell, as in bash's subshell, is ended
        // alone by its error, which is said and gives its status; the error ended the script
        // (an option not implemented, in a pipeline). An interruption still ends the script, and
        // an error of the system (as a background pipeline meets when the shell ends) is not said.
        let wait_result = match waited {
            Err(error)
                if !runs_in_current_shell(shell, index, len)
                    && !matches!(
                        error.kind(),
                        error::ErrorKind::Interrupted | error::ErrorKind::IoError(_)
                    ) =>
            {
                let _ = shell.display_error(&mut params.stderr(shell), &error);
                (
                    ExecutionWaitResult::Completed(error.into_result(shell)),
                    None,
                )
            }
            waited => waited?,
        };
        let (wait_result, ended_by) = wait_result;
        index += 1;
        if index == len
            && let Some(ended_by) = ended_by
        {
            say_ended_by_signal(pipeline, &ended_by, shell, params);
        }

        match wait_result {
            ExecutionWaitResult::Completed(current_result) => {
                result = current_result;
                shell.set_last_exit_status(result.exit_code.into());
                shell
                    .last_pipeline_statuses_mut()
                    .push(result.exit_code.into());

                // Track the last failure for pipefail option
                if !result.is_success() {
                    last_failure_exit_code = Some(result.exit_code);
                }
            }
            ExecutionWaitResult::Stopped(child) => {
                result = ExecutionResult::stopped();
                shell.set_last_exit_status(result.exit_code.into());
                shell
                    .last_pipeline_statuses_mut()
                    .push(result.exit_code.into());

                stopped_children.push(jobs::JobTask::External(child));
            }
        }
    }

    // Apply pipefail semantics if enabled
    if shell.options().return_last_failure_from_pipeline {
        if let Some(failure_exit_code) = last_failure_exit_code {
            result.exit_code = failure_exit_code;
        }
    }

    if shell.options().interactive {
        sys::terminal::move_self_to_foreground()?;
    }

    // If there were stopped jobs, then encapsulate the pipeline as a managed job and hand it
    // off to the job manager.
    if !stopped_children.is_empty() {
        let job = shell.jobs_mut().add_as_current(jobs::Job::new(
            stopped_children,
            pipeline_text(pipeline),
            jobs::JobState::Stopped,
        ));

        let (formatted, id) = (job.to_string(), job.id);
        shell.jobs_mut().mark_reported(&[id]);

        // N.B. We use the '\r' to overwrite any ^Z output.
        writeln!(params.stderr(shell), "\r{formatted}")?;
    }

    Ok(result)
}

/// Says that a signal ended the pipeline's last command, as bash does (ncsh patch: nothing was
/// said): `line 3:  2017 Segmentation fault      ./prog` in a script, the signal's name alone at
/// the prompt and for a pipeline of several commands. An interrupt and a broken pipe are not
/// said, nor anything in a command substitution or a background job, nor as the shell itself is
/// ending by a signal (`timeout` ends the script and its commands at once).
fn say_ended_by_signal(
    pipeline: &ast::Pipeline,
    ended_by: &crate::results::EndedBySignal,
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) {
    let signal = sys::signal::Signal::try_from(ended_by.signal).ok();
    if shell.substitution_depth > 0
        || params.background_group.is_some()
        || crate::signal_traps::ending()
        || matches!(
            signal,
            Some(sys::signal::Signal::SIGINT | sys::signal::Signal::SIGPIPE)
        )
    {
        return;
    }
    let Some(described) = jobs::described_signal(ended_by.signal) else {
        return;
    };
    let described = if ended_by.core_dumped {
        std::format!("{described} (core dumped)")
    } else {
        described.to_owned()
    };
    // bash says a SIGTERM alone, as it does at the prompt.
    if shell.options().interactive
        || pipeline.seq.len() > 1
        || signal == Some(sys::signal::Signal::SIGTERM)
    {
        let _ = writeln!(params.stderr(shell), "{described}");
    } else {
        let said = std::format!(
            "{:>5} {described:<24}{}",
            ended_by.pid,
            pipeline_text(pipeline)
        );
        let said = error::Error::from(error::ErrorKind::Worded(said));
        let _ = shell.display_error(&mut params.stderr(shell), &said);
    }
}

#[async_trait::async_trait]
impl<SE: extensions::ShellExtensions> ExecuteInPipeline<SE> for ast::Command {
    async fn execute_in_pipeline(
        &self,
        mut pipeline_context: PipelineExecutionContext<'_, SE>,
        mut params: ExecutionParameters,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        if pipeline_context.shell.options().do_not_execute_commands {
            return Ok(ExecutionSpawnResult::Completed(ExecutionResult::success()));
        }

        // Updates the shell with information about the currently executing command.
        match self {
            Self::Simple(simple) => pipeline_context.shell.set_current_simple_cmd(simple),
            _ => pipeline_context.shell.set_current_cmd(self),
        }

        match self {
            Self::Simple(simple) => simple.execute_in_pipeline(pipeline_context, params).await,
            Self::Compound(compound, redirects) => match pipeline_context.shell {
                // ncsh patch: a compound command in a copy of the shell (any command of a pipeline
                // but the last) runs as a task, as a builtin there does. Run in place, it had to
                // end before the next command of the pipeline started, so one that wrote more than
                // a pipe holds (`for …; do echo $i; done | wc -l`) waited for ever for a reader.
                commands::ShellForCommand::OwnedShell { target, .. } => {
                    let mut shell = *target;
                    // A copy of the shell: `{ break; } | cat` leaves no loop around it.
                    let mut params = params.outside_loops();
                    let (compound, redirects) = (compound.clone(), redirects.clone());
                    let task = commands::run_on_own_thread(async move {
                        if let Some(failed) =
                            set_up_redirects(&mut shell, &mut params, redirects.as_ref()).await
                        {
                            return Ok(failed);
                        }
                        // An error ends this copy of the shell only, as it ends bash's subshell,
                        // and is said here, with the command's redirections in place; it reached
                        // the parent, which abandoned its command (or ended).
                        let result = match compound.execute(&mut shell, &params).await {
                            Err(error) => Ok(shell.ended_by(&params, error)),
                            result => result,
                        };
                        shell.on_subshell_exit(&params, result).await
                    });
                    Ok(ExecutionSpawnResult::StartedTask(task))
                }
                commands::ShellForCommand::ParentShell(shell) => {
                    // Set up any additional redirects.
                    // ncsh patch: where they fail, the body never ran, so nothing inside saw the
                    // failure; `set -e` and the ERR trap see it here, as bash's do (the pipeline
                    // leaves a compound command's failure to the commands inside it).
                    if let Some(failed) =
                        set_up_redirects(shell, &mut params, redirects.as_ref()).await
                    {
                        if params.suppress_errexit {
                            return Ok(failed.into());
                        }
                        return Ok(see_failure(shell, &params, failed, true).await?.into());
                    }

                    // ncsh patch: an error that leaves the command is said here, where its
                    // redirections are in place (`{ …; } 2>/dev/null`), as bash says it; it was
                    // said by the shell above, on the shell's own stderr.
                    let result = compound.execute(shell, &params).await;
                    let result = result.map_err(|error| {
                        if redirects.is_none() {
                            return error;
                        }
                        let _ = shell.display_error(&mut params.stderr(shell), &error);
                        error.into_said()
                    });
                    Ok(result?.into())
                }
            },
            Self::Function(func) => Ok(func
                .execute(&mut pipeline_context.shell, &params)
                .await?
                .into()),
            Self::ExtendedTest(e, redirects) => {
                // Set up any additional redirects.
                if let Some(failed) =
                    set_up_redirects(&mut pipeline_context.shell, &mut params, redirects.as_ref())
                        .await
                {
                    return Ok(failed.into());
                }

                // Evaluate the extended test expression.
                let shell = &mut pipeline_context.shell;
                if !commands::announce_command(shell, &params, || std::format!("[[ {} ]]", e.expr))
                    .await?
                {
                    return Ok(ExecutionResult::success().into());
                }
                // An arithmetic comparison says its own error (`compare_arithmetic`).
                let status =
                    extendedtests::eval_extended_test_expr(&e.expr, shell, &params).await?;
                Ok(ExecutionResult::new(status).into())
            }
        }
    }
}

enum WhileOrUntil {
    While,
    Until,
}

#[async_trait::async_trait]
impl Execute for ast::CompoundCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        match self {
            Self::BraceGroup(ast::BraceGroupCommand { list, .. }) => {
                list.execute(shell, params).await
            }
            Self::Subshell(ast::SubshellCommand { list, .. }) => {
                // ncsh patch: named on one line, as bash names it for an ERR trap after it
                // (`( exit 3 )`; `BASH_COMMAND` was the command before).
                commands::name_command(shell, || {
                    let lines = list.to_string();
                    std::format!("( {} )", lines.lines().map(str::trim).join(" "))
                })?;
                // Clone off a new subshell, and run the body of the subshell there.
                // TODO(source-info): Do we need to reset the line number?
                // ncsh patch: a `umask` in it stays there.
                let _umask = sys::fs::UmaskKept::now();
                let mut subshell = shell.clone();
                // ncsh patch: `(jobs)` lists nothing of the parent's, as in bash, and `(break)`
                // leaves no loop around it.
                subshell.jobs_mut().forget_inherited();
                let params = &params.outside_loops();

                // Handle errors within the subshell context to prevent fatal errors
                // from propagating to the parent shell.
                let subshell_result = match list.execute(&mut subshell, params).await {
                    Ok(result) => result,
                    // Said by the subshell, to prevent fatal error propagation, with the line
                    // it stopped on (ncsh patch: the parent named the line the subshell starts
                    // on).
                    Err(error) => subshell.ended_by(params, error),
                };
                let subshell_result = subshell
                    .on_subshell_exit(params, Ok(subshell_result))
                    .await?;

                // Preserve the subshell's exit code, but don't honor any of its requests to exit
                // the shell, break out of loops, etc.
                Ok(ExecutionResult::from(subshell_result.exit_code))
            }
            Self::ForClause(f) => f.execute(shell, params).await,
            Self::SelectClause(s) => select::execute(s, shell, params).await,
            Self::CaseClause(c) => c.execute(shell, params).await,
            Self::IfClause(i) => i.execute(shell, params).await,
            Self::WhileClause(w) => (WhileOrUntil::While, w).execute(shell, params).await,
            Self::UntilClause(u) => (WhileOrUntil::Until, u).execute(shell, params).await,
            Self::Arithmetic(a) => a.execute(shell, params).await,
            Self::ArithmeticForClause(a) => a.execute(shell, params).await,
            Self::Coprocess(c) => c.execute(shell, params).await,
        }
    }
}

#[async_trait::async_trait]
impl Execute for ast::CoprocessCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        if shell.options().do_not_execute_commands {
            return Ok(ExecutionResult::success());
        }

        // Resolve the name of the variable that will receive the coprocess's file descriptors.
        let name = self
            .name
            .as_ref()
            .map_or_else(|| "COPROC".to_string(), |w| w.to_string());

        if !valid_variable_name(&name) {
            writeln!(
                params.stderr(shell),
                "coproc {name}: not a valid identifier"
            )?;
            return Ok(ExecutionExitCode::GeneralError.into());
        }

        // Set up the pipes that we'll use to communicate with the coprocess.
        let (stdin_reader, stdin_writer) = std::io::pipe()?;
        let (stdout_reader, stdout_writer) = std::io::pipe()?;

        // Crete a subshell that the coprocess will own and run in. ncsh patch: before the
        // parent's ends of the pipes are its own, so that the coprocess does not hold them: it
        // held the end that writes to its own input, and never saw its input end.
        let mut child_shell = shell.clone();
        child_shell.options_mut().interactive = false;

        // Allocate new fds in the (parent) shell for the read end of the coprocess's stdout
        // and the write end of the coprocess's stdin.
        let stdout_fd = shell.open_files_mut().add(stdout_reader.into())?;
        let stdin_fd = shell.open_files_mut().add(stdin_writer.into())?;

        // Setup redirection for the coprocess's shell's stdin/stdout.
        let mut child_params = params.clone();
        child_params
            .open_files
            .set_fd(OpenFiles::STDIN_FD, stdin_reader.into());
        child_params
            .open_files
            .set_fd(OpenFiles::STDOUT_FD, stdout_writer.into());

        // ncsh patch: a background job as `&` starts one, with a process group; `NAME_PID` and
        // `$!` name it. `NAME_PID` was the job's number, so `kill $COPROC_PID` signalled pid 1.
        let body = self.body.clone();
        spawn_background_job(
            shell,
            child_shell,
            child_params,
            std::format!("coproc {name}"),
            |mut shell, params| async move {
                let pipeline_context = PipelineExecutionContext {
                    shell: commands::ShellForCommand::ParentShell(&mut shell),
                    process_group_id: None,
                };
                let result = match body.execute_in_pipeline(pipeline_context, params).await {
                    Ok(spawned) => match spawned.wait().await {
                        Ok(ExecutionWaitResult::Completed(result)) => Ok(result),
                        Ok(ExecutionWaitResult::Stopped(_)) => Ok(ExecutionResult::stopped()),
                        Err(error) => Err(error),
                    },
                    Err(error) => Err(error),
                };
                (shell, result)
            },
        )
        .await;
        let pid = shell.jobs().last_background_pid().unwrap_or_default();

        // Fill out the fd variable.
        let arr_value = ShellValue::from(vec![stdout_fd.to_string(), stdin_fd.to_string()]);
        shell
            .env_mut()
            .set_global(name.clone(), ShellVariable::new(arr_value))?;

        let pid_name = format!("{name}_PID");
        shell
            .env_mut()
            .set_global(pid_name, ShellVariable::new(pid.to_string()))?;

        Ok(ExecutionResult::success())
    }
}

#[async_trait::async_trait]
impl Execute for ast::ForClauseCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let params = &params.in_loop();
        if let Some(refused) = refused_loop_variable(shell, params, &self.variable_name) {
            return Ok(refused);
        }
        let mut result = ExecutionResult::success();
        let words = loop_words(shell, params, self).await?;
        let header = loop_header("for", self);
        for value in words {
            // ncsh patch: Ctrl-C stops the loop; pending signal traps run.
            interrupt::check(shell, params)?;
            if let Some(left) = signal_traps::run_pending(shell, params).await? {
                return Ok(left);
            }
            let _runs = commands::announce_command(shell, params, || header.clone()).await?;
            if shell.options().print_commands_and_arguments {
                shell.trace_command(params, header.clone()).await;
            }

            assign_loop_variable(shell, &self.variable_name, value)?;
            result = self.body.list.execute(shell, params).await?;
            if !loop_goes_on(&mut result) {
                break;
            }
        }

        shell.set_last_exit_status(result.exit_code.into());
        Ok(result)
    }
}

/// `text`, an expanded argument of a declaration builtin, as the assignment it is (`NAME=VALUE`,
/// `NAME+=VALUE`, `NAME[SUBSCRIPT]=VALUE`), its value taken as it stands: a scalar, as bash takes
/// a quoted `a=(1 2)`. `None` where it is no assignment, for the builtin to say so.
fn declaration(text: &str) -> Option<ast::Assignment> {
    let (target, value) = text.split_once('=')?;
    let (target, append) = match target.strip_suffix('+') {
        Some(target) => (target, true),
        None => (target, false),
    };
    // A `[` without its `]` makes no valid name, and is refused below.
    let name = match crate::env::split_subscript(target) {
        Some((name, subscript)) => {
            ast::AssignmentName::ArrayElementName(name.to_owned(), subscript.to_owned())
        }
        None => ast::AssignmentName::VariableName(target.to_owned()),
    };
    let (ast::AssignmentName::VariableName(variable)
    | ast::AssignmentName::ArrayElementName(variable, _)) = &name;
    if !valid_variable_name(variable) {
        return None;
    }
    Some(ast::Assignment {
        name,
        value: ast::AssignmentValue::Scalar(ast::Word::from(value.to_owned())),
        append,
        loc: brush_parser::SourceSpan::default(),
    })
}

/// A declaration's value that reads `(…)` once expanded, where the builtin was asked for an array
/// (`-a`, `-A`), read as a compound assignment and its words expanded (ncsh patch), as bash does
/// (`declare -a "$name=(x 'y z')"`, `declare -a c=$v`); it was one string. `args` are the
/// builtin's arguments before it.
async fn compound_in_text(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    args: &[CommandArg],
    assignment: ast::Assignment,
) -> Result<ast::Assignment, error::Error> {
    let ast::AssignmentValue::Scalar(value) = &assignment.value else {
        return Ok(assignment);
    };
    let asks_array = || {
        args.iter().any(|arg| {
            matches!(arg, CommandArg::String(option) if option.starts_with('-') && option.contains(['a', 'A']))
        })
    };
    if !(value.value.starts_with('(') && value.value.ends_with(')')) || !asks_array() {
        return Ok(assignment);
    }
    let Ok(program) = shell.parse_string(std::format!("x={}", value.value)) else {
        return Ok(assignment);
    };
    let Some(compound) = compound_assignment_value(&program) else {
        return Ok(assignment);
    };
    Ok(ast::Assignment {
        value: expand_assignment_value(shell, params, compound).await?,
        ..assignment
    })
}

/// The array value of `program` where it is one assignment of an array and nothing else.
fn compound_assignment_value(program: &ast::Program) -> Option<&ast::AssignmentValue> {
    let [list] = program.complete_commands.as_slice() else {
        return None;
    };
    let [ast::CompoundListItem(and_or, _)] = list.0.as_slice() else {
        return None;
    };
    let [ast::Command::Simple(simple)] = and_or.first.seq.as_slice() else {
        return None;
    };
    if !and_or.additional.is_empty() || simple.word_or_name.is_some() || simple.suffix.is_some() {
        return None;
    }
    match simple.prefix.as_ref()?.0.as_slice() {
        [ast::CommandPrefixOrSuffixItem::AssignmentWord(assignment, _)] => {
            matches!(assignment.value, ast::AssignmentValue::Array(_)).then_some(&assignment.value)
        }
        _ => None,
    }
}

/// The words a `for` or `select` goes over: its own, expanded and split, or else the positional
/// parameters.
async fn loop_words(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    command: &ast::ForClauseCommand,
) -> Result<Vec<String>, error::Error> {
    let Some(unexpanded_values) = &command.values else {
        return Ok(shell.current_shell_args().to_vec());
    };
    let mut expanded_values = vec![];
    for value in unexpanded_values {
        let mut expanded = expansion::full_expand_and_split_word(shell, params, value).await?;
        expanded_values.append(&mut expanded);
    }
    Ok(expanded_values)
}

/// A `for` or `select` loop's first line as `set -x` and `BASH_COMMAND` show it, its words
/// unexpanded.
fn loop_header(keyword: &str, command: &ast::ForClauseCommand) -> String {
    match &command.values {
        Some(unexpanded_values) => std::format!(
            "{keyword} {} in {}",
            command.variable_name,
            unexpanded_values.iter().join(" ")
        ),
        None => std::format!("{keyword} {}", command.variable_name),
    }
}

/// Sets a `for` or `select` loop's variable to the next word.
/// Where `name` can name no variable (`for 1 in …`), says so in bash's words and gives the
/// loop's status, 1 (ncsh patch: the loop ran, assigning nothing).
pub(crate) fn refused_loop_variable(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    name: &str,
) -> Option<ExecutionResult> {
    if crate::env::valid_variable_name(name) {
        return None;
    }
    let refusal = error::ErrorKind::Worded(std::format!("`{name}': not a valid identifier"));
    let _ = shell.display_error(&mut params.stderr(shell), &refusal.into());
    shell.set_last_exit_status(1);
    Some(ExecutionResult::new(1))
}

fn assign_loop_variable(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    value: String,
) -> Result<(), error::Error> {
    // ncsh patch: a name reference is aimed at each word in turn, as in bash, rather than
    // assigning each word to the variable it refers to.
    let reference = shell
        .env_mut()
        .get_mut_noref_using_policy(name, EnvironmentLookup::Anywhere)
        .filter(|var| var.is_treated_as_nameref());
    if let Some(reference) = reference {
        reference.assign(ShellValueLiteral::Scalar(value), false)?;
    } else {
        // ncsh patch: a variable with the integer attribute evaluates each word.
        let value = arithmetic::scalar_as_declared(shell, name, value)?;
        shell.env_mut().update_or_add(
            name,
            ShellValueLiteral::Scalar(value),
            |_| Ok(()),
            EnvironmentLookup::Anywhere,
            EnvironmentScope::Global,
        )?;
    }
    Ok(())
}

/// Whether a `for` or `select` loop goes on after its body gave `result`, of which a `break N` or
/// `continue N` that leaves this loop goes on to leave the `N - 1` loops around it.
fn loop_goes_on(result: &mut ExecutionResult) -> bool {
    if result.is_return_or_exit() {
        return false;
    }
    let is_break = result.is_break();
    result.next_control_flow = result.next_control_flow.try_decrement_loop_levels();
    !(is_break || result.is_continue())
}

#[async_trait::async_trait]
impl Execute for ast::CaseClauseCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // N.B. One would think it makes sense to trace the expanded value being switched
        // on, but that's not it.
        if shell.options().print_commands_and_arguments {
            shell
                .trace_command(params, std::format!("case {} in", &self.value))
                .await;
        }

        let _runs =
            commands::announce_command(shell, params, || std::format!("case {} in ", self.value))
                .await?;
        let expanded_value = expansion::basic_expand_word(shell, params, &self.value).await?;
        let mut result: ExecutionResult = ExecutionResult::success();
        let mut force_execute_next_case = false;

        for case in &self.cases {
            if force_execute_next_case {
                force_execute_next_case = false;
            } else {
                let mut matches = false;
                for pattern in &case.patterns {
                    let expanded_pattern = expansion::basic_expand_pattern(shell, params, pattern)
                        .await?
                        .set_extended_globbing(shell.options().extended_globbing)
                        .set_case_insensitive(shell.options().case_insensitive_conditionals);

                    if expanded_pattern.exactly_matches(expanded_value.as_str())? {
                        matches = true;
                        break;
                    }
                }

                if !matches {
                    continue;
                }
            }

            result = if let Some(case_cmd) = &case.cmd {
                case_cmd.execute(shell, params).await?
            } else {
                ExecutionResult::success()
            };

            // Check for early return (return/exit) or loop control flow (break/continue)
            if !result.is_normal_flow() {
                break;
            }

            match case.post_action {
                ast::CaseItemPostAction::ExitCase => break,
                ast::CaseItemPostAction::UnconditionallyExecuteNextCaseItem => {
                    force_execute_next_case = true;
                }
                ast::CaseItemPostAction::ContinueEvaluatingCases => (),
            }
        }

        shell.set_last_exit_status(result.exit_code.into());

        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for ast::IfClauseCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        // Execute condition with errexit suppressed
        let mut condition_params = params.clone();
        condition_params.suppress_errexit = true;
        let condition = self.condition.execute(shell, &condition_params).await?;

        // Check if the condition itself resulted in non-normal control flow.
        if !condition.is_normal_flow() {
            return Ok(condition);
        }

        if condition.is_success() {
            return self.then.execute(shell, params).await;
        }

        if let Some(elses) = &self.elses {
            for else_clause in elses {
                match &else_clause.condition {
                    Some(else_condition) => {
                        let else_condition_result =
                            else_condition.execute(shell, &condition_params).await?;

                        // Check if the elif condition caused non-normal control flow.
                        if !else_condition_result.is_normal_flow() {
                            return Ok(else_condition_result);
                        }

                        if else_condition_result.is_success() {
                            return else_clause.body.execute(shell, params).await;
                        }
                    }
                    None => {
                        return else_clause.body.execute(shell, params).await;
                    }
                }
            }
        }

        // If we got down here, then no branch was taken; we make sure to
        // reset the last exit status to success and then return success.
        let result = ExecutionResult::success();
        shell.set_last_exit_status(result.exit_code.into());

        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for (WhileOrUntil, &ast::WhileOrUntilClauseCommand) {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let params = &params.in_loop();
        let is_while = match self.0 {
            WhileOrUntil::While => true,
            WhileOrUntil::Until => false,
        };
        let test_condition = &self.1.0;
        let body = &self.1.1;

        let mut result = ExecutionResult::success();

        // Execute loop condition with errexit suppressed
        let mut condition_params = params.clone();
        condition_params.suppress_errexit = true;

        loop {
            // ncsh patch: Ctrl-C stops the loop; pending signal traps run.
            interrupt::check(shell, params)?;
            if let Some(left) = signal_traps::run_pending(shell, params).await? {
                return Ok(left);
            }
            let condition_result = test_condition.execute(shell, &condition_params).await?;

            // Update status for condition
            shell.set_last_exit_status(condition_result.exit_code.into());

            if !condition_result.is_normal_flow() {
                result = condition_result;

                // If the condition has break/continue, the while/until loop itself
                // consumes one level. We need to decrement the level before returning.
                result.next_control_flow = result.next_control_flow.try_decrement_loop_levels();
                break;
            }

            if condition_result.is_success() != is_while {
                break;
            }

            result = body.list.execute(shell, params).await?;
            if result.is_return_or_exit() {
                break;
            }

            let is_break = result.is_break();

            result.next_control_flow = result.next_control_flow.try_decrement_loop_levels();

            if is_break || result.is_continue() {
                break;
            }
        }

        shell.set_last_exit_status(result.exit_code.into());
        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for ast::ArithmeticCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        if !commands::announce_command(shell, params, || std::format!("(({}))", self.expr.value))
            .await?
        {
            return Ok(ExecutionResult::success());
        }
        let value = match self.expr.eval(shell, params, true).await {
            Ok(value) => value,
            Err(error) => return arithmetic::failed_command(shell, params, error, "((: "),
        };
        let result = if value != 0 {
            ExecutionResult::success()
        } else {
            ExecutionResult::general_error()
        };

        shell.set_last_exit_status(result.exit_code.into());

        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for ast::ArithmeticForClauseCommand {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let params = &params.in_loop();
        let mut result = ExecutionResult::success();
        if let Some(initializer) = &self.initializer
            && let Err(error) = initializer.eval(shell, params, true).await
        {
            return arithmetic::failed_command(shell, params, error, "((: ");
        }

        loop {
            // ncsh patch: Ctrl-C stops the loop; pending signal traps run.
            interrupt::check(shell, params)?;
            if let Some(left) = signal_traps::run_pending(shell, params).await? {
                return Ok(left);
            }
            if let Some(condition) = &self.condition {
                // An empty condition (e.g., `for (( ; ; ))`) means "always true".
                if !condition.value.is_empty() {
                    match condition.eval(shell, params, true).await {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(error) => {
                            return arithmetic::failed_command(shell, params, error, "((: ");
                        }
                    }
                }
            }

            result = self.body.list.execute(shell, params).await?;
            if result.is_return_or_exit() {
                break;
            }

            let is_break = result.is_break();

            result.next_control_flow = result.next_control_flow.try_decrement_loop_levels();

            if is_break || result.is_continue() {
                break;
            }

            if let Some(updater) = &self.updater
                && let Err(error) = updater.eval(shell, params, true).await
            {
                return arithmetic::failed_command(shell, params, error, "((: ");
            }
        }

        shell.set_last_exit_status(result.exit_code.into());
        Ok(result)
    }
}

#[async_trait::async_trait]
impl Execute for ast::FunctionDefinition {
    async fn execute(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
    ) -> Result<ExecutionResult, error::Error> {
        let func_name = self.fname.value.clone();

        // In POSIX mode, function names can't shadow special builtins.
        if shell.options().posix_mode
            && shell
                .builtins()
                .get(&func_name)
                .is_some_and(|r| r.special_builtin)
        {
            return Err(
                error::Error::from(error::ErrorKind::FunctionNameShadowsSpecialBuiltin {
                    name: func_name,
                })
                .into_fatal(),
            );
        }

        // The function definition's source context should be the same as the current frame
        // so we directly pass that through.
        let source_info = shell
            .call_stack()
            .current_frame()
            .map_or_else(crate::SourceInfo::default, |frame| {
                frame.adjusted_source_info()
            });
        // ncsh patch: a readonly function is not defined again; that is said, and fails.
        if let Err(error) = shell.define_func(func_name, self.clone(), &source_info) {
            let _ = shell.display_error(&mut params.stderr(shell), &error);
            shell.set_last_exit_status(1);
            return Ok(ExecutionResult::general_error());
        }

        let result = ExecutionResult::success();
        shell.set_last_exit_status(result.exit_code.into());

        Ok(result)
    }
}

#[async_trait::async_trait]
#[allow(clippy::too_many_lines)]
impl<SE: extensions::ShellExtensions> ExecuteInPipeline<SE> for ast::SimpleCommand {
    async fn execute_in_pipeline(
        &self,
        mut context: PipelineExecutionContext<'_, SE>,
        mut params: ExecutionParameters,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        let prefix_iter = self.prefix.as_ref().map(|s| s.0.iter()).unwrap_or_default();
        let suffix_iter = self.suffix.as_ref().map(|s| s.0.iter()).unwrap_or_default();
        let cmd_name_items = self
            .word_or_name
            .as_ref()
            .map(|won| CommandPrefixOrSuffixItem::Word(won.clone()));

        // ncsh patch: an alias is replaced by what it stands for (`interp/alias.rs`), which is
        // announced (DEBUG trap, BASH_COMMAND) in its place.
        if let Some((alias, expansion)) = alias::expand(&*context.shell, &params, self) {
            params.expanding_aliases.push(alias);
            return match expansion {
                alias::Expansion::Simple(command) => {
                    command.execute_in_pipeline(context, params).await
                }
                alias::Expansion::Program(program) => {
                    let result = program.execute(&mut *context.shell, &params).await?;
                    Ok(ExecutionSpawnResult::Completed(result))
                }
            };
        }
        // The aliases being expanded were this command's name's to skip, not those of what it
        // runs (its substitutions, a function it calls, a file it sources).
        params.expanding_aliases.clear();
        // Its own redirections are those it sets up from here.
        params.redirected_here.clear();
        params.redirected_around.clear();

        // In a copy of the shell (a pipeline's), the shell announced it (`spawn_pipeline_processes`).
        if let commands::ShellForCommand::ParentShell(shell) = &mut context.shell
            && !commands::announce_command(shell, &params, || self.to_string()).await?
        {
            return Ok(ExecutionSpawnResult::Completed(ExecutionResult::success()));
        }

        let mut assignments = vec![];
        let mut args: Vec<CommandArg> = vec![];
        let mut command_takes_assignments = false;

        // Capture the status change count before expansion, so we can detect
        // if expansion (e.g., command substitution) set an exit status.
        let status_change_count_before_expansion = context.shell.last_exit_status_change_count();

        let items: Vec<&CommandPrefixOrSuffixItem> = prefix_iter
            .chain(cmd_name_items.iter())
            .chain(suffix_iter)
            .collect();
        // ncsh patch: `{NAME}>file` and `{NAME}>&-`.
        let named = crate::named_descriptors::resolved(&items, &mut context.shell, &params)?;
        let items = match &named {
            Some(resolved) => resolved.iter().collect(),
            None => items,
        };

        // ncsh patch: the assignments are applied and the command traced (`set -x`) with the
        // files as they were before the command's own redirections, as bash's: `cmd 2>/dev/null`
        // hid its trace, and `x=$(cmd) 2>/dev/null` the errors of `cmd`.
        let unredirected = items
            .iter()
            .any(|item| matches!(item, CommandPrefixOrSuffixItem::IoRedirect(_)))
            .then(|| params.clone());

        for item in items {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(redirect) => {
                    if let Err(e) = setup_redirect(&mut context.shell, &mut params, redirect).await
                    {
                        // ncsh patch: an expansion's error that ends the script or abandons the
                        // command (`> "${out:?no file}"`, `> ${x bad}`) does so, as bash's; it
                        // failed the command alone.
                        if e.is_fatal() || e.abandons_command() {
                            return Err(e);
                        }
                        // ncsh patch: through the shell's error formatter, as every other error
                        // (`bash: line 1: /x/y: No such file or directory`).
                        let _ = context
                            .shell
                            .display_error(&mut params.stderr(&context.shell), &e);
                        return Ok(ExecutionResult::general_error().into());
                    }
                }
                CommandPrefixOrSuffixItem::ProcessSubstitution(kind, subshell_command) => {
                    let (installed_fd_num, substitution_file) = setup_process_substitution(
                        &context.shell,
                        &params,
                        kind,
                        subshell_command,
                    )?;

                    params
                        .open_files
                        .set_fd(installed_fd_num, substitution_file);

                    args.push(CommandArg::String(std::format!(
                        "/dev/fd/{installed_fd_num}"
                    )));
                }
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                    if args.is_empty() {
                        // If we haven't yet seen any arguments, then this must be a proper
                        // scoped assignment. Add it to the list we're accumulating.
                        assignments.push(assignment);
                    } else {
                        if command_takes_assignments {
                            // This looks like an assignment, and the command being invoked is a
                            // well-known builtin that takes arguments that need to function like
                            // assignments (but which are processed by the builtin).
                            let expanded =
                                expand_assignment(&mut context.shell, &params, assignment).await?;
                            let expanded =
                                compound_in_text(&mut context.shell, &params, &args, expanded)
                                    .await?;
                            args.push(CommandArg::Assignment(expanded));
                        } else {
                            // This *looks* like an assignment, but it's really a string we should
                            // fully treat as a regular looking
                            // argument.
                            let mut next_args =
                                expansion::full_expand_and_split_assignment_like_word(
                                    &mut context.shell,
                                    &params,
                                    word,
                                )
                                .await?
                                .into_iter()
                                .map(CommandArg::String)
                                .collect();
                            args.append(&mut next_args);
                        }
                    }
                }
                CommandPrefixOrSuffixItem::Word(arg) => {
                    let next_args =
                        expansion::full_expand_and_split_word(&mut context.shell, &params, arg)
                            .await?;

                    if args.is_empty() {
                        if let Some(first_arg) = next_args.first() {
                            // Check if we're going to be invoking a special declaration builtin.
                            // That will change how we parse and process args.
                            if context
                                .shell
                                .builtins()
                                .get(first_arg)
                                .is_some_and(|r| !r.disabled && r.declaration_builtin)
                            {
                                command_takes_assignments = true;
                            }
                        }
                    }

                    // ncsh patch: a declaration builtin's argument that was not written as an
                    // assignment (`declare "$n=1"`, `local "x"=2`) is one once expanded, as in
                    // bash; the builtin refused it as a name.
                    let takes_declarations = command_takes_assignments && !args.is_empty();
                    for arg in next_args {
                        let arg = match takes_declarations.then(|| declaration(&arg)) {
                            Some(Some(assignment)) => CommandArg::Assignment(
                                compound_in_text(&mut context.shell, &params, &args, assignment)
                                    .await?,
                            ),
                            _ => CommandArg::String(arg),
                        };
                        args.push(arg);
                    }
                }
            }
        }

        // If we have a command, then execute it.
        if let Some(CommandArg::String(cmd_name)) = args.first().cloned() {
            let mut stderr = params.stderr(&context.shell);

            let (owned_shell, parent_shell) = match context.shell {
                commands::ShellForCommand::ParentShell(shell) => (None, shell),
                commands::ShellForCommand::OwnedShell { target, parent } => (Some(target), parent),
            };

            let shell = if let Some(owned_shell) = owned_shell {
                commands::ShellForCommand::OwnedShell {
                    target: owned_shell,
                    parent: parent_shell,
                }
            } else {
                commands::ShellForCommand::ParentShell(parent_shell)
            };

            let context = PipelineExecutionContext {
                shell,
                process_group_id: context.process_group_id,
            };

            let traced = execute_command(
                context,
                params,
                unredirected.as_ref(),
                cmd_name,
                assignments,
                args,
            );
            match traced.await {
                Ok(result) => Ok(result),
                // ncsh patch: out of a function, to the command the shell was reading.
                Err(err) if err.abandons_command() => Err(err),
                Err(err) => {
                    let _ = parent_shell.display_error(&mut stderr, &err);

                    let result = err.into_result(parent_shell);
                    Ok(result.into())
                }
            }
        } else {
            // No command to run; assignments must be applied to this shell.
            for assignment in assignments {
                // Apply the assignment. Don't mark as fatal - let errors be handled
                // at the program level so multiple complete_commands can execute independently.
                apply_assignment(
                    assignment,
                    &mut context.shell,
                    unredirected.as_ref().unwrap_or(&params),
                    false,
                    None,
                    EnvironmentScope::Global,
                )
                .await?;
            }

            // Assignment-only statements clear $_ (set to empty string).
            // This matches bash behavior where assignments don't have a "last
            // argument".
            context.shell.update_last_arg_variable(None);

            // We need to set the last exit status to indicate assignment success,
            // but only if there was no status set during expansion. We use the
            // status count captured before expansion to detect if command
            // substitution (or other expansion) set an exit status.
            if status_change_count_before_expansion == context.shell.last_exit_status_change_count()
            {
                context.shell.set_last_exit_status(0);
            }

            // Return the last exit status we have; in some cases, an expansion
            // might result in a non-zero exit status stored in the shell.
            Ok(ExecutionResult::new(context.shell.last_exit_status()).into())
        }
    }
}

async fn execute_command(
    mut context: PipelineExecutionContext<'_, impl extensions::ShellExtensions>,
    params: ExecutionParameters,
    unredirected: Option<&ExecutionParameters>,
    cmd_name: String,
    assignments: Vec<&ast::Assignment>,
    args: Vec<CommandArg>,
) -> Result<ExecutionSpawnResult, error::Error> {
    // Push a new ephemeral environment scope for the duration of the command. We'll
    // set command-scoped variable assignments after doing so, and revert them before
    // returning.
    let mut guard = crate::env::ScopeGuard::new(&mut context.shell, EnvironmentScope::Command);
    // Refusals are said where the shell's errors go, not through the command's redirections.
    let said_to = unredirected.unwrap_or(&params);

    for assignment in &assignments {
        // ncsh patch: an array's element is no variable of a command's environment; bash says so
        // and runs the command without it, where brush set the element for the command.
        if let ast::AssignmentName::ArrayElementName(name, index) = &assignment.name {
            let refused = error::Error::from(error::ErrorKind::Worded(std::format!(
                "`{name}[{index}]': not a valid identifier"
            )));
            let shell = guard.shell();
            let _ = shell.display_error(&mut said_to.stderr(shell), &refused);
            continue;
        }
        // ncsh patch: an assignment to a readonly variable is refused and said, and the command
        // runs with the variable as it was, as in bash; brush made a copy for the command that
        // hid the readonly value, and said nothing.
        if let ast::AssignmentName::VariableName(name) = &assignment.name
            && guard
                .shell()
                .env()
                .get(name)
                .is_some_and(|(_, variable)| variable.is_readonly())
        {
            let refused =
                error::Error::from(error::ErrorKind::ReadonlyVariable).naming_readonly(name);
            let shell = guard.shell();
            // Under `set -e` the shell ends instead (`Error::to_control_flow`), as bash's.
            if shell.readonly_assignment_ends_shell() {
                return Err(refused);
            }
            let _ = shell.display_error(&mut said_to.stderr(shell), &refused);
            continue;
        }
        // Ensure it's tagged as exported and created in the command scope.
        apply_assignment(
            assignment,
            guard.shell(),
            said_to,
            true,
            Some(EnvironmentScope::Command),
            EnvironmentScope::Command,
        )
        .await?;
    }

    if guard.shell().options().print_commands_and_arguments {
        guard
            .shell()
            .trace_command(
                unredirected.unwrap_or(&params),
                args.iter().map(|arg| arg.quote_for_tracing()).join(" "),
            )
            .await;
    }

    guard.detach();
    drop(guard);

    // Construct the command struct.
    let mut cmd = commands::SimpleCommand::new(context.shell, params, cmd_name, args);
    cmd.process_group_id = context.process_group_id;

    // Arrange to pop off that ephemeral environment scope.
    cmd.post_execute = Some(|shell| shell.env_mut().pop_scope(EnvironmentScope::Command));

    // Execute
    // TODO(jobs): do we need to move self back to foreground on error here?
    cmd.execute().await
}

async fn expand_assignment(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    assignment: &ast::Assignment,
) -> Result<ast::Assignment, error::Error> {
    let value = expand_assignment_value(shell, params, &assignment.value).await?;
    Ok(ast::Assignment {
        name: basic_expand_assignment_name(shell, params, &assignment.name).await?,
        value,
        append: assignment.append,
        loc: assignment.loc.clone(),
    })
}

async fn basic_expand_assignment_name(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    name: &ast::AssignmentName,
) -> Result<ast::AssignmentName, error::Error> {
    match name {
        ast::AssignmentName::VariableName(name) => {
            let expanded = expansion::basic_expand_word(shell, params, name).await?;
            Ok(ast::AssignmentName::VariableName(expanded))
        }
        ast::AssignmentName::ArrayElementName(name, index) => {
            let expanded_name = expansion::basic_expand_word(shell, params, name).await?;
            let expanded_index = expansion::subscript_expanded(shell, params, index).await?;
            Ok(ast::AssignmentName::ArrayElementName(
                expanded_name,
                expanded_index,
            ))
        }
    }
}

async fn expand_assignment_value(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    value: &ast::AssignmentValue,
) -> Result<ast::AssignmentValue, error::Error> {
    let expanded = match value {
        ast::AssignmentValue::Scalar(s) => {
            let expanded_word = expansion::basic_expand_assignment_word(shell, params, s).await?;
            ast::AssignmentValue::Scalar(ast::Word::from(expanded_word))
        }
        ast::AssignmentValue::Array(arr) => {
            let mut expanded_values = vec![];
            for (key, value) in arr {
                if let Some(k) = key {
                    let expanded_key = expansion::subscript_expanded(shell, params, &k.value)
                        .await?
                        .into();
                    let expanded_value =
                        expansion::basic_expand_assignment_word(shell, params, value)
                            .await?
                            .into();
                    expanded_values.push((Some(expanded_key), expanded_value));
                } else {
                    // Array elements are treated as regular words, not assignments
                    let split_expanded_value =
                        expansion::full_expand_and_split_word(shell, params, value).await?;
                    for expanded_value in split_expanded_value {
                        expanded_values.push((None, expanded_value.into()));
                    }
                }
            }

            ast::AssignmentValue::Array(expanded_values)
        }
    };

    Ok(expanded)
}

#[expect(clippy::too_many_lines)]
async fn apply_assignment(
    assignment: &ast::Assignment,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    mut export: bool,
    required_scope: Option<EnvironmentScope>,
    creation_scope: EnvironmentScope,
) -> Result<(), error::Error> {
    let mut append = assignment.append;
    // Figure out if we are trying to assign to a variable or assign to an element of an existing
    // array.
    let mut array_index;
    let variable_name = match &assignment.name {
        ast::AssignmentName::VariableName(name) => {
            array_index = None;
            name
        }
        ast::AssignmentName::ArrayElementName(name, index) => {
            let expanded = expansion::subscript_expanded(shell, params, index).await?;
            array_index = Some(expanded);
            name
        }
    };

    // ncsh patch: an assignment to a name reference (`declare -n r=y; r=1`) assigns to the
    // variable it refers to, or to the element it names (`declare -n r=a[1]`), as in bash; where
    // the references loop, it fails with bash's warning.
    let target;
    let variable_name = match shell
        .env()
        .resolve_nameref(variable_name, EnvironmentLookup::Anywhere)?
    {
        Some((name, _)) => {
            target = name;
            match crate::env::split_subscript(&target) {
                Some((array, index))
                    if array_index.is_none()
                        && matches!(assignment.value, ast::AssignmentValue::Scalar(_)) =>
                {
                    array_index = Some(index.to_owned());
                    array
                }
                Some(_) => {
                    return Err(error::ErrorKind::Worded(std::format!(
                        "`{target}': not a valid identifier"
                    ))
                    .into());
                }
                None => &target,
            }
        }
        None => variable_name.as_str(),
    };

    // Expand the values.
    let new_value = match &assignment.value {
        ast::AssignmentValue::Scalar(unexpanded_value) => {
            let value =
                expansion::basic_expand_assignment_word(shell, params, unexpanded_value).await?;
            // ncsh patch: a variable with the integer attribute takes the value of the text
            // evaluated as arithmetic (`declare -i x; x=2+3` is 5).
            let value = arithmetic::scalar_as_declared(shell, variable_name, value)?;
            match append
                .then(|| appended(shell, variable_name, &value, required_scope))
                .transpose()?
                .flatten()
            {
                Some(whole) => {
                    append = false;
                    ShellValueLiteral::Scalar(whole)
                }
                None => ShellValueLiteral::Scalar(value),
            }
        }
        ast::AssignmentValue::Array(unexpanded_values) => {
            let associative = (shell.env().get(variable_name))
                .is_some_and(|(_, variable)| variable.value().is_associative_array());
            let mut elements = vec![];
            for (unexpanded_key, unexpanded_value) in unexpanded_values {
                let key = match unexpanded_key {
                    Some(unexpanded_key) => {
                        let key =
                            expansion::subscript_expanded(shell, params, &unexpanded_key.value)
                                .await?;
                        // ncsh patch: an indexed array's subscript is arithmetic (`([i+1]=x)`),
                        // as in bash, and an error in it abandons the command; brush took it as
                        // a number, and anything else as 0.
                        Some(if associative {
                            key
                        } else {
                            arithmetic::evaluate(shell, &key)
                                .map_err(|error| {
                                    error::Error::from(error).into_abandoning_command()
                                })?
                                .to_string()
                        })
                    }
                    None => None,
                };

                if key.is_some() {
                    let value =
                        expansion::basic_expand_assignment_word(shell, params, unexpanded_value)
                            .await?;
                    elements.push((key, value));
                } else {
                    // Array elements are treated as regular words, not assignments
                    let values =
                        expansion::full_expand_and_split_word(shell, params, unexpanded_value)
                            .await?;
                    for value in values {
                        elements.push((None, value));
                    }
                }
            }
            let elements = ShellValueLiteral::Array(ArrayLiteral(elements));
            arithmetic::as_declared(shell, variable_name, elements)?
        }
    };

    if shell.options().print_commands_and_arguments {
        let op = if assignment.append { "+=" } else { "=" };
        shell
            .trace_command(params, std::format!("{}{op}{new_value}", assignment.name))
            .await;
    }

    // ncsh patch: `SECONDS=N` and `RANDOM=N` set the shell's count and seed; before a command
    // (`RANDOM=42 cmd`), they are the command's variables, as in bash.
    if let (None, ShellValueLiteral::Scalar(text)) = (&array_index, &new_value)
        && !append
        && creation_scope != EnvironmentScope::Command
        && shell.assign_special_variable(variable_name, text)
    {
        return Ok(());
    }

    // See if we need to eval an array index.
    if let Some(idx) = &array_index {
        // ncsh patch: anything but an associative array is indexed, a declared variable without
        // a value and a string among them (`local a; a[n++]=x`), whose subscript was taken as a
        // number, and anything else as 0, without evaluating it.
        let will_be_indexed_array = shell
            .env()
            .get(variable_name)
            .is_none_or(|(_, existing)| !existing.value().is_associative_array());

        if will_be_indexed_array {
            // An error in a subscript abandons the command, as in bash.
            array_index = Some(
                arithmetic::expand_and_eval(shell, params, idx.as_str(), false)
                    .await
                    .map_err(error::Error::into_abandoning_command)?
                    .to_string(),
            );
        }
    }

    // Read option before taking mutable borrow on env.
    let export_variables_on_modification = shell.options().export_variables_on_modification;

    // See if we can find an existing value associated with the variable.
    if let Some((existing_value_scope, existing_value)) = shell.env_mut().get_mut(variable_name) {
        if required_scope.is_none() || Some(existing_value_scope) == required_scope {
            if let Some(array_index) = array_index {
                match new_value {
                    ShellValueLiteral::Scalar(s) => {
                        existing_value
                            .assign_at_index(array_index, s, append)
                            .map_err(|e| e.naming_readonly(variable_name))?;
                    }
                    // ncsh patch: refused in bash's words (it was "not yet implemented").
                    ShellValueLiteral::Array(_) => {
                        return Err(error::ErrorKind::Worded(std::format!(
                            "{variable_name}[{array_index}]: cannot assign list to array member"
                        ))
                        .into());
                    }
                }
            } else {
                if !export
                    && export_variables_on_modification
                    && !matches!(new_value, ShellValueLiteral::Array(_))
                {
                    export = true;
                }

                existing_value
                    .assign(new_value, append)
                    .map_err(|e| e.naming_readonly(variable_name))?;
            }

            if export {
                existing_value.export();
            }

            // That's it!
            return Ok(());
        }
    }

    // If we fell down here, then we need to add it.
    let new_value = if let Some(array_index) = array_index {
        match new_value {
            ShellValueLiteral::Scalar(s) => {
                ShellValue::indexed_array_from_literals(ArrayLiteral(vec![(Some(array_index), s)]))
            }
            ShellValueLiteral::Array(_) => {
                return error::unimp("cannot assign list to array member");
            }
        }
    } else {
        match new_value {
            ShellValueLiteral::Scalar(s) => {
                export = export || shell.options().export_variables_on_modification;
                ShellValue::String(s)
            }
            ShellValueLiteral::Array(values) => ShellValue::indexed_array_from_literals(values),
        }
    };

    let mut new_var = ShellVariable::new(new_value);

    if export {
        new_var.export();
    }

    shell.env_mut().add(variable_name, new_var, creation_scope)
}

/// The whole value that `name+=value` gives, where `assign`'s append cannot make it (ncsh
/// patch): before a command (`a+=5 cmd`), the old value (an array's first element) joined with
/// the new in the command's scope (it was the new alone); with the integer attribute, the sum with
/// the old value evaluated as arithmetic (`b=4+1; declare -i b; b+=37` is 42; it was 37, as `4+1`
/// is no number). `None` where `assign` appends as bash does.
fn appended(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    value: &str,
    required_scope: Option<EnvironmentScope>,
) -> Result<Option<String>, error::Error> {
    let Some((scope, variable)) = shell.env().get(name) else {
        return Ok(None);
    };
    let other_scope = required_scope.is_some_and(|required| required != scope);
    let integer = variable.is_treated_as_integer();
    if !other_scope && (variable.value().is_array() || !integer) {
        return Ok(None);
    }
    let old = variable.value().to_cow_str(shell).into_owned();
    if integer {
        let old = arithmetic::integer_value(shell, &old)?;
        let sum = old
            .parse::<i64>()
            .unwrap_or(0)
            .wrapping_add(value.parse().unwrap_or(0));
        return Ok(Some(sum.to_string()));
    }
    Ok(Some(old + value))
}

/// Sets up a compound command's or a function's redirections (ncsh patch). One that fails is
/// shown, and fails the command with status 1, as a simple command's does; it ended the script.
pub(crate) async fn set_up_redirects(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &mut ExecutionParameters,
    redirects: Option<&ast::RedirectList>,
) -> Option<ExecutionResult> {
    for redirect in redirects.iter().flat_map(|list| list.0.iter()) {
        if let Err(error) = setup_redirect(shell, params, redirect).await {
            let _ = shell.display_error(&mut params.stderr(shell), &error);
            return Some(ExecutionResult::general_error());
        }
    }
    None
}

/// A file name that expands to more or fewer words than one, in bash's words (ncsh patch: brush
/// said `invalid redirection target`).
fn ambiguous_redirect(word: &ast::Word) -> error::Error {
    error::ErrorKind::Worded(std::format!("{word}: ambiguous redirect")).into()
}

#[expect(clippy::too_many_lines)]
pub(crate) async fn setup_redirect(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &'_ mut ExecutionParameters,
    redirect: &ast::IoRedirect,
) -> Result<(), error::Error> {
    match redirect {
        ast::IoRedirect::OutputAndError(f, append) => {
            let mut expanded_fields =
                expansion::full_expand_and_split_word(shell, params, f).await?;
            if expanded_fields.len() != 1 {
                return Err(ambiguous_redirect(f));
            }

            let expanded_file_path = expanded_fields.remove(0);
            setup_redirect_output_and_error_to(shell, params, &expanded_file_path, *append)?;
        }

        ast::IoRedirect::File(specified_fd_num, kind, target) => {
            match target {
                ast::IoFileRedirectTarget::Filename(f) => {
                    let mut options = std::fs::File::options();

                    let mut expanded_fields =
                        expansion::full_expand_and_split_word(shell, params, f).await?;

                    if expanded_fields.len() != 1 {
                        return Err(ambiguous_redirect(f));
                    }

                    // ncsh patch: an error names the file as it was written, as bash's does.
                    let file_as_written = expanded_fields.remove(0);
                    let expanded_file_path: PathBuf =
                        shell.absolute_path(Path::new(file_as_written.as_str()));

                    let default_fd_if_unspecified = get_default_fd_for_redirect_kind(kind);
                    match kind {
                        ast::IoFileRedirectKind::Read => {
                            options.read(true);
                        }
                        ast::IoFileRedirectKind::Write => {
                            if shell
                                .options()
                                .disallow_overwriting_regular_files_via_output_redirection
                            {
                                // First check to see if the path points to an existing regular
                                // file.
                                if !expanded_file_path.is_file() {
                                    options.create(true);
                                } else {
                                    options.create_new(true);
                                }
                                options.write(true);
                            } else {
                                options.create(true);
                                options.write(true);
                                options.truncate(true);
                            }
                        }
                        ast::IoFileRedirectKind::Append => {
                            options.create(true);
                            options.append(true);
                        }
                        ast::IoFileRedirectKind::ReadAndWrite => {
                            options.create(true);
                            options.read(true);
                            options.write(true);
                        }
                        ast::IoFileRedirectKind::Clobber => {
                            options.create(true);
                            options.write(true);
                            options.truncate(true);
                        }
                        ast::IoFileRedirectKind::DuplicateInput => {
                            options.read(true);
                        }
                        ast::IoFileRedirectKind::DuplicateOutput => {
                            options.create(true);
                            options.write(true);
                        }
                    }

                    let fd_num = specified_fd_num.unwrap_or(default_fd_if_unspecified);

                    let opened_file = shell
                        .open_file(&options, &expanded_file_path, params)
                        .map_err(|err| {
                            // `set -C` refusing an existing file, in bash's words.
                            let why = if err.kind() == std::io::ErrorKind::AlreadyExists {
                                "cannot overwrite existing file".to_owned()
                            } else {
                                err.to_string()
                            };
                            error::ErrorKind::RedirectionFailure(file_as_written.clone(), why)
                        })?;

                    params.redirect(fd_num, opened_file);
                }

                ast::IoFileRedirectTarget::Fd(fd) => {
                    let default_fd_if_unspecified = match kind {
                        ast::IoFileRedirectKind::DuplicateInput => 0,
                        ast::IoFileRedirectKind::DuplicateOutput => 1,
                        _ => {
                            return error::unimp("unexpected redirect kind");
                        }
                    };

                    let fd_num = specified_fd_num.unwrap_or(default_fd_if_unspecified);

                    if let Some(f) = params.try_fd(shell, *fd) {
                        let target_file = f.try_clone()?;

                        params.redirect(fd_num, target_file);
                    } else {
                        return Err(error::ErrorKind::BadFileDescriptor(*fd).into());
                    }
                }

                ast::IoFileRedirectTarget::Duplicate(word) => {
                    let default_fd_if_unspecified = match kind {
                        ast::IoFileRedirectKind::DuplicateInput => 0,
                        ast::IoFileRedirectKind::DuplicateOutput => 1,
                        _ => {
                            return error::unimp("unexpected redirect kind");
                        }
                    };

                    let fd_num = specified_fd_num.unwrap_or(default_fd_if_unspecified);

                    let mut expanded_fields =
                        expansion::full_expand_and_split_word(shell, params, word).await?;

                    if expanded_fields.len() != 1 {
                        return Err(ambiguous_redirect(word));
                    }

                    let mut expanded = expanded_fields.remove(0);

                    let dash = if expanded.ends_with('-') {
                        expanded.pop();
                        true
                    } else {
                        false
                    };

                    // ncsh patch: `N>&M-` moves M to N, closing M; `N>&-` closes N (brush closed
                    // N in both, so `exec 4>&3-` left neither open).
                    let mut closed = fd_num;
                    if expanded.is_empty() {
                        // Nothing to do
                    } else if expanded.chars().all(|c: char| c.is_ascii_digit()) {
                        let source_fd_num = expanded
                            .parse::<ShellFd>()
                            .map_err(|_| error::ErrorKind::InvalidRedirection)?;

                        // Duplicate the fd.
                        let target_file = if let Some(f) = params.try_fd(shell, source_fd_num) {
                            f.try_clone()?
                        } else {
                            return Err(error::ErrorKind::BadFileDescriptor(source_fd_num).into());
                        };

                        params.redirect(fd_num, target_file);
                        closed = source_fd_num;
                    } else if fd_num == 1 && !dash {
                        // Special case for compatibility: redirect stdout and stderr to the file
                        // given by `expanded`.
                        setup_redirect_output_and_error_to(
                            shell, params, &expanded, false, /* append? */
                        )?;
                    } else {
                        return Err(error::ErrorKind::InvalidRedirection.into());
                    }

                    if dash {
                        // Close the specified fd. Ignore it if it's not valid.
                        params.redirect_closed(closed);
                    }
                }

                ast::IoFileRedirectTarget::ProcessSubstitution(substitution_kind, subshell_cmd) => {
                    match kind {
                        ast::IoFileRedirectKind::Read
                        | ast::IoFileRedirectKind::Write
                        | ast::IoFileRedirectKind::Append
                        | ast::IoFileRedirectKind::ReadAndWrite
                        | ast::IoFileRedirectKind::Clobber => {
                            let (substitution_fd, substitution_file) = setup_process_substitution(
                                shell,
                                params,
                                substitution_kind,
                                subshell_cmd,
                            )?;

                            let target_file = substitution_file.try_clone()?;
                            params.redirect(substitution_fd, substitution_file);

                            let fd_num = specified_fd_num
                                .unwrap_or_else(|| get_default_fd_for_redirect_kind(kind));

                            params.redirect(fd_num, target_file);
                        }
                        _ => return error::unimp("invalid process substitution"),
                    }
                }
            }
        }

        ast::IoRedirect::HereDocument(fd_num, io_here) => {
            // If not specified, default to stdin (fd 0).
            let fd_num = fd_num.unwrap_or(0);

            // Expand if required.
            let io_here_doc = if io_here.requires_expansion {
                expansion::basic_expand_heredoc_word(shell, params, &io_here.doc).await?
            } else {
                io_here.doc.flatten()
            };

            let f = setup_open_file_with_contents(io_here_doc.as_str())?;

            params.redirect(fd_num, f);
        }

        ast::IoRedirect::HereString(fd_num, word) => {
            // If not specified, default to stdin (fd 0).
            let fd_num = fd_num.unwrap_or(0);

            // ncsh patch: as in bash, a here-string's word is not brace-expanded (`<<< {a,b}`).
            let options = expansion::ExpanderOptions {
                brace_expand: false,
                ..Default::default()
            };
            let mut expanded_word =
                expansion::basic_expand_word_with_options(shell, params, word, &options).await?;
            expanded_word.push('\n');

            let f = setup_open_file_with_contents(expanded_word.as_str())?;

            params.redirect(fd_num, f);
        }
    }

    Ok(())
}

/// Sets up redirection of both stdout and stderr to the same file, given by `file_path`.
///
/// # Arguments
///
/// * `shell` - The shell instance.
/// * `params` - The execution parameters to modify.
/// * `file_path` - The path to the file to redirect output and error to.
/// * `append` - Whether to append. If `false`, the file will be truncated.
fn setup_redirect_output_and_error_to(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &mut ExecutionParameters,
    file_path: &str,
    append: bool,
) -> Result<(), error::Error> {
    let abs_file_path: PathBuf = shell.absolute_path(Path::new(file_path));

    let mut file_options = std::fs::File::options();
    file_options
        .create(true)
        .write(true)
        .truncate(!append)
        .append(append);

    let stdout_file = shell
        .open_file(&file_options, &abs_file_path, params)
        .map_err(|err| {
            // ncsh patch: the file as it was written, as bash names it.
            error::ErrorKind::RedirectionFailure(file_path.to_owned(), err.to_string())
        })?;

    let stderr_file = stdout_file.try_clone()?;

    params.redirect(OpenFiles::STDOUT_FD, stdout_file);
    params.redirect(OpenFiles::STDERR_FD, stderr_file);

    Ok(())
}

const fn get_default_fd_for_redirect_kind(kind: &ast::IoFileRedirectKind) -> ShellFd {
    match kind {
        ast::IoFileRedirectKind::Read => 0,
        ast::IoFileRedirectKind::Write => 1,
        ast::IoFileRedirectKind::Append => 1,
        ast::IoFileRedirectKind::ReadAndWrite => 0,
        ast::IoFileRedirectKind::Clobber => 1,
        ast::IoFileRedirectKind::DuplicateInput => 0,
        ast::IoFileRedirectKind::DuplicateOutput => 1,
    }
}

/// The tasks of the `>(…)` substitutions started, which the shell's process waits for as it ends
/// (ncsh patch): each runs in the process, as a task, so one that had not started its command, or
/// not finished, when the script ended was dropped with what was written to it
/// (`exec > >(tee -a log) 2>&1` lost the script's output one run in three).
static WRITE_SUBSTITUTIONS: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>> =
    std::sync::Mutex::new(Vec::new());

/// Waits, up to `within`, for the `>(…)` substitutions still running to end, once the shell that
/// wrote to them is gone and they read the end of their input (ncsh patch).
pub async fn process_substitutions_ended(within: std::time::Duration) {
    let tasks = WRITE_SUBSTITUTIONS
        .lock()
        .map(|mut tasks| std::mem::take(&mut *tasks))
        .unwrap_or_default();
    let _ = tokio::time::timeout(within, futures::future::join_all(tasks)).await;
}

fn setup_process_substitution(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    kind: &ast::ProcessSubstitutionKind,
    subshell_cmd: &ast::SubshellCommand,
) -> Result<(ShellFd, OpenFile), error::Error> {
    // TODO(execute): Don't execute synchronously!
    // Execute in a subshell. ncsh patch: `set -x` marks it as a command substitution.
    let mut subshell = shell.clone();
    subshell.substitution_depth += 1;

    // Set up execution parameters for the child execution.
    let mut child_params = params.clone();
    child_params.process_group_policy = ProcessGroupPolicy::SameProcessGroup;

    // Set up pipe so we can connect to the command.
    let (reader, writer) = std::io::pipe()?;
    let (reader, writer) = (reader.into(), writer.into());

    let target_file = match kind {
        ast::ProcessSubstitutionKind::Read => {
            child_params.open_files.set_fd(OpenFiles::STDOUT_FD, writer);
            reader
        }
        ast::ProcessSubstitutionKind::Write => {
            child_params.open_files.set_fd(OpenFiles::STDIN_FD, reader);
            writer
        }
    };

    // Asynchronously spawn off the subshell; we intentionally don't block on its
    // completion.
    let subshell_cmd = subshell_cmd.to_owned();
    let task = tokio::spawn(async move {
        // Intentionally ignore the result of the subshell command.
        let _ = subshell_cmd
            .list
            .execute(&mut subshell, &child_params)
            .await;
    });
    if matches!(kind, ast::ProcessSubstitutionKind::Write)
        && let Ok(mut tasks) = WRITE_SUBSTITUTIONS.lock()
    {
        tasks.retain(|task| !task.is_finished());
        tasks.push(task);
    }

    // Starting at 63 (a.k.a. 64-1)--and decrementing--look for an
    // available fd.
    let mut candidate_fd_num = 63;
    while params.open_files.contains_fd(candidate_fd_num) {
        candidate_fd_num -= 1;
        if candidate_fd_num == 0 {
            return error::unimp("no available file descriptors");
        }
    }

    Ok((candidate_fd_num, target_file))
}

fn setup_open_file_with_contents(contents: &str) -> Result<OpenFile, error::Error> {
    let bytes = contents.as_bytes();
    let (reader, mut writer) = std::io::pipe()?;

    // The whole text is written before the command that reads it starts, so the pipe must hold
    // it all. ncsh patch: where the kernel will not make a pipe that large (beyond
    // /proc/sys/fs/pipe-max-size, 1 MiB, without CAP_SYS_RESOURCE), the text goes to an unlinked
    // temporary file, as bash's here-documents do; the here-string failed with EPERM.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::fd::AsFd as _;

        let len = i32::try_from(bytes.len())
            .map_err(|_err| error::Error::from(error::ErrorKind::TooMuchData))?;
        if nix::fcntl::fcntl(reader.as_fd(), nix::fcntl::FcntlArg::F_SETPIPE_SZ(len)).is_err() {
            return Ok(unlinked_file_with_contents(bytes)?.into());
        }
    }

    writer.write_all(bytes)?;
    drop(writer);

    Ok(reader.into())
}

/// A temporary file holding `bytes`, open for reading from its start, and already removed from
/// its directory, so that nothing is left behind (ncsh patch).
fn unlinked_file_with_contents(bytes: &[u8]) -> std::io::Result<std::fs::File> {
    use std::io::Seek as _;
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(std::format!("ncsh-here-{}-{count}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    file.write_all(bytes)?;
    file.rewind()?;
    Ok(file)
}
