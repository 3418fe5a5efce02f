//! The model, in the paper's form h_t = F(h_{t−1}, x_t, u_t), x_{t+1} = G(h_t): a latent state of a
//! few vectors carried from step to step, and the whole next frame predicted in one forward pass.
//!
//! - **Tokens.** Each of the 24 rows of the screen is one token (its characters' embeddings, joined
//!   and projected), the action is one token per character, and the state is [`Config::state`]
//!   tokens. A transformer over these few dozen tokens (not over 1,920 cells) is what keeps a step
//!   fast. The action's tokens are as many as its characters, up to [`Config::action_len`].
//! - **Rows are copied or written.** Most of a next screen is the last one moved up. For each row the
//!   model points at the row of the last screen it copies, or says it is new; new rows are written
//!   by a cell decoder, whose 80 queries (one per column, each holding the prompt row's character in
//!   that column) attend to the action's characters and the state, with rotary positions so that "the
//!   character k places to the right" is easy to learn. With a copy head ([`Config::copy`]), a
//!   cell's character may instead be copied from the action ([`CopyHead`]). Every cell of every
//!   row comes out of the same pass.
//! - **The cursor** is a row (over the row tokens) and a column (from that row's token).
//! - **Answers** that a step computes are written by an arithmetic head ([`Config::arithmetic`],
//!   [`ArithmeticHead`]), a network of its own over the action's first characters, on the row above
//!   the cursor, where it says the step shows one; with a listing ([`Config::listing`]), also the
//!   numbers on the rows above that one.

use candle_core::{DType, Device, Module, Result, Tensor};
use candle_nn::{Embedding, Linear, VarBuilder, embedding, linear};
use serde::{Deserialize, Serialize};

use crate::arithmetic_head::{self, Answer, ArithmeticHead};
use crate::copy_head::{Copied, CopyHead};
use crate::encode::{CHARS, COLS, INPUT_SYMBOLS, ROWS};
use crate::layers::{Block, Norm, Rotary, key_mask};

/// The model's sizes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Width of the row, action and state tokens.
    pub dim: usize,
    /// Width of one character's embedding inside a row token.
    pub char_dim: usize,
    /// Transformer blocks over the tokens.
    pub layers: usize,
    /// Attention heads.
    pub heads: usize,
    /// State tokens carried between steps.
    pub state: usize,
    /// Width of the cell decoder.
    pub cell_dim: usize,
    /// Cross-attention blocks of the cell decoder.
    pub cell_layers: usize,
    /// Characters of an action the model sees: the rest of a longer one is cut off. Models from
    /// before this was a size saw 64, as their options.json, without it, says.
    #[serde(default = "action_len_before_it_was_a_size")]
    pub action_len: usize,
    /// Whether the cell decoder has a copy head ([`CopyHead`]). Models from before it was made
    /// have none, as their options.json, without it, says.
    #[serde(default)]
    pub copy: bool,
    /// Whether the copy head is its pointer alone, without the gate: the pointer learns where to
    /// point by its own loss, and every cell stays the decoder's. A run with it is the first of
    /// two; the second grows the gate over a pointer that has learned ([`CopyHead::new`] says
    /// why).
    #[serde(default)]
    pub pointer_only: bool,
    /// Whether the model has an arithmetic head ([`ArithmeticHead`]), which writes the answer row of
    /// a step that computes. Models from before it was made have none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub arithmetic: bool,
    /// Whether the arithmetic head also writes the rows above its answer row: the numbers a `seq`
    /// lists. Models from before it was made have none.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub listing: bool,
}

fn action_len_before_it_was_a_size() -> usize {
    64
}

