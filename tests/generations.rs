//! Generations through the shell: `cap`, `gen`, `audit` and `daemon` run in real ncsh processes that
//! share one real daemon and one real store in a temporary `NCSH_HOME`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Home, Terminal, eventually};
use store::{AuditEvent, Store};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello")
}

/// A copy of the example capability named `name` in `dir`, after `edit` on its manifest text.
fn capability(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(example_dir().join("hello.toml")).unwrap();
    let text = text.replace("name = \"hello\"", &format!("name = \"{name}\""));
    std::fs::copy(example_dir().join("hello.wasm"), dir.join("hello.wasm")).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// The number after "generation " in an update's report.
fn generation_in(report: &str) -> u64 {
    let after = report
        .split("generation ")
        .nth(1)
        .unwrap_or_else(|| panic!("no generation in {report:?}"));
    after
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Runs `script`, expects success, and returns its standard output.
fn ok(home: &Home, script: &str) -> String {
    let (status, out, err) = home.run(script);
    assert_eq!(status, 0, "`{script}` failed:\n{out}{err}");
    out
}

/// Runs `script`, expects failure, and returns its standard error.
fn fails(home: &Home, script: &str) -> String {
    let (status, out, err) = home.run(script);
    assert_ne!(status, 0, "`{script}` succeeded:\n{out}");
    err
}

/// The row of `gen list` for generation `id`.
fn list_row(list: &str, id: u64) -> String {
    list.lines()
        .find(|line| line.starts_with(&format!("│ {id} ")))
        .unwrap_or_else(|| panic!("no generation {id} in\n{list}"))
        .to_owned()
}

/// Stops the daemon and opens the store directly.
fn store_of(home: &Home) -> Store {
    ok(home, "daemon stop");
    Store::open(&home.path().join("data/store")).unwrap()
}

#[test]
fn install_list_rollback_and_back_with_the_audit_log_intact_throughout() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    let hello = hello.display();

    let refusal = fails(&home, &format!("cap install {hello}"));
    assert!(
        refusal.contains("no terminal to confirm on (or it runs in the background), so add --yes"),
        "{refusal}"
    );
    assert!(ok(&home, "cap list").contains("no capabilities in generation 1"));

    let installed = ok(&home, &format!("cap install {hello} --yes"));
    assert!(
        installed.contains("installed hello 1.0.0: generation 2 (from 1) is current"),
        "{installed}"
    );
    let list = ok(&home, "cap list");
    assert!(
        list.contains("capabilities of generation 2") && list.contains("│ hello"),
        "{list}"
    );
    assert!(ok(&home, "audit verify").contains("intact: 2 entries"));

    assert!(ok(&home, "gen rollback").contains("generation 2 -> 1"));
    assert!(list_row(&ok(&home, "gen list"), 1).contains("current"));
    assert!(ok(&home, "cap list").contains("no capabilities in generation 1"));
    assert!(ok(&home, "audit verify").contains("intact: 3 entries"));

    // Back to the later generation by number: rollback goes where it is told, never to "id - 1".
    assert!(ok(&home, "gen rollback 2").contains("generation 1 -> 2"));
    let list = ok(&home, "gen list");
    assert!(list_row(&list, 2).contains("current"), "{list}");
    assert!(!list_row(&list, 1).contains("current"), "{list}");
    assert!(ok(&home, "cap list").contains("│ hello"));
    assert!(ok(&home, "audit verify").contains("intact: 4 entries"));
    assert!(ok(&home, "gen diff 1 2").contains("+ hello 1.0.0"));

    let log = ok(&home, "audit log");
    for event in [
        "install hello 1.0.0: generation 1 -> 2",
        "rollback: generation 2 -> 1",
        "rollback: generation 1 -> 2",
    ] {
        assert!(log.contains(event), "{event:?} missing from\n{log}");
    }
}

#[test]
fn every_builtin_answers_help_on_standard_output() {
    let home = Home::new();
    for command in [
        "cap",
        "gen",
        "audit",
        "daemon",
        "cap install",
        "gen rollback",
        "audit verify",
        "daemon stop",
    ] {
        let out = ok(&home, &format!("{command} --help"));
        assert!(out.contains("Usage:"), "{command} --help:\n{out}");
    }
    // ncsh's `kill` and `wait`, which take brush's place, answer as bash's do.
    for (command, usage) in [("kill", "kill [-s sigspec"), ("wait", "wait [-fn]")] {
        let out = ok(&home, &format!("{command} --help"));
        assert!(out.starts_with(&format!("{command}: {usage}")), "{out}");
    }
    let usage = fails(&home, "gen frobnicate");
    assert!(
        usage.contains("unrecognized subcommand 'frobnicate'"),
        "{usage}"
    );
    assert_eq!(home.run("gen frobnicate").0, 2);
}

#[test]
fn a_bare_wasm_installs_under_its_file_name_with_nothing_granted() {
    let home = Home::new();
    std::fs::copy(
        example_dir().join("hello.wasm"),
        home.path().join("greet.wasm"),
    )
    .unwrap();
    let out = ok(
        &home,
        "cd \"$HOME\" && cap install greet.wasm --yes && cap show greet",
    );
    assert!(out.contains("installed greet 0.1.0"), "{out}");
    assert!(
        out.contains("granted  nothing") && out.contains("kind  module"),
        "{out}"
    );
}

/// A .wasm that is no WebAssembly is not read as a manifest, and a module with nothing to run (no
/// `_start`) is refused at install, as a component without a run export is, not at every call.
#[test]
fn a_wasm_that_cannot_run_is_refused_at_install_with_what_is_wrong() {
    let home = Home::new();
    std::fs::write(home.path().join("junk.wasm"), "junk = \n").unwrap();
    std::fs::write(home.path().join("minimal.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let said = fails(&home, "cd \"$HOME\" && cap install junk.wasm --yes");
    assert!(
        said.contains("junk.wasm is not WebAssembly: it does not start with the bytes"),
        "{said}"
    );
    let said = fails(&home, "cd \"$HOME\" && cap install minimal.wasm --yes");
    assert!(said.contains("has no `_start` function to run"), "{said}");
    // A `_start` of another type is named as such, not as missing.
    let typed = wat::parse_str(r#"(module (func (export "_start") (param i32)))"#).unwrap();
    std::fs::write(home.path().join("typed.wasm"), typed).unwrap();
    let said = fails(&home, "cd \"$HOME\" && cap install typed.wasm --yes");
    assert!(said.contains("`_start` takes or gives values"), "{said}");
    let listed = ok(&home, "cap list");
    assert!(!listed.contains("minimal"), "{listed}");
}

#[test]
fn confirmation_on_a_terminal_grants_only_what_the_user_accepts() {
    let home = Home::new();
    let dir = home.path().join("notes");
    std::fs::create_dir(&dir).unwrap();
    let hello = capability(home.path(), "hello", |t| t);
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 100);
    term.expect_prompt();
    term.line(&format!(
        "cap install {} --allow-read {}",
        hello.display(),
        dir.display()
    ));
    term.expect("Proceed? [y/N]");
    term.expect(&format!("grants: read {}", dir.display()));
    term.send("n\r");
    term.expect("not confirmed; nothing was installed");
    term.expect_prompt();
    term.line(&format!(
        "cap install {} --allow-read {}",
        hello.display(),
        dir.display()
    ));
    term.expect_count("Proceed? [y/N]", 2);
    term.send("y\r");
    term.expect("installed hello 1.0.0: generation 2");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    let show = ok(&home, "cap show hello");
    assert!(
        show.contains(&format!("granted  read {}", dir.display())),
        "{show}"
    );
}

/// In a background job the terminal is not asked: the question would take the keys typed at the
/// prompt, and no grant is guessed.
#[test]
fn a_background_install_asks_no_question_and_installs_nothing() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 100);
    term.expect_prompt();
    term.line(&format!("cap install {} & wait", hello.display()));
    term.expect("no terminal to confirm on (or it runs in the backgr");
    term.expect_prompt();
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    assert!(ok(&home, "cap list").contains("no capabilities in generation 1"));
}

