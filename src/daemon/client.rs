//! The shell's side: one connection per shell process, opened on first use and kept, so that the
//! daemon knows the shell is alive. When no daemon is running, the first call starts one.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Places;
use super::protocol::{Call, PROTOCOL, Reply, Request, Response};

/// How long a shell waits for a daemon it started to listen.
const START_WAIT: Duration = Duration::from_secs(3);

/// Why a call got no answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No daemon could be reached or started: updates are unavailable, commands still run.
    #[error("updates are unavailable: {0}")]
    Unavailable(String),
    /// The daemon answered no; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
}

struct Connection {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

static CONNECTION: Mutex<Option<Connection>> = Mutex::new(None);

/// Asks the daemon, starting it if none is running.
///
/// # Errors
/// [`ClientError::Unavailable`] when there is no daemon to ask, [`ClientError::Refused`] when it says no.
pub fn call(call: Call) -> Result<Reply, ClientError> {
    exchange(call, true)
}

/// Asks the daemon only if one is running already: `Ok(None)` when none is.
///
/// # Errors
/// As [`call`].
pub fn call_if_running(call: Call) -> Result<Option<Reply>, ClientError> {
    match exchange(call, false) {
        Err(ClientError::Unavailable(_)) if !running() => Ok(None),
        other => other.map(Some),
    }
}

/// Whether a daemon answers on the socket now.
fn running() -> bool {
    Places::find().is_ok_and(|places| UnixStream::connect(places.socket).is_ok())
}

fn exchange(call: Call, start: bool) -> Result<Reply, ClientError> {
    let mut slot = CONNECTION.lock().unwrap_or_else(|p| p.into_inner());
    if slot.as_ref().is_some_and(|c| closed(&c.writer)) {
        *slot = None;
    }
    if slot.is_none() {
        let stream = connect(start).map_err(ClientError::Unavailable)?;
        let reader = BufReader::new(
            stream
                .try_clone()
                .map_err(|e| ClientError::Unavailable(e.to_string()))?,
        );
        *slot = Some(Connection {
            reader,
            writer: stream,
        });
    }
    let Some(connection) = slot.as_mut() else {
        unreachable!("connected just above")
    };
    let answer = send(connection, call);
    if answer.is_err() {
        *slot = None;
    }
    let response = answer.map_err(|e| {
        ClientError::Unavailable(format!(
            "the daemon went away during the request ({e}); run it again"
        ))
    })?;
    response.result.map_err(ClientError::Refused)
}

fn send(connection: &mut Connection, call: Call) -> std::io::Result<Response> {
    let request = Request {
        protocol: PROTOCOL,
        call,
    };
    let line = serde_json::to_string(&request).map_err(std::io::Error::other)?;
    writeln!(connection.writer, "{line}")?;
    let mut answer = String::new();
    if connection.reader.read_line(&mut answer)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    serde_json::from_str(&answer).map_err(std::io::Error::other)
}

/// Whether the daemon has closed this connection (it exited, idle or stopped, since the last call).
fn closed(stream: &UnixStream) -> bool {
    use nix::sys::socket::{MsgFlags, recv};
    let mut byte = [0u8; 1];
    let flags = MsgFlags::MSG_PEEK | MsgFlags::MSG_DONTWAIT;
    !matches!(
        recv(std::os::fd::AsRawFd::as_raw_fd(stream), &mut byte, flags),
        Err(nix::errno::Errno::EAGAIN)
    )
}

/// Connects to the running daemon, or starts one and connects to it.
fn connect(start: bool) -> Result<UnixStream, String> {
    let places = Places::find()?;
    match UnixStream::connect(&places.socket) {
        Ok(stream) => return Ok(stream),
        Err(e) if !start => return Err(format!("the daemon is not running ({e})")),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) => {}
        Err(e) => {
            return Err(format!(
                "cannot reach the daemon at {}: {e}",
                places.socket.display()
            ));
        }
    }
    let mut child = spawn_daemon()?;
    let deadline = Instant::now() + START_WAIT;
    loop {
        if let Ok(stream) = UnixStream::connect(&places.socket) {
            reap_later(child);
            return Ok(stream);
        }
        if let Ok(Some(status)) = child.try_wait()
            && !status.success()
        {
            let mut said = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut said);
            }
            let said = said.trim().trim_start_matches("ncsh daemon: ");
            return Err(format!("the daemon could not start: {said}"));
        }
        if Instant::now() >= deadline {
            reap_later(child);
            return Err(format!(
                "the daemon did not answer on {} within {} s; its log is ncsh.log in the state directory",
                places.socket.display(),
                START_WAIT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `ncsh --daemon` in a session of its own, so that the terminal's signals and hang-up never reach it.
fn spawn_daemon() -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find ncsh itself: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg("--daemon")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid()
                .map(drop)
                .map_err(std::io::Error::from)
        });
    }
    command
        .spawn()
        .map_err(|e| format!("cannot start the daemon: {e}"))
}

/// The daemon outlives this call (and usually this shell): a thread waits for it, so that it never
/// lingers as a zombie while the shell runs.
fn reap_later(mut child: Child) {
    drop(child.stderr.take());
    std::thread::spawn(move || child.wait());
}
