//! Terminal benchmarks: ncsh's host against its peers, measured in the same run, medians reported.
//!
//! - throughput: `cat` of a large file shown through the ncsh host, through tmux, and by bash directly
//!   on the terminal;
//! - keystroke echo: time from a key written to the terminal until its echo comes back, through the
//!   host (`ncsh`) and without it (`ncsh --interpreter`: the same line editor straight on the PTY);
//! - command round trip: time from Enter on `true` to the next prompt, commands 40 ms apart, with the
//!   learned runtime following the session (`--runtime hybrid`, the default) and with it off
//!   (`--runtime symbolic`): the model predicts each step on a thread of its own, and on 2 cores it
//!   shares the CPU;
//! - the neural computer: time from Enter on `echo $((6*7))` until the computer has drawn the screen
//!   after it (the model's step and calc's verification, `--runtime neural`), against the same line
//!   run by the shell (`--runtime symbolic`).
//!
//! Run with `cargo bench --bench terminal` (release build), or `cargo bench --bench terminal --
//! round-trip` (or `computer`) for one part. The "terminal" here is a PTY that this program drains
//! as fast as it can and that answers cursor-position queries as a terminal does.

use std::os::fd::OwnedFd;
use std::process::Command;
use std::time::{Duration, Instant};

use kernel_bridge::WindowSize;
use kernel_bridge::pty::spawn_on_pty;

const THROUGHPUT_MB: usize = 200;
const THROUGHPUT_RUNS: usize = 5;
const KEYSTROKES: usize = 300;

/// A program on a PTY whose output is drained and scanned for a marker.
struct Pty {
    master: OwnedFd,
    pid: nix::unistd::Pid,
    seen: Vec<u8>,
}

impl Pty {
    fn spawn(command: Command) -> Self {
        Self::spawn_sized(command, WindowSize::DEFAULT)
    }

    fn spawn_sized(command: Command, size: WindowSize) -> Self {
        let child = spawn_on_pty(command, size).expect("spawn on a PTY");
        Self {
            master: child.master,
            pid: child.pid,
            seen: Vec::new(),
        }
    }

    fn send(&self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = nix::unistd::write(&self.master, rest).expect("write to the PTY");
            rest = &rest[n..];
        }
    }

    /// A line editor that asks where the cursor is waits for the answer (2 s in reedline), so the
    /// terminal must answer it, as a real one does.
    fn answer_cursor_query(&self, output: &[u8]) {
        if find(output, b"\x1b[6n").is_some() {
            self.send(b"\x1b[1;1R");
        }
    }

    /// Discards output that is already waiting, after giving the program `settle` to finish writing.
    fn drain(&mut self, settle: Duration) {
        use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
        std::thread::sleep(settle);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let mut fds = [PollFd::new(
                std::os::fd::AsFd::as_fd(&self.master),
                PollFlags::POLLIN,
            )];
            if poll(&mut fds, PollTimeout::ZERO).unwrap_or(0) == 0 {
                break;
            }
            match nix::unistd::read(&self.master, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => self.answer_cursor_query(&buf[..n]),
            }
        }
        self.seen.clear();
    }

    /// Reads until `marker` has been seen after the bytes already consumed; returns bytes read.
    fn read_until(&mut self, marker: &[u8], limit: Duration) -> usize {
        let deadline = Instant::now() + limit;
        let mut total = 0;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            if let Some(at) = find(&self.seen, marker) {
                self.seen.drain(..at + marker.len());
                return total;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {:?}",
                String::from_utf8_lossy(marker)
            );
            let n = match nix::unistd::read(&self.master, &mut buf) {
                Ok(n) => n,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => panic!("PTY read failed: {e}"),
            };
            total += n;
            let chunk = &buf[..n];
            self.answer_cursor_query(chunk);
            // Keep only a tail: enough to find a marker split across reads.
            self.seen.extend_from_slice(chunk);
            if self.seen.len() > 4096 {
                let cut = self.seen.len() - 4096;
                self.seen.drain(..cut);
            }
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(self.pid, nix::sys::signal::Signal::SIGKILL);
        let _ = nix::sys::wait::waitpid(self.pid, None);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ncsh() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ncsh"));
    // Its own state (the fidelity log, the history), not the user's.
    let home = std::env::temp_dir().join("ncsh-bench-home");
    command
        .env("PS1", "$ ")
        .env("TERM", "xterm")
        .env("NCSH_HOME", home)
        .arg("--norc");
    command
}

