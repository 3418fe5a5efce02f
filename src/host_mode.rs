//! Host mode: ncsh on a real terminal, running its own interpreter on a PTY behind it and watching
//! every screen through kernel-bridge.

use std::fs::File;
use std::io::BufWriter;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use kernel_bridge::asciicast::CastWriter;
use kernel_bridge::host::{Recorders, run_host};
use kernel_bridge::steps_file::StepWriter;
use kernel_bridge::{WindowSize, terminal::window_size};

use crate::cli::{Cli, RuntimeMode};

/// How a hosted session went.
pub enum Hosted {
    /// It ran and ended with this exit status.
    Ended(i32),
    /// It could not start: bad recording flags, exit with this status.
    Refused(i32),
    /// The host could not be set up (no PTY, say); the caller runs the interpreter directly, so that a
    /// login shell never locks its user out.
    Unavailable,
}

/// Runs the interactive session behind the host, or the neural computer in its place.
pub fn run(cli: &Cli, argv: &[String]) -> Hosted {
    let (mut runtime, warning) = cli.runtime();
    if let Some(warning) = warning {
        eprintln!("ncsh: {warning}");
    }
    if runtime == RuntimeMode::Neural {
        match neural_computer(cli) {
            Some(hosted) => return hosted,
            None => runtime = RuntimeMode::Hybrid,
        }
    }
    crate::logging::to_state_file("host");
    let mut recorders = match open_recorders(cli) {
        Ok(recorders) => recorders,
        Err(message) => {
            eprintln!("ncsh: {message}");
            return Hosted::Refused(2);
        }
    };
    let following = if runtime == RuntimeMode::Hybrid {
        match crate::neural::hybrid::start() {
            Ok((listener, following)) => {
                recorders.listener = Some(listener);
                Some(following)
            }
            Err(e) => {
                tracing::warn!("the learned runtime cannot follow this session: {e}");
                None
            }
        }
    } else {
        None
    };
    let outcome = interpreter_command(argv)
        .map_err(|e| format!("cannot find its own executable: {e}"))
        .and_then(|command| run_host(command, recorders).map_err(|e| e.to_string()));
    // A host that never ran leaves the thread behind: the shell that runs instead must not wait.
    if let (Some(following), Ok(_)) = (following, &outcome) {
        following.finish();
    }
    match outcome {
        Ok(status) => Hosted::Ended(status),
        Err(reason) => {
            eprintln!(
                "ncsh: the host could not start ({reason}); running without it, so steps are not recorded"
            );
            tracing::error!("host failed: {reason}");
            Hosted::Unavailable
        }
    }
}

/// A neural computer session in place of the shell (`--runtime neural`). One that cannot start is
/// refused when asked for with the flag; when `NCSH_RUNTIME` asked for it, perhaps for every login,
/// the shell runs instead (`None`), so that nobody is locked out by a small window.
fn neural_computer(cli: &Cli) -> Option<Hosted> {
    let asked = cli.runtime.is_some();
    if cli.record.is_some() || cli.record_steps.is_some() {
        eprintln!(
            "ncsh: --record and --record-steps record the shell's screens, and the neural computer \
             (--runtime neural) runs no shell; run it without them"
        );
        return asked.then_some(Hosted::Refused(2));
    }
    crate::logging::to_state_file("computer");
    match crate::neural::computer::run() {
        Ok(status) => Some(Hosted::Ended(status)),
        Err(why) if asked => {
            eprintln!("ncsh: the neural computer cannot start: {why}");
            Some(Hosted::Refused(2))
        }
        Err(why) => {
            eprintln!("ncsh: the neural computer cannot start: {why}; running the shell instead");
            None
        }
    }
}

/// The same ncsh, with the same arguments and argv[0] (so a login shell stays one), as interpreter.
fn interpreter_command(argv: &[String]) -> std::io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    if let Some(argv0) = argv.first() {
        command.arg0(argv0);
    }
    command
        .arg("--interpreter")
        .args(without_recording_flags(&argv[1.min(argv.len())..]));
    Ok(command)
}

/// The arguments minus the recording flags, which belong to the host.
fn without_recording_flags(args: &[String]) -> Vec<String> {
    let mut kept = Vec::with_capacity(args.len());
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match arg.as_str() {
            "--record" | "--record-steps" => skip_value = true,
            a if a.starts_with("--record=") || a.starts_with("--record-steps=") => {}
            _ => kept.push(arg.clone()),
        }
    }
    kept
}

fn open_recorders(cli: &Cli) -> Result<Recorders, String> {
    let create = |path: &Path| {
        File::create(path).map(BufWriter::new).map_err(|e| {
            format!(
                "cannot write the recording {}: {e}; choose a path in a directory you can write to",
                path.display()
            )
        })
    };
    let size = window_size(std::io::stdout()).unwrap_or(WindowSize::DEFAULT);
    let cast = match &cli.record {
        Some(path) => {
            let env = [
                ("TERM", std::env::var("TERM").unwrap_or_default()),
                ("SHELL", "ncsh".to_owned()),
            ];
            Some(
                CastWriter::new(create(path)?, size.cols, size.rows, &env)
                    .map_err(|e| format!("cannot write the recording {}: {e}", path.display()))?,
            )
        }
        None => None,
    };
    let steps = match &cli.record_steps {
        Some(path) => Some(StepWriter::new(create(path)?)),
        None => None,
    };
    Ok(Recorders {
        cast,
        steps,
        listener: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recording_flags_stay_with_the_host() {
        let args: Vec<String> = ["-l", "--record", "a.cast", "--record-steps=s.jsonl", "-x"]
            .map(String::from)
            .to_vec();
        assert_eq!(without_recording_flags(&args), ["-l", "-x"]);
    }
}
