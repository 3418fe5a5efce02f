//! `neural import-cast`: asciicast v2 recordings made elsewhere, as episodes of a dataset.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use neural_rt::data::episode::FORMAT;
use neural_rt::data::{Episode, EpisodeStep, Header, Split};

use crate::builtins::{Failure, Io};

#[derive(Args)]
pub struct ImportCast {
    /// The recordings.
    #[arg(required = true, value_name = "FILE.cast")]
    casts: Vec<PathBuf>,
    /// The dataset to add them to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The split they join: train, valid or test.
    #[arg(long, default_value = "train")]
    split: Split,
}

impl ImportCast {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        let out = io.path(&self.out);
        let mut steps = 0;
        for cast in &self.casts {
            let mut episode = episode(&io.path(cast))?;
            episode.header.split = self.split;
            // One recording in two splits would be tested on what was trained on.
            let seed = episode.header.seed;
            if let Some(there) = [Split::Train, Split::Valid, Split::Test]
                .into_iter()
                .filter(|s| *s != self.split)
                .map(|s| Episode::path(&out, s, seed))
                .find(|p| p.exists())
            {
                return Err(Failure::from(format!(
                    "{} is in another split of {} already, as {}; a recording in two splits would \
                     be tested on what was trained on: remove it there first, or import it into \
                     that split",
                    cast.display(),
                    out.display(),
                    there.display()
                )));
            }
            steps += episode.steps.len();
            let path = episode.write(&out).map_err(|e| e.to_string())?;
            writeln!(
                io.out,
                "{}: {} steps, in {}",
                cast.display(),
                episode.steps.len(),
                path.display()
            )?;
        }
        writeln!(io.out, "{} recordings, {steps} steps", self.casts.len())?;
        Ok(0)
    }
}

/// The episode of the recording at `path` (split `test`; its seed a hash of its bytes).
pub fn episode(path: &Path) -> Result<Episode, Failure> {
    let bytes = policy::input_file::read(path, policy::input_file::Kind::Cast)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let steps = kernel_bridge::recording::steps_from_recording(bytes.as_slice())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let Some(first) = steps.first() else {
        return Err(Failure::from(format!(
            "{}: no steps found (no prompt marks, no Enter in its input, and no prompt that came back)",
            path.display()
        )));
    };
    let first = first.frame_before.clone();
    let seed = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    Ok(Episode {
        header: Header {
            format: FORMAT.into(),
            seed,
            split: Split::Test,
            rows: first.rows,
            cols: first.cols,
            source: format!(
                "cast:{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
        },
        first,
        steps: steps
            .into_iter()
            .map(|s| EpisodeStep {
                action: s.action,
                family: None,
                exit_status: s.exit_status,
                frame: s.frame_after,
            })
            .collect(),
    })
}