/// A file of printable lines, `mb` megabytes.
fn big_file(mb: usize) -> tempfile::NamedTempFile {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let line = b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\r\n";
    let mut writer = std::io::BufWriter::new(file.as_file_mut());
    for _ in 0..(mb << 20) / line.len() {
        writer.write_all(line).unwrap();
    }
    drop(writer);
    file
}

/// The shell line that prints the file and then a marker that only the output contains.
fn cat_then_mark(path: &str) -> String {
    format!("cat {path}; echo DONE\"\"MARK\r")
}

fn throughput(label: &str, start: impl Fn(&str) -> Pty, path: &str, ready: &[u8]) -> f64 {
    let mut rates = Vec::new();
    for _ in 0..THROUGHPUT_RUNS {
        let mut pty = start(path);
        pty.read_until(ready, Duration::from_secs(20));
        pty.drain(Duration::from_millis(300));
        let t = Instant::now();
        pty.send(cat_then_mark(path).as_bytes());
        pty.read_until(b"DONEMARK", Duration::from_secs(300));
        rates.push(THROUGHPUT_MB as f64 / t.elapsed().as_secs_f64());
    }
    let rate = median(rates);
    println!("throughput {label:<34} {rate:8.1} MB/s (median of {THROUGHPUT_RUNS})");
    rate
}

fn echo_latency(label: &str, mut pty: Pty) -> (f64, f64) {
    pty.read_until(b"$ ", Duration::from_secs(20));
    let mut samples = Vec::new();
    // Letters that no escape sequence of a line editor ends with, so a match is the echo itself.
    const KEYS: &[u8] = b"vwxyz";
    for i in 0..KEYSTROKES {
        let key = [KEYS[i % KEYS.len()]];
        pty.drain(Duration::from_millis(2));
        let t = Instant::now();
        pty.send(&key);
        pty.read_until(&key, Duration::from_secs(5));
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        if i % 50 == 49 {
            // Clear the line so that the editor's redraw stays short.
            pty.send(b"\x15");
        }
    }
    let (p50, p99) = (percentile(samples.clone(), 0.5), percentile(samples, 0.99));
    println!("keystroke echo {label:<30} p50 {p50:6.3} ms  p99 {p99:6.3} ms ({KEYSTROKES} keys)");
    (p50, p99)
}

const COMMANDS: usize = 200;
const PACE: Duration = Duration::from_millis(40);

