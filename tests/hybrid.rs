//! The hybrid runtime through real interactive sessions on a PTY: the shipped model follows each
//! step beside the real shell, the fidelity log holds what it would have shown scored against what
//! was shown, and `neural fidelity` adds it up.

mod common;

use std::io::BufReader;

use common::Home;
use neural_rt::fidelity::{Follower, Measured};

fn measured(home: &Home) -> Vec<Measured> {
    std::fs::read_to_string(home.fidelity_log())
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn each_step_is_predicted_and_scored_as_the_model_sees_it() {
    let home = Home::new();
    let steps = home.path().join("session.steps");
    home.session(
        &["--record-steps", steps.to_str().unwrap()],
        &[],
        &[
            ("echo hello", "\nhello\n"),
            ("echo $((2+3))", "\n5\n"),
            ("clear", "$"),
        ],
        true,
    );
    let logged = measured(&home);
    let recorded =
        kernel_bridge::steps_file::read_steps(BufReader::new(std::fs::File::open(&steps).unwrap()))
            .unwrap();
    assert_eq!(recorded.len(), 4);
    assert_eq!(logged.len(), 4, "the exit step too");

    // The same model, following the same steps here, scores each the same: the log holds the
    // predictions of a model that carried its state through the session, on the real screens.
    let device = neural_rt::device::choose().device;
    let mut follower = Follower::new(neural_rt::shipped::runtime(&device).unwrap()).unwrap();
    for (step, logged) in recorded.iter().zip(&logged) {
        let (scores, _) = follower
            .follow(&step.frame_before, &step.action, &step.frame_after)
            .unwrap();
        assert_eq!(scores, logged.scores, "{}", step.action);
        assert_eq!(logged.model, "the shipped model");
    }
    assert!(logged.iter().all(|m| m.session == logged[0].session));

    let (status, out, err) = home.run("neural fidelity --json");
    assert_eq!(status, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["model"], "the shipped model");
    assert_eq!(json[0]["sessions"], 1);
    assert_eq!(json[0]["summary"]["steps"], 4);
    let (status, table, err) = home.run("neural fidelity");
    assert_eq!(status, 0, "{err}");
    assert!(table.contains("the shipped model"), "{table}");
    assert!(table.contains("frame exact"), "{table}");
}

#[test]
fn the_symbolic_runtime_leaves_the_model_off_by_flag_or_variable() {
    let home = Home::new();
    let hi = [("echo hi", "\nhi\n")];
    home.session(&["--runtime", "symbolic"], &[], &hi, false);
    home.session(&[], &[("NCSH_RUNTIME", "symbolic")], &hi, false);
    assert!(!home.fidelity_log().exists());
    let (status, out, err) = home.run("neural fidelity");
    assert_eq!(status, 0, "{err}");
    assert!(out.starts_with("No steps measured yet."), "{out}");
}

#[test]
fn a_variable_that_names_no_runtime_is_said_and_the_shell_runs_hybrid() {
    let home = Home::new();
    let shown = home.session(
        &[],
        &[("NCSH_RUNTIME", "dream")],
        &[("echo hi", "\nhi\n")],
        true,
    );
    assert!(
        shown.contains("NCSH_RUNTIME is \"dream\", which is not hybrid, symbolic or neural"),
        "{shown}"
    );
    // Not interactive: no screens, so the variable is not read and nothing is said.
    let output = home
        .command(&["-c", "echo fine"])
        .env("NCSH_RUNTIME", "dream")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "fine\n");
    assert!(output.stderr.is_empty());
}

#[test]
fn sessions_add_up_and_a_line_cut_short_is_skipped_with_a_word() {
    let home = Home::new();
    home.session(&[], &[], &[("echo one", "\none\n")], true);
    assert_eq!(home.fidelity_lines(), 2);
    // A host killed in the middle of a line leaves it cut short, with no line end; an empty line
    // is no step and no damage.
    let mut text = std::fs::read_to_string(home.fidelity_log()).unwrap();
    text.push_str("\n{\"at\": 17");
    std::fs::write(home.fidelity_log(), text).unwrap();
    home.session(&[], &[], &[("echo two", "\ntwo\n")], false);
    assert_eq!(home.fidelity_lines(), 6);
    // A line that is not UTF-8 (damaged, or written by hand) is one more line skipped.
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(home.fidelity_log())
        .unwrap();
    std::io::Write::write_all(&mut log, b"\xff\xfe{}\n").unwrap();

    let (status, out, err) = home.run("neural fidelity --json");
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("2 line(s) of") && err.contains("were skipped"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["sessions"], 2);
    assert_eq!(json[0]["summary"]["steps"], 4);
}

#[test]
fn an_unwritable_state_directory_leaves_the_session_as_it_was() {
    let home = Home::new();
    // A file where the state directory would be.
    std::fs::write(home.path().join("state"), "").unwrap();
    home.session(&[], &[], &[("echo still", "\nstill\n")], false);
    let (status, _, err) = home.run("neural fidelity");
    assert_ne!(status, 0);
    assert!(err.contains("fidelity.jsonl"), "{err}");
}
