//! `ncsh --daemon`: owns the store and answers shells on a Unix socket.
//!
//! One daemon per user: it holds an exclusive lock on `daemon.lock`, so a second one started at the
//! same moment (two shells starting together) sees the lock and leaves quietly once the first
//! answers. The socket is made only while the lock is held, so a socket file left by a daemon that
//! died is stale for certain and is replaced. Each shell gets a thread, and updates from many shells
//! run side by side: verifying one (which may run its contract examples) never makes another shell
//! wait.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
use store::Store;

use super::Places;
use super::protocol::{Header, PROTOCOL, Reply, Request, Response};

/// How long the daemon stays up after its last shell disconnects, unless `NCSH_DAEMON_IDLE_SECS`
/// says otherwise.
const IDLE_EXIT: Duration = Duration::from_secs(300);

/// How long a daemon that finds the lock taken waits for its holder to answer or to finish exiting.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Shells connected now, and since when none has been.
struct Presence {
    clients: usize,
    idle_since: Instant,
}

/// The daemon's shared state.
pub(super) struct Daemon {
    pub store: Store,
    /// Read-held by each request until its reply is written, write-held by an exit, so that no
    /// update is cut off between landing and being acknowledged.
    requests: RwLock<()>,
    presence: Mutex<Presence>,
    socket: PathBuf,
    pub started: Instant,
    pub idle_exit: Duration,
}

impl Daemon {
    fn presence(&self) -> MutexGuard<'_, Presence> {
        self.presence.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Shells connected now.
    pub fn clients(&self) -> usize {
        self.presence().clients
    }

    /// Ends the daemon: removes the socket so that no shell connects, waits for the requests in
    /// flight to be answered, and exits. Every update was flushed when it landed.
    fn exit(&self, why: &str) -> ! {
        let _ = std::fs::remove_file(&self.socket);
        let _no_request_in_flight = self.requests.write();
        let _ = self.store.flush();
        tracing::info!("daemon exits: {why}");
        std::process::exit(0)
    }
}

/// Counts a shell as connected for as long as it lives, however its thread ends.
struct Connected<'a>(&'a Daemon);

impl<'a> Connected<'a> {
    fn new(daemon: &'a Daemon) -> Self {
        daemon.presence().clients += 1;
        Connected(daemon)
    }
}

impl Drop for Connected<'_> {
    fn drop(&mut self) {
        let mut presence = self.0.presence();
        presence.clients -= 1;
        if presence.clients == 0 {
            presence.idle_since = Instant::now();
        }
    }
}

/// Runs the daemon until it is stopped or idle; returns the exit status when it cannot start.
pub fn run() -> i32 {
    crate::logging::to_state_file("daemon");
    match serve() {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("ncsh daemon: {message}");
            tracing::error!("daemon could not start: {message}");
            1
        }
    }
}

fn serve() -> Result<(), String> {
    let places = Places::find()?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&places.dir)
        .map_err(|e| {
            format!(
                "cannot create {}: {e}; set XDG_RUNTIME_DIR (or NCSH_HOME) to a directory you can write",
                places.dir.display()
            )
        })?;
    places.check_private()?;
    let Some(mut lock) = take_lock(&places)? else {
        println!("another ncsh daemon is running for this user");
        return Ok(());
    };
    let _ = lock.set_len(0);
    let _ = writeln!(*lock, "{}", std::process::id());

    let store_dir = super::store_dir()?;
    std::fs::create_dir_all(&store_dir).map_err(|e| {
        format!(
            "cannot create the store at {}: {e}; set XDG_DATA_HOME (or NCSH_HOME) to a directory you can write",
            store_dir.display()
        )
    })?;
    let store = Store::open(&store_dir).map_err(|e| e.to_string())?;
    let listener = bind(&places)?;
    let idle_exit = std::env::var("NCSH_DAEMON_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(IDLE_EXIT, Duration::from_secs);
    let daemon = Arc::new(Daemon {
        store,
        requests: RwLock::new(()),
        presence: Mutex::new(Presence {
            clients: 0,
            idle_since: Instant::now(),
        }),
        socket: places.socket.clone(),
        started: Instant::now(),
        idle_exit,
    });
    tracing::info!(
        pid = std::process::id(),
        "daemon listening on {}",
        places.socket.display()
    );
    watch_idle(&daemon);

    let me = nix::unistd::geteuid();
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        match getsockopt(&stream, PeerCredentials) {
            Ok(peer) if peer.uid() == me.as_raw() => {}
            Ok(peer) => {
                tracing::warn!(uid = peer.uid(), "refused a peer of another user");
                refuse(
                    stream,
                    &format!("the daemon serves uid {me} only, not uid {}", peer.uid()),
                );
                continue;
            }
            Err(e) => {
                refuse(stream, &format!("cannot tell who you are: {e}"));
                continue;
            }
        }
        let daemon = Arc::clone(&daemon);
        std::thread::spawn(move || {
            let _connected = Connected::new(&daemon);
            serve_shell(&daemon, stream);
        });
    }
    Ok(())
}

