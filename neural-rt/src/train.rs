//! Training: the dataset's train split streamed a batch of sessions at a time in a seeded order, each
//! batch run through its sessions' steps in lockstep with the state carried (a session that has
//! ended leaves the batch), back-propagated every few steps (truncated back-propagation through
//! time), AdamW. Checkpoints (safetensors, with the config, the optimizer's state and where training
//! stood) are written as it goes, and a run resumes from the last one with the updates a run never
//! stopped would have made, given the same dataset. Each file of a checkpoint is replaced whole, and
//! `position.json` last; a stop between the files pairs new weights with the position before, and
//! the run then repeats up to `checkpoint_every` batches, which is no longer exact. A resumption on
//! another train split is refused: the options record the one learned from. With
//! [`Options::feed_predictions`], some steps are given the model's own prediction of the screen
//! before in place of the true one (scheduled sampling), as the closed loop gives it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use candle_core::{Device, Tensor};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::batch::{Encoded, EncodedStep, Seen, input, still_running, targets};
use crate::copy_head::CopyHead;
use crate::data::{Episode, Split};
use crate::loss::step_loss;
use crate::model::{Config, Model};
use crate::optimizer::AdamW;
use crate::params::Params;
use crate::predict::{Predicted, screens};

/// How to train.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// The model's sizes.
    pub config: Config,
    /// Passes over the train split.
    pub epochs: usize,
    /// Sessions per batch (steps, for an arithmetic head trained alone).
    pub batch: usize,
    /// Steps between backward passes.
    pub bptt: usize,
    /// AdamW's learning rate, at the start of the run.
    pub learning_rate: f64,
    /// How the learning rate changes over the run.
    #[serde(default)]
    pub schedule: Schedule,
    /// A checkpoint whose weights and optimizer state a new run starts from, instead of weights
    /// drawn from the seed.
    #[serde(default)]
    pub from: Option<PathBuf>,
    /// The seed of the initial weights and of the order of sessions.
    pub seed: u64,
    /// Batches between checkpoints.
    pub checkpoint_every: usize,
    /// The train split learned from, so that a resumption on another is refused. The run records
    /// it from the files it finds, in place of whatever is given; [`Start::of`] compares it only
    /// when it is given ([`TrainSplit::of_datasets`]). Checkpoints from before it was recorded
    /// have none, and go on with any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<TrainSplit>,
    /// The share of steps (0 to 1) given the model's own prediction of the screen before, made at
    /// the session's step before, in place of the true screen: the closed loop feeds the model its
    /// own screens, and a model trained on true screens alone never learns to go on from its own
    /// mistakes. A session's first step always has the true one. Which steps are drawn follows
    /// from the seed, the epoch and the batch.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub feed_predictions: f64,
    /// On a step fed the model's own screen, whether the targets are taken against the true screen
    /// before rather than the one fed. Against the one fed, a row the model got wrong is to be
    /// written anew where it moved on; against the true one, it is to be copied on, as at
    /// prediction, and only what the true screen lacks is written.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub true_targets: bool,
}

fn is_zero(share: &f64) -> bool {
    *share == 0.0
}

/// What tells one train split from another: the order of sessions, and so every update, holds only
/// for the same one. Two splits of as many sessions in as many bytes are taken for the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainSplit {
    /// Its sessions.
    pub sessions: usize,
    /// The bytes of their files, which tell apart two splits of as many sessions.
    pub bytes: u64,
}

impl TrainSplit {
    /// The train splits of the datasets `data`, taken as one.
    ///
    /// # Errors
    /// When one has no train split, or its files cannot be listed.
    pub fn of_datasets(data: &[PathBuf]) -> Result<Self, TrainError> {
        Self::of(&train_files(data)?)
    }

    fn of(files: &[PathBuf]) -> Result<Self, TrainError> {
        let mut bytes = 0;
        for file in files {
            let size = std::fs::metadata(file).map_err(|e| TrainError::Io(file.clone(), e))?;
            bytes += size.len();
        }
        Ok(Self {
            sessions: files.len(),
            bytes,
        })
    }
}

impl std::fmt::Display for TrainSplit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sessions = if self.sessions == 1 {
            "session"
        } else {
            "sessions"
        };
        write!(f, "{} {sessions} in {} bytes", self.sessions, self.bytes)
    }
}

