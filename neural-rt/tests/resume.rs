//! A training run stopped at a checkpoint and started again makes the very model that a run never
//! stopped makes: the checkpoint keeps the optimizer's moments and counts of updates with the
//! weights, and the learning rate follows the run's schedule from where it stood.

use std::path::Path;

use candle_core::{Device, Tensor};
use neural_rt::model::Model;
use neural_rt::train::{Options, Schedule, Start, TrainError, train, train_until};

mod common;
use common::{dataset, episode, small_config};

fn options(epochs: usize) -> Options {
    Options {
        config: small_config(24),
        epochs,
        batch: 2,
        bptt: 1,
        learning_rate: 0.01,
        schedule: Schedule::Cosine,
        from: None,
        seed: 5,
        checkpoint_every: 1,
        ..Options::default()
    }
}

/// A dataset of the training sessions numbered 1 to `count`.
fn first_sessions(count: u64) -> tempfile::TempDir {
    dataset(&(1..=count).map(episode).collect::<Vec<_>>())
}

/// A new directory holding copies of the checkpoint files `names` from `dir`, and nothing else.
fn holding(dir: &Path, names: &[&str]) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for name in names {
        std::fs::copy(dir.join(name), copy.path().join(name)).unwrap();
    }
    copy
}

fn weights(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("model.safetensors")).unwrap()
}

/// Told each `report` of a run in `run`, copies its checkpoint into the empty `kept` once the run is
/// in its second epoch: what a run killed early in its second epoch leaves, the checkpoint of the
/// end of the first.
fn keep_first_epoch(report: &neural_rt::train::Report, run: &Path, kept: &Path) {
    if report.position.epoch == 1 && std::fs::read_dir(kept).unwrap().count() == 0 {
        for file in std::fs::read_dir(run).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), kept.join(file.file_name())).unwrap();
        }
    }
}

