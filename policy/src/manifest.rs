//! Capability manifests: what a capability is, what it asks for, and what it must do.
//!
//! A capability is a WASI command (a p2 component or a p1 module) that ncsh runs as a shell command. Its
//! manifest is a TOML file beside the wasm. [`Manifest::load`] reads one and checks every field, so a
//! `Manifest` value is always well formed: a bad manifest is refused with an error that names the field,
//! says what is wrong and how to fix it.
//!
//! What the manifest asks for is not yet what the capability gets: at install time the user approves a
//! [`Grant`], which starts as the manifest's permissions and may add directories.
//!
//! # Format
//!
//! ```toml
//! # The command name: a lowercase letter, then up to 31 of [a-z0-9_-]. It may not be a shell
//! # builtin or keyword (cd, exit, cap, gen, audit, daemon, if, for, ...), nor calc or fs, which
//! # ncsh ships: see is_reserved_name.
//! name = "bigcalc"
//! # A semantic version.
//! version = "1.0.0"
//! # One line, at most 200 characters.
//! description = "Exact integer arithmetic"
//! # "component" (a WASI p2 command component) or "module" (a WASI p1 command module).
//! kind = "component"
//!
//! [wasm]
//! # Relative to the manifest's directory, or absolute. The file need not exist when the manifest
//! # is parsed; it is read and checked at install time.
//! path = "bigcalc.wasm"
//! # The first column of `sha256sum bigcalc.wasm`: 64 lowercase hex digits.
//! sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//!
//! # Optional, and so is every field in it; what is left out is not granted.
//! [permissions]
//! # Directories the capability may read. `~` expands to HOME. Each must exist.
//! read = ["~/notes"]
//! # Directories the capability may read and write.
//! write = ["/tmp/scratch"]
//! # Environment variables passed through.
//! env = ["LANG"]
//! # Whether the capability reads the shell's standard input (default false).
//! stdin = true
//! # Whether the capability may open network connections (default false).
//! network = false
//!
//! # Optional; these are the defaults, except fuel, which is unlimited unless given.
//! [limits]
//! memory_mb = 64          # 1 to 4096
//! wall_ms = 10000         # 1 to 600000
//! fuel = 1000000000       # instructions, roughly; at least 1
//! max_output_kb = 1024    # 1 to 65536
//!
//! # Zero or more examples the capability must satisfy before an install or upgrade is accepted.
//! [[contract]]
//! args = ["1+2"]          # default []
//! stdin = ""              # default ""
//! stdout = "3\n"          # required: the exact output
//! status = 0              # default 0; 0 to 255
//! ```
//!
//! # Example
//!
//! ```
//! use policy::manifest::{Kind, Manifest};
//! use std::path::Path;
//!
//! let text = r#"
//!     name = "bigcalc"
//!     version = "1.0.0"
//!     description = "Exact integer arithmetic"
//!     kind = "component"
//!     [wasm]
//!     path = "bigcalc.wasm"
//!     sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! "#;
//! let manifest = Manifest::parse(text, Path::new("/opt/caps")).unwrap();
//! assert_eq!(manifest.kind, Kind::Component);
//! assert_eq!(manifest.wasm.path, Path::new("/opt/caps/bigcalc.wasm"));
//!
//! let err = Manifest::parse(&text.replace("bigcalc.wasm", ""), Path::new("/opt/caps")).unwrap_err();
//! assert!(err.to_string().contains("manifest field `wasm.path`: it is empty"));
//! ```

mod check;
mod grant;
mod raw;
mod serde_path;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use check::is_reserved_name;
pub use grant::Grant;

/// A checked capability manifest.
///
/// Values from [`Manifest::parse`] and [`Manifest::load`] satisfy every rule in the
/// [module docs](self); deserializing one (for example from the store) trusts that it was checked when it
/// was first parsed.
///
/// The field order is part of [`Manifest::canonical_bytes`], and so of every stored manifest hash: do
/// not reorder fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The command name the shell runs it by.
    pub name: String,
    /// Its version; upgrades compare these.
    pub version: semver::Version,
    /// One line saying what it does.
    pub description: String,
    /// Which ABI the wasm uses.
    pub kind: Kind,
    /// The wasm binary and its expected hash.
    pub wasm: WasmRef,
    /// What it asks to be granted.
    pub permissions: Permissions,
    /// Resource limits the sandbox enforces.
    pub limits: Limits,
    /// Examples it must satisfy.
    pub contract: Vec<ContractExample>,
}

/// The ABI of a capability's wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A WASI preview 2 command component.
    Component,
    /// A WASI preview 1 command module (a core wasm module).
    Module,
}

impl fmt::Display for Kind {
    /// The manifest spelling: `component` or `module`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Component => "component",
            Kind::Module => "module",
        })
    }
}

/// Where the wasm binary is and what it must hash to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmRef {
    /// Absolute path, resolved against the manifest's directory. Not required to exist at parse time.
    #[serde(with = "serde_path::one")]
    pub path: PathBuf,
    /// SHA-256 of the binary, 64 lowercase hex digits.
    pub sha256: String,
}