/// The files of the datasets' train splits, of which each must have some, in the order of their
/// paths: the run's order of sessions is drawn from it, so datasets given in another order resume
/// the same run.
fn train_files(data: &[PathBuf]) -> Result<Vec<PathBuf>, TrainError> {
    let mut files = Vec::new();
    for (i, dataset) in data.iter().enumerate() {
        if data[..i].iter().any(|d| crate::same_path(d, dataset)) {
            return Err(TrainError::SameDataTwice(dataset.clone()));
        }
        let split = Episode::files(dataset, Split::Train)?;
        if split.is_empty() {
            return Err(TrainError::NoData(dataset.clone()));
        }
        files.extend(split);
    }
    files.sort();
    Ok(files)
}

impl Default for Options {
    fn default() -> Self {
        Self {
            config: Config::default(),
            epochs: 1,
            batch: 16,
            bptt: 4,
            learning_rate: 1e-3,
            schedule: Schedule::Constant,
            from: None,
            seed: 1,
            checkpoint_every: 100,
            data: None,
            feed_predictions: 0.0,
            true_targets: false,
        }
    }
}

/// How the learning rate changes over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// The same rate throughout.
    #[default]
    Constant,
    /// Half a cosine from the rate down to nothing at the run's end. A constant rate leaves the
    /// measures jumping from checkpoint to checkpoint; letting it fall settles the weights.
    Cosine,
}

impl std::str::FromStr for Schedule {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        [Self::Constant, Self::Cosine]
            .into_iter()
            .find(|schedule| schedule.name() == name)
            .ok_or_else(|| format!("no schedule `{name}`: give constant or cosine"))
    }
}

impl Schedule {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Constant => "constant",
            Self::Cosine => "cosine",
        }
    }

    /// The rate when `done` (0 to 1) of the run is behind.
    pub fn rate(self, start: f64, done: f64) -> f64 {
        match self {
            Self::Constant => start,
            Self::Cosine => {
                start * 0.5 * (1.0 + (std::f64::consts::PI * done.clamp(0.0, 1.0)).cos())
            }
        }
    }
}

/// Where training stands, kept with each checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// The epoch under way.
    pub epoch: usize,
    /// The next batch of it.
    pub batch: usize,
    /// Updates made so far.
    pub updates: usize,
    /// Steps trained on so far.
    pub steps: usize,
}

/// A checkpoint directory's files.
pub struct Checkpoint {
    dir: PathBuf,
}

impl Checkpoint {
    const WEIGHTS: &str = "model.safetensors";
    const OPTIMIZER: &str = "optimizer.safetensors";
    const OPTIONS: &str = "options.json";
    const POSITION: &str = "position.json";

    /// The checkpoint in `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    /// The weights.
    pub fn weights(&self) -> PathBuf {
        self.dir.join(Self::WEIGHTS)
    }

    /// The weights' bytes.
    ///
    /// # Errors
    /// When they cannot be read, or are gone.
    pub fn read_weights(&self) -> Result<Vec<u8>, TrainError> {
        self.read_file(Self::WEIGHTS)
    }

    fn optimizer(&self) -> PathBuf {
        self.dir.join(Self::OPTIMIZER)
    }

    fn options(&self) -> PathBuf {
        self.dir.join(Self::OPTIONS)
    }

    fn position(&self) -> PathBuf {
        self.dir.join(Self::POSITION)
    }

    /// The options and position of the checkpoint there, if there is one.
    ///
    /// # Errors
    /// When its files cannot be read.
    pub fn read(&self) -> Result<Option<(Options, Position)>, TrainError> {
        if !self.position().exists() {
            return Ok(None);
        }
        let options = serde_json::from_slice(&self.read_file(Self::OPTIONS)?)
            .map_err(|e| TrainError::Damaged(self.options(), e.to_string()))?;
        let position = serde_json::from_slice(&self.read_file(Self::POSITION)?)
            .map_err(|e| TrainError::Damaged(self.position(), e.to_string()))?;
        Ok(Some((options, position)))
    }