#[test]
fn a_shell_stays_on_its_generation_until_its_user_switches() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 100);
    term.expect_prompt();
    // Another shell installs while this one runs.
    ok(&home, &format!("cap install {} --yes", hello.display()));
    term.line("cap list");
    term.expect("no capabilities in generation 1");
    term.line("gen use 2");
    term.expect("this shell now uses generation 2 (current is 2)");
    term.line("cap list");
    term.expect("capabilities of generation 2");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    // A new shell starts on current.
    assert!(ok(&home, "cap list").contains("capabilities of generation 2"));
}

#[test]
fn twenty_shells_updating_at_once_lose_no_update() {
    let home = Home::new();
    // All manifests first: each copy rewrites the wasm they share.
    let manifests: Vec<(PathBuf, PathBuf)> = (0..20)
        .map(|i| {
            (
                capability(home.path(), &format!("a{i}"), |t| t),
                capability(home.path(), &format!("b{i}"), |t| t),
            )
        })
        .collect();
    let shells: Vec<Child> = manifests
        .iter()
        .map(|(a, b)| {
            let script = format!(
                "cap install {} --yes && cap list >/dev/null && gen rollback && cap install {} --yes && gen list >/dev/null",
                a.display(),
                b.display()
            );
            home.command(&["-c", &script])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut acknowledged = Vec::new();
    for shell in shells {
        let output = shell.wait_with_output().unwrap();
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "a shell failed:\n{out}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        acknowledged.extend(out.lines().map(str::to_owned));
    }
    assert_eq!(acknowledged.len(), 60, "{acknowledged:#?}");

    let store = store_of(&home);
    store.verify().unwrap();
    let log = store.audit_entries().unwrap();
    assert_eq!(
        log.len(),
        61,
        "one entry per update, plus the store's creation"
    );
    for report in &acknowledged {
        let matching = log
            .iter()
            .filter(|entry| match &entry.event {
                AuditEvent::Updated {
                    generation,
                    summary,
                    ..
                } => {
                    report.starts_with(&format!("installed {summary}:"))
                        && generation_in(report) == *generation
                }
                AuditEvent::RolledBack { from, to } => {
                    report.starts_with(&format!("current: generation {from} -> {to},"))
                }
                _ => false,
            })
            .count();
        assert!(matching >= 1, "{report:?} is not in the audit log");
    }
}

#[test]
fn a_thousand_ordinary_commands_leave_the_generation_byte_identical() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    ok(&home, &format!("cap install {} --yes", hello.display()));
    ok(&home, "cd \"$HOME\" && gen export 2 before.json");
    let ordinary = [
        "echo hello",
        "true",
        "x=$((x + 1))",
        "cd /tmp && cd - >/dev/null",
        "ls \"$HOME\" >/dev/null",
        "printf '%s\\n' b a | sort >/dev/null",
        "false || true",
        "cap list >/dev/null",
        "cap show hello >/dev/null",
        "gen list >/dev/null",
        "gen show 2 >/dev/null",
        "audit verify >/dev/null",
    ];
    let script: String = (0..1000)
        .map(|i| format!("{}\n", ordinary[i % ordinary.len()]))
        .collect();
    let mut shell = home
        .command(&[])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(shell.stdin.as_mut().unwrap(), script.as_bytes()).unwrap();
    drop(shell.stdin.take());
    assert!(shell.wait().unwrap().success());

    ok(&home, "cd \"$HOME\" && gen export 2 after.json");
    let before = std::fs::read(home.path().join("before.json")).unwrap();
    let after = std::fs::read(home.path().join("after.json")).unwrap();
    assert!(before == after, "generation 2 or its references changed");
    let store = store_of(&home);
    assert_eq!(store.current().unwrap(), 2);
    assert_eq!(store.generations().unwrap().len(), 2);
    assert_eq!(
        store.audit_entries().unwrap().len(),
        2,
        "no update was logged"
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_leaves_the_store_unchanged() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    ok(&home, &format!("cap install {} --yes", hello.display()));
    let before = ok(&home, "gen list");

    std::fs::write(home.path().join("caps.toml"), "not json").unwrap();
    let bad_dir = home.path().join("bad");
    std::fs::create_dir(&bad_dir).unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            capability(&bad_dir, "v", |t| t.replace("1.0.0", "one")),
            "manifest field `version`",
        ),
        (
            capability(&bad_dir, "k", |t| {
                t.replace("kind = \"module\"", "kind = \"elf\"")
            }),
            "kind",
        ),
        (
            capability(&bad_dir, "l", |t| {
                t.replace("memory_mb = 16", "memory_mb = 0")
            }),
            "limits.memory_mb",
        ),
        (
            capability(&bad_dir, "s", |t| {
                t.replace("sha256 = \"115f", "sha256 = \"015f")
            }),
            "sha256",
        ),
        (
            capability(&bad_dir, "gone", |t| {
                t.replace("path = \"hello.wasm\"", "path = \"gone.wasm\"")
            }),
            "cannot read the wasm",
        ),
        (
            capability(&bad_dir, "t", |t| t.replace("[limits]", "[limits\n")),
            "not a valid manifest",
        ),
    ];
    for (manifest, named) in &cases {
        let err = fails(&home, &format!("cap install {} --yes", manifest.display()));
        assert!(
            err.contains(named),
            "{} should name {named:?}: {err}",
            manifest.display()
        );
    }
    let missing_dir = fails(
        &home,
        &format!(
            "cap install {} --allow-write /no/such/dir --yes",
            hello.display()
        ),
    );
    assert!(
        missing_dir.contains("/no/such/dir does not exist"),
        "{missing_dir}"
    );
    for (script, named) in [
        ("gen show 42", "there is no generation 42"),
        ("gen use 42", "there is no generation 42"),
        ("gen rollback 42", "there is no generation 42"),
        ("gen diff 1 42", "there is no generation 42"),
        ("gen export 42 x.json", "there is no generation 42"),
        (
            "gen export 1 \"$HOME\"",
            "is a directory; name a file in it",
        ),
        (
            "cap remove nothere",
            "no capability `nothere` is installed in the current generation",
        ),
        (
            "cap show nothere",
            "no capability `nothere` in generation 2",
        ),
        ("gen import /no/such/bundle", "cannot read /no/such/bundle"),
        ("gen import \"$HOME/caps.toml\"", "not an ncsh bundle"),
    ] {
        let err = fails(&home, script);
        assert!(
            err.contains(named),
            "`{script}` should say {named:?}: {err}"
        );
    }

    // A bundle damaged in transit is refused whole.
    ok(&home, "cd \"$HOME\" && gen export 2 good.json");
    // An existing file is kept unless --force is given.
    let good = std::fs::read_to_string(home.path().join("good.json")).unwrap();
    let err = fails(&home, "cd \"$HOME\" && gen export 1 good.json");
    assert!(
        err.contains("good.json exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("good.json")).unwrap(),
        good
    );
    ok(&home, "cd \"$HOME\" && gen export 1 good.json --force");
    ok(&home, "cd \"$HOME\" && gen export 2 good.json --force");
    let good = std::fs::read_to_string(home.path().join("good.json")).unwrap();
    let damaged = good.replacen("\"actor\":\"ncsh\"", "\"actor\":\"mallory\"", 1);
    assert_ne!(good, damaged);
    std::fs::write(home.path().join("damaged.json"), damaged).unwrap();
    let err = fails(&home, "gen import \"$HOME/damaged.json\"");
    assert!(
        err.contains("audit proof is broken: audit entry 1 does not match its hash"),
        "{err}"
    );
    // A bundle of what a generation here holds already would be a copy of it.
    let err = fails(&home, "gen import \"$HOME/good.json\"");
    assert!(
        err.contains("generation 2 here holds what the bundle's generation holds"),
        "{err}"
    );

    assert_eq!(
        ok(&home, "gen list"),
        before,
        "a bad input changed the generations"
    );
    assert!(ok(&home, "audit verify").contains("intact"));
}

#[test]
fn an_edited_audit_entry_is_named_by_audit_verify() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    ok(&home, &format!("cap install {} --yes", hello.display()));
    ok(&home, "daemon stop");
    {
        // The stopped daemon's process is gone, but the kernel may free sled's lock a moment later.
        let mut db = sled::open(home.path().join("data/store"));
        for _ in 0..100 {
            if db.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
            db = sled::open(home.path().join("data/store"));
        }
        let db = db.unwrap();
        let audit = db.open_tree("audit").unwrap();
        let key = 2u64.to_be_bytes();
        let entry = String::from_utf8(audit.get(key).unwrap().unwrap().to_vec()).unwrap();
        audit
            .insert(
                key,
                entry
                    .replace("\"root\"", "\"mallory\"")
                    .replace("hello 1.0.0", "evil 6.6.6")
                    .as_bytes(),
            )
            .unwrap();
        db.flush().unwrap();
    }
    home.refuses(
        "audit verify",
        1,
        "audit entry 2 does not match its hash: it was edited",
    );
}

