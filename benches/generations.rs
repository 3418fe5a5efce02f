//! Generation benchmarks, each beside its peer in the same run, medians reported:
//!
//! - install latency: `cap install` end to end (`ncsh -c`, through the running daemon) beside
//!   `ncsh -c true` (the same process start, no update), and `Updates::install` in-process;
//! - rollback latency with 10 vs 10,000 generations of history (goal: the same within noise);
//! - durable audit appends per second beside appends to a plain file with `fdatasync` after each (the
//!   floor for a durable append on this disk);
//! - opening a store (which copies its files aside first, kept where the open finds damage) beside
//!   sled opening the same files.
//!
//! Run with `cargo bench --bench generations` (release build). Everything happens in temporary
//! directories.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use policy::{Grant, Manifest, Structural, Updates};
use store::{CapabilityRef, Draft, Store};

const INSTALLS: usize = 40;
const ROLLBACKS: usize = 200;
const APPEND_TIME: Duration = Duration::from_secs(3);
const OPENS: usize = 20;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello")
}

/// A manifest for the example capability under `name`, in `dir`.
fn manifest(dir: &Path, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(example().join("hello.toml")).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        text.replace("name = \"hello\"", &format!("name = \"{name}\"")),
    )
    .unwrap();
    path
}

fn ncsh(home: &Path, script: &str) -> Duration {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_ncsh"))
        .args(["-c", script])
        .env("NCSH_HOME", home)
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "`{script}` failed");
    start.elapsed()
}

fn install_latency() {
    let home = tempfile::tempdir().unwrap();
    std::fs::copy(example().join("hello.wasm"), home.path().join("hello.wasm")).unwrap();
    ncsh(home.path(), "gen list"); // starts the daemon
    let (mut installs, mut baseline) = (Vec::new(), Vec::new());
    for i in 0..INSTALLS {
        let path = manifest(home.path(), &format!("c{i}"));
        installs.push(ncsh(
            home.path(),
            &format!("cap install {} --yes", path.display()),
        ));
        baseline.push(ncsh(home.path(), "true"));
    }
    ncsh(home.path(), "daemon stop");

    let store_dir = tempfile::tempdir().unwrap();
    let store = Store::open(store_dir.path()).unwrap();
    let updates = Updates::new(&store, &Structural, "bench");
    let in_process: Vec<Duration> = (0..INSTALLS)
        .map(|i| {
            let manifest = Manifest::load(&manifest(home.path(), &format!("d{i}"))).unwrap();
            let grant = Grant::from_manifest(&manifest);
            let start = Instant::now();
            updates.install(&manifest, &grant).unwrap();
            start.elapsed()
        })
        .collect();

    let (install, base) = (median(installs), median(baseline));
    println!("install latency, median of {INSTALLS}:");
    println!(
        "  ncsh -c 'cap install … --yes' (daemon running)  {}",
        ms(install)
    );
    println!(
        "  ncsh -c true (peer: same start, no update)      {}",
        ms(base)
    );
    println!(
        "  ratio                                           {:.2}",
        install.as_secs_f64() / base.as_secs_f64()
    );
    println!(
        "  Updates::install in-process (verify + commit)   {}",
        ms(median(in_process))
    );
}

/// A store with `n` generations, each made from the one before.
fn history(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let blob = store.put_blob(b"bench").unwrap();
    for i in 1..n {
        let parent = store.current().unwrap();
        let mut contents = store.generation(parent).unwrap().contents;
        let capability = CapabilityRef {
            version: "1.0.0".into(),
            manifest: blob,
            wasm: blob,
            grant: blob,
        };
        contents
            .capabilities
            .insert(format!("c{}", i % 50), capability);
        contents.policy_rules.insert("step".into(), i.to_string());
        let draft = Draft {
            parent,
            actor: "bench".into(),
            reason: "history".into(),
            contents,
        };
        store.commit(&draft, "install", "history").unwrap();
    }
    (dir, store)
}

/// Median time of a rollback to the parent and of one back to the later generation.
fn rollback_median(store: &Store) -> Duration {
    let top = store.current().unwrap();
    let samples = (0..ROLLBACKS)
        .map(|i| {
            let to = if i % 2 == 0 { None } else { Some(top) };
            let start = Instant::now();
            store.rollback(to, "bench").unwrap();
            start.elapsed()
        })
        .collect();
    median(samples)
}

fn rollback_latency() {
    let (_small_dir, small) = history(10);
    let (_large_dir, large) = history(10_000);
    let (a, b) = (rollback_median(&small), rollback_median(&large));
    println!("rollback latency, median of {ROLLBACKS}:");
    println!("  10 generations       {}", ms(a));
    println!("  10,000 generations   {}", ms(b));
    println!(
        "  ratio 10,000 / 10    {:.2}",
        b.as_secs_f64() / a.as_secs_f64()
    );
}

fn appends_per_second() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    let start = Instant::now();
    let mut audit = 0u64;
    while start.elapsed() < APPEND_TIME {
        store
            .record_refusal("bench", "install", "x 1.0.0", "bench")
            .unwrap();
        audit += 1;
    }
    let audit_rate = audit as f64 / start.elapsed().as_secs_f64();

    let mut file = std::fs::File::create(dir.path().join("plain.log")).unwrap();
    let start = Instant::now();
    let mut plain = 0u64;
    while start.elapsed() < APPEND_TIME {
        file.write_all(b"{\"seq\":1,\"event\":\"refused\",\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"}\n").unwrap();
        file.sync_data().unwrap();
        plain += 1;
    }
    let plain_rate = plain as f64 / start.elapsed().as_secs_f64();
    println!(
        "durable appends per second, over {} s each:",
        APPEND_TIME.as_secs()
    );
    println!("  audit log (transaction + flush)    {audit_rate:.0}");
    println!("  plain file + fdatasync (peer)      {plain_rate:.0}");
    println!(
        "  ratio                              {:.2}",
        audit_rate / plain_rate
    );
}

/// Opens `dir` with `open`, waiting out the lock that sled lets go of from a background thread a
/// moment after the last open was dropped, and gives the time of the open that got it.
fn timed_open<T, E>(open: impl Fn() -> Result<T, E>) -> Duration {
    loop {
        let start = Instant::now();
        if let Ok(opened) = open() {
            let took = start.elapsed();
            drop(opened);
            return took;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn open_latency() {
    let (dir, store) = history(1_000);
    // A model's weights, the largest blob a store holds.
    store.put_blob(&vec![7u8; 8 << 20]).unwrap();
    drop(store);
    let path = dir.path();
    let size: u64 = walk_size(path);
    let ours = (0..OPENS)
        .map(|_| timed_open(|| Store::open(path)))
        .collect();
    let sled = (0..OPENS)
        .map(|_| timed_open(|| sled::open(path)))
        .collect();
    let (ours, sled) = (median(ours), median(sled));
    println!(
        "opening a store of {:.1} MB (1,000 generations, an 8 MiB blob), median of {OPENS}:",
        size as f64 / 1e6
    );
    println!("  Store::open (files copied aside, checked)   {}", ms(ours));
    println!("  sled::open of the same files (peer)         {}", ms(sled));
    println!(
        "  ratio                                       {:.2}",
        ours.as_secs_f64() / sled.as_secs_f64()
    );
}

/// The bytes of the files under `dir`.
fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                walk_size(&entry.path())
            } else {
                entry.metadata().unwrap().len()
            }
        })
        .sum()
}

fn main() {
    install_latency();
    rollback_latency();
    appends_per_second();
    open_latency();
}
