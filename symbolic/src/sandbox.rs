//! The sandbox a capability runs in, built from its grant and nothing else: the granted directories
//! preopened with their permissions (at their own absolute paths), the granted environment
//! variables, standard input only if granted, no network, and the arguments exactly as typed.

use std::sync::Arc;

use policy::Grant;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::ExecError;
use crate::deterministic::{Deterministic, VirtualClock, random_bytes};
use crate::output::{Budget, LimitedOutput, Sink};

/// Where the guest's standard input comes from.
pub enum Input {
    /// A descriptor of the shell's (a terminal, a pipe, a file), read as the guest reads.
    File(std::fs::File),
    /// These bytes (contract examples, replays).
    Bytes(Vec<u8>),
    /// Nothing: end of input at once.
    Closed,
}

/// One run of a capability: what the shell hands it.
pub struct Invocation {
    /// The command name (the guest's argv[0]).
    pub name: String,
    /// The arguments after it, exactly as typed.
    pub args: Vec<String>,
    /// Standard input; used only when the grant allows it.
    pub stdin: Input,
    /// Standard output.
    pub stdout: Sink,
    /// Standard error.
    pub stderr: Sink,
    /// The shell's environment; only the variables the grant names reach the guest.
    pub env: Vec<(String, String)>,
    /// Set for a replayable run.
    pub deterministic: Option<Deterministic>,
}

/// Builds the WASI context for `invocation` under `grant`; returns it with the output budget.
pub(crate) fn wasi_context(
    invocation: Invocation,
    grant: &Grant,
    output_limit: u64,
) -> Result<(WasiCtxBuilder, Arc<Budget>), ExecError> {
    let mut builder = WasiCtxBuilder::new();
    builder.allow_blocking_current_thread(true);
    builder.arg(&invocation.name);
    builder.args(&invocation.args);
    for (name, value) in &invocation.env {
        if grant.env.contains(name) {
            builder.env(name, value);
        }
    }
    if grant.stdin {
        match invocation.stdin {
            Input::File(file) => {
                builder.stdin(wasmtime_wasi::cli::InputFile::new(file));
            }
            Input::Bytes(bytes) => {
                builder.stdin(wasmtime_wasi::p2::pipe::MemoryInputPipe::new(bytes));
            }
            Input::Closed => {}
        }
    }
    if grant.network {
        builder.inherit_network().allow_ip_name_lookup(true);
    }
    let budget = Budget::new(output_limit);
    builder.stdout(LimitedOutput::new(invocation.stdout, budget.clone()));
    builder.stderr(LimitedOutput::new(invocation.stderr, budget.clone()));
    let preopens = grant
        .read
        .iter()
        .map(|dir| (dir, FsPerms::ReadOnly))
        .chain(grant.write.iter().map(|dir| (dir, FsPerms::ReadWrite)));
    for (dir, perms) in preopens {
        let guest = dir.to_string_lossy().into_owned();
        builder
            .preopened_dir(dir, &guest, perms)
            .map_err(|e| ExecError::Preopen(dir.clone(), e.to_string()))?;
    }
    if let Some(deterministic) = invocation.deterministic {
        builder.wall_clock(VirtualClock::new());
        builder.monotonic_clock(VirtualClock::new());
        let bytes = random_bytes(deterministic.seed);
        builder.secure_random(wasmtime_wasi::Deterministic::new(bytes.clone()));
        builder.insecure_random(wasmtime_wasi::Deterministic::new(bytes));
        builder.insecure_random_seed(u128::from(deterministic.seed));
    }
    Ok((builder, budget))
}
