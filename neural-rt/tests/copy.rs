//! The copy head ([`Config::copy`]): what the cell decoder writes with its gate shut and open, and
//! how a model without one grows one.

use std::path::Path;
use std::sync::Arc;

use candle_core::{Device, Tensor};
use neural_rt::batch::{Encoded, input};
use neural_rt::copy_head::CopyHead;
use neural_rt::encode::{CHARS, action, character, symbol};
use neural_rt::model::{Config, Model, Purpose, Written};
use neural_rt::params::Params;
use neural_rt::runtime::Runtime;
use neural_rt::train::{Options, Schedule, Start, TrainError, train, train_until};

mod common;
use common::{dataset, episode, small_config};

fn copying() -> Config {
    Config {
        copy: true,
        ..small_config(24)
    }
}

/// What `model` writes into rows 1 and 2 of the first step of a session, the action being `typed`,
/// for training.
fn written(model: &Model, typed: &str) -> Written {
    written_for(model, typed, Purpose::Training)
}

fn written_for(model: &Model, typed: &str, purpose: Purpose) -> Written {
    let device = Device::Cpu;
    let mut seen = Encoded::of(&episode(1)).steps[0].seen.clone();
    seen.action = action(typed);
    let inputs = input(&[&seen], model.config.action_len, &device).unwrap();
    let trunk = model
        .trunk(&inputs, &model.start_state(1).unwrap())
        .unwrap();
    let sessions = Tensor::new(&[0u32, 0], &device).unwrap();
    let rows = Tensor::new(&[1u32, 2], &device).unwrap();
    model
        .write_rows(&trunk, &inputs, &sessions, &rows, purpose)
        .unwrap()
}

fn values(t: &Tensor) -> Vec<f32> {
    t.flatten_all().unwrap().to_vec1().unwrap()
}

#[test]
fn a_shut_gate_writes_what_the_decoder_alone_would_and_an_open_one_copies_the_action() {
    let device = Device::Cpu;
    // The same seed: the head's variables are drawn last, so the rest are alike.
    let plain = Model::new(small_config(24), Arc::new(Params::new(7)).builder(&device)).unwrap();
    let params = Arc::new(Params::new(7));
    let model = Model::new(copying(), params.builder(&device)).unwrap();
    let gate = &params.named()["copy_gate.bias"];
    // Two places hold `C`, and two a blank: the pointer's probability of each is their sum.
    let typed = "echo MUSIC CD";

    gate.set(&Tensor::full(-1e4f32, 1, &device).unwrap())
        .unwrap();
    let alone = candle_nn::ops::log_softmax(&written(&plain, typed).cells, 2).unwrap();
    let shut = written(&model, typed);
    let largest = values(&alone)
        .iter()
        .zip(values(&shut.cells))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(largest < 1e-4, "the shut gate changed a cell by {largest}");
    let held: Vec<char> = values(&shut.copied.expect("the head's pointer").held)[..CHARS]
        .iter()
        .enumerate()
        .filter(|(_, h)| **h == 1.0)
        .map(|(s, _)| character(s as u32))
        .collect();
    assert_eq!(
        held,
        [' ', 'C', 'D', 'I', 'M', 'S', 'U', 'c', 'e', 'h', 'o']
    );

    gate.set(&Tensor::full(1e4f32, 1, &device).unwrap())
        .unwrap();
    // A prediction with a gate mixes in what the pointer copies.
    let open = written_for(&model, typed, Purpose::Prediction).cells;
    for cell in values(
        &open
            .argmax(2)
            .unwrap()
            .to_dtype(candle_core::DType::F32)
            .unwrap(),
    ) {
        let c = character(cell as u32);
        assert!(typed.contains(c), "an open gate wrote {c:?}");
    }
    let sums = values(&open.exp().unwrap().sum(2).unwrap());
    assert!(
        sums.iter().all(|s| (s - 1.0).abs() < 1e-4),
        "an open gate's probabilities sum to {sums:?}"
    );
    let not_typed = values(&open.narrow(2, symbol('x') as usize, 1).unwrap());
    assert!(
        not_typed.iter().all(|p| *p < -1000.0),
        "an open gate gave 'x' {not_typed:?}"
    );
}

