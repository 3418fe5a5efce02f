//! `policy`: ncsh's governance of runtime updates.
//!
//! It owns capability manifests and grants, update transactions, the verification pipeline (a trait that
//! the symbolic executor implements), the run-vs-update contract, rollback, diff and replay plans. It
//! never executes wasm itself.
//!
//! Status: not built yet. This crate exports nothing until the generations issue lands; nothing in ncsh
//! calls it today.
