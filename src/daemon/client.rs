//! The shell's side: one connection per shell process, opened on first use and kept, so that the
//! daemon knows the shell is alive. When no daemon is running, the first call starts one, unless
//! `NCSH_DAEMON=manual` says the user starts it (under a service manager, say).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use store::{AuditEntry, BlobHash, Generation, GenerationId};

use super::Places;
use super::protocol::{Call, DaemonStatus, ManifestText, PROTOCOL, Reply, Request, Response};

/// How long a shell waits for a daemon it started to listen. Only a daemon that is stuck takes long.
const START_WAIT: Duration = Duration::from_secs(10);

/// How long a shell waits for an answer, unless the call says otherwise: longer than any query
/// takes, short enough that a daemon that hangs does not hang the shell for good.
const ANSWER_WAIT: Duration = Duration::from_secs(60);

/// How long an update that verifies a capability may take: its contract examples run under its own
/// wall-time limit, at most 600 s each.
const VERIFY_WAIT: Duration = Duration::from_secs(3600);

/// How long `daemon status` and `daemon stop` wait for a daemon that is there: it answers them at
/// once unless it is stuck, which is what they are asked to find out.
const STATUS_WAIT: Duration = Duration::from_secs(3);

/// For this long after a call went unanswered, a call first asks the daemon something it answers at
/// once, waiting [`PROBE_WAIT`]: a daemon that is stuck (stopped, or blocked) would otherwise hold
/// every command that asks it, a mistyped one included, for a whole wait each.
const UNANSWERED_MEMORY: Duration = Duration::from_secs(60);
const PROBE_WAIT: Duration = Duration::from_secs(1);

/// How often a wait for an answer looks whether Ctrl-C was pressed.
const INTERRUPT_POLL: Duration = Duration::from_millis(100);

/// When a call last went unanswered.
static UNANSWERED_AT: Mutex<Option<Instant>> = Mutex::new(None);

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

/// Asks the daemon, starting it if none is running, and waits up to `wait` for the answer.
///
/// # Errors
/// [`ClientError::Unavailable`] when there is no daemon to ask or it does not answer in time,
/// [`ClientError::Refused`] when it says no.
pub fn call(call: Call, wait: Duration) -> Result<Reply, ClientError> {
    exchange(call, true, wait)
}

/// Asks the daemon only if one is running already: `Ok(None)` when none is.
///
/// # Errors
/// As [`call`].
pub fn call_if_running(call: Call) -> Result<Option<Reply>, ClientError> {
    match exchange(call, false, STATUS_WAIT) {
        Err(ClientError::Unavailable(_)) if !running() => Ok(None),
        other => other.map(Some),
    }
}

/// Whether a daemon answers on the socket now.
fn running() -> bool {
    Places::find().is_ok_and(|places| UnixStream::connect(places.socket).is_ok())
}

/// A reply of the wrong kind: a daemon of another build answered.
fn unexpected(reply: &Reply) -> ClientError {
    ClientError::Refused(format!(
        "the daemon answered with something else (a {} reply); run `daemon stop` and try again",
        reply.kind()
    ))
}

/// Asks `$call` and takes the value out of the reply that matches `$pattern`.
macro_rules! ask {
    ($call:expr, $wait:expr, $pattern:pat => $value:expr) => {
        match call($call, $wait)? {
            $pattern => Ok($value),
            other => Err(unexpected(&other)),
        }
    };
}

/// The current generation's number.
pub fn current() -> Result<GenerationId, ClientError> {
    current_within(ANSWER_WAIT)
}

/// The current generation's number, if the daemon answers within `wait`.
pub fn current_within(wait: Duration) -> Result<GenerationId, ClientError> {
    ask!(Call::Current, wait, Reply::Current(id) => id)
}

/// Generation `id`.
pub fn generation(id: GenerationId) -> Result<Generation, ClientError> {
    generation_within(id, ANSWER_WAIT)
}

/// Generation `id`, if the daemon answers within `wait`.
pub fn generation_within(id: GenerationId, wait: Duration) -> Result<Generation, ClientError> {
    ask!(Call::Generation(id), wait, Reply::Generation(g) => *g)
}

/// Every generation, oldest first, and the current one's number.
pub fn generations() -> Result<(Vec<Generation>, GenerationId), ClientError> {
    ask!(Call::Generations, ANSWER_WAIT, Reply::Generations(all, current) => (all, current))
}

/// A blob's bytes.
pub fn blob(hash: BlobHash) -> Result<Vec<u8>, ClientError> {
    ask!(Call::Blob(hash), ANSWER_WAIT, Reply::Blob(bytes) => bytes.0)
}

/// Installs (or, with `upgrade`, upgrades) a capability; the generation it made.
pub fn put_capability(
    manifest: ManifestText,
    grant: policy::Grant,
    upgrade: bool,
) -> Result<Generation, ClientError> {
    let call = if upgrade {
        Call::Upgrade { manifest, grant }
    } else {
        Call::Install { manifest, grant }
    };
    ask!(call, VERIFY_WAIT, Reply::Generation(g) => *g)
}

