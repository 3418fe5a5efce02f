//! Crash safety: a writer killed with SIGKILL at random moments during installs leaves a store that
//! opens, whose audit chain verifies, and whose current generation is exactly the last acknowledged one
//! or the one being written when it died.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use store::Store;

const ITERATIONS: usize = 200;
const WRITER_ENV: &str = "NCSH_STORE_CRASH_WRITER";

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

/// A small deterministic generator, so that a failing run can be repeated from its seed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn kill_9_during_installs_leaves_the_old_or_the_new_generation() {
    if let Ok(dir) = std::env::var(WRITER_ENV) {
        writer(&dir);
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut random = XorShift(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_owned();
    let mut last_acknowledged = Store::open(dir.path()).unwrap().current().unwrap();

    for iteration in 0..ITERATIONS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "kill_9_during_installs_leaves_the_old_or_the_new_generation",
                "--nocapture",
            ])
            .env(WRITER_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Wait until the writer holds the store, then let it write for a random moment.
        for line in lines.by_ref() {
            if line.unwrap() == "ready" {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(random.below(20_000)));
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
        child.wait().unwrap();
        for line in lines.map_while(Result::ok) {
            if let Ok(id) = line.parse() {
                last_acknowledged = id;
            }
        }

        let store = Store::open(dir.path())
            .unwrap_or_else(|e| panic!("iteration {iteration} (seed {seed}): {e}"));
        store
            .verify()
            .unwrap_or_else(|e| panic!("iteration {iteration} (seed {seed}): {e}"));
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
