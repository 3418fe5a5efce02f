//! The sandbox with real wasmtime and real guests: the probe and calc built from `guests/`, and
//! hand-written adversarial modules. Each hostile guest is stopped with a clear message and the
//! process goes on.

use std::path::Path;
use std::sync::{Arc, Mutex};

use policy::Grant;
use policy::manifest::{Kind, Limits, Permissions};
use symbolic::{Deterministic, ExecError, Executor, Input, Invocation, Outcome, Sink, Stop};

const PROBE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/probe.wasm"));

/// What a run printed, and how it ended.
struct Ran {
    stdout: String,
    stderr: String,
    outcome: Outcome,
}

fn run_with(
    wasm: &[u8],
    args: &[&str],
    grant: &Grant,
    limits: &Limits,
    stdin: Input,
    deterministic: Option<Deterministic>,
) -> Ran {
    let executor = Executor::get().unwrap();
    let program = executor.compile(wasm, Kind::Module).unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let err = Arc::new(Mutex::new(Vec::new()));
    let invocation = Invocation {
        name: "probe".into(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        stdin,
        stdout: Sink::Memory(out.clone()),
        stderr: Sink::Memory(err.clone()),
        env: vec![
            ("LANG".into(), "C".into()),
            ("SECRET".into(), "hunter2".into()),
        ],
        deterministic,
    };
    let outcome = executor.run(&program, invocation, grant, limits).unwrap();
    let text = |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
    Ran {
        stdout: text(&out),
        stderr: text(&err),
        outcome,
    }
}

fn run(wasm: &[u8], args: &[&str], grant: &Grant) -> Ran {
    run_with(wasm, args, grant, &Limits::default(), Input::Closed, None)
}

fn grant(read: &[&Path], write: &[&Path], env: &[&str], stdin: bool) -> Grant {
    Grant::from(Permissions {
        read: read.iter().map(|p| p.canonicalize().unwrap()).collect(),
        write: write.iter().map(|p| p.canonicalize().unwrap()).collect(),
        env: env.iter().map(|e| (*e).to_owned()).collect(),
        stdin,
        network: false,
    })
}

#[test]
fn args_are_passed_exactly_and_only_granted_env_and_stdin_reach_the_guest() {
    let none = Grant::default();
    let ran = run(PROBE, &["args", "a b", "*", "$HOME"], &none);
    assert_eq!(ran.stdout, "[\"args\", \"a b\", \"*\", \"$HOME\"]\n");
    assert_eq!(
        run(PROBE, &["env", "SECRET"], &none).stdout,
        "SECRET unset\n"
    );
    let lang = grant(&[], &[], &["LANG"], false);
    assert_eq!(run(PROBE, &["env", "LANG"], &lang).stdout, "LANG=C\n");
    assert_eq!(
        run(PROBE, &["env", "SECRET"], &lang).stdout,
        "SECRET unset\n"
    );

    let limits = Limits::default();
    let denied = run_with(
        PROBE,
        &["stdin"],
        &none,
        &limits,
        Input::Bytes(b"typed".to_vec()),
        None,
    );
    assert_eq!(
        denied.stdout, "",
        "stdin reached a guest without a stdin grant"
    );
    let stdin = grant(&[], &[], &[], true);
    let allowed = run_with(
        PROBE,
        &["stdin"],
        &stdin,
        &limits,
        Input::Bytes(b"typed".to_vec()),
        None,
    );
    assert_eq!(allowed.stdout, "TYPED");
}

#[test]
fn files_are_reachable_only_inside_granted_directories_with_their_permissions() {
    let root = tempfile::tempdir().unwrap();
    let inside = root.path().join("inside");
    std::fs::create_dir(&inside).unwrap();
    std::fs::write(inside.join("note"), "inside\n").unwrap();
    std::fs::write(root.path().join("secret"), "outside\n").unwrap();
    std::os::unix::fs::symlink(root.path().join("secret"), inside.join("escape")).unwrap();
    let inside = inside.canonicalize().unwrap();
    let at = |name: &str| inside.join(name).display().to_string();

    let read_only = grant(&[&inside], &[], &[], false);
    assert_eq!(
        run(PROBE, &["read", &at("note")], &read_only).stdout,
        "read ok: inside\n"
    );
    for path in [
        at("../secret"),
        root.path().join("secret").display().to_string(),
        at("escape"),
        "/etc/passwd".to_owned(),
    ] {
        let ran = run(PROBE, &["read", &path], &read_only);
        assert!(
            ran.stdout.starts_with("read denied"),
            "{path}: {}",
            ran.stdout
        );
        assert_eq!(ran.outcome.status, 1);
    }
    // ncsh.lstat, the host's one addition to WASI, answers inside the grant and nowhere else: not
    // through `..`, an absolute path elsewhere, or a symlinked directory that leads out.
    std::os::unix::fs::symlink(root.path(), inside.join("up")).unwrap();
    let ran = run(PROBE, &["lstat", &at("note")], &read_only);
    assert!(
        ran.stdout.starts_with("lstat ok: 33188\t1\t"),
        "{}",
        ran.stdout
    );
    for path in [
        at("../secret"),
        root.path().join("secret").display().to_string(),
        at("up/secret"),
        "/etc/passwd".to_owned(),
    ] {
        let ran = run(PROBE, &["lstat", &path], &read_only);
        assert_eq!(ran.stdout, "lstat denied: -1\n", "{path}");
    }
    let ran = run(PROBE, &["write", &at("new")], &read_only);
    assert!(ran.stdout.starts_with("write denied"), "{}", ran.stdout);
    assert!(
        !inside.join("new").exists(),
        "a read-only grant let the guest write"
    );

    let read_write = grant(&[], &[&inside], &[], false);
    assert_eq!(
        run(PROBE, &["write", &at("new")], &read_write).stdout,
        "write ok\n"
    );
    assert_eq!(
        std::fs::read_to_string(inside.join("new")).unwrap(),
        "written by probe\n"
    );
    let ran = run(PROBE, &["write", &at("../planted")], &read_write);
    assert!(ran.stdout.starts_with("write denied"), "{}", ran.stdout);
    assert!(!root.path().join("planted").exists());
}

#[test]
fn an_infinite_loop_is_stopped_by_wall_time() {
    let spin = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
    )
    .unwrap();
    let limits = Limits {
        wall_ms: 200,
        ..Limits::default()
    };
    let started = std::time::Instant::now();
    let ran = run_with(&spin, &[], &Grant::default(), &limits, Input::Closed, None);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(ran.outcome.stopped, Some(Stop::WallTime(200)));
    assert_eq!(ran.outcome.status, 124);
    assert_eq!(
        ran.outcome.stopped.unwrap().message("spin"),
        "spin: stopped after 200 ms (limit from its grant)"
    );
}

