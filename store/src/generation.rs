//! Generations: immutable records of what ncsh's runtime is made of at one point in its history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::BlobHash;

/// A generation's number. Numbers are given in order of creation and never reused.
pub type GenerationId = u64;

/// One installed capability, by the blobs that define it. The store does not read them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityRef {
    /// The capability's version, as its manifest says.
    pub version: String,
    /// The manifest, as installed.
    pub manifest: BlobHash,
    /// The code the manifest names.
    pub wasm: BlobHash,
    /// The permissions the user granted at install.
    pub grant: BlobHash,
}

/// The learned runtime's weights and the evaluation that justified promoting them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    /// The weights.
    pub weights: BlobHash,
    /// The evaluation report, when there is one.
    pub eval_report: Option<BlobHash>,
}

/// What a generation contains: everything that decides how the runtime behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// Installed capabilities by command name.
    pub capabilities: BTreeMap<String, CapabilityRef>,
    /// The model, if one has been promoted.
    pub model: Option<ModelRef>,
    /// Policy rules by name.
    pub policy_rules: BTreeMap<String, String>,
}

impl Contents {
    /// sha256 of the contents as JSON. Maps are ordered and fields written in declaration order, so
    /// equal contents give equal digests.
    pub fn digest(&self) -> BlobHash {
        BlobHash::of(&serde_json::to_vec(self).unwrap_or_default())
    }
}

/// A generation as stored: never changed after it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    /// Its number.
    pub id: GenerationId,
    /// The generation it was made from; `None` only for the first. Stored explicitly, so that
    /// "roll back" means "go to what this was made from", never "the number before this one".
    pub parent: Option<GenerationId>,
    /// When it was made, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Who made it (user name, or `ncsh` for the first).
    pub actor: String,
    /// Why: the update that made it, in words.
    pub reason: String,
    /// What it contains.
    pub contents: Contents,
}

/// A generation to be committed on top of `parent`.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The generation this one is made from; the commit fails if current has moved since.
    pub parent: GenerationId,
    /// Who asks.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// The new contents.
    pub contents: Contents,
}
