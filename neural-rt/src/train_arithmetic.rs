//! Training the arithmetic head alone ([`Config::arithmetic`](crate::model::Config::arithmetic)),
//! with the rest of the model held as the checkpoint it starts from made it. The head reads only
//! the action, so each step of the train split is one example on its own, in a seeded order: its
//! action, whether it shows an answer (its family is arithmetic), and the first cells of the row
//! above the cursor on the screen after it, where an answer goes. A step whose family is not known
//! (a recording of a real terminal) teaches it nothing, and is left out.
//!
//! A head with a listing ([`Config::listing`](crate::model::Config::listing)) also learns the
//! `seq` steps (the `scroll` family): their last number is their answer row, and the rows above it
//! up to the command's own row (or the top of the screen, when it scrolled away) are the rest.
//! A step whose cursor ends outside the model's window (a screen taller than it) has no answer row
//! in it, and is left out.

use std::path::PathBuf;

use candle_core::{Device, Tensor};
use kernel_bridge::Frame;

use crate::arithmetic_head::{ABOVE, Above, Answer, READS, WRITES};
use crate::data::{Episode, Family};
use crate::encode::{self, CHARS, COLS, PAD, ROWS, Window};
use crate::model::Model;
use crate::optimizer::AdamW;
use crate::train::{Options, Position, Report, TrainError, epoch_order};

/// One step, as the head learns from it.
pub struct Example {
    /// The action's first [`READS`] symbols.
    action: Vec<u32>,
    /// Whether the step computes, and so shows an answer: arithmetic, and with a listing `seq`.
    shows: bool,
    /// The first cells of the row above the cursor after it.
    row: [u32; WRITES],
    /// With a listing, the first cells of the rows of the step's numbers above that one, nearest
    /// first.
    above: Vec<[u32; WRITES]>,
    /// How many rows above the answer row are known to be the step's numbers or not: all, unless
    /// the numbers run to the top of the screen, above which nothing is known.
    known: usize,
}

/// The examples of the train split's `files`, for a head with a `listing` or without.
///
/// # Errors
/// When an episode cannot be read.
pub fn examples(files: &[PathBuf], listing: bool) -> Result<Vec<Example>, TrainError> {
    let mut examples = Vec::new();
    for file in files {
        let episode = Episode::read(file)?;
        for (i, step) in episode.steps.iter().enumerate() {
            let Some(family) = step.family else {
                continue;
            };
            let before = episode.before(i);
            let window = Window::of(before);
            if window.crop(&step.frame).cursor.0 == u16::MAX {
                continue;
            }
            let (cursor_row, _) = window.cursor(&step.frame);
            let lists = listing && family == Family::Scroll;
            let shows = family == Family::Arithmetic || lists;
            let mut row = [0; WRITES];
            let mut above = Vec::new();
            let mut known = ABOVE;
            if (1..ROWS).contains(&cursor_row) {
                let cells = window.cells(&step.frame);
                row = first_cells(&cells, cursor_row - 1);
                if lists {
                    let typed = command_row(before, window, &step.action);
                    above = (0..cursor_row - 1)
                        .rev()
                        .take_while(|&r| !cells[r * COLS..].starts_with(&typed))
                        .map(|r| first_cells(&cells, r))
                        .collect();
                    if above.len() == cursor_row - 1 {
                        known = above.len();
                    }
                }
            } else if shows {
                // No row above the prompt to show the answer on: nothing to learn.
                continue;
            }
            let mut action = encode::action(&step.action);
            action.truncate(READS);
            examples.push(Example {
                action,
                shows,
                row,
                above,
                known,
            });
        }
    }
    Ok(examples)
}

/// The first cells of row `r` of a screen's `cells`.
fn first_cells(cells: &[u32], r: usize) -> [u32; WRITES] {
    let mut row = [0; WRITES];
    row.copy_from_slice(&cells[r * COLS..][..WRITES]);
    row
}

/// How the row where `action` was typed at the screen `before` begins: the prompt, then the
/// action. A `seq` lists numbers up to that row.
fn command_row(before: &Frame, window: Window, action: &str) -> Vec<u32> {
    let (row, col) = window.cursor(before);
    let mut typed = window.cells(before)[row * COLS..][..col].to_vec();
    typed.extend(encode::action(action));
    typed.truncate(COLS);
    typed
}

