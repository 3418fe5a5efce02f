//! `symbolic`: ncsh's sandboxed symbolic executor.
//!
//! It owns the wasmtime host (a sandbox built from a grant, limits, the precompile cache, deterministic
//! mode), the exact-operation verifiers, and the built-in capability guests. It does not decide what is
//! allowed: policy does.
//!
//! Status: not built yet. This crate exports nothing until the symbolic-executor issue lands; nothing in
//! ncsh calls it today.