impl Config {
    /// Why no model can have these sizes, if it cannot: each width splits into whole heads, the
    /// cell decoder's heads into pairs for their rotary positions, a copy head's pointer alone
    /// has a copy head to be part of, and nothing is empty or absurdly large (a hand-edited
    /// options.json must not make the shell panic or take the machine's memory).
    ///
    /// # Errors
    /// The first size that does not fit.
    pub fn check(&self) -> std::result::Result<(), String> {
        let sizes = [
            ("dim", self.dim, 4096),
            ("char_dim", self.char_dim, 256),
            ("layers", self.layers, 64),
            ("heads", self.heads, 64),
            ("state", self.state, 256),
            ("cell_dim", self.cell_dim, 4096),
            ("cell_layers", self.cell_layers, 64),
            ("action_len", self.action_len, 1024),
        ];
        for (name, size, most) in sizes {
            if !(1..=most).contains(&size) {
                return Err(format!("{name} is {size}, not 1 to {most}"));
            }
        }
        if self.pointer_only && !self.copy {
            return Err(
                "pointer_only is set, but there is no copy head for it to be part of".into(),
            );
        }
        if self.listing && !self.arithmetic {
            return Err(
                "listing is set, but there is no arithmetic head for it to be part of".into(),
            );
        }
        if self.arithmetic && self.action_len < arithmetic_head::READS {
            return Err(format!(
                "action_len {} is shorter than the {} characters the arithmetic head reads",
                self.action_len,
                arithmetic_head::READS
            ));
        }
        if !self.dim.is_multiple_of(self.heads) {
            return Err(format!(
                "dim {} does not split into {} heads",
                self.dim, self.heads
            ));
        }
        if !self.cell_dim.is_multiple_of(2 * self.heads) {
            return Err(format!(
                "cell_dim {} does not split into {} heads of an even width",
                self.cell_dim, self.heads
            ));
        }
        Ok(())
    }

    /// Whether a model of these sizes can start a model of `other`'s: the same but for longer
    /// actions, or a copy head or its gate or an arithmetic head or its listing added (see
    /// [`Params::load_grown`](crate::params::Params::load_grown)).
    pub fn grows_into(&self, other: &Config) -> bool {
        other != self
            && other.action_len >= self.action_len
            && (other.copy || !self.copy)
            && (other.copy_gate() || !self.copy_gate())
            && (other.arithmetic || !self.arithmetic)
            && (other.listing || !self.listing)
            && *other
                == Config {
                    action_len: other.action_len,
                    copy: other.copy,
                    pointer_only: other.pointer_only,
                    arithmetic: other.arithmetic,
                    listing: other.listing,
                    ..self.clone()
                }
    }

    /// What copy head the model has, in words.
    pub fn copy_head(&self) -> &'static str {
        match (self.copy, self.pointer_only) {
            (false, _) => "no copy head",
            (true, false) => "a copy head",
            (true, true) => "a copy head's pointer alone",
        }
    }

    /// Whether the model has a copy head with its gate, which writes copied characters into cells.
    pub fn copy_gate(&self) -> bool {
        self.copy && !self.pointer_only
    }
}

impl std::fmt::Display for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} layers of width {}, {} state tokens, cell decoder {} × {}{}, actions of up to {} characters{}",
            self.layers,
            self.dim,
            self.state,
            self.cell_layers,
            self.cell_dim,
            if self.copy {
                format!(" with {}", self.copy_head())
            } else {
                String::new()
            },
            self.action_len,
            match (self.arithmetic, self.listing) {
                (false, _) => "",
                (true, false) => ", an arithmetic head",
                (true, true) => ", an arithmetic head with a listing",
            }
        )
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            dim: 128,
            char_dim: 16,
            layers: 3,
            heads: 4,
            state: 8,
            cell_dim: 64,
            cell_layers: 2,
            // The data engine's `wrap` echoes run to 174 characters in a dataset of 6,000 sessions
            // (101,922 steps; the grammar allows 214, too rare to show).
            action_len: 192,
            copy: false,
            pointer_only: false,
            arithmetic: false,
            listing: false,
        }
    }
}

/// One step's inputs for a batch of `b` sessions.
pub struct Input {
    /// `[b, ROWS * COLS]` symbols of the screen before.
    pub cells: Tensor,
    /// `[b]` the cursor's row.
    pub cursor_row: Tensor,
    /// `[b]` the cursor's column.
    pub cursor_col: Tensor,
    /// `[b, a]` the action's symbols (`a` at most [`Config::action_len`]).
    pub action: Tensor,
    /// `[b, a]` 1 for the action's real characters, 0 for padding.
    pub action_real: Tensor,
    /// `[b, COLS]` the symbols of the cursor's row (the prompt).
    pub prompt: Tensor,
}

