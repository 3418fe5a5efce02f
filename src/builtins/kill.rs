//! `kill`, as bash's: the signal by number or name (`-9`, `-KILL`, `-SIGKILL`, `-s 9`, `-n KILL`),
//! SIGTERM when none is named, signal 0 to ask whether a process exists, and bash's words when a
//! process or job cannot be signalled.

use std::io::Write;

use brush_core::builtins::BoxFuture;
use brush_core::traps::TrapSignal;
use brush_core::{CommandArg, ExecutionContext, ExecutionResult, Shell, ShellExtensions};
use nix::sys::signal::Signal;

use super::BashHelp;

/// `kill` and its help.
pub(super) struct Kill;

impl BashHelp for Kill {
    const NAME: &'static str = "kill";
    const ABOUT: &'static str =
        "Send a signal to a job or process: SIGTERM unless SIGSPEC or SIGNUM names another.";
}

/// What the command line asks for.
enum Request {
    /// `kill -l [SIGSPEC...]`: names for numbers, numbers for names, or every signal.
    List(Vec<String>),
    /// Send the signal to each pid or job spec.
    Send(TrapSignal, Vec<String>),
}

/// Why the command line was refused: a message after `NAME: kill: `, or bash's usage line.
enum Refusal {
    Said(String),
    Usage,
}

pub(super) fn execute<SE: ShellExtensions>(
    context: ExecutionContext<'_, SE>,
    args: Vec<CommandArg>,
) -> BoxFuture<'_, Result<ExecutionResult, brush_core::Error>> {
    Box::pin(async move {
        let mut out = context.stdout();
        let mut err = context.stderr();
        let prefix = crate::wording::error_prefix(context.shell);
        let words = super::words(args);
        if super::help_asked::<Kill>(&words, &mut out) {
            return Ok(ExecutionResult::success());
        }
        let status = match parse(words) {
            Ok(Request::List(specs)) => list(&specs, &mut out, &mut err, &prefix),
            Ok(Request::Send(signal, targets)) => {
                send(context.shell, signal, &targets, &mut err, &prefix)
            }
            Err(Refusal::Said(message)) => {
                let _ = writeln!(err, "{prefix}kill: {message}");
                1
            }
            Err(Refusal::Usage) => {
                let _ = writeln!(err, "kill: usage: {}", super::usage::<Kill>());
                2
            }
        };
        let _ = out.flush();
        Ok(ExecutionResult::new(status))
    })
}

/// Reads options as bash does: `-l`, `-s SPEC`, `-n SPEC` and `--` anywhere before the first
/// target, and one `-SPEC`; what follows are the targets (a negative pid among them).
fn parse(words: Vec<String>) -> Result<Request, Refusal> {
    let mut listing = false;
    let mut signal = None;
    let mut rest = words.into_iter().peekable();
    while let Some(word) = rest.peek() {
        match word.as_str() {
            "-l" | "-L" => listing = true,
            "-s" | "-n" => {
                let option = rest.next().unwrap_or_default();
                let Some(spec) = rest.next() else {
                    return Err(Refusal::Said(format!(
                        "{option}: option requires an argument"
                    )));
                };
                signal = Some(sigspec(&spec)?);
                continue;
            }
            "--" => {
                rest.next();
                break;
            }
            spec if spec.len() > 1 && spec.starts_with('-') && signal.is_none() => {
                // `-sTERM` and `-n15` are `-s TERM` and `-n 15`, as bash takes them, unless the
                // whole word names a signal.
                let attached = ["-s", "-n"]
                    .iter()
                    .find_map(|option| spec.strip_prefix(option))
                    .filter(|rest| !rest.is_empty());
                signal = Some(match (sigspec(&spec[1..]), attached) {
                    (Ok(named), _) => named,
                    (Err(_), Some(rest)) => sigspec(rest)?,
                    (Err(refusal), None) => return Err(refusal),
                });
            }
            _ => break,
        }
        rest.next();
    }
    let rest: Vec<String> = rest.collect();
    if listing {
        Ok(Request::List(rest))
    } else if rest.is_empty() {
        Err(Refusal::Usage)
    } else {
        Ok(Request::Send(
            signal.unwrap_or(TrapSignal::Signal(Signal::SIGTERM)),
            rest,
        ))
    }
}

