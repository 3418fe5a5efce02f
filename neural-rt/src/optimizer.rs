//! AdamW whose whole state, both moments of every variable and the step count, goes into a
//! safetensors file with each checkpoint, so that a resumed run makes the very updates of a run
//! never stopped. candle's AdamW keeps its moments private; its update is followed here term for
//! term.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Result, Tensor, Var};

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;
const WEIGHT_DECAY: f64 = 0.01;
const STEP: &str = "step";

/// One variable and its two moments.
struct Moments {
    name: String,
    var: Var,
    first: Var,
    second: Var,
}

/// AdamW over named variables.
pub struct AdamW {
    moments: Vec<Moments>,
    step: u32,
    learning_rate: f64,
}

impl AdamW {
    /// Fresh moments for `vars`.
    ///
    /// # Errors
    /// When the moments cannot be allocated.
    pub fn new(vars: Vec<(String, Var)>, learning_rate: f64) -> Result<Self> {
        let moments = vars
            .into_iter()
            .map(|(name, var)| {
                let zeros = || Var::zeros(var.shape(), var.dtype(), var.device());
                Ok(Moments {
                    first: zeros()?,
                    second: zeros()?,
                    name,
                    var,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            moments,
            step: 0,
            learning_rate,
        })
    }

    /// Sets the rate of the updates to come.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    /// Back-propagates `loss` and moves every variable that has a gradient.
    ///
    /// # Errors
    /// When the backward pass or an update fails.
    pub fn backward_step(&mut self, loss: &Tensor) -> Result<()> {
        let grads = loss.backward()?;
        self.step += 1;
        let step = i32::try_from(self.step).unwrap_or(i32::MAX);
        let scale_first = 1.0 / (1.0 - BETA1.powi(step));
        let scale_second = 1.0 / (1.0 - BETA2.powi(step));
        let lr = self.learning_rate;
        for m in &self.moments {
            let Some(grad) = grads.get(&m.var) else {
                continue;
            };
            let first = ((m.first.as_tensor() * BETA1)? + (grad * (1.0 - BETA1))?)?;
            let second = ((m.second.as_tensor() * BETA2)? + (grad.sqr()? * (1.0 - BETA2))?)?;
            let decayed = (m.var.as_tensor() * (1.0 - lr * WEIGHT_DECAY))?;
            let adjusted =
                ((&first * scale_first)? / ((&second * scale_second)?.sqrt()? + EPSILON)?)?;
            let next = (decayed - (adjusted * lr)?)?;
            m.first.set(&first)?;
            m.second.set(&second)?;
            m.var.set(&next)?;
        }
        Ok(())
    }

    /// Writes the moments and the step count as safetensors.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let device = self
            .moments
            .first()
            .map_or(Device::Cpu, |m| m.var.device().clone());
        let mut tensors = HashMap::new();
        for m in &self.moments {
            tensors.insert(format!("first.{}", m.name), m.first.as_tensor().clone());
            tensors.insert(format!("second.{}", m.name), m.second.as_tensor().clone());
        }
        tensors.insert(STEP.to_owned(), Tensor::new(&[self.step], &device)?);
        candle_core::safetensors::save(&tensors, path)
    }

    /// Takes the moments and step count from a file [`AdamW::save`] wrote for the same variables.
    ///
    /// # Errors
    /// When the file cannot be read or lacks a moment of the right shape.
    pub fn load(&mut self, path: &Path, device: &Device) -> Result<()> {
        let stored = candle_core::safetensors::load(path, device)?;
        let get = |name: String| {
            stored
                .get(&name)
                .ok_or(candle_core::Error::CannotFindTensor { path: name })
        };
        for m in &self.moments {
            m.first.set(get(format!("first.{}", m.name))?)?;
            m.second.set(get(format!("second.{}", m.name))?)?;
        }
        let step = get(STEP.to_owned())?
            .to_dtype(DType::U32)?
            .to_vec1::<u32>()?;
        self.step = step.first().copied().unwrap_or(0);
        Ok(())
    }
}
