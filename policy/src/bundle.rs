//! Bundles: one generation, self-contained, to move it to another machine (`gen export` / `gen import`).
//!
//! A bundle is one JSON document with the generation's record, every blob it references (base64), and
//! the audit log from its first entry up to the one that created the generation, which records the
//! digest of the generation's contents. [`import`] checks all of it, and verifies every capability
//! again, before it writes anything; a refusal is logged and changes nothing else.
//!
//! The proof is integrity, not authenticity: it shows that the bundle is whole and consistent with
//! the history it carries, and catches damage and careless edits. The chain is unkeyed, so someone
//! who rewrites the whole history can make a consistent one; what vouches for a capability's code is
//! its own verification here (and, with the symbolic executor, its signature).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use store::{AuditEntry, AuditEvent, BlobHash, ChainBreak, Generation, Store, StoreError};

use crate::{Grant, Manifest, Verifier, VerifyError};

/// The bundle layout this ncsh writes and reads.
pub const BUNDLE_FORMAT: u32 = 1;

/// A generation with everything needed to use and check it elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    /// [`BUNDLE_FORMAT`] when written.
    pub format: u32,
    /// The generation as its store holds it.
    pub generation: Generation,
    /// Every blob the generation references, by hash.
    pub blobs: BTreeMap<BlobHash, Bytes>,
    /// The audit log, from entry 1 to the entry that created the generation.
    pub audit: Vec<AuditEntry>,
}

