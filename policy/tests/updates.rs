//! Update transactions on the real store in a temporary directory, with the real example capability
//! from `examples/hello` and copies of it changed the ways a user's files go wrong.

use std::path::{Path, PathBuf};

use policy::{Change, Grant, Manifest, Structural, UpdateError, Updates, VerifyError, diff};
use store::{AuditEvent, Store};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello")
}

fn hello() -> Manifest {
    Manifest::load(&example_dir().join("hello.toml")).expect("the example manifest loads")
}

/// The example manifest, copied into `dir` with its wasm, after `edit` on the manifest text.
fn hello_copy(dir: &Path, wasm: &[u8], edit: impl Fn(String) -> String) -> Manifest {
    let text = std::fs::read_to_string(example_dir().join("hello.toml")).unwrap();
    std::fs::write(dir.join("hello.wasm"), wasm).unwrap();
    std::fs::write(dir.join("hello.toml"), edit(text)).unwrap();
    Manifest::load(&dir.join("hello.toml")).unwrap()
}

#[test]
fn the_committed_example_wasm_is_built_from_its_source() {
    let built = wat::parse_file(example_dir().join("hello.wat")).unwrap();
    let committed = std::fs::read(example_dir().join("hello.wasm")).unwrap();
    assert_eq!(
        built, committed,
        "rebuild examples/hello/hello.wasm from hello.wat"
    );
}

#[test]
fn install_rollback_and_back_to_the_later_generation() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "tester");
    let manifest = hello();
    let installed = updates
        .install(&manifest, &Grant::from_manifest(&manifest))
        .unwrap();
    assert_eq!(store.current().unwrap(), installed.id);
    let capability = &installed.contents.capabilities["hello"];
    assert_eq!(capability.version, "1.0.0");
    assert_eq!(
        store.blob(&capability.wasm).unwrap(),
        std::fs::read(&manifest.wasm.path).unwrap()
    );
    store.verify().unwrap();

    assert_eq!(updates.rollback(None).unwrap(), (installed.id, 1));
    assert!(
        store
            .generation(1)
            .unwrap()
            .contents
            .capabilities
            .is_empty()
    );
    store.verify().unwrap();
    assert_eq!(
        updates.rollback(Some(installed.id)).unwrap(),
        (1, installed.id)
    );
    store.verify().unwrap();
}

#[test]
fn a_refused_install_is_logged_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "tester");
    let files = tempfile::tempdir().unwrap();
    let tampered = hello_copy(files.path(), b"\0asm\x01\0\0\0 not the real module", |t| t);
    let error = updates
        .install(&tampered, &Grant::from_manifest(&tampered))
        .unwrap_err();
    assert!(
        matches!(
            error,
            UpdateError::Refused(VerifyError::HashMismatch { .. })
        ),
        "{error}"
    );
    assert_eq!(store.current().unwrap(), 1);
    assert_eq!(store.generations().unwrap().len(), 1);
    let last = store.audit_entries().unwrap().pop().unwrap();
    assert!(
        matches!(&last.event, AuditEvent::Refused { kind, summary, .. } if kind == "install" && summary == "hello 1.0.0"),
        "{last:?}"
    );
    store.verify().unwrap();
}

#[test]
fn a_missing_wasm_is_named_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "tester");
    let mut manifest = hello();
    manifest.wasm.path = dir.path().join("gone.wasm");
    let error = updates
        .install(&manifest, &Grant::from_manifest(&manifest))
        .unwrap_err();
    assert!(error.to_string().contains("gone.wasm"), "{error}");
    assert_eq!(store.audit_entries().unwrap().len(), 1);
}

#[test]
fn upgrade_remove_and_their_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "tester");
    let v1 = hello();
    let grant = Grant::from_manifest(&v1);
    assert!(matches!(
        updates.upgrade(&v1, &grant),
        Err(UpdateError::NotInstalled(_))
    ));
    let first = updates.install(&v1, &grant).unwrap();
    assert!(matches!(
        updates.install(&v1, &grant),
        Err(UpdateError::AlreadyInstalled(_))
    ));
    assert!(matches!(
        updates.upgrade(&v1, &grant),
        Err(UpdateError::SameVersion { .. })
    ));

    let files = tempfile::tempdir().unwrap();
    let wasm = std::fs::read(&v1.wasm.path).unwrap();
    let v2 = hello_copy(files.path(), &wasm, |t| {
        t.replace("version = \"1.0.0\"", "version = \"1.1.0\"")
    });
    let upgraded = updates.upgrade(&v2, &grant).unwrap();
    assert_eq!(upgraded.parent, Some(first.id));
    assert_eq!(
        diff(&first.contents, &upgraded.contents),
        [Change::Changed(
            "hello".into(),
            format!(
                "1.0.0 (wasm {})",
                first.contents.capabilities["hello"].wasm.short()
            ),
            format!(
                "1.1.0 (wasm {})",
                first.contents.capabilities["hello"].wasm.short()
            ),
        )]
    );

    let removed = updates.remove("hello").unwrap();
    assert!(removed.contents.capabilities.is_empty());
    assert!(matches!(
        updates.remove("hello"),
        Err(UpdateError::NotInstalled(_))
    ));
    assert_eq!(
        diff(&upgraded.contents, &removed.contents).len(),
        1,
        "one capability removed"
    );
    store.verify().unwrap();
}

#[test]
fn a_model_is_promoted_only_when_its_gate_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "trainer");
    let first = updates
        .promote_model(b"weights v1", b"{\"char\": 0.9}", |current| {
            assert!(current.is_none(), "no model before the first");
            Ok(())
        })
        .unwrap();
    let model = first.contents.model.clone().unwrap();
    assert_eq!(store.blob(&model.weights).unwrap(), b"weights v1");

    let refused = updates
        .promote_model(b"weights v2", b"{\"char\": 0.5}", |current| {
            assert_eq!(current, Some(&model));
            Err("char accuracy 0.50 is below the current model's 0.90 - 0.01".into())
        })
        .unwrap_err();
    assert!(matches!(refused, UpdateError::ModelRefused(_)), "{refused}");
    assert_eq!(
        store.current().unwrap(),
        first.id,
        "a refused model changed current"
    );
    let last = store.audit_entries().unwrap().pop().unwrap();
    assert!(
        matches!(&last.event, AuditEvent::Refused { kind, reason, .. }
            if kind == "promote-model" && reason.contains("below the current model's")),
        "{last:?}"
    );
    assert!(matches!(
        store.blob(&store::BlobHash::of(b"weights v2")),
        Err(store::StoreError::MissingBlob(_))
    ));
    store.verify().unwrap();
}
