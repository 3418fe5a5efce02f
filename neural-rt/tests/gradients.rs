//! Every trainable variable of the model receives a gradient through two steps of a session (so the
//! carried state is trained too). candle has operations without a backward pass, which stop learning
//! silently (see DESIGN.md); this is the test that catches one.

use std::sync::Arc;

use candle_core::backprop::GradStore;
use candle_core::{Device, Tensor};
use neural_rt::batch::{Encoded, input, targets};
use neural_rt::loss::step_loss;
use neural_rt::model::{Config, Model};
use neural_rt::params::Params;

mod common;
use common::{episode, gradient_norm, small_config};

/// The gradients of a session's loss, through two steps.
fn session_gradients(model: &Model) -> GradStore {
    let device = Device::Cpu;
    let encoded = Encoded::of(&episode(1));
    let mut state = model.start_state(1).unwrap();
    let mut total: Option<candle_core::Tensor> = None;
    for step in &encoded.steps {
        let inputs = input(&[&step.seen], model.config.action_len, &device).unwrap();
        let wanted = targets(&[step], &device).unwrap();
        let trunk = model.trunk(&inputs, &state).unwrap();
        let loss = step_loss(model, &trunk, &inputs, &wanted).unwrap();
        assert!(
            loss.cells.to_scalar::<f32>().unwrap() > 0.0,
            "the step has rows to write"
        );
        total = Some(match total {
            None => loss.total,
            Some(sum) => sum.add(&loss.total).unwrap(),
        });
        state = trunk.state;
    }
    total.unwrap().backward().unwrap()
}

#[test]
fn every_trainable_variable_receives_a_gradient() {
    for (copy, pointer_only) in [(false, false), (true, false), (true, true)] {
        let params = Arc::new(Params::new(7));
        let config = Config {
            copy,
            pointer_only,
            ..small_config(24)
        };
        let model = Model::new(config, params.builder(&Device::Cpu)).unwrap();
        let grads = session_gradients(&model);
        let named = params.named();
        assert!(named.len() > 40, "{} variables", named.len());
        assert_eq!(named.contains_key("copy_gate.bias"), copy && !pointer_only);
        assert_eq!(named.contains_key("copy_key.weight"), copy);
        let mut missing = Vec::new();
        for (name, var) in &named {
            if !gradient_norm(&grads, var).is_some_and(|n| n > 0.0) {
                missing.push(name.clone());
            }
        }
        missing.sort();
        assert!(
            missing.is_empty(),
            "copy {copy}, pointer only {pointer_only}: no gradient reaches: {missing:?}"
        );
    }
}

/// Where the gate is shut, the pointer must learn to copy even so, or the gate never has a reason
/// to open.
#[test]
fn the_copy_pointer_learns_with_its_gate_shut() {
    let params = Arc::new(Params::new(7));
    let config = Config {
        copy: true,
        ..small_config(24)
    };
    let model = Model::new(config, params.builder(&Device::Cpu)).unwrap();
    let named = params.named();
    let bias = &named["copy_gate.bias"];
    bias.set(&Tensor::full(-1e4f32, 1, &Device::Cpu).unwrap())
        .unwrap();
    let grads = session_gradients(&model);
    for pointer in ["copy_query.weight", "copy_key.weight"] {
        let norm = gradient_norm(&grads, &named[pointer]);
        assert!(norm.is_some_and(|n| n > 0.0), "{pointer}: {norm:?}");
    }
}

#[test]
fn the_same_seed_makes_the_same_model() {
    let device = Device::Cpu;
    let values = |seed| {
        let params = Arc::new(Params::new(seed));
        Model::new(Config::default(), params.builder(&device)).unwrap();
        params
            .vars()
            .iter()
            .map(|(_, v)| {
                v.as_tensor()
                    .flatten_all()
                    .unwrap()
                    .to_vec1::<f32>()
                    .unwrap()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(values(3), values(3));
    assert_ne!(values(3), values(4));
}
