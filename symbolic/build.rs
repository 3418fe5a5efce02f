//! Builds the guest capabilities in `guests/` to WebAssembly (wasm32-wasi, WASI p1 command modules)
//! with the system's Rust compiler, which has that target where rustup's may not: on Debian,
//! `apt-get install rustc libstd-rust-dev-wasm32` (`.ci/run` does). `NCSH_GUEST_RUSTC` names another
//! compiler. The guests keep to std and to the Rust of that compiler (1.63 on Debian 12).
//!
//! Where no such compiler is installed, the build uses the copies committed in `guests/prebuilt/`
//! and says so; a test checks that those are byte for byte what the sources build to.

use std::path::Path;
use std::process::Command;

const GUESTS: &[&str] = &["calc", "fs", "probe"];

fn main() {
    println!("cargo:rerun-if-changed=guests");
    println!("cargo:rerun-if-env-changed=NCSH_GUEST_RUSTC");
    let rustc = std::env::var("NCSH_GUEST_RUSTC").unwrap_or_else(|_| "/usr/bin/rustc".to_owned());
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for guest in GUESTS {
        let source = Path::new("guests").join(format!("{guest}.rs"));
        let wasm = Path::new(&out).join(format!("{guest}.wasm"));
        // A clean environment: the flags cargo passes to this build are for the host, not for wasm.
        let status = Command::new(&rustc)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WRAPPER")
            .args([
                "--target",
                "wasm32-wasi",
                "--edition",
                "2021",
                "--crate-type",
                "bin",
            ])
            .args([
                "-C",
                "opt-level=2",
                "-C",
                "strip=symbols",
                "-C",
                "debuginfo=0",
            ])
            .arg("-o")
            .arg(&wasm)
            .arg(&source)
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => panic!(
                "building the guest {} failed ({status}); the compiler's errors are above",
                source.display()
            ),
            Err(e) => {
                println!(
                    "cargo:warning=cannot run {rustc} ({e}); using the committed guests/prebuilt/{guest}.wasm. \
                     To build the guests from source, install a Rust compiler with the wasm32-wasi target \
                     (on Debian: apt-get install rustc libstd-rust-dev-wasm32) or set NCSH_GUEST_RUSTC"
                );
                let prebuilt = Path::new("guests/prebuilt").join(format!("{guest}.wasm"));
                std::fs::copy(&prebuilt, &wasm)
                    .unwrap_or_else(|e| panic!("cannot copy {}: {e}", prebuilt.display()));
            }
        }
    }
}
