//! `ncsh --daemon`: owns the store and answers shells on a Unix socket.
//!
//! One daemon per user: it holds an exclusive lock on `daemon.lock`, so a second one started at the
//! same moment (two shells starting together) sees the lock and leaves quietly. The socket is made
//! only while the lock is held, so a socket file left by a daemon that died is stale for certain and
//! is replaced. Each shell gets a thread, and updates from many shells run side by side: verifying
//! one (which may run its contract examples) never makes another shell wait.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
use store::Store;

use super::Places;
use super::protocol::{Header, PROTOCOL, Request, Response};

/// How long the daemon stays up after its last shell disconnects, unless `NCSH_DAEMON_IDLE_SECS`
/// says otherwise.
const IDLE_EXIT: Duration = Duration::from_secs(300);

/// The daemon's shared state.
pub(super) struct Daemon {
    pub store: Store,
    /// Read-held by each update for its length (updates run side by side: the store prepares an
    /// update again when another lands first), write-held by an exit, so that none is cut off.
    pub updates: RwLock<()>,
    pub clients: AtomicUsize,
    /// When the last shell disconnected.
    pub idle_since: Mutex<Instant>,
    pub started: Instant,
    pub idle_exit: Duration,
}

impl Daemon {
    /// Ends the daemon: waits for the update in flight, removes the socket, and exits. Every update
    /// was flushed when it was acknowledged, so there is nothing else to save.
    pub fn exit(&self, socket: &std::path::Path, why: &str) -> ! {
        let _no_update_in_flight = self.updates.write();
        let _ = std::fs::remove_file(socket);
        let _ = self.store.flush();
        tracing::info!("daemon exits: {why}");
        std::process::exit(0)
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
        .map_err(|e| format!("cannot create {}: {e}", places.dir.display()))?;
    let Some(mut lock) = take_lock(&places)? else {
        println!("another ncsh daemon is running for this user");
        return Ok(());
    };
    let _ = lock.set_len(0);
    let _ = writeln!(*lock, "{}", std::process::id());

    let store_dir = super::store_dir()?;
    std::fs::create_dir_all(&store_dir)
        .map_err(|e| format!("cannot create {}: {e}", store_dir.display()))?;
    let store = Store::open(&store_dir).map_err(|e| e.to_string())?;
    let listener = bind(&places)?;
    let idle_exit = std::env::var("NCSH_DAEMON_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(IDLE_EXIT, Duration::from_secs);
    let daemon = Arc::new(Daemon {
        store,
        updates: RwLock::new(()),
        clients: AtomicUsize::new(0),
        idle_since: Mutex::new(Instant::now()),
        started: Instant::now(),
        idle_exit,
    });
    tracing::info!(
        pid = std::process::id(),
        "daemon listening on {}",
        places.socket.display()
    );
    watch_idle(&daemon, places.socket.clone());

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
        let socket = places.socket.clone();
        daemon.clients.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            serve_shell(&daemon, stream, &socket);
            if daemon.clients.fetch_sub(1, Ordering::SeqCst) == 1
                && let Ok(mut since) = daemon.idle_since.lock()
            {
                *since = Instant::now();
            }
        });
    }
    Ok(())
}

/// The daemon lock, or `None` when another live daemon holds it. The kernel drops a flock when its
/// holder dies, so a daemon killed with SIGKILL never leaves the store locked.
fn take_lock(places: &Places) -> Result<Option<Flock<File>>, String> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&places.lock)
        .map_err(|e| format!("cannot open {}: {e}", places.lock.display()))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(lock)),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, e)) => Err(format!("cannot lock {}: {e}", places.lock.display())),
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
fn watch_idle(daemon: &Arc<Daemon>, socket: std::path::PathBuf) {
    let daemon = Arc::clone(daemon);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(500).min(daemon.idle_exit));
            let idle_for = daemon
                .idle_since
                .lock()
                .map(|s| s.elapsed())
                .unwrap_or_default();
            if daemon.clients.load(Ordering::SeqCst) == 0 && idle_for >= daemon.idle_exit {
                daemon.exit(&socket, "no shell for the idle time");
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

/// Answers one shell's requests until it disconnects.
fn serve_shell(daemon: &Daemon, stream: UnixStream, socket: &std::path::Path) {
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
        let (result, stop) = match serde_json::from_str::<Header>(&line) {
            Ok(header) if header.protocol != PROTOCOL => (
                Err(format!(
                    "this shell speaks daemon protocol {}, the running daemon {PROTOCOL}: \
                     run `daemon stop` (a new daemon starts with the next update) or use a shell of the same version",
                    header.protocol
                )),
                false,
            ),
            _ => match serde_json::from_str::<Request>(&line) {
                Ok(request) => {
                    let stop = matches!(request.call, super::protocol::Call::Stop);
                    (super::handle::answer(daemon, &actor, request.call), stop)
                }
                Err(e) => (Err(format!("a request the daemon cannot read: {e}")), false),
            },
        };
        let response = Response {
            protocol: PROTOCOL,
            result,
        };
        let sent = serde_json::to_string(&response)
            .map_err(std::io::Error::other)
            .and_then(|text| writeln!(writer, "{text}"));
        if stop {
            daemon.exit(socket, "asked to stop");
        }
        if sent.is_err() {
            return;
        }
    }
}
