//! The arithmetic head: every one of its variables learns from its loss; a run with `--arithmetic`
//! trains the head alone, leaving every other weight of the model it starts from as it was, and
//! resumes as a plain run does; and a prediction takes the answer row from the head only where the
//! head says the step shows one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{Device, Tensor};
use neural_rt::arithmetic_head::WRITES;
use neural_rt::batch::{Encoded, input};
use neural_rt::data::{Episode, Split};
use neural_rt::encode::{CHARS, COLS, symbol};
use neural_rt::model::{Config, Model};
use neural_rt::params::Params;
use neural_rt::predict::screens;
use neural_rt::train::{Options, Schedule, TrainError, train, train_until};
use neural_rt::train_arithmetic::{actions, examples, loss};

mod common;
use common::{dataset, episode, gradient_norm, small_config};

fn with_head() -> Config {
    Config {
        arithmetic: true,
        ..small_config(24)
    }
}

fn options(config: Config, epochs: usize, from: Option<&Path>) -> Options {
    Options {
        config,
        epochs,
        batch: 2,
        bptt: 1,
        learning_rate: 0.01,
        schedule: Schedule::Cosine,
        from: from.map(Path::to_owned),
        seed: 5,
        checkpoint_every: 1,
        ..Options::default()
    }
}

fn stored(dir: &Path) -> HashMap<String, Tensor> {
    candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu).unwrap()
}

fn values(tensor: &Tensor) -> Vec<f32> {
    tensor.flatten_all().unwrap().to_vec1().unwrap()
}

#[test]
fn every_variable_of_the_head_receives_a_gradient() {
    let data = dataset(&[episode(1), episode(2)]);
    let files = Episode::files(data.path(), Split::Train).unwrap();
    let examples = examples(&files).unwrap();
    assert_eq!(examples.len(), 4, "two steps of two sessions");
    let params = Arc::new(Params::new(7));
    let model = Model::new(with_head(), params.builder(&Device::Cpu)).unwrap();
    let batch: Vec<_> = examples.iter().collect();
    let (action, real) = actions(&batch, &Device::Cpu).unwrap();
    let answer = model.answer(&action, &real).unwrap().unwrap();
    let grads = loss(&answer, &batch, &Device::Cpu)
        .unwrap()
        .backward()
        .unwrap();
    let head: Vec<_> = params
        .named()
        .into_iter()
        .filter(|(name, _)| name.starts_with("arithmetic."))
        .collect();
    assert!(head.len() > 20, "{} variables", head.len());
    let missing: Vec<&String> = head
        .iter()
        .filter(|(_, var)| !gradient_norm(&grads, var).is_some_and(|n| n > 0.0))
        .map(|(name, _)| name)
        .collect();
    assert!(missing.is_empty(), "no gradient reaches: {missing:?}");
}

#[test]
fn a_run_with_the_head_trains_it_alone_and_resumes_as_it_would_have_gone_on() {
    let data = dataset(&[episode(1), episode(2), episode(3)]);
    let quiet = &mut |_: &neural_rt::train::Report| {};
    let base = tempfile::tempdir().unwrap();
    train(
        data.path(),
        base.path(),
        &options(small_config(24), 1, None),
        &Device::Cpu,
        quiet,
    )
    .unwrap();

    let err = train(
        data.path(),
        tempfile::tempdir().unwrap().path(),
        &options(with_head(), 1, None),
        &Device::Cpu,
        quiet,
    )
    .unwrap_err();
    assert!(matches!(err, TrainError::HeadAlone), "{err}");

    let headed = options(with_head(), 3, Some(base.path()));
    let whole = tempfile::tempdir().unwrap();
    let end = train(data.path(), whole.path(), &headed, &Device::Cpu, quiet).unwrap();
    assert_eq!((end.epoch, end.updates, end.steps), (3, 9, 18));
    let (before, after) = (stored(base.path()), stored(whole.path()));
    let mut head_moved = false;
    for (name, tensor) in &after {
        match before.get(name) {
            Some(was) => assert_eq!(values(was), values(tensor), "{name} changed"),
            None => {
                assert!(name.starts_with("arithmetic."), "{name}");
                head_moved = true;
            }
        }
    }
    assert!(head_moved && after.len() > before.len());

    // Stopped after four updates, then run again: the same weights as the run never stopped.
    let stopped = tempfile::tempdir().unwrap();
    let updates = std::cell::Cell::new(0);
    let at_stop = train_until(
        &[data.path().to_owned()],
        stopped.path(),
        &headed,
        &Device::Cpu,
        &mut |report| updates.set(report.position.updates),
        &|| updates.get() == 4,
    )
    .unwrap();
    assert_eq!((at_stop.epoch, at_stop.updates), (1, 4));
    let resumed = train(data.path(), stopped.path(), &headed, &Device::Cpu, quiet).unwrap();
    assert_eq!(resumed, end);
    assert_eq!(
        std::fs::read(stopped.path().join("model.safetensors")).unwrap(),
        std::fs::read(whole.path().join("model.safetensors")).unwrap()
    );
}

/// The screens a model with a head predicts for the second step of a session (`expr 2 + 3`), with
/// the head made sure of `shows` and of writing `4` in every cell.
fn predicted_with_head_sure(shows: bool) -> (Vec<u32>, (usize, usize)) {
    let device = Device::Cpu;
    let params = Arc::new(Params::new(7));
    let model = Model::new(with_head(), params.builder(&device)).unwrap();
    let named = params.named();
    let sure = if shows { [-1e4f32, 1e4] } else { [1e4, -1e4] };
    named["arithmetic.answers.bias"]
        .set(&Tensor::new(&sure, &device).unwrap())
        .unwrap();
    let mut cells = vec![0f32; WRITES * CHARS];
    for cell in 0..WRITES {
        cells[cell * CHARS + symbol('4') as usize] = 1e4;
    }
    named["arithmetic.cells.bias"]
        .set(&Tensor::new(cells.as_slice(), &device).unwrap())
        .unwrap();
    let encoded = Encoded::of(&episode(1));
    let seen = [&encoded.steps[1].seen];
    let inputs = input(&seen, model.config.action_len, &device).unwrap();
    let trunk = model
        .trunk(&inputs, &model.start_state(1).unwrap())
        .unwrap();
    let predicted = screens(&model, &trunk, &inputs, &seen).unwrap().remove(0);
    (predicted.cells, predicted.cursor)
}

#[test]
fn the_head_writes_the_row_above_the_cursor_only_where_it_says_an_answer_is_shown() {
    let (open, cursor) = predicted_with_head_sure(true);
    let (shut, same_cursor) = predicted_with_head_sure(false);
    assert_eq!(cursor, same_cursor);
    let row = cursor
        .0
        .checked_sub(1)
        .expect("an untrained model's cursor row is not 0 here");
    let answer_row = row * COLS..row * COLS + WRITES;
    assert!(open[answer_row.clone()].iter().all(|&c| c == symbol('4')));
    assert_ne!(open[answer_row.clone()], shut[answer_row.clone()]);
    for (i, (a, b)) in open.iter().zip(&shut).enumerate() {
        if !answer_row.contains(&i) {
            assert_eq!(a, b, "cell {i} differs");
        }
    }
}