#[test]
fn a_memory_bomb_is_stopped_at_the_memory_limit() {
    let bomb = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (func (export "_start") (loop (br_if 0 (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))))"#,
    )
    .unwrap();
    let limits = Limits {
        memory_mb: 8,
        ..Limits::default()
    };
    let ran = run_with(&bomb, &[], &Grant::default(), &limits, Input::Closed, None);
    assert_eq!(ran.outcome.stopped, Some(Stop::Memory(8)));
    assert_eq!(ran.outcome.status, 126);
}

#[test]
fn a_flood_of_output_is_cut_at_the_output_limit() {
    let limits = Limits {
        max_output_kb: 64,
        ..Limits::default()
    };
    let ran = run_with(
        PROBE,
        &["flood"],
        &Grant::default(),
        &limits,
        Input::Closed,
        None,
    );
    assert_eq!(ran.outcome.stopped, Some(Stop::Output(64)));
    assert_eq!(ran.outcome.status, 141);
    assert_eq!(ran.stdout.len(), 64 * 1024);
}

#[test]
fn fuel_bounds_a_run_when_the_grant_meters_it() {
    let spin = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
    )
    .unwrap();
    let limits = Limits {
        fuel: Some(1_000_000),
        ..Limits::default()
    };
    let ran = run_with(&spin, &[], &Grant::default(), &limits, Input::Closed, None);
    assert_eq!(ran.outcome.stopped, Some(Stop::Fuel));
    assert_eq!(ran.outcome.status, 125);
}

#[test]
fn a_trap_or_a_panic_in_the_guest_is_reported_and_contained() {
    let ran = run(PROBE, &["panic"], &Grant::default());
    assert_eq!(ran.outcome.status, 134, "{ran:?}", ran = ran.outcome);
    assert!(
        ran.stderr.contains("probe was asked to panic"),
        "{}",
        ran.stderr
    );
    let unreachable = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#,
    )
    .unwrap();
    let ran = run(&unreachable, &[], &Grant::default());
    assert!(
        matches!(ran.outcome.stopped, Some(Stop::Trap(ref why)) if why.contains("unreachable")),
        "{:?}",
        ran.outcome
    );
}

#[test]
fn malformed_modules_and_unknown_imports_are_refused_before_they_run() {
    let executor = Executor::get().unwrap();
    let garbage = executor
        .compile(b"\0asm\x01\0\0\0garbage", Kind::Module)
        .err()
        .unwrap();
    assert!(matches!(garbage, ExecError::Compile(_)), "{garbage}");
    let unknown = wat::parse_str(
        r#"(module (import "env" "launch_missiles" (func)) (func (export "_start")))"#,
    )
    .unwrap();
    let err = executor.compile(&unknown, Kind::Module).err().unwrap();
    assert!(err.to_string().contains("launch_missiles"), "{err}");
}

