//! Fidelity: the learned runtime beside a real session (the hybrid runtime of DESIGN.md). The
//! commands run for real; for each step the model predicts the screen after from the real screen
//! before, the action and the state it carried from the session's earlier steps, and the prediction
//! is scored against the real screen with the paper's measures. What this measures is how well the
//! model knows its user's own terminal, not the synthetic test set.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use candle_core::Tensor;
use kernel_bridge::Frame;
use serde::{Deserialize, Serialize};

use crate::encode::Window;
use crate::eval::{Latency, Summary};
use crate::metrics::{Scores, score};
use crate::runtime::Runtime;

/// One real step, predicted and scored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// When, in seconds since the Unix epoch.
    pub at: f64,
    /// The session it was in (one per host).
    pub session: String,
    /// The model that predicted it: `the shipped model`, or `weights` and the start of their
    /// hash.
    pub model: String,
    /// How the prediction scored.
    pub scores: Scores,
    /// How long the prediction took, in milliseconds.
    pub ms: f64,
}

/// A model following one session: it carries the latent state from step to step, as in `neural
/// eval`'s open loop (each step starts from the real screen).
pub struct Follower {
    runtime: Runtime,
    state: Tensor,
}

impl Follower {
    /// Follows a new session with `runtime`.
    ///
    /// # Errors
    /// When the tensor library fails.
    pub fn new(runtime: Runtime) -> candle_core::Result<Self> {
        let state = runtime.start(1)?;
        Ok(Self { runtime, state })
    }

    /// Predicts the screen after `action` typed at `before`, scores it against `after`, and gives
    /// the scores and the prediction's time in milliseconds. On a screen larger than 24×80 only the
    /// model's window (that of `before`) is scored: the cells outside it are copied, not predicted,
    /// and the edit distance of two whole large screens could take a core for seconds.
    ///
    /// # Errors
    /// When the tensor library fails.
    pub fn follow(
        &mut self,
        before: &Frame,
        action: &str,
        after: &Frame,
    ) -> candle_core::Result<(Scores, f64)> {
        let (predicted, ms) = self.predict(before, action)?;
        let window = Window::of(before);
        Ok((score(&window.crop(&predicted), &window.crop(after)), ms))
    }

    /// Predicts the screen after `action` typed at `before`, carrying the state on, and gives it
    /// with the prediction's time in milliseconds.
    ///
    /// # Errors
    /// When the tensor library fails.
    pub fn predict(&mut self, before: &Frame, action: &str) -> candle_core::Result<(Frame, f64)> {
        let start = Instant::now();
        let (mut predicted, state) = self.runtime.step(&[before], &[action], &self.state)?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        self.state = state;
        let predicted = predicted
            .pop()
            .ok_or_else(|| candle_core::Error::Msg("the model predicted no screen".into()))?;
        Ok((predicted, ms))
    }
}

/// What the measured steps of one model add up to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ModelFidelity {
    /// Sessions it followed.
    pub sessions: usize,
    /// The paper's measures over its steps.
    pub summary: Summary,
    /// How long its predictions took.
    pub latency: Latency,
}

/// Adds measured steps up by model, in the order the models were first seen.
pub fn by_model(measured: &[Measured]) -> Vec<(String, ModelFidelity)> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<&str, (Summary, Vec<f64>, BTreeSet<&str>)> = BTreeMap::new();
    for m in measured {
        let group = groups.entry(&m.model).or_insert_with(|| {
            order.push(m.model.clone());
            Default::default()
        });
        group.0.add(&m.scores);
        group.1.push(m.ms);
        group.2.insert(&m.session);
    }
    order
        .into_iter()
        .filter_map(|model| {
            let (summary, times, sessions) = groups.remove(model.as_str())?;
            let fidelity = ModelFidelity {
                sessions: sessions.len(),
                summary,
                latency: Latency::of(times),
            };
            Some((model, fidelity))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(model: &str, session: &str, char_accuracy: f64, ms: f64) -> Measured {
        Measured {
            at: 0.0,
            session: session.into(),
            model: model.into(),
            scores: Scores {
                char_accuracy,
                lines_right: 1,
                lines: 2,
                cursor: true,
                exact: false,
            },
            ms,
        }
    }

    #[test]
    fn steps_add_up_by_model_in_the_order_first_seen() {
        let steps = [
            measured("b", "1", 1.0, 10.0),
            measured("a", "1", 0.5, 20.0),
            measured("b", "2", 0.0, 30.0),
            measured("b", "2", 0.5, 20.0),
        ];
        let models = by_model(&steps);
        let names: Vec<&str> = models.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        let b = &models[0].1;
        assert_eq!((b.sessions, b.summary.steps), (2, 3));
        assert!((b.summary.char_accuracy - 0.5).abs() < 1e-12);
        assert!((b.summary.exact_line - 0.5).abs() < 1e-12);
        assert!((b.latency.p50_ms - 20.0).abs() < 1e-12);
        assert!((b.latency.p99_ms - 30.0).abs() < 1e-12);
        assert_eq!((models[1].1.sessions, models[1].1.summary.steps), (1, 1));
    }
}
