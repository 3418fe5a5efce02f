//! `cap trust`: the Ed25519 keys whose signatures policy accepts, and whether it requires one. Each
//! change is a policy update, so a new generation (see [`policy::signature`]).

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use policy::signature::{REQUIRE_SIGNATURES, TRUSTED_KEY, key_rule_value};

use super::listing::table;
use super::{Failure, Io, pin};
use crate::daemon::client;

#[derive(Subcommand)]
pub enum Trust {
    /// The keys this shell's generation trusts, and whether it requires signatures.
    List,
    /// Trust a public key (as `wasmsign2 keygen` writes it: raw, PEM or DER) under a name.
    Add {
        /// What to call the key: letters, digits and - _ . @.
        name: String,
        /// The public key file.
        key: PathBuf,
    },
    /// Stop trusting a key.
    Remove {
        /// The key's name.
        name: String,
    },
    /// Whether every capability installed from now on must be signed by a trusted key.
    Require {
        /// `yes` or `no`.
        #[arg(value_parser = ["yes", "no"])]
        answer: String,
    },
}

impl Trust {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let (rule, value, what) = match self {
            Trust::List => return list(io),
            Trust::Add { name, key } => {
                let path = io.path(&key);
                let bytes = policy::input_file::read(&path, policy::input_file::Kind::Key)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let value =
                    key_rule_value(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                (
                    format!("{TRUSTED_KEY}{name}"),
                    Some(value),
                    format!("trusted key {name}"),
                )
            }
            Trust::Remove { name } => {
                let rule = format!("{TRUSTED_KEY}{name}");
                if !pin::this_generation()?
                    .contents
                    .policy_rules
                    .contains_key(&rule)
                {
                    return Err(Failure::from(format!(
                        "no trusted key is called `{name}`; `cap trust list` shows them"
                    )));
                }
                (rule, None, format!("no longer trusting {name}"))
            }
            Trust::Require { answer } => {
                let what = format!("signatures required: {answer}");
                (REQUIRE_SIGNATURES.to_owned(), Some(answer), what)
            }
        };
        let generation = client::set_policy(rule, value)?;
        super::cap::say_updated(io, &what, &generation)
    }
}

fn list(io: &mut Io) -> Result<u8, Failure> {
    let generation = pin::this_generation()?;
    let rules = &generation.contents.policy_rules;
    let required = rules.get(REQUIRE_SIGNATURES).is_some_and(|v| v == "yes");
    writeln!(
        io.out,
        "generation {}: signatures are {}",
        generation.id,
        if required { "required" } else { "not required" }
    )?;
    let rows: Vec<Vec<String>> = rules
        .iter()
        .filter_map(|(rule, key)| {
            Some(vec![
                rule.strip_prefix(TRUSTED_KEY)?.to_owned(),
                key.clone(),
            ])
        })
        .collect();
    if rows.is_empty() {
        writeln!(
            io.out,
            "no trusted keys; `cap trust add NAME KEYFILE` adds one"
        )?;
    } else {
        write!(io.out, "{}", table(&["name", "key (wasmsign2, hex)"], rows))?;
    }
    Ok(0)
}
