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
//!
//! With a listing ([`Config::listing`](crate::model::Config::listing)) it also writes the rows
//! above the answer row: the numbers `seq` lists, each row one more sum of the same problem. The
//! perceptron's vector is narrowed, each row counted back from the prompt adds its own place to
//! it, and a perceptron per row says whether that row is one of the step's numbers and how it
//! begins. The
//! trunk's cell decoder wrote them no better than answers (the `scroll` family: 68.5% of its
//! characters right, most of the test set's wrong characters).

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
/// Rows a listing writes above the answer row: every row of the screen but the prompt's and the
/// answer's.
pub const ABOVE: usize = crate::encode::ROWS - 2;
/// The prefix of a listing's variables, under [`PREFIX`].
pub const LISTING: &str = "above";
/// Width of a listing's perceptron for each row, a third of the head's: it runs for 22 rows.
const ROW_HIDDEN: usize = 256;

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
    listing: Option<Listing>,
}

/// The rows above the answer row ([`Config::listing`](crate::model::Config::listing)).
struct Listing {
    from_joined: Linear,
    places: Tensor,
    hidden: [Linear; 2],
    cells: Linear,
    shown: Linear,
}

/// What the head says of a batch of steps.
pub struct Answer {
    /// `[b, 2]` scores of "shows no answer" and "shows an answer".
    pub answers: Tensor,
    /// `[b, WRITES, CHARS]` scores of the characters of the answer row's first cells.
    pub cells: Tensor,
    /// With a listing, the rows above the answer row, nearest first.
    pub above: Option<Above>,
}

/// What a listing says of the rows above the answer row of a batch of steps, nearest first.
pub struct Above {
    /// `[b, ABOVE, 2]` scores of "not one of the step's numbers" and "one of them".
    pub shown: Tensor,
    /// `[b, ABOVE, WRITES, CHARS]` scores of the characters of each row's first cells.
    pub cells: Tensor,
}

impl ArithmeticHead {
    /// The head with the weights `vb` gives (already under [`PREFIX`]), with a listing or without.
    pub fn new(listing: bool, vb: VarBuilder) -> Result<Self> {
        let init = candle_nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        // Drawn before the rest of the head, as the shipped model's listing was: a seed draws the
        // same listing only in this order.
        let listing = listing
            .then(|| -> Result<Listing> {
                let vb = vb.pp(LISTING);
                Ok(Listing {
                    from_joined: linear(HIDDEN, ROW_HIDDEN, vb.pp("from_joined"))?,
                    places: vb.get_with_hints((ABOVE, ROW_HIDDEN), "places", init)?,
                    hidden: [
                        linear(ROW_HIDDEN, ROW_HIDDEN, vb.pp("hidden0"))?,
                        linear(ROW_HIDDEN, ROW_HIDDEN, vb.pp("hidden1"))?,
                    ],
                    cells: linear(ROW_HIDDEN, WRITES * CHARS, vb.pp("cells"))?,
                    shown: linear(ROW_HIDDEN, 2, vb.pp("shown"))?,
                })
            })
            .transpose()?;
        Ok(Self {
            listing,
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
            above: self
                .listing
                .as_ref()
                .map(|listing| listing.forward(&h))
                .transpose()?,
        })
    }
}

impl Listing {
    /// The rows above the answer row, from the vector `h` of the head's perceptron (`[b, HIDDEN]`).
    fn forward(&self, h: &Tensor) -> Result<Above> {
        let b = h.dim(0)?;
        let mut x = self
            .from_joined
            .forward(h)?
            .unsqueeze(1)?
            .broadcast_add(&self.places.unsqueeze(0)?)?;
        x = gelu(&x)?;
        for layer in &self.hidden {
            x = (gelu(&layer.forward(&x)?)? + &x)?;
        }
        Ok(Above {
            shown: self.shown.forward(&x)?,
            cells: self.cells.forward(&x)?.reshape((b, ABOVE, WRITES, CHARS))?,
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
