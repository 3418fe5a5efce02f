//! `gen`: list, show, compare, switch to, roll back, export and import generations.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use store::{Generation, GenerationId};

use super::listing::{table, when};
use super::pin;
use super::{Builtin, Failure, Io};
use crate::daemon::client;
use crate::wording::counted;

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
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
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
            Action::Show { id } => show(io, &client::generation(id)?),
            Action::Diff { a, b } => {
                let changes = policy::diff(
                    &client::generation(a)?.contents,
                    &client::generation(b)?.contents,
                );
                if changes.is_empty() {
                    writeln!(io.out, "generations {a} and {b} contain the same")?;
                }
                for change in changes {
                    writeln!(io.out, "{change}")?;
                }
                Ok(0)
            }
            Action::Use { id } => {
                client::generation(id)?;
                pin::set(id);
                writeln!(
                    io.out,
                    "this shell now uses generation {id} (current is {})",
                    client::current()?
                )?;
                Ok(0)
            }
            Action::Rollback { id } => {
                let (from, to) = client::rollback(id)?;
                pin::set(to);
                writeln!(
                    io.out,
                    "current: generation {from} -> {to}, and this shell uses {to}"
                )?;
                Ok(0)
            }
            Action::Export { id, file, force } => {
                let file = io.path(&file);
                if file.is_dir() {
                    writeln!(
                        io.err,
                        "gen export: {} is a directory; name a file in it ({}/generation-{id}.json)",
                        file.display(),
                        file.display()
                    )?;
                    return Ok(1);
                }
                if !force && file.symlink_metadata().is_ok() {
                    writeln!(
                        io.err,
                        "gen export: {} exists; name another file, or add --force to replace it",
                        file.display()
                    )?;
                    return Ok(1);
                }
                let (capabilities, blobs, entries) = client::export(id, file.clone())?;
                writeln!(
                    io.out,
                    "wrote generation {id} ({}, {}, audit proof of {}) to {}",
                    counted(capabilities, "capability"),
                    counted(blobs, "blob"),
                    counted(entries, "entry"),
                    file.display()
                )?;
                Ok(0)
            }
            Action::Import { file } => {
                let file = io.path(&file);
                let generation = client::import(file.clone())?;
                let id = generation.id;
                writeln!(
                    io.out,
                    "imported {} as generation {id}; it is not current: `gen use {id}` tries it \
                     in this shell, `gen rollback {id}` makes it current",
                    file.display()
                )?;
                Ok(0)
            }
        }
    }
}

fn list(io: &mut Io) -> Result<u8, Failure> {
    let (all, current) = client::generations()?;
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