fn options(config: Config, from: Option<&Path>) -> Options {
    Options {
        config,
        epochs: 1,
        batch: 2,
        bptt: 1,
        learning_rate: 0.01,
        schedule: Schedule::Constant,
        from: from.map(Path::to_owned),
        seed: 5,
        checkpoint_every: 1,
        ..Options::default()
    }
}

fn tensors(dir: &Path) -> std::collections::HashMap<String, Tensor> {
    candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu).unwrap()
}

#[test]
fn a_model_grows_a_copy_head_and_cannot_shed_one() {
    let data = dataset(&[episode(1), episode(2)]);
    let first = tempfile::tempdir().unwrap();
    let plain = options(small_config(24), None);
    train(data.path(), first.path(), &plain, &Device::Cpu, &mut |_| {}).unwrap();

    // Stopped before its first batch, a run that grows the head keeps every weight it started
    // from, and has the head as drawn: the gate half open.
    let grown = tempfile::tempdir().unwrap();
    let with_head = options(copying(), Some(first.path()));
    assert_eq!(
        Start::of(grown.path(), &with_head).unwrap(),
        Start::Grows {
            from: first.path().to_owned(),
            saw: small_config(24)
        }
    );
    let stop = || true;
    train_until(
        &[data.path().to_owned()],
        grown.path(),
        &with_head,
        &Device::Cpu,
        &mut |_| {},
        &stop,
    )
    .unwrap();
    let (started, now) = (tensors(first.path()), tensors(grown.path()));
    let new = CopyHead::grown(&small_config(24), &copying());
    assert_eq!(new.len(), 4);
    assert_eq!(now.len(), started.len() + new.len());
    for (name, was) in &started {
        assert_eq!(values(was), values(&now[name]), "{name} changed");
    }
    assert_eq!(values(&now["copy_gate.bias"]), [0.0]);

    // Trained, it predicts.
    train(
        data.path(),
        grown.path(),
        &with_head,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    let runtime = Runtime::load(grown.path(), &Device::Cpu).unwrap();
    let session = episode(9);
    let state = runtime.start(1).unwrap();
    let (predicted, _) = runtime
        .step(
            &[session.before(0)],
            &[session.steps[0].action.as_str()],
            &state,
        )
        .unwrap();
    assert_eq!(predicted[0].lines.len(), 24);

    // A model with a head does not go on without it.
    let shed = options(small_config(24), Some(grown.path()));
    let elsewhere = tempfile::tempdir().unwrap();
    assert!(matches!(
        Start::of(elsewhere.path(), &shed),
        Err(TrainError::OtherSizes(..))
    ));

    // Weights that lack part of the head are refused, and the missing one named.
    let mut damaged = tensors(grown.path());
    damaged.remove("copy_gate.bias");
    candle_core::safetensors::save(&damaged, grown.path().join("model.safetensors")).unwrap();
    let err = Runtime::load(grown.path(), &Device::Cpu)
        .err()
        .expect("a head without its gate's bias is refused")
        .to_string();
    assert!(err.contains("copy_gate.bias"), "{err}");
}

fn pointer_only() -> Config {
    Config {
        pointer_only: true,
        ..copying()
    }
}

#[test]
fn a_pointer_alone_leaves_the_cells_to_the_decoder() {
    let device = Device::Cpu;
    let plain = Model::new(small_config(24), Arc::new(Params::new(7)).builder(&device)).unwrap();
    let params = Arc::new(Params::new(7));
    let model = Model::new(pointer_only(), params.builder(&device)).unwrap();
    assert!(
        !params
            .named()
            .keys()
            .any(|name| name.starts_with("copy_gate"))
    );
    let typed = "echo MUSIC CD";
    let alone = written(&plain, typed).cells;
    let pointing = written(&model, typed);
    assert_eq!(values(&alone), values(&pointing.cells));
    assert!(
        pointing.copied.is_some(),
        "the pointer copies, for its loss"
    );
    let predicted = written_for(&model, typed, Purpose::Prediction);
    assert_eq!(values(&alone), values(&predicted.cells));
    assert!(
        predicted.copied.is_none(),
        "with no gate to mix it in, a prediction has no use for what the pointer copies"
    );

    assert!(
        Config {
            copy: false,
            ..pointer_only()
        }
        .check()
        .is_err()
    );
}

/// The moment `kind` (`first`, `second` or `step`) of `name` in the checkpoint in `dir`.
fn moment(dir: &Path, kind: &str, name: &str) -> Vec<f32> {
    let stored =
        candle_core::safetensors::load(dir.join("optimizer.safetensors"), &Device::Cpu).unwrap();
    let moment = &stored[&format!("{kind}.{name}")];
    values(&moment.to_dtype(candle_core::DType::F32).unwrap())
}

#[test]
fn a_pointer_trained_alone_grows_its_gate_and_keeps_its_moments() {
    let data = dataset(&[episode(1), episode(2)]);
    let first = tempfile::tempdir().unwrap();
    let pointing = options(pointer_only(), None);
    train(
        data.path(),
        first.path(),
        &pointing,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();

    let grown = tempfile::tempdir().unwrap();
    let with_gate = options(copying(), Some(first.path()));
    assert_eq!(
        Start::of(grown.path(), &with_gate).unwrap(),
        Start::Grows {
            from: first.path().to_owned(),
            saw: pointer_only()
        }
    );
    let stop = || true;
    train_until(
        &[data.path().to_owned()],
        grown.path(),
        &with_gate,
        &Device::Cpu,
        &mut |_| {},
        &stop,
    )
    .unwrap();
    let (started, now) = (tensors(first.path()), tensors(grown.path()));
    assert_eq!(
        CopyHead::grown(&pointer_only(), &copying()),
        ["copy_gate.weight", "copy_gate.bias"]
    );
    assert_eq!(now.len(), started.len() + 2);
    for (name, was) in &started {
        assert_eq!(values(was), values(&now[name]), "{name} changed");
    }
    // AdamW goes on for what was there (the pointer's query too), and starts the gate afresh.
    for name in ["copy_query.weight", "cell_out.weight"] {
        for kind in ["first", "second", "step"] {
            let (was, is) = (
                moment(first.path(), kind, name),
                moment(grown.path(), kind, name),
            );
            assert_eq!(was, is, "{kind} moment of {name}");
            assert!(
                was.iter().any(|v| *v != 0.0),
                "{kind} moment of {name} is nothing"
            );
        }
    }
    for kind in ["first", "second", "step"] {
        for gate in ["copy_gate.weight", "copy_gate.bias"] {
            let moment = moment(grown.path(), kind, gate);
            assert!(moment.iter().all(|v| *v == 0.0), "{kind} moment of {gate}");
        }
    }
    // The pointer alone predicts as the decoder does.
    let runtime = Runtime::load(first.path(), &Device::Cpu).unwrap();
    let session = episode(9);
    let (predicted, _) = runtime
        .step(
            &[session.before(0)],
            &[session.steps[0].action.as_str()],
            &runtime.start(1).unwrap(),
        )
        .unwrap();
    assert_eq!(predicted[0].lines.len(), 24);

    // The gate is not shed, nor the pointer's.
    let elsewhere = tempfile::tempdir().unwrap();
    for back in [pointer_only(), small_config(24)] {
        assert!(matches!(
            Start::of(elsewhere.path(), &options(back, Some(grown.path()))),
            Err(TrainError::OtherSizes(..))
        ));
    }
}

#[test]
fn options_from_before_the_copy_head_say_the_model_has_none() {
    let old = r#"{"dim":128,"char_dim":16,"layers":3,"heads":4,"state":8,"cell_dim":64,"cell_layers":2,"action_len":192}"#;
    let config: Config = serde_json::from_str(old).unwrap();
    assert_eq!(config, Config::default());
    assert!(!config.copy && !config.pointer_only);
}
