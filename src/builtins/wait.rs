//! `wait`, as bash's: for jobs by job spec or process id, returning the status of the last one
//! waited for; `wait -n` for whichever job ends first. A job that ended leaves the table, and the
//! status of its process is remembered for a later `wait PID`
//! ([`brush_core::jobs::JobManager::ended_status`]).

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
    /// A background process whose job ended and left the table, with its status.
    Ended(u8),
}

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
        let (next, ids) = match options(&words) {
            Ok(parsed) => parsed,
            Err(Unparsed::Invalid(option)) => {
                let _ = writeln!(err, "{prefix}wait: {option}: invalid option");
                let _ = writeln!(err, "wait: usage: {}", super::usage::<Wait>());
                return Ok(ExecutionResult::new(2));
            }
            Err(Unparsed::Unimplemented(what)) => return brush_core::error::unimp(what),
        };
        let shell = context.shell;
        let status = if next {
            wait_next(shell, ids, &mut err, &prefix).await?
        } else if ids.is_empty() {
            wait_all(shell, &mut err).await?
        } else {
            wait_each(shell, ids, &mut err, &prefix).await?
        };
        Ok(ExecutionResult::new(status))
    })
}

enum Unparsed {
    Invalid(String),
    Unimplemented(&'static str),
}

/// Whether `-n` was given, and the ids after the options.
fn options(words: &[String]) -> Result<(bool, &[String]), Unparsed> {
    let mut next = false;
    let mut at = 0;
    while let Some(word) = words.get(at) {
        if word == "--" {
            at += 1;
            break;
        }
        let Some(letters) = word.strip_prefix('-').filter(|l| !l.is_empty()) else {
            break;
        };
        for letter in letters.chars() {
            match letter {
                'n' => next = true,
                'f' => return Err(Unparsed::Unimplemented("wait -f")),
                'p' => return Err(Unparsed::Unimplemented("wait -p")),
                _ => return Err(Unparsed::Invalid(word.clone())),
            }
        }
        at += 1;
    }
    Ok((next, &words[at..]))
}

/// `wait` with no ids: every job; always 0, as in bash. Afterwards no status is left to ask for,
/// as POSIX says.
async fn wait_all(
    shell: &mut Shell<impl ShellExtensions>,
    err: &mut impl Write,
) -> Result<u8, brush_core::Error> {
    let ids: Vec<usize> = shell.jobs().jobs.iter().map(|job| job.id).collect();
    for id in ids {
        wait_for_first(shell, &[id], err).await?;
    }
    shell.jobs_mut().forget_ended();
    Ok(0)
}

/// `wait ID...`: each in turn; the status is the last one's.
async fn wait_each(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[String],
    err: &mut impl Write,
    prefix: &str,
) -> Result<u8, brush_core::Error> {
    let mut status = 0;
    for id in ids {
        status = match waitable(shell.jobs_mut(), id) {
            Ok(Waitable::Job(job)) => wait_for_first(shell, &[job], err)
                .await?
                .unwrap_or(NOT_A_CHILD),
            Ok(Waitable::Ended(ended)) => ended,
            Err((message, refused)) => {
                let _ = writeln!(err, "{prefix}wait: {message}");
                refused
            }
        };
    }
    Ok(status)
}

/// `wait -n [ID...]`: whichever of those jobs (or of all jobs) ends first; 127 if there is none.
async fn wait_next(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[String],
    err: &mut impl Write,
    prefix: &str,
) -> Result<u8, brush_core::Error> {
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
            Ok(Waitable::Ended(status)) => return Ok(status),
            Err(_) => {
                let _ = writeln!(err, "{prefix}wait: {id}: no such job");
            }
        }
    }
    Ok(wait_for_first(shell, &jobs, err)
        .await?
        .unwrap_or(NOT_A_CHILD))
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
        (None, Some(status)) => Ok(Waitable::Ended(status)),
        (None, None) => Err((
            format!("pid {pid} is not a child of this shell"),
            NOT_A_CHILD,
        )),
    }
}

/// A job's wait, with the job's number.
type JobWait<'a> =
    Pin<Box<dyn Future<Output = (usize, Result<ExecutionResult, brush_core::Error>)> + Send + 'a>>;

/// Waits until the first of jobs `ids` ends (or stops) and returns its status; `None` if none of
/// them is in the table. An ended job leaves the table, its status remembered, and is reported as
/// bash reports it where job control is on.
async fn wait_for_first(
    shell: &mut Shell<impl ShellExtensions>,
    ids: &[usize],
    err: &mut impl Write,
) -> Result<Option<u8>, brush_core::Error> {
    let reports = shell.options().enable_job_control;
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
    // Ctrl-C ends an interactive shell's wait, as bash's, and the jobs go on.
    let first = if interactive {
        tokio::select! {
            ended = first => Some(ended),
            () = ctrl_c() => None,
        }
    } else {
        Some(first.await)
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
    let stopped = jobs
        .jobs
        .iter()
        .any(|job| job.id == id && matches!(job.state, JobState::Stopped));
    if !stopped
        && let Some(job) = jobs.remove_ended(id, status)
        && reports
    {
        let _ = writeln!(err, "{job}");
    }
    Ok(Some(status))
}

/// Resolves once Ctrl-C is pressed: the flag that the interactive shell's SIGINT handler sets, which
/// wakes no one, so it is looked at every 50 ms.
async fn ctrl_c() {
    let pressed = brush_core::interrupt::flag();
    while !pressed.load(std::sync::atomic::Ordering::SeqCst) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