/// A signal by number or name, with or without `SIG`, in any case; 0 (or `EXIT`) checks that the
/// target exists.
fn sigspec(spec: &str) -> Result<TrapSignal, Refusal> {
    match spec.parse::<TrapSignal>() {
        Ok(signal @ (TrapSignal::Signal(_) | TrapSignal::Exit)) => Ok(signal),
        _ => Err(Refusal::Said(format!(
            "{spec}: invalid signal specification"
        ))),
    }
}

/// Signals each target; succeeds if any was signalled, as bash's `kill` does.
fn send(
    shell: &mut Shell<impl ShellExtensions>,
    signal: TrapSignal,
    targets: &[String],
    err: &mut impl Write,
    prefix: &str,
) -> u8 {
    let mut any_sent = false;
    for target in targets {
        let sent = if target.starts_with('%') {
            signal_job(shell, signal, target)
        } else if let Ok(pid) = target.parse::<i32>() {
            signal_job_or_process(shell, pid, signal)
        } else {
            Err(format!("{target}: arguments must be process or job IDs"))
        };
        match sent {
            Ok(()) => any_sent = true,
            Err(message) => {
                let _ = writeln!(err, "{prefix}kill: {message}");
            }
        }
    }
    u8::from(!any_sent)
}

/// Signals every process of the job (its process group, for an `&` job).
fn signal_job(
    shell: &Shell<impl ShellExtensions>,
    signal: TrapSignal,
    spec: &str,
) -> Result<(), String> {
    let no_such_job = || format!("{spec}: no such job");
    // In a pipeline or `$(…)`, the parent's jobs, as bash's `$(kill %1)` reaches them.
    let job = shell
        .jobs()
        .find_listed(spec)
        .map_err(|why| why.about(Some(spec)))?;
    // A job whose processes have all ended is one bash has already reaped.
    job.kill(signal).map_err(|_| no_such_job())?;
    // As bash's, a stopped job told to end is continued, so that it can.
    let ends = [Signal::SIGTERM, Signal::SIGHUP].map(TrapSignal::Signal);
    if job.is_stopped() && ends.contains(&signal) {
        job.kill(TrapSignal::Signal(Signal::SIGCONT))
            .map_err(|_| no_such_job())?;
    }
    Ok(())
}

/// Signals process `pid`; where it is an `&` job's `$!`, the job, as bash's `kill $!` signals the
/// subshell that runs the job: ncsh runs that in itself, so only the job can be told to end.
fn signal_job_or_process(
    shell: &mut Shell<impl ShellExtensions>,
    pid: i32,
    signal: TrapSignal,
) -> Result<(), String> {
    let job = shell
        .jobs()
        .jobs
        .iter()
        .find(|job| job.is_background() && job.is_named_by(pid));
    match job {
        Some(job) => job
            .kill(signal)
            .map_err(|_| format!("({pid}) - No such process")),
        None => signal_process(pid, signal),
    }
}

fn signal_process(pid: i32, signal: TrapSignal) -> Result<(), String> {
    let signal = match signal {
        TrapSignal::Signal(signal) => Some(signal),
        _ => None,
    };
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal)
        .map_err(|errno| format!("({pid}) - {}", errno.desc()))
}

/// `kill -l`: every signal, or for each SPEC its name (for a number, also an exit status above 128)
/// or its number (for a name).
fn list(specs: &[String], out: &mut impl Write, err: &mut impl Write, prefix: &str) -> u8 {
    if specs.is_empty() {
        let signals = TrapSignal::iterator().filter(|s| !matches!(s, TrapSignal::Exit));
        let _ = brush_core::traps::format_signals(&mut *out, signals);
        return 0;
    }
    let mut status = 0;
    for spec in specs {
        let said = match spec.parse::<i32>() {
            Ok(number) => {
                let number = if number > 128 { number - 128 } else { number };
                TrapSignal::try_from(number)
                    .ok()
                    .map(|signal| signal.as_str().trim_start_matches("SIG").to_owned())
            }
            Err(_) => sigspec(spec)
                .ok()
                .and_then(|signal| i32::try_from(signal).ok())
                .map(|number| number.to_string()),
        };
        if let Some(said) = said {
            let _ = writeln!(out, "{said}");
        } else {
            let _ = writeln!(err, "{prefix}kill: {spec}: invalid signal specification");
            status = 1;
        }
    }
    status
}
