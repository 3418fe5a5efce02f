//! Running a script in ncsh and in bash, to hold ncsh to bash's behaviour.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use super::Home;

/// How long one script may take: the hangs these tests look for must fail them, not stop the
/// suite.
pub const LIMIT: Duration = Duration::from_secs(60);

/// `ncsh ARGS` with nothing on standard input, failing the test where it has not ended within
/// `limit`.
pub fn ncsh_within(home: &Home, args: &[&str], limit: Duration) -> Output {
    let mut child = home
        .command(args)
        .current_dir(home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("ncsh {args:?} had not ended after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// bash itself, run as ncsh is run.
pub fn bash(home: &Home, args: &[&str]) -> Output {
    std::process::Command::new("bash")
        .args(args)
        .current_dir(home.path())
        .env("HOME", home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// bash's errors in `-c` text named `sh-name`, without the `line N: ` that ncsh does not add, and
/// with a function's error named after the shell, not bash's "environment" (README, known limits).
pub fn without_line_numbers(bash_said: &str) -> String {
    bash_said
        .lines()
        .map(|line| {
            let line = line.replace("environment: line ", "sh-name: line ");
            match line
                .strip_prefix("sh-name: line ")
                .and_then(|rest| rest.split_once(": "))
            {
                Some((number, rest)) if number.parse::<u32>().is_ok() => {
                    format!("sh-name: {rest}\n")
                }
                _ => format!("{line}\n"),
            }
        })
        .collect()
}

/// Runs each script as `-c` text named `sh-name` in ncsh and in bash, and requires the same
/// output, errors (less bash's line numbers) and status.
pub fn same_as_bash(home: &Home, scripts: &[&str]) {
    for text in scripts {
        let ours = ncsh_within(home, &["-c", text, "sh-name"], LIMIT);
        let theirs = bash(home, &["-c", text, "sh-name"]);
        assert_eq!(stdout(&ours), stdout(&theirs), "{text:?}");
        assert_eq!(
            stderr(&ours),
            without_line_numbers(&stderr(&theirs)),
            "{text:?}"
        );
        assert_eq!(ours.status.code(), theirs.status.code(), "{text:?}");
    }
}
