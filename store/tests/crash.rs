//! Crash safety: a writer killed with SIGKILL at random moments during installs leaves a store that
//! opens, whose audit chain verifies, and whose current generation is exactly the last acknowledged one
//! or the one being written when it died. With several threads writing at once, it still opens: it
//! is never taken for a store whose files were cut short.

mod common;

use std::io::{BufRead, BufReader, Lines};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use store::Store;

const ITERATIONS: usize = 200;
const WRITER_ENV: &str = "NCSH_STORE_CRASH_WRITER";
const CONCURRENT_WRITER_ENV: &str = "NCSH_STORE_CRASH_CONCURRENT_WRITER";
const WRITER_THREADS: usize = 4;

/// The child: installs one capability after another, printing each generation once it is durable.
fn writer(dir: &str) -> ! {
    let store = Store::open(std::path::Path::new(dir)).expect("the writer opens the store");
    println!("ready");
    loop {
        let next = store.generation(store.current().unwrap()).unwrap();
        let name = format!("cap{}", next.contents.capabilities.len());
        let generation = common::install(&store, &name, "writer").unwrap();
        println!("{}", generation.id);
    }
}

/// The child with several threads: each installs one capability after another, preparing an update
/// that lost the race to another thread again, as the daemon's requests do.
fn concurrent_writer(dir: &str) -> ! {
    let store = Store::open(std::path::Path::new(dir)).expect("the writer opens the store");
    println!("ready");
    std::thread::scope(|scope| {
        for thread in 0..WRITER_THREADS {
            let store = &store;
            scope.spawn(move || {
                for n in 0.. {
                    let name = format!("t{thread}-{n}");
                    while let Err(e) = common::install(store, &name, "writer") {
                        assert!(matches!(e, store::StoreError::Moved { .. }), "{e}");
                    }
                }
            });
        }
    });
    unreachable!("the writers never stop")
}

/// A small deterministic generator, so that a failing run can be repeated from its seed.
struct XorShift(u64);

impl XorShift {
    /// Seeded from the clock; a failure prints the seed.
    fn from_clock() -> (Self, u64) {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1;
        (Self(seed), seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Starts this test binary as a writer of `dir`: `test` is the test that turns into one when `env`
/// is set. Returns once the writer holds the store, with what it prints after.
fn start_writer(test: &str, env: &str, dir: &str) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture"])
        .env(env, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap() == "ready" {
            break;
        }
    }
    (child, lines)
}

/// The store in `dir` opened again after a kill, its audit chain verified; a failure names `when`.
fn reopened(dir: &std::path::Path, when: &str) -> Store {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("{when}: {e}"));
    store.verify().unwrap_or_else(|e| panic!("{when}: {e}"));
    store
}

fn kill_9(child: &mut Child) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    child.wait().unwrap();
}

#[test]
fn kill_9_during_installs_leaves_the_old_or_the_new_generation() {
    if let Ok(dir) = std::env::var(WRITER_ENV) {
        writer(&dir);
    }
    let (mut random, seed) = XorShift::from_clock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_owned();
    let mut last_acknowledged = Store::open(dir.path()).unwrap().current().unwrap();

    for iteration in 0..ITERATIONS {
        let (mut child, lines) = start_writer(
            "kill_9_during_installs_leaves_the_old_or_the_new_generation",
            WRITER_ENV,
            &path,
        );
        // Let it write for a random moment.
        std::thread::sleep(Duration::from_micros(random.below(20_000)));
        kill_9(&mut child);
        for line in lines.map_while(Result::ok) {
            if let Ok(id) = line.parse() {
                last_acknowledged = id;
            }
        }

        let store = reopened(dir.path(), &format!("iteration {iteration} (seed {seed})"));
        let current = store.current().unwrap();
        assert!(
            current == last_acknowledged || current == last_acknowledged + 1,
            "iteration {iteration} (seed {seed}): current is {current}, last acknowledged {last_acknowledged}"
        );
        // The generation current names is whole: one more capability than its parent.
        let generation = store.generation(current).unwrap();
        assert_eq!(generation.contents.capabilities.len() as u64, current - 1);
        last_acknowledged = current;
    }
    // Otherwise the kills did not land while installs were being written.
    assert!(
        last_acknowledged > ITERATIONS as u64 / 4,
        "only {last_acknowledged} generations were written in {ITERATIONS} runs"
    );
}

#[test]
fn kill_9_during_installs_from_several_threads_leaves_a_store_that_opens() {
    if let Ok(dir) = std::env::var(CONCURRENT_WRITER_ENV) {
        concurrent_writer(&dir);
    }
    let (mut random, seed) = XorShift::from_clock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_owned();
    drop(Store::open(dir.path()).unwrap());
    for iteration in 0..ITERATIONS / 2 {
        let (mut child, _) = start_writer(
            "kill_9_during_installs_from_several_threads_leaves_a_store_that_opens",
            CONCURRENT_WRITER_ENV,
            &path,
        );
        std::thread::sleep(Duration::from_micros(random.below(20_000)));
        kill_9(&mut child);
        reopened(dir.path(), &format!("iteration {iteration} (seed {seed})"));
    }
    let current = Store::open(dir.path()).unwrap().current().unwrap();
    assert!(
        current > ITERATIONS as u64 / 8,
        "only {current} generations were written in {} runs",
        ITERATIONS / 2
    );
}
