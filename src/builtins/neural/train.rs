//! `neural train`: train the model on a dataset, with a progress bar, checkpoints and resumption.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use neural_rt::model::Config;
use neural_rt::train::{
    Checkpoint, Options, Schedule, Start, TrainSplit, check_share, train_until,
};

use super::ctrl_c::CtrlC;

use crate::builtins::{Failure, Io};
use crate::wording::counted;

#[derive(Args)]
pub struct Train {
    /// The dataset (what `neural gen-data --out` made). Give it again for each dataset more: their
    /// train splits are taken as one.
    #[arg(long, value_name = "DIR", required = true)]
    data: Vec<PathBuf>,
    /// The checkpoint directory: weights, options and progress; training resumes from it.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Passes over the train split.
    #[arg(long, default_value_t = 1)]
    epochs: usize,
    /// Sessions per batch (with `--arithmetic`, steps: 256 is a good size).
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// Steps between backward passes.
    #[arg(long, default_value_t = 4)]
    bptt: usize,
    /// AdamW's learning rate at the start of the run.
    #[arg(long, default_value_t = 1e-3)]
    learning_rate: f64,
    /// How the learning rate changes over the run: `constant`, or `cosine` (half a cosine down to
    /// nothing at the last batch).
    #[arg(long, default_value = "constant", value_name = "SCHEDULE")]
    schedule: Schedule,
    /// Start from this checkpoint's weights and optimizer state (a directory that `neural train
    /// --out` wrote) instead of weights drawn from the seed; the run's own epochs count from 0. A
    /// checkpoint that saw shorter actions than `--action-len`, or one without a copy head or its
    /// gate given `--copy`, grows (see there).
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// The seed of the initial weights and of the order of sessions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Width of the model's tokens.
    #[arg(long, default_value_t = Config::default().dim)]
    dim: usize,
    /// Transformer blocks.
    #[arg(long, default_value_t = Config::default().layers)]
    layers: usize,
    /// Characters of an action the model sees (the rest of a longer one is cut off). With `--from` a
    /// checkpoint that saw fewer, the model keeps what it learned and learns its new positions from
    /// scratch; give the checkpoint's own (64 for models from before this option) to go on from it
    /// as it is.
    #[arg(long, default_value_t = Config::default().action_len)]
    action_len: usize,
    /// Give the cell decoder a copy head: a pointer over the action's characters that can copy
    /// one into a cell, as a learned gate decides, so that typed and echoed words are copied
    /// rather than spelled again. With `--from` a checkpoint without one, the model keeps what it
    /// learned, and the head is learned from scratch.
    #[arg(long)]
    copy: bool,
    /// With `--copy`: the head's pointer alone, without its gate. The pointer learns where to
    /// point by its own loss, and every cell stays the decoder's. Add a head to a trained model in
    /// two runs: one with this, then one with `--copy` alone from its checkpoint, which grows the
    /// gate. A gate opened over a pointer that points nowhere yet throws a trained model off.
    #[arg(long, requires = "copy")]
    pointer_only: bool,
    /// Give the model an arithmetic head and train it alone: a small network of its own that reads
    /// an action's first characters, says whether the step computes, and writes the answer on the
    /// row above the next prompt (the cell decoder cannot compute). The rest of the model stays as
    /// the checkpoint `--from` made it. Each step of the train split is one example.
    #[arg(long)]
    arithmetic: bool,
    /// With `--arithmetic`: the head also writes the rows above its answer row, the numbers a
    /// `seq` lists (the cell decoder gets them wrong as it gets answers wrong). With `--from` a
    /// model whose head has none, the head keeps what it learned and the listing is learned from
    /// scratch; the head is trained whole.
    #[arg(long, requires = "arithmetic")]
    listing: bool,
    /// Batches between checkpoints.
    #[arg(long, default_value_t = 100)]
    checkpoint_every: usize,
    /// The share of steps (0 to 1) given the model's own prediction of the screen before, made at
    /// the step before, in place of the true one (scheduled sampling), so that it learns to go on
    /// from its own mistakes, as the closed loop asks of it. A session's first step always has the
    /// true screen.
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "SHARE",
        conflicts_with = "arithmetic"
    )]
    feed_predictions: f64,
    /// On the steps fed the model's own screen, take the targets against the true screen before:
    /// a row the model got wrong is copied on, as at prediction, where without this flag it is to
    /// be written anew.
    #[arg(long, requires = "feed_predictions")]
    true_targets: bool,
}

/// What `neural train` says when the run's model grew from the checkpoint it starts from: how,
/// what it learns from scratch, whether AdamW goes on (`kept_moments`), and how to go on from that
/// checkpoint as it is.
fn growth(from: &std::path::Path, saw: &Config, config: &Config, kept_moments: bool) -> String {
    let (mut how, mut new, mut as_it_is) = (Vec::new(), Vec::new(), Vec::new());
    if saw.action_len != config.action_len {
        how.push(format!(
            "{} saw actions of up to {} characters and this run's model sees {} (--action-len)",
            from.display(),
            saw.action_len,
            config.action_len,
        ));
        new.push("the new positions");
        as_it_is.push(format!("give --action-len {}", saw.action_len));
    }
    if saw.copy_head() != config.copy_head() {
        how.push(format!(
            "{} has {} and this run's model has {} ({})",
            from.display(),
            saw.copy_head(),
            config.copy_head(),
            if config.pointer_only {
                "--copy --pointer-only"
            } else {
                "--copy"
            }
        ));
        let (part, leave_out) = match (saw.copy, config.pointer_only) {
            (true, _) => ("the copy head's gate", "give --pointer-only"),
            (false, false) => ("the copy head", "leave out --copy"),
            (false, true) => (
                "the copy head's pointer",
                "leave out --copy and --pointer-only",
            ),
        };
        new.push(part);
        as_it_is.push(leave_out.to_owned());
    }
    if saw.arithmetic != config.arithmetic {
        let (flags, part, leave_out) = if config.listing {
            (
                "--arithmetic --listing",
                "the arithmetic head with its listing",
                "leave out --arithmetic and --listing",
            )
        } else {
            (
                "--arithmetic",
                "the arithmetic head",
                "leave out --arithmetic",
            )
        };
        how.push(format!(
            "{} has no arithmetic head and this run's model has one ({flags})",
            from.display()
        ));
        new.push(part);
        as_it_is.push(leave_out.to_owned());
    } else if saw.listing != config.listing {
        how.push(format!(
            "{}'s arithmetic head has no listing and this run's has one (--listing)",
            from.display()
        ));
        new.push("the listing");
        as_it_is.push("leave out --listing".to_owned());
    }
    let adam = if kept_moments {
        " and its AdamW moments"
    } else {
        " (AdamW starts afresh: the checkpoint kept no moments)"
    };
    format!(
        "neural train: {}: it keeps what it learned{adam}, and learns {} from scratch; {} to go on \
         from it as it is",
        how.join("; "),
        new.join(" and "),
        as_it_is.join(" and ")
    )
}

