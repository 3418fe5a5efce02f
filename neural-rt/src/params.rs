//! The model's variables, made from a seed. candle's CPU random numbers cannot be seeded, so new
//! variables are drawn here, from ChaCha8 with the given seed in the order the model asks for them,
//! with the distribution each layer asks for: the same seed gives the same model on any machine.
//! Checkpoints are safetensors files of these variables.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use candle_core::{DType, Device, Result, Shape, Tensor, Var};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::{Init, VarBuilder, VarMap};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// Trainable variables by name, made from a seed when first asked for.
pub struct Params {
    map: VarMap,
    rng: Mutex<ChaCha8Rng>,
}

impl Params {
    /// Empty, drawing new variables from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            map: VarMap::new(),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        }
    }

    /// A builder over these variables on `device`.
    pub fn builder(self: &std::sync::Arc<Self>, device: &Device) -> VarBuilder<'static> {
        VarBuilder::from_backend(Box::new(Shared(self.clone())), DType::F32, device.clone())
    }

    /// Every variable with its name, sorted by name (the optimizer's order, so that training is
    /// repeatable).
    pub fn vars(&self) -> Vec<(String, Var)> {
        let mut named: Vec<(String, Var)> = self.named().into_iter().collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        named
    }

    /// Every variable by name.
    pub fn named(&self) -> HashMap<String, Var> {
        self.map
            .data()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Writes the variables as safetensors.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.map.save(path)
    }

    /// Replaces the variables' values with those of a safetensors file, which must hold every one
    /// of them with the same shape.
    pub fn load(&self, path: &Path, device: &Device) -> Result<()> {
        self.set(candle_core::safetensors::load(path, device)?, "", &[])
    }

    /// As [`Params::load`] into a model that grew: the variable `grown` (a table of positions) may
    /// be longer in its first dimension than the one stored, and keeps the stored rows and the
    /// rest as drawn; the variables named in `new` (a part the stored model did not have) are not
    /// in the file, and keep their values as drawn.
    pub fn load_grown(
        &self,
        path: &Path,
        grown: &str,
        new: &[String],
        device: &Device,
    ) -> Result<()> {
        let stored = candle_core::safetensors::load(path, device)?;
        self.set(stored, grown, new)
    }

    /// `grown`: the variable that may be longer, and `new` those that are not stored (see
    /// [`Params::load_grown`]).
    fn set(&self, stored: HashMap<String, Tensor>, grown: &str, new: &[String]) -> Result<()> {
        for (name, var) in self.named() {
            if !new.contains(&name) {
                var.set(&stored_value(
                    &stored,
                    &name,
                    &name,
                    grown,
                    var.as_tensor(),
                )?)?;
            }
        }
        Ok(())
    }

    fn draw(&self, shape: &Shape, init: Init) -> Vec<f32> {
        let n = shape.elem_count();
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        let mut normal = |mean: f64, std: f64| {
            // Box–Muller.
            let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
            let u2: f64 = rng.random();
            (mean + std * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
        };
        match init {
            Init::Const(value) => vec![value as f32; n],
            Init::Randn { mean, stdev } => (0..n).map(|_| normal(mean, stdev)).collect(),
            Init::Uniform { lo, up } => (0..n).map(|_| rng.random_range(lo..up) as f32).collect(),
            Init::Kaiming {
                dist,
                fan,
                non_linearity,
            } => {
                let std = non_linearity.gain() / (fan.for_shape(shape) as f64).sqrt();
                match dist {
                    candle_nn::init::NormalOrUniform::Normal => {
                        (0..n).map(|_| normal(0.0, std)).collect()
                    }
                    candle_nn::init::NormalOrUniform::Uniform => {
                        let bound = 3f64.sqrt() * std;
                        (0..n)
                            .map(|_| rng.random_range(-bound..bound) as f32)
                            .collect()
                    }
                }
            }
        }
    }
}

/// What is stored as `key` for the variable `name`, whose value now is `current`; for the variable
/// `grown` (see [`Params::load_grown`]), followed by the rows `current` has beyond it. The weights
/// and AdamW's moments are loaded alike.
pub(crate) fn stored_value(
    stored: &HashMap<String, Tensor>,
    key: &str,
    name: &str,
    grown: &str,
    current: &Tensor,
) -> Result<Tensor> {
    let value = stored
        .get(key)
        .ok_or_else(|| candle_core::Error::CannotFindTensor {
            path: key.to_owned(),
        })?;
    if name == grown {
        grown_rows(value, current)
    } else {
        Ok(value.clone())
    }
}

/// `stored` followed by the rows of `drawn` beyond it, where `drawn` is longer in its first
/// dimension and alike in the others; otherwise `stored` as it is (and a shape that differs otherwise
/// is refused when it is set).
fn grown_rows(stored: &Tensor, drawn: &Tensor) -> Result<Tensor> {
    let (have, want) = (stored.dims(), drawn.dims());
    match (have.first(), want.first()) {
        (Some(&rows), Some(&wanted)) if rows < wanted && have[1..] == want[1..] => {
            Tensor::cat(&[stored, &drawn.narrow(0, rows, wanted - rows)?], 0)
        }
        _ => Ok(stored.clone()),
    }
}

struct Shared(std::sync::Arc<Params>);

impl SimpleBackend for Shared {
    fn get(
        &self,
        shape: Shape,
        name: &str,
        init: Init,
        dtype: DType,
        device: &Device,
    ) -> Result<Tensor> {
        let params = &self.0;
        if let Some(var) = params
            .map
            .data()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
        {
            return Ok(var.as_tensor().clone());
        }
        let values = params.draw(&shape, init);
        let var = Var::from_tensor(&Tensor::from_vec(values, shape, device)?.to_dtype(dtype)?)?;
        params
            .map
            .data()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_owned(), var.clone());
        Ok(var.as_tensor().clone())
    }

    fn get_unchecked(&self, name: &str, _dtype: DType, _device: &Device) -> Result<Tensor> {
        self.0
            .map
            .data()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .map(|v| v.as_tensor().clone())
            .ok_or_else(|| candle_core::Error::CannotFindTensor {
                path: name.to_owned(),
            })
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.0
            .map
            .data()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(name)
    }
}
