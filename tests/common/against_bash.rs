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

/// Runs each script as `-c` text named `sh-name` in ncsh and in bash, and requires the same
/// output, errors and status.
pub fn same_as_bash(home: &Home, scripts: &[&str]) {
    for text in scripts {
        same_run_as_bash(home, &["-c", text, "sh-name"]);
    }
}

/// Writes `text` to the script file `name` in the home directory, and runs it as
/// `script_same_as_bash` does.
pub fn written_script_same_as_bash(home: &Home, name: &str, text: impl AsRef<[u8]>) -> Output {
    std::fs::write(home.path().join(name), text).unwrap();
    script_same_as_bash(home, name)
}

/// Runs the script file `name`, in the home directory, in ncsh and in bash, requires the same
/// output, errors and status, and gives ncsh's run.
pub fn script_same_as_bash(home: &Home, name: &str) -> Output {
    same_run_as_bash(home, &[name])
}

fn same_run_as_bash(home: &Home, args: &[&str]) -> Output {
    let ours = ncsh_within(home, args, LIMIT);
    let theirs = bash(home, args);
    assert_eq!(stdout(&ours), stdout(&theirs), "{args:?}");
    assert_eq!(stderr(&ours), stderr(&theirs), "{args:?}");
    assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
    ours
}