#[test]
fn a_resumed_run_makes_the_same_model_as_one_never_stopped() {
    let data = first_sessions(4);
    let whole = tempfile::tempdir().unwrap();
    let stopped = tempfile::tempdir().unwrap();
    let device = Device::Cpu;
    let mut rates = Vec::new();
    let mut stop = |report: &neural_rt::train::Report| {
        rates.push(report.learning_rate);
        keep_first_epoch(report, whole.path(), stopped.path());
    };
    let end = train(data.path(), whole.path(), &options(3), &device, &mut stop).unwrap();
    assert!(
        rates.first() == Some(&0.01)
            && rates.windows(2).all(|w| w[1] <= w[0])
            && rates.last() < rates.first(),
        "the cosine schedule starts at the rate and falls: {rates:?}"
    );
    let resumed = train(
        data.path(),
        stopped.path(),
        &options(3),
        &device,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(resumed, end);
    assert!(
        weights(whole.path()) == weights(stopped.path()),
        "the resumed run's weights differ from the uninterrupted run's"
    );
    let constant = tempfile::tempdir().unwrap();
    let options = Options {
        schedule: Schedule::Constant,
        ..options(3)
    };
    train(data.path(), constant.path(), &options, &device, &mut |_| {}).unwrap();
    assert!(
        weights(whole.path()) != weights(constant.path()),
        "the optimizer did not follow the schedule"
    );
}

/// Ctrl-C stops `neural train` between two checkpoints: what it keeps there must go on to the model
/// of a run never stopped.
#[test]
fn a_run_stopped_between_checkpoints_keeps_its_place_and_goes_on_to_the_same_model() {
    let data = first_sessions(6);
    let (whole, stopped) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let options = Options {
        checkpoint_every: 2,
        ..options(2)
    };
    let end = train(
        data.path(),
        whole.path(),
        &options,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    let asked = std::cell::Cell::new(0);
    let at_stop = train_until(
        &[data.path().to_owned()],
        stopped.path(),
        &options,
        &Device::Cpu,
        &mut |_| {},
        &|| {
            asked.set(asked.get() + 1);
            asked.get() == 2
        },
    )
    .unwrap();
    assert_eq!((asked.get(), at_stop.epoch, at_stop.batch), (2, 0, 1));
    let resumed = train(
        data.path(),
        stopped.path(),
        &options,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(resumed, end);
    assert!(
        weights(whole.path()) == weights(stopped.path()),
        "the run stopped after its first batch did not go on to the same weights"
    );
    // Asked before each of the 2 × 3 batches and never after the last, so that a run is never
    // stopped at its end.
    let (unstopped, asked) = (tempfile::tempdir().unwrap(), std::cell::Cell::new(0));
    let ask = || {
        asked.set(asked.get() + 1);
        false
    };
    let done = train_until(
        &[data.path().to_owned()],
        unstopped.path(),
        &options,
        &Device::Cpu,
        &mut |_| {},
        &ask,
    )
    .unwrap();
    assert_eq!((asked.get(), done), (6, end));
}

#[test]
fn a_run_resumed_on_another_train_split_is_refused_and_its_checkpoint_kept() {
    let options = options(2);
    let run = |data: &Path, out: &Path| train(data, out, &options, &Device::Cpu, &mut |_| {});
    // The first checkpoint of a run on the first four sessions, stopped before its first batch.
    let stopped_at_once = |out: &Path| {
        let data = first_sessions(4);
        train_until(
            &[data.path().to_owned()],
            out,
            &options,
            &Device::Cpu,
            &mut |_| {},
            &|| true,
        )
        .unwrap();
    };
    let out = tempfile::tempdir().unwrap();
    stopped_at_once(out.path());
    let kept = weights(out.path());
    // As many sessions, with longer words: only the bytes tell the splits apart.
    let longer_words = dataset(&(11..=14).map(episode).collect::<Vec<_>>());
    for (other, now) in [(first_sessions(6), 6), (longer_words, 4)] {
        let err = run(other.path(), out.path()).expect_err("another train split is refused");
        let message = err.to_string();
        assert!(
            matches!(err, TrainError::OtherOptions(..))
                && message.contains("another train split (it learned from 4 sessions in ")
                && message.contains(&format!("--data now holds {now} sessions in ")),
            "{message}"
        );
        assert!(weights(out.path()) == kept, "the checkpoint is kept");
    }
    // A first checkpoint cut short before its position starts over, on any split.
    let cut = holding(out.path(), &["options.json", "model.safetensors"]);
    run(first_sessions(6).path(), cut.path()).unwrap();
    // The same sessions in another directory are the same split.
    run(first_sessions(4).path(), out.path()).unwrap();
    // A checkpoint from before the split was recorded goes on with any, and records it then.
    let old = tempfile::tempdir().unwrap();
    stopped_at_once(old.path());
    let options_file = old.path().join("options.json");
    let mut saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&options_file).unwrap()).unwrap();
    assert!(saved.as_object_mut().unwrap().remove("data").is_some());
    std::fs::write(&options_file, saved.to_string()).unwrap();
    run(first_sessions(6).path(), old.path()).unwrap();
    let saved = std::fs::read_to_string(&options_file).unwrap();
    assert!(
        saved.contains("\"sessions\": 6"),
        "the split it went on with: {saved}"
    );
}

#[test]
fn a_run_from_a_checkpoint_goes_on_with_its_weights_and_optimizer_state() {
    let data = first_sessions(4);
    let (first, longer, from) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let constant = |epochs| Options {
        schedule: Schedule::Constant,
        ..options(epochs)
    };
    let mut quiet = |_: &neural_rt::train::Report| {};
    train(
        data.path(),
        first.path(),
        &constant(1),
        &Device::Cpu,
        &mut quiet,
    )
    .unwrap();
    train(
        data.path(),
        longer.path(),
        &constant(2),
        &Device::Cpu,
        &mut quiet,
    )
    .unwrap();
    // A new run's first epoch takes its sessions in the order of `seed`'s first epoch; this seed
    // gives the order of seed 5's second, so the new run repeats the longer run's second epoch.
    let second_epochs_order = 5 ^ 0x9e37_79b9;
    let going_on = Options {
        from: Some(first.path().to_owned()),
        seed: second_epochs_order,
        ..constant(1)
    };
    train(
        data.path(),
        from.path(),
        &going_on,
        &Device::Cpu,
        &mut quiet,
    )
    .unwrap();
    assert!(
        weights(from.path()) == weights(longer.path()),
        "a run from the first epoch's checkpoint did not make the two-epoch run's weights"
    );
    // `--from` matters only at the start: a resumption may leave it out, but not name another.
    let done = Start::of(from.path(), &going_on).unwrap();
    assert!(matches!(done, Start::Resumes { .. }), "{done:?}");
    let without = Options {
        from: None,
        ..going_on.clone()
    };
    assert_eq!(Start::of(from.path(), &without).unwrap(), done);
    let another = Options {
        from: Some(longer.path().to_owned()),
        ..going_on.clone()
    };
    let err = Start::of(from.path(), &another).expect_err("another --from is refused");
    assert!(
        matches!(&err, TrainError::OtherOptions(_, named) if named == "--from"),
        "{err}"
    );
    // A directory with a model but no position cannot be resumed, and is not overwritten.
    let lost = holding(from.path(), &["model.safetensors"]);
    let err = train(data.path(), lost.path(), &without, &Device::Cpu, &mut quiet)
        .expect_err("a model without a position is refused");
    assert!(matches!(err, TrainError::HoldsAModel(_)), "{err}");
    assert!(
        weights(lost.path()) == weights(from.path()),
        "the model is kept"
    );
    // Nor one with another run's options alone.
    let other = holding(longer.path(), &["options.json"]);
    let err = Start::of(other.path(), &going_on).expect_err("another run's options");
    assert!(matches!(err, TrainError::HoldsAModel(_)), "{err}");
    // But a first checkpoint of this very run, cut short before its position, starts over.
    let cut = holding(from.path(), &["options.json", "model.safetensors"]);
    train(data.path(), cut.path(), &going_on, &Device::Cpu, &mut quiet).unwrap();
    assert!(weights(cut.path()) == weights(from.path()));

    let elsewhere = tempfile::tempdir().unwrap();
    let not_a_checkpoint = Options {
        from: Some(data.path().to_owned()),
        ..going_on.clone()
    };
    let err = train(
        data.path(),
        elsewhere.path(),
        &not_a_checkpoint,
        &Device::Cpu,
        &mut quiet,
    )
    .expect_err("a directory without a checkpoint is refused");
    assert!(matches!(err, TrainError::NotACheckpoint(_)), "{err}");
    let mut bigger = going_on.clone();
    bigger.config.dim = 24;
    let err = train(
        data.path(),
        elsewhere.path(),
        &bigger,
        &Device::Cpu,
        &mut quiet,
    )
    .expect_err("a checkpoint of other sizes is refused");
    assert!(
        matches!(err, TrainError::OtherSizes(..)) && err.to_string().contains("options.json"),
        "{err}"
    );
    // Only the actions seen may grow: a run that sees longer ones starts from the checkpoint's
    // weights (stopped before its first batch, it keeps them as they were, the table of action
    // positions longer), and one that sees shorter ones is refused.
    let mut longer_actions = going_on.clone();
    longer_actions.config.action_len = 48;
    assert_eq!(
        Start::of(elsewhere.path(), &longer_actions).unwrap(),
        Start::Grows {
            from: first.path().to_owned(),
            saw: going_on.config.clone()
        }
    );
    train_until(
        &[data.path().to_owned()],
        elsewhere.path(),
        &longer_actions,
        &Device::Cpu,
        &mut quiet,
        &|| true,
    )
    .unwrap();
    let tensors = |dir: &Path| {
        candle_core::safetensors::load(dir.join("model.safetensors"), &Device::Cpu).unwrap()
    };
    let (started, grown) = (tensors(first.path()), tensors(elsewhere.path()));
    assert_eq!(started.len(), grown.len());
    for (name, was) in &started {
        let now = &grown[name];
        let kept = if name == Model::GROWN_WITH_ACTIONS {
            assert_eq!(now.dims(), [48, 32]);
            now.narrow(0, 0, 24).unwrap()
        } else {
            now.clone()
        };
        let difference = (was - &kept)
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!(difference == 0.0, "{name} changed by {difference}");
    }
    // AdamW goes on for the rows learned, with the table's count of updates, and has nothing yet
    // for the new rows.
    let moments = |dir: &Path| {
        candle_core::safetensors::load(dir.join("optimizer.safetensors"), &Device::Cpu).unwrap()
    };
    let (started, grown) = (moments(first.path()), moments(elsewhere.path()));
    let table = Model::GROWN_WITH_ACTIONS;
    for kind in ["first", "second"] {
        let (was, now) = (
            &started[&format!("{kind}.{table}")],
            &grown[&format!("{kind}.{table}")],
        );
        let rows = |t: &Tensor, from, n| t.narrow(0, from, n).unwrap().flatten_all().unwrap();
        let learned = rows(was, 0, 24).to_vec1::<f32>().unwrap();
        assert!(
            learned.iter().any(|v| *v != 0.0),
            "no {kind} moment was kept"
        );
        assert_eq!(learned, rows(now, 0, 24).to_vec1::<f32>().unwrap());
        assert!(
            rows(now, 24, 24)
                .to_vec1::<f32>()
                .unwrap()
                .iter()
                .all(|v| *v == 0.0)
        );
    }
    let step = format!("step.{table}");
    assert_eq!(
        started[&step].to_vec1::<u32>().unwrap(),
        grown[&step].to_vec1::<u32>().unwrap()
    );
    // A size out of range is named as such, before any checkpoint is compared with it.
    let mut no_actions = going_on.clone();
    no_actions.config.action_len = 0;
    let err = Start::of(elsewhere.path(), &no_actions).expect_err("no action is refused");
    assert!(
        matches!(err, TrainError::Sizes(_)) && err.to_string().contains("action_len is 0"),
        "{err}"
    );
    let mut shorter_actions = going_on.clone();
    shorter_actions.config.action_len = 12;
    let err = train(
        data.path(),
        tempfile::tempdir().unwrap().path(),
        &shorter_actions,
        &Device::Cpu,
        &mut quiet,
    )
    .expect_err("a checkpoint that saw longer actions is refused");
    assert!(matches!(err, TrainError::OtherSizes(..)), "{err}");
}

#[test]
fn a_damaged_optimizer_file_is_named_and_the_checkpoint_is_left_as_it_was() {
    let data = first_sessions(2);
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
    // Run again, as a user would after a stop; the checkpoint is read before anything is trained.
    let err = train(
        data.path(),
        out.path(),
        &options(1),
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

/// Scheduled sampling: a run fed its own screens makes another model than one fed the true screens
/// alone, and another again with its targets taken against the true screens; the same model again
/// from the same seed, and the same when stopped and resumed; a resumption with another share or
/// other targets is refused, and a share that is none is refused before anything.
#[test]
fn a_run_fed_its_own_screens_is_made_again_from_its_seed_and_its_checkpoint() {
    let data = first_sessions(4);
    let fed = |share| Options {
        feed_predictions: share,
        ..options(2)
    };
    let device = Device::Cpu;
    let [plain, once, again, stopped] = [(); 4].map(|()| tempfile::tempdir().unwrap());
    train(data.path(), plain.path(), &fed(0.0), &device, &mut |_| {}).unwrap();
    let mut keep_first_epoch =
        |report: &neural_rt::train::Report| keep_first_epoch(report, once.path(), stopped.path());
    train(
        data.path(),
        once.path(),
        &fed(0.5),
        &device,
        &mut keep_first_epoch,
    )
    .unwrap();
    train(data.path(), again.path(), &fed(0.5), &device, &mut |_| {}).unwrap();
    assert!(weights(once.path()) == weights(again.path()));
    assert!(
        weights(plain.path()) != weights(once.path()),
        "feeding the model its own screens changed nothing"
    );
    let against_truth = Options {
        true_targets: true,
        ..fed(0.5)
    };
    let pointed = tempfile::tempdir().unwrap();
    train(
        data.path(),
        pointed.path(),
        &against_truth,
        &device,
        &mut |_| {},
    )
    .unwrap();
    assert!(
        weights(pointed.path()) != weights(once.path())
            && weights(pointed.path()) != weights(plain.path()),
        "taking the targets against the true screens changed nothing"
    );
    match train(
        data.path(),
        stopped.path(),
        &against_truth,
        &device,
        &mut |_| {},
    ) {
        Err(e @ TrainError::OtherOptions(..)) => {
            assert!(e.to_string().contains("--true-targets"), "{e}")
        }
        other => panic!("a resumption with other targets went on: {other:?}"),
    }

    let refused = train(
        data.path(),
        stopped.path(),
        &fed(0.25),
        &device,
        &mut |_| {},
    );
    match refused {
        Err(e @ TrainError::OtherOptions(..)) => {
            assert!(e.to_string().contains("--feed-predictions"), "{e}")
        }
        other => panic!("a resumption with another share went on: {other:?}"),
    }
    train(data.path(), stopped.path(), &fed(0.5), &device, &mut |_| {}).unwrap();
    assert!(
        weights(stopped.path()) == weights(once.path()),
        "the resumed run fed its own screens made another model"
    );

    let fresh = tempfile::tempdir().unwrap();
    for share in [1.5, -0.1, f64::NAN] {
        match train(data.path(), fresh.path(), &fed(share), &device, &mut |_| {}) {
            Err(e @ TrainError::NotAShare(_)) => {
                assert!(e.to_string().contains("from 0 to 1"), "{e}")
            }
            other => panic!("--feed-predictions {share} was taken: {other:?}"),
        }
    }
    assert_eq!(std::fs::read_dir(fresh.path()).unwrap().count(), 0);
}
