//! The learned runtime at work: a trained model loaded from its checkpoint, predicting next screens
//! for one session or many in lockstep, with the latent state carried by the caller.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use candle_core::safetensors::SliceSafetensors;
use candle_core::{DType, Device, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder};
use kernel_bridge::Frame;

use crate::batch::{Seen, input};
use crate::encode::Window;
use crate::model::Model;
use crate::train::{Checkpoint, Options};

/// A model that cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No checkpoint there.
    #[error(
        "no model in {0} (no position.json, options.json and model.safetensors); train one with `neural train --out {0}`"
    )]
    Missing(PathBuf),
    /// A file where the model's directory would be.
    #[error(
        "{0} is a file, where a model is a directory (position.json, options.json and model.safetensors); give a model's directory"
    )]
    NotADirectory(PathBuf),
    /// Its files cannot be read.
    #[error(transparent)]
    Checkpoint(#[from] crate::train::TrainError),
    /// Its options.json gives sizes no model can have.
    #[error("{0}/options.json is damaged: {1}; train it again, or use another model")]
    Sizes(PathBuf, String),
    /// Its weights are damaged, or do not fit its options.
    #[error(
        "the weights in {0} are damaged or do not fit its options.json ({1}); train it again, or use another model"
    )]
    Weights(PathBuf, String),
}

/// The options and the weights' bytes of the checkpoint in `dir`, read once.
fn read_checkpoint(dir: &Path) -> Result<(Options, Vec<u8>), LoadError> {
    if dir.exists() && !dir.is_dir() {
        return Err(LoadError::NotADirectory(dir.to_owned()));
    }
    let checkpoint = Checkpoint::new(dir);
    let (options, _) = checkpoint
        .read()?
        .ok_or_else(|| LoadError::Missing(dir.to_owned()))?;
    options
        .config
        .check()
        .map_err(|why| LoadError::Sizes(dir.to_owned(), why))?;
    let weights = checkpoint.read_weights()?;
    Ok((options, weights))
}

/// A checkpoint's weights as plain tensors, noting the names the model asks for.
struct Stored<'a> {
    file: SliceSafetensors<'a>,
    asked: Arc<Mutex<HashSet<String>>>,
}

/// Whether the model asked for every weight in the file (`names`): one it did not is from a model
/// of other sizes, and predicting without it would be nonsense.
fn all_asked(mut names: Vec<String>, asked: &HashSet<String>) -> candle_core::Result<()> {
    names.retain(|name| !asked.contains(name));
    names.sort();
    match names.first() {
        None => Ok(()),
        Some(first) => Err(candle_core::Error::Msg(format!(
            "{} weights the model has no use for, such as `{first}`",
            names.len()
        ))),
    }
}

impl Stored<'_> {
    fn note(&self, name: &str) {
        self.asked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned());
    }
}

impl SimpleBackend for Stored<'_> {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        init: Init,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.note(name);
        SimpleBackend::get(&self.file, shape, name, init, dtype, device)
    }

    fn get_unchecked(
        &self,
        name: &str,
        dtype: DType,
        device: &Device,
    ) -> candle_core::Result<Tensor> {
        self.note(name);
        SimpleBackend::get_unchecked(&self.file, name, dtype, device)
    }

    fn contains_tensor(&self, name: &str) -> bool {
        SimpleBackend::contains_tensor(&self.file, name)
    }
}

/// A trained model, ready to predict.
pub struct Runtime {
    model: Model,
    /// The options it was trained with.
    pub options: Options,
}

impl Runtime {
    /// Loads the checkpoint in `dir` onto `device`.
    ///
    /// # Errors
    /// See [`LoadError`].
    pub fn load(dir: &Path, device: &Device) -> Result<Self, LoadError> {
        Self::load_with_weights(dir, device).map(|(runtime, _)| runtime)
    }

    /// Loads the checkpoint in `dir` onto `device`, and gives the bytes of the weights it was made
    /// from, read once: what is measured is what is sent, even if training goes on writing there.
    ///
    /// # Errors
    /// See [`LoadError`].
    pub fn load_with_weights(dir: &Path, device: &Device) -> Result<(Self, Vec<u8>), LoadError> {
        let (options, weights) = read_checkpoint(dir)?;
        let runtime = Self::from_parts(options, &weights, device).map_err(|e| {
            LoadError::Weights(Checkpoint::new(dir).weights(), crate::error_text(e))
        })?;
        Ok((runtime, weights))
    }

    /// A model from its options and the bytes of its weights (safetensors).
    ///
    /// The weights are plain tensors, not the trainable variables that training makes: candle
    /// records every operation on a variable for a backward pass, so each step would build a graph
    /// that is never used, and a state carried on would hold the graph of every step before it.
    ///
    /// # Errors
    /// When the options give sizes no model can have, the bytes are not a whole safetensors file,
    /// or the weights do not fit the options: one missing, one of another shape, or one the model
    /// has no use for (a model of more layers).
    pub fn from_parts(
        options: Options,
        weights: &[u8],
        device: &Device,
    ) -> candle_core::Result<Self> {
        options.config.check().map_err(candle_core::Error::Msg)?;
        let file = SliceSafetensors::new(weights)?;
        let names: Vec<String> = file.tensors().into_iter().map(|(name, _)| name).collect();
        let asked = Arc::new(Mutex::default());
        let stored = Stored {
            file,
            asked: asked.clone(),
        };
        let builder = VarBuilder::from_backend(Box::new(stored), DType::F32, device.clone());
        let model = Model::new(options.config.clone(), builder)?;
        all_asked(names, &asked.lock().unwrap_or_else(|p| p.into_inner()))?;
        Ok(Self { model, options })
    }

    /// The state before a session's first step, for `sessions` sessions.
    ///
    /// # Errors
    /// When the tensor library fails.
    pub fn start(&self, sessions: usize) -> candle_core::Result<Tensor> {
        self.model.start_state(sessions)
    }

    /// Predicts the screen after each `actions[i]` typed at `befores[i]`, for sessions whose state
    /// is `state` (`[sessions, ..]`); returns the screens and the new state.
    ///
    /// # Errors
    /// When the tensor library fails.
    pub fn step(
        &self,
        befores: &[&Frame],
        actions: &[&str],
        state: &Tensor,
    ) -> candle_core::Result<(Vec<Frame>, Tensor)> {
        let device = self.model.device();
        let windows: Vec<Window> = befores.iter().map(|f| Window::of(f)).collect();
        let steps: Vec<Seen> = befores
            .iter()
            .zip(actions)
            .zip(&windows)
            .map(|((before, action), window)| Seen::of(before, window, action))
            .collect();
        let refs: Vec<&Seen> = steps.iter().collect();
        let inputs = input(&refs, self.model.config.action_len, device)?;
        let trunk = self.model.trunk(&inputs, state)?;
        let predicted = crate::predict::screens(&self.model, &trunk, &inputs, &refs)?;
        let frames = befores
            .iter()
            .zip(&windows)
            .zip(predicted)
            .map(|((before, window), screen)| window.place(before, &screen.cells, screen.cursor))
            .collect();
        Ok((frames, trunk.state))
    }
}
