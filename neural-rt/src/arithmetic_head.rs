//! The arithmetic head ([`Config::arithmetic`](crate::model::Config::arithmetic)): a small network of
//! its own that reads an action's first characters and says whether the step shows an answer on the
//! row above the next prompt, and what that row begins with.
//!
//! The cell decoder copies and spells well but cannot compute: it wrote a number of the right
//! length where an answer goes and got almost none right (the probe: 0 of 100). An answer depends
//! on every digit of both operands at once, which a decoder whose cells each attend to a few
//! characters does not bring together. The head does: a few self-attention blocks over the
//! characters, then every character's features joined into one vector and a perceptron over it,
//! so that each cell it writes sees the whole problem. It is learned from recorded steps like the
//! rest, and trained apart, with the rest of the model held still (`neural train --arithmetic`).

use candle_core::{DType, Module, Result, Tensor};
use candle_nn::{Embedding, Linear, VarBuilder, embedding, linear};

use crate::encode::{CHARS, INPUT_SYMBOLS, PAD};
use crate::layers::{Block, Norm, gelu, key_mask};

/// Characters of the action the head reads: `echo $((99*99))`, the longest way the data engine
/// asks a problem, is 15.
pub const READS: usize = 16;
/// Cells of the answer row the head writes: `-99` and `9801` and the blanks after them.
pub const WRITES: usize = 6;
/// The prefix of the head's variables.
pub const PREFIX: &str = "arithmetic";

const DIM: usize = 64;
const HEADS: usize = 4;
const BLOCKS: usize = 3;
/// Each character's features, narrowed before they are joined.
const SQUEEZED: usize = 32;
const HIDDEN: usize = 768;

/// The head's weights.
pub struct ArithmeticHead {
    chars: Embedding,
    positions: Tensor,
    blocks: Vec<Block>,
    norm: Norm,
    squeeze: Linear,
    up: Linear,
    across: Linear,
    cells: Linear,
    answers: Linear,
}

/// What the head says of a batch of steps.
pub struct Answer {
    /// `[b, 2]` scores of "shows no answer" and "shows an answer".
    pub answers: Tensor,
    /// `[b, WRITES, CHARS]` scores of the characters of the answer row's first cells.
    pub cells: Tensor,
}

impl ArithmeticHead {
    /// The head with the weights `vb` gives (already under [`PREFIX`]).
    pub fn new(vb: VarBuilder) -> Result<Self> {
        let init = candle_nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        Ok(Self {
            chars: embedding(INPUT_SYMBOLS, DIM, vb.pp("chars"))?,
            positions: vb.get_with_hints((READS, DIM), "positions", init)?,
            blocks: (0..BLOCKS)
                .map(|i| Block::new(DIM, HEADS, 4 * DIM, false, vb.pp(format!("block{i}"))))
                .collect::<Result<_>>()?,
            norm: Norm::new(DIM, vb.pp("norm"))?,
            squeeze: linear(DIM, SQUEEZED, vb.pp("squeeze"))?,
            up: linear(SQUEEZED * READS, HIDDEN, vb.pp("up"))?,
            across: linear(HIDDEN, HIDDEN, vb.pp("across"))?,
            cells: linear(HIDDEN, WRITES * CHARS, vb.pp("cells"))?,
            answers: linear(HIDDEN, 2, vb.pp("answers"))?,
        })
    }

    /// What the head makes of `action` (`[b, a]` symbols, padded with [`PAD`]) and `real` (`[b, a]`,
    /// 1 for a real character): it reads the first [`READS`].
    pub fn forward(&self, action: &Tensor, real: &Tensor) -> Result<Answer> {
        let (action, real) = first_characters(action, real)?;
        let b = action.dim(0)?;
        let mut x = self
            .chars
            .forward(&action)?
            .broadcast_add(&self.positions)?;
        let mask = key_mask(&real)?;
        for block in &self.blocks {
            x = block.forward(&x, Some(&mask))?;
        }
        let joined = self
            .squeeze
            .forward(&self.norm.forward(&x)?)?
            .reshape((b, SQUEEZED * READS))?;
        let h = gelu(&self.up.forward(&joined)?)?;
        let h = (gelu(&self.across.forward(&h)?)? + &h)?;
        Ok(Answer {
            answers: self.answers.forward(&h)?,
            cells: self.cells.forward(&h)?.reshape((b, WRITES, CHARS))?,
        })
    }
}

/// The first [`READS`] characters of each action, padded where it is shorter.
fn first_characters(action: &Tensor, real: &Tensor) -> Result<(Tensor, Tensor)> {
    let (b, a) = action.dims2()?;
    if a >= READS {
        return Ok((action.narrow(1, 0, READS)?, real.narrow(1, 0, READS)?));
    }
    let pad = Tensor::full(PAD, (b, READS - a), action.device())?;
    let unreal = Tensor::zeros((b, READS - a), DType::F32, real.device())?;
    Ok((
        Tensor::cat(&[action, &pad], 1)?,
        Tensor::cat(&[&real.to_dtype(DType::F32)?, &unreal], 1)?,
    ))
}
