//! Structural verification: is this wasm the binary the manifest names, and does it ask only for what
//! the grant allows?
//!
//! These checks read the binary; they never run it. They come first in the verification pipeline
//! because they are cheap and because a binary that fails them must not reach the sandbox at all.
//! The checks run in a fixed order and the first failure is reported:
//!
//! 1. its SHA-256 matches `wasm.sha256`;
//! 2. it is valid WebAssembly (core or component model);
//! 3. it is the `kind` the manifest declares;
//! 4. every import is one the host provides and the grant allows: WASI only, and network interfaces
//!    only with a network grant.

use std::fmt;

use wasmparser::{Parser, Payload, Validator, WasmFeatures};

use crate::manifest::{Grant, Kind, Manifest};

/// The core module namespace of WASI, which the host provides to a p1 module.
const WASI_P1: &str = "wasi_snapshot_preview1";

/// The one import a p1 module may take beyond WASI: `ncsh.lstat`, which tells what `ls -l` needs
/// (permission bits, owners, blocks) of a path inside the grant's directories.
const NCSH_LSTAT: (&str, &str) = ("ncsh", "lstat");

/// What structural verification learned about a binary that passed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasmFacts {
    /// What the binary is (and, having passed, what the manifest says).
    pub kind: Kind,
    /// Its top-level imports, in binary order.
    pub imports: Vec<WasmImport>,
}

/// One import of a capability's binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmImport {
    /// A core module import: `module` namespace and `name` field.
    Core {
        /// The namespace, such as `wasi_snapshot_preview1`.
        module: String,
        /// The item, such as `fd_write`.
        name: String,
    },
    /// A component import, such as `wasi:cli/stdout@0.2.0`.
    Component {
        /// The import name.
        name: String,
    },
}

impl WasmImport {
    /// Whether this import reaches the network.
    fn is_network(&self) -> bool {
        match self {
            WasmImport::Core { module, name } => module == WASI_P1 && name.starts_with("sock_"),
            WasmImport::Component { name } => {
                name.starts_with("wasi:sockets/") || name.starts_with("wasi:http/")
            }
        }
    }

    /// Whether the host provides this import at all.
    fn is_provided(&self) -> bool {
        match self {
            WasmImport::Core { module, name } => {
                module == WASI_P1 || (module.as_str(), name.as_str()) == NCSH_LSTAT
            }
            WasmImport::Component { name } => name.starts_with("wasi:"),
        }
    }
}

impl fmt::Display for WasmImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasmImport::Core { module, name } => write!(f, "{module}.{name}"),
            WasmImport::Component { name } => f.write_str(name),
        }
    }
}

/// Why a binary failed structural verification.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The binary is not the one the manifest names.
    #[error(
        "capability `{capability}`: the wasm's sha256 is {actual} but the manifest says {expected}; \
         if this binary is the one you mean, put {actual} in `wasm.sha256`, otherwise rebuild or re-copy it"
    )]
    HashMismatch {
        /// The capability's name.
        capability: String,
        /// `wasm.sha256` from the manifest.
        expected: String,
        /// The binary's actual hash.
        actual: String,
    },
    /// The bytes are not valid WebAssembly.
    #[error(
        "capability `{capability}`: the wasm is not valid WebAssembly: {message} (at byte offset {offset}); \
         rebuild it for wasm32-wasip2 (component) or wasm32-wasip1 (module)"
    )]
    InvalidWasm {
        /// The capability's name.
        capability: String,
        /// wasmparser's message.
        message: String,
        /// Where in the binary it failed.
        offset: usize,
    },
    /// The binary is a component and the manifest says module, or the other way round.
    #[error(
        "capability `{capability}`: the manifest says kind = \"{declared}\" but the wasm is a {actual}; \
         set `kind = \"{actual}\"` in the manifest, or build the {declared} it promises"
    )]
    KindMismatch {
        /// The capability's name.
        capability: String,
        /// `kind` from the manifest.
        declared: Kind,
        /// What the binary is.
        actual: Kind,
    },
    /// The binary imports a network interface and the grant has no network.
    #[error(
        "capability `{capability}`: it imports `{import}`, which reaches the network, and its grant does not \
         allow network; set `network = true` under [permissions] and approve it at install, or build it \
         without networking"
    )]
    NetworkRefused {
        /// The capability's name.
        capability: String,
        /// The import, as `module.name` (core) or the interface name (component).
        import: String,
    },
    /// The binary imports something the host does not provide.
    #[error(
        "capability `{capability}`: it imports `{import}`, but ncsh provides only WASI ({provided}); \
         build it so that it imports nothing else (a plain wasm32-wasip1 or wasm32-wasip2 command)"
    )]
    ForeignImport {
        /// The capability's name.
        capability: String,
        /// The import, as `module.name` (core) or the interface name (component).
        import: String,
        /// What the host provides for this kind.
        provided: &'static str,
    },
    /// Policy requires signatures and this capability carries none.
    #[error(
        "capability `{capability}`: it is not signed, and policy requires signatures; sign it with \
         `wasmsign2 sign` by a key policy trusts (`cap trust list`), or turn the rule off with \
         `cap trust require no`"
    )]
    Unsigned {
        /// The capability's name.
        capability: String,
    },
    /// Its signature does not verify under any key policy trusts.
    #[error(
        "capability `{capability}`: its signature does not verify under any key policy trusts \
         ({}); it was changed after signing, or signed by another key: trust that key with \
         `cap trust add NAME KEYFILE` if you mean to",
        if trusted.is_empty() { "none is trusted".to_owned() } else { format!("trusted: {}", trusted.join(", ")) }
    )]
    BadSignature {
        /// The capability's name.
        capability: String,
        /// The names of the keys policy trusts.
        trusted: Vec<String>,
    },
    /// The executor could not compile or link it.
    #[error("capability `{capability}`: it cannot be run: {message}")]
    Unrunnable {
        /// The capability's name.
        capability: String,
        /// What the executor said.
        message: String,
    },
    /// A contract example did not give what the manifest promises.
    #[error(
        "capability `{capability}`: contract example {index} (args {args:?}) gave {got}, but the manifest \
         promises {expected}; fix the capability, or the example in the manifest"
    )]
    Contract {
        /// The capability's name.
        capability: String,
        /// Which example (0-based, as `contract[N]` in the manifest).
        index: usize,
        /// Its arguments.
        args: Vec<String>,
        /// What the manifest promises: stdout and status.
        expected: String,
        /// What the run gave.
        got: String,
    },
}

