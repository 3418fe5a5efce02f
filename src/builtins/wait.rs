//! `wait`, as bash's: for jobs by job spec or process id, returning the status of the last one
//! waited for; `wait -n` for whichever job ends first. A job that ended leaves the table, and the
//! status of its process is remembered for a later `wait PID`
//! ([`brush_core::jobs::JobManager::ended_status`]). `wait -p VAR` assigns the pid of the job whose
//! status it returns.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::task::Poll;

use brush_core::builtins::BoxFuture;
use brush_core::jobs::{JobManager, JobState};
use brush_core::{CommandArg, ExecutionContext, ExecutionResult, Shell, ShellExtensions};

use super::BashHelp;

/// `wait` and its help.
pub(super) struct Wait;

impl BashHelp for Wait {
    const NAME: &'static str = "wait";
    const ABOUT: &'static str = "Wait for jobs or processes to end and return the status of the last one; with \
                     -n, for the next to end.";
}

/// The status bash gives when there is nothing to wait for.
const NOT_A_CHILD: u8 = 127;

/// What a word of the command line names.
enum Waitable {
    /// A job still in the table, by its number.
    Job(usize),
    /// A background process whose job ended and left the table: its status and pid.
    Ended(u8, i32),
}

/// A status and the pid of the job it is of, for `-p`; no pid where nothing answered.
type Answer = (u8, Option<i32>);

pub(super) fn execute<SE: ShellExtensions>(
    context: ExecutionContext<'_, SE>,
    args: Vec<CommandArg>,
) -> BoxFuture<'_, Result<ExecutionResult, brush_core::Error>> {
    Box::pin(async move {
        let mut err = context.stderr();
        let prefix = crate::wording::error_prefix(context.shell);
        let words = super::words(args);
        if super::help_asked::<Wait>(&words, &mut context.stdout()) {
            return Ok(ExecutionResult::success());
        }
        let Options { next, assign, ids } = match options(&words) {
            Ok(parsed) => parsed,
            Err(Unparsed::Unimplemented(what)) => return brush_core::error::unimp(what),
            Err(Unparsed::Invalid(why)) => {
                let _ = writeln!(err, "{prefix}wait: {why}");
                let _ = writeln!(err, "wait: usage: {}", super::usage::<Wait>());
                return Ok(ExecutionResult::new(2));
            }
        };
        let shell = context.shell;
        // As bash: the variable is unset before the wait, and stays so if nothing answers.
        if let Some(name) = assign {
            if !brush_core::env::valid_variable_name(name) {
                let _ = writeln!(err, "{prefix}wait: `{name}': not a valid identifier");
                return Ok(ExecutionResult::new(1));
            }
            if shell.env_mut().unset(name).is_err() {
                let _ = writeln!(err, "{prefix}wait: {name}: cannot unset: readonly variable");
                return Ok(ExecutionResult::new(1));
            }
        }
        let (status, answered) = if next {
            wait_next(shell, ids, &mut err, &prefix).await?
        } else if ids.is_empty() {
            (wait_all(shell, &mut err, &prefix).await?, None)
        } else {
            wait_each(shell, ids, &mut err, &prefix).await?
        };
        if let (Some(name), Some(pid)) = (assign, answered) {
            // As `printf -v` and `read` assign: the variable's attributes apply.
            brush_core::expansion::assign_to_named_parameter(
                shell,
                &context.params,
                name,
                pid.to_string(),
            )
            .await?;
        }
        Ok(ExecutionResult::new(status))
    })
}

/// What the options asked.
struct Options<'a> {
    /// `-n`: the next job to end.
    next: bool,
    /// `-p VAR`: the variable to assign the answering job's pid.
    assign: Option<&'a str>,
    /// The ids after the options.
    ids: &'a [String],
}

