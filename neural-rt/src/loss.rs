//! The training objective for one step: the pointer's choice for each row (any right choice counts:
//! the log of their summed probability), the cursor's row and column, and the cells of the rows that
//! must be written.

use candle_core::{D, Result, Tensor};

use crate::batch::Targets;
use crate::encode::{CHARS, COLS, ROWS};
use crate::model::{Input, Model, Trunk};

/// The parts of a step's loss.
pub struct StepLoss {
    /// Their sum, to minimize.
    pub total: Tensor,
    /// The written cells' part (a scalar tensor: reading it would wait for a GPU).
    pub cells: Tensor,
}

/// Negative log-likelihood of `targets` (`[m]`) under `logits` (`[m, k]`), per item.
fn nll(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    candle_nn::ops::log_softmax(logits, D::Minus1)?
        .gather(&targets.unsqueeze(1)?, 1)?
        .squeeze(1)?
        .neg()
}

/// The loss of `trunk`'s predictions for `input` against `targets`.
pub fn step_loss(
    model: &Model,
    trunk: &Trunk,
    input: &Input,
    targets: &Targets,
) -> Result<StepLoss> {
    let b = targets.cursor_row.dim(0)?;
    let logits = model.pointer(trunk)?;
    let right = logits.add(&targets.pointer.affine(1e9, -1e9)?)?;
    let pointer = logits
        .log_sum_exp(D::Minus1)?
        .sub(&right.log_sum_exp(D::Minus1)?)?
        .mean_all()?;

    let (row_logits, col_logits) = model.cursor(trunk)?;
    let row = nll(&row_logits, &targets.cursor_row)?;
    let at = Tensor::arange(0u32, b as u32, model.device())?
        .affine(ROWS as f64, 0.0)?
        .add(&targets.cursor_row)?;
    let cols = col_logits.reshape((b * ROWS, COLS))?.index_select(&at, 0)?;
    let col = nll(&cols, &targets.cursor_col)?;
    let cursor = row.add(&col)?.mean_all()?;

    let cells = if targets.new_sessions.dim(0)? == 0 {
        Tensor::zeros((), candle_core::DType::F32, model.device())?
    } else {
        let written = model.write_rows(trunk, input, &targets.new_sessions, &targets.new_rows)?;
        let n = targets.new_sessions.dim(0)?;
        nll(&written.reshape((n * COLS, CHARS))?, &targets.new_cells)?.mean_all()?
    };

    let total = pointer.add(&cursor)?.add(&cells)?;
    Ok(StepLoss { total, cells })
}