#[test]
fn a_store_whose_database_file_was_lost_is_refused_not_started_again() {
    let home = Home::new();
    let hello = capability(home.path(), "hello", |t| t);
    ok(&home, &format!("cap install {} --yes", hello.display()));
    ok(&home, "daemon stop");
    // The database file cut to nothing, as a bad copy leaves it, with sled's snapshot gone too:
    // sled would open that as an empty store, and the daemon would make a new first generation.
    let store = home.path().join("data/store");
    let kept = home.path().join("kept");
    std::fs::create_dir(&kept).unwrap();
    for entry in std::fs::read_dir(&store).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if name == "db" || name.to_string_lossy().starts_with("snap.") {
            std::fs::rename(&path, kept.join(&name)).unwrap();
        }
    }
    std::fs::write(store.join("db"), b"").unwrap();
    let refusal = fails(&home, "gen list");
    assert!(
        refusal.contains("holds 0 audit entries, where ncsh had written 2"),
        "{refusal}"
    );
    assert!(
        refusal.contains("Put all its files back from a backup"),
        "{refusal}"
    );

    for entry in std::fs::read_dir(&kept).unwrap() {
        let path = entry.unwrap().path();
        std::fs::rename(&path, store.join(path.file_name().unwrap())).unwrap();
    }
    let list = ok(&home, "gen list");
    assert!(list_row(&list, 2).contains("current"), "{list}");
}

