//! `neural render`: PNG images of a session's true and predicted screens, and where they differ.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use kernel_bridge::Frame;
use neural_rt::data::Episode;

use super::model::ModelChoice;
use crate::builtins::{Failure, Io};

#[derive(Args)]
pub struct Render {
    #[command(flatten)]
    model: ModelChoice,
    /// An episode file (from `neural gen-data` or `import-cast`), or an asciicast recording.
    #[arg(value_name = "EPISODE|FILE.cast")]
    session: PathBuf,
    /// Only this step (from 0); without it, the whole session, one step under another.
    #[arg(long)]
    step: Option<usize>,
    /// The PNG to write.
    #[arg(long, value_name = "FILE.png")]
    out: PathBuf,
}

impl Render {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let path = io.path(&self.session);
        let episode = if path.extension().is_some_and(|e| e == "cast") {
            super::import_cast::episode(&path)?
        } else {
            Episode::read(&path).map_err(|e| e.to_string())?
        };
        let last = episode.steps.len();
        if let Some(step) = self.step.filter(|s| *s >= last) {
            return Err(Failure::from(format!(
                "--step {step} is past the session's last step ({})",
                last.saturating_sub(1)
            )));
        }
        let from = self.step.unwrap_or(0);
        let until = self.step.map_or(last, |s| s + 1);
        let frames = || episode.steps[from..until].iter().map(|s| &s.frame);
        neural_rt::render::fits(frames()).map_err(|e| {
            let each_fits = frames().all(|f| neural_rt::render::fits(std::iter::once(f)).is_ok());
            if each_fits {
                format!(
                    "{} cannot be drawn as one picture: {e}; give --step N to draw one step",
                    path.display()
                )
            } else {
                format!("{}'s screen is too large to draw: {e}", path.display())
            }
        })?;
        let out = io.path(&self.out);
        if neural_rt::same_path(&out, &path) {
            return Err(Failure::from(format!(
                "--out {} is the session it would draw; give another file for the PNG",
                out.display()
            )));
        }
        let (runtime, _, _) = self.model.load(io)?;
        let mut state = runtime.start(1).map_err(|e| e.to_string())?;
        let mut predicted: Vec<Frame> = Vec::new();
        for t in 0..until {
            let action = episode.steps[t].action.as_str();
            let (frames, next) = runtime
                .step(&[episode.before(t)], &[action], &state)
                .map_err(|e| e.to_string())?;
            predicted.extend(frames);
            state = next;
        }
        let chosen: Vec<(&str, &Frame, &Frame)> = (from..until)
            .map(|t| {
                (
                    episode.steps[t].action.as_str(),
                    &episode.steps[t].frame,
                    &predicted[t],
                )
            })
            .collect();
        // Drawn before the file is made, so that a failure leaves what was there.
        let picture = neural_rt::render::picture(&chosen).map_err(|e| e.to_string())?;
        let file = std::fs::File::create(&out)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        picture
            .write_png(std::io::BufWriter::new(file))
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        writeln!(
            io.out,
            "{}: {} step(s): true | predicted | differing cells",
            out.display(),
            chosen.len()
        )?;
        Ok(0)
    }
}