/// What the trunk made of a step.
pub struct Trunk {
    /// `[b, ROWS, dim]`
    pub rows: Tensor,
    /// `[b, a, dim]`
    pub action: Tensor,
    /// `[b, state, dim]` the new latent state h_t.
    pub state: Tensor,
}

/// What [`Model::write_rows`] writes rows for. Training scores the copy head's pointer by its own
/// loss; a prediction needs what the pointer copied only where a gate mixes it into the cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Training,
    Prediction,
}

/// The rows a model wrote ([`Model::write_rows`]).
pub struct Written {
    /// `[n, COLS, CHARS]` scores of each cell's characters, whose log-softmax is their
    /// log-probability: logits, or with a copy head's gate log-probabilities already (which sum to
    /// less than 1 where the action holds no character to copy).
    pub cells: Tensor,
    /// What the copy head's pointer copied, if the model has one and the [`Purpose`] needs it.
    pub copied: Option<Copied>,
}

/// The network.
pub struct Model {
    pub config: Config,
    char_embedding: Embedding,
    row_projection: Linear,
    row_position: Embedding,
    cursor_row_mark: Tensor,
    cursor_col_embedding: Embedding,
    action_embedding: Embedding,
    action_position: Embedding,
    state_start: Tensor,
    state_position: Embedding,
    blocks: Vec<Block>,
    norm_out: Norm,
    norm_state: Norm,
    pointer_query: Linear,
    pointer_key: Linear,
    pointer_new: Linear,
    cursor_row_head: Linear,
    cursor_col_head: Linear,
    cell_row: Linear,
    cell_column: Embedding,
    cell_action: Linear,
    cell_prompt: Embedding,
    cell_state: Linear,
    cell_blocks: Vec<Block>,
    cell_norm: Norm,
    cell_out: Linear,
    copy: Option<CopyHead>,
    arithmetic: Option<ArithmeticHead>,
    rotary: Rotary,
    device: Device,
}

impl Model {
    /// The variable that is longer in a model that sees longer actions: the table of positions.
    pub const GROWN_WITH_ACTIONS: &str = "action_position.weight";

