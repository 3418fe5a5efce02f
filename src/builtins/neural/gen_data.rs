//! `neural gen-data`: record scripted sessions through the real shell as a dataset.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use neural_rt::data::Family;

use super::ctrl_c::CtrlC;
use crate::builtins::{Failure, Io};
use crate::neural::gen_data::{Plan, generate};
use crate::wording::counted;

/// A family of commands a session can be drawn from: `exit` ends every session, and is not one.
fn family(name: &str) -> Result<Family, String> {
    Family::named(name)
        .filter(|f| Family::DRAWN.contains(f))
        .ok_or_else(|| {
            let names: Vec<&str> = Family::DRAWN.iter().map(|f| f.name()).collect();
            format!(
                "no family is named {name:?}: give one of {}",
                names.join(", ")
            )
        })
}

#[derive(Args)]
pub struct GenData {
    /// How many sessions (besides the probe's ten).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    sessions: u64,
    /// The seed the sessions are drawn from.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The dataset's directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Screen rows.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u16).range(4..=200))]
    rows: u16,
    /// Screen columns.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=400))]
    cols: u16,
    /// Commands per session, at least.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1000))]
    min_commands: u16,
    /// Commands per session, at most.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u16).range(1..=1000))]
    max_commands: u16,
    /// Draw commands of these families only, such as `arithmetic` or `echo,variable` (every
    /// session still ends with `exit`): one of echo, variable, arithmetic, files, scroll, wrap,
    /// clear, error, multiline. All when not given.
    #[arg(long, value_delimiter = ',', value_parser = family, value_name = "FAMILY,...")]
    families: Vec<Family>,
    /// Sessions run at once (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    jobs: Option<u16>,
}

/// The families a plan records: each once, in their fixed order, so that one choice spelt two
/// ways is one plan; none where every family drawn is chosen, as where none is given.
fn chosen(families: Vec<Family>) -> Option<Vec<Family>> {
    let chosen: Vec<Family> = Family::DRAWN
        .into_iter()
        .filter(|f| families.contains(f))
        .collect();
    (!chosen.is_empty() && chosen.len() < Family::DRAWN.len()).then_some(chosen)
}

impl GenData {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let args = self;
        if args.min_commands > args.max_commands {
            return Err(Failure::from(format!(
                "--min-commands {} is more than --max-commands {}",
                args.min_commands, args.max_commands
            )));
        }
        let plan = Plan {
            out: io.path(&args.out),
            sessions: args.sessions,
            seed: args.seed,
            rows: args.rows,
            cols: args.cols,
            min_commands: args.min_commands.into(),
            max_commands: args.max_commands.into(),
            only: None,
            families: chosen(args.families),
        };
        let jobs = super::jobs(args.jobs.map(usize::from));
        let bar = super::progress_bar("{bar:40} {pos}/{len} sessions  {per_sec}  eta {eta}");
        let ctrl_c = CtrlC::catch();
        let report = generate(&plan, jobs, &bar, &|| ctrl_c.pressed())?;
        bar.finish_and_clear();
        writeln!(
            io.out,
            "{}: {} written ({}), {} already there, {} failed",
            plan.out.display(),
            counted(report.written, "session"),
            counted(report.steps, "step"),
            report.kept,
            report.failed.len()
        )?;
        for (seed, why) in &report.failed {
            writeln!(io.err, "neural gen-data: session {seed:016x}: {why}")?;
        }
        if report.stopped {
            return Err(CtrlC::stopped(
                "the sessions written are kept: run the same command to make the rest",
            ));
        }
        Ok(u8::from(!report.failed.is_empty()))
    }
}
