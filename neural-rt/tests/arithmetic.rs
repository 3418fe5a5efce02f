//! The arithmetic head: every one of its variables learns from its loss; a run with `--arithmetic`
//! trains the head alone, leaving every other weight of the model it starts from as it was, and
//! resumes as a plain run does; a prediction takes the answer row from the head only where the
//! head says the step shows one; and a listing (`--listing`) grows on a trained head, learns with
//! it, resumes as the head does, and writes the rows above the answer row only under an answer
//! shown.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use candle_core::{Device, Tensor};
use neural_rt::arithmetic_head::WRITES;
use neural_rt::batch::{Encoded, input};
use neural_rt::data::{Episode, Family, Split};
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

fn with_listing() -> Config {
    Config {
        listing: true,
        ..with_head()
    }
}

/// A session of one `seq 4` typed at the top of the screen.
fn listing_episode() -> Episode {
    let mut session = episode(9);
    session.steps.truncate(1);
    let step = &mut session.steps[0];
    step.action = "seq 4".into();
    step.family = Some(Family::Scroll);
    for (row, line) in ["$ seq 4", "1", "2", "3", "4", "$"].iter().enumerate() {
        step.frame.lines[row] = (*line).to_owned();
    }
    step.frame.cursor = (5, 2);
    session
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

/// A checkpoint trained on `data` with `options`, quietly.
fn trained(data: &Path, options: &Options) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    train(data, out.path(), options, &Device::Cpu, &mut |_| {}).unwrap();
    out
}

fn stored(dir: &Path) -> HashMap<String, Tensor> {
    candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu).unwrap()
}

fn values(tensor: &Tensor) -> Vec<f32> {
    tensor.flatten_all().unwrap().to_vec1().unwrap()
}

#[test]
fn every_variable_of_the_head_receives_a_gradient() {
    every_variable_of_the_head_receives_a_gradient_with(with_head(), 0);
}

#[test]
fn every_variable_of_a_listing_receives_a_gradient() {
    every_variable_of_the_head_receives_a_gradient_with(with_listing(), 11);
}