    /// The bytes of the checkpoint's file `name`; one that is gone makes the checkpoint not whole.
    fn read_file(&self, name: &'static str) -> Result<Vec<u8>, TrainError> {
        let path = self.dir.join(name);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => TrainError::Incomplete(self.dir.clone(), name),
            _ => TrainError::Io(path, e),
        })
    }

    /// Whether the files there are the first checkpoint of a run with `options`, cut short before
    /// its position was written: the same command may then start over them.
    fn cut_short_by(&self, options: &Options) -> bool {
        std::fs::read(self.options())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Options>(&bytes).ok())
            .is_some_and(|saved| {
                // A run that starts over may start on another split.
                let saved = Options {
                    data: None,
                    ..saved
                };
                options.differences(&saved).is_empty() && same_start(options, &saved)
            })
    }

    /// Whether the checkpoint kept AdamW's moments (checkpoints from before it did go on with
    /// fresh ones).
    pub fn keeps_moments(&self) -> bool {
        self.optimizer().exists()
    }

    /// Loads the weights, and AdamW's moments where they were kept, into a model of the
    /// checkpoint's sizes, or one that grew from them (see
    /// [`Config::grows_into`](crate::model::Config::grows_into)): one that sees longer actions
    /// keeps the positions they learned and draws the new ones, and the variables `new`, which the
    /// checkpoint lacks, are drawn and start with fresh moments.
    fn load_into(
        &self,
        params: &Params,
        optimizer: &mut AdamW,
        new: &[String],
        device: &Device,
    ) -> Result<(), TrainError> {
        let damaged = |path: PathBuf| {
            move |e: candle_core::Error| TrainError::Damaged(path, crate::error_text(e))
        };
        if !self.weights().exists() {
            return Err(TrainError::Incomplete(self.dir.clone(), Self::WEIGHTS));
        }
        params
            .load_grown(&self.weights(), Model::GROWN_WITH_ACTIONS, new, device)
            .map_err(damaged(self.weights()))?;
        if self.keeps_moments() {
            optimizer
                .load(&self.optimizer(), Model::GROWN_WITH_ACTIONS, new, device)
                .map_err(damaged(self.optimizer()))?;
        }
        Ok(())
    }

    fn write(
        &self,
        params: &Params,
        optimizer: &AdamW,
        options: &Options,
        position: &Position,
    ) -> Result<(), TrainError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| TrainError::Io(self.dir.clone(), e))?;
        // The options first: a first checkpoint cut short before its position then holds this
        // run's options, by which the same command knows the directory as its own.
        write_json(&self.options(), options)?;
        write_atomically(&self.weights(), |partial| Ok(params.save(partial)?))?;
        write_atomically(&self.optimizer(), |partial| Ok(optimizer.save(partial)?))?;
        write_json(&self.position(), position)
    }
}

fn write_atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), TrainError>,
) -> Result<(), TrainError> {
    let partial = path.with_extension("partial");
    write(&partial)?;
    std::fs::rename(&partial, path).map_err(|e| TrainError::Io(path.to_owned(), e))
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), TrainError> {
    let bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    write_atomically(path, |partial| {
        std::fs::write(partial, bytes).map_err(|e| TrainError::Io(partial.to_owned(), e))
    })
}

impl Options {
    /// The options by which a checkpoint made with `other` cannot go on under these: it can when
    /// the model, the order of sessions and the optimizer's rates are the same. Checkpoints at
    /// other intervals are fine, and so are more epochs, unless the rate falls over the run's
    /// epochs. `--from` matters only at a run's start, so a resumption may leave it out, but not
    /// name another checkpoint. The train split must be the same where both record it.
    fn differences(&self, other: &Options) -> Vec<String> {
        let cosine = self.schedule == Schedule::Cosine;
        let sizes = format!(
            "sizes (the checkpoint's: {}; --dim, --layers, --action-len, --copy, --pointer-only, --arithmetic and --listing set them)",
            other.config
        );
        let (data_differs, data) = match (&self.data, &other.data) {
            (Some(this), Some(saved)) => (
                this != saved,
                format!("train split (it learned from {saved}; --data now holds {this})"),
            ),
            _ => (false, String::new()),
        };
        [
            (self.config != other.config, sizes.as_str()),
            (self.batch != other.batch, "--batch"),
            (self.bptt != other.bptt, "--bptt"),
            (
                self.learning_rate.to_bits() != other.learning_rate.to_bits(),
                "--learning-rate",
            ),
            (self.schedule != other.schedule, "--schedule"),
            (self.seed != other.seed, "--seed"),
            (
                self.feed_predictions.to_bits() != other.feed_predictions.to_bits(),
                "--feed-predictions",
            ),
            (self.true_targets != other.true_targets, "--true-targets"),
            (cosine && self.epochs != other.epochs, "--epochs"),
            (self.from.is_some() && !same_start(self, other), "--from"),
            (data_differs, data.as_str()),
        ]
        .into_iter()
        .filter(|(differs, _)| *differs)
        .map(|(_, name)| name.to_owned())
        .collect()
    }
}

