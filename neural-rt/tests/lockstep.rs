//! A batch's sessions run in lockstep and end at different steps. A session that has ended leaves
//! the batch, which must change nothing for the others: in training, a session's losses are its
//! own, and in evaluation, its predictions are.

use candle_core::Device;
use neural_rt::data::Episode;
use neural_rt::eval::{Report, evaluate_episodes};
use neural_rt::runtime::Runtime;
use neural_rt::train::{Options, Schedule, train};

mod common;
use common::{episode, small_config};

/// Session `seed` with `steps` steps: the common session's two, over and over. Its screens do not
/// follow one another after the second step, which neither training nor scoring minds.
fn session(seed: u64, steps: usize) -> Episode {
    let mut session = episode(seed);
    session.steps = session.steps.iter().cycle().take(steps).cloned().collect();
    session
}

/// A dataset of these sessions.
fn dataset(sessions: &[Episode]) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    for session in sessions {
        session.write(data.path()).unwrap();
    }
    data
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
fn in_training_a_session_whose_batch_mates_have_ended_has_its_own_losses() {
    let long = session(1, 6);
    let others = [session(2, 1), long.clone(), session(3, 2), session(4, 1)];
    // Seeds that put the long session in different places of the batch (and the weights, the
    // same for both runs of a seed).
    for seed in 5..9 {
        let alone = losses(std::slice::from_ref(&long), seed);
        let with_others = losses(&others, seed);
        assert_eq!(
            with_others.len(),
            6,
            "one update a step of the longest session"
        );
        // Steps trained on by each update: 4 sessions at the first step, 2 at the second, then 1.
        let steps: Vec<usize> = with_others.iter().map(|(_, steps)| *steps).collect();
        assert_eq!(steps, [4, 6, 7, 8, 9, 10]);
        for t in 2..6 {
            let (mine, theirs) = (alone[t].0, with_others[t].0);
            assert!(
                (mine - theirs).abs() <= 1e-5 * mine.abs().max(1.0),
                "seed {seed}, update {t}: {mine} alone, {theirs} in the batch"
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
        evaluate_episodes(&runtime, sessions, &[], "cpu", &mut |_| true).unwrap()
    };

    let together = evaluate(&[short.clone(), long.clone()]);
    let (short_alone, long_alone) = (evaluate(&[short]), evaluate(&[long]));
    let (char_accuracy, cursor, frame_exact) = pooled(&[&short_alone, &long_alone]);
    assert!(
        char_accuracy > 0.2,
        "the model learned too little to tell: {char_accuracy}"
    );
    assert!((together.overall.char_accuracy - char_accuracy).abs() < 1e-9);
    assert!((together.overall.cursor - cursor).abs() < 1e-9);
    assert!((together.overall.frame_exact - frame_exact).abs() < 1e-9);
    // At the fifth step only the long session runs, on its own predicted screens.
    let fifth = |report: &Report| report.closed_loop.iter().find(|h| h.0 == 5).unwrap().1;
    assert_eq!(fifth(&together), fifth(&long_alone));
}