/// Whether the daemon of `home` answers now.
fn daemon_answers(home: &Home) -> bool {
    std::os::unix::net::UnixStream::connect(home.path().join("runtime/daemon.sock")).is_ok()
}

#[test]
fn a_stale_socket_and_a_store_left_by_a_killed_daemon_are_taken_over() {
    let home = Home::new();
    let runtime = home.path().join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    // A socket file with nobody listening, as a daemon that died leaves it.
    drop(std::os::unix::net::UnixListener::bind(runtime.join("daemon.sock")).unwrap());
    assert!(!daemon_answers(&home));
    assert!(ok(&home, "gen list").contains("current"));
    assert!(daemon_answers(&home));

    // Killed while it holds the store: the next shell starts a daemon that opens it.
    let pid = home.daemon_pid().expect("a daemon runs");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    eventually("the killed daemon lets go of its lock", || {
        home.daemon_pid().is_none()
    });
    let status = ok(&home, "gen list >/dev/null; daemon status");
    assert!(status.contains("the daemon is running"), "{status}");
    assert_ne!(home.daemon_pid(), Some(pid));
    assert!(ok(&home, "audit verify").contains("intact"));
}

#[test]
fn the_daemon_exits_when_idle_and_the_next_shell_starts_it_again() {
    let home = Home::new();
    let idle = |command: &mut Command| {
        command.env("NCSH_DAEMON_IDLE_SECS", "1");
    };
    let mut command = home.command(&["-c", "gen list >/dev/null"]);
    idle(&mut command);
    assert!(command.status().unwrap().success());
    eventually("the idle daemon exits", || {
        home.daemon_pid().is_none() && !daemon_answers(&home)
    });
    assert!(ok(&home, "gen list").contains("current"));
}

