//! A batch's sessions run in lockstep and end at different steps. A session that has ended leaves
//! the batch, which must change nothing for the others: in training, a session's losses are its
//! own, and in evaluation, its predictions are.

use candle_core::Device;
use neural_rt::data::Episode;
use neural_rt::eval::{Report, evaluate_episodes};
use neural_rt::runtime::Runtime;
use neural_rt::train::{Options, Schedule, train};

mod common;
use common::{dataset, episode, small_config};

/// Session `seed` with `steps` steps: the common session's two, over and over. Its screens do not
/// follow one another after the second step, which neither training nor scoring minds.
fn session(seed: u64, steps: usize) -> Episode {
    let mut session = episode(seed);
    session.steps = session.steps.iter().cycle().take(steps).cloned().collect();
    session
}

fn options(learning_rate: f64, epochs: usize) -> Options {
    Options {
        config: small_config(24),
        epochs,
        batch: 4,
        bptt: 1,
        learning_rate,
        schedule: Schedule::Constant,
        from: None,
        seed: 5,
        checkpoint_every: 1,
        ..Options::default()
    }
}

/// Each update's loss and the steps trained on by then, over one epoch of `sessions` as one
/// batch in the order of `seed`, at a learning rate of 0, so that every update sees the same
/// weights.
fn losses(sessions: &[Episode], seed: u64) -> Vec<(f32, usize)> {
    let data = dataset(sessions);
    let out = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    train(
        data.path(),
        out.path(),
        &Options {
            seed,
            ..options(0.0, 1)
        },
        &Device::Cpu,
        &mut |report| seen.push((report.loss, report.position.steps)),
    )
    .unwrap();
    seen
}

#[test]
fn in_training_each_update_is_the_mean_of_its_running_sessions_losses() {
    // At each of the first two steps every session writes two rows, so the cells' mean over the
    // rows written is also their mean over sessions, as the pointer's and the cursor's are.
    let sessions = [session(2, 1), session(1, 6), session(3, 2), session(4, 1)];
    // Seeds that put the long session in different places of the batch (and draw the weights,
    // the same for every run of a seed).
    for seed in 5..9 {
        let alone: Vec<Vec<(f32, usize)>> = sessions
            .iter()
            .map(|s| losses(std::slice::from_ref(s), seed))
            .collect();
        let together = losses(&sessions, seed);
        assert_eq!(
            together.len(),
            6,
            "one update a step of the longest session"
        );
        // Steps trained on by each update: 4 sessions at the first step, 2 at the second, then 1.
        let steps: Vec<usize> = together.iter().map(|(_, steps)| *steps).collect();
        assert_eq!(steps, [4, 6, 7, 8, 9, 10]);
        for (t, (loss, _)) in together.iter().enumerate() {
            let running: Vec<f32> = alone.iter().filter_map(|a| a.get(t)).map(|l| l.0).collect();
            let mean = running.iter().sum::<f32>() / running.len() as f32;
            assert!(
                (loss - mean).abs() <= 1e-5 * mean.abs().max(1.0),
                "seed {seed}, update {t}: {loss} in the batch, {mean} the mean of its {} \
                 sessions alone",
                running.len()
            );
        }
    }
}

/// The shares of steps right (char accuracy is a mean over steps, as the cursor's and the frame's
/// are), weighted by steps, of several reports.
fn pooled(reports: &[&Report]) -> (f64, f64, f64) {
    let steps: usize = reports.iter().map(|r| r.overall.steps).sum();
    let mean = |of: fn(&Report) -> f64| {
        reports
            .iter()
            .map(|r| of(r) * r.overall.steps as f64)
            .sum::<f64>()
            / steps as f64
    };
    (
        mean(|r| r.overall.char_accuracy),
        mean(|r| r.overall.cursor),
        mean(|r| r.overall.frame_exact),
    )
}

#[test]
fn in_evaluation_a_session_whose_group_mates_have_ended_is_predicted_as_if_alone() {
    let (short, long) = (session(2, 2), session(1, 6));
    // A model that predicts something, from its state as well as the screen.
    let data = dataset(&[short.clone(), long.clone()]);
    let model = tempfile::tempdir().unwrap();
    train(
        data.path(),
        model.path(),
        &options(0.01, 30),
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    let runtime = Runtime::load(model.path(), &Device::Cpu).unwrap();
    let evaluate = |sessions: &[Episode]| {
        evaluate_episodes(&runtime, sessions, (&[], None), "cpu", &mut |_| true).unwrap()
    };

    let middle = session(3, 4);
    let alone = [&short, &long, &middle].map(|s| evaluate(std::slice::from_ref(s)));
    let (char_accuracy, cursor, frame_exact) = pooled(&alone.each_ref());
    assert!(
        char_accuracy > 0.2,
        "the model learned too little to tell: {char_accuracy}"
    );
    // The long session first, in the middle and last of its group.
    for order in [
        [&long, &short, &middle],
        [&short, &long, &middle],
        [&short, &middle, &long],
    ] {
        let together = evaluate(&order.map(Episode::clone));
        assert!((together.overall.char_accuracy - char_accuracy).abs() < 1e-9);
        assert!((together.overall.cursor - cursor).abs() < 1e-9);
        assert!((together.overall.frame_exact - frame_exact).abs() < 1e-9);
        // At the fifth step only the long session runs, on its own predicted screens.
        let fifth = |report: &Report| report.closed_loop.iter().find(|h| h.0 == 5).unwrap().1;
        assert_eq!(fifth(&together), fifth(&alone[1]));
    }
}
