//! Update transactions (install, upgrade, remove, promote a model, set a policy rule, roll back):
//! the only way the current generation changes.
//!
//! Each update verifies what it would install, then either commits a new generation (through
//! [`store::Store::commit`], which moves current and logs the update in one durable transaction) or
//! logs the refusal and changes nothing. Reading a generation never writes anything: running commands
//! cannot change what a generation contains.

use std::collections::BTreeMap;

use store::{
    CapabilityRef, Contents, Draft, Generation, GenerationId, ModelRef, Store, StoreError,
};

use crate::signature::Signature;
use crate::{Grant, Manifest, VerifyError, check_wasm};

/// The verification pipeline an update runs before it commits. The symbolic executor implements it
/// with the full checks (running the contract examples, and compiling the code once, for good);
/// [`Structural`] is the part that needs no executor.
pub trait Verifier {
    /// Checks `wasm` against `manifest`, `grant` and the policy `rules` of the generation it would
    /// join (the keys signatures are checked with).
    ///
    /// # Errors
    /// Why it must not be installed.
    fn verify(
        &self,
        manifest: &Manifest,
        grant: &Grant,
        wasm: &[u8],
        rules: &BTreeMap<String, String>,
    ) -> Result<Verified, VerifyError>;
}

/// What a verification made besides its verdict.
#[derive(Debug, Default)]
pub struct Verified {
    /// Who signed it.
    pub signature: Signature,
    /// The code compiled for the verifier's engine, kept so that no call compiles it again.
    pub precompiled: Option<Precompiled>,
}

/// Native code compiled from a capability's wasm.
#[derive(Debug)]
pub struct Precompiled {
    /// The compatibility key of the engine that compiled it (and alone may load it).
    pub engine: String,
    /// The code.
    pub artifact: Vec<u8>,
}

/// Hash, wasm validity, declared kind, imports against the grant, and signature.
pub struct Structural;

impl Verifier for Structural {
    fn verify(
        &self,
        manifest: &Manifest,
        grant: &Grant,
        wasm: &[u8],
        rules: &BTreeMap<String, String>,
    ) -> Result<Verified, VerifyError> {
        Ok(Verified {
            signature: check_binary(manifest, grant, wasm, rules)?,
            precompiled: None,
        })
    }
}

/// The checks that read the binary without running it, in the pipeline's order: the structural ones
/// ([`check_wasm`]), then the signature against the keys in `rules` ([`crate::signature`]).
///
/// # Errors
/// The first that fails.
pub fn check_binary(
    manifest: &Manifest,
    grant: &Grant,
    wasm: &[u8],
    rules: &BTreeMap<String, String>,
) -> Result<Signature, VerifyError> {
    check_wasm(manifest, grant, wasm)?;
    crate::signature::check(&manifest.name, wasm, rules)
}

/// An update that did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// Verification refused it; the refusal is in the audit log.
    #[error("{0}")]
    Refused(#[from] VerifyError),
    /// The wasm the manifest names cannot be read.
    #[error("cannot read the wasm {path}: {source}; check `wasm.path` in the manifest")]
    MissingWasm {
        /// The path from the manifest.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `cap install` of a name that is installed.
    #[error(
        "`{0}` is already installed in the current generation; use `cap upgrade` to change it, or `cap remove` it first"
    )]
    AlreadyInstalled(String),
    /// `cap upgrade` or `cap remove` of a name that is not installed.
    #[error(
        "no capability `{0}` is installed in the current generation; `gen list` shows which that is, `gen show N` what it holds"
    )]
    NotInstalled(String),
    /// `cap upgrade` to the version already installed.
    #[error("`{name}` {version} is already installed; an upgrade needs a different version")]
    SameVersion {
        /// The capability.
        name: String,
        /// Its version.
        version: String,
    },
    /// The model gate refused new weights; the refusal is in the audit log.
    #[error("the model was not promoted: {0}")]
    ModelRefused(String),
    /// A policy rule that does not exist, or a value it cannot take.
    #[error("{0}")]
    BadRule(String),
    /// A rollback to the generation that is current: nothing is done.
    #[error("nothing to change: generation {0} is current already; no generation was made")]
    AlreadyCurrent(GenerationId),
    /// An update that would change nothing: no generation is made for it.
    #[error(
        "nothing to change: {what} is so in generation {current}, the current one; no generation was made"
    )]
    Unchanged {
        /// What the update would have made so.
        what: String,
        /// The current generation.
        current: GenerationId,
    },
    /// The store failed or refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Keeps the code a verification compiled, so that no call compiles it again.
