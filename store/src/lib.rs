//! `store`: ncsh's persistence, on sled 0.34.
//!
//! It owns content-addressed blobs (sha256), generations with an explicit parent, the
//! current-generation pointer, and a hash-chained audit log. Every update lands in one transaction
//! and is flushed before it returns, and then records its audit count beside sled's files, so that a
//! database file cut short is refused rather than opened at an older generation. It knows nothing
//! about wasm, models or terminals: what the blobs mean is `policy`'s business.
//!
//! ```
//! # fn main() -> Result<(), store::StoreError> {
//! let dir = tempfile::tempdir().unwrap();
//! let store = store::Store::open(dir.path())?;
//! let first = store.current()?;
//! let manifest = store.put_blob(b"name = \"calc\"")?;
//! let mut contents = store.generation(first)?.contents;
//! contents.capabilities.insert(
//!     "calc".into(),
//!     store::CapabilityRef { version: "1.0.0".into(), manifest, wasm: manifest, grant: manifest },
//! );
//! let draft = store::Draft { parent: first, actor: "me".into(), reason: "try".into(), contents };
//! let second = store.commit(&draft, "install", "calc 1.0.0")?;
//! assert_eq!(store.rollback(None, "me")?, (second.id, first));
//! store.verify()?;
//! # Ok(())
//! # }
//! ```

mod as_found;
pub mod audit;
mod db;
mod error;
mod generation;
mod hash;
mod written;

pub use audit::{AuditEntry, AuditEvent, ChainBreak, ChainReport};
pub use db::{SCHEMA, Store};
pub use error::StoreError;
pub use generation::{CapabilityRef, Contents, Draft, Generation, GenerationId, ModelRef};
pub use hash::{BadHash, BlobHash};