/// The time from typing `line` and Enter to the next prompt's input mark, `COMMANDS` times, `PACE`
/// apart.
fn round_trip(label: &str, runtime: &str, line: &str) -> (f64, f64) {
    let mut command = ncsh();
    command.args(["--runtime", runtime]);
    let mut pty = Pty::spawn(command);
    let input_mark = b"\x1b]133;B\x07";
    pty.read_until(input_mark, Duration::from_secs(20));
    pty.drain(Duration::from_millis(300));
    let mut samples = Vec::new();
    for _ in 0..COMMANDS {
        // Paced as a quick typist (much quicker than a person): the model's step, about 12 ms,
        // ends before the next command, as it does in use.
        std::thread::sleep(PACE);
        let t = Instant::now();
        pty.send(format!("{line}\r").as_bytes());
        // The line editor repaints its prompt, input mark included, as keys arrive: the next
        // prompt is the one after the command's finished mark.
        pty.read_until(b"\x1b]133;D;0\x07", Duration::from_secs(5));
        pty.read_until(input_mark, Duration::from_secs(5));
        samples.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report(&format!("round trip {label}"), samples)
}

/// Prints the p50 and p99 of `samples` (milliseconds) and gives them.
fn report(label: &str, samples: Vec<f64>) -> (f64, f64) {
    let count = samples.len();
    let (p50, p99) = (percentile(samples.clone(), 0.5), percentile(samples, 0.99));
    println!("{label:<45} p50 {p50:7.3} ms  p99 {p99:7.3} ms ({count} commands)");
    (p50, p99)
}

/// The time from typing `line` and Enter in the neural computer until it has drawn the screen after
/// it, status line included, `COMMANDS` times, `PACE` apart.
fn computer_trip(line: &str) -> (f64, f64) {
    let mut command = ncsh();
    command.args(["--runtime", "neural"]);
    let mut pty = Pty::spawn_sized(command, WindowSize { rows: 25, cols: 80 });
    pty.read_until(b"neural computer:", Duration::from_secs(60));
    pty.drain(Duration::from_millis(300));
    let mut samples = Vec::new();
    for n in 1..=COMMANDS {
        std::thread::sleep(PACE);
        let t = Instant::now();
        pty.send(format!("{line}\r").as_bytes());
        // The screen and its status line go out in one write, the status line last.
        pty.read_until(format!("[{n}] ").as_bytes(), Duration::from_secs(10));
        samples.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // `exit`, so that its disk is removed.
    pty.send(b"exit\r");
    pty.read_until(b"is removed", Duration::from_secs(10));
    report(&format!("{line:?} in the neural computer"), samples)
}

fn main() {
    // `cargo bench` passes --bench; a word after it picks the parts whose names contain it
    // (`throughput`, `echo`, `round-trip`, `computer`), and without one every part runs.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let runs = |part: &str| filter.as_deref().is_none_or(|f| part.contains(f));
    if runs("throughput") {
        throughput_part();
    }
    if runs("echo") {
        echo_part();
    }
    if runs("round-trip") {
        round_trip_part();
    }
    if runs("computer") {
        computer_part();
    }
}

fn throughput_part() {
    let file = big_file(THROUGHPUT_MB);
    let path = file.path().to_str().unwrap().to_owned();

    let through_ncsh = throughput(
        "ncsh host (interactive)",
        |_| Pty::spawn(ncsh()),
        &path,
        b"$ ",
    );
    let through_tmux = throughput(
        "tmux (bash inside)",
        |_| {
            let mut tmux = Command::new("tmux");
            tmux.args([
                "-L",
                "ncsh-bench",
                "-f",
                "/dev/null",
                "new-session",
                "bash --norc --noprofile",
            ])
            .env("PS1", "$ ")
            .env("TERM", "xterm");
            Pty::spawn(tmux)
        },
        &path,
        // tmux's status line; the shell's prompt is drawn inside its pane in pieces.
        b"0:bash",
    );
    let _ = Command::new("tmux")
        .args(["-L", "ncsh-bench", "kill-server"])
        .status();
    let through_bash = throughput(
        "bash directly on the terminal",
        |_| {
            let mut bash = Command::new("bash");
            bash.args(["--norc", "--noprofile", "-i"]).env("PS1", "$ ");
            Pty::spawn(bash)
        },
        &path,
        b"$ ",
    );
    println!(
        "throughput ratio: ncsh/tmux {:.2}, ncsh/bash {:.2}",
        through_ncsh / through_tmux,
        through_ncsh / through_bash
    );
}

fn echo_part() {
    let (host_p50, host_p99) = echo_latency("through the ncsh host", Pty::spawn(ncsh()));
    let mut direct = ncsh();
    direct.arg("--interpreter");
    let (direct_p50, direct_p99) = echo_latency("ncsh --interpreter (no host)", Pty::spawn(direct));
    println!(
        "host adds: p50 {:.3} ms, p99 {:.3} ms",
        host_p50 - direct_p50,
        host_p99 - direct_p99
    );
}

fn round_trip_part() {
    let (symbolic_p50, _) = round_trip("--runtime symbolic", "symbolic", "true");
    let (hybrid_p50, _) = round_trip("--runtime hybrid (the default)", "hybrid", "true");
    println!(
        "round trip ratio: hybrid/symbolic {:.2} at p50",
        hybrid_p50 / symbolic_p50
    );
}

fn computer_part() {
    let line = "echo $((6*7))";
    let (shell_p50, _) = round_trip(&format!("{line:?}, --runtime symbolic"), "symbolic", line);
    let (computer_p50, _) = computer_trip(line);
    println!(
        "neural computer / shell: {:.1} at p50",
        computer_p50 / shell_p50
    );
}
