//! Bundles between two real stores: what `gen export` writes, `gen import` checks whole before it
//! writes anything.

use std::path::Path;

use policy::bundle::{self, Bundle, BundleError, Bytes};
use policy::{Grant, Manifest, Structural, Updates};
use store::{AuditEvent, CapabilityRef, Draft, Store};

/// A store with the example capability installed (generation 2), and its bundle.
fn exported(dir: &Path) -> (Store, Bundle) {
    let store = Store::open(dir).unwrap();
    let manifest =
        Manifest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello/hello.toml"))
            .unwrap();
    Updates::new(&store, &Structural, "alice")
        .install(&manifest, &Grant::from_manifest(&manifest))
        .unwrap();
    let bundle = bundle::export(&store, 2).unwrap();
    (store, bundle)
}

fn import(
    bundle: &Bundle,
) -> (
    tempfile::TempDir,
    Store,
    Result<store::Generation, BundleError>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let result = bundle::import(&store, bundle, &Structural, "bob", "a test");
    (dir, store, result)
}

#[test]
fn a_bundle_moves_a_generation_with_its_blobs_and_proof() {
    let source = tempfile::tempdir().unwrap();
    let (from, bundle) = exported(source.path());
    assert_eq!(bundle.audit.len(), 2, "the proof ends at the install");
    let text = serde_json::to_vec(&bundle).unwrap();
    let (_dir, to, result) = import(&bundle::parse(&text).unwrap());
    let imported = result.unwrap();
    assert_eq!(imported.contents, from.generation(2).unwrap().contents);
    assert_eq!(to.current().unwrap(), 1, "an import is not made current");
    for capability in imported.contents.capabilities.values() {
        assert_eq!(
            to.blob(&capability.wasm).unwrap(),
            from.blob(&capability.wasm).unwrap()
        );
    }
    to.verify().unwrap();
    assert!(matches!(
        to.audit_entries().unwrap().last().unwrap().event,
        AuditEvent::Imported { generation: 2, .. }
    ));
}

#[test]
fn a_damaged_or_incomplete_bundle_is_refused_and_nothing_is_written() {
    let source = tempfile::tempdir().unwrap();
    let (_, good) = exported(source.path());
    let wasm = good.generation.contents.capabilities["hello"].wasm;

    let mut damaged = good.clone();
    damaged
        .blobs
        .insert(wasm, Bytes(b"\0asm\x01\0\0\0".to_vec()));
    let (_d1, store, result) = import(&damaged);
    assert!(matches!(result, Err(BundleError::DamagedBlob(h)) if h == wasm));
    assert_eq!(store.generations().unwrap().len(), 1);

    let mut incomplete = good.clone();
    incomplete.blobs.remove(&wasm);
    let (_d2, store, result) = import(&incomplete);
    assert!(matches!(result, Err(BundleError::MissingBlob(h)) if h == wasm));
    assert_eq!(store.generations().unwrap().len(), 1);

    let mut unproven = good.clone();
    unproven.audit.pop();
    let (_d3, _, result) = import(&unproven);
    assert!(
        matches!(result, Err(BundleError::NotProven(2))),
        "{result:?}"
    );

    let mut newer = serde_json::to_value(&good).unwrap();
    newer["format"] = 99.into();
    let err = bundle::parse(&serde_json::to_vec(&newer).unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("format 99, written by a newer ncsh"),
        "{err}"
    );
}

#[test]
fn a_generation_altered_after_export_does_not_pass_for_the_one_the_log_vouches_for() {
    let source = tempfile::tempdir().unwrap();
    let (_, mut bundle) = exported(source.path());
    bundle
        .generation
        .contents
        .policy_rules
        .insert("sneaky".into(), "yes".into());
    let (_dir, store, result) = import(&bundle);
    assert!(
        matches!(result, Err(BundleError::NotProven(2))),
        "{result:?}"
    );
    assert_eq!(store.generations().unwrap().len(), 1);
}

/// A verifier that lets everything through, as a machine with a laxer policy might have.
struct AcceptAll;

