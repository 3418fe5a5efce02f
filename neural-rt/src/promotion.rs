//! When trained weights may replace the model in use: a promotion is an update (a new generation,
//! through `policy`), and its gate is here. The candidate comes with its evaluation on the fixed
//! held-out test set and the current model's on the same sessions; it is promoted only if its char
//! and exact-line accuracy are not worse than the current model's by more than a tolerance.
//! Otherwise it is refused, and the audit log keeps why.

use serde::{Deserialize, Serialize};

use crate::eval::Report;
use crate::train::Options;

/// What a promotion stores beside the weights: how to build the model, and how it measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Evaluation {
    /// The options it was trained with (its sizes among them).
    pub options: Options,
    /// Its evaluation on the fixed test set.
    pub report: Report,
}

/// The tolerance when none is given: half a percentage point.
pub const TOLERANCE: f64 = 0.005;

/// `tolerance`, if it is one: a number from -1 to 1.
///
/// # Errors
/// When it is not.
pub fn check_tolerance(tolerance: f64) -> Result<f64, String> {
    if tolerance.is_finite() && tolerance.abs() <= 1.0 {
        Ok(tolerance)
    } else {
        Err(format!(
            "a tolerance is between -1 and 1 (such as {TOLERANCE}), not {tolerance}"
        ))
    }
}

/// Whether a model that measured `candidate` may replace the one in use, which measured `current`
/// on the same sessions.
///
/// # Errors
/// Why not, in a sentence for the audit log.
pub fn gate(candidate: &Report, current: &Report, tolerance: f64) -> Result<(), String> {
    check_tolerance(tolerance)?;
    if candidate.sessions == 0 {
        return Err(
            "nothing was measured (the test split is empty), so nothing can be judged".to_owned(),
        );
    }
    if candidate.sessions != current.sessions || candidate.overall.steps != current.overall.steps {
        return Err(format!(
            "the two models were measured on different sessions ({} sessions of {} steps, and {} of {}); measure both on the same test set",
            candidate.sessions, candidate.overall.steps, current.sessions, current.overall.steps
        ));
    }
    let (new, old) = (&candidate.overall, &current.overall);
    for (what, new, old) in [
        ("char accuracy", new.char_accuracy, old.char_accuracy),
        ("exact-line accuracy", new.exact_line, old.exact_line),
    ] {
        if new < old - tolerance {
            return Err(format!(
                "its {what} is {:.2}%, worse than the current model's {:.2}% by more than the tolerance of {:.2} points",
                100.0 * new,
                100.0 * old,
                100.0 * tolerance
            ));
        }
    }
    Ok(())
}
