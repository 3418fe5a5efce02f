//! Steps as tensors: a session's steps encoded once ([`Encoded`]), and one time step of a batch of
//! sessions (its [`input`]) with what the model must predict for it (its [`targets`]).

use candle_core::{Device, Result, Tensor};

use kernel_bridge::Frame;

use crate::data::Episode;
use crate::encode::{self, COLS, PAD, ROWS, Window};
use crate::model::Input;
use crate::predict::Predicted;

/// What the model is given for one step: the window of the screen before, and the action.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `ROWS * COLS` symbols of the screen before.
    pub before: Vec<u8>,
    /// The cursor before, in the window.
    pub cursor_before: (usize, usize),
    /// The action's symbols, all of them (the model sees the first [`Config::action_len`]).
    ///
    /// [`Config::action_len`]: crate::model::Config::action_len
    pub action: Vec<u32>,
}

impl Seen {
    /// `action` typed at `before`, seen through `window`.
    pub fn of(before: &Frame, window: &Window, action: &str) -> Seen {
        Seen {
            before: small(window.cells(before)),
            cursor_before: window.cursor(before),
            action: encode::action(action),
        }
    }
}

/// One step, encoded: what the model is given, and the window of the screen after.
#[derive(Clone, Debug)]
pub struct EncodedStep {
    /// The screen before and the action.
    pub seen: Seen,
    /// `ROWS * COLS` symbols of the screen after.
    pub after: Vec<u8>,
    /// The cursor after, in the window.
    pub cursor_after: (usize, usize),
}

impl EncodedStep {
    /// This step given `screen`, the model's prediction of the screen before, in place of the true
    /// one: the screen after to be predicted from it is the same.
    pub fn with_predicted_before(&self, screen: &Predicted) -> EncodedStep {
        EncodedStep {
            seen: Seen {
                before: small(screen.cells.clone()),
                cursor_before: screen.cursor,
                action: self.seen.action.clone(),
            },
            after: self.after.clone(),
            cursor_after: self.cursor_after,
        }
    }
}

/// A session's steps, encoded.
#[derive(Clone, Debug)]
pub struct Encoded {
    pub steps: Vec<EncodedStep>,
}

/// Symbols (all below 256) as bytes, as steps keep them.
fn small(cells: Vec<u32>) -> Vec<u8> {
    cells.into_iter().map(|s| s as u8).collect()
}

impl Encoded {
    /// Encodes `episode`; each step is seen through the window of the screen before it.
    pub fn of(episode: &Episode) -> Encoded {
        let steps = episode
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let before = episode.before(i);
                let window = Window::of(before);
                EncodedStep {
                    seen: Seen::of(before, &window, &step.action),
                    after: small(window.cells(&step.frame)),
                    cursor_after: window.cursor(&step.frame),
                }
            })
            .collect();
        Encoded { steps }
    }
}

/// The model's inputs for one step of `b` sessions, each action cut to its first `action_len`
/// characters. Actions are padded only to the longest of them: padding is masked, so it changes
/// nothing but the time a step takes, and most actions are a few characters long.
pub fn input(steps: &[&Seen], action_len: usize, device: &Device) -> Result<Input> {
    let b = steps.len();
    let seen = |s: &Seen| s.action.len().min(action_len);
    let width = steps.iter().map(|s| seen(s)).max().unwrap_or(0).max(1);
    let cells: Vec<u32> = steps
        .iter()
        .flat_map(|s| s.before.iter().map(|&c| u32::from(c)))
        .collect();
    let prompt: Vec<u32> = steps
        .iter()
        .flat_map(|s| {
            let row = s.cursor_before.0;
            s.before[row * COLS..(row + 1) * COLS]
                .iter()
                .map(|&c| u32::from(c))
        })
        .collect();
    let action: Vec<u32> = steps
        .iter()
        .flat_map(|s| (0..width).map(move |i| if i < seen(s) { s.action[i] } else { PAD }))
        .collect();
    let real: Vec<f32> = steps
        .iter()
        .flat_map(|s| (0..width).map(move |i| if i < seen(s) { 1.0 } else { 0.0 }))
        .collect();
    let rows: Vec<u32> = steps.iter().map(|s| s.cursor_before.0 as u32).collect();
    let cols: Vec<u32> = steps.iter().map(|s| s.cursor_before.1 as u32).collect();
    Ok(Input {
        cells: Tensor::from_vec(cells, (b, ROWS * COLS), device)?,
        cursor_row: Tensor::from_vec(rows, b, device)?,
        cursor_col: Tensor::from_vec(cols, b, device)?,
        action: Tensor::from_vec(action, (b, width), device)?,
        action_real: Tensor::from_vec(real, (b, width), device)?,
        prompt: Tensor::from_vec(prompt, (b, COLS), device)?,
    })
}