#[test]
fn a_shell_whose_daemon_cannot_start_says_so_once_and_runs_commands() {
    let home = Home::new();
    // The data directory is a file: the store cannot be created there.
    std::fs::write(home.path().join("data"), "not a directory").unwrap();
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 120);
    term.expect("updates are unavailable: the daemon could not start");
    term.expect_prompt();
    term.line("echo still-running");
    term.expect("\nstill-running");
    term.line("cap list; echo status=$?");
    term.expect("status=1");
    let screen = term.screen_text();
    assert_eq!(screen.matches("Commands still run").count(), 1, "{screen}");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

/// A daemon that is there but does not answer (stopped, here) holds a command for a few seconds,
/// not a minute per call: a shell's first call to a daemon it did not start waits 3 s for a cheap
/// answer first (a new shell's `gen list` waited a minute), and after a call went unanswered the
/// next ones wait 1 s. `daemon status` and `daemon stop` name it and say how to end it. At the
/// prompt, Ctrl-C abandons a wait.
#[test]
fn a_daemon_that_does_not_answer_holds_commands_briefly_and_is_named_with_the_way_out() {
    let home = Home::new();
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 120);
    term.expect_prompt();
    term.line("gen list >/dev/null; echo listed");
    term.expect("\nlisted");
    let pid = home.daemon_pid().expect("a daemon runs");
    let daemon = nix::unistd::Pid::from_raw(pid);
    nix::sys::signal::kill(daemon, nix::sys::signal::Signal::SIGSTOP).unwrap();

    term.line("gen list");
    std::thread::sleep(Duration::from_secs(1));
    term.send("\x03");
    term.expect("Ctrl-C was pressed while waiting");
    term.line("echo back");
    term.expect("\nback");

    let script = "gen list; echo list=$?; nosuch; nosuch2; calc 6*7; daemon status; \
        echo status=$?; daemon stop; echo stop=$?";
    let output = common::against_bash::ncsh_within(&home, &["-c", script], Duration::from_secs(30));
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(out, "list=1\n42\nstatus=1\nstop=1\n", "{err}");
    assert!(
        err.contains(
            "gen: updates are unavailable: the daemon did not answer (no answer within 3 s)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "nosuch: command not found (updates are unavailable: the daemon did not answer"
        ),
        "{err}"
    );
    let way_out = format!(
        "the daemon (pid {pid}) is running but does not answer; end it with `kill {pid}`, or `kill -9 {pid}`"
    );
    assert_eq!(err.matches(&way_out).count(), 2, "{err}");
    nix::sys::signal::kill(daemon, nix::sys::signal::Signal::SIGKILL).unwrap();
    term.line("exit");
    term.wait_exit();
}