/// Bytes that travel in JSON as base64.
#[derive(Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// Why a bundle could not be written or was refused.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The file is not a bundle.
    #[error("not an ncsh bundle ({0}); pass a file written by `gen export`")]
    Unreadable(String),
    /// A newer ncsh wrote it.
    #[error(
        "the bundle has format {0}, written by a newer ncsh (this one reads {BUNDLE_FORMAT}); upgrade ncsh to import it"
    )]
    NewerFormat(u32),
    /// A blob's bytes do not hash to its name.
    #[error(
        "blob {0} in the bundle does not match its sha256: the bundle was damaged; export it again"
    )]
    DamagedBlob(BlobHash),
    /// The generation references a blob the bundle lacks.
    #[error("the bundle lacks blob {0}, which its generation uses; export it again")]
    MissingBlob(BlobHash),
    /// A stored record (a manifest or grant blob) is not what it should be.
    #[error("the bundle's {0} cannot be read; export it again")]
    BadRecord(String),
    /// A capability has a name this ncsh reserves, which an older ncsh let it be installed under.
    #[error(
        "capability `{0}` in the bundle has a name this ncsh reserves (a shell builtin or keyword, \
         or its built-in `calc` or `fs`), so the shell would never run it. In the shell that \
         exported the bundle, `cap remove {0}`, install the capability under another name, and \
         `gen export` again (`calc` and `fs` are built in and need no install)"
    )]
    ReservedName(String),
    /// The audit proof is broken.
    #[error("the bundle's audit proof is broken: {0}")]
    Audit(ChainBreak),
    /// The audit proof does not end with the creation of this generation, with these contents.
    #[error(
        "the bundle's audit proof does not end with the creation of generation {0} with the contents the bundle holds: \
         the bundle was altered or cut short; export it again"
    )]
    NotProven(u64),
    /// A capability failed verification here.
    #[error("capability `{name}` in the bundle was refused: {error}")]
    Refused {
        /// The capability.
        name: String,
        /// Why.
        error: Box<VerifyError>,
    },
    /// A generation here holds what the bundle's does: importing it would make a copy.
    #[error(
        "generation {0} here holds what the bundle's generation holds; no generation was made (`gen rollback {0}` makes it current)"
    )]
    AlreadyHere(u64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether `event` is the one that created `generation`, with these contents: a bundle whose
/// generation was altered after export does not pass for the one the log vouches for. (An entry from
/// before contents were recorded proves nothing, so such a generation cannot be exported.)
fn creates(event: &AuditEvent, generation: &Generation) -> bool {
    match event {
        AuditEvent::Created {
            generation: id,
            contents,
        }
        | AuditEvent::Updated {
            generation: id,
            contents,
            ..
        }
        | AuditEvent::Imported {
            generation: id,
            contents,
            ..
        } => *id == generation.id && *contents == Some(generation.contents.digest()),
        AuditEvent::RolledBack { .. } | AuditEvent::Refused { .. } => false,
    }
}

/// The blobs generation `generation` references.
fn referenced(generation: &Generation) -> Vec<BlobHash> {
    let contents = &generation.contents;
    let mut hashes: Vec<BlobHash> = contents
        .capabilities
        .values()
        .flat_map(|c| [c.manifest, c.wasm, c.grant])
        .collect();
    if let Some(model) = &contents.model {
        hashes.push(model.weights);
        hashes.extend(model.eval_report);
    }
    hashes
}

/// Gathers generation `id` from `store` into a bundle, after checking the store's audit chain.
///
/// # Errors
/// An unknown generation, a damaged blob, or a broken audit chain.
pub fn export(store: &Store, id: u64) -> Result<Bundle, BundleError> {
    let generation = store.generation(id)?;
    store.verify()?;
    let mut blobs = BTreeMap::new();
    for hash in referenced(&generation) {
        blobs.insert(hash, Bytes(store.blob(&hash)?));
    }
    let mut audit = store.audit_entries()?;
    let made = audit
        .iter()
        .position(|entry| creates(&entry.event, &generation))
        .ok_or(BundleError::NotProven(id))?;
    audit.truncate(made + 1);
    Ok(Bundle {
        format: BUNDLE_FORMAT,
        generation,
        blobs,
        audit,
    })
}

/// Reads a bundle from its JSON text, refusing a newer format by name.
///
/// # Errors
/// [`BundleError::Unreadable`] or [`BundleError::NewerFormat`].
pub fn parse(text: &[u8]) -> Result<Bundle, BundleError> {
    #[derive(Deserialize)]
    struct Header {
        format: u32,
    }
    let header: Header =
        serde_json::from_slice(text).map_err(|e| BundleError::Unreadable(e.to_string()))?;
    if header.format > BUNDLE_FORMAT {
        return Err(BundleError::NewerFormat(header.format));
    }
    serde_json::from_slice(text).map_err(|e| BundleError::Unreadable(e.to_string()))
}

/// Checks `bundle` whole, then adds its generation to `store` (not made current) and logs the import
/// with `source`. A capability that fails `verifier` is logged as a refused import.
///
/// # Errors
/// See [`BundleError`]; nothing is written unless every check passes (a refusal is logged).
pub fn import(
    store: &Store,
    bundle: &Bundle,
    verifier: &dyn Verifier,
    actor: &str,
    source: &str,
) -> Result<Generation, BundleError> {
    let generation = &bundle.generation;
    for (hash, bytes) in &bundle.blobs {
        if BlobHash::of(&bytes.0) != *hash {
            return Err(BundleError::DamagedBlob(*hash));
        }
    }
    let blob = |hash: &BlobHash| {
        bundle
            .blobs
            .get(hash)
            .map(|b| b.0.as_slice())
            .ok_or(BundleError::MissingBlob(*hash))
    };
    for hash in referenced(generation) {
        blob(&hash)?;
    }
    let chain = bundle.audit.iter().map(|entry| {
        let bytes = serde_json::to_vec(entry).unwrap_or_default();
        (entry.seq, bytes)
    });
    store::audit::verify_chain(chain, bundle.audit.len() as u64).map_err(BundleError::Audit)?;
    if !bundle
        .audit
        .last()
        .is_some_and(|entry| creates(&entry.event, generation))
    {
        return Err(BundleError::NotProven(generation.id));
    }
    if let Some(here) = (store.generations()?.iter())
        .rev()
        .find(|here| here.contents == generation.contents)
    {
        return Err(BundleError::AlreadyHere(here.id));
    }
    // Signatures are checked against the keys this store's policy trusts, not the bundle's own.
    let trusted = store.generation(store.current()?)?.contents.policy_rules;
    let mut compiled = Vec::new();
    for (name, capability) in &generation.contents.capabilities {
        let manifest: Manifest = serde_json::from_slice(blob(&capability.manifest)?)
            .map_err(|_| BundleError::BadRecord(format!("manifest of `{name}`")))?;
        if crate::manifest::is_reserved_name(name) {
            return Err(BundleError::ReservedName(name.clone()));
        }
        if manifest.name != *name || manifest.version.to_string() != capability.version {
            return Err(BundleError::BadRecord(format!(
                "capability `{name}` (its manifest says {} {})",
                manifest.name, manifest.version
            )));
        }
        let grant: Grant = serde_json::from_slice(blob(&capability.grant)?)
            .map_err(|_| BundleError::BadRecord(format!("grant of `{name}`")))?;
        let wasm = blob(&capability.wasm)?;
        match verifier.verify(&manifest, &grant, wasm, &trusted) {
            Ok(verified) => compiled.push((capability.wasm, verified)),
            Err(error) => {
                let summary = format!("generation {} from {source}", generation.id);
                store.record_refusal(actor, "import", &summary, &error.to_string())?;
                return Err(BundleError::Refused {
                    name: name.clone(),
                    error: Box::new(error),
                });
            }
        }
    }
    for (wasm, verified) in compiled {
        crate::keep_precompiled(store, &wasm, verified)?;
    }
    for hash in referenced(generation) {
        store.put_blob(blob(&hash)?)?;
    }
    let reason = format!("import of generation {} from {source}", generation.id);
    Ok(store.import(&generation.contents, actor, &reason, source)?)
}