///
/// # Errors
/// When the store cannot write.
pub fn keep_precompiled(
    store: &Store,
    wasm: &store::BlobHash,
    verified: Verified,
) -> Result<(), StoreError> {
    if let Some(precompiled) = verified.precompiled {
        store.put_precompiled(wasm, &precompiled.engine, &precompiled.artifact)?;
    }
    Ok(())
}

/// How many times an update is prepared again when another update moved current first. Each retry
/// means another update landed, so with a bounded number of shells this is never reached; it only
/// guards against a loop that a bug could make endless.
const RETRIES: usize = 10_000;

/// Updates made by one actor through one verifier.
pub struct Updates<'a> {
    store: &'a Store,
    verifier: &'a dyn Verifier,
    actor: String,
}

impl<'a> Updates<'a> {
    /// Updates to `store` on behalf of `actor`, checked by `verifier`.
    pub fn new(store: &'a Store, verifier: &'a dyn Verifier, actor: &str) -> Self {
        Self {
            store,
            verifier,
            actor: actor.to_owned(),
        }
    }

    /// Installs a capability that is not installed yet.
    ///
    /// # Errors
    /// See [`UpdateError`]; a failed verification is logged as a refusal.
    pub fn install(&self, manifest: &Manifest, grant: &Grant) -> Result<Generation, UpdateError> {
        self.put_capability("install", manifest, grant, |installed| match installed {
            Some(_) => Err(UpdateError::AlreadyInstalled(manifest.name.clone())),
            None => Ok(()),
        })
    }

    /// Replaces an installed capability with another version.
    ///
    /// # Errors
    /// See [`UpdateError`]; a failed verification is logged as a refusal.
    pub fn upgrade(&self, manifest: &Manifest, grant: &Grant) -> Result<Generation, UpdateError> {
        let version = manifest.version.to_string();
        self.put_capability("upgrade", manifest, grant, |installed| match installed {
            None => Err(UpdateError::NotInstalled(manifest.name.clone())),
            Some(old) if old.version == version => Err(UpdateError::SameVersion {
                name: manifest.name.clone(),
                version: version.clone(),
            }),
            Some(_) => Ok(()),
        })
    }

