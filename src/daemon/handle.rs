//! What the daemon does for each call: reads straight from the store, updates through `policy`.

use std::sync::atomic::Ordering;

use policy::bundle::Bytes;
use policy::{Structural, Updates};

use super::protocol::{Call, DaemonStatus, Reply};
use super::server::Daemon;

/// The answer to `call` from `actor`, or a message that says why not and what to do.
pub(super) fn answer(daemon: &Daemon, actor: &str, call: Call) -> Result<Reply, String> {
    let store = &daemon.store;
    let text = |e: &dyn std::fmt::Display| e.to_string();
    // Keeps a stop from cutting an update off. A poisoned lock only means another shell's update
    // panicked, which left the store as its transaction did: whole or not at all.
    let update = || daemon.updates.read().unwrap_or_else(|p| p.into_inner());
    let updates = Updates::new(store, &Structural, actor);
    match call {
        Call::Status => Ok(Reply::Status(DaemonStatus {
            pid: std::process::id(),
            store: store.path().to_owned(),
            current: store.current().map_err(|e| text(&e))?,
            clients: daemon.clients.load(Ordering::SeqCst),
            uptime_s: daemon.started.elapsed().as_secs(),
            idle_exit_s: daemon.idle_exit.as_secs(),
        })),
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
        Call::Install { manifest, grant } => {
            let _serial = update();
            updates
                .install(&manifest, &grant)
                .map(|g| Reply::Generation(Box::new(g)))
                .map_err(|e| text(&e))
        }
        Call::Upgrade { manifest, grant } => {
            let _serial = update();
            updates
                .upgrade(&manifest, &grant)
                .map(|g| Reply::Generation(Box::new(g)))
                .map_err(|e| text(&e))
        }
        Call::Remove(name) => {
            let _serial = update();
            updates
                .remove(&name)
                .map(|g| Reply::Generation(Box::new(g)))
                .map_err(|e| text(&e))
        }
        Call::Rollback(to) => {
            let _serial = update();
            updates
                .rollback(to)
                .map(|(from, to)| Reply::RolledBack(from, to))
                .map_err(|e| text(&e))
        }
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
        Call::Export(id) => policy::bundle::export(store, id)
            .map(|b| Reply::Bundle(Box::new(b)))
            .map_err(|e| text(&e)),
        Call::Import { bundle, source } => {
            let _serial = update();
            let source = source.display().to_string();
            policy::bundle::import(store, &bundle, &Structural, actor, &source)
                .map(|g| Reply::Generation(Box::new(g)))
                .map_err(|e| text(&e))
        }
    }
}