/// Whether two runs start from the same checkpoint (or both from drawn weights).
fn same_start(a: &Options, b: &Options) -> bool {
    match (&a.from, &b.from) {
        (Some(a), Some(b)) => crate::same_path(a, b),
        (a, b) => a == b,
    }
}

/// Why training stopped.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The dataset has no train split.
    #[error("{}", Episode::none_in(.0, Split::Train))]
    NoData(PathBuf),
    /// A dataset was given twice.
    #[error("--data {0} is given twice: its sessions would be learned twice as often as the rest")]
    SameDataTwice(PathBuf),
    /// A file could not be read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// A checkpoint file is damaged.
    #[error(
        "{0} is damaged ({1}); that checkpoint cannot be used: use another, or remove it and train it again"
    )]
    Damaged(PathBuf, String),
    /// A checkpoint has its position, but a file it needs is gone.
    #[error(
        "{0} has a position.json but no {1}, so its checkpoint is not whole; use another, or remove it and train it again"
    )]
    Incomplete(PathBuf, &'static str),
    /// The model's sizes do not fit together.
    #[error("the model's sizes do not fit: {0}")]
    Sizes(String),
    /// The checkpoint to start from has other sizes than the model to train.
    #[error(
        "{0} holds a model of other sizes ({1}) than the one to train; give its sizes (--dim, --layers, --copy, --pointer-only, --arithmetic, --listing), as its options.json says (only --action-len may be larger, and a copy head or its gate or an arithmetic head or its listing may be added)"
    )]
    OtherSizes(PathBuf, Config),
    /// `--from` names a directory without a checkpoint.
    #[error(
        "{0} holds no checkpoint (no position.json); give a directory that `neural train --out` wrote"
    )]
    NotACheckpoint(PathBuf),
    /// `--out` holds a model, but no position to resume it from.
    #[error(
        "{0} holds a model but no position.json, so a run there would overwrite it; give another --out, or move its files away to train there anew"
    )]
    HoldsAModel(PathBuf),
    /// The checkpoint was made with other options.
    #[error(
        "the checkpoint in {0} was made with another {1}; give the same to resume it, or train into another directory (`--from {0}` starts there)"
    )]
    OtherOptions(PathBuf, String),
    /// An episode could not be read.
    #[error(transparent)]
    Episode(#[from] crate::data::EpisodeError),
    /// The share of steps fed the model's own screens is not one.
    #[error(
        "--feed-predictions {0} is not a share of steps: give a number from 0 to 1, such as 0.25"
    )]
    NotAShare(f64),
    /// An arithmetic head asked of a run that starts from no trained model.
    #[error(
        "--arithmetic trains the arithmetic head alone, with the rest of a trained model held as it is: give that model's checkpoint with --from"
    )]
    HeadAlone,
    /// The tensor library failed.
    #[error("the model failed: {0}")]
    Model(String),
}

impl From<candle_core::Error> for TrainError {
    fn from(error: candle_core::Error) -> Self {
        Self::Model(crate::error_text(error))
    }
}

/// What a report during training says.
pub struct Report {
    /// Where training stands.
    pub position: Position,
    /// Updates in the whole run.
    pub total_updates: usize,
    /// The last update's loss, per step.
    pub loss: f32,
    /// Steps trained on per second, over this run.
    pub steps_per_second: f64,
    /// The learning rate of the last update.
    pub learning_rate: f64,
}

/// How a run into a checkpoint directory starts.
#[derive(Debug, PartialEq)]
pub enum Start {
    /// The directory's checkpoint goes on from `position`; its run began from `from` (which a
    /// resumption may leave out).
    Resumes {
        position: Position,
        from: Option<PathBuf>,
    },
    /// From weights drawn from the seed.
    Fresh,
    /// From the weights and optimizer state of this checkpoint (`--from`).
    From(PathBuf),
    /// From the weights and optimizer state of this checkpoint, a model of sizes `saw` that the
    /// run's model grew from ([`Config::grows_into`](crate::model::Config::grows_into)): it sees
    /// longer actions, so its table of action positions grows, or it gained a copy head or its
    /// gate, or both; or, alone, an arithmetic head, or an arithmetic head's listing.
    Grows { from: PathBuf, saw: Config },
}

