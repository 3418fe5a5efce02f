//! Which model a `neural` command uses: `--model DIR` (a checkpoint that `neural train` wrote), or
//! the model ncsh ships with.

use std::path::PathBuf;

use clap::Args;
use neural_rt::device::{Chosen, choose};
use neural_rt::runtime::Runtime;

use crate::builtins::{Failure, Io};
use crate::neural::model::{Of, in_use};

#[derive(Args)]
pub struct ModelChoice {
    /// A checkpoint directory that `neural train --out` wrote (default: the model of this shell's
    /// generation, promoted with `neural promote`, else the model ncsh ships).
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
                let (runtime, name, _) = in_use(&device, Of::ThisShell)?;
                Ok((runtime, device, name))
            }
        }
    }
}
