//! A terminal for tests: runs a program on a real PTY, shows its output on a screen model that answers
//! terminal queries the way a terminal emulator does, and lets a test type keys and read the screen.

#![allow(dead_code)] // each test binary uses its own part of this harness

pub mod against_bash;

use std::os::fd::{AsFd, OwnedFd};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kernel_bridge::{ScreenModel, WindowSize};
use nix::sys::termios::{self, Termios};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::Pid;

/// How long a test waits for the screen to show what it expects before it fails.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub fn ncsh() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ncsh"))
}

/// A fresh `NCSH_HOME`/`HOME` with a fixed prompt, so tests never read the user's own files.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// `ncsh ARGS` with HOME and NCSH_HOME here, PS1 `$ `, TERM xterm.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = ncsh();
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("NCSH_HOME", self.path())
            .env("TERM", "xterm")
            .env("PS1", "$ ")
            .env("LC_ALL", "C");
        command
    }
}

impl Home {
    /// Runs `ncsh -c SCRIPT` here and returns (exit status, stdout, stderr).
    pub fn run(&self, script: &str) -> (i32, String, String) {
        let output = self
            .command(&["-c", script])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Runs `script` and requires it to exit with `status` and say `reason` on standard error.
    pub fn refuses(&self, script: &str, status: i32, reason: &str) {
        let (got, _, err) = self.run(script);
        assert_eq!(got, status, "{script}: {err}");
        assert!(err.contains(reason), "{script}: {err}");
    }

    /// The daemon's lock file, which holds its pid.
    pub fn daemon_lock(&self) -> std::path::PathBuf {
        self.path().join("runtime/daemon.lock")
    }

    /// The pid of the daemon that holds the lock now, if one does.
    pub fn daemon_pid(&self) -> Option<i32> {
        let file = std::fs::File::open(self.daemon_lock()).ok()?;
        match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock) {
            Ok(_free) => None,
            Err(_) => std::fs::read_to_string(self.daemon_lock())
                .ok()?
                .trim()
                .parse()
                .ok(),
        }
    }

    /// The hybrid runtime's fidelity log here.
    pub fn fidelity_log(&self) -> std::path::PathBuf {
        self.path().join("state/fidelity.jsonl")
    }

    /// Lines in the fidelity log (none without a log).
    pub fn fidelity_lines(&self) -> usize {
        std::fs::read_to_string(self.fidelity_log()).map_or(0, |text| text.lines().count())
    }

    /// An interactive session on a 24×80 PTY (`--norc` and `args`, with `env` added): types each
    /// command and waits for what it shows and the next prompt, then `exit`. With `followed`, it
    /// also waits for each step to reach the fidelity log before the next command, so that the host
    /// has only the `exit` step left to predict when the session ends. Gives what the terminal
    /// showed at the first prompt.
    pub fn session(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        commands: &[(&str, &str)],
        followed: bool,
    ) -> String {
        let mut all = vec!["--norc"];
        all.extend_from_slice(args);
        let mut command = self.command(&all);
        command.envs(env.iter().copied());
        let term = Terminal::spawn(command, 24, 80);
        let first = term.expect_prompt();
        let logged = self.fidelity_lines();
        for (i, (line, shows)) in commands.iter().enumerate() {
            term.line(line);
            term.expect(shows);
            term.expect_prompt();
            if followed {
                eventually(&format!("{line:?} in the fidelity log"), || {
                    self.fidelity_lines() == logged + i + 1
                });
            }
        }
        term.line("exit");
        assert_eq!(term.wait_exit(), 0);
        first
    }
}

/// A daemon that a test's shells started must not outlive the test's directory.
impl Drop for Home {
    fn drop(&mut self) {
        if let Some(pid) = self.daemon_pid() {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
        }
    }
}

/// A program on a PTY, watched through a screen model.
pub struct Terminal {
    master: OwnedFd,
    pub pid: Pid,
    screen: Arc<Mutex<ScreenModel>>,
    pub initial_termios: Termios,
}

impl Terminal {
    pub fn spawn(command: Command, rows: u16, cols: u16) -> Self {
        Self::spawn_answering(command, rows, cols, true)
    }

    /// A terminal that never answers a program's queries (where is the cursor, what are you), as
    /// an Emacs buffer or an `expect` script.
    pub fn spawn_mute(command: Command, rows: u16, cols: u16) -> Self {
        Self::spawn_answering(command, rows, cols, false)
    }

