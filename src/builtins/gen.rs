//! `gen`: list, show, compare, switch to, roll back, export and import generations.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use store::{Generation, GenerationId};

use super::listing::{table, when};
use super::pin::{self, unexpected};
use super::{Builtin, Failure, Io};
use crate::daemon::client;
use crate::daemon::protocol::{Call, Reply};

/// Generations: every state ncsh's runtime has been in. Each update (`cap install`, …) makes one;
/// none is ever changed. New shells start on the current one; this shell stays on its own until you
/// switch it.
#[derive(Parser)]
#[command(name = "gen")]
pub struct Gen {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Every generation, with its parent, when, who and why, and which is current and this shell's.
    List,
    /// One generation and what it contains.
    Show {
        /// Its number.
        id: GenerationId,
    },
    /// What changes from generation A to generation B.
    Diff {
        /// The first.
        a: GenerationId,
        /// The second.
        b: GenerationId,
    },
    /// Switch this shell to generation N (current and other shells are not changed).
    Use {
        /// Its number.
        id: GenerationId,
    },
    /// Point current at generation N, or at current's parent; this shell follows. Audited.
    Rollback {
        /// Where to go (default: current's parent).
        id: Option<GenerationId>,
    },
    /// Write generation N, its blobs and its audit proof to FILE, to import elsewhere.
    Export {
        /// Its number.
        id: GenerationId,
        /// The bundle to write.
        file: PathBuf,
    },
    /// Check a bundle from `gen export` and add its generation here (not made current).
    Import {
        /// The bundle.
        file: PathBuf,
    },
}

impl Builtin for Gen {
    fn run(self, io: &mut Io) -> Result<u8, Failure> {
        match self.action {
            Action::List => list(io),
            Action::Show { id } => show(io, &generation(id)?),
            Action::Diff { a, b } => {
                let changes = policy::diff(&generation(a)?.contents, &generation(b)?.contents);
                if changes.is_empty() {
                    writeln!(io.out, "generations {a} and {b} contain the same")?;
                }
                for change in changes {
                    writeln!(io.out, "{change}")?;
                }
                Ok(0)
            }
            Action::Use { id } => {
                generation(id)?;
                pin::set(id);
                writeln!(
                    io.out,
                    "this shell now uses generation {id} (current is {})",
                    pin::current()?
                )?;
                Ok(0)
            }
            Action::Rollback { id } => match client::call(Call::Rollback(id))? {
                Reply::RolledBack(from, to) => {
                    pin::set(to);
                    writeln!(
                        io.out,
                        "current: generation {from} -> {to}, and this shell uses {to}"
                    )?;
                    Ok(0)
                }
                other => Err(unexpected(&other).into()),
            },
            Action::Export { id, file } => export(io, id, &io.path(&file)),
            Action::Import { file } => import(io, &io.path(&file)),
        }
    }
}

/// Generation `id`, as the daemon has it.
fn generation(id: GenerationId) -> Result<Generation, Failure> {
    match client::call(Call::Generation(id))? {
        Reply::Generation(g) => Ok(*g),
        other => Err(unexpected(&other).into()),
    }
}

fn list(io: &mut Io) -> Result<u8, Failure> {
    let (all, current) = match client::call(Call::Generations)? {
        Reply::Generations(all, current) => (all, current),
        other => return Err(unexpected(&other).into()),
    };
    let ours = pin::pinned()?;
    let rows = all.iter().map(|g| {
        let mut marks = Vec::new();
        if g.id == current {
            marks.push("current");
        }
        if g.id == ours {
            marks.push("this shell");
        }
        vec![
            g.id.to_string(),
            g.parent.map_or_else(|| "-".into(), |p| p.to_string()),
            when(g.created_ms),
            g.actor.clone(),
            g.reason.clone(),
            marks.join(", "),
        ]
    });
    write!(
        io.out,
        "{}",
        table(&["id", "parent", "created (UTC)", "who", "why", ""], rows)
    )?;
    Ok(0)
}

fn show(io: &mut Io, g: &Generation) -> Result<u8, Failure> {
    let parent = g.parent.map_or_else(|| "none".into(), |p| p.to_string());
    writeln!(io.out, "generation {} (parent {parent})", g.id)?;
    writeln!(io.out, "  created  {} by {}", when(g.created_ms), g.actor)?;
    writeln!(io.out, "  why      {}", g.reason)?;
    let model = g.contents.model.as_ref().map_or_else(
        || "none".into(),
        |m| format!("weights {}", m.weights.short()),
    );
    writeln!(io.out, "  model    {model}")?;
    for (name, value) in &g.contents.policy_rules {
        writeln!(io.out, "  policy   {name} = {value}")?;
    }
    if g.contents.capabilities.is_empty() {
        writeln!(io.out, "  no capabilities")?;
        return Ok(0);
    }
    let rows = g.contents.capabilities.iter().map(|(name, c)| {
        vec![
            name.clone(),
            c.version.clone(),
            c.wasm.short(),
            c.grant.short(),
        ]
    });
    write!(
        io.out,
        "{}",
        table(&["capability", "version", "wasm", "grant"], rows)
    )?;
    Ok(0)
}

fn export(io: &mut Io, id: GenerationId, file: &std::path::Path) -> Result<u8, Failure> {
    let bundle = match client::call(Call::Export(id))? {
        Reply::Bundle(bundle) => bundle,
        other => return Err(unexpected(&other).into()),
    };
    let text = serde_json::to_vec(&bundle)?;
    std::fs::write(file, text).map_err(|e| {
        format!(
            "cannot write {}: {e}; choose a path in a directory you can write to",
            file.display()
        )
    })?;
    writeln!(
        io.out,
        "wrote generation {id} ({} capabilities, {} blobs, audit proof of {} entries) to {}",
        bundle.generation.contents.capabilities.len(),
        bundle.blobs.len(),
        bundle.audit.len(),
        file.display()
    )?;
    Ok(0)
}

fn import(io: &mut Io, file: &std::path::Path) -> Result<u8, Failure> {
    let text = std::fs::read(file).map_err(|e| {
        format!(
            "cannot read {}: {e}; give the path of a bundle from `gen export`",
            file.display()
        )
    })?;
    let bundle = policy::bundle::parse(&text)?;
    let from = bundle.generation.id;
    let call = Call::Import {
        bundle: Box::new(bundle),
        source: file.to_owned(),
    };
    match client::call(call)? {
        Reply::Generation(g) => {
            writeln!(
                io.out,
                "imported generation {from} of {} as generation {}; it is not current: \
                 `gen use {}` tries it in this shell, `gen rollback {}` makes it current",
                file.display(),
                g.id,
                g.id,
                g.id
            )?;
            Ok(0)
        }
        other => Err(unexpected(&other).into()),
    }
}