/// Checks `wasm` against its manifest and the grant, in the order given in the [module docs](self).
///
/// # Errors
///
/// The first check that fails, as the matching [`VerifyError`] variant.
pub fn check_wasm(
    manifest: &Manifest,
    grant: &Grant,
    wasm: &[u8],
) -> Result<WasmFacts, VerifyError> {
    let capability = || manifest.name.clone();

    let actual = store::BlobHash::of(wasm).to_string();
    if actual != manifest.wasm.sha256 {
        return Err(VerifyError::HashMismatch {
            capability: capability(),
            expected: manifest.wasm.sha256.clone(),
            actual,
        });
    }

    let features = WasmFeatures::default() | WasmFeatures::COMPONENT_MODEL;
    Validator::new_with_features(features)
        .validate_all(wasm)
        .map_err(|err| VerifyError::InvalidWasm {
            capability: capability(),
            message: err.message().to_string(),
            offset: err.offset(),
        })?;

    // Valid bytes start with one of the two headers, so anything not a component is a core module.
    let kind = if Parser::is_component(wasm) {
        Kind::Component
    } else {
        Kind::Module
    };
    if kind != manifest.kind {
        return Err(VerifyError::KindMismatch {
            capability: capability(),
            declared: manifest.kind,
            actual: kind,
        });
    }

    let imports = top_level_imports(wasm).map_err(|err| VerifyError::InvalidWasm {
        capability: capability(),
        message: err.message().to_string(),
        offset: err.offset(),
    })?;
    for import in &imports {
        if import.is_network() && !grant.network {
            return Err(VerifyError::NetworkRefused {
                capability: capability(),
                import: import.to_string(),
            });
        }
        if !import.is_provided() {
            return Err(VerifyError::ForeignImport {
                capability: capability(),
                import: import.to_string(),
                provided: match kind {
                    Kind::Component => "`wasi:*` interfaces",
                    Kind::Module => "the `wasi_snapshot_preview1` module and `ncsh.lstat`",
                },
            });
        }
    }

    Ok(WasmFacts { kind, imports })
}

/// The imports the host must satisfy. Modules and components nested inside a component import from
/// their parent, not from the host, so only the outermost level counts.
fn top_level_imports(wasm: &[u8]) -> wasmparser::Result<Vec<WasmImport>> {
    let mut imports = Vec::new();
    // Each nested module or component opens with a `Version` payload and closes with `End`.
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ImportSection(reader) if depth == 1 => {
                for import in reader.into_imports() {
                    let import = import?;
                    imports.push(WasmImport::Core {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    });
                }
            }
            Payload::ComponentImportSection(reader) if depth == 1 => {
                for import in reader {
                    imports.push(WasmImport::Component {
                        name: import?.name.name.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(imports)
}

#[cfg(test)]
mod tests;