impl Start {
    /// How a run with `options` into `out` starts; it reads the checkpoints' options and changes
    /// nothing.
    ///
    /// # Errors
    /// When the run's sizes do not fit, `out` holds a checkpoint made with other options or a
    /// model of another run without its position, `--from` names no checkpoint or one of other
    /// sizes, an arithmetic head is asked without `--from`, or a checkpoint's options cannot be
    /// read or it is not whole.
    pub fn of(out: &Path, options: &Options) -> Result<Start, TrainError> {
        options.config.check().map_err(TrainError::Sizes)?;
        if let Some((saved, position)) = Checkpoint::new(out).read()? {
            let differences = options.differences(&saved);
            if !differences.is_empty() {
                return Err(TrainError::OtherOptions(
                    out.to_owned(),
                    differences.join(", "),
                ));
            }
            return Ok(Start::Resumes {
                position,
                from: saved.from,
            });
        }
        let checkpoint = Checkpoint::new(out);
        if (checkpoint.weights().exists() || checkpoint.options().exists())
            && !checkpoint.cut_short_by(options)
        {
            return Err(TrainError::HoldsAModel(out.to_owned()));
        }
        let Some(from) = &options.from else {
            if options.config.arithmetic {
                return Err(TrainError::HeadAlone);
            }
            return Ok(Start::Fresh);
        };
        match Checkpoint::new(from).read()? {
            Some((saved, _)) if saved.config == options.config => Ok(Start::From(from.clone())),
            // A head trained alone leaves the rest as it is, so it cannot grow anything else:
            // a part added beside it would stay as drawn.
            Some((saved, _))
                if saved.config.grows_into(&options.config)
                    && (!options.config.arithmetic
                        || Config {
                            arithmetic: true,
                            listing: options.config.listing,
                            ..saved.config.clone()
                        } == options.config) =>
            {
                Ok(Start::Grows {
                    from: from.clone(),
                    saw: saved.config,
                })
            }
            Some((saved, _)) => Err(TrainError::OtherSizes(from.clone(), saved.config)),
            None => Err(TrainError::NotACheckpoint(from.clone())),
        }
    }
}

/// Trains on `data`'s train split into the checkpoint `out`, resuming it if it is there; `report` is
/// told after each update.
///
/// # Errors
/// See [`TrainError`].
pub fn train(
    data: &Path,
    out: &Path,
    options: &Options,
    device: &Device,
    report: &mut dyn FnMut(&Report),
) -> Result<Position, TrainError> {
    train_until(&[data.to_owned()], out, options, device, report, &|| false)
}

