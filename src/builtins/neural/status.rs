//! `neural status`: the model in use, where it runs, and whether a GPU is there.

use std::io::Write;

use clap::Args;

use super::model::ModelChoice;
use crate::builtins::{Failure, Io};

#[derive(Args)]
pub struct Status {
    #[command(flatten)]
    model: ModelChoice,
}

impl Status {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let (runtime, device, name) = self.model.load(io)?;
        let rows = [
            ("model", name),
            ("size", runtime.options.config.to_string()),
            ("trained with", {
                let options = &runtime.options;
                let from = options.from.as_ref().map_or_else(String::new, |from| {
                    format!(", going on from the checkpoint {}", from.display())
                });
                let fed = if options.feed_predictions > 0.0 {
                    // 0.1 × 100 is 10.000000000000002 in binary floating point.
                    let percent = format!("{:.1}", options.feed_predictions * 100.0);
                    let against = if options.true_targets {
                        " (targets against the true screens)"
                    } else {
                        ""
                    };
                    format!(
                        ", fed its own screens at {}% of steps{against}",
                        percent.trim_end_matches(".0")
                    )
                } else {
                    String::new()
                };
                format!(
                    "seed {}, {} epoch(s), batch {}, learning rate {} ({}){fed}{from}",
                    options.seed,
                    options.epochs,
                    options.batch,
                    options.learning_rate,
                    options.schedule.name()
                )
            }),
            ("device", neural_rt::device::describe(&device)),
        ];
        for (key, value) in rows {
            writeln!(io.out, "{key:>12}  {value}")?;
        }
        Ok(0)
    }
}
