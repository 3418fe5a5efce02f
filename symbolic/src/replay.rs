//! Recorded calls, for replay: a call run in deterministic mode is kept with everything it was given
//! and everything it gave (bytes, status, fuel used), so that running it again later, on another
//! generation or another machine, shows whether the capability still behaves exactly as it did.

use policy::Grant;
use policy::manifest::Limits;
use serde::{Deserialize, Serialize};

use crate::{Deterministic, ExecError, Executor, InMemory, Program};

/// One deterministic call: what went in, and what came out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedCall {
    /// The command name.
    pub name: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Its standard input.
    pub stdin: Vec<u8>,
    /// The environment it was given (of which the grant passes only what it names).
    #[serde(default)]
    pub env: Vec<(String, String)>,
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

/// Runs `program` deterministically as `call` says and records the call.
///
/// # Errors
/// When the sandbox cannot be built.
pub fn record(
    executor: &Executor,
    program: &Program,
    call: InMemory<'_>,
    deterministic: Deterministic,
    grant: &Grant,
    limits: &Limits,
) -> Result<RecordedCall, ExecError> {
    let ran = executor.run_in_memory(program, call, Some(deterministic), grant, limits)?;
    Ok(RecordedCall {
        name: call.name.to_owned(),
        args: call.args.to_vec(),
        stdin: call.stdin.to_vec(),
        env: call.env.to_vec(),
        seed: deterministic.seed,
        fuel: deterministic.fuel,
        stdout: ran.stdout,
        stderr: ran.stderr,
        status: ran.outcome.status,
        fuel_used: ran.outcome.fuel_used,
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
    let inputs = InMemory {
        name: &call.name,
        args: &call.args,
        stdin: &call.stdin,
        env: &call.env,
    };
    let again = record(executor, program, inputs, deterministic, grant, limits)?;
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
