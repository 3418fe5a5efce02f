//! The held-out test set that reproduces the README's numbers: the test split of the dataset the
//! shipped model was trained on (`neural gen-data --sessions 6000 --seed 1`), with the probe, made
//! on first use in ncsh's data directory.

use std::path::PathBuf;

use neural_rt::data::Split;

use super::ctrl_c::CtrlC;
use crate::builtins::Failure;
use crate::neural::gen_data::{Plan, generate};

/// The sessions and seed of the shipped model's dataset.
pub const SESSIONS: u64 = 6000;
/// Its seed.
pub const SEED: u64 = 1;

/// The test set's directory, made now if it is not there whole.
pub fn ensure(ctrl_c: &CtrlC) -> Result<PathBuf, Failure> {
    let dir = crate::paths::data_dir()
        .ok_or("no data directory (set HOME or NCSH_HOME), so the test set has nowhere to go; pass --data DIR")?
        .join(format!("neural/test-seed-{SEED}"));
    let complete = dir.join("complete");
    if complete.exists() {
        return Ok(dir);
    }
    let plan = Plan {
        out: dir.clone(),
        sessions: SESSIONS,
        seed: SEED,
        rows: 24,
        cols: 80,
        min_commands: 8,
        max_commands: 24,
        only: Some(Split::Test),
        families: None,
    };
    let bar = super::progress_bar("making the test set {bar:40} {pos}/{len} sessions  eta {eta}");
    let report = generate(&plan, super::jobs(None), &bar, &|| ctrl_c.pressed())?;
    bar.finish_and_clear();
    if report.stopped {
        return Err(CtrlC::stopped(
            "the test set's sessions made so far are kept, and the next run makes the rest",
        ));
    }
    if !report.failed.is_empty() {
        return Err(Failure::from(format!(
            "{} sessions of the test set could not be made (the first: {}); run `neural eval` again to retry them",
            report.failed.len(),
            report.failed[0].1
        )));
    }
    std::fs::write(&complete, b"")
        .map_err(|e| format!("cannot write {}: {e}", complete.display()))?;
    Ok(dir)
}
