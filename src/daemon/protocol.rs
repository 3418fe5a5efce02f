//! The daemon's protocol: one JSON object per line each way, over the Unix socket.
//!
//! Every request carries [`PROTOCOL`]. A daemon that speaks another version answers with an error that
//! names both, so a shell and a daemon from different ncsh builds never misread each other. The one
//! exception is [`Call::Stop`], whose form (`{"protocol":N,"call":"Stop"}`) never changes and which
//! every daemon obeys, so that `daemon stop` from any ncsh clears the way for a new daemon.

use std::path::PathBuf;

use policy::Grant;
use policy::bundle::Bytes;
use policy::manifest::Kind;
use serde::{Deserialize, Serialize};
use store::{AuditEntry, BlobHash, Generation, GenerationId};

/// The version of this protocol. Change it with any change to [`Call`] or [`Reply`].
pub const PROTOCOL: u32 = 3;

/// One request from a shell.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    /// [`PROTOCOL`] as the shell knows it.
    pub protocol: u32,
    /// What it asks.
    pub call: Call,
}

/// Only the version, read first so that a request of another version is named, not misparsed.
#[derive(Deserialize)]
pub struct Header {
    /// The version the peer speaks.
    pub protocol: u32,
}

/// What a shell can ask of the daemon.
#[derive(Debug, Serialize, Deserialize)]
pub enum Call {
    /// How the daemon is doing.
    Status,
    /// Stop once in-flight updates are done.
    Stop,
    /// The current generation's number.
    Current,
    /// One generation.
    Generation(GenerationId),
    /// Every generation, and which is current.
    Generations,
    /// Verify and install a capability that is not installed yet.
    Install {
        /// Its manifest, as the shell read and showed it.
        manifest: ManifestText,
        /// What the user granted.
        grant: Grant,
    },
    /// Verify and install another version of an installed capability.
    Upgrade {
        /// Its manifest, as the shell read and showed it.
        manifest: ManifestText,
        /// What the user granted.
        grant: Grant,
    },
    /// Remove an installed capability.
    Remove(String),
    /// Set a policy rule, or clear it (`None`).
    SetPolicy {
        /// The rule's name.
        name: String,
        /// Its new value.
        value: Option<String>,
    },
    /// Promote model weights with their evaluation (`neural_rt::promotion::Evaluation` as JSON), if
    /// they measure no worse than the current model on the same sessions, beyond `tolerance`.
    PromoteModel {
        /// The weights (safetensors).
        weights: Bytes,
        /// Their evaluation.
        evaluation: Bytes,
        /// The current model's report (`neural_rt::eval::Report` as JSON) on the same sessions.
        current: Bytes,
        /// The current model's weights when it was measured (`None`: the shipped model), so that
        /// a model promoted meanwhile is not judged by another's numbers.
        current_weights: Option<BlobHash>,
        /// How much worse than the current model it may measure.
        tolerance: f64,
    },
    /// Point current at this generation, or at current's parent.
    Rollback(Option<GenerationId>),
    /// The whole audit log.
    Audit,
    /// Walk the audit chain.
    Verify,
    /// One blob, checked against its hash.
    Blob(BlobHash),
    /// Native code for a capability's wasm (installed, or built into ncsh), compiled by the engine
    /// with this compatibility key; compiled now if it never was.
    Precompiled {
        /// The wasm's sha256.
        wasm: BlobHash,
        /// Module or component.
        kind: Kind,
        /// The asking shell's engine ([`symbolic::Executor::compatibility`]).
        engine: String,
    },
    /// Write a generation as a bundle to this file.
    Export(GenerationId, PathBuf),
    /// Check the bundle in this file and add its generation (not made current).
    Import(PathBuf),
}

/// A manifest's text and what its parsing depends on, so that the daemon checks exactly what the shell
/// showed the user (the daemon does not trust a parsed manifest from a peer).
#[derive(Debug, Serialize, Deserialize)]
pub struct ManifestText {
    /// The TOML.
    pub text: String,
    /// The directory relative paths in it resolve against.
    pub base_dir: PathBuf,
    /// What `~` stands for in the shell.
    pub home: Option<PathBuf>,
}

/// What the daemon answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct Response {
    /// [`PROTOCOL`] as the daemon knows it.
    pub protocol: u32,
    /// The answer, or why there is none (a message for the user that names the way out).
    pub result: Result<Reply, String>,
}

/// A successful answer.
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The daemon's state.
    Status(DaemonStatus),
    /// The daemon is stopping.
    Stopping,
    /// The current generation's number.
    Current(GenerationId),
    /// One generation (also the result of an update).
    Generation(Box<Generation>),
    /// Every generation, oldest first, and the current one's number.
    Generations(Vec<Generation>, GenerationId),
    /// Current moved (from, to).
    RolledBack(GenerationId, GenerationId),
    /// The audit log, oldest first.
    Audit(Vec<AuditEntry>),
    /// The chain verified: entries walked and the last hash.
    Verified(u64, String),
    /// A blob's bytes.
    Blob(Bytes),
    /// A bundle was written: its capabilities, blobs and audit entries.
    Exported(usize, usize, usize),
    /// A precompiled artifact, and its sha256 to check it by before it is loaded.
    Precompiled(BlobHash, Bytes),
}

impl Reply {
    /// The kind of reply, to name an unexpected one.
    pub fn kind(&self) -> &'static str {
        match self {
            Reply::Status(_) => "status",
            Reply::Stopping => "stopping",
            Reply::Current(_) => "current",
            Reply::Generation(_) => "generation",
            Reply::Generations(..) => "generations",
            Reply::RolledBack(..) => "rolled back",
            Reply::Audit(_) => "audit",
            Reply::Verified(..) => "verified",
            Reply::Blob(_) => "blob",
            Reply::Exported(..) => "exported",
            Reply::Precompiled(..) => "precompiled",
        }
    }
}

/// The daemon's state, for `daemon status`.
#[derive(Debug, Serialize, Deserialize)]
pub struct DaemonStatus {
    /// Its process id.
    pub pid: u32,
    /// Where its store is.
    pub store: PathBuf,
    /// The current generation.
    pub current: GenerationId,
    /// Shells connected now (this one included).
    pub clients: usize,
    /// Seconds since it started.
    pub uptime_s: u64,
    /// Seconds it stays up once the last shell has gone.
    pub idle_exit_s: u64,
}
