//! AdamW whose whole state, both moments of every variable and its count of updates, goes into a
//! safetensors file with each checkpoint, so that a resumed run makes the very updates of a run
//! never stopped. candle's AdamW keeps its moments private; its update is followed here term for
//! term. Each variable counts its own updates, as PyTorch's does, so that a part a model grew
//! starts as fresh AdamW would start it while the rest keeps its moments.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Result, Tensor, Var};

use crate::params::stored_value;

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;
const WEIGHT_DECAY: f64 = 0.01;
/// The count of updates every variable shared, in files written before each kept its own.
const STEP: &str = "step";

/// One variable, its two moments and the updates it has had.
struct Moments {
    name: String,
    var: Var,
    first: Var,
    second: Var,
    step: u32,
}

/// AdamW over named variables.
pub struct AdamW {
    moments: Vec<Moments>,
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
                    step: 0,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            moments,
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
        let lr = self.learning_rate;
        for m in &mut self.moments {
            let Some(grad) = grads.get(&m.var) else {
                continue;
            };
            m.step += 1;
            let step = i32::try_from(m.step).unwrap_or(i32::MAX);
            let scale_first = 1.0 / (1.0 - BETA1.powi(step));
            let scale_second = 1.0 / (1.0 - BETA2.powi(step));
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

    /// Writes the moments and each variable's count of updates as safetensors.
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
            tensors.insert(format!("step.{}", m.name), Tensor::new(&[m.step], &device)?);
        }
        candle_core::safetensors::save(&tensors, path)
    }

    /// Takes the moments and counts of updates from a file [`AdamW::save`] wrote for the same
    /// variables, or for a model that grew, as
    /// [`Params::load_grown`](crate::params::Params::load_grown) loads its weights. The variables
    /// in `new` start as fresh AdamW starts them. The rest go on as if the model had not grown: a
    /// trained model whose every variable started afresh was thrown far off by AdamW's first
    /// updates, each about the learning rate in size. The moments of `grown` keep their stored
    /// rows and start at nothing for the rest, under the table's count of updates: the new rows'
    /// first updates are larger than fresh AdamW's (for a steady gradient, up to about 6 times the
    /// learning rate, near 1 after a thousand updates), and the rows learned are not disturbed.
    ///
    /// # Errors
    /// When the file cannot be read, or lacks a moment of the right shape or a count of updates.
    pub fn load(
        &mut self,
        path: &Path,
        grown: &str,
        new: &[String],
        device: &Device,
    ) -> Result<()> {
        self.set(candle_core::safetensors::load(path, device)?, grown, new)
    }

    fn set(&mut self, stored: HashMap<String, Tensor>, grown: &str, new: &[String]) -> Result<()> {
        for m in &mut self.moments {
            if new.contains(&m.name) {
                continue;
            }
            for (moment, kind) in [(&m.first, "first"), (&m.second, "second")] {
                let key = format!("{kind}.{}", m.name);
                moment.set(&stored_value(
                    &stored,
                    &key,
                    &m.name,
                    grown,
                    moment.as_tensor(),
                )?)?;
            }
            let own = format!("step.{}", m.name);
            let step = stored
                .get(STEP)
                .or_else(|| stored.get(&own))
                .ok_or(candle_core::Error::CannotFindTensor { path: own })?;
            m.step = step
                .to_dtype(DType::U32)?
                .to_vec1::<u32>()?
                .first()
                .copied()
                .unwrap_or(0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkpoint written before each variable counted its own updates goes on with the count
    /// they shared.
    #[test]
    fn a_count_of_updates_shared_by_every_variable_is_read_as_each_ones() -> Result<()> {
        let device = Device::Cpu;
        let var = |v: f32| Var::new(&[v, v], &device);
        let mut adam = AdamW::new(vec![("a".into(), var(1.0)?), ("b".into(), var(2.0)?)], 0.1)?;
        let file = tempfile::NamedTempFile::new().map_err(candle_core::Error::wrap)?;
        let mut old = HashMap::new();
        for name in ["a", "b"] {
            old.insert(
                format!("first.{name}"),
                Tensor::new(&[0.5f32, 0.5], &device)?,
            );
            old.insert(
                format!("second.{name}"),
                Tensor::new(&[0.25f32, 0.25], &device)?,
            );
        }
        old.insert(STEP.to_owned(), Tensor::new(&[7u32], &device)?);
        candle_core::safetensors::save(&old, file.path())?;
        adam.load(file.path(), "", &[], &device)?;
        assert!(adam.moments.iter().all(|m| m.step == 7));
        assert_eq!(adam.moments[1].first.to_vec1::<f32>()?, [0.5, 0.5]);

        // An update whose loss only `a` is in counts for `a` alone, and each count is kept.
        let a = adam.moments[0].var.as_tensor().clone();
        adam.backward_step(&a.sum_all()?)?;
        adam.save(file.path())?;
        let mut again = AdamW::new(vec![("a".into(), var(1.0)?), ("b".into(), var(2.0)?)], 0.1)?;
        again.load(file.path(), "", &[], &device)?;
        let steps: Vec<u32> = again.moments.iter().map(|m| m.step).collect();
        assert_eq!(steps, [8, 7]);
        Ok(())
    }
}
