//! Capability benchmarks, each beside its peer in the same run, medians reported:
//!
//! - a loop of 1,000 `calc $i+1` in ncsh (in-process WebAssembly) beside 1,000 `expr $i + 1` in bash
//!   (fork and exec of a native tool); goal: ncsh at least 5× faster;
//! - the first call of a capability after its install, in a new shell (the compiled code fetched from
//!   the store and loaded; nothing compiled); goal: at most 5 ms;
//! - per-call latency of `calc` in a loop, beside `expr`'s.
//!
//! Run with `cargo bench --bench capabilities` (release build). Everything happens in temporary
//! directories, with a daemon of their own.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const CALLS: usize = 1000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn timed(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command:?} failed");
    start.elapsed()
}

fn ncsh(home: &Path, script: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ncsh"));
    command
        .args(["-c", script])
        .env("NCSH_HOME", home)
        .env("HOME", home);
    command
}

/// The shell's own measure of one command, in microseconds, from `$EPOCHREALTIME` around it.
fn inside(home: &Path, setup: &str, command: &str) -> f64 {
    let script =
        format!("{setup}; s=$EPOCHREALTIME; {command} >/dev/null; e=$EPOCHREALTIME; echo $s $e");
    let out = ncsh(home, &script).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let times: Vec<f64> = text
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    assert_eq!(times.len(), 2, "{text}");
    (times[1] - times[0]) * 1e6
}

fn main() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // The daemon starts and compiles calc once, as the first use on a machine does.
    timed(&mut ncsh(home, "calc 1+1"));

    let ncsh_loop = format!("for i in $(seq {CALLS}); do calc $i+1; done");
    let bash_loop = format!("for i in $(seq {CALLS}); do expr $i + 1; done");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        ours.push(timed(&mut ncsh(home, &ncsh_loop)));
        theirs.push(timed(Command::new("bash").args(["-c", &bash_loop])));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!("{CALLS} calls in a loop, median of {RUNS}:");
    println!(
        "  ncsh: calc $i+1    {:8.1} ms  ({:.1} µs a call)",
        ms(ours),
        us(ours) / CALLS as f64
    );
    println!(
        "  bash: expr $i + 1  {:8.1} ms  ({:.1} µs a call)",
        ms(theirs),
        us(theirs) / CALLS as f64
    );
    println!(
        "  ratio bash / ncsh  {:8.1}",
        theirs.as_secs_f64() / ours.as_secs_f64()
    );

    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello/hello.toml");
    let mut first = Vec::new();
    for i in 0..RUNS {
        // A fresh store each time, so that every measurement is a first call after an install.
        let fresh = home.join(format!("fresh{i}"));
        std::fs::create_dir_all(&fresh).unwrap();
        timed(&mut ncsh(
            &fresh,
            &format!("cap install {} --yes", hello.display()),
        ));
        first.push(inside(&fresh, "true", "hello"));
        timed(&mut ncsh(&fresh, "daemon stop"));
    }
    first.sort_by(f64::total_cmp);
    println!(
        "first call after install, in a new shell, median of {RUNS}: {:.2} ms",
        first[RUNS / 2] / 1e3
    );
    timed(&mut ncsh(home, "daemon stop"));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