/// What the model must predict for one step of `b` sessions.
pub struct Targets {
    /// `[b, ROWS, ROWS + 1]` 1 where a choice of the pointer is right (the old rows equal to the new
    /// one; "new" where there is none).
    pub pointer: Tensor,
    /// `[n]` the session of each row that must be written.
    pub new_sessions: Tensor,
    /// `[n]` its row.
    pub new_rows: Tensor,
    /// `[n * COLS]` its cells.
    pub new_cells: Tensor,
    /// `[b]` the cursor's row after.
    pub cursor_row: Tensor,
    /// `[b]` the cursor's column after.
    pub cursor_col: Tensor,
}

/// The rows of `cells`, as slices.
pub fn rows(cells: &[u8]) -> impl Iterator<Item = &[u8]> {
    cells.chunks(COLS)
}

/// The items of `running` that `goes_on` keeps, and their rows of `state` (`[running.len(), ..]`):
/// how a batch's sessions that have ended leave it.
pub fn still_running<T>(
    running: Vec<T>,
    state: Tensor,
    goes_on: impl Fn(&T) -> bool,
) -> Result<(Vec<T>, Tensor)> {
    if running.iter().all(&goes_on) {
        return Ok((running, state));
    }
    let (kept, rows): (Vec<T>, Vec<u32>) = running
        .into_iter()
        .zip(0u32..)
        .filter(|(item, _)| goes_on(item))
        .unzip();
    let rows = Tensor::new(rows.as_slice(), state.device())?;
    let state = state.index_select(&rows, 0)?;
    Ok((kept, state))
}

/// The targets for `steps`.
pub fn targets(steps: &[&EncodedStep], device: &Device) -> Result<Targets> {
    let b = steps.len();
    let mut pointer = vec![0f32; b * ROWS * (ROWS + 1)];
    let (mut sessions, mut new_rows, mut new_cells) = (Vec::new(), Vec::new(), Vec::new());
    for (i, step) in steps.iter().enumerate() {
        let old: Vec<&[u8]> = rows(&step.seen.before).collect();
        for (r, row) in rows(&step.after).enumerate() {
            let base = (i * ROWS + r) * (ROWS + 1);
            let mut copied = false;
            for (j, old_row) in old.iter().enumerate() {
                if *old_row == row {
                    pointer[base + j] = 1.0;
                    copied = true;
                }
            }
            if !copied {
                pointer[base + ROWS] = 1.0;
                sessions.push(i as u32);
                new_rows.push(r as u32);
                new_cells.extend(row.iter().map(|&c| u32::from(c)));
            }
        }
    }
    let n = sessions.len();
    Ok(Targets {
        pointer: Tensor::from_vec(pointer, (b, ROWS, ROWS + 1), device)?,
        new_sessions: Tensor::from_vec(sessions, n, device)?,
        new_rows: Tensor::from_vec(new_rows, n, device)?,
        new_cells: Tensor::from_vec(new_cells, n * COLS, device)?,
        cursor_row: Tensor::from_vec(
            steps
                .iter()
                .map(|s| s.cursor_after.0 as u32)
                .collect::<Vec<_>>(),
            b,
            device,
        )?,
        cursor_col: Tensor::from_vec(
            steps
                .iter()
                .map(|s| s.cursor_after.1 as u32)
                .collect::<Vec<_>>(),
            b,
            device,
        )?,
    })
}
