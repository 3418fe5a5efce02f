//! `daemon`: the state of this user's ncsh daemon, and stopping it.

use std::io::Write;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

use super::{Builtin, Failure, Io};
use crate::daemon::Places;
use crate::daemon::client::{self, ClientError};

/// This user's ncsh daemon, which owns the store of generations. Shells start it when they need it;
/// it exits by itself some minutes after the last shell has gone.
#[derive(Parser)]
#[command(name = "daemon")]
pub struct Daemon {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Whether it runs, since when, with how many shells; exits 3 when it does not run.
    Status,
    /// Stop it once the update in flight (if any) is done, and wait until it is gone; the next shell
    /// that needs it starts it again.
    Stop,
}

/// How long `daemon stop` waits for the daemon to be gone.
const STOP_WAIT: Duration = Duration::from_secs(3);

impl Builtin for Daemon {
    fn run(self, io: &mut Io) -> Result<u8, Failure> {
        match self.action {
            Action::Status => {
                let places = Places::find()?;
                let status = client::status_if_running().map_err(|e| unanswered(&places, e))?;
                let Some(status) = status else {
                    if places.daemon_alive() {
                        return Err(stuck(&places, "no longer listens, and has not exited"));
                    }
                    let starts = if client::started_by_hand() {
                        "NCSH_DAEMON=manual: start it with `ncsh --daemon`"
                    } else {
                        "the next update starts it"
                    };
                    writeln!(io.out, "the daemon is not running; {starts}")?;
                    return Ok(3);
                };
                writeln!(
                    io.out,
                    "the daemon is running: pid {}, up {} s, {} shell(s) connected, current \
                     generation {}, store {}; it exits {} s after the last shell",
                    status.pid,
                    status.uptime_s,
                    status.clients,
                    status.current,
                    status.store.display(),
                    status.idle_exit_s
                )?;
                Ok(0)
            }
            Action::Stop => {
                let places = Places::find()?;
                if !client::stop_if_running().map_err(|e| unanswered(&places, e))? {
                    if places.daemon_alive() {
                        return Err(stuck(&places, "no longer listens, and has not exited"));
                    }
                    writeln!(io.out, "the daemon is not running")?;
                    return Ok(0);
                }
                let deadline = Instant::now() + STOP_WAIT;
                while places.daemon_alive() {
                    if Instant::now() >= deadline {
                        let pid = places.daemon_pid();
                        return Err(format!(
                            "the daemon (pid {pid}) did not stop within {} s; end it with `kill {pid}`",
                            STOP_WAIT.as_secs(),
                        )
                        .into());
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                writeln!(io.out, "the daemon stopped")?;
                Ok(0)
            }
        }
    }
}

/// The failure of a call to a daemon that holds its lock but does not answer, with how to end it;
/// any other failure as it is.
fn unanswered(places: &Places, error: ClientError) -> Failure {
    match error {
        ClientError::Unavailable(_) if places.daemon_alive() => stuck(places, "does not answer"),
        error => error.into(),
    }
}

/// How to end the daemon, which holds its lock and `does` what the words say (a stopped one
/// ends only with SIGKILL).
fn stuck(places: &Places, does: &str) -> Failure {
    let pid = places.daemon_pid();
    format!(
        "the daemon (pid {pid}) is running but {does}; end it with `kill {pid}`, or `kill -9 {pid}` \
         if it is stopped or does not end"
    )
    .into()
}
