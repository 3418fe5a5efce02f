//! A short session to train on, two commands on a 24×80 screen, a dataset of such sessions, and a
//! small model to train.

use candle_core::Var;
use candle_core::backprop::GradStore;
use kernel_bridge::Frame;
use neural_rt::data::episode::FORMAT;
use neural_rt::data::{Episode, EpisodeStep, Family, Header, Split};
use neural_rt::model::Config;

/// A model small enough to train in a test, seeing actions of up to `action_len` characters.
pub fn small_config(action_len: usize) -> Config {
    Config {
        dim: 32,
        char_dim: 4,
        layers: 1,
        heads: 2,
        state: 2,
        cell_dim: 16,
        cell_layers: 1,
        action_len,
        copy: false,
        pointer_only: false,
        arithmetic: false,
        listing: false,
    }
}

fn frame(lines: &[&str], cursor: (u16, u16)) -> Frame {
    let mut frame = Frame::blank(24, 80);
    for (i, line) in lines.iter().enumerate() {
        frame.lines[i] = (*line).to_owned();
    }
    frame.cursor = cursor;
    frame
}

/// The session numbered `seed`, in the train split; its words depend on the seed.
pub fn episode(seed: u64) -> Episode {
    let word = format!("w{seed}");
    Episode {
        header: Header {
            format: FORMAT.into(),
            seed,
            split: Split::Train,
            rows: 24,
            cols: 80,
            source: "test".into(),
        },
        first: frame(&["$"], (0, 2)),
        steps: vec![
            EpisodeStep {
                action: format!("echo {word}"),
                family: Some(Family::Echo),
                exit_status: Some(0),
                frame: frame(&[&format!("$ echo {word}"), &word, "$"], (2, 2)),
            },
            EpisodeStep {
                action: "expr 2 + 3".into(),
                family: Some(Family::Arithmetic),
                exit_status: Some(0),
                frame: frame(
                    &[&format!("$ echo {word}"), &word, "$ expr 2 + 3", "5", "$"],
                    (4, 2),
                ),
            },
        ],
    }
}

/// A dataset whose train split holds `sessions`.
// Not every test binary that includes this module makes a dataset.
#[allow(dead_code)]
pub fn dataset(sessions: &[Episode]) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    for session in sessions {
        session.write(data.path()).unwrap();
    }
    data
}

/// The sum of the squares of `var`'s gradient, if it has one.
// Not every test binary that includes this module takes gradients.
#[allow(dead_code)]
pub fn gradient_norm(grads: &GradStore, var: &Var) -> Option<f32> {
    grads.get(var.as_tensor()).map(|g| {
        g.sqr()
            .unwrap()
            .sum_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    })
}