impl policy::Verifier for AcceptAll {
    fn verify(
        &self,
        _: &Manifest,
        _: &Grant,
        _: &[u8],
        _: &std::collections::BTreeMap<String, String>,
    ) -> Result<policy::Verified, policy::VerifyError> {
        Ok(policy::Verified::default())
    }
}

#[test]
fn a_bundle_whose_wasm_fails_verification_here_is_refused_and_logged() {
    let source = tempfile::tempdir().unwrap();
    let store = Store::open(source.path()).unwrap();
    // Installed where anything passes: the wasm is not the one the manifest pins.
    let files = tempfile::tempdir().unwrap();
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello/hello.toml");
    std::fs::write(
        files.path().join("hello.wasm"),
        wat::parse_str("(module)").unwrap(),
    )
    .unwrap();
    std::fs::write(
        files.path().join("hello.toml"),
        std::fs::read(hello).unwrap(),
    )
    .unwrap();
    let manifest = Manifest::load(&files.path().join("hello.toml")).unwrap();
    Updates::new(&store, &AcceptAll, "alice")
        .install(&manifest, &Grant::from_manifest(&manifest))
        .unwrap();
    let bundle = bundle::export(&store, 2).unwrap();

    let (_dir, store, result) = import(&bundle);
    let err = result.unwrap_err();
    assert!(
        matches!(err, BundleError::Refused { ref name, .. } if name == "hello"),
        "{err}"
    );
    assert!(matches!(
        store.audit_entries().unwrap().last().unwrap().event,
        AuditEvent::Refused { ref kind, .. } if kind == "import"
    ));
    assert_eq!(store.generations().unwrap().len(), 1);
}

/// A store whose generation 2 holds the example capability under `name`, with its manifest
/// renamed `manifest_name`, committed past the checks of `cap install`.
fn stored_as(dir: &Path, name: &str, manifest_name: &str) -> Store {
    let store = Store::open(dir).unwrap();
    let mut hello =
        Manifest::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello/hello.toml"))
            .unwrap();
    hello.name = manifest_name.into();
    let capability = CapabilityRef {
        version: "1.0.0".into(),
        manifest: store.put_blob(&hello.canonical_bytes()).unwrap(),
        wasm: store
            .put_blob(&std::fs::read(&hello.wasm.path).unwrap())
            .unwrap(),
        grant: store
            .put_blob(&Grant::from_manifest(&hello).canonical_bytes())
            .unwrap(),
    };
    let mut contents = store.generation(1).unwrap().contents;
    contents.capabilities.insert(name.into(), capability);
    let draft = Draft {
        parent: 1,
        actor: "alice".into(),
        reason: "an install no check saw".into(),
        contents,
    };
    store
        .commit(&draft, "install", &format!("{name} 1.0.0"))
        .unwrap();
    store
}

#[test]
fn a_capability_whose_manifest_names_another_is_refused() {
    let source = tempfile::tempdir().unwrap();
    let store = stored_as(source.path(), "other", "hello");
    let bundle = bundle::export(&store, 2).unwrap();
    let (_dir, to, result) = import(&bundle);
    let err = result.unwrap_err();
    assert!(
        err.to_string()
            .contains("capability `other` (its manifest says hello 1.0.0)"),
        "{err}"
    );
    assert_eq!(to.generations().unwrap().len(), 1);
}

/// An older ncsh let a capability be named `calc`; this one refuses to import it, and says how to
/// export it under another name.
#[test]
fn a_capability_under_a_name_now_reserved_is_refused_with_the_way_out() {
    let source = tempfile::tempdir().unwrap();
    let store = stored_as(source.path(), "calc", "calc");
    let bundle = bundle::export(&store, 2).unwrap();
    let (_dir, to, result) = import(&bundle);
    let err = result.unwrap_err();
    assert!(matches!(err, BundleError::ReservedName(ref name) if name == "calc"));
    assert!(err.to_string().contains("`cap remove calc`"), "{err}");
    assert_eq!(to.generations().unwrap().len(), 1);
}