    fn spawn_answering(command: Command, rows: u16, cols: u16, answers: bool) -> Self {
        let child = kernel_bridge::pty::spawn_on_pty(command, WindowSize { rows, cols }).unwrap();
        // Reading the child's PTY here would race with the program switching it to raw mode; every new
        // PTY starts with the same settings, so a second fresh one shows what this one started with.
        let fresh = nix::pty::openpty(None, None).unwrap();
        let initial_termios = termios::tcgetattr(fresh.master.as_fd()).unwrap();
        let screen = Arc::new(Mutex::new(ScreenModel::new(rows, cols).answer_queries()));
        let reader = child.master.try_clone().unwrap();
        let screen_in = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = nix::unistd::read(&reader, &mut buf) {
                let replies = {
                    let mut screen = screen_in.lock().unwrap();
                    screen.process(&buf[..n], 0.0);
                    screen.take_replies()
                };
                if answers && !replies.is_empty() {
                    let _ = nix::unistd::write(&reader, &replies);
                }
            }
        });
        Self {
            master: child.master,
            pid: child.pid,
            screen,
            initial_termios,
        }
    }

    /// Types `keys` as they are (use `\r` for Enter, `\x03` for Ctrl-C).
    pub fn send(&self, keys: &str) {
        let mut bytes = keys.as_bytes();
        while !bytes.is_empty() {
            let n = nix::unistd::write(&self.master, bytes).unwrap();
            bytes = &bytes[n..];
        }
    }

    /// Types a command line and Enter.
    pub fn line(&self, command: &str) {
        self.send(command);
        self.send("\r");
    }

    pub fn frame(&self) -> kernel_bridge::Frame {
        self.screen.lock().unwrap().frame()
    }

    pub fn screen_text(&self) -> String {
        self.frame().text()
    }

    /// Waits until the screen satisfies `check`, or fails the test with the screen in the message.
    pub fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_for_within(PATIENCE, what, check)
    }

    /// [`Self::wait_for`], for at most `patience`.
    pub fn wait_for_within(
        &self,
        patience: Duration,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + patience;
        loop {
            let text = self.screen_text();
            if check(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen shows:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `needle` is on the screen.
    pub fn expect(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?}"), |text| text.contains(needle))
    }

    /// Waits until the last non-empty row of the screen is exactly `line`.
    pub fn expect_last_line(&self, line: &str) -> String {
        self.wait_for(&format!("{line:?} as the last row"), |text| {
            text.lines().rev().find(|row| !row.is_empty()) == Some(line)
        })
    }

    /// Waits until the last non-empty row of the screen is the prompt `$`.
    pub fn expect_prompt(&self) -> String {
        self.expect_last_line("$")
    }

    /// Waits until `needle` appears `count` times on the screen.
    pub fn expect_count(&self, needle: &str, count: usize) -> String {
        self.wait_for(&format!("{count} × {needle:?}"), |text| {
            text.matches(needle).count() >= count
        })
    }

    /// Resizes the terminal, as dragging the window does.
    pub fn resize(&self, rows: u16, cols: u16) {
        kernel_bridge::terminal::set_window_size(&self.master, WindowSize { rows, cols }).unwrap();
        self.screen.lock().unwrap().resize(rows, cols);
    }

    /// The terminal settings now (a PTY master reports its slave's settings).
    pub fn termios(&self) -> Termios {
        termios::tcgetattr(self.master.as_fd()).unwrap()
    }

    /// Changes the terminal settings, as a shell that takes the terminal back does.
    pub fn set_termios(&self, settings: &Termios) {
        termios::tcsetattr(self.master.as_fd(), termios::SetArg::TCSANOW, settings).unwrap();
    }

    /// Waits for the program to exit and returns its exit code (128 + signal when killed).
    pub fn wait_exit(&self) -> i32 {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match waitpid(self.pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG)).unwrap() {
                WaitStatus::Exited(_, code) => return code,
                WaitStatus::Signaled(_, signal, _) => return 128 + signal as i32,
                _ if Instant::now() > deadline => panic!(
                    "ncsh did not exit; the screen shows:\n{}",
                    self.screen_text()
                ),
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

/// Waits until `done` holds, or fails the test with `what` after [`PATIENCE`].
pub fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a process still exists (and is not a zombie).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// Compares terminal settings the way `stty -g` does: flags and control characters.
pub fn same_settings(a: &Termios, b: &Termios) -> bool {
    a.input_flags == b.input_flags
        && a.output_flags == b.output_flags
        && a.control_flags == b.control_flags
        && a.local_flags == b.local_flags
        && a.control_chars == b.control_chars
}