    fn put_capability(
        &self,
        kind: &str,
        manifest: &Manifest,
        grant: &Grant,
        allowed: impl Fn(Option<&CapabilityRef>) -> Result<(), UpdateError>,
    ) -> Result<Generation, UpdateError> {
        let summary = format!("{} {}", manifest.name, manifest.version);
        let wasm = crate::input_file::read(&manifest.wasm.path, crate::input_file::Kind::Wasm)
            .map_err(|source| UpdateError::MissingWasm {
                path: manifest.wasm.path.clone(),
                source,
            })?;
        let refuse = |refusal: VerifyError| -> Result<Generation, UpdateError> {
            self.store
                .record_refusal(&self.actor, kind, &summary, &refusal.to_string())?;
            Err(refusal.into())
        };
        let rules = self
            .store
            .generation(self.store.current()?)?
            .contents
            .policy_rules;
        let verified = match self.verifier.verify(manifest, grant, &wasm, &rules) {
            Ok(verified) => verified,
            Err(refusal) => return refuse(refusal),
        };
        let logged = match &verified.signature {
            Signature::By(key) => format!("{summary} (signed by {key})"),
            Signature::Unsigned | Signature::Unchecked => summary.clone(),
        };
        let capability = CapabilityRef {
            version: manifest.version.to_string(),
            manifest: self.store.put_blob(&manifest.canonical_bytes())?,
            wasm: self.store.put_blob(&wasm)?,
            grant: self.store.put_blob(&grant.canonical_bytes())?,
        };
        keep_precompiled(self.store, &capability.wasm, verified)?;
        let committed = self.commit(kind, &logged, |contents| {
            allowed(contents.capabilities.get(&manifest.name))?;
            // Again against the generation this one is made from, in case policy changed since.
            crate::signature::check(&manifest.name, &wasm, &contents.policy_rules)?;
            contents
                .capabilities
                .insert(manifest.name.clone(), capability.clone());
            Ok(())
        });
        match committed {
            Err(UpdateError::Refused(refusal)) => refuse(refusal),
            committed => committed,
        }
    }

    /// Removes an installed capability.
    ///
    /// # Errors
    /// [`UpdateError::NotInstalled`], or the store's error.
    pub fn remove(&self, name: &str) -> Result<Generation, UpdateError> {
        self.commit("remove", name, |contents| {
            contents
                .capabilities
                .remove(name)
                .map(|_| ())
                .ok_or_else(|| UpdateError::NotInstalled(name.to_owned()))
        })
    }

    /// Promotes model weights, with the evaluation report that justifies them, if `gate` accepts
    /// them against the model of current (`None` when there is none). The gate is the learned
    /// runtime's rule (for example: not worse than the current model's held-out evaluation beyond a
    /// tolerance); its refusal is logged with its reason and changes nothing else.
    ///
    /// # Errors
    /// [`UpdateError::ModelRefused`] with the gate's reason, or the store's error.
    pub fn promote_model(
        &self,
        weights: &[u8],
        eval_report: &[u8],
        gate: impl Fn(Option<&ModelRef>) -> Result<(), String>,
    ) -> Result<Generation, UpdateError> {
        let model = ModelRef {
            weights: store::BlobHash::of(weights),
            eval_report: Some(store::BlobHash::of(eval_report)),
        };
        let summary = format!("weights {}", model.weights.short());
        // The gate judges against the model of the generation the update is made from, inside the
        // commit's preparation, so that a model promoted meanwhile is the one it is compared with.
        let committed = self.commit("promote-model", &summary, |contents| {
            // The same weights with a new report are the same model: no generation for it.
            if contents
                .model
                .as_ref()
                .is_some_and(|current| current.weights == model.weights)
            {
                return Ok(());
            }
            gate(contents.model.as_ref()).map_err(UpdateError::ModelRefused)?;
            self.store.put_blob(weights)?;
            self.store.put_blob(eval_report)?;
            contents.model = Some(model.clone());
            Ok(())
        });
        if let Err(UpdateError::ModelRefused(reason)) = &committed {
            self.store
                .record_refusal(&self.actor, "promote-model", &summary, reason)?;
        }
        committed
    }

    /// Sets (or, with `None`, clears) the policy rule `name` (see [`crate::signature`] for the
    /// rules there are).
    ///
    /// # Errors
    /// [`UpdateError::BadRule`] for a rule or value that means nothing, or the store's error.
    pub fn set_policy(&self, name: &str, value: Option<&str>) -> Result<Generation, UpdateError> {
        crate::signature::check_rule(name, value).map_err(UpdateError::BadRule)?;
        let summary = format!("{name} = {}", value.unwrap_or("(unset)"));
        self.commit("set-policy", &summary, |contents| {
            // Another key under a trusted key's name is not put in its place unasked, as an
            // installed capability is not (checked against current, which the update changes).
            if let (Some(key_name), Some(value)) =
                (name.strip_prefix(crate::signature::TRUSTED_KEY), value)
                && contents
                    .policy_rules
                    .get(name)
                    .is_some_and(|trusted| trusted != value)
            {
                return Err(UpdateError::BadRule(format!(
                    "another key is trusted as `{key_name}` already; `cap trust remove \
                     {key_name}` first to replace it, or give this one another name"
                )));
            }
            match value {
                Some(value) => contents.policy_rules.insert(name.into(), value.into()),
                None => contents.policy_rules.remove(name),
            };
            Ok(())
        })
    }

