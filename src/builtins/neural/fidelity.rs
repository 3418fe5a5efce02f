//! `neural fidelity`: how well the learned runtime predicted the user's own sessions in the hybrid
//! runtime, from the fidelity log, by model.

use std::io::Write;

use clap::Args;
use neural_rt::fidelity::{ModelFidelity, by_model};

use super::eval::percent;
use crate::builtins::listing::table;
use crate::builtins::{Failure, Io};
use crate::neural::fidelity_log;

#[derive(Args)]
pub struct Fidelity {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
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
        let (measured, unreadable) = fidelity_log::read()?;
        if unreadable > 0 {
            writeln!(
                io.err,
                "neural fidelity: {unreadable} line(s) of {} could not be read and were skipped",
                fidelity_log::path()?.display()
            )?;
        }
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
}
