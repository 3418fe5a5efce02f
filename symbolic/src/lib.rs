//! `symbolic`: ncsh's sandboxed symbolic executor.
//!
//! It owns the wasmtime host: a sandbox built from a capability's grant and nothing else
//! ([`sandbox`]), the grant's limits on memory, wall time, fuel and output, a precompiled-artifact
//! path so that nothing is compiled on a call ([`Executor::precompile`], [`Executor::load`]), a
//! deterministic mode whose calls are recorded and replayed ([`Deterministic`], [`replay`]), and the
//! verification pipeline that `policy` runs before an install ([`Sandboxed`]: structural checks,
//! compile once, contract examples); and the exact answers a predicted screen is checked against
//! ([`arithmetic`]). It does not decide what is allowed: `policy` does, and this crate runs what a
//! grant allows.
//!
//! ```no_run
//! use symbolic::{Executor, Input, Invocation, Sink};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let manifest = policy::Manifest::load(std::path::Path::new("examples/hello/hello.toml"))?;
//! let grant = policy::Grant::from_manifest(&manifest);
//! let executor = Executor::get()?;
//! let program = executor.compile(&std::fs::read(&manifest.wasm.path)?, manifest.kind)?;
//! let invocation = Invocation {
//!     name: manifest.name.clone(),
//!     args: vec![],
//!     stdin: Input::Closed,
//!     stdout: Sink::File(std::fs::File::create("/dev/stdout")?),
//!     stderr: Sink::Discard,
//!     env: vec![],
//!     deterministic: None,
//! };
//! let outcome = executor.run(&program, invocation, &grant, &manifest.limits)?;
//! assert_eq!(outcome.status, 0);
//! # Ok(())
//! # }
//! ```
//!
//! # Exit statuses
//!
//! A capability's own exit status is passed on. When the host stops it, the status says why (and
//! [`Stop::message`] says it in words):
//!
//! | status | stopped by |
//! | --- | --- |
//! | 124 | the wall-time limit (as `timeout` reports it) |
//! | 125 | the fuel limit |
//! | 126 | the memory limit |
//! | 127 | — (bash's "command not found"; never used here) |
//! | 134 | a trap in the guest (a panic, `unreachable`, an out-of-bounds access) |
//! | 141 | the output limit (as a write to a closed pipe) |

pub mod arithmetic;
mod deterministic;
mod executor;
mod output;
pub mod replay;
pub mod sandbox;
mod unix_stat;
mod verify;

pub use deterministic::Deterministic;
pub use executor::{Captured, Executor, InMemory, Program};
pub use output::Sink;
pub use sandbox::{Input, Invocation};
pub use verify::Sandboxed;

/// What could not be done; a guest that traps or hits a limit is an [`Outcome`], not this.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// wasmtime could not be set up.
    #[error("the WebAssembly engine could not start: {0}")]
    Engine(String),
    /// The code could not be compiled or loaded.
    #[error("cannot compile the capability: {0}")]
    Compile(String),
    /// Its imports could not be linked (it asks for something the host does not provide).
    #[error("cannot link the capability: {0}")]
    Link(String),
    /// A granted directory could not be opened.
    #[error(
        "cannot open the granted directory {0}: {1}; create it, or install the capability again without it"
    )]
    Preopen(std::path::PathBuf, String),
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The exit status the shell sees.
    pub status: i32,
    /// Fuel used (instructions, roughly).
    pub fuel_used: u64,
    /// Why the host stopped it, if it did.
    pub stopped: Option<Stop>,
}

/// Why the host stopped a guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It ran past its wall-time limit (ms).
    WallTime(u64),
    /// It used up its fuel.
    Fuel,
    /// It asked for more memory than its limit (MiB).
    Memory(u32),
    /// It wrote more than its output limit (KiB).
    Output(u32),
    /// It trapped.
    Trap(String),
}

impl Stop {
    /// The exit status for this stop (see the crate docs).
    pub fn status(&self) -> i32 {
        match self {
            Stop::WallTime(_) => 124,
            Stop::Fuel => 125,
            Stop::Memory(_) => 126,
            Stop::Trap(_) => 134,
            Stop::Output(_) => 141,
        }
    }

    /// One line for the user: `calc: stopped after 2 s (limit from its grant)`.
    pub fn message(&self, name: &str) -> String {
        match self {
            Stop::WallTime(ms) => format!(
                "{name}: stopped after {} (limit from its grant)",
                if ms % 1000 == 0 {
                    format!("{} s", ms / 1000)
                } else {
                    format!("{ms} ms")
                }
            ),
            Stop::Fuel => format!("{name}: stopped when its fuel ran out (limit from its grant)"),
            Stop::Memory(mb) => {
                format!("{name}: stopped at its memory limit of {mb} MiB (limit from its grant)")
            }
            Stop::Output(kb) => {
                format!("{name}: stopped after {kb} KiB of output (limit from its grant)")
            }
            Stop::Trap(why) => format!("{name}: crashed: {why}"),
        }
    }
}

/// The built-in capabilities, built from `guests/` by the build script.
pub mod guests {
    /// `calc`: exact arithmetic on integers and fractions of any size.
    pub const CALC: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/calc.wasm"));

    /// `fs`: file tools inside the directories granted to it.
    pub const FS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fs.wasm"));

    /// The built-in guest with this sha256, if there is one.
    pub fn built_in(wasm: &store::BlobHash) -> Option<&'static [u8]> {
        [CALC, FS]
            .into_iter()
            .find(|code| store::BlobHash::of(code) == *wasm)
    }
}
