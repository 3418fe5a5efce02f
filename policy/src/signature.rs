//! Ed25519 signatures on capabilities, in the wasmsign2 format (a signature section embedded in the
//! module or component), checked against the keys this generation's policy trusts.
//!
//! Policy holds them as rules: `trusted-key.NAME` is a key (hex of wasmsign2's raw public key bytes),
//! and `require-signatures = "yes"` refuses what no trusted key signed. Where policy trusts a key, a
//! signed capability must verify under one of them: a signature that is broken, or by a key nobody
//! trusted, is refused rather than passed over. An unsigned capability is refused only when
//! signatures are required. Where policy trusts no key, nothing can be checked, and an embedded
//! signature is carried along unchecked.

use std::collections::BTreeMap;

use crate::VerifyError;

/// The rule-name prefix of a trusted key; what follows is the name the user gave it.
pub const TRUSTED_KEY: &str = "trusted-key.";
/// The rule that, set to `yes`, refuses capabilities no trusted key signed.
pub const REQUIRE_SIGNATURES: &str = "require-signatures";

/// What the signature check found for an accepted capability.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Signature {
    /// Signed by the trusted key of this name.
    By(String),
    /// It carries no signature, and none is required.
    #[default]
    Unsigned,
    /// It carries a signature, but policy trusts no key to check it with.
    Unchecked,
}

/// A key that could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "not an Ed25519 public key: give the public key file `wasmsign2 keygen` wrote (raw, PEM or DER)"
)]
pub struct BadKey;

/// Reads a public key file as wasmsign2 writes one (raw, PEM or DER) and returns the text a
/// `trusted-key.NAME` rule holds.
///
/// # Errors
/// [`BadKey`] when it is none of those.
pub fn key_rule_value(bytes: &[u8]) -> Result<String, BadKey> {
    let key = wasmsign2::PublicKey::from_any(bytes).map_err(|_| BadKey)?;
    Ok(key.to_bytes().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that `value` (or its absence, which clears the rule) makes sense for the signature rule
/// `name`, before an update sets it.
///
/// # Errors
/// What is wrong, and what would be right.
pub fn check_rule(name: &str, value: Option<&str>) -> Result<(), String> {
    match (name, value) {
        // Clearing is always allowed, so that no rule, however it came to be, is stuck.
        (_, None) => Ok(()),
        (REQUIRE_SIGNATURES, Some("yes" | "no")) => Ok(()),
        (REQUIRE_SIGNATURES, Some(other)) => Err(format!(
            "`{REQUIRE_SIGNATURES}` is `yes` or `no`, not `{other}`"
        )),
        (_, Some(value)) if name.starts_with(TRUSTED_KEY) => {
            let key_name = &name[TRUSTED_KEY.len()..];
            if key_name.is_empty()
                || !key_name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c))
            {
                return Err(format!(
                    "a key's name is letters, digits and - _ . @, not `{key_name}`"
                ));
            }
            key_from_rule(value).map(|_| ()).ok_or_else(|| {
                format!("`{name}` is not a key: it holds the hex of an Ed25519 public key")
            })
        }
        _ => Err(format!(
            "there is no policy rule `{name}`; the rules are `{TRUSTED_KEY}NAME` and `{REQUIRE_SIGNATURES}`"
        )),
    }
}

fn key_from_rule(value: &str) -> Option<wasmsign2::PublicKey> {
    let bytes = (0..value.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(value.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    wasmsign2::PublicKey::from_bytes(&bytes).ok()
}

/// Checks the signature of capability `name`'s `wasm` against the keys in `rules`.
///
/// # Errors
/// [`VerifyError::Unsigned`] or [`VerifyError::BadSignature`], as the module docs say.
pub fn check(
    name: &str,
    wasm: &[u8],
    rules: &BTreeMap<String, String>,
) -> Result<Signature, VerifyError> {
    let keys: Vec<(&str, wasmsign2::PublicKey)> = rules
        .iter()
        .filter_map(|(rule, value)| Some((rule.strip_prefix(TRUSTED_KEY)?, key_from_rule(value)?)))
        .collect();
    let required = rules.get(REQUIRE_SIGNATURES).map(String::as_str) == Some("yes");
    let bad = |keys: &[(&str, wasmsign2::PublicKey)]| VerifyError::BadSignature {
        capability: name.to_owned(),
        trusted: keys.iter().map(|(n, _)| (*n).to_owned()).collect(),
    };
    let signed = carries_signature(wasm);
    if !signed {
        return if required {
            Err(VerifyError::Unsigned {
                capability: name.to_owned(),
            })
        } else {
            Ok(Signature::Unsigned)
        };
    }
    if keys.is_empty() && !required {
        return Ok(Signature::Unchecked);
    }
    keys.iter()
        .find(|(_, key)| key.verify(&mut std::io::Cursor::new(wasm), None).is_ok())
        .map(|(key_name, _)| Signature::By((*key_name).to_owned()))
        .ok_or_else(|| bad(&keys))
}

/// Whether the binary opens with wasmsign2's signature section, as a signed one does (the signature
/// itself may still be broken).
fn carries_signature(wasm: &[u8]) -> bool {
    wasmparser::Parser::new(0)
        .parse_all(wasm)
        .find(|payload| !matches!(payload, Ok(wasmparser::Payload::Version { .. })))
        .is_some_and(|payload| {
            matches!(payload, Ok(wasmparser::Payload::CustomSection(section)) if section.name() == "signature")
        })
}