/// The head's loss on `batch`: whether each step shows an answer, and, for those that do, the
/// characters of the answer row's first cells; with a listing, the same of the rows above.
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
    let Some(above) = &answer.above else {
        return shown.add(&written);
    };
    shown.add(&written)?.add(&listed(above, batch, device)?)
}

/// A listing's loss on `batch`: whether each row above the answer row is one of the step's numbers,
/// and, for those that are, the characters of its first cells.
fn listed(above: &Above, batch: &[&Example], device: &Device) -> candle_core::Result<Tensor> {
    let n = batch.len() * ABOVE;
    // Each row known, as its place in the batch's rows, and whether it is one of the numbers.
    let (known, listed): (Vec<u32>, Vec<u32>) = batch
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            (0..e.known).map(move |k| ((i * ABOVE + k) as u32, u32::from(k < e.above.len())))
        })
        .unzip();
    if known.is_empty() {
        // No row of the batch is known (each one's numbers run to the top from the row under it).
        return above.shown.sum_all()?.affine(0.0, 0.0);
    }
    let shown = candle_nn::loss::cross_entropy(
        &above
            .shown
            .reshape((n, 2))?
            .index_select(&Tensor::new(known.as_slice(), device)?, 0)?,
        &Tensor::new(listed.as_slice(), device)?,
    )?;
    let at: Vec<u32> = batch
        .iter()
        .enumerate()
        .flat_map(|(i, e)| (0..e.above.len()).map(move |k| (i * ABOVE + k) as u32))
        .collect();
    if at.is_empty() {
        return Ok(shown);
    }
    let rows: Vec<u32> = batch.iter().flat_map(|e| e.above.concat()).collect();
    let cells = above
        .cells
        .reshape((n, WRITES, CHARS))?
        .index_select(&Tensor::new(at.as_slice(), device)?, 0)?;
    let written = candle_nn::loss::cross_entropy(
        &cells.reshape((at.len() * WRITES, CHARS))?,
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

#[cfg(test)]
mod tests {
    use kernel_bridge::Frame;

    use super::*;
    use crate::data::episode::FORMAT;
    use crate::data::{EpisodeStep, Header, Split};

    fn frame(rows: u16, lines: &[String], cursor: (u16, u16)) -> Frame {
        let mut frame = Frame::blank(rows, 80);
        frame.lines[..lines.len()].clone_from_slice(lines);
        frame.cursor = cursor;
        frame
    }

    /// The example of `seq {last}` typed at the prompt on `row` below `above` (one line each) of a
    /// screen of `rows` rows, for a head with a `listing` or without, if the step is one.
    fn seq_example(
        rows: u16,
        above: &[&str],
        row: usize,
        last: u32,
        listing: bool,
    ) -> Option<Example> {
        let mut screen: Vec<String> = above.iter().map(|s| (*s).to_owned()).collect();
        screen.resize(row, String::new());
        let first = frame(
            rows,
            &[screen.clone(), vec!["$".into()]].concat(),
            (row as u16, 2),
        );
        screen.push(format!("$ seq {last}"));
        screen.extend((1..=last).map(|n| n.to_string()));
        screen.push("$".into());
        let scrolled = screen.split_off(screen.len().saturating_sub(usize::from(rows)));
        let cursor = (scrolled.len() as u16 - 1, 2);
        let episode = Episode {
            header: Header {
                format: FORMAT.into(),
                seed: 1,
                split: Split::Train,
                rows,
                cols: 80,
                source: "test".into(),
            },
            first,
            steps: vec![EpisodeStep {
                action: format!("seq {last}"),
                family: Some(Family::Scroll),
                exit_status: Some(0),
                frame: frame(rows, &scrolled, cursor),
            }],
        };
        let dir = tempfile::tempdir().unwrap();
        let file = episode.write(dir.path()).unwrap();
        examples(&[file], listing).unwrap().pop()
    }

    fn text(cells: &[u32]) -> String {
        let s: String = cells.iter().map(|&c| encode::character(c)).collect();
        s.trim_end().to_owned()
    }

    /// The rows above the answer row that a listing learns of `seq {last}` (see [`seq_example`]).
    fn listed_rows(above: &[&str], row: usize, last: u32) -> Vec<String> {
        let example = seq_example(24, above, row, last, true).unwrap();
        assert!(example.shows);
        assert_eq!(text(&example.row), last.to_string());
        assert_eq!(example.known, ABOVE);
        example.above.iter().map(|row| text(row)).collect()
    }

    #[test]
    fn a_listing_learns_the_numbers_up_to_the_command_or_the_top() {
        let numbers = |from: u32, to: u32| -> Vec<String> {
            (from..=to).rev().map(|n| n.to_string()).collect()
        };
        assert_eq!(listed_rows(&[], 0, 4), numbers(1, 3));
        // Numbers above the command, from an earlier seq, are not this step's.
        assert_eq!(listed_rows(&["9", "8"], 2, 3), numbers(1, 2));
        assert_eq!(listed_rows(&["x"], 1, 1), numbers(1, 0));
        // Scrolled: rows 0 to 21 are numbers, the command gone.
        assert_eq!(listed_rows(&["x"], 20, 30), numbers(8, 29));
        assert_eq!(listed_rows(&[], 0, 40), numbers(18, 39));
    }

    #[test]
    fn without_a_listing_a_seq_shows_no_answer() {
        let example = seq_example(24, &[], 0, 4, false).unwrap();
        assert!(!example.shows && example.above.is_empty());
    }

    #[test]
    fn above_numbers_that_run_to_the_top_of_a_short_screen_nothing_is_known() {
        let example = seq_example(10, &[], 9, 12, true).unwrap();
        let above: Vec<String> = example.above.iter().map(|row| text(row)).collect();
        assert_eq!(above, ["11", "10", "9", "8", "7", "6", "5", "4"]);
        assert_eq!(example.known, 8);
    }

    #[test]
    fn a_step_whose_cursor_leaves_the_window_is_no_example() {
        // 30 rows, typed on the first: the window is the top 24, and the cursor ends on the last
        // row after 30 numbers, on row 12 after 11.
        assert!(seq_example(30, &[], 0, 30, true).is_none());
        assert!(seq_example(30, &[], 0, 11, true).is_some());
    }

    /// Scores sure of `targets` (`[n]` of `classes`), or of the class after each where `shifted`.
    fn sure_of(targets: &[u32], classes: usize, shifted: bool) -> Vec<f32> {
        targets
            .iter()
            .flat_map(|&t| {
                let t = (t as usize + usize::from(shifted)) % classes;
                (0..classes).map(move |c| if c == t { 30.0 } else { -30.0 })
            })
            .collect()
    }

    #[test]
    fn a_listing_sure_of_its_targets_has_no_loss_and_one_row_off_has_much() {
        let batch = [
            seq_example(24, &[], 0, 4, true).unwrap(),
            seq_example(10, &[], 9, 12, true).unwrap(),
        ];
        let batch: Vec<&Example> = batch.iter().collect();
        let loss_of = |shifted: bool| -> f32 {
            let mut shown = Vec::new();
            let mut cells = Vec::new();
            for e in &batch {
                let listed: Vec<u32> = (0..ABOVE).map(|k| u32::from(k < e.above.len())).collect();
                shown.extend(sure_of(&listed, 2, false));
                let rows: Vec<u32> = (0..ABOVE)
                    .flat_map(|k| e.above.get(k).copied().unwrap_or([0; WRITES]))
                    .collect();
                cells.extend(sure_of(&rows, CHARS, shifted));
            }
            let device = Device::Cpu;
            let above = Above {
                shown: Tensor::from_vec(shown, (2, ABOVE, 2), &device).unwrap(),
                cells: Tensor::from_vec(cells, (2, ABOVE, WRITES, CHARS), &device).unwrap(),
            };
            super::listed(&above, &batch, &device)
                .unwrap()
                .to_scalar()
                .unwrap()
        };
        assert!(loss_of(false) < 1e-6, "{}", loss_of(false));
        assert!(loss_of(true) > 10.0, "{}", loss_of(true));
    }
}
