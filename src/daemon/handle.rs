//! What the daemon does for each call: reads straight from the store, updates through `policy`.

use neural_rt::eval::Report;
use neural_rt::promotion::Evaluation;
use policy::bundle::Bytes;
use policy::manifest::Kind;
use policy::{Manifest, UpdateError, Updates};
use store::Generation;
use store::{BlobHash, Store};
use symbolic::Sandboxed;

use super::protocol::{Call, DaemonStatus, ManifestText, Reply};
use super::server::Daemon;

/// The answer to `call` from `actor`, or a message that says why not and what to do.
pub(super) fn answer(daemon: &Daemon, actor: &str, call: Call) -> Result<Reply, String> {
    let store = &daemon.store;
    let text = |e: &dyn std::fmt::Display| e.to_string();
    let updated = |result: Result<Generation, UpdateError>| {
        result
            .map(|g| Reply::Generation(Box::new(g)))
            .map_err(|e| text(&e))
    };
    let updates = Updates::new(store, &Sandboxed, actor);
    match call {
        Call::Status => Ok(Reply::Status(DaemonStatus {
            pid: std::process::id(),
            store: store.path().to_owned(),
            current: store.current().map_err(|e| text(&e))?,
            clients: daemon.clients(),
            uptime_s: daemon.started.elapsed().as_secs(),
            idle_exit_s: daemon.idle_exit.as_secs(),
        })),
        // Answered before it reaches here, in any protocol version.
        Call::Stop => Ok(Reply::Stopping),
        Call::Current => store.current().map(Reply::Current).map_err(|e| text(&e)),
        Call::Generation(id) => store
            .generation(id)
            .map(|g| Reply::Generation(Box::new(g)))
            .map_err(|e| text(&e)),
        Call::Generations => {
            let all = store.generations().map_err(|e| text(&e))?;
            let current = store.current().map_err(|e| text(&e))?;
            Ok(Reply::Generations(all, current))
        }
        Call::Install { manifest, grant } => updated(updates.install(&parse(&manifest)?, &grant)),
        Call::Upgrade { manifest, grant } => updated(updates.upgrade(&parse(&manifest)?, &grant)),
        Call::Remove(name) => updated(updates.remove(&name)),
        Call::SetPolicy { name, value } => updated(updates.set_policy(&name, value.as_deref())),
        Call::PromoteModel {
            weights,
            evaluation,
            current,
            current_weights,
            tolerance,
        } => {
            let unreadable = |what: &str, e: serde_json::Error| {
                format!("the {what} sent with the weights cannot be read: {e}")
            };
            let candidate: Evaluation =
                serde_json::from_slice(&evaluation.0).map_err(|e| unreadable("evaluation", e))?;
            let measured: Report = serde_json::from_slice(&current.0)
                .map_err(|e| unreadable("current model's report", e))?;
            updated(updates.promote_model(&weights.0, &evaluation.0, |in_use| {
                if in_use.map(|m| m.weights) != current_weights {
                    return Err(
                        "the model in use changed while the candidate was measured; run `neural promote` again"
                            .to_owned(),
                    );
                }
                neural_rt::promotion::gate(&candidate.report, &measured, tolerance)
            }))
        }
        Call::Rollback(to) => updates
            .rollback(to)
            .map(|(from, to)| Reply::RolledBack(from, to))
            .map_err(|e| text(&e)),
        Call::Audit => store
            .audit_entries()
            .map(Reply::Audit)
            .map_err(|e| text(&e)),
        Call::Verify => store
            .verify()
            .map(|report| Reply::Verified(report.entries, report.head_hash))
            .map_err(|e| text(&e)),
        Call::Blob(hash) => store
            .blob(&hash)
            .map(|bytes| Reply::Blob(Bytes(bytes)))
            .map_err(|e| text(&e)),
        Call::Precompiled { wasm, kind, engine } => precompiled(store, &wasm, kind, &engine)
            .map(|(hash, artifact)| Reply::Precompiled(hash, Bytes(artifact))),
        Call::Export(id, file) => {
            let bundle = policy::bundle::export(store, id).map_err(|e| text(&e))?;
            let json = serde_json::to_vec(&bundle).map_err(|e| text(&e))?;
            std::fs::write(&file, json).map_err(|e| {
                format!(
                    "cannot write {}: {e}; choose a path in a directory you can write to",
                    file.display()
                )
            })?;
            Ok(Reply::Exported(
                bundle.generation.contents.capabilities.len(),
                bundle.blobs.len(),
                bundle.audit.len(),
            ))
        }
        Call::Import(file) => {
            let json =
                policy::input_file::read(&file, policy::input_file::Kind::Bundle).map_err(|e| {
                    format!(
                        "cannot read {}: {e}; give the path of a bundle from `gen export`",
                        file.display()
                    )
                })?;
            let bundle = policy::bundle::parse(&json).map_err(|e| text(&e))?;
            let source = file.display().to_string();
            policy::bundle::import(store, &bundle, &Sandboxed, actor, &source)
                .map(|g| Reply::Generation(Box::new(g)))
                .map_err(|e| text(&e))
        }
    }
}

/// The manifest the shell showed, checked again here: the daemon does not take a peer's word that
/// it is well formed.
fn parse(manifest: &ManifestText) -> Result<Manifest, String> {
    Manifest::parse_with_home(&manifest.text, &manifest.base_dir, manifest.home.as_deref())
        .map_err(|e| e.to_string())
}

/// The artifact compiled from `wasm` for the shell's engine, compiling and keeping it if it never was
/// (an install compiles it; this covers ncsh's own built-in capabilities and an ncsh upgraded since).
fn precompiled(
    store: &Store,
    wasm: &BlobHash,
    kind: Kind,
    engine: &str,
) -> Result<(BlobHash, Vec<u8>), String> {
    let executor = symbolic::Executor::get().map_err(|e| e.to_string())?;
    if executor.compatibility() != engine {
        return Err(
            "this shell is another build of ncsh than the running daemon: run `daemon stop`, and \
             the next shell that needs one starts a daemon of its own build"
                .to_owned(),
        );
    }
    if let Some(cached) = store.precompiled(wasm, engine).map_err(|e| e.to_string())? {
        return Ok(cached);
    }
    let code = match store.blob(wasm) {
        Ok(code) => code,
        Err(store::StoreError::MissingBlob(_)) => symbolic::guests::built_in(wasm)
            .ok_or_else(|| format!("no wasm {wasm} in the store; install what needs it again"))?
            .to_vec(),
        Err(e) => return Err(e.to_string()),
    };
    let artifact = executor
        .precompile(&code, kind)
        .map_err(|e| e.to_string())?;
    let hash = store
        .put_precompiled(wasm, engine, &artifact)
        .map_err(|e| e.to_string())?;
    Ok((hash, artifact))
}