/// The daemon lock, or `None` when another daemon holds it and answers. The kernel drops a flock when
/// its holder dies, so a daemon killed with SIGKILL never leaves the store locked; one that is
/// exiting holds it a moment longer, which this waits out.
fn take_lock(places: &Places) -> Result<Option<Flock<File>>, String> {
    let deadline = Instant::now() + LOCK_WAIT;
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&places.lock)
        .map_err(|e| format!("cannot open {}: {e}", places.lock.display()))?;
    loop {
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => return Ok(Some(lock)),
            Err((_, nix::errno::Errno::EWOULDBLOCK))
                if UnixStream::connect(&places.socket).is_ok() =>
            {
                return Ok(None);
            }
            Err((back, nix::errno::Errno::EWOULDBLOCK)) if Instant::now() < deadline => {
                file = back;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
                let holder = places.daemon_pid();
                return Err(format!(
                    "process {holder} holds {} but does not answer on {}; end it (`kill {holder}`) and try again",
                    places.lock.display(),
                    places.socket.display(),
                ));
            }
            Err((_, e)) => return Err(format!("cannot lock {}: {e}", places.lock.display())),
        }
    }
}

/// Binds the socket, replacing a stale one, readable and writable by this user only.
fn bind(places: &Places) -> Result<UnixListener, String> {
    match std::fs::remove_file(&places.socket) {
        Ok(()) => tracing::info!("removed a stale socket {}", places.socket.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(format!(
                "cannot remove the stale socket {}: {e}",
                places.socket.display()
            ));
        }
    }
    let listener = UnixListener::bind(&places.socket)
        .map_err(|e| format!("cannot listen on {}: {e}", places.socket.display()))?;
    std::fs::set_permissions(&places.socket, Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", places.socket.display()))?;
    Ok(listener)
}

/// Exits once no shell has been connected for the idle time.
fn watch_idle(daemon: &Arc<Daemon>) {
    let daemon = Arc::clone(daemon);
    let tick = Duration::from_millis(500)
        .min(daemon.idle_exit)
        .max(Duration::from_millis(10));
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(tick);
            let presence = daemon.presence();
            if presence.clients == 0 && presence.idle_since.elapsed() >= daemon.idle_exit {
                // Held through the exit's first step, removing the socket, so that no shell is
                // counted in between; one already in the listen queue sees the daemon go.
                let _ = std::fs::remove_file(&daemon.socket);
                drop(presence);
                daemon.exit("no shell for the idle time");
            }
        }
    });
}

fn refuse(mut stream: UnixStream, why: &str) {
    let response = Response {
        protocol: PROTOCOL,
        result: Err(why.to_owned()),
    };
    if let Ok(line) = serde_json::to_string(&response) {
        let _ = writeln!(stream, "{line}");
    }
}

/// Whether `line` is a stop request, in any protocol version (its form never changes).
fn is_stop(line: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| v["call"] == "Stop")
}

/// Answers one shell's requests until it disconnects.
fn serve_shell(daemon: &Daemon, stream: UnixStream) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let actor = crate::paths::user_name(nix::unistd::geteuid());
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if is_stop(&line) {
            let response = Response {
                protocol: PROTOCOL,
                result: Ok(Reply::Stopping),
            };
            if let Ok(text) = serde_json::to_string(&response) {
                let _ = writeln!(writer, "{text}");
            }
            daemon.exit("asked to stop");
        }
        let in_flight = daemon.requests.read().unwrap_or_else(|p| p.into_inner());
        let result = match serde_json::from_str::<Header>(&line) {
            Ok(header) if header.protocol != PROTOCOL => Err(format!(
                "this shell speaks daemon protocol {}, the running daemon {PROTOCOL}: \
                 run `daemon stop` (a new daemon starts with the next shell that needs one), \
                 or use an ncsh of the same version",
                header.protocol
            )),
            _ => match serde_json::from_str::<Request>(&line) {
                Ok(request) => super::handle::answer(daemon, &actor, request.call),
                Err(e) => Err(format!("a request the daemon cannot read: {e}")),
            },
        };
        let response = Response {
            protocol: PROTOCOL,
            result,
        };
        let sent = serde_json::to_string(&response)
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(writer, "{text}"));
        drop(in_flight);
        if sent.is_err() {
            return;
        }
    }
}
