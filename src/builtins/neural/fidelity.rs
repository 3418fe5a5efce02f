//! `neural fidelity`: how well the learned runtime predicted the user's own sessions in the hybrid
//! runtime, from the fidelity log, by model; with `--computer`, how often it drew the exact screen
//! in the neural computer's sessions, from their verdicts.

use std::collections::BTreeSet;
use std::io::Write;

use clap::Args;
use neural_rt::fidelity::{Measured, ModelFidelity, by_model};

use super::eval::percent;
use crate::builtins::listing::table;
use crate::builtins::{Failure, Io};
use crate::neural::computer::{Judgement, Verdict};
use crate::neural::state_log::{COMPUTER, FIDELITY, StateLog};

#[derive(Args)]
pub struct Fidelity {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,

    /// The neural computer's sessions (`ncsh --runtime neural`) instead: by model and by what
    /// checked each step, how often the model drew the exact screen.
    #[arg(long)]
    computer: bool,
}

/// One model's and checker's line of `--computer`.
#[derive(serde::Serialize, Default)]
struct ByChecker {
    model: String,
    /// `calc`, `fs`, `the shell`, or `nothing`.
    verified_by: String,
    sessions: usize,
    steps: usize,
    agreed: usize,
    corrected: usize,
    unverified: usize,
}

/// Reads `log`, saying on standard error how many of its lines could not be read.
fn read_log<T: serde::de::DeserializeOwned>(
    log: &StateLog,
    io: &mut Io,
) -> Result<Vec<T>, Failure> {
    let (entries, unreadable) = log.read()?;
    if unreadable > 0 {
        writeln!(
            io.err,
            "neural fidelity: {unreadable} line(s) of {} could not be read and were skipped",
            log.path()?.display()
        )?;
    }
    Ok(entries)
}

/// One model's line of `--json`.
#[derive(serde::Serialize)]
struct Row<'a> {
    model: &'a str,
    #[serde(flatten)]
    fidelity: &'a ModelFidelity,
}

impl Fidelity {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        if self.computer {
            return self.computer(io);
        }
        let measured: Vec<Measured> = read_log(&FIDELITY, io)?;
        let models = by_model(&measured);
        if self.json {
            let rows: Vec<Row> = models
                .iter()
                .map(|(model, fidelity)| Row { model, fidelity })
                .collect();
            let json = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?;
            writeln!(io.out, "{json}")?;
            return Ok(0);
        }
        if models.is_empty() {
            writeln!(
                io.out,
                "No steps measured yet. An interactive ncsh on a terminal runs the hybrid runtime \
                 (the default; --runtime symbolic turns it off), which measures each command's screen."
            )?;
            return Ok(0);
        }
        let rows = models.iter().map(|(name, f)| {
            let s = &f.summary;
            vec![
                name.clone(),
                f.sessions.to_string(),
                s.steps.to_string(),
                percent(s.char_accuracy),
                percent(s.exact_line),
                percent(s.cursor),
                percent(s.frame_exact),
                format!("{:.1}", f.latency.p50_ms),
            ]
        });
        write!(
            io.out,
            "{}",
            table(
                &[
                    "model",
                    "sessions",
                    "steps",
                    "char",
                    "exact-line",
                    "cursor",
                    "frame exact",
                    "p50 ms",
                ],
                rows,
            )
        )?;
        Ok(0)
    }
    fn computer(self, io: &mut Io) -> Result<u8, Failure> {
        let verdicts: Vec<Verdict> = read_log(&COMPUTER, io)?;
        let mut groups: Vec<(ByChecker, BTreeSet<String>)> = Vec::new();
        for v in verdicts {
            let verified_by = v.verified_by.unwrap_or_else(|| "nothing".to_owned());
            let at = match groups
                .iter()
                .position(|(g, _)| g.model == v.model && g.verified_by == verified_by)
            {
                Some(at) => at,
                None => {
                    let row = ByChecker {
                        model: v.model,
                        verified_by,
                        ..ByChecker::default()
                    };
                    groups.push((row, BTreeSet::new()));
                    groups.len() - 1
                }
            };
            let (group, sessions) = &mut groups[at];
            sessions.insert(v.session);
            group.steps += 1;
            match v.verdict {
                Judgement::Agreed => group.agreed += 1,
                Judgement::Corrected => group.corrected += 1,
                Judgement::Unverified => group.unverified += 1,
            }
        }
        let rows: Vec<ByChecker> = groups
            .into_iter()
            .map(|(group, sessions)| ByChecker {
                sessions: sessions.len(),
                ..group
            })
            .collect();
        if self.json {
            let json = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?;
            writeln!(io.out, "{json}")?;
            return Ok(0);
        }
        if rows.is_empty() {
            writeln!(
                io.out,
                "No neural computer sessions yet: `ncsh --runtime neural` starts one."
            )?;
            return Ok(0);
        }
        let lines = rows.iter().map(|r| {
            let verified = r.agreed + r.corrected;
            vec![
                r.model.clone(),
                r.verified_by.clone(),
                r.sessions.to_string(),
                r.steps.to_string(),
                r.agreed.to_string(),
                r.corrected.to_string(),
                r.unverified.to_string(),
                if verified == 0 {
                    "-".to_owned()
                } else {
                    percent(r.agreed as f64 / verified as f64)
                },
            ]
        });
        write!(
            io.out,
            "{}",
            table(
                &[
                    "model",
                    "verified by",
                    "sessions",
                    "steps",
                    "agreed",
                    "corrected",
                    "unverified",
                    "exact",
                ],
                lines,
            )
        )?;
        Ok(0)
    }
}
