//! From the model's scores to screens: each row copied from the row of the screen before that the
//! pointer chose, or written anew by the cell decoder, and the cursor where its scores are highest.
//! Where a model's arithmetic head says the step shows an answer, the head writes the first cells
//! of the row above the cursor (where the answer goes, above the next prompt), and, with a
//! listing, of each row above that one that it says holds one of the step's numbers.
//! Prediction ([`crate::runtime::Runtime::step`]) and training that feeds the model its own screens
//! ([`crate::train::Options::feed_predictions`]) decode the same way.

use candle_core::{Result, Tensor};

use crate::arithmetic_head::{Answer, WRITES};
use crate::batch::Seen;
use crate::encode::{COLS, ROWS};
use crate::model::{Input, Model, Purpose, Trunk};

/// A screen the model predicted, in the window it was given.
#[derive(Clone, Debug)]
pub struct Predicted {
    /// `ROWS * COLS` symbols.
    pub cells: Vec<u32>,
    /// The cursor.
    pub cursor: (usize, usize),
}

/// The screens after `seen` (the batch `inputs` was made from), by the model's `trunk` of them.
///
/// # Errors
/// When the tensor library fails.
pub fn screens(
    model: &Model,
    trunk: &Trunk,
    inputs: &Input,
    seen: &[&Seen],
) -> Result<Vec<Predicted>> {
    let device = model.device();
    let choices = model.pointer(trunk)?.argmax(2)?.to_vec2::<u32>()?;
    let (row_logits, col_logits) = model.cursor(trunk)?;
    let cursor_rows = row_logits.argmax(1)?.to_vec1::<u32>()?;
    let cursor_cols = col_logits.argmax(2)?.to_vec2::<u32>()?;
    let mut cells: Vec<Vec<u32>> = seen
        .iter()
        .zip(&choices)
        .map(|(step, choice)| {
            let mut out = vec![0u32; ROWS * COLS];
            for (r, &j) in choice.iter().enumerate() {
                if (j as usize) < ROWS {
                    let from = j as usize * COLS;
                    for c in 0..COLS {
                        out[r * COLS + c] = u32::from(step.before[from + c]);
                    }
                }
            }
            out
        })
        .collect();
    let new: Vec<(u32, u32)> = choices
        .iter()
        .enumerate()
        .flat_map(|(b, choice)| {
            choice
                .iter()
                .enumerate()
                .filter(|(_, j)| **j as usize == ROWS)
                .map(move |(r, _)| (b as u32, r as u32))
        })
        .collect();
    if !new.is_empty() {
        let sessions: Vec<u32> = new.iter().map(|(b, _)| *b).collect();
        let rows: Vec<u32> = new.iter().map(|(_, r)| *r).collect();
        let written = model.write_rows(
            trunk,
            inputs,
            &Tensor::new(sessions.as_slice(), device)?,
            &Tensor::new(rows.as_slice(), device)?,
            Purpose::Prediction,
        )?;
        let symbols = written.cells.argmax(2)?.to_vec2::<u32>()?;
        for ((b, r), row) in new.iter().zip(symbols) {
            let at = *r as usize * COLS;
            cells[*b as usize][at..at + COLS].copy_from_slice(&row);
        }
    }
    let answers = model
        .answer(&inputs.action, &inputs.action_real)?
        .map(|answer| Answers::of(&answer))
        .transpose()?;
    Ok(cells
        .into_iter()
        .enumerate()
        .map(|(b, mut cells)| {
            let row = cursor_rows[b] as usize;
            if let Some(answers) = &answers {
                for (above, written) in answers.rows(b).take(row) {
                    let at = (row - 1 - above) * COLS;
                    cells[at..][..WRITES].copy_from_slice(written);
                }
            }
            Predicted {
                cells,
                cursor: (row, cursor_cols[b][row] as usize),
            }
        })
        .collect())
}

/// What an arithmetic head chose for a batch: whether each step shows an answer and its cells, and,
/// with a listing, the same of each row above the answer row.
struct Answers {
    shown: Vec<u32>,
    cells: Vec<Vec<u32>>,
    above: Option<Listed>,
}

/// What a listing chose for a batch: for each step, whether each row above the answer row is one
/// of its numbers, and that row's cells.
struct Listed {
    shown: Vec<Vec<u32>>,
    cells: Vec<Vec<Vec<u32>>>,
}

impl Answers {
    fn of(answer: &Answer) -> Result<Self> {
        Ok(Self {
            shown: answer.answers.argmax(1)?.to_vec1()?,
            cells: answer.cells.argmax(2)?.to_vec2()?,
            above: answer
                .above
                .as_ref()
                .map(|above| -> Result<_> {
                    Ok(Listed {
                        shown: above.shown.argmax(2)?.to_vec2()?,
                        cells: above.cells.argmax(3)?.to_vec3()?,
                    })
                })
                .transpose()?,
        })
    }

    /// The rows that step `b` shows, counted from the answer row up (0 is the answer row's), each
    /// with its first cells. A listing goes on up only while each row is one of the numbers.
    fn rows(&self, b: usize) -> impl Iterator<Item = (usize, &[u32])> {
        let answer = (self.shown[b] == 1).then_some((0, self.cells[b].as_slice()));
        let above = self
            .above
            .iter()
            .flat_map(move |listed| {
                listed.shown[b]
                    .iter()
                    .zip(&listed.cells[b])
                    .take_while(|(shown, _)| **shown == 1)
                    .map(|(_, cells)| cells.as_slice())
            })
            .enumerate()
            .map(|(k, cells)| (k + 1, cells));
        answer
            .into_iter()
            .chain(above.take_while(move |_| self.shown[b] == 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a head with a listing chose for one step: the answer row shown or not, and which rows
    /// above it are listed; each row's cells are its own number, the answer row's 0.
    fn chosen(shown: bool, listed: &[bool]) -> Answers {
        Answers {
            shown: vec![u32::from(shown)],
            cells: vec![vec![0; WRITES]],
            above: Some(Listed {
                shown: vec![listed.iter().map(|&l| u32::from(l)).collect()],
                cells: vec![(1..=listed.len() as u32).map(|k| vec![k; WRITES]).collect()],
            }),
        }
    }

    fn rows(answers: &Answers) -> Vec<(usize, u32)> {
        answers.rows(0).map(|(k, cells)| (k, cells[0])).collect()
    }

    #[test]
    fn rows_go_up_from_the_answer_row_while_each_is_listed() {
        let gap = [true, true, false, true];
        assert_eq!(rows(&chosen(true, &gap)), [(0, 0), (1, 1), (2, 2)]);
        assert_eq!(rows(&chosen(true, &[false, true])), [(0, 0)]);
        assert_eq!(rows(&chosen(false, &gap)), []);
    }
}
