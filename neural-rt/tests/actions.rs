//! How the model sees an action: padding to a batch's longest action changes nothing, a model sees
//! the first `action_len` characters and no more, and a model grown to see longer actions predicts
//! the shorter ones as the model it grew from.

use std::sync::Arc;

use candle_core::{Device, Tensor};
use neural_rt::batch::{Encoded, Seen, input};
use neural_rt::model::{Config, Model, Purpose};

const GROWN: &str = Model::GROWN_WITH_ACTIONS;
use neural_rt::params::Params;

mod common;
use common::{episode, small_config as config};

fn model(seed: u64, config: Config) -> (Arc<Params>, Model) {
    let params = Arc::new(Params::new(seed));
    let model = Model::new(config, params.builder(&Device::Cpu)).unwrap();
    (params, model)
}

/// The first step of a short session, with `action` typed instead.
fn seen(action: &str) -> Seen {
    let mut step = Encoded::of(&episode(1)).steps[0].seen.clone();
    step.action = neural_rt::encode::action(action);
    step
}

/// The trunk's rows and new state, and the new rows written, for the first of `steps`.
fn predicted(model: &Model, steps: &[&Seen]) -> Vec<f32> {
    let device = Device::Cpu;
    let inputs = input(steps, model.config.action_len, &device).unwrap();
    let trunk = model
        .trunk(&inputs, &model.start_state(steps.len()).unwrap())
        .unwrap();
    let first = Tensor::new(&[0u32, 0], &device).unwrap();
    let rows = Tensor::new(&[1u32, 2], &device).unwrap();
    let written = model
        .write_rows(&trunk, &inputs, &first, &rows, Purpose::Training)
        .unwrap();
    [
        trunk.rows.narrow(0, 0, 1).unwrap(),
        trunk.state.narrow(0, 0, 1).unwrap(),
        written.cells,
    ]
    .iter()
    .flat_map(|t| t.flatten_all().unwrap().to_vec1::<f32>().unwrap())
    .collect()
}

fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

const LONG: &str = "echo alpha bravo charlie delta echo foxtrot golf";

#[test]
fn padding_to_a_longer_action_in_the_batch_changes_no_prediction() {
    let (_, model) = model(3, config(64));
    let (short, long, empty) = (seen("echo w1"), seen(LONG), seen(""));
    for step in [&short, &empty] {
        let alone = predicted(&model, &[step]);
        let beside = predicted(&model, &[step, &long]);
        let difference = largest_difference(&alone, &beside);
        assert!(
            difference < 1e-5,
            "padding changed a prediction by {difference}"
        );
    }
    let alone = predicted(&model, &[&short]);
    assert!(
        largest_difference(&alone, &predicted(&model, &[&long])) > 1e-3,
        "another action must change the prediction"
    );
}

#[test]
fn a_model_sees_its_action_len_characters_and_a_grown_one_keeps_what_it_had() {
    let (small_params, small) = model(3, config(24));
    let dir = tempfile::tempdir().unwrap();
    let weights = dir.path().join("model.safetensors");
    small_params.save(&weights).unwrap();
    let (big_params, big) = model(4, config(56));
    big_params
        .load_grown(&weights, GROWN, &[], &Device::Cpu)
        .unwrap();

    let short = seen("echo w1");
    let difference = largest_difference(&predicted(&small, &[&short]), &predicted(&big, &[&short]));
    assert!(
        difference < 1e-6,
        "the grown model predicts a short action otherwise, by {difference}"
    );
    // The 46th character is beyond the small model's window and inside the big one's.
    let other_end = seen(&LONG.replace("golf", "gulf"));
    let long = seen(LONG);
    assert!(
        largest_difference(
            &predicted(&small, &[&long]),
            &predicted(&small, &[&other_end])
        ) < 1e-6,
        "a model of 24 characters saw the 46th"
    );
    assert!(
        largest_difference(&predicted(&big, &[&long]), &predicted(&big, &[&other_end])) > 1e-4,
        "a model of 56 characters did not see the 46th"
    );
    // Sizes that differ otherwise are refused, even a table that could grow.
    for other in [
        Config {
            dim: 48,
            ..config(56)
        },
        Config {
            state: 4,
            ..config(56)
        },
    ] {
        let (params, _) = model(5, other.clone());
        assert!(
            params
                .load_grown(&weights, GROWN, &[], &Device::Cpu)
                .is_err(),
            "{other}"
        );
    }
}