/// [`train`] on the train splits of the datasets `data` taken as one, asking `stop` before each
/// batch: when it says so, the checkpoint is written there and the position given is short of the
/// run's end, so that the same run goes on from it. A model with an arithmetic head trains the head
/// alone ([`crate::train_arithmetic`]).
///
/// # Errors
/// See [`TrainError`].
pub fn train_until(
    data: &[PathBuf],
    out: &Path,
    options: &Options,
    device: &Device,
    report: &mut dyn FnMut(&Report),
    stop: &dyn Fn() -> bool,
) -> Result<Position, TrainError> {
    check_share(options.feed_predictions)?;
    let files = train_files(data)?;
    let options = Options {
        data: Some(TrainSplit::of(&files)?),
        ..options.clone()
    };
    let start = Start::of(out, &options)?;
    let checkpoint = Checkpoint::new(out);
    // A resumption may leave out --from; the checkpoint keeps the record of where it began.
    let options = &match &start {
        Start::Resumes { from, .. } => Options {
            from: from.clone(),
            ..options
        },
        _ => options,
    };
    let params = Arc::new(Params::new(options.seed));
    let model = Model::new(options.config.clone(), params.builder(device))?;
    let trained = params
        .vars()
        .into_iter()
        .filter(|(name, _)| !options.config.arithmetic || is_arithmetic_head(name))
        .collect();
    let mut optimizer = AdamW::new(trained, options.learning_rate)?;
    let mut position = match start {
        Start::Resumes { position, .. } => {
            checkpoint.load_into(&params, &mut optimizer, &[], device)?;
            position
        }
        Start::Fresh => Position::default(),
        Start::From(from) => {
            Checkpoint::new(&from).load_into(&params, &mut optimizer, &[], device)?;
            Position::default()
        }
        Start::Grows { from, saw } => {
            let mut new = CopyHead::grown(&saw, &options.config);
            if options.config.arithmetic && !saw.arithmetic {
                new.extend(params.named().into_keys().filter(|n| is_arithmetic_head(n)));
            } else if options.config.listing && !saw.listing {
                new.extend(params.named().into_keys().filter(|n| is_listing(n)));
            }
            Checkpoint::new(&from).load_into(&params, &mut optimizer, &new, device)?;
            Position::default()
        }
    };
    if options.config.arithmetic {
        let examples = crate::train_arithmetic::examples(&files, options.config.listing)?;
        let mut save = |optimizer: &AdamW, position: &Position| {
            checkpoint.write(&params, optimizer, options, position)
        };
        crate::train_arithmetic::train_head(
            &model,
            &mut optimizer,
            &examples,
            options,
            &mut position,
            crate::train_arithmetic::Calls {
                report,
                save: &mut save,
                stop,
            },
        )?;
        return Ok(position);
    }
    let batches = files.len().div_ceil(options.batch);
    let total_updates = estimate_updates(&files, options)?;
    let started = Instant::now();
    let steps_at_start = position.steps;
    while position.epoch < options.epochs {
        let order = epoch_order(files.clone(), options.seed, position.epoch);
        while position.batch < batches {
            // Asked before a batch, not after one, so that a run stopped is never one at its end.
            if stop() {
                checkpoint.write(&params, &optimizer, options, &position)?;
                return Ok(position);
            }
            let chunk = &order[position.batch * options.batch..][..options
                .batch
                .min(order.len() - position.batch * options.batch)];
            let sessions = chunk
                .iter()
                .map(|path| Episode::read(path).map(|e| Encoded::of(&e)))
                .collect::<Result<Vec<_>, _>>()?;
            let done = (position.epoch * batches + position.batch) as f64
                / (options.epochs * batches) as f64;
            let learning_rate = options.schedule.rate(options.learning_rate, done);
            optimizer.set_learning_rate(learning_rate);
            // Drawn again for each batch, so that a resumed run draws what it would have.
            let batch_id = ((position.epoch as u64) << 32) | position.batch as u64;
            let mut draws = ChaCha8Rng::seed_from_u64(
                options.seed ^ batch_id.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            );
            run_batch(
                &model,
                &mut optimizer,
                &sessions,
                options,
                &mut draws,
                device,
                &mut |loss, steps| {
                    position.updates += 1;
                    position.steps += steps;
                    let seconds = started.elapsed().as_secs_f64().max(1e-9);
                    report(&Report {
                        position: position.clone(),
                        total_updates,
                        loss,
                        steps_per_second: (position.steps - steps_at_start) as f64 / seconds,
                        learning_rate,
                    });
                },
            )?;
            position.batch += 1;
            if position.batch % options.checkpoint_every.max(1) == 0 {
                checkpoint.write(&params, &optimizer, options, &position)?;
            }
        }
        position.epoch += 1;
        position.batch = 0;
    }
    checkpoint.write(&params, &optimizer, options, &position)?;
    Ok(position)
}

/// `items` in the order epoch `epoch` of a run seeded `seed` takes them: each epoch another, and the
/// same again when a run resumes.
pub(crate) fn epoch_order<T>(mut items: Vec<T>, seed: u64, epoch: usize) -> Vec<T> {
    items.shuffle(&mut ChaCha8Rng::seed_from_u64(
        seed ^ (epoch as u64).wrapping_mul(0x9e37_79b9),
    ));
    items
}

