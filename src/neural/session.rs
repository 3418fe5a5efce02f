//! One scripted session through the real host and interpreter: ncsh started on a PTY of its own, as a
//! user's terminal would start it, with a fixed environment; each command typed when the prompt is
//! ready for input; the steps the host recorded read back.

use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::time::{Duration, Instant};

use kernel_bridge::pty::{set_nonblocking, spawn_on_pty};
use kernel_bridge::{ScreenModel, Step, WindowSize};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// How long one command may take before the session is given up.
const COMMAND_LIMIT: Duration = Duration::from_secs(20);

/// Runs `lines` (the last being `exit`) in a fresh ncsh on a `rows` × `cols` PTY in the sandbox
/// directory `dir`, which is its working directory and is named in its prompt (its files for ncsh are
/// hidden inside it), with ncsh's state in `shared_home`, and returns the steps its host recorded:
/// one per line.
///
/// # Errors
/// When ncsh cannot start, a command does not finish in time, or the steps do not match the lines.
pub fn run(
    dir: &Path,
    shared_home: &Path,
    lines: &[String],
    rows: u16,
    cols: u16,
) -> Result<Vec<Step>, String> {
    let rcfile = dir.join(".ncshrc");
    let steps_file = dir.join(".steps.jsonl");
    let home = dir.join(".home");
    std::fs::create_dir_all(&home).map_err(|e| format!("cannot make {}: {e}", home.display()))?;
    // The prompt names the working directory in full (HOME is elsewhere), so `pwd` can be read off
    // the screen.
    std::fs::write(&rcfile, "PS1='\\w$ '\n")
        .map_err(|e| format!("cannot write {}: {e}", rcfile.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find ncsh itself: {e}"))?;
    let mut command = std::process::Command::new(exe);
    command
        .arg0("ncsh")
        .args(["--noprofile", "--rcfile"])
        .arg(&rcfile)
        .arg("--record-steps")
        .arg(&steps_file)
        .arg("-i")
        // The data must not depend on a model, nor its recording wait for one.
        .args(["--runtime", "symbolic"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("TERM", "xterm-256color")
        .env("LC_ALL", "C")
        // One daemon for all sessions, so that calc is compiled once; it leaves soon after the last.
        .env("NCSH_HOME", shared_home)
        .env("NCSH_DAEMON_IDLE_SECS", "10");
    let child = spawn_on_pty(command, WindowSize { rows, cols })
        .map_err(|e| format!("cannot start ncsh: {e}"))?;
    set_nonblocking(&child.master).map_err(|e| e.to_string())?;
    let mut driver = Driver {
        master: child.master,
        pid: child.pid,
        screen: ScreenModel::new(rows, cols).answer_queries(),
        marks: Marks::default(),
    };
    let typed = driver.type_all(lines);
    let ended = typed.and_then(|()| driver.wait_exit());
    if ended.is_err() {
        let _ = kill(Pid::from_raw(-driver.pid.as_raw()), Signal::SIGKILL);
        let _ = kill(driver.pid, Signal::SIGKILL);
        let _ = waitpid(driver.pid, None);
    }
    ended?;
    read_steps(&steps_file, lines)
}

fn read_steps(path: &Path, lines: &[String]) -> Result<Vec<Step>, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("the host wrote no steps ({}: {e})", path.display()))?;
    let steps = kernel_bridge::steps_file::read_steps(std::io::BufReader::new(file))
        .map_err(|e| format!("the host's steps cannot be read: {e}"))?;
    if steps.len() != lines.len() {
        return Err(format!(
            "the host recorded {} steps for {} command lines",
            steps.len(),
            lines.len()
        ));
    }
    for (step, line) in steps.iter().zip(lines) {
        if step.action != *line {
            return Err(format!(
                "the host recorded `{}` where `{line}` was typed",
                step.action
            ));
        }
    }
    Ok(steps)
}

/// Counts the semantic prompt marks in the output, across reads.
#[derive(Default)]
struct Marks {
    /// The end of the last read, in case a mark was cut in two.
    tail: Vec<u8>,
    /// `133;D` marks seen.
    finished: usize,
    /// `133;B` marks seen since the last `D` (or the start).
    inputs_since_finished: usize,
}

impl Marks {
    const PREFIX: &'static [u8] = b"\x1b]133;";

    fn scan(&mut self, bytes: &[u8]) {
        let mut text = std::mem::take(&mut self.tail);
        text.extend_from_slice(bytes);
        let mut i = 0;
        while let Some(at) = find(&text[i..], Self::PREFIX) {
            let kind = i + at + Self::PREFIX.len();
            match text.get(kind) {
                Some(b'D') => {
                    self.finished += 1;
                    self.inputs_since_finished = 0;
                }
                Some(b'B') => self.inputs_since_finished += 1,
                Some(_) => {}
                None => {
                    self.tail = text[i + at..].to_vec();
                    return;
                }
            }
            i = kind;
        }
        let keep = text.len().saturating_sub(Self::PREFIX.len() - 1).max(i);
        self.tail = text[keep..].to_vec();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct Driver {
    master: OwnedFd,
    pid: Pid,
    screen: ScreenModel,
    marks: Marks,
}

impl Driver {
    /// Reads what is there (waiting up to `wait`), answering the terminal queries in it.
    fn pump(&mut self, wait: Duration) -> Result<bool, String> {
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        let timeout =
            PollTimeout::try_from(wait.as_millis().min(1000) as i32).unwrap_or(PollTimeout::ZERO);
        match poll(&mut fds, timeout) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => return Ok(true),
            Ok(_) => {}
            Err(e) => return Err(format!("cannot wait for ncsh's output: {e}")),
        }
        let mut buf = [0u8; 16 * 1024];
        match nix::unistd::read(&self.master, &mut buf) {
            Ok(0) | Err(nix::errno::Errno::EIO) => Ok(false),
            Ok(n) => {
                self.marks.scan(&buf[..n]);
                self.screen.process(&buf[..n], 0.0);
                let replies = self.screen.take_replies();
                if !replies.is_empty() {
                    self.write(&replies)?;
                }
                Ok(true)
            }
            Err(nix::errno::Errno::EAGAIN) => Ok(true),
            Err(e) => Err(format!("cannot read ncsh's output: {e}")),
        }
    }

    fn write(&self, mut bytes: &[u8]) -> Result<(), String> {
        while !bytes.is_empty() {
            match nix::unistd::write(&self.master, bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(nix::errno::Errno::EAGAIN) => std::thread::sleep(Duration::from_millis(1)),
                Err(e) => return Err(format!("cannot type into ncsh: {e}")),
            }
        }
        Ok(())
    }

    /// Waits until `ready` holds, reading output meanwhile.
    fn wait_for(&mut self, what: &str, ready: impl Fn(&Marks) -> bool) -> Result<(), String> {
        let start = Instant::now();
        while !ready(&self.marks) {
            let left = COMMAND_LIMIT.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Err(format!(
                    "{what} took longer than {} s; the screen was:\n{}",
                    COMMAND_LIMIT.as_secs(),
                    self.screen.frame().text()
                ));
            }
            if !self.pump(left)? {
                return Err(format!("ncsh ended while waiting for {what}"));
            }
        }
        Ok(())
    }

    fn type_all(&mut self, lines: &[String]) -> Result<(), String> {
        for (k, line) in lines.iter().enumerate() {
            let finished = k;
            self.wait_for("the prompt", |m| {
                m.finished == finished && m.inputs_since_finished > 0
            })?;
            self.write(line.as_bytes())?;
            self.write(b"\r")?;
            if k + 1 < lines.len() {
                self.wait_for(&format!("`{line}`"), |m| m.finished > finished)?;
            }
        }
        Ok(())
    }

    fn wait_exit(&mut self) -> Result<(), String> {
        let start = Instant::now();
        loop {
            match waitpid(self.pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => {}
                Ok(_) => return Ok(()),
                Err(e) => return Err(format!("cannot wait for ncsh: {e}")),
            }
            if start.elapsed() > COMMAND_LIMIT {
                return Err("ncsh did not exit after `exit`".to_owned());
            }
            if !self.pump(Duration::from_millis(20))? {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Marks;

    #[test]
    fn marks_are_counted_even_when_a_read_cuts_one_in_two() {
        let mut marks = Marks::default();
        marks.scan(b"\x1b]133;A\x07$ \x1b]13");
        assert_eq!(marks.inputs_since_finished, 0);
        marks.scan(b"3;B\x07");
        assert_eq!(marks.inputs_since_finished, 1);
        marks.scan(b"ls\r\n\x1b]133;C\x07x\r\n\x1b]133;");
        marks.scan(b"D;0\x07");
        assert_eq!((marks.finished, marks.inputs_since_finished), (1, 0));
        marks.scan(b"\x1b]133;A\x07$ \x1b]133;B\x07");
        assert_eq!(marks.inputs_since_finished, 1);
    }
}
