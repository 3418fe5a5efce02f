//! Recorded calls, for replay: a call run in deterministic mode is kept with everything it was given
//! and everything it gave (bytes, status, fuel used), so that running it again later, on another
//! generation or another machine, shows whether the capability still behaves exactly as it did.

use std::sync::{Arc, Mutex};

use policy::Grant;
use policy::manifest::Limits;
use serde::{Deserialize, Serialize};

use crate::{Deterministic, ExecError, Executor, Input, Invocation, Program, Sink};

/// One deterministic call: what went in, and what came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCall {
    /// The command name.
    pub name: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Its standard input.
    pub stdin: Vec<u8>,
    /// The seed of its randomness.
    pub seed: u64,
    /// The fuel it was given.
    pub fuel: u64,
    /// What it wrote to standard output.
    pub stdout: Vec<u8>,
    /// What it wrote to standard error.
    pub stderr: Vec<u8>,
    /// Its exit status.
    pub status: i32,
    /// The fuel it used.
    pub fuel_used: u64,
}

/// What a replay found different from the record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "the replay of `{name}` differs from its record in {what}: recorded {recorded}, replayed {replayed}"
)]
pub struct Mismatch {
    /// The command.
    pub name: String,
    /// `stdout`, `stderr`, `status` or `fuel used`.
    pub what: &'static str,
    /// The recorded value, in short.
    pub recorded: String,
    /// The replayed value, in short.
    pub replayed: String,
}

/// Runs `program` deterministically as `name ARGS < stdin` and records the call.
///
/// # Errors
/// When the sandbox cannot be built.
#[allow(clippy::too_many_arguments)]
pub fn record(
    executor: &Executor,
    program: &Program,
    name: &str,
    args: &[String],
    stdin: &[u8],
    deterministic: Deterministic,
    grant: &Grant,
    limits: &Limits,
) -> Result<RecordedCall, ExecError> {
    let stdout = Arc::new(Mutex::new(Vec::new()));
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let invocation = Invocation {
        name: name.to_owned(),
        args: args.to_vec(),
        stdin: Input::Bytes(stdin.to_vec()),
        stdout: Sink::Memory(stdout.clone()),
        stderr: Sink::Memory(stderr.clone()),
        env: Vec::new(),
        deterministic: Some(deterministic),
    };
    let outcome = executor.run(program, invocation, grant, limits)?;
    let taken =
        |buffer: &Arc<Mutex<Vec<u8>>>| buffer.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(RecordedCall {
        name: name.to_owned(),
        args: args.to_vec(),
        stdin: stdin.to_vec(),
        seed: deterministic.seed,
        fuel: deterministic.fuel,
        stdout: taken(&stdout),
        stderr: taken(&stderr),
        status: outcome.status,
        fuel_used: outcome.fuel_used,
    })
}

/// Runs `call` again with `program` and checks that it gives the same bytes, status and fuel.
///
/// # Errors
/// [`ReplayError::Mismatch`] naming the first difference, or the sandbox's error.
pub fn replay(
    executor: &Executor,
    program: &Program,
    call: &RecordedCall,
    grant: &Grant,
    limits: &Limits,
) -> Result<(), ReplayError> {
    let deterministic = Deterministic {
        seed: call.seed,
        fuel: call.fuel,
    };
    let again = record(
        executor,
        program,
        &call.name,
        &call.args,
        &call.stdin,
        deterministic,
        grant,
        limits,
    )?;
    let short = |bytes: &[u8]| {
        format!(
            "{:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
        )
    };
    let mismatch = |what, recorded: String, replayed: String| {
        Err(ReplayError::Mismatch(Mismatch {
            name: call.name.clone(),
            what,
            recorded,
            replayed,
        }))
    };
    if again.stdout != call.stdout {
        return mismatch("stdout", short(&call.stdout), short(&again.stdout));
    }
    if again.stderr != call.stderr {
        return mismatch("stderr", short(&call.stderr), short(&again.stderr));
    }
    if again.status != call.status {
        return mismatch("status", call.status.to_string(), again.status.to_string());
    }
    if again.fuel_used != call.fuel_used {
        return mismatch(
            "fuel used",
            call.fuel_used.to_string(),
            again.fuel_used.to_string(),
        );
    }
    Ok(())
}

/// Why a replay did not confirm its record.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// It ran, and gave something else.
    #[error(transparent)]
    Mismatch(#[from] Mismatch),
    /// It could not run.
    #[error(transparent)]
    Exec(#[from] ExecError),
}
