//! The hybrid runtime through real interactive sessions on a PTY: the shipped model follows each
//! step beside the real shell, the fidelity log holds what it would have shown scored against what
//! was shown, and `neural fidelity` adds it up.

mod common;

use std::io::BufReader;
use std::path::Path;

use common::{Home, Terminal, eventually};
use neural_rt::fidelity::{Follower, Measured};

fn session(home: &Home, args: &[&str], commands: &[(&str, &str)]) {
    let mut all = vec!["--norc"];
    all.extend_from_slice(args);
    let term = Terminal::spawn(home.command(&all), 24, 80);
    term.expect_prompt();
    for (line, shows) in commands {
        term.line(line);
        term.expect(shows);
        term.expect_prompt();
    }
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

fn log(home: &Home) -> std::path::PathBuf {
    home.path().join("state/fidelity.jsonl")
}

fn measured(path: &Path) -> Vec<Measured> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn each_step_is_predicted_and_scored_as_the_model_sees_it() {
    let home = Home::new();
    let steps = home.path().join("session.steps");
    session(
        &home,
        &["--record-steps", steps.to_str().unwrap()],
        &[
            ("echo hello", "\nhello\n"),
            ("echo $((2+3))", "\n5\n"),
            ("clear", "$"),
        ],
    );
    eventually("four steps measured", || measured(&log(&home)).len() == 4);
    let logged = measured(&log(&home));
    let recorded =
        kernel_bridge::steps_file::read_steps(BufReader::new(std::fs::File::open(&steps).unwrap()))
            .unwrap();
    assert_eq!(recorded.len(), 4);

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
fn the_symbolic_runtime_leaves_the_model_off() {
    let home = Home::new();
    session(&home, &["--runtime", "symbolic"], &[("echo hi", "\nhi\n")]);
    assert!(!log(&home).exists());
    let (status, out, err) = home.run("neural fidelity");
    assert_eq!(status, 0, "{err}");
    assert!(out.starts_with("No steps measured yet."), "{out}");
}

#[test]
fn sessions_add_up_and_a_damaged_line_is_skipped_with_a_word() {
    let home = Home::new();
    session(&home, &[], &[("echo one", "\none\n")]);
    eventually("the first session measured", || {
        measured(&log(&home)).len() == 2
    });
    // A host killed in the middle of a line leaves it cut short.
    let mut text = std::fs::read_to_string(log(&home)).unwrap();
    text.push_str("{\"at\": 17");
    std::fs::write(log(&home), text + "\n").unwrap();
    session(&home, &[], &[("echo two", "\ntwo\n")]);
    eventually("the second session measured", || {
        std::fs::read_to_string(log(&home)).unwrap().lines().count() == 5
    });

    let (status, out, err) = home.run("neural fidelity --json");
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("1 line(s) of") && err.contains("were skipped"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["sessions"], 2);
    assert_eq!(json[0]["summary"]["steps"], 4);
}
