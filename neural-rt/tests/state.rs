//! The state a predicted step carries on holds that step's values, not the operations that made
//! them. Were the weights trainable variables, candle would record every operation on them for a
//! backward pass; a state that kept that record would hold every step before it, and the memory of
//! a session that the hybrid runtime follows for hours would grow with each command.

use candle_core::Device;
use neural_rt::runtime::Runtime;
use neural_rt::train::{Options, Schedule, train};

mod common;
use common::{dataset, episode, small_config};

#[test]
fn a_predicted_step_carries_on_a_state_without_its_history() {
    let data = dataset(&[episode(1)]);
    let model = tempfile::tempdir().unwrap();
    let options = Options {
        config: small_config(24),
        epochs: 1,
        batch: 1,
        bptt: 1,
        learning_rate: 0.01,
        schedule: Schedule::Constant,
        from: None,
        seed: 5,
        checkpoint_every: 1,
        ..Options::default()
    };
    train(
        data.path(),
        model.path(),
        &options,
        &Device::Cpu,
        &mut |_| {},
    )
    .unwrap();
    let runtime = Runtime::load(model.path(), &Device::Cpu).unwrap();

    let session = episode(2);
    let mut state = runtime.start(1).unwrap();
    let mut before = session.first.clone();
    for step in &session.steps {
        let (mut predicted, next) = runtime
            .step(&[&before], &[step.action.as_str()], &state)
            .unwrap();
        assert!(
            !next.track_op(),
            "the state after `{}` records the operations that made it",
            step.action
        );
        state = next;
        before = predicted.pop().unwrap();
    }
}