/// Removes a capability; the generation it made.
pub fn remove(name: String) -> Result<Generation, ClientError> {
    ask!(Call::Remove(name), ANSWER_WAIT, Reply::Generation(g) => *g)
}

/// Sets (or, with `None`, clears) a policy rule; the generation it made.
pub fn set_policy(name: String, value: Option<String>) -> Result<Generation, ClientError> {
    ask!(Call::SetPolicy { name, value }, ANSWER_WAIT, Reply::Generation(g) => *g)
}

/// Promotes model weights with their evaluation; the generation it made.
pub fn promote_model(
    weights: Vec<u8>,
    evaluation: Vec<u8>,
    (current, current_weights): (Vec<u8>, Option<BlobHash>),
    tolerance: f64,
) -> Result<Generation, ClientError> {
    let call = Call::PromoteModel {
        weights: policy::bundle::Bytes(weights),
        evaluation: policy::bundle::Bytes(evaluation),
        current: policy::bundle::Bytes(current),
        current_weights,
        tolerance,
    };
    ask!(call, VERIFY_WAIT, Reply::Generation(g) => *g)
}

/// Points current at `to` or at its parent: (from, to).
pub fn rollback(to: Option<GenerationId>) -> Result<(GenerationId, GenerationId), ClientError> {
    ask!(Call::Rollback(to), ANSWER_WAIT, Reply::RolledBack(from, to) => (from, to))
}

/// The audit log.
pub fn audit() -> Result<Vec<AuditEntry>, ClientError> {
    ask!(Call::Audit, ANSWER_WAIT, Reply::Audit(entries) => entries)
}

/// Walks the audit chain: (entries, head hash).
pub fn verify() -> Result<(u64, String), ClientError> {
    ask!(Call::Verify, ANSWER_WAIT, Reply::Verified(entries, head) => (entries, head))
}

/// The native code for `wasm` (checked against its sha256 before it is returned: it will be loaded
/// as code).
pub fn precompiled(
    wasm: BlobHash,
    kind: policy::manifest::Kind,
    engine: String,
) -> Result<Vec<u8>, ClientError> {
    let (hash, bytes) = ask!(Call::Precompiled { wasm, kind, engine }, VERIFY_WAIT,
        Reply::Precompiled(hash, bytes) => (hash, bytes.0))?;
    if BlobHash::of(&bytes) != hash {
        return Err(ClientError::Refused(format!(
            "the compiled code for {wasm} did not arrive whole; run the command again"
        )));
    }
    Ok(bytes)
}

/// Writes generation `id` to `file`: (capabilities, blobs, audit entries).
pub fn export(id: GenerationId, file: PathBuf) -> Result<(usize, usize, usize), ClientError> {
    ask!(Call::Export(id, file), ANSWER_WAIT, Reply::Exported(c, b, a) => (c, b, a))
}

/// Imports the bundle in `file`; the generation it became here.
pub fn import(file: PathBuf) -> Result<Generation, ClientError> {
    ask!(Call::Import(file), VERIFY_WAIT, Reply::Generation(g) => *g)
}

/// The daemon's state, if one is running.
pub fn status_if_running() -> Result<Option<DaemonStatus>, ClientError> {
    match call_if_running(Call::Status)? {
        None => Ok(None),
        Some(Reply::Status(status)) => Ok(Some(status)),
        Some(other) => Err(unexpected(&other)),
    }
}

/// Asks a running daemon to stop: whether one was running.
pub fn stop_if_running() -> Result<bool, ClientError> {
    match call_if_running(Call::Stop)? {
        None => Ok(false),
        Some(Reply::Stopping) => Ok(true),
        Some(other) => Err(unexpected(&other)),
    }
}

fn exchange(call: Call, start: bool, wait: Duration) -> Result<Reply, ClientError> {
    let mut slot = CONNECTION.lock().unwrap_or_else(|p| p.into_inner());
    if slot.as_ref().is_some_and(|c| closed(&c.writer)) {
        *slot = None;
    }
    // A daemon this shell has not asked yet, and did not start, may be stuck: it is asked the
    // cheapest question first too (a stopped one held a new shell's first `gen list` a minute).
    let mut untried = false;
    let connection = match slot.as_mut() {
        Some(connection) => connection,
        None => {
            let (stream, started) = connect(start).map_err(ClientError::Unavailable)?;
            untried = !started;
            let reader = stream
                .try_clone()
                .map_err(|e| ClientError::Unavailable(e.to_string()))?;
            slot.insert(Connection {
                reader: BufReader::new(reader),
                writer: stream,
            })
        }
    };
    let recently_unanswered = UNANSWERED_AT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .is_some_and(|at| at.elapsed() < UNANSWERED_MEMORY);
    // Where one went unanswered a moment ago, the daemon is asked the cheapest question first, for
    // a short wait: one that is back is given the call's whole wait (an update may take long),
    // one still stuck fails the call at once.
    let probe_wait = if recently_unanswered {
        Some(PROBE_WAIT)
    } else {
        untried.then_some(STATUS_WAIT)
    };
    let probed = match probe_wait {
        Some(probe_wait) if probe_wait < wait => {
            send(connection, Call::Current, probe_wait).map(|_| ())
        }
        _ => Ok(()),
    };
    let answer = probed.and_then(|()| send(connection, call, wait));
    if answer.is_err() {
        *slot = None;
    }
    *UNANSWERED_AT.lock().unwrap_or_else(|p| p.into_inner()) = match &answer {
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => Some(Instant::now()),
        _ => None,
    };
    let response = answer.map_err(|e| {
        ClientError::Unavailable(format!(
            "the daemon did not answer ({e}); if this was an update, it may or may not have \
             happened: `gen list` shows once it answers, and `daemon status` names one that is stuck"
        ))
    })?;
    response.result.map_err(ClientError::Refused)
}

