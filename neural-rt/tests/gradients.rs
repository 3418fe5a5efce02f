//! Every trainable variable of the model receives a gradient through two steps of a session (so the
//! carried state is trained too). candle has operations without a backward pass, which stop learning
//! silently (see DESIGN.md); this is the test that catches one.

use std::sync::Arc;

use candle_core::Device;
use neural_rt::batch::{Encoded, input, targets};
use neural_rt::loss::step_loss;
use neural_rt::model::{Config, Model};
use neural_rt::params::Params;

mod common;
use common::{episode, small_config};

#[test]
fn every_trainable_variable_receives_a_gradient() {
    let device = Device::Cpu;
    let params = Arc::new(Params::new(7));
    let model = Model::new(small_config(24), params.builder(&device)).unwrap();
    let encoded = Encoded::of(&episode(1));
    let mut state = model.start_state(1).unwrap();
    let mut total: Option<candle_core::Tensor> = None;
    for step in &encoded.steps {
        let inputs = input(&[&step.seen], model.config.action_len, &device).unwrap();
        let wanted = targets(&[step], &device).unwrap();
        let trunk = model.trunk(&inputs, &state).unwrap();
        let loss = step_loss(&model, &trunk, &inputs, &wanted).unwrap();
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
    let grads = total.unwrap().backward().unwrap();
    let named = params.named();
    assert!(named.len() > 40, "{} variables", named.len());
    let mut missing = Vec::new();
    for (name, var) in &named {
        let norm = grads.get(var.as_tensor()).map(|g| {
            g.sqr()
                .unwrap()
                .sum_all()
                .unwrap()
                .to_scalar::<f32>()
                .unwrap()
        });
        if !norm.is_some_and(|n| n > 0.0) {
            missing.push(name.clone());
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "no gradient reaches: {missing:?}");
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