    /// Points current at `to`, or at current's parent. Returns (from, to).
    ///
    /// # Errors
    /// An unknown generation, or no parent to go back to.
    pub fn rollback(
        &self,
        to: Option<GenerationId>,
    ) -> Result<(GenerationId, GenerationId), UpdateError> {
        let current = self.store.current()?;
        if to == Some(current) {
            return Err(UpdateError::AlreadyCurrent(current));
        }
        Ok(self.store.rollback(to, &self.actor)?)
    }

    /// Applies `change` to current's contents and commits the result, preparing it again if another
    /// update moved current in between.
    fn commit(
        &self,
        kind: &str,
        summary: &str,
        change: impl Fn(&mut Contents) -> Result<(), UpdateError>,
    ) -> Result<Generation, UpdateError> {
        let mut attempt = 0;
        loop {
            let parent = self.store.current()?;
            let before = self.store.generation(parent)?.contents;
            let mut contents = before.clone();
            change(&mut contents)?;
            if contents == before {
                return Err(UpdateError::Unchanged {
                    what: summary.to_owned(),
                    current: parent,
                });
            }
            let draft = Draft {
                parent,
                actor: self.actor.clone(),
                reason: format!("{kind} {summary}"),
                contents,
            };
            match self.store.commit(&draft, kind, summary) {
                Err(StoreError::Moved { .. }) if attempt < RETRIES => attempt += 1,
                result => return Ok(result?),
            }
        }
    }
}

/// One difference between two generations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// In the second only.
    Added(String, String),
    /// In the first only.
    Removed(String, String),
    /// In both, different: (name, from, to).
    Changed(String, String, String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Added(name, what) => write!(f, "+ {name} {what}"),
            Self::Removed(name, what) => write!(f, "- {name} {what}"),
            Self::Changed(name, from, to) => write!(f, "~ {name} {from} -> {to}"),
        }
    }
}

/// What changes from `a` to `b`: capabilities (by version and blobs), the model, and policy rules.
pub fn diff(a: &Contents, b: &Contents) -> Vec<Change> {
    let describe = |c: &CapabilityRef| format!("{} (wasm {})", c.version, c.wasm.short());
    let mut changes = diff_maps(&a.capabilities, &b.capabilities, describe);
    let model = |m: &Option<store::ModelRef>| {
        m.as_ref()
            .map_or_else(|| "none".to_owned(), |m| m.weights.short())
    };
    if a.model != b.model {
        changes.push(Change::Changed(
            "model".into(),
            model(&a.model),
            model(&b.model),
        ));
    }
    changes.extend(diff_maps(&a.policy_rules, &b.policy_rules, |v| v.clone()));
    changes
}

fn diff_maps<V: PartialEq>(
    a: &BTreeMap<String, V>,
    b: &BTreeMap<String, V>,
    describe: impl Fn(&V) -> String,
) -> Vec<Change> {
    let mut changes = Vec::new();
    for (name, old) in a {
        match b.get(name) {
            None => changes.push(Change::Removed(name.clone(), describe(old))),
            Some(new) if new != old => {
                changes.push(Change::Changed(name.clone(), describe(old), describe(new)));
            }
            Some(_) => {}
        }
    }
    for (name, new) in b {
        if !a.contains_key(name) {
            changes.push(Change::Added(name.clone(), describe(new)));
        }
    }
    changes
}