fn send(connection: &mut Connection, call: Call, wait: Duration) -> std::io::Result<Response> {
    let request = Request {
        protocol: PROTOCOL,
        call,
    };
    let line = serde_json::to_string(&request).map_err(std::io::Error::other)?;
    connection.writer.set_write_timeout(Some(wait))?;
    writeln!(connection.writer, "{line}")?;
    let answer = read_answer(&mut connection.reader, wait)?;
    serde_json::from_slice(&answer).map_err(std::io::Error::other)
}

/// Reads one answer line, waiting up to `wait`, and less where Ctrl-C abandons the wait (an
/// interactive shell's handler only sets the flag, and the read would go on after it).
fn read_answer(reader: &mut BufReader<UnixStream>, wait: Duration) -> std::io::Result<Vec<u8>> {
    let deadline = Instant::now() + wait;
    let mut answer = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {} s", wait.as_secs_f64()),
            ));
        }
        reader
            .get_ref()
            .set_read_timeout(Some(left.min(INTERRUPT_POLL)))?;
        // What a read cut off by its timeout had read stays in `answer`.
        match reader.read_until(b'\n', &mut answer) {
            Ok(_) if answer.ends_with(b"\n") => return Ok(answer),
            Ok(_) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if brush_core::interrupt::flag().load(std::sync::atomic::Ordering::SeqCst) {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        "Ctrl-C was pressed while waiting",
                    ));
                }
            }
            Err(e) => return Err(e),
        }
    }
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

/// Connects to the running daemon, or starts one and connects to it; either way, checks that the
/// peer runs as this user.
/// Whether `NCSH_DAEMON=manual` says that no shell starts the daemon (a service manager does).
pub fn started_by_hand() -> bool {
    std::env::var_os("NCSH_DAEMON").is_some_and(|v| v == "manual")
}

/// A connection to the daemon, and whether this call started it.
fn connect(start: bool) -> Result<(UnixStream, bool), String> {
    let places = Places::find()?;
    let (stream, started) = match UnixStream::connect(&places.socket) {
        Ok(stream) => (stream, false),
        Err(e) if !start => return Err(format!("the daemon is not running ({e})")),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            if started_by_hand() {
                return Err(format!(
                    "the daemon is not running, and NCSH_DAEMON=manual says not to start it; start \
                     `ncsh --daemon` ({e})"
                ));
            }
            (start_daemon(&places)?, true)
        }
        Err(e) => {
            let runtime = places.socket.parent().unwrap_or(&places.socket);
            return Err(format!(
                "cannot reach the daemon at {}: {e}; {} must be a directory of yours: move away \
                 what is there",
                places.socket.display(),
                runtime.display()
            ));
        }
    };
    places.check_private()?;
    let me = nix::unistd::geteuid().as_raw();
    match nix::sys::socket::getsockopt(&stream, nix::sys::socket::sockopt::PeerCredentials) {
        Ok(peer) if peer.uid() == me => Ok((stream, started)),
        Ok(peer) => Err(format!(
            "the process on {} runs as uid {}, not as you (uid {me}); remove the socket",
            places.socket.display(),
            peer.uid()
        )),
        Err(e) => Err(format!(
            "cannot tell who answers on {}: {e}",
            places.socket.display()
        )),
    }
}

/// Starts `ncsh --daemon` and waits until it listens.
fn start_daemon(places: &Places) -> Result<UnixStream, String> {
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
                "the daemon did not answer on {} within {} s; its log is {}",
                places.socket.display(),
                START_WAIT.as_secs(),
                super::log_file()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `ncsh --daemon` in a session of its own, so that the terminal's signals and hang-up never reach
/// it, in `/` so that it keeps no directory of the shell's busy, and with no signal blocked: a
/// thread that blocks them for a signalfd (the hybrid runtime's, the neural computer's) would
/// otherwise pass on a daemon that no SIGTERM can stop.
fn spawn_daemon() -> Result<Child, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find ncsh itself: {e}"))?;
    let mut command = Command::new(exe);
    command
        .arg("--daemon")
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // A relative NCSH_HOME names the directory under where this shell is, not under `/`.
    if let Some(home) = crate::paths::ncsh_home() {
        command.env("NCSH_HOME", home);
    }
    // SAFETY: setsid and sigprocmask are async-signal-safe and touch no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            nix::sys::signal::SigSet::empty()
                .thread_set_mask()
                .map_err(std::io::Error::from)?;
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
