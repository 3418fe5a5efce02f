//! A program on a PTY gets the terminal signals' default actions, whatever its host inherited: a
//! host started in the background of a script has SIGINT ignored, and Ctrl-C must still reach the
//! jobs on its terminal. This runs in a process of its own, since it ignores SIGINT in it.

use std::process::Command;

use kernel_bridge::WindowSize;
use kernel_bridge::pty::spawn_on_pty;
use nix::sys::signal::{SigHandler, Signal, signal};

#[test]
fn a_program_on_a_pty_does_not_inherit_an_ignored_sigint() {
    // SAFETY: no handler is installed; SIGINT is only set to be ignored in this test process.
    unsafe { signal(Signal::SIGINT, SigHandler::SigIgn) }.unwrap();
    let mut command = Command::new("grep");
    command.args(["^SigIgn:", "/proc/self/status"]);
    let child = spawn_on_pty(command, WindowSize { rows: 24, cols: 80 }).unwrap();
    let mut output = Vec::new();
    let mut buf = [0u8; 1024];
    // The PTY reads EIO once the program has exited and closed the slave.
    while let Ok(n @ 1..) = nix::unistd::read(&child.master, &mut buf) {
        output.extend_from_slice(&buf[..n]);
    }
    let output = String::from_utf8_lossy(&output);
    let mask = output
        .trim()
        .strip_prefix("SigIgn:")
        .map(|hex| u64::from_str_radix(hex.trim(), 16).unwrap())
        .unwrap_or_else(|| panic!("no SigIgn line in {output:?}"));
    let bit = |signal: Signal| 1u64 << (signal as i32 - 1);
    for signal in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGTSTP] {
        assert_eq!(
            mask & bit(signal),
            0,
            "{signal} is ignored: SigIgn {mask:x}"
        );
    }
}
