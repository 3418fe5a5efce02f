//! Which model a `neural` command uses: `--model DIR` (a checkpoint that `neural train` wrote), or
//! the model ncsh ships with.

use std::path::PathBuf;

use clap::Args;
use neural_rt::device::{Chosen, choose};
use neural_rt::runtime::Runtime;

use crate::builtins::{Failure, Io};

#[derive(Args)]
pub struct ModelChoice {
    /// A checkpoint directory that `neural train --out` wrote (default: the model ncsh ships).
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
}

impl ModelChoice {
    /// The model, the device it is on, and its name for reports.
    pub fn load(&self, io: &Io) -> Result<(Runtime, Chosen, String), Failure> {
        let device = choose();
        match &self.model {
            Some(dir) => {
                let dir = io.path(dir);
                let runtime = Runtime::load(&dir, &device.device).map_err(|e| e.to_string())?;
                Ok((runtime, device, format!("the model in {}", dir.display())))
            }
            None => {
                let runtime = neural_rt::shipped::runtime(&device.device)
                    .map_err(|e| format!("the shipped model cannot be loaded: {e}"))?;
                Ok((runtime, device, "the shipped model".to_owned()))
            }
        }
    }
}
