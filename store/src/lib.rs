//! `store`: ncsh's persistence.
//!
//! It owns, on sled 0.34: content-addressed blobs (sha256), generations with an explicit parent, the
//! current-generation pointer, a hash-chained audit log, and recorded steps. It knows nothing about wasm,
//! models or terminals.
//!
//! Status: not built yet. This crate exports nothing until the generations issue lands; nothing in ncsh
//! calls it today.
