//! Sessions and process groups: what a shell needs when its terminal goes away.

use std::collections::BTreeSet;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The process groups of session `sid` other than the session leader's own: the shell's jobs.
pub fn job_groups_of_session(sid: Pid) -> BTreeSet<Pid> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return BTreeSet::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let (pgrp, session) = group_and_session(&stat)?;
            (session == sid.as_raw() && pgrp != sid.as_raw()).then_some(Pid::from_raw(pgrp))
        })
        .collect()
}

/// Parses the process group and session out of a `/proc/PID/stat` line; `None` for a zombie, which
/// keeps its group and session until it is reaped but is no job any more. The command name may
/// contain spaces and parentheses, so fields are counted from the last `)`.
fn group_and_session(stat: &str) -> Option<(i32, i32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // state, ppid, pgrp, session
    if fields.next()? == "Z" {
        return None;
    }
    let pgrp = fields.nth(1)?.parse().ok()?;
    let session = fields.next()?.parse().ok()?;
    Some((pgrp, session))
}

/// Sends SIGHUP, then SIGCONT so that stopped jobs see it, to every job of the session led by `sid`,
/// as bash does when its terminal hangs up.
pub fn hang_up_jobs(sid: Pid) {
    for group in job_groups_of_session(sid) {
        let _ = killpg(group, Signal::SIGHUP);
        let _ = killpg(group, Signal::SIGCONT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_found_after_odd_command_names() {
        let stat = "4242 (a) b (c) S 1 4240 4200 34816 4240 4194560 0 0";
        assert_eq!(group_and_session(stat), Some((4240, 4200)));
        assert_eq!(group_and_session("garbage"), None);
        let zombie = "4243 (sleep) Z 1 4240 4200 34816 4240 4194560 0 0";
        assert_eq!(group_and_session(zombie), None);
    }

    #[test]
    fn finds_a_job_in_a_new_session() {
        use std::os::unix::process::CommandExt;
        // A child that leads its own session and starts one background job in its own group.
        let mut leader = std::process::Command::new("perl");
        leader.args([
            "-e",
            "if (fork() == 0) { setpgrp(0, 0); sleep 30; exit } sleep 30",
        ]);
        // SAFETY: sigaction and setsid are async-signal-safe and touch no shared memory.
        unsafe {
            leader.pre_exec(|| {
                // A test run under nohup would pass its ignored SIGHUP on, and the job would live.
                nix::sys::signal::signal(Signal::SIGHUP, nix::sys::signal::SigHandler::SigDfl)
                    .map_err(std::io::Error::from)?;
                nix::unistd::setsid()
                    .map(|_| ())
                    .map_err(std::io::Error::from)
            });
        }
        let mut leader = leader.spawn().unwrap();
        let sid = Pid::from_raw(leader.id() as i32);
        let mut groups = BTreeSet::new();
        for _ in 0..100 {
            groups = job_groups_of_session(sid);
            if !groups.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!groups.is_empty(), "no job found in session {sid}");
        hang_up_jobs(sid);
        let _ = leader.kill();
        let _ = leader.wait();
        for _ in 0..100 {
            if job_groups_of_session(sid).is_empty() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("jobs of session {sid} survived SIGHUP");
    }
}
