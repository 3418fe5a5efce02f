//! `neural promote`: make trained weights the model in use, as an update (a new generation), if they
//! measure no worse than the model in use on the same held-out sessions, beyond a tolerance.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use neural_rt::data::Split;
use neural_rt::eval::{Report, evaluate};
use neural_rt::promotion::{Evaluation, TOLERANCE};
use neural_rt::runtime::Runtime;

use super::ctrl_c::{CtrlC, evaluation_bar, evaluation_failure, watch};
use super::eval::computer_screen;
use crate::builtins::{Failure, Io};
use crate::daemon::client;
use crate::neural::model::{Of, in_use};

#[derive(Args)]
pub struct Promote {
    /// The checkpoint directory that `neural train --out` wrote.
    #[arg(value_name = "DIR")]
    model: PathBuf,
    /// How much worse than the model in use (in accuracy, -1 to 1) it may measure; below 0, it must
    /// measure better by that much.
    #[arg(long, default_value_t = TOLERANCE, value_parser = tolerance, allow_negative_numbers = true)]
    tolerance: f64,
    /// A dataset whose test split both models are measured on (default: the fixed test set).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

/// Checked before either model is measured, which takes minutes.
fn tolerance(given: &str) -> Result<f64, String> {
    let number = given
        .parse::<f64>()
        .map_err(|_| format!("{given:?} is not a number"))?;
    neural_rt::promotion::check_tolerance(number)
}

/// Fewer test sessions than this judge a model poorly.
const FEW_SESSIONS: usize = 50;

impl Promote {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let dir = io.path(&self.model);
        let device = neural_rt::device::choose();
        let (candidate, weights) =
            Runtime::load_with_weights(&dir, &device.device).map_err(|e| e.to_string())?;
        // Measured against the model of the generation an update is made from: current.
        let (current, current_name, current_weights) = in_use(&device, Of::Current)?;
        let ctrl_c = CtrlC::catch();
        let data = match &self.data {
            Some(data) => io.path(data),
            None => super::test_set::ensure(&ctrl_c)?,
        };
        let candidate_name = dir.display().to_string();
        let measure = |runtime: &Runtime, name: &str| -> Result<Report, Failure> {
            let bar = evaluation_bar();
            bar.set_prefix(format!("{name}: "));
            let measured = evaluate(
                runtime,
                &data,
                Split::Test,
                None,
                &device.name,
                Some(&computer_screen),
                &mut watch(&bar, &ctrl_c),
            );
            bar.finish_and_clear();
            measured.map_err(|e| evaluation_failure(&*e, "nothing was promoted"))
        };
        let (report, baseline) = (
            measure(&candidate, &candidate_name)?,
            measure(&current, &current_name)?,
        );
        // Pressed during the last part of the measuring, which is not asked after: an update cannot
        // be taken back once made, so Ctrl-C must still count.
        if ctrl_c.pressed() {
            return Err(CtrlC::stopped("nothing was promoted"));
        }
        // The gate is only as good as the sessions it looks at: a dataset given with a few test
        // sessions can let a worse model through, which is said (the fixed test set has hundreds).
        if self.data.is_some() && report.sessions < FEW_SESSIONS {
            writeln!(
                io.err,
                "neural: warning: {} has only {} test session(s), too few to judge a model by; \
                 leave out --data to measure on the fixed test set",
                data.display(),
                report.sessions
            )?;
        }
        for (name, r) in [(candidate_name, &report), (current_name, &baseline)] {
            writeln!(
                io.out,
                "{name}: char accuracy {:.2}%, exact-line {:.2}% on {} sessions",
                100.0 * r.overall.char_accuracy,
                100.0 * r.overall.exact_line,
                r.sessions
            )?;
        }
        let evaluation = Evaluation {
            options: candidate.options.clone(),
            report,
        };
        let evaluation = serde_json::to_vec(&evaluation).map_err(|e| e.to_string())?;
        let baseline = serde_json::to_vec(&baseline).map_err(|e| e.to_string())?;
        let generation = client::promote_model(
            weights,
            evaluation,
            (baseline, current_weights),
            self.tolerance,
        )?;
        crate::builtins::cap::say_updated(io, "promoted the model", &generation)
    }
}
