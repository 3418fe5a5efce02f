//! The training objective for one step: the pointer's choice for each row (any right choice counts:
//! the log of their summed probability), the cursor's row and column, the cells of the rows that
//! must be written, and, with a copy head, what its pointer copies into them.

use candle_core::{D, DType, Result, Tensor};

use crate::copy_head::Copied;

use crate::batch::Targets;
use crate::encode::{CHARS, COLS, ROWS, symbol};
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
    nll_of_log_probabilities(&candle_nn::ops::log_softmax(logits, D::Minus1)?, targets)
}

/// The copy pointer's own loss: the negative log of the probability it gives each cell's true
/// character (`targets`, `[n * COLS]`), over the cells whose character is one the action holds, other
/// than a blank. Taught only through the gate, the pointer would be no help while the gate is shut,
/// and the gate would have no reason to open. Blanks are left out because nearly every action
/// holds one and nearly every row ends in them: the pointer would learn little but pointing at a
/// space.
fn copy_loss(copied: &Copied, targets: &Tensor) -> Result<Tensor> {
    let (n, cols, chars) = copied.log.dims3()?;
    let copyable = copied
        .held
        .unsqueeze(1)?
        .broadcast_as((n, cols, chars))?
        .reshape((n * cols, chars))?
        .gather(&targets.unsqueeze(1)?, 1)?
        .squeeze(1)?
        .mul(&targets.ne(symbol(' '))?.to_dtype(DType::F32)?)?;
    let count = copyable.sum_all()?.clamp(1.0, f32::MAX)?;
    nll_of_log_probabilities(&copied.log.reshape((n * cols, chars))?, targets)?
        .mul(&copyable)?
        .sum_all()?
        .div(&count)
}

/// Negative log-likelihood of `targets` (`[m]`) under `log_probabilities` (`[m, k]`), per item.
fn nll_of_log_probabilities(log_probabilities: &Tensor, targets: &Tensor) -> Result<Tensor> {
    log_probabilities
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

    let mut total = pointer.add(&cursor)?;
    let cells = if targets.new_sessions.dim(0)? == 0 {
        Tensor::zeros((), DType::F32, model.device())?
    } else {
        let written = model.write_rows(trunk, input, &targets.new_sessions, &targets.new_rows)?;
        let n = targets.new_sessions.dim(0)?;
        if let Some(copied) = &written.copied {
            total = total.add(&copy_loss(copied, &targets.new_cells)?)?;
        }
        nll(
            &written.cells.reshape((n * COLS, CHARS))?,
            &targets.new_cells,
        )?
        .mean_all()?
    };
    let total = total.add(&cells)?;
    Ok(StepLoss { total, cells })
}
