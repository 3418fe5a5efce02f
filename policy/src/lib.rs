//! `policy`: ncsh's governance of runtime updates.
//!
//! Every change to what ncsh can do is an explicit update, recorded as a generation. This crate decides
//! what such an update may contain and whether it is allowed:
//!
//! - capability manifests and grants ([`manifest`]): what a capability asks for, and what the user
//!   granted when it was installed;
//! - the verification pipeline: structural checks of the wasm against its manifest and grant
//!   ([`structural`]), then behavioural checks (a trait the symbolic executor implements);
//! - update transactions ([`update`]): install, upgrade, remove, set policy, rollback, each verified
//!   and then committed as a generation or logged as refused; and diff between generations. Running a
//!   command never changes a generation: only these do;
//! - bundles ([`bundle`]): one generation with its blobs and audit proof, exported and verified on
//!   import.
//!
//! It is not the sandbox: it never executes wasm (that is `symbolic`), and it does not persist anything
//! itself (that is `store`).
//!
//! # Example
//!
//! Read a manifest, take what it asks for as the grant, and check the wasm it names:
//!
//! ```no_run
//! use policy::manifest::{Grant, Manifest};
//! use policy::structural::check_wasm;
//! use std::path::Path;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let manifest = Manifest::load(Path::new("examples/hello/hello.toml"))?;
//! let grant = Grant::from_manifest(&manifest);
//! let wasm = std::fs::read(&manifest.wasm.path)?;
//! let facts = check_wasm(&manifest, &grant, &wasm)?;
//! println!("{} {} is a {} with {} imports", manifest.name, manifest.version, facts.kind, facts.imports.len());
//! # Ok(())
//! # }
//! ```

pub mod bundle;
pub mod input_file;
pub mod manifest;
pub mod signature;
pub mod structural;
pub mod update;

pub use manifest::{Grant, Manifest, ManifestError};
pub use structural::{VerifyError, WasmFacts, check_wasm};
pub use update::{
    Change, Precompiled, Structural, UpdateError, Updates, Verified, Verifier, check_binary, diff,
    keep_precompiled,
};
