//! `neural eval`: measure a model on held-out sessions, as tables or JSON.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use kernel_bridge::Frame;
use neural_rt::data::Split;
use neural_rt::eval::{Report, Share, evaluate, evaluate_episodes};
use neural_rt::metrics::Rate;

use super::ctrl_c::{CtrlC, evaluation_bar, evaluation_failure, watch};
use super::model::ModelChoice;
use crate::builtins::listing::table;
use crate::builtins::{Failure, Io};
use crate::capabilities::off_runtime;
use crate::neural::computer::calc_screen;

#[derive(Args)]
pub struct Eval {
    #[command(flatten)]
    model: ModelChoice,
    /// A dataset whose test split (and probe) to use; without it, the fixed-seed test set that
    /// reproduces the README's numbers is generated (once) and used.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Which split of `--data`: `test` (reported), `valid` (to choose among checkpoints with, so
    /// that the test split stays unseen by every choice), or `train`.
    #[arg(
        long,
        default_value = "test",
        requires = "data",
        conflicts_with = "casts"
    )]
    split: Split,
    /// Asciicast recordings to evaluate on instead (steps cut at prompts or Enter).
    #[arg(long, value_name = "FILE.cast", num_args = 1.., conflicts_with = "data")]
    casts: Vec<PathBuf>,
    /// Evaluate on at most this many sessions.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    limit: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl Eval {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let (runtime, device, model_name) = self.model.load(io)?;
        let ctrl_c = CtrlC::catch();
        let bar = evaluation_bar();
        let mut watching = watch(&bar, &ctrl_c);
        let report = if self.casts.is_empty() {
            let data = match &self.data {
                Some(dir) => io.path(dir),
                None => super::test_set::ensure(&ctrl_c)?,
            };
            evaluate(
                &runtime,
                &data,
                self.split,
                self.limit(),
                &device.name,
                Some(&computer_screen),
                &mut watching,
            )
        } else {
            let mut episodes = Vec::new();
            for cast in &self.casts {
                episodes.push(super::import_cast::episode(&io.path(cast))?);
            }
            episodes.truncate(self.limit().unwrap_or(usize::MAX));
            evaluate_episodes(
                &runtime,
                &episodes,
                (&[], None),
                &device.name,
                &mut watching,
            )
        };
        bar.finish_and_clear();
        let report =
            report.map_err(|e| evaluation_failure(&*e, "nothing was measured to the end"))?;
        if self.json {
            let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            writeln!(io.out, "{json}")?;
        } else {
            // Sessions trained on are not held out, nor, for all the model knows, recordings.
            let sessions = match (self.casts.is_empty(), self.split) {
                (false, _) => "recorded",
                (true, Split::Train) => "trained-on",
                (true, _) => "held-out",
            };
            write_tables(io, &report, &model_name, sessions)?;
        }
        Ok(0)
    }

    fn limit(&self) -> Option<usize> {
        self.limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    }
}

/// The screen the neural computer would show after the arithmetic `line` typed at `before`
/// ([`calc_screen`]), for the probe; calc runs on a thread of its own, off the shell's runtime.
pub(super) fn computer_screen(before: &Frame, line: &str) -> Option<Frame> {
    off_runtime(|| Ok(calc_screen(before, line))).ok().flatten()
}

/// A share as a percentage with two decimals.
pub(super) fn percent(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

fn write_tables(io: &mut Io, report: &Report, model: &str, sessions: &str) -> Result<(), Failure> {
    writeln!(
        io.out,
        "{model} on {} {sessions} sessions ({} steps), on {}:",
        report.sessions, report.overall.steps, report.device
    )?;
    let o = &report.overall;
    let rows = vec![
        vec![
            "char accuracy".into(),
            percent(o.char_accuracy),
            "≥ 99%".into(),
            "54%".into(),
        ],
        vec![
            "exact-line accuracy".into(),
            percent(o.exact_line),
            "≥ 95%".into(),
            "31%".into(),
        ],
        vec![
            "cursor accuracy".into(),
            percent(o.cursor),
            "≥ 98%".into(),
            "".into(),
        ],
        vec![
            "frame exact".into(),
            percent(o.frame_exact),
            "".into(),
            "".into(),
        ],
    ];
    write!(
        io.out,
        "{}",
        table(&["open loop", "ncsh", "goal", "paper (CLIGen Clean)"], rows)
    )?;
    let families = report.families.iter().map(|(name, s)| {
        vec![
            name.clone(),
            s.steps.to_string(),
            percent(s.char_accuracy),
            percent(s.exact_line),
            percent(s.cursor),
            percent(s.frame_exact),
        ]
    });
    write!(
        io.out,
        "{}",
        table(
            &[
                "family",
                "steps",
                "char",
                "exact-line",
                "cursor",
                "frame exact"
            ],
            families
        )
    )?;
    let rate = |r: &Rate| {
        r.accuracy().map_or_else(
            || "—".to_owned(),
            |a| format!("{} of {}", percent(a), r.lines),
        )
    };
    let kinds = std::iter::once(("all", &report.line_kinds))
        .chain(
            report
                .family_line_kinds
                .iter()
                .map(|(f, k)| (f.as_str(), k)),
        )
        .map(|(name, k)| {
            vec![
                name.to_owned(),
                rate(&k.kept),
                rate(&k.command),
                rate(&k.output),
            ]
        });
    write!(
        io.out,
        "{}",
        table(
            &["exact-line by kind", "kept", "command line", "output"],
            kinds
        )
    )?;
    writeln!(
        io.out,
        "kept: on the screen before; command line: the prompt and the action typed; output: the rest"
    )?;
    let closed = report.closed_loop.iter().map(|(h, accuracy, sessions)| {
        // No session that long: nothing measured, which is not 0%.
        let accuracy = accuracy.map_or_else(|| "—".to_owned(), percent);
        vec![h.to_string(), accuracy, sessions.to_string()]
    });
    write!(
        io.out,
        "{}",
        table(
            &["closed loop: horizon", "exact-line accuracy", "sessions"],
            closed
        )
    )?;
    if let Some(probe) = &report.probe {
        writeln!(
            io.out,
            "arithmetic probe, the model alone: {}/{} = {} (goal ≥ 90%; paper 4%, 83% reprompted)",
            probe.right,
            probe.asked,
            percent(probe.accuracy)
        )?;
        if !probe.by_operation.is_empty() {
            let shares = |shares: &[Share]| -> String {
                shares
                    .iter()
                    .map(|s| format!("{} {}/{}", s.kind, s.right, s.asked))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                io.out,
                "  by operation: {}; by form: {}",
                shares(&probe.by_operation),
                shares(&probe.by_form)
            )?;
        }
        if let Some(computer) = &probe.computer {
            writeln!(
                io.out,
                "arithmetic probe, the neural computer (`--runtime neural`: calc checks the model's screen): \
                 {}/{} = {}, {} of them checked by calc",
                computer.right,
                probe.asked,
                percent(computer.accuracy),
                computer.verified
            )?;
        }
    }
    writeln!(
        io.out,
        "step latency, one session on {}: p50 {:.1} ms, p99 {:.1} ms over {} steps (goal p50 ≤ 30 ms on 2 CPU cores)",
        report.device, report.latency.p50_ms, report.latency.p99_ms, report.latency.steps
    )?;
    Ok(())
}