/// What a capability asks for. Nothing is granted by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// Directories to read, canonical absolute paths that existed at parse time.
    #[serde(with = "serde_path::list")]
    pub read: Vec<PathBuf>,
    /// Directories to read and write, canonical absolute paths that existed at parse time.
    #[serde(with = "serde_path::list")]
    pub write: Vec<PathBuf>,
    /// Environment variables passed through, by name.
    pub env: Vec<String>,
    /// Whether it reads the shell's standard input.
    pub stdin: bool,
    /// Whether it may use the network.
    pub network: bool,
}

/// Resource limits for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Linear memory ceiling, in MiB (1 to 4096; default 64).
    pub memory_mb: u32,
    /// Wall-clock limit, in milliseconds (1 to 600000; default 10000).
    pub wall_ms: u64,
    /// Fuel (roughly, instructions) per run; `None` means unmetered.
    pub fuel: Option<u64>,
    /// Output ceiling across stdout and stderr, in KiB (1 to 65536; default 1024).
    pub max_output_kb: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_mb: 64,
            wall_ms: 10_000,
            fuel: None,
            max_output_kb: 1024,
        }
    }
}

/// One run the capability must reproduce exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractExample {
    /// Arguments after the command name.
    pub args: Vec<String>,
    /// Standard input fed to it.
    pub stdin: String,
    /// The exact standard output expected.
    pub stdout: String,
    /// The exit status expected.
    pub status: u8,
}

/// Where in a manifest an error is: the file, when there is one, and the TOML line and column, when
/// the error has a place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The manifest file, when it was loaded from one.
    pub path: Option<PathBuf>,
    /// The line and column, when the error has a place in the text.
    pub position: Option<Position>,
}

/// A place in the manifest text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    /// `path:line:col: `, or as much of it as is known, so that it can prefix a message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.position) {
            (Some(path), Some(Position { line, column })) => {
                write!(f, "{}:{line}:{column}: ", path.display())
            }
            (Some(path), None) => write!(f, "{}: ", path.display()),
            (None, Some(Position { line, column })) => write!(f, "line {line}, column {column}: "),
            (None, None) => Ok(()),
        }
    }
}

/// Why a manifest or a grant was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest file could not be read.
    #[error("cannot read manifest {}: {source}; check the path and its permissions", path.display())]
    Read {
        /// The manifest file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The text is not TOML, a key is unknown or misspelled, or a table has the wrong shape.
    #[error(
        "{at}not a valid manifest: {message}; fix the TOML there (the manifest format is in the README)"
    )]
    Toml {
        /// Where.
        at: Location,
        /// The TOML parser's message; for an unknown key, it names the key and the keys allowed.
        message: String,
    },
    /// A field is missing or its value breaks a rule.
    #[error("{at}manifest field `{field}`: {problem}; {fix}")]
    Field {
        /// Where.
        at: Location,
        /// The field, as a dotted path: `wasm.sha256`, `contract[0].stdout`.
        field: String,
        /// What is wrong.
        problem: String,
        /// The way out.
        fix: String,
    },
    /// A directory added to a grant at install time was refused.
    #[error("grant `{field}`: {problem}; {fix}")]
    Grant {
        /// `read` or `write`.
        field: &'static str,
        /// What is wrong.
        problem: String,
        /// The way out.
        fix: String,
    },
}

impl Manifest {
    /// Reads and checks the manifest at `path`. Relative paths in it resolve against its directory;
    /// `~` expands to `$HOME`.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Read`] when the file cannot be read; otherwise as [`Manifest::parse`].
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        Manifest::load_with_home(path, env_home().as_deref())
    }

    /// As [`Manifest::load`], with `home` for `~` instead of `$HOME` (`None`: a `~` is an error).
    ///
    /// # Errors
    ///
    /// As [`Manifest::load`].
    pub fn load_with_home(path: &Path, home: Option<&Path>) -> Result<Manifest, ManifestError> {
        let read = |path| {
            let bytes = crate::input_file::read(path, crate::input_file::Kind::Manifest)?;
            String::from_utf8(bytes)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        };
        let text = read(path).map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let base_dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        raw::parse(&text, base_dir, Some(path), home)
    }

    /// Parses and checks manifest text. `wasm.path` resolves against `base_dir`; `~` expands to
    /// `$HOME`. Permission directories must exist now.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Toml`] when the text is not TOML of the right shape (including an unknown key),
    /// [`ManifestError::Field`] when a value is missing or breaks a rule.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Manifest, ManifestError> {
        Manifest::parse_with_home(text, base_dir, env_home().as_deref())
    }

    /// As [`Manifest::parse`], with `home` for `~` instead of `$HOME` (`None`: a `~` is an error).
    ///
    /// # Errors
    ///
    /// As [`Manifest::parse`].
    pub fn parse_with_home(
        text: &str,
        base_dir: &Path,
        home: Option<&Path>,
    ) -> Result<Manifest, ManifestError> {
        raw::parse(text, base_dir, None, home)
    }

    /// A deterministic serialization (compact JSON, fields in declaration order) used to address the
    /// manifest by content: equal manifests give equal bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        canonical_json(self)
    }
}

/// Compact JSON of a value made only of strings, integers, booleans, options, lists and structs.
fn canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    // serde_json fails only on non-string map keys or a failing Serialize impl; these types have
    // neither (paths go through `serde_path`, which never fails).
    serde_json::to_vec(value).expect("manifest types always serialize to JSON")
}

fn env_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}
