//! A training run stopped at a checkpoint and started again makes the very model that a run never
//! stopped makes: the checkpoint keeps the optimizer's moments and step count with the weights.

use candle_core::Device;
use neural_rt::model::Config;
use neural_rt::train::{Options, train};

mod common;
use common::episode;

fn options(epochs: usize) -> Options {
    Options {
        config: Config {
            dim: 16,
            char_dim: 4,
            layers: 1,
            heads: 2,
            state: 2,
            cell_dim: 8,
            cell_layers: 1,
        },
        epochs,
        batch: 2,
        bptt: 1,
        learning_rate: 0.01,
        seed: 5,
        checkpoint_every: 1,
    }
}

/// A dataset of `sessions` training sessions.
fn dataset(sessions: u64) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    for seed in 1..=sessions {
        episode(seed).write(data.path()).unwrap();
    }
    data
}

#[test]
fn a_resumed_run_makes_the_same_model_as_one_never_stopped() {
    let data = dataset(4);
    let whole = tempfile::tempdir().unwrap();
    let stopped = tempfile::tempdir().unwrap();
    let device = Device::Cpu;
    let mut quiet = |_: &neural_rt::train::Report| {};
    let end = train(data.path(), whole.path(), &options(3), &device, &mut quiet).unwrap();
    // Stopped after the first epoch, then started again for all three.
    train(
        data.path(),
        stopped.path(),
        &options(1),
        &device,
        &mut quiet,
    )
    .unwrap();
    let resumed = train(
        data.path(),
        stopped.path(),
        &options(3),
        &device,
        &mut quiet,
    )
    .unwrap();
    assert_eq!(resumed, end);
    let weights =
        |dir: &tempfile::TempDir| std::fs::read(dir.path().join("model.safetensors")).unwrap();
    assert!(
        weights(&whole) == weights(&stopped),
        "the resumed run's weights differ from the uninterrupted run's"
    );
}

#[test]
fn a_damaged_optimizer_file_is_named_and_the_checkpoint_is_left_as_it_was() {
    let data = dataset(2);
    let out = tempfile::tempdir().unwrap();
    let mut quiet = |_: &neural_rt::train::Report| {};
    train(
        data.path(),
        out.path(),
        &options(1),
        &Device::Cpu,
        &mut quiet,
    )
    .unwrap();
    let weights = std::fs::read(out.path().join("model.safetensors")).unwrap();
    std::fs::write(out.path().join("optimizer.safetensors"), b"not safetensors").unwrap();
    let err = train(
        data.path(),
        out.path(),
        &options(2),
        &Device::Cpu,
        &mut quiet,
    )
    .expect_err("a damaged optimizer file is refused")
    .to_string();
    assert!(
        err.contains("optimizer.safetensors is damaged") && err.contains("remove"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.path().join("model.safetensors")).unwrap(),
        weights
    );
}
