//! The training objective for one step: the pointer's choice for each row (any right choice counts:
//! the log of their summed probability), the cursor's row and column, the cells of the rows that
//! must be written, and, with a copy head, what its pointer copies into them.

use candle_core::{D, DType, Result, Tensor};

use crate::batch::Targets;
use crate::copy_head::Copied;
use crate::encode::{CHARS, COLS, ROWS, symbol};
use crate::model::{Input, Model, Purpose, Trunk};

/// The parts of a step's loss.
pub struct StepLoss {
    /// Their sum, to minimize; with a copy head, the pointer's own loss too (so a run with one
    /// shows a higher loss than a run without).
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

    let zero = || Tensor::zeros((), DType::F32, model.device());
    let (cells, copied) = if targets.new_sessions.dim(0)? == 0 {
        (zero()?, zero()?)
    } else {
        let written = model.write_rows(
            trunk,
            input,
            &targets.new_sessions,
            &targets.new_rows,
            Purpose::Training,
        )?;
        let n = targets.new_sessions.dim(0)?;
        // With a copy head's gate the cells are log-probabilities already, and the log-softmax
        // leaves them as they are, but where the action holds no character they sum to less than
        // 1, and it makes them whole.
        let cells = nll(
            &written.cells.reshape((n * COLS, CHARS))?,
            &targets.new_cells,
        )?
        .mean_all()?;
        let copied = match &written.copied {
            Some(copied) => copy_loss(copied, &targets.new_cells)?,
            None => zero()?,
        };
        (cells, copied)
    };
    let total = pointer.add(&cursor)?.add(&cells)?.add(&copied)?;
    Ok(StepLoss { total, cells })
}

#[cfg(test)]
mod tests {
    use candle_core::Device;

    use super::*;

    /// Two cells; the action holds `a` and a blank. Each cell's pointer gives `a` the probability
    /// `p[i]`.
    fn copied(p: [f32; 2]) -> Result<Copied> {
        let device = Device::Cpu;
        let (a, blank) = (symbol('a') as usize, symbol(' ') as usize);
        let mut log = vec![-1e9f32; 2 * CHARS];
        let mut held = vec![0f32; CHARS];
        for (cell, p) in p.iter().enumerate() {
            log[cell * CHARS + a] = p.ln();
            log[cell * CHARS + blank] = (1.0 - p).ln();
        }
        held[a] = 1.0;
        held[blank] = 1.0;
        Ok(Copied {
            log: Tensor::from_vec(log, (1, 2, CHARS), &device)?,
            held: Tensor::from_vec(held, (1, CHARS), &device)?,
        })
    }

    #[test]
    fn the_copy_loss_counts_only_cells_whose_character_the_action_holds_but_blanks() -> Result<()> {
        let loss = |targets: [char; 2]| -> Result<f32> {
            let targets = Tensor::new(&targets.map(symbol), &Device::Cpu)?;
            copy_loss(&copied([0.25, 0.5])?, &targets)?.to_scalar::<f32>()
        };
        let near = |got: f32, want: f32| (got - want).abs() < 1e-5;
        let both = loss(['a', 'a'])?;
        assert!(near(both, -(0.25f32.ln() + 0.5f32.ln()) / 2.0), "{both}");
        let first = loss(['a', ' '])?;
        assert!(near(first, -0.25f32.ln()), "a blank was counted: {first}");
        let second = loss(['b', 'a'])?;
        assert!(
            near(second, -0.5f32.ln()),
            "a character not held was counted: {second}"
        );
        let none = loss(['b', ' '])?;
        assert!(near(none, 0.0), "{none}");
        Ok(())
    }
}