/// Whether the variable `name` is the arithmetic head's.
fn is_arithmetic_head(name: &str) -> bool {
    name.strip_prefix(crate::arithmetic_head::PREFIX)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Whether the variable `name` is the arithmetic head's listing's.
fn is_listing(name: &str) -> bool {
    name.strip_prefix(crate::arithmetic_head::PREFIX)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_prefix(crate::arithmetic_head::LISTING))
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Updates a whole run makes, for the progress bar: per epoch, per batch, its longest session's
/// steps over `bptt`.
fn estimate_updates(files: &[PathBuf], options: &Options) -> Result<usize, TrainError> {
    // Reading every file to count would double the first epoch's reading; sessions run 8 to 24
    // commands, so the longest of the first few stands for a batch's.
    let sample: Vec<usize> = files
        .iter()
        .take(32)
        .map(|p| Episode::read(p).map(|e| e.steps.len()))
        .collect::<Result<_, _>>()?;
    let longest = sample.iter().copied().max().unwrap_or(1);
    Ok(options.epochs * files.len().div_ceil(options.batch) * longest.div_ceil(options.bptt))
}

/// Refuses a share of steps fed the model's own screens ([`Options::feed_predictions`]) that is not
/// one: a number from 0 to 1.
///
/// # Errors
/// [`TrainError::NotAShare`].
pub fn check_share(share: f64) -> Result<(), TrainError> {
    if (0.0..=1.0).contains(&share) {
        Ok(())
    } else {
        Err(TrainError::NotAShare(share))
    }
}

/// Runs one batch of sessions in lockstep; `updated` is told each update's loss and steps.
/// `draws` decides which steps are fed the model's own screen ([`Options::feed_predictions`]).
fn run_batch(
    model: &Model,
    optimizer: &mut AdamW,
    sessions: &[Encoded],
    options: &Options,
    draws: &mut ChaCha8Rng,
    device: &Device,
    updated: &mut dyn FnMut(f32, usize),
) -> Result<(), TrainError> {
    let longest = sessions.iter().map(|s| s.steps.len()).max().unwrap_or(0);
    let mut state = model.start_state(sessions.len())?;
    // The sessions still running, by their place in the batch, in the order of the state's rows.
    let mut running: Vec<usize> = (0..sessions.len()).collect();
    // What the model predicted of each session's screen after its last step.
    let mut predicted: Vec<Option<Predicted>> = vec![None; sessions.len()];
    let mut t = 0;
    while t < longest {
        let end = (t + options.bptt).min(longest);
        let mut total: Option<Tensor> = None;
        let mut steps = 0;
        for time in t..end {
            (running, state) = still_running(running, state, |&s| time < sessions[s].steps.len())?;
            let now: Vec<Cow<EncodedStep>> = running
                .iter()
                .map(|&s| {
                    let step = &sessions[s].steps[time];
                    match predicted[s].take() {
                        Some(screen) if draws.random_bool(options.feed_predictions) => {
                            Cow::Owned(step.with_predicted_before(&screen))
                        }
                        _ => Cow::Borrowed(step),
                    }
                })
                .collect();
            steps += now.len();
            let now: Vec<&EncodedStep> = now.iter().map(AsRef::as_ref).collect();
            let seen: Vec<&Seen> = now.iter().map(|s| &s.seen).collect();
            let inputs = input(&seen, model.config.action_len, device)?;
            let wanted = if options.true_targets {
                let truth: Vec<&EncodedStep> =
                    running.iter().map(|&s| &sessions[s].steps[time]).collect();
                targets(&truth, device)?
            } else {
                targets(&now, device)?
            };
            let trunk = model.trunk(&inputs, &state)?;
            let loss = step_loss(model, &trunk, &inputs, &wanted)?;
            total = Some(match total {
                None => loss.total,
                Some(sum) => sum.add(&loss.total)?,
            });
            if options.feed_predictions > 0.0 {
                let screens = screens(model, &trunk, &inputs, &seen)?;
                for (&s, screen) in running.iter().zip(screens) {
                    predicted[s] = Some(screen);
                }
            }
            state = trunk.state;
        }
        if let Some(total) = total {
            let per_step = total.affine(1.0 / (end - t) as f64, 0.0)?;
            optimizer.backward_step(&per_step)?;
            updated(per_step.to_scalar()?, steps);
        }
        state = state.detach();
        t = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Schedule;

    #[test]
    fn the_cosine_schedule_falls_from_the_rate_to_nothing() {
        let rate = |done| Schedule::Cosine.rate(0.002, done);
        assert!((rate(0.0) - 0.002).abs() < 1e-12);
        assert!((rate(0.5) - 0.001).abs() < 1e-12);
        assert!(rate(1.0).abs() < 1e-12);
        assert!(rate(0.25) > rate(0.5) && rate(0.5) > rate(0.75));
        assert!((Schedule::Constant.rate(0.002, 0.9) - 0.002).abs() < 1e-12);
    }
}
