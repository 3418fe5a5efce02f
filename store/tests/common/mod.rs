//! What the store's tests share.

use store::{CapabilityRef, Draft, Generation, Store, StoreError};

/// Installs capability `name` on top of current, as an update does: read current, add, commit.
/// Fails with [`StoreError::Moved`] when another update came first.
pub fn install(store: &Store, name: &str, actor: &str) -> Result<Generation, StoreError> {
    let parent = store.current()?;
    let mut contents = store.generation(parent)?.contents;
    let blob = store.put_blob(name.as_bytes())?;
    let capability = CapabilityRef {
        version: "1.0.0".into(),
        manifest: blob,
        wasm: blob,
        grant: blob,
    };
    contents.capabilities.insert(name.into(), capability);
    let draft = Draft {
        parent,
        actor: actor.into(),
        reason: format!("install {name}"),
        contents,
    };
    store.commit(&draft, "install", name)
}
