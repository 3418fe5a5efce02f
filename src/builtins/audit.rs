//! `audit`: the hash-chained log of every update, rollback and refusal, and its verification.

use std::io::Write;

use clap::{Parser, Subcommand};
use store::AuditEvent;

use super::listing::{table, when};
use super::{Builtin, Failure, Io};
use crate::daemon::client;

/// The audit log: one entry per update, rollback, import and refused update, each chained to the one
/// before it by sha256, so that an entry edited, deleted, reordered or added by hand is found.
#[derive(Parser)]
#[command(name = "audit")]
pub struct Audit {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Every entry, oldest first.
    Log,
    /// Walk the chain end to end; names the first bad entry and exits 1 when there is one.
    Verify,
}

impl Builtin for Audit {
    fn run(self, io: &mut Io) -> Result<u8, Failure> {
        match self.action {
            Action::Log => {
                let entries = client::audit()?;
                let rows = entries.iter().map(|e| {
                    vec![
                        e.seq.to_string(),
                        when(e.at_ms),
                        e.actor.clone(),
                        describe(&e.event),
                    ]
                });
                write!(
                    io.out,
                    "{}",
                    table(&["seq", "when (UTC)", "who", "event"], rows)
                )?;
            }
            Action::Verify => {
                let (entries, head) = client::verify()?;
                writeln!(io.out, "audit log intact: {entries} entries, head {head}")?;
            }
        }
        Ok(0)
    }
}

/// An event in a few words.
fn describe(event: &AuditEvent) -> String {
    match event {
        AuditEvent::Created { generation, .. } => {
            format!("created the store with generation {generation}")
        }
        AuditEvent::Updated {
            kind,
            summary,
            parent,
            generation,
            ..
        } => format!("{kind} {summary}: generation {parent} -> {generation}"),
        AuditEvent::RolledBack { from, to } => format!("rollback: generation {from} -> {to}"),
        AuditEvent::Refused {
            kind,
            summary,
            reason,
        } => format!("refused {kind} {summary}: {reason}"),
        AuditEvent::Imported {
            generation, source, ..
        } => {
            format!("imported generation {generation} from {source}")
        }
    }
}
