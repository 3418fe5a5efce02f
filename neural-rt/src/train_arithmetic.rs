//! Training the arithmetic head alone ([`Config::arithmetic`](crate::model::Config::arithmetic)),
//! with the rest of the model held as the checkpoint it starts from made it. The head reads only
//! the action, so each step of the train split is one example on its own, in a seeded order: its
//! action, whether its family is arithmetic, and the first cells of the row above the cursor on the
//! screen after it, where an answer goes. A step whose family is not known (a recording of a real
//! terminal) teaches it nothing, and is left out.

use std::path::PathBuf;

use candle_core::{Device, Tensor};

use crate::arithmetic_head::{Answer, READS, WRITES};
use crate::data::{Episode, Family};
use crate::encode::{self, COLS, PAD, ROWS, Window};
use crate::model::Model;
use crate::optimizer::AdamW;
use crate::train::{Options, Position, Report, TrainError, epoch_order};

/// One step, as the head learns from it.
pub struct Example {
    /// The action's first [`READS`] symbols.
    action: Vec<u32>,
    /// Whether the step computes, and so shows an answer.
    shows: bool,
    /// The first cells of the row above the cursor after it.
    row: [u32; WRITES],
}

/// The examples of the train split's `files`.
///
/// # Errors
/// When an episode cannot be read.
pub fn examples(files: &[PathBuf]) -> Result<Vec<Example>, TrainError> {
    let mut examples = Vec::new();
    for file in files {
        let episode = Episode::read(file)?;
        for (i, step) in episode.steps.iter().enumerate() {
            let Some(family) = step.family else {
                continue;
            };
            let window = Window::of(episode.before(i));
            let (cursor_row, _) = window.cursor(&step.frame);
            let shows = family == Family::Arithmetic;
            let mut row = [0; WRITES];
            if (1..ROWS).contains(&cursor_row) {
                let cells = window.cells(&step.frame);
                row.copy_from_slice(&cells[(cursor_row - 1) * COLS..][..WRITES]);
            } else if shows {
                // No row above the prompt to show the answer on: nothing to learn.
                continue;
            }
            let mut action = encode::action(&step.action);
            action.truncate(READS);
            examples.push(Example { action, shows, row });
        }
    }
    Ok(examples)
}

/// The head's loss on `batch`: whether each step shows an answer, and, for those that do, the
/// characters of the answer row's first cells.
///
/// # Errors
/// When the tensor library fails.
pub fn loss(answer: &Answer, batch: &[&Example], device: &Device) -> candle_core::Result<Tensor> {
    let shows: Vec<u32> = batch.iter().map(|e| u32::from(e.shows)).collect();
    let shown =
        candle_nn::loss::cross_entropy(&answer.answers, &Tensor::new(shows.as_slice(), device)?)?;
    let answered: Vec<u32> = (0..batch.len() as u32)
        .filter(|&i| batch[i as usize].shows)
        .collect();
    if answered.is_empty() {
        return Ok(shown);
    }
    let rows: Vec<u32> = answered
        .iter()
        .flat_map(|&i| batch[i as usize].row)
        .collect();
    let cells = answer
        .cells
        .index_select(&Tensor::new(answered.as_slice(), device)?, 0)?;
    let (n, writes, chars) = cells.dims3()?;
    let written = candle_nn::loss::cross_entropy(
        &cells.reshape((n * writes, chars))?,
        &Tensor::new(rows.as_slice(), device)?,
    )?;
    shown.add(&written)
}

/// The actions of `batch` as the head reads them: `[b, READS]` symbols and `[b, READS]` 1 for a
/// real character.
///
/// # Errors
/// When the tensor library fails.
pub fn actions(batch: &[&Example], device: &Device) -> candle_core::Result<(Tensor, Tensor)> {
    let symbols: Vec<u32> = batch
        .iter()
        .flat_map(|e| (0..READS).map(|i| e.action.get(i).copied().unwrap_or(PAD)))
        .collect();
    let real: Vec<f32> = batch
        .iter()
        .flat_map(|e| (0..READS).map(|i| if i < e.action.len() { 1.0 } else { 0.0 }))
        .collect();
    Ok((
        Tensor::from_vec(symbols, (batch.len(), READS), device)?,
        Tensor::from_vec(real, (batch.len(), READS), device)?,
    ))
}

/// What a run of [`train_head`] tells its caller and asks of it.
pub struct Calls<'a> {
    /// Told after each update.
    pub report: &'a mut dyn FnMut(&Report),
    /// Writes a checkpoint.
    pub save: &'a mut dyn FnMut(&AdamW, &Position) -> Result<(), TrainError>,
    /// Asked before each batch whether to stop there.
    pub stop: &'a dyn Fn() -> bool,
}

/// Trains the head of `model` on `examples` from `position` to the end of the run, `options.batch`
/// steps to a batch.
///
/// # Errors
/// When the tensor library fails or a checkpoint cannot be written.
pub fn train_head(
    model: &Model,
    optimizer: &mut AdamW,
    examples: &[Example],
    options: &Options,
    position: &mut Position,
    calls: Calls<'_>,
) -> Result<(), TrainError> {
    let device = model.device().clone();
    let batch = options.batch.max(1);
    let batches = examples.len().div_ceil(batch);
    let total_updates = options.epochs * batches;
    let started = std::time::Instant::now();
    let steps_at_start = position.steps;
    while position.epoch < options.epochs {
        let order = epoch_order(examples.iter().collect(), options.seed, position.epoch);
        while position.batch < batches {
            if (calls.stop)() {
                return (calls.save)(optimizer, position);
            }
            let chunk =
                &order[position.batch * batch..][..batch.min(order.len() - position.batch * batch)];
            let done = (position.epoch * batches + position.batch) as f64 / total_updates as f64;
            let learning_rate = options.schedule.rate(options.learning_rate, done);
            optimizer.set_learning_rate(learning_rate);
            let (action, real) = actions(chunk, &device)?;
            let answer = model
                .answer(&action, &real)?
                .ok_or_else(|| TrainError::Sizes("the model has no arithmetic head".into()))?;
            let loss = loss(&answer, chunk, &device)?;
            optimizer.backward_step(&loss)?;
            position.updates += 1;
            position.steps += chunk.len();
            position.batch += 1;
            let seconds = started.elapsed().as_secs_f64().max(1e-9);
            (calls.report)(&Report {
                position: position.clone(),
                total_updates,
                loss: loss.to_scalar()?,
                steps_per_second: (position.steps - steps_at_start) as f64 / seconds,
                learning_rate,
            });
            if position
                .batch
                .is_multiple_of(options.checkpoint_every.max(1))
            {
                (calls.save)(optimizer, position)?;
            }
        }
        position.epoch += 1;
        position.batch = 0;
    }
    (calls.save)(optimizer, position)
}
