//! The neural computer (`--runtime neural`) on a real PTY: the shipped model draws every screen,
//! calc and fs check what they can on a sandbox disk, and the terminal is given back as it was.

mod common;

use common::{Home, Terminal, eventually, same_settings};
use kernel_bridge::Frame;
use nix::sys::signal::{Signal, kill};
use nix::sys::termios::LocalFlags;

/// The status line's row, under the computer's 24 rows.
const STATUS: usize = 24;

fn start(home: &Home) -> Terminal {
    Terminal::spawn(home.command(&["--norc", "--runtime", "neural"]), 25, 80)
}

/// The computer's disk, as its first status line names it.
fn disk(term: &Terminal) -> String {
    let text = term.expect("neural computer: the model draws every screen");
    let disk = text
        .split("disk ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_owned();
    assert!(disk.starts_with("/tmp/nc/"), "{disk}");
    disk
}

/// Types `line` and waits for step `n`'s status; gives the screen and the status.
fn step(term: &Terminal, n: usize, line: &str) -> (Frame, String) {
    term.line(line);
    let mark = format!("[{n}] ");
    term.wait_for(&format!("step {n} ({line})"), |text| {
        text.lines()
            .nth(STATUS)
            .is_some_and(|s| s.starts_with(&mark))
    });
    let frame = term.frame();
    let status = frame.lines[STATUS].clone();
    (frame, status)
}

/// Waits for `words` on the screen, wherever its lines wrap them.
fn shows(term: &Terminal, words: &str) -> String {
    let squeezed: String = words.split_whitespace().collect();
    term.wait_for(&format!("{words:?}"), |text| {
        text.split_whitespace()
            .collect::<String>()
            .contains(&squeezed)
    })
}

/// The rows of the computer's screen that are not blank.
fn rows(frame: &Frame) -> Vec<&str> {
    frame.lines[..STATUS]
        .iter()
        .map(String::as_str)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_model_draws_each_screen_and_calc_and_fs_check_what_they_can() {
    let home = Home::new();
    let term = start(&home);
    let disk = disk(&term);
    assert_eq!(rows(&term.frame()), [format!("{disk}$")]);

    // Right or wrong, the model's screen gives way to the exact one: the whole screen is the one
    // bash and coreutils would leave, step after step.
    let top = format!("{disk}$");
    let inner = format!("{disk}/box$");
    let verified = [
        ("echo $((6*7))", "calc", &["42"][..], &top),
        ("mkdir box", "fs", &[], &top),
        ("touch box/note", "fs", &[], &top),
        ("ls", "fs", &["box"], &top),
        ("cd box", "the shell", &[], &inner),
        ("ls -1", "fs", &["note"], &inner),
        ("head -n 1 note", "fs", &[], &inner),
        ("cat note", "fs", &[], &inner),
        ("rm note", "fs", &[], &inner),
        ("ls -a", "fs", &[".  .."], &inner),
        ("pwd", "the shell", &[&inner[..inner.len() - 1]], &inner),
    ];
    let mut expected = vec![top.clone()];
    for (n, (line, by, output, prompt)) in verified.iter().enumerate() {
        let (frame, status) = step(&term, n + 1, line);
        assert!(status.contains(&format!("by {by}")), "{line}: {status}");
        let typed_at = expected.pop().unwrap();
        expected.push(format!("{typed_at} {line}"));
        expected.extend(output.iter().map(|row| (*row).to_owned()));
        expected.push((*prompt).clone());
        assert_eq!(rows(&frame), expected, "after {line}");
        assert!(frame.alternate_screen);
    }
    assert!(std::path::Path::new(&disk).join("box").is_dir());
    assert!(!std::path::Path::new(&disk).join("box/note").exists());

    let (_, status) = step(&term, 12, "echo hello");
    assert!(
        status.contains("unverified: nothing checks `echo`"),
        "{status}"
    );

    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    assert!(
        same_settings(&term.initial_termios, &term.termios()),
        "terminal settings differ after the session"
    );
    assert!(!term.frame().alternate_screen);
    shows(&term, "the neural computer ran 12 commands");
    assert!(!std::path::Path::new(&disk).exists(), "the disk is removed");
    // The daemon that fs's code came from was started while the session blocked its signals for
    // a signalfd; it must not have kept them blocked, or no SIGTERM could stop it.
    let daemon = home
        .daemon_pid()
        .expect("fs's code comes through the daemon");
    let status = std::fs::read_to_string(format!("/proc/{daemon}/status")).unwrap();
    assert!(status.contains("SigBlk:\t0000000000000000"), "{status}");

    let log = home.path().join("state/neural-computer.jsonl");
    let verdicts: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verified_by: Vec<&str> = verdicts
        .iter()
        .map(|v| v["verified_by"].as_str().unwrap_or("-"))
        .collect();
    let mut expected: Vec<&str> = verified.iter().map(|(_, by, _, _)| *by).collect();
    expected.push("-");
    assert_eq!(verified_by, expected);
    for verdict in &verdicts[..11] {
        let agreed = verdict["differing_cells"] == 0 && verdict["cursor_differs"] == false;
        let expected = if agreed { "agreed" } else { "corrected" };
        assert_eq!(verdict["verdict"], expected, "{verdict}");
        assert_eq!(verdict["model"], "the shipped model");
    }
    assert_eq!(verdicts[11]["verdict"], "unverified");

    // `neural fidelity --computer` adds them up by model and checker.
    let (status, out, err) = home.run("neural fidelity --computer --json");
    assert_eq!(status, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by: Vec<(&str, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["verified_by"].as_str().unwrap(),
                r["steps"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        [("calc", 1), ("fs", 8), ("the shell", 2), ("nothing", 1)]
    );
    let fs = &rows[1];
    assert_eq!(
        fs["agreed"].as_u64().unwrap() + fs["corrected"].as_u64().unwrap(),
        8
    );
    assert_eq!(rows[3]["unverified"], 1);
    let (_, table, _) = home.run("neural fidelity --computer");
    assert!(
        table.contains("verified by") && table.contains("the shipped model"),
        "{table}"
    );
}

#[test]
fn a_terminal_too_small_is_refused_when_asked_and_the_shell_runs_when_the_variable_asked() {
    let home = Home::new();
    let term = Terminal::spawn(home.command(&["--norc", "--runtime", "neural"]), 24, 80);
    assert_eq!(term.wait_exit(), 2);
    shows(
        &term,
        "needs a terminal of at least 25 rows and 80 columns, and this one has 24 rows",
    );
    assert!(same_settings(&term.initial_termios, &term.termios()));

    // Set for every login, the variable must not lock anyone out.
    let shown = home.session(
        &[],
        &[("NCSH_RUNTIME", "neural")],
        &[("echo hi", "\nhi\n")],
        false,
    );
    assert!(
        shown.contains("the neural computer cannot start")
            && shown.contains("running the shell instead"),
        "{shown}"
    );
}

#[test]
fn signals_are_ignored_or_taken_as_a_shell_takes_them_and_the_last_one_removes_the_disk() {
    let home = Home::new();
    let term = start(&home);
    let disk = disk(&term);
    // What keys cannot send in raw mode, `kill` can: it is ignored, as an interactive shell does.
    for signal in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGTSTP] {
        kill(term.pid, signal).unwrap();
    }
    step(&term, 1, "pwd");
    // Stopped, and given back a terminal that another program left in its own mode, it takes
    // raw mode again when continued.
    let raw = term.termios();
    assert!(!raw.local_flags.contains(LocalFlags::ICANON));
    kill(term.pid, Signal::SIGSTOP).unwrap();
    term.set_termios(&term.initial_termios);
    kill(term.pid, Signal::SIGCONT).unwrap();
    eventually("raw mode again", || same_settings(&term.termios(), &raw));
    step(&term, 2, "pwd");
    term.send("echo typed but not entered");
    term.expect("typed but not entered");
    kill(term.pid, Signal::SIGTERM).unwrap();
    assert_eq!(term.wait_exit(), 128 + 15);
    assert!(
        !term.frame().alternate_screen,
        "the alternate screen is left"
    );
    assert!(same_settings(&term.initial_termios, &term.termios()));
    shows(&term, "the neural computer ran 2 commands");
    assert!(!std::path::Path::new(&disk).exists(), "the disk is removed");
}

#[test]
fn recording_flags_are_refused_since_no_shell_runs() {
    let home = Home::new();
    let steps = home.path().join("steps.jsonl");
    let args = [
        "--norc",
        "--runtime",
        "neural",
        "--record-steps",
        steps.to_str().unwrap(),
    ];
    let term = Terminal::spawn(home.command(&args), 25, 80);
    assert_eq!(term.wait_exit(), 2);
    shows(
        &term,
        "the neural computer (--runtime neural) runs no shell; run it without them",
    );
    assert!(!steps.exists());
}
