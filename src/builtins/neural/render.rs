//! `neural render`: PNG images of a session's true and predicted screens, and where they differ.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use kernel_bridge::Frame;
use neural_rt::data::Episode;
use neural_rt::runtime::Runtime;

use super::ctrl_c::CtrlC;
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
    /// The PNG to write. A session too long for one picture is drawn in several, named FILE-1.png,
    /// FILE-2.png and so on.
    #[arg(long, value_name = "FILE.png")]
    out: PathBuf,
}

impl Render {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let path = io.path(&self.session);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !path.exists() {
            return Err(Failure::from(format!(
                "{}: no such file; give an episode (NAME.episode.gz) or a recording (NAME.cast)",
                path.display()
            )));
        }
        let episode = if name.ends_with(".cast") {
            super::import_cast::episode(&path)?
        } else if name.ends_with(".episode.gz") {
            Episode::read(&path).map_err(|e| e.to_string())?
        } else {
            // The advice for a damaged episode of a dataset (remove it, make it again) is not for
            // a file given by mistake.
            return Err(Failure::from(format!(
                "{} is neither an episode (NAME.episode.gz, which `neural gen-data` and `neural \
                 import-cast` write) nor an asciicast recording (NAME.cast); give one of those",
                path.display()
            )));
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
        let truths: Vec<&Frame> = episode.steps[from..until]
            .iter()
            .map(|s| &s.frame)
            .collect();
        let pages = neural_rt::render::pages(&truths)
            .map_err(|e| format!("{}'s screen is too large to draw: {e}", path.display()))?;
        let out = io.path(&self.out);
        let outs: Vec<PathBuf> = match pages.len() {
            1 => vec![out],
            n => (1..=n).map(|k| numbered(&out, k)).collect(),
        };
        if let Some(out) = outs.iter().find(|out| neural_rt::same_path(out, &path)) {
            return Err(Failure::from(format!(
                "--out {} is the session it would draw; give another file for the PNG",
                out.display()
            )));
        }
        let (runtime, _, _) = self.model.load(io)?;
        let predicted = predict(&runtime, &episode, until)?;
        for (page, out) in pages.iter().zip(&outs) {
            let chosen: Vec<(&str, &Frame, &Frame)> = page
                .clone()
                .map(|k| {
                    let t = from + k;
                    (
                        episode.steps[t].action.as_str(),
                        &episode.steps[t].frame,
                        &predicted[t],
                    )
                })
                .collect();
            draw(&chosen, out)?;
            if outs.len() == 1 {
                writeln!(
                    io.out,
                    "{}: {} step(s): true | predicted | differing cells",
                    out.display(),
                    chosen.len()
                )?;
            } else {
                writeln!(
                    io.out,
                    "{}: steps {} to {} of the session's {}: true | predicted | differing cells",
                    out.display(),
                    from + page.start,
                    from + page.end - 1,
                    last
                )?;
            }
        }
        Ok(0)
    }
}

/// The model's screens after each of the session's first `until` steps, from its true screen
/// before each, with a bar; a recording of thousands of steps takes a while, and Ctrl-C stops it
/// before any picture is written.
fn predict(runtime: &Runtime, episode: &Episode, until: usize) -> Result<Vec<Frame>, Failure> {
    let ctrl_c = CtrlC::catch();
    let bar = super::progress_bar("predicting {bar:40} {pos}/{len} steps  eta {eta}");
    bar.set_length(until as u64);
    let mut state = runtime.start(1).map_err(|e| e.to_string())?;
    let mut predicted = Vec::with_capacity(until);
    for t in 0..until {
        if ctrl_c.pressed() {
            bar.finish_and_clear();
            return Err(CtrlC::stopped("no picture was written"));
        }
        bar.inc(1);
        let action = episode.steps[t].action.as_str();
        let (frames, next) = runtime
            .step(&[episode.before(t)], &[action], &state)
            .map_err(|e| e.to_string())?;
        predicted.extend(frames);
        state = next;
    }
    bar.finish_and_clear();
    Ok(predicted)
}

/// Writes the picture of `steps` (action, true screen, predicted screen) to `out`.
fn draw(steps: &[(&str, &Frame, &Frame)], out: &Path) -> Result<(), Failure> {
    // Drawn before the file is made, so that a failure leaves what was there.
    let picture = neural_rt::render::picture(steps).map_err(|e| e.to_string())?;
    let file =
        std::fs::File::create(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    picture
        .write_png(std::io::BufWriter::new(file))
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(())
}

/// `out` with `-k` before its extension (`.png` where it has none): the `k`th of several pictures.
fn numbered(out: &Path, k: usize) -> PathBuf {
    let stem = out.file_stem().unwrap_or_default().to_string_lossy();
    let name = match out.extension() {
        Some(extension) => format!("{stem}-{k}.{}", extension.to_string_lossy()),
        None => format!("{stem}-{k}.png"),
    };
    out.with_file_name(name)
}