#[test]
fn the_daemon_refuses_another_protocol_by_name() {
    use std::io::{BufRead, BufReader, Write};
    let home = Home::new();
    ok(&home, "gen list >/dev/null");
    let mut stream =
        std::os::unix::net::UnixStream::connect(home.path().join("runtime/daemon.sock")).unwrap();
    writeln!(stream, "{{\"protocol\":999,\"call\":\"SomethingNew\"}}").unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    assert!(
        answer.contains("this shell speaks daemon protocol 999, the running daemon 3"),
        "{answer}"
    );
    let mode = std::fs::metadata(home.path().join("runtime/daemon.sock")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
}

#[test]
fn the_daemon_refuses_a_peer_of_another_user() {
    if !nix::unistd::geteuid().is_root() {
        println!("skipped: only root can connect as another user");
        return;
    }
    let home = Home::new();
    ok(&home, "gen list >/dev/null");
    // Open the way to the socket for everyone, so that only the peer check stands in the way.
    let open = |path: &Path, mode| {
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    };
    open(home.path(), 0o755);
    open(&home.path().join("runtime"), 0o755);
    open(&home.path().join("runtime/daemon.sock"), 0o666);
    let socket = home.path().join("runtime/daemon.sock");
    let output = Command::new("perl")
        .args([
            "-MSocket",
            "-e",
            "$( = $) = 65534; $< = $> = 65534; socket(S, PF_UNIX, SOCK_STREAM, 0) or die; \
             connect(S, pack_sockaddr_un($ARGV[0])) or die \"connect: $!\"; \
             print S qq({\"protocol\":1,\"call\":\"Current\"}\\n); print scalar <S>;",
        ])
        .arg(&socket)
        .output()
        .unwrap();
    let answer = String::from_utf8_lossy(&output.stdout);
    assert!(
        answer.contains("the daemon serves uid 0 only, not uid 65534"),
        "{answer}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The name of the `n`th capability the crash test installs.
fn crash_capability(n: usize) -> String {
    format!("crashcap{n}")
}

#[test]
fn kill_9_of_the_daemon_during_installs_leaves_the_old_or_the_new_generation() {
    const ITERATIONS: usize = 200;
    let home = Home::new();
    let dir = home.path().join("caps");
    std::fs::create_dir(&dir).unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut random = seed;
    let mut below = |n: u64| {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        random % n
    };
    let mut current = 1;
    let mut installed = 0;
    // Acknowledged, cut off during the request, killed before the installer connected.
    let mut outcomes = [0; 3];
    for i in 0..ITERATIONS {
        // Not `c{N}`: `c89` and `c99` are programs on PATH, which `cap install` refuses.
        let manifest = capability(&dir, &crash_capability(installed), |t| t);
        let mut daemon = home
            .command(&["--daemon"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        eventually("the daemon listens", || daemon_answers(&home));
        // NCSH_DAEMON=manual: after the kill, the installer must not start a daemon of its own.
        let installer = home
            .command(&["-c", &format!("cap install {} --yes", manifest.display())])
            .env("NCSH_DAEMON", "manual")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(below(30_000)));
        daemon.kill().unwrap();
        daemon.wait().unwrap();
        let output = installer.wait_with_output().unwrap();
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        let err = String::from_utf8_lossy(&output.stderr);
        if out.contains("installed") {
            outcomes[0] += 1;
        } else if err.contains("did not answer") {
            outcomes[1] += 1;
        } else {
            assert!(
                err.contains("the daemon is not running"),
                "iteration {i}: {err}"
            );
            outcomes[2] += 1;
        }
        assert!(
            home.daemon_pid().is_none(),
            "a daemon was started after the kill"
        );

        let store = Store::open(&home.path().join("data/store")).unwrap_or_else(|e| {
            panic!("iteration {i} (seed {seed}): the store does not open: {e}")
        });
        store
            .verify()
            .unwrap_or_else(|e| panic!("iteration {i} (seed {seed}): {e}"));
        let now = store.current().unwrap();
        let name = crash_capability(installed);
        if out.contains("installed") {
            assert_eq!(
                now,
                generation_in(&out),
                "iteration {i} (seed {seed}): an acknowledged install was lost"
            );
        }
        if now != current {
            let new = store.generation(now).unwrap();
            let old = store.generation(current).unwrap();
            assert_eq!(new.parent, Some(current), "iteration {i} (seed {seed})");
            let mut expected = old.contents.clone();
            expected
                .capabilities
                .insert(name.clone(), new.contents.capabilities[&name].clone());
            assert_eq!(
                new.contents, expected,
                "iteration {i} (seed {seed}): the new generation is not whole"
            );
            current = now;
            installed += 1;
        }
    }
    println!(
        "{} acknowledged, {} cut off during the request, {} killed before it; {installed} landed (seed {seed})",
        outcomes[0], outcomes[1], outcomes[2]
    );
    assert!(
        outcomes[0] > 0,
        "no install was acknowledged: the kills came too early"
    );
    assert!(
        outcomes[1] > 0,
        "no kill landed during a request: the test tested nothing"
    );
}

#[test]
fn with_ncsh_daemon_manual_a_shell_does_not_start_the_daemon() {
    let home = Home::new();
    let mut command = home.command(&["-c", "gen list"]);
    command.env("NCSH_DAEMON", "manual");
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("NCSH_DAEMON=manual says not to start it"),
        "{err}"
    );
    assert!(home.daemon_pid().is_none());
}

#[test]
fn a_stop_in_another_protocol_version_still_stops_the_daemon() {
    use std::io::{BufRead, BufReader, Write};
    let home = Home::new();
    ok(&home, "gen list >/dev/null");
    let mut stream =
        std::os::unix::net::UnixStream::connect(home.path().join("runtime/daemon.sock")).unwrap();
    writeln!(stream, "{{\"protocol\":999,\"call\":\"Stop\"}}").unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    assert!(answer.contains("Stopping"), "{answer}");
    eventually("the daemon stops", || home.daemon_pid().is_none());
}

#[test]
fn a_runtime_directory_others_can_enter_is_refused() {
    let home = Home::new();
    let runtime = home.path().join("runtime");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let err = fails(&home, "gen list");
    assert!(err.contains("must be yours alone (owner uid"), "{err}");
    assert!(err.contains("its mode 755"), "{err}");
    assert!(
        err.contains("another user could pose as the daemon"),
        "{err}"
    );
}

/// An empty `NCSH_HOME` is unset, as an empty XDG variable is: the store goes under HOME (the
/// daemon, which works from `/`, made `/data`, `/runtime` and `/state`). A relative one is taken
/// from where the shell started, for the daemon and the shells it starts too.
#[test]
fn an_empty_or_relative_ncsh_home_still_gives_one_store_the_daemon_shares() {
    let home = Home::new();
    for (ncsh_home, store) in [("", ".local/share/ncsh"), ("relative", "relative/data")] {
        let output = home
            .command(&["--norc", "-c", "gen list && daemon stop"])
            .env("NCSH_HOME", ncsh_home)
            .current_dir(home.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "NCSH_HOME={ncsh_home:?}: {said}");
        assert!(
            home.path().join(store).is_dir(),
            "NCSH_HOME={ncsh_home:?}: no store at {store}"
        );
    }
    // A shell it starts elsewhere is given the same directory, made absolute.
    let output = home
        .command(&[
            "--norc",
            "-c",
            &format!(
                "cd / && {} --norc -c 'echo \"$NCSH_HOME\"'",
                env!("CARGO_BIN_EXE_ncsh")
            ),
        ])
        .env("NCSH_HOME", "relative")
        .current_dir(home.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        home.path().join("relative").to_string_lossy()
    );
}
