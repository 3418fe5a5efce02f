//! Ed25519 signatures (wasmsign2 format) on capabilities, with real ncsh processes, the real daemon
//! and store: keys trusted with `cap trust`, signed capabilities accepted and named as such, and
//! unsigned, foreign-signed or altered ones refused with the reason, in the audit log too.

mod common;

use std::path::{Path, PathBuf};

use common::Home;
use wasmsign2::{KeyPair, Module};

const HELLO_WASM: &[u8] = include_bytes!("../examples/hello/hello.wasm");

/// The hello capability in `dir`, its wasm signed by `key` (or not), under the name `name`.
fn hello(dir: &Path, name: &str, key: Option<&KeyPair>) -> PathBuf {
    let wasm = match key {
        Some(key) => {
            let module = Module::deserialize(&mut std::io::Cursor::new(HELLO_WASM)).unwrap();
            let mut signed = Vec::new();
            key.sk
                .sign(module, None)
                .unwrap()
                .serialize(&mut signed)
                .unwrap();
            signed
        }
        None => HELLO_WASM.to_vec(),
    };
    write_capability(dir, name, &wasm)
}

fn write_capability(dir: &Path, name: &str, wasm: &[u8]) -> PathBuf {
    std::fs::write(dir.join(format!("{name}.wasm")), wasm).unwrap();
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(
        &manifest,
        format!(
            "name = \"{name}\"\nversion = \"1.0.0\"\ndescription = \"test\"\nkind = \"module\"\n\
             [wasm]\npath = \"{name}.wasm\"\nsha256 = \"{}\"\n\
             [[contract]]\nargs = []\nstdout = \"hello from wasm\\n\"\n",
            store::BlobHash::of(wasm)
        ),
    )
    .unwrap();
    manifest
}

fn install(home: &Home, manifest: &Path) -> (i32, String, String) {
    home.run(&format!("cap install --yes {}", manifest.display()))
}

#[test]
fn signed_capabilities_install_under_trusted_keys_and_others_are_refused() {
    let home = Home::new();
    let dir = home.path();
    let alice = KeyPair::generate();
    let mallory = KeyPair::generate();
    std::fs::write(dir.join("alice.pub"), alice.pk.to_bytes()).unwrap();

    // With no key trusted and no rule, an unsigned capability installs as before.
    let (status, _, err) = install(&home, &hello(dir, "plain", None));
    assert_eq!(status, 0, "{err}");

    let (status, out, err) = home.run(&format!(
        "cap trust add alice {0}/alice.pub && cap trust require yes && cap trust list",
        dir.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("signatures are required"), "{out}");
    let key_hex: String = alice
        .pk
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(out.contains("alice") && out.contains(&key_hex), "{out}");

    let (status, _, err) = install(&home, &hello(dir, "unsigned", None));
    assert_eq!(status, 1);
    assert!(
        err.contains("capability `unsigned`: it is not signed, and policy requires signatures"),
        "{err}"
    );

    let (status, _, err) = install(&home, &hello(dir, "foreign", Some(&mallory)));
    assert_eq!(status, 1);
    assert!(
        err.contains(
            "capability `foreign`: its signature does not verify under any key policy trusts (trusted: alice)"
        ),
        "{err}"
    );

    // Signed by alice, then one byte of its code changed: the signature no longer holds.
    hello(dir, "altered", Some(&alice));
    let mut altered = std::fs::read(dir.join("altered.wasm")).unwrap();
    let greeting = altered
        .windows(5)
        .position(|w| w == b"hello")
        .expect("hello.wasm holds its greeting");
    altered[greeting] = b'j';
    let (status, _, err) = install(&home, &write_capability(dir, "altered", &altered));
    assert_eq!(status, 1);
    assert!(
        err.contains("capability `altered`: its signature does not verify"),
        "{err}"
    );

    let (status, out, err) = install(&home, &hello(dir, "good", Some(&alice)));
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("installed good 1.0.0"), "{out}");
    let (status, out, _) = home.run("good && cap show good");
    assert_eq!(status, 0);
    assert!(out.starts_with("hello from wasm\n"), "{out}");
    assert!(out.contains("signature  signed by alice"), "{out}");

    let (_, log, _) = home.run("audit log");
    assert!(log.contains("good 1.0.0 (signed by alice)"), "{log}");
    for refused in ["unsigned", "foreign", "altered"] {
        assert!(
            log.lines()
                .any(|l| l.contains("refused") && l.contains(refused)),
            "{refused} is not logged as refused:\n{log}"
        );
    }
}

#[test]
fn bad_trust_commands_are_named_and_change_nothing() {
    let home = Home::new();
    let dir = home.path();
    std::fs::write(dir.join("junk.pub"), "not a key").unwrap();
    home.refuses(
        &format!("cap trust add bob {}/junk.pub", dir.display()),
        1,
        "not an Ed25519 public key",
    );
    home.refuses(
        "cap trust remove nobody",
        1,
        "no trusted key is called `nobody`",
    );
    let (status, _, err) = home.run("cap trust require maybe");
    assert_eq!(status, 2, "{err}");
    let (_, out, _) = home.run("gen list");
    assert_eq!(
        out.lines().filter(|l| l.contains("set-policy")).count(),
        0,
        "{out}"
    );
    // A name already trusted with another key is not replaced unasked, and an update that
    // changes nothing makes no generation.
    for (name, key) in [
        ("one.pub", KeyPair::generate()),
        ("two.pub", KeyPair::generate()),
    ] {
        std::fs::write(dir.join(name), key.pk.to_bytes()).unwrap();
    }
    let at = dir.display();
    let (status, _, err) = home.run(&format!("cap trust add ok {at}/one.pub"));
    assert_eq!(status, 0, "{err}");
    home.refuses(
        &format!("cap trust add ok {at}/two.pub"),
        1,
        "another key is trusted as `ok` already; `cap trust remove ok` first",
    );
    for unchanged in [
        format!("cap trust add ok {at}/one.pub"),
        "cap trust require no; cap trust require no".to_owned(),
    ] {
        let (_, _, err) = home.run(&unchanged);
        assert!(err.contains("nothing to change:"), "{unchanged}: {err}");
    }
    let current = home.run("gen list").1;
    home.refuses(
        &format!("gen rollback {}", current.matches("set-policy").count() + 1),
        1,
        "is current already; no generation was made",
    );
    assert_eq!(home.run("gen list").1, current);
}