/// With `config`, whose listing has `listed` variables.
fn every_variable_of_the_head_receives_a_gradient_with(config: Config, listed: usize) {
    let data = dataset(&[episode(1), episode(2), listing_episode()]);
    let files = Episode::files(data.path(), Split::Train).unwrap();
    let examples = examples(&files, config.listing).unwrap();
    assert_eq!(examples.len(), 5, "two steps of two sessions and one");
    let params = Arc::new(Params::new(7));
    let model = Model::new(config, params.builder(&Device::Cpu)).unwrap();
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
    let listing = head
        .iter()
        .filter(|(name, _)| name.starts_with("arithmetic.above."));
    assert_eq!(listing.count(), listed);
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
    let base = trained(data.path(), &options(small_config(24), 1, None));

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

#[test]
fn a_listing_grows_on_a_trained_head_and_the_rest_of_the_model_stays() {
    let data = dataset(&[episode(1), listing_episode()]);
    let base = trained(data.path(), &options(small_config(24), 1, None));
    let headed = trained(data.path(), &options(with_head(), 1, Some(base.path())));
    let listed = trained(
        data.path(),
        &options(with_listing(), 1, Some(headed.path())),
    );
    let (before, after) = (stored(headed.path()), stored(listed.path()));
    let mut grown = 0;
    for (name, tensor) in &after {
        match before.get(name) {
            Some(was) if name.starts_with("arithmetic.") => {
                assert_ne!(values(was), values(tensor), "{name} did not learn");
            }
            Some(was) => assert_eq!(values(was), values(tensor), "{name} changed"),
            None => {
                assert!(name.starts_with("arithmetic.above."), "{name}");
                grown += 1;
            }
        }
    }
    assert_eq!(grown, 11);
    assert_eq!(after.len(), before.len() + grown);

    // Stopped after three updates, then run again: the same weights as the run never stopped.
    let listing = options(with_listing(), 3, Some(headed.path()));
    let whole = trained(data.path(), &listing);
    let stopped = tempfile::tempdir().unwrap();
    let updates = std::cell::Cell::new(0);
    let at_stop = train_until(
        &[data.path().to_owned()],
        stopped.path(),
        &listing,
        &Device::Cpu,
        &mut |report| updates.set(report.position.updates),
        &|| updates.get() == 3,
    )
    .unwrap();
    assert_eq!(at_stop.updates, 3);
    train(
        data.path(),
        stopped.path(),
        &listing,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        std::fs::read(stopped.path().join("model.safetensors")).unwrap(),
        std::fs::read(whole.path().join("model.safetensors")).unwrap()
    );
}

/// Scores that make a head sure of "shown" or of "not shown".
fn sure(shown: bool) -> Tensor {
    let scores = if shown { [-1e4f32, 1e4] } else { [1e4, -1e4] };
    Tensor::new(&scores, &Device::Cpu).unwrap()
}

/// Scores that make a head sure of writing `c` in every one of its cells.
fn writing(c: char) -> Tensor {
    let mut cells = vec![0f32; WRITES * CHARS];
    for cell in 0..WRITES {
        cells[cell * CHARS + symbol(c) as usize] = 1e4;
    }
    Tensor::new(cells.as_slice(), &Device::Cpu).unwrap()
}

/// The screens a model with a head predicts for the second step of a session (`expr 2 + 3`), with
/// the head made sure of `shows` and of writing `4` in every cell, and, with `listing`, its listing
/// sure of whether each row above is one of the numbers and of writing `7` there.
fn predicted_with_head_sure(shows: bool, listing: Option<bool>) -> (Vec<u32>, (usize, usize)) {
    let device = Device::Cpu;
    let params = Arc::new(Params::new(7));
    let config = Config {
        listing: listing.is_some(),
        ..with_head()
    };
    let model = Model::new(config, params.builder(&device)).unwrap();
    let named = params.named();
    let set = |name: &str, value: Tensor| named[name].set(&value).unwrap();
    set("arithmetic.answers.bias", sure(shows));
    set("arithmetic.cells.bias", writing('4'));
    if let Some(listed) = listing {
        set("arithmetic.above.shown.bias", sure(listed));
        set("arithmetic.above.cells.bias", writing('7'));
    }
    let encoded = Encoded::of(&episode(1));
    let seen = [&encoded.steps[1].seen];
    let inputs = input(&seen, model.config.action_len, &device).unwrap();
    let trunk = model
        .trunk(&inputs, &model.start_state(1).unwrap())
        .unwrap();
    let predicted = screens(&model, &trunk, &inputs, &seen).unwrap().remove(0);
    (predicted.cells, predicted.cursor)
}

/// The cells where `a` and `b` differ.
fn differing(a: &[u32], b: &[u32]) -> Vec<usize> {
    (0..a.len()).filter(|&i| a[i] != b[i]).collect()
}

#[test]
fn the_head_writes_the_row_above_the_cursor_only_where_it_says_an_answer_is_shown() {
    let (open, cursor) = predicted_with_head_sure(true, None);
    let (shut, same_cursor) = predicted_with_head_sure(false, None);
    assert_eq!(cursor, same_cursor);
    let row = cursor
        .0
        .checked_sub(1)
        .expect("an untrained model's cursor row is not 0 here");
    let answer_row: Vec<usize> = (row * COLS..row * COLS + WRITES).collect();
    assert!(answer_row.iter().all(|&i| open[i] == symbol('4')));
    assert!(answer_row.iter().all(|&i| shut[i] != symbol('4')));
    assert_eq!(differing(&open, &shut), answer_row);
}

#[test]
fn a_listing_writes_the_rows_above_the_answer_row_only_under_an_answer_shown() {
    let (listed, cursor) = predicted_with_head_sure(true, Some(true));
    let (answered, _) = predicted_with_head_sure(true, Some(false));
    let (shut, _) = predicted_with_head_sure(false, Some(true));
    let (nothing, _) = predicted_with_head_sure(false, Some(false));
    let above: Vec<usize> = (0..cursor.0 - 1)
        .flat_map(|row| row * COLS..row * COLS + WRITES)
        .collect();
    assert!(!above.is_empty(), "the cursor row is {}", cursor.0);
    assert!(above.iter().all(|&i| listed[i] == symbol('7')));
    assert_eq!(differing(&listed, &answered), above);
    assert_eq!(differing(&shut, &nothing), Vec::<usize>::new());
    let answer_row = (cursor.0 - 1) * COLS;
    assert_eq!(listed[answer_row..][..WRITES], [symbol('4'); WRITES]);
}