    /// A model with the weights `vb` gives: variables, drawn at random where new, from a `Params`
    /// builder in training; plain tensors read from a checkpoint for prediction.
    pub fn new(config: Config, vb: VarBuilder) -> Result<Self> {
        let d = config.dim;
        let dd = config.cell_dim;
        let device = vb.device().clone();
        let blocks = (0..config.layers)
            .map(|i| Block::new(d, config.heads, 4 * d, false, vb.pp(format!("block{i}"))))
            .collect::<Result<Vec<_>>>()?;
        let cell_blocks = (0..config.cell_layers)
            .map(|i| {
                Block::new(
                    dd,
                    config.heads,
                    2 * dd,
                    true,
                    vb.pp(format!("cell_block{i}")),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let init = candle_nn::Init::Randn {
            mean: 0.0,
            stdev: 0.02,
        };
        Ok(Self {
            char_embedding: embedding(INPUT_SYMBOLS, config.char_dim, vb.pp("char_embedding"))?,
            row_projection: linear(COLS * config.char_dim, d, vb.pp("row_projection"))?,
            row_position: embedding(ROWS, d, vb.pp("row_position"))?,
            cursor_row_mark: vb.get_with_hints(d, "cursor_row_mark", init)?,
            cursor_col_embedding: embedding(COLS, d, vb.pp("cursor_col_embedding"))?,
            action_embedding: embedding(INPUT_SYMBOLS, d, vb.pp("action_embedding"))?,
            action_position: embedding(config.action_len, d, vb.pp("action_position"))?,
            state_start: vb.get_with_hints((config.state, d), "state_start", init)?,
            state_position: embedding(config.state, d, vb.pp("state_position"))?,
            blocks,
            norm_out: Norm::new(d, vb.pp("norm_out"))?,
            norm_state: Norm::new(d, vb.pp("norm_state"))?,
            pointer_query: linear(d, d, vb.pp("pointer_query"))?,
            pointer_key: linear(d, d, vb.pp("pointer_key"))?,
            pointer_new: linear(d, 1, vb.pp("pointer_new"))?,
            cursor_row_head: linear(d, 1, vb.pp("cursor_row_head"))?,
            cursor_col_head: linear(d, COLS, vb.pp("cursor_col_head"))?,
            cell_row: linear(d, dd, vb.pp("cell_row"))?,
            cell_column: embedding(COLS, dd, vb.pp("cell_column"))?,
            cell_action: linear(d, dd, vb.pp("cell_action"))?,
            cell_prompt: embedding(INPUT_SYMBOLS, dd, vb.pp("cell_prompt"))?,
            cell_state: linear(d, dd, vb.pp("cell_state"))?,
            cell_blocks,
            cell_norm: Norm::new(dd, vb.pp("cell_norm"))?,
            cell_out: linear(dd, CHARS, vb.pp("cell_out"))?,
            copy: if config.copy {
                Some(CopyHead::new(
                    dd,
                    dd / config.heads,
                    config.copy_gate(),
                    vb.clone(),
                )?)
            } else {
                None
            },
            // After every other part: a seed draws the rest as it did before the head was made.
            arithmetic: if config.arithmetic {
                Some(ArithmeticHead::new(
                    config.listing,
                    vb.pp(arithmetic_head::PREFIX),
                )?)
            } else {
                None
            },
            rotary: Rotary::new(COLS.max(config.action_len), dd / config.heads, &device)?,
            device,
            config,
        })
    }

    /// The state before a session's first step, for `b` sessions.
    pub fn start_state(&self, b: usize) -> Result<Tensor> {
        self.state_start
            .unsqueeze(0)?
            .broadcast_as((b, self.config.state, self.config.dim))?
            .contiguous()
    }

    /// F: the trunk over rows, action and state.
    pub fn trunk(&self, input: &Input, state: &Tensor) -> Result<Trunk> {
        let b = input.cells.dim(0)?;
        let chars = self.char_embedding.forward(&input.cells)?; // [b, R*C, cd]
        let rows = self.row_projection.forward(&chars.reshape((
            b,
            ROWS,
            COLS * self.config.char_dim,
        ))?)?;
        let row_ids = Tensor::arange(0u32, ROWS as u32, &self.device)?;
        let is_cursor_row = row_ids
            .unsqueeze(0)?
            .broadcast_as((b, ROWS))?
            .eq(&input.cursor_row.unsqueeze(1)?.broadcast_as((b, ROWS))?)?
            .to_dtype(DType::F32)?
            .unsqueeze(2)?;
        let cursor = self
            .cursor_col_embedding
            .forward(&input.cursor_col)?
            .broadcast_add(&self.cursor_row_mark)?
            .unsqueeze(1)?;
        let rows = rows
            .broadcast_add(&self.row_position.forward(&row_ids)?)?
            .add(&is_cursor_row.broadcast_mul(&cursor)?)?;
        let action_len = input.action.dim(1)?;
        let action_ids = Tensor::arange(0u32, action_len as u32, &self.device)?;
        let action = self
            .action_embedding
            .forward(&input.action)?
            .broadcast_add(&self.action_position.forward(&action_ids)?)?;
        let state_ids = Tensor::arange(0u32, self.config.state as u32, &self.device)?;
        let state = state.broadcast_add(&self.state_position.forward(&state_ids)?)?;
        let mut x = Tensor::cat(&[&rows, &action, &state], 1)?;
        let real = Tensor::cat(
            &[
                &Tensor::ones((b, ROWS), DType::F32, &self.device)?,
                &input.action_real,
                &Tensor::ones((b, self.config.state), DType::F32, &self.device)?,
            ],
            1,
        )?;
        let mask = key_mask(&real)?;
        for block in &self.blocks {
            x = block.forward(&x, Some(&mask))?;
        }
        let x = self.norm_out.forward(&x)?;
        Ok(Trunk {
            rows: x.narrow(1, 0, ROWS)?,
            action: x.narrow(1, ROWS, action_len)?,
            state: self.norm_state.forward(&x.narrow(
                1,
                ROWS + action_len,
                self.config.state,
            )?)?,
        })
    }

    /// For each row of the next screen, `[b, ROWS, ROWS + 1]`: which row of the last screen it
    /// copies (0..ROWS), or that it is new (ROWS).
    pub fn pointer(&self, trunk: &Trunk) -> Result<Tensor> {
        let q = self.pointer_query.forward(&trunk.rows)?;
        let k = self.pointer_key.forward(&trunk.rows)?;
        let scale = 1.0 / (self.config.dim as f64).sqrt();
        let copy = q
            .matmul(&k.transpose(1, 2)?.contiguous()?)?
            .affine(scale, 0.0)?;
        let new = self.pointer_new.forward(&trunk.rows)?;
        Tensor::cat(&[&copy, &new], 2)
    }

    /// The cursor: `[b, ROWS]` row logits and `[b, ROWS, COLS]` column logits for each row.
    pub fn cursor(&self, trunk: &Trunk) -> Result<(Tensor, Tensor)> {
        let rows = self.cursor_row_head.forward(&trunk.rows)?.squeeze(2)?;
        let cols = self.cursor_col_head.forward(&trunk.rows)?;
        Ok((rows, cols))
    }

    /// Writes new rows: for each pair of `sessions[i]` and `rows[i]` (`[n]` session indices and
    /// `[n]` row indices), the row's cells.
    pub fn write_rows(
        &self,
        trunk: &Trunk,
        input: &Input,
        sessions: &Tensor,
        rows: &Tensor,
        purpose: Purpose,
    ) -> Result<Written> {
        let b = input.cells.dim(0)?;
        // Keys for each session: the action's characters and the state.
        let keys = Tensor::cat(
            &[
                &self.cell_action.forward(&trunk.action)?,
                &self.cell_state.forward(&trunk.state)?,
            ],
            1,
        )?; // [b, K, dd]
        let real = Tensor::cat(
            &[
                &input.action_real,
                &Tensor::ones((b, self.config.state), DType::F32, &self.device)?,
            ],
            1,
        )?;
        let mask = key_mask(&real)?.index_select(sessions, 0)?;
        // Queries, one per column: the row's token, the column, and the prompt row's character in
        // that column (new prompts and `pwd` repeat it in place).
        let col_ids = Tensor::arange(0u32, COLS as u32, &self.device)?;
        let flat = trunk.rows.reshape((b * ROWS, self.config.dim))?;
        let at = sessions.affine(ROWS as f64, 0.0)?.add(rows)?;
        let row = self.cell_row.forward(&flat.index_select(&at, 0)?)?; // [n, dd]
        let prompt = self
            .cell_prompt
            .forward(&input.prompt.index_select(sessions, 0)?)?; // [n, COLS, dd]
        let mut x = prompt
            .broadcast_add(&row.unsqueeze(1)?)?
            .broadcast_add(&self.cell_column.forward(&col_ids)?.unsqueeze(0)?)?
            .contiguous()?;
        let key_positions: Vec<u32> = (0..input.action.dim(1)? as u32)
            .chain(std::iter::repeat_n(0, self.config.state))
            .collect();
        let key_positions = Tensor::new(key_positions.as_slice(), &self.device)?;
        let (kcos, ksin) = self.rotary.at(&key_positions)?;
        let (qcos, qsin) = self.rotary.at(&col_ids)?;
        let rotate = |t: &Tensor, query: bool| -> Result<Tensor> {
            if query {
                Rotary::turn(t, &qcos, &qsin)
            } else {
                Rotary::turn(t, &kcos, &ksin)
            }
        };
        for block in &self.cell_blocks {
            x = block.forward_cross(&x, &keys, sessions, &mask, &rotate)?;
        }
        let x = self.cell_norm.forward(&x)?;
        let logits = self.cell_out.forward(&x)?;
        let copy = self
            .copy
            .as_ref()
            .filter(|_| purpose == Purpose::Training || self.config.copy_gate());
        let Some(copy) = copy else {
            return Ok(Written {
                cells: logits,
                copied: None,
            });
        };
        let copied = copy.copied(&x, &keys, input, sessions, &mask, &rotate)?;
        Ok(Written {
            cells: copy.mix(&x, &logits, &copied)?,
            copied: Some(copied),
        })
    }

    /// What the arithmetic head says of the steps whose actions are `action` (`[b, a]` symbols) and
    /// `real` (`[b, a]`, 1 for a real character), if the model has one.
    pub fn answer(&self, action: &Tensor, real: &Tensor) -> Result<Option<Answer>> {
        self.arithmetic
            .as_ref()
            .map(|head| head.forward(action, real))
            .transpose()
    }

    /// The device the model is on.
    pub fn device(&self) -> &Device {
        &self.device
    }
}