impl Train {
    pub fn run(self, io: &mut Io) -> Result<u8, Failure> {
        if self.batch == 0 || self.bptt == 0 || self.epochs == 0 {
            return Err(Failure::from(
                "--batch, --bptt and --epochs must be at least 1",
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(Failure::from(format!(
                "--learning-rate {} must be a number above 0, such as 0.001",
                self.learning_rate
            )));
        }
        // Before a checkpoint is compared, which would name the share as another one.
        check_share(self.feed_predictions).map_err(|e| e.to_string())?;
        if !self.dim.is_multiple_of(8) || self.dim == 0 {
            return Err(Failure::from(format!(
                "--dim {} must be a positive multiple of 8 (the heads split it)",
                self.dim
            )));
        }
        let data: Vec<PathBuf> = self.data.iter().map(|d| io.path(d)).collect();
        let out = io.path(&self.out);
        if out.exists() && !out.is_dir() {
            return Err(Failure::from(format!(
                "{} is a file, where the run keeps its checkpoint (a directory); give another --out",
                out.display()
            )));
        }
        let options = Options {
            config: Config {
                dim: self.dim,
                layers: self.layers,
                action_len: self.action_len,
                copy: self.copy,
                pointer_only: self.pointer_only,
                arithmetic: self.arithmetic,
                listing: self.listing,
                ..Config::default()
            },
            epochs: self.epochs,
            batch: self.batch,
            bptt: self.bptt,
            learning_rate: self.learning_rate,
            schedule: self.schedule,
            from: self.from.map(|from| io.path(&from)),
            seed: self.seed,
            checkpoint_every: self.checkpoint_every,
            feed_predictions: self.feed_predictions,
            true_targets: self.true_targets,
            // Known before the start, so that a checkpoint of another split is refused before
            // anything else is said of it.
            data: Some(TrainSplit::of_datasets(&data).map_err(|e| e.to_string())?),
        };
        let device = neural_rt::device::choose();
        let bar = super::progress_bar("{bar:40} {pos}/{len} updates  loss {msg}  eta {eta}");
        let how = Start::of(&out, &options).map_err(|e| e.to_string())?;
        if let Start::Resumes { position: done, .. } = &how
            && done.epoch >= options.epochs
        {
            writeln!(
                io.out,
                "{} has trained its {} epoch(s) already ({} updates): nothing to do; to train it \
                 further, start a run from it (--from {} --out ANOTHER), or, at a constant rate, \
                 give more --epochs",
                out.display(),
                done.epoch,
                done.updates,
                out.display()
            )?;
            return Ok(0);
        }
        match how {
            Start::Grows { from, saw } => {
                let kept_moments = Checkpoint::new(&from).keeps_moments();
                writeln!(
                    io.err,
                    "{}",
                    growth(&from, &saw, &options.config, kept_moments)
                )?;
            }
            // The shipped model keeps no moments: the README promises that this is said.
            Start::From(from) if !Checkpoint::new(&from).keeps_moments() => {
                writeln!(
                    io.err,
                    "training from {}: AdamW starts afresh (the checkpoint kept no moments)",
                    from.display()
                )?;
            }
            _ => {}
        }
        let ctrl_c = CtrlC::catch();
        let position = train_until(
            &data,
            &out,
            &options,
            &device.device,
            &mut |report| {
                bar.set_length(report.total_updates as u64);
                bar.set_position(report.position.updates as u64);
                let stopping = if ctrl_c.pressed() {
                    "  stopping after this batch (Ctrl-C)"
                } else {
                    ""
                };
                bar.set_message(format!(
                    "{:.4}  {:.1} steps/s  lr {:.1e}{stopping}",
                    report.loss, report.steps_per_second, report.learning_rate
                ));
            },
            &|| ctrl_c.pressed(),
        )
        .map_err(|e| e.to_string())?;
        bar.finish_and_clear();
        if position.epoch < options.epochs {
            return Err(CtrlC::stopped(&format!(
                "training stopped after batch {} of epoch {} ({} updates); the checkpoint in {} \
                 keeps its place: run the same command to go on",
                position.batch,
                position.epoch + 1,
                position.updates,
                out.display()
            )));
        }
        writeln!(
            io.out,
            "trained on {} in {} ({}) on {}; the model is in {}",
            counted(position.steps, "step"),
            counted(position.updates, "update"),
            counted(position.epoch, "epoch"),
            device.name,
            out.join("model.safetensors").display()
        )?;
        Ok(0)
    }
}