enum Unparsed {
    /// Bash's words for the option refused.
    Invalid(String),
    Unimplemented(&'static str),
}

fn options(words: &[String]) -> Result<Options<'_>, Unparsed> {
    let mut options = Options {
        next: false,
        assign: None,
        ids: &[],
    };
    let mut at = 0;
    while let Some(word) = words.get(at) {
        at += 1;
        if word == "--" {
            break;
        }
        let Some(letters) = word.strip_prefix('-').filter(|l| !l.is_empty()) else {
            at -= 1;
            break;
        };
        for (i, letter) in letters.char_indices() {
            match letter {
                'n' => options.next = true,
                'f' => return Err(Unparsed::Unimplemented("wait -f")),
                'p' => {
                    // The name is the rest of the word (`-pVAR`), else the next word.
                    let rest = &letters[i + 1..];
                    options.assign = Some(if rest.is_empty() {
                        at += 1;
                        words.get(at - 1).ok_or_else(|| {
                            Unparsed::Invalid("-p: option requires an argument".into())
                        })?
                    } else {
                        rest
                    });
                    break;
                }
                _ => return Err(Unparsed::Invalid(format!("-{letter}: invalid option"))),
            }
        }
    }
    options.ids = &words[at..];
    Ok(options)
}

/// `wait` with no ids: every job that is not stopped; always 0, as in bash. As bash's, it goes
/// through the table for the first such job, warning of each stopped job before it, and waits for
/// that one, until none is left: a job that stops meanwhile is warned of from then on. Afterwards
/// no status is left to ask for, as POSIX says.
async fn wait_all(
    shell: &mut Shell<impl ShellExtensions>,
    err: &mut impl Write,
    prefix: &str,
) -> Result<u8, brush_core::Error> {
    loop {
        let mut next = None;
        for job in &shell.jobs().jobs {
            if !job.is_stopped() {
                next = Some(job.id);
                break;
            }
            let pid = job.named_pid().unwrap_or_default();
            let _ = writeln!(err, "{prefix}wait: warning: job {}[{pid}] stopped", job.id);
        }
        let Some(id) = next else { break };
        wait_for_first(shell, &[id], err).await?;
    }
    shell.jobs_mut().forget_ended();
    Ok(0)
}

/// `wait ID...`: each in turn; the answer is the last one's.
async fn wait_each(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[String],
    err: &mut impl Write,
    prefix: &str,
) -> Result<Answer, brush_core::Error> {
    let mut answer = (0, None);
    for id in ids {
        answer = match waitable(shell.jobs_mut(), id) {
            Ok(Waitable::Job(job)) => {
                // As bash's: a job named by its spec is warned of when it is stopped already (its
                // status is then its stop's); one named by a pid is not.
                let stopped = shell.jobs().jobs.iter().find(|j| j.id == job);
                if id.starts_with('%') && stopped.is_some_and(brush_core::jobs::Job::is_stopped) {
                    let _ = writeln!(err, "{prefix}warning: wait_for_job: job {job} is stopped");
                }
                wait_for_first(shell, &[job], err)
                    .await?
                    .unwrap_or((NOT_A_CHILD, None))
            }
            Ok(Waitable::Ended(status, pid)) => (status, Some(pid)),
            Err((message, refused)) => {
                let _ = writeln!(err, "{prefix}wait: {message}");
                (refused, None)
            }
        };
    }
    Ok(answer)
}

/// `wait -n [ID...]`: whichever of those jobs (or of all jobs) ends first; 127 if there is none.
async fn wait_next(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[String],
    err: &mut impl Write,
    prefix: &str,
) -> Result<Answer, brush_core::Error> {
    let mut jobs = vec![];
    if ids.is_empty() {
        jobs.extend(
            shell
                .jobs()
                .jobs
                .iter()
                .filter(|job| !matches!(job.state, JobState::Done))
                .map(|job| job.id),
        );
    }
    for id in ids {
        match waitable(shell.jobs_mut(), id) {
            Ok(Waitable::Job(job)) => jobs.push(job),
            Ok(Waitable::Ended(status, pid)) => return Ok((status, Some(pid))),
            Err(_) => {
                let _ = writeln!(err, "{prefix}wait: {id}: no such job");
            }
        }
    }
    Ok(wait_for_first(shell, &jobs, err)
        .await?
        .unwrap_or((NOT_A_CHILD, None)))
}