#[test]
fn a_deterministic_run_gives_the_same_bytes_and_fuel_every_time() {
    let limits = Limits::default();
    let deterministic = Some(Deterministic {
        seed: 7,
        fuel: 50_000_000,
    });
    let runs: Vec<(String, u64)> = (0..3)
        .map(|_| {
            let clock = run_with(
                PROBE,
                &["clock"],
                &Grant::default(),
                &limits,
                Input::Closed,
                deterministic,
            );
            let random = run_with(
                PROBE,
                &["random"],
                &Grant::default(),
                &limits,
                Input::Closed,
                deterministic,
            );
            (
                clock.stdout + &random.stdout,
                clock.outcome.fuel_used + random.outcome.fuel_used,
            )
        })
        .collect();
    assert!(runs.iter().all(|r| *r == runs[0]), "{runs:?}");
    assert!(runs[0].1 > 0);
    // A different seed gives different randomness; the real clock is not the virtual one.
    let other = run_with(
        PROBE,
        &["random"],
        &Grant::default(),
        &limits,
        Input::Closed,
        Some(Deterministic {
            seed: 8,
            fuel: 50_000_000,
        }),
    );
    assert!(
        !runs[0].0.ends_with(&other.stdout),
        "the seed made no difference"
    );
    let real = run(PROBE, &["clock"], &Grant::default());
    assert_ne!(
        real.stdout,
        runs[0].0.lines().next().unwrap().to_owned() + "\n"
    );
}

#[test]
fn the_process_goes_on_after_every_hostile_guest() {
    // Whatever ran before in this process, a plain run still works.
    let ran = run(PROBE, &["args", "still", "here"], &Grant::default());
    assert_eq!(
        ran.outcome,
        Outcome {
            status: 0,
            fuel_used: ran.outcome.fuel_used,
            stopped: None
        }
    );
}

#[test]
fn the_committed_guests_are_what_their_sources_build_to() {
    for guest in ["calc", "fs", "probe"] {
        let built =
            std::fs::read(Path::new(env!("OUT_DIR")).join(format!("{guest}.wasm"))).unwrap();
        let committed = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("guests/prebuilt/{guest}.wasm")),
        )
        .unwrap();
        assert!(
            built == committed,
            "guests/prebuilt/{guest}.wasm differs from what guests/{guest}.rs builds to: copy the \
             build's {guest}.wasm (in target/*/build/symbolic-*/out) over it"
        );
    }
}

#[test]
fn a_wasi_p2_command_component_runs_and_its_result_is_the_status() {
    let component = |ok: bool| {
        wat::parse_str(format!(
            r#"(component
                 (core module $m (func (export "run") (result i32) i32.const {}))
                 (core instance $i (instantiate $m))
                 (func $run (result (result)) (canon lift (core func $i "run")))
                 (instance $cli (export "run" (func $run)))
                 (export "wasi:cli/run@0.2.0" (instance $cli)))"#,
            if ok { 0 } else { 1 }
        ))
        .unwrap()
    };
    let executor = Executor::get().unwrap();
    for (ok, status) in [(true, 0), (false, 1)] {
        let program = executor.compile(&component(ok), Kind::Component).unwrap();
        let invocation = Invocation {
            name: "component".into(),
            args: vec![],
            stdin: Input::Closed,
            stdout: Sink::Discard,
            stderr: Sink::Discard,
            env: vec![],
            deterministic: None,
        };
        let outcome = executor
            .run(&program, invocation, &Grant::default(), &Limits::default())
            .unwrap();
        assert_eq!(outcome.status, status);
        assert_eq!(outcome.stopped, None);
    }
}

#[test]
fn a_recorded_call_replays_to_the_same_bytes_and_fuel_and_a_changed_one_is_named() {
    use symbolic::replay::{ReplayError, record, replay};
    let executor = Executor::get().unwrap();
    let probe = executor.compile(PROBE, Kind::Module).unwrap();
    let grant = grant(&[], &[], &[], true);
    let limits = Limits::default();
    let deterministic = Deterministic {
        seed: 42,
        fuel: 100_000_000,
    };
    for args in [&["random"][..], &["clock"], &["stdin"]] {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let inputs = symbolic::InMemory {
            name: "probe",
            args: &args,
            stdin: b"typed",
            env: &[],
        };
        let call = record(executor, &probe, inputs, deterministic, &grant, &limits).unwrap();
        assert!(!call.stdout.is_empty() && call.fuel_used > 0);
        // Through JSON, as a record is kept.
        let kept: symbolic::replay::RecordedCall =
            serde_json::from_str(&serde_json::to_string(&call).unwrap()).unwrap();
        replay(executor, &probe, &kept, &grant, &limits).unwrap();

        let mut changed = kept.clone();
        changed.stdout.push(b'!');
        let err = replay(executor, &probe, &changed, &grant, &limits).unwrap_err();
        assert!(
            matches!(err, ReplayError::Mismatch(ref m) if m.what == "stdout"),
            "{err}"
        );
        let mut changed = kept.clone();
        changed.fuel_used += 1;
        let err = replay(executor, &probe, &changed, &grant, &limits).unwrap_err();
        assert!(
            err.to_string()
                .contains("differs from its record in fuel used"),
            "{err}"
        );
    }
}
