use super::*;

use std::path::PathBuf;

use crate::manifest::{Limits, Permissions, WasmRef};

fn sha256_hex(bytes: &[u8]) -> String {
    store::BlobHash::of(bytes).to_string()
}

/// A p1 command module that writes through WASI, plus whatever `extra` imports.
fn module(extra: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             {extra}
             (memory (export "memory") 1)
             (func (export "_start")))"#
    ))
    .unwrap()
}

/// A component importing `wasi:cli/stdout` plus whatever `extra` imports. Its nested core module
/// imports `env.f`, which its parent would satisfy, so it must not count against the host.
fn component(extra: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(component
             (import "wasi:cli/stdout@0.2.0" (instance))
             {extra}
             (core module $inner (import "env" "f" (func))))"#
    ))
    .unwrap()
}

/// A manifest that names `wasm` correctly and declares `kind`.
fn manifest_for(kind: Kind, wasm: &[u8]) -> Manifest {
    Manifest {
        name: "calc".to_string(),
        version: semver::Version::new(1, 0, 0),
        description: "Exact integer arithmetic".to_string(),
        kind,
        wasm: WasmRef {
            path: PathBuf::from("/caps/calc.wasm"),
            sha256: sha256_hex(wasm),
        },
        permissions: Permissions::default(),
        limits: Limits::default(),
        contract: vec![],
    }
}

fn networked() -> Grant {
    Grant::from(Permissions {
        network: true,
        ..Permissions::default()
    })
}

fn core(module: &str, name: &str) -> WasmImport {
    WasmImport::Core {
        module: module.to_string(),
        name: name.to_string(),
    }
}

#[test]
fn a_wasi_module_passes() {
    let wasm = module("");
    let facts = check_wasm(&manifest_for(Kind::Module, &wasm), &Grant::default(), &wasm).unwrap();
    assert_eq!(
        facts,
        WasmFacts {
            kind: Kind::Module,
            imports: vec![core("wasi_snapshot_preview1", "fd_write")],
        }
    );
}

#[test]
fn a_wasi_component_passes_and_nested_imports_do_not_count() {
    let wasm = component("");
    let facts = check_wasm(
        &manifest_for(Kind::Component, &wasm),
        &Grant::default(),
        &wasm,
    )
    .unwrap();
    assert_eq!(facts.kind, Kind::Component);
    assert_eq!(
        facts.imports,
        vec![WasmImport::Component {
            name: "wasi:cli/stdout@0.2.0".to_string()
        }]
    );
}

#[test]
fn a_hash_mismatch_shows_both_hashes() {
    let wasm = module("");
    let mut manifest = manifest_for(Kind::Module, &wasm);
    manifest.wasm.sha256 = sha256_hex(b"another build");
    let err = check_wasm(&manifest, &Grant::default(), &wasm).unwrap_err();
    let VerifyError::HashMismatch {
        expected, actual, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(expected, &sha256_hex(b"another build"));
    assert_eq!(actual, &sha256_hex(&wasm));
    let message = err.to_string();
    assert!(
        message.starts_with("capability `calc`:")
            && message.contains(expected)
            && message.contains(actual),
        "{message}"
    );
}

#[test]
fn garbage_is_not_wasm() {
    let wasm = b"#!/bin/sh\necho hello\n";
    let err = check_wasm(&manifest_for(Kind::Module, wasm), &Grant::default(), wasm).unwrap_err();
    let VerifyError::InvalidWasm {
        message, offset, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*offset, 0);
    assert!(message.contains("magic header"), "{message}");
}

#[test]
fn a_truncated_module_is_not_wasm() {
    let full = module("");
    let wasm = &full[..full.len() - 3];
    let err = check_wasm(&manifest_for(Kind::Module, wasm), &Grant::default(), wasm).unwrap_err();
    assert!(
        matches!(err, VerifyError::InvalidWasm { offset, .. } if offset > 8),
        "{err:?}"
    );
}

#[test]
fn a_component_declared_as_module_is_refused() {
    let wasm = component("");
    let err = check_wasm(&manifest_for(Kind::Module, &wasm), &Grant::default(), &wasm).unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::KindMismatch {
                declared: Kind::Module,
                actual: Kind::Component,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the wasm is a component; set `kind = \"component\"`"),
        "{err}"
    );
}

#[test]
fn a_module_declared_as_component_is_refused() {
    let wasm = module("");
    let err = check_wasm(
        &manifest_for(Kind::Component, &wasm),
        &Grant::default(),
        &wasm,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            VerifyError::KindMismatch {
                declared: Kind::Component,
                actual: Kind::Module,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_module_may_import_only_wasi() {
    let wasm = module(r#"(import "env" "foo" (func))"#);
    let err = check_wasm(&manifest_for(Kind::Module, &wasm), &networked(), &wasm).unwrap_err();
    let VerifyError::ForeignImport { import, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(import, "env.foo");
    assert!(
        err.to_string().contains("`wasi_snapshot_preview1`"),
        "{err}"
    );
}

#[test]
fn a_module_socket_import_needs_a_network_grant() {
    let wasm = module(
        r#"(import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))"#,
    );
    let manifest = manifest_for(Kind::Module, &wasm);

    let err = check_wasm(&manifest, &Grant::default(), &wasm).unwrap_err();
    let VerifyError::NetworkRefused { import, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(import, "wasi_snapshot_preview1.sock_accept");
    assert!(
        err.to_string()
            .contains("set `network = true` under [permissions]"),
        "{err}"
    );

    let facts = check_wasm(&manifest, &networked(), &wasm).unwrap();
    assert_eq!(
        facts.imports[1],
        core("wasi_snapshot_preview1", "sock_accept")
    );
}

#[test]
fn a_component_may_import_only_wasi_interfaces() {
    let wasm = component(r#"(import "my:host/secrets" (instance))"#);
    let err = check_wasm(&manifest_for(Kind::Component, &wasm), &networked(), &wasm).unwrap_err();
    let VerifyError::ForeignImport { import, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(import, "my:host/secrets");
    assert!(err.to_string().contains("`wasi:*` interfaces"), "{err}");
}

#[test]
fn component_socket_and_http_imports_need_a_network_grant() {
    for interface in ["wasi:sockets/tcp@0.2.0", "wasi:http/outgoing-handler@0.2.0"] {
        let wasm = component(&format!(r#"(import "{interface}" (instance))"#));
        let manifest = manifest_for(Kind::Component, &wasm);

        let err = check_wasm(&manifest, &Grant::default(), &wasm).unwrap_err();
        assert!(
            matches!(&err, VerifyError::NetworkRefused { import, .. } if import == interface),
            "{err:?}"
        );

        let facts = check_wasm(&manifest, &networked(), &wasm).unwrap();
        assert_eq!(facts.imports.len(), 2);
    }
}