/// The job a job spec or process id names, or the remembered status of a process whose job has
/// ended; else bash's message and status.
fn waitable(jobs: &mut JobManager, id: &str) -> Result<Waitable, (String, u8)> {
    if id.starts_with('%') {
        return jobs
            .resolve_job_spec(id)
            .map(|job| Waitable::Job(job.id))
            .map_err(|why| (why.about(Some(id)), NOT_A_CHILD));
    }
    let Ok(pid) = id.parse() else {
        return Err((format!("`{id}': not a pid or valid job spec"), 1));
    };
    let job = jobs.jobs.iter().find(|job| job.is_named_by(pid));
    match (job, jobs.ended_status(pid)) {
        (Some(job), _) => Ok(Waitable::Job(job.id)),
        (None, Some(status)) => Ok(Waitable::Ended(status, pid)),
        (None, None) => Err((
            format!("pid {pid} is not a child of this shell"),
            NOT_A_CHILD,
        )),
    }
}

/// A job's wait, with the job's number.
type JobWait<'a> =
    Pin<Box<dyn Future<Output = (usize, Result<ExecutionResult, brush_core::Error>)> + Send + 'a>>;

/// Waits until the first of jobs `ids` ends (or stops) and returns its status and pid; `None` if
/// none of them is in the table. An ended job leaves the table, its status remembered, and is
/// reported as bash reports it where job control is on.
async fn wait_for_first(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[usize],
    err: &mut impl Write,
) -> Result<Option<Answer>, brush_core::Error> {
    // A copy of the shell (`$(…)`, `( … )`) has no job control in bash, and reports nothing.
    let reports = shell.options().enable_job_control && shell.depth() == 0;
    let interactive = shell.options().interactive;
    let jobs = shell.jobs_mut();
    let mut waits: Vec<JobWait<'_>> = jobs
        .jobs
        .iter_mut()
        .filter(|job| ids.contains(&job.id))
        .map(|job| -> JobWait<'_> {
            let id = job.id;
            Box::pin(async move { (id, job.wait().await) })
        })
        .collect();
    if waits.is_empty() {
        return Ok(None);
    }
    // The waits that lose are dropped: a job's wait only reads its tasks' ends, and the next wait
    // picks up where it stopped.
    let first = std::future::poll_fn(|cx| {
        waits
            .iter_mut()
            .find_map(|wait| match wait.as_mut().poll(cx) {
                Poll::Ready(ended) => Some(ended),
                Poll::Pending => None,
            })
            .map_or(Poll::Pending, Poll::Ready)
    });
    // Ctrl-C ends an interactive shell's wait, as bash's, and the jobs go on; a script's ends
    // with the script (a Ctrl-C, a signal its EXIT trap watches), which waited for its jobs first.
    let first = tokio::select! {
        ended = first => Some(ended),
        () = stop_waiting(interactive) => None,
    };
    drop(waits);
    let Some((id, ended)) = first else {
        return Err(brush_core::ErrorKind::Interrupted.into());
    };

    let result = match ended {
        Ok(result) => result,
        Err(error) => {
            // Its task has ended: a second wait on it would poll a finished task.
            jobs.remove_ended(id, 1);
            return Err(error);
        }
    };
    // The exit status only: an `exit` in the job ends the job, not this shell.
    let status = u8::from(&result.exit_code);
    let waited = jobs.jobs.iter().find(|job| job.id == id);
    let pid = waited.and_then(brush_core::jobs::Job::named_pid);
    let stopped = waited.is_some_and(|job| matches!(job.state, JobState::Stopped));
    if !stopped
        && let Some(job) = jobs.remove_ended(id, status)
        && reports
    {
        let _ = writeln!(err, "{job}");
    }
    Ok(Some((status, pid)))
}

/// Resolves once an interactive shell's Ctrl-C is pressed, or a script is to end: the flags that
/// the signal handlers set wake no one, so they are looked at every 50 ms.
async fn stop_waiting(interactive: bool) {
    let pressed = brush_core::interrupt::flag();
    let stop = || {
        if interactive {
            pressed.load(std::sync::atomic::Ordering::SeqCst)
        } else {
            brush_core::interrupt::shell_ends()
        }
    };
    while !stop() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
