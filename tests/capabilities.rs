//! Capabilities as commands in real ncsh processes, with the real daemon, store and wasmtime: in
//! pipelines, redirections and conditionals, checked against bash and coreutils on the same input;
//! refused at install when they break their contract or ask for the network; stopped at their limits
//! with the shell going on.

mod common;

use std::path::{Path, PathBuf};

use common::against_bash::LIMIT;
use common::{Home, Terminal};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello")
}

/// A capability named `name` in `dir` from the wasm `wasm`, with the manifest lines `extra`.
fn capability(dir: &Path, name: &str, wasm: &[u8], extra: &str) -> PathBuf {
    let wasm_path = dir.join(format!("{name}.wasm"));
    std::fs::write(&wasm_path, wasm).unwrap();
    let sha = store::BlobHash::of(wasm);
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(
        &manifest,
        format!(
            "name = \"{name}\"\nversion = \"1.0.0\"\ndescription = \"test\"\nkind = \"module\"\n\
             [wasm]\npath = \"{name}.wasm\"\nsha256 = \"{sha}\"\n{extra}"
        ),
    )
    .unwrap();
    manifest
}

fn run(home: &Home, script: &str) -> (i32, String, String) {
    home.run(script)
}

fn bash(script: &str) -> String {
    let out = std::process::Command::new("bash")
        .args(["-c", script])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn capabilities_work_in_pipelines_redirections_and_conditionals_as_commands_do() {
    let home = Home::new();
    let hello = example_dir().join("hello.toml");
    let (status, _, err) = run(&home, &format!("cap install {} --yes", hello.display()));
    assert_eq!(status, 0, "{err}");
    // Each pair: ncsh with capabilities, and bash with native tools, on the same input.
    let cases = [
        ("hello | tr a-z A-Z", "echo 'hello from wasm' | tr a-z A-Z"),
        (
            "hello > \"$HOME/out\"; cat \"$HOME/out\"",
            "echo 'hello from wasm'",
        ),
        (
            "seq 10 | calc | sort -rn | head -3",
            "seq 10 | sort -rn | head -3",
        ),
        (
            "printf '2*3\\n7-10\\n' | calc | sort -n",
            "printf '6\\n-3\\n' | sort -n",
        ),
        ("calc <<EOF\n1+2\n2^10\nEOF", "echo 3; echo 1024"),
        (
            "for i in 1 2 3; do calc --int \"$i*7/2\"; done",
            "for i in 1 2 3; do echo $(( i*7/2 )); done",
        ),
        ("calc 1/0 2>/dev/null || echo failed $?", "echo failed 1"),
        ("calc 1+1 && echo ok $?", "echo 2; echo ok 0"),
        (
            "hello; nosuch 2>/dev/null; echo $?",
            "echo 'hello from wasm'; echo 127",
        ),
    ];
    for (ncsh, native) in cases {
        let (status, out, err) = run(&home, ncsh);
        assert_eq!(status, 0, "`{ncsh}`: {err}");
        assert_eq!(out, bash(native), "`{ncsh}` vs bash `{native}`");
    }
}

#[test]
fn a_bare_arithmetic_line_is_calculated() {
    let home = Home::new();
    let term = Terminal::spawn(home.command(&["--norc"]), 24, 80);
    term.expect_prompt();
    term.line("10+15");
    term.expect("$ 10+15\n25\n");
    term.line("(3+4)*5");
    term.expect("\n35\n");
    term.line("2^64");
    term.expect("\n18446744073709551616\n");
    term.line("1/0; echo status=$?");
    term.expect("status=");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    // Only at the prompt: a script, `-c` and commands piped in are bash's, where it names no
    // command (piped in, it was calculated).
    let mut piped = home
        .command(&[])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(piped.stdin.as_mut().unwrap(), b"10+15\n").unwrap();
    let output = piped.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(127));
    assert!(String::from_utf8_lossy(&output.stderr).contains("10+15: command not found"));
    let (status, _, err) = run(&home, "10+15");
    assert_eq!(status, 127, "{err}");
}

#[test]
fn a_capability_that_breaks_its_contract_is_refused_and_logged() {
    let home = Home::new();
    let text = std::fs::read_to_string(example_dir().join("hello.toml")).unwrap();
    std::fs::copy(
        example_dir().join("hello.wasm"),
        home.path().join("hello.wasm"),
    )
    .unwrap();
    let manifest = home.path().join("hello.toml");
    std::fs::write(&manifest, text.replace("hello from wasm\\n", "goodbye\\n")).unwrap();
    let (status, _, err) = run(&home, &format!("cap install {} --yes", manifest.display()));
    assert_eq!(status, 1);
    assert!(
        err.contains("contract example 0 (args []) gave stdout \"hello from wasm\\n\" and status 0, but the manifest promises stdout \"goodbye\\n\" and status 0"),
        "{err}"
    );
    let (_, log, _) = run(&home, "audit log");
    assert!(log.contains("refused install hello 1.0.0"), "{log}");
    assert!(run(&home, "cap list").1.contains("no capabilities"));
}

#[test]
fn a_capability_that_imports_sockets_without_a_network_grant_is_refused_naming_the_import() {
    let home = Home::new();
    let wasm = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
                   (memory (export "memory") 1) (func (export "_start")))"#,
    )
    .unwrap();
    let manifest = capability(home.path(), "listener", &wasm, "");
    let (status, _, err) = run(&home, &format!("cap install {} --yes", manifest.display()));
    assert_eq!(status, 1);
    assert!(
        err.contains("imports `wasi_snapshot_preview1.sock_accept`, which reaches the network"),
        "{err}"
    );
}

#[test]
fn a_capability_stopped_at_its_limit_says_why_and_the_shell_goes_on() {
    let home = Home::new();
    let spin = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))"#,
    )
    .unwrap();
    let manifest = capability(home.path(), "spin", &spin, "[limits]\nwall_ms = 300\n");
    let (status, _, err) = run(&home, &format!("cap install {} --yes", manifest.display()));
    assert_eq!(status, 0, "{err}");
    let (status, out, err) = run(&home, "spin; echo \"status=$?\"; echo still-here");
    assert_eq!(status, 0);
    assert_eq!(out, "status=124\nstill-here\n");
    assert_eq!(err, "spin: stopped after 300 ms (limit from its grant)\n");
}

#[test]
fn a_capability_is_found_only_where_no_command_of_its_name_is() {
    let home = Home::new();
    // Named like a program on PATH, it is refused: it would never run.
    let hello = std::fs::read(example_dir().join("hello.wasm")).unwrap();
    let manifest = capability(home.path(), "seq", &hello, "");
    let install = format!("cap install {} --yes", manifest.display());
    let (status, _, err) = run(&home, &install);
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("would never run") && err.contains("/seq") && err.contains("another name"),
        "{err}"
    );
    // Installed by a shell whose PATH lacks the program, it still does not shadow the program.
    let (status, _, err) = run(&home, &format!("PATH=/nowhere {install}"));
    assert_eq!(status, 0, "{err}");
    assert_eq!(run(&home, "seq 2").1, "1\n2\n");
    assert_eq!(
        run(&home, "command_not_found_handle seq").1,
        "hello from wasm\n"
    );
}

#[test]
fn type_and_command_v_say_a_capability_is_one_and_from_which_generation() {
    let home = Home::new();
    let hello = example_dir().join("hello.toml");
    run(&home, &format!("cap install {} --yes", hello.display()));
    let (status, out, _) = run(&home, "type hello calc cd; type -t hello");
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "hello is a capability (generation 2)\ncalc is a capability (built into ncsh)\ncd is a shell builtin\ncapability\n"
    );
    let (status, out, _) = run(
        &home,
        "command -V hello; command -v hello; command -v cd; command echo ran",
    );
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "hello is a capability (generation 2)\nhello\ncd\nran\n"
    );
    let (status, _, err) = run(&home, "type nosuch");
    assert_eq!(status, 1);
    assert!(err.contains("nosuch"), "{err}");
}

#[test]
fn the_exact_frame_of_each_arithmetic_form_matches_the_real_session() {
    let home = Home::new();
    let steps = home.path().join("session.steps");
    let term = Terminal::spawn(
        home.command(&["--norc", "--record-steps", steps.to_str().unwrap()]),
        24,
        80,
    );
    term.expect_prompt();
    let lines = [
        "echo $((7*6))",
        "expr 7 \\* 6",
        "calc 2^70",
        "100/7",
        "expr 17 / 5",
        "echo $(( -7 / 2 ))",
    ];
    for (i, line) in lines.iter().enumerate() {
        term.line(line);
        // Every row that starts with `$` is a prompt; the next one means the command is done.
        term.wait_for("the next prompt", |text| {
            text.lines().filter(|row| row.starts_with('$')).count() >= i + 2
        });
    }
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    let file = std::io::BufReader::new(std::fs::File::open(&steps).unwrap());
    let recorded = kernel_bridge::steps_file::read_steps(file).unwrap();
    for (line, step) in lines.iter().zip(&recorded) {
        assert_eq!(step.action, *line);
        let arithmetic = symbolic::arithmetic::parse(line).unwrap_or_else(|| panic!("{line}"));
        let output = symbolic::arithmetic::exact_output(&arithmetic)
            .unwrap()
            .unwrap();
        let exact = symbolic::arithmetic::exact_frame(&step.frame_before, line, &output, "$ ");
        let (cells, cursor) = symbolic::arithmetic::differing_cells(&step.frame_after, &exact);
        assert!(
            cells.is_empty() && !cursor,
            "`{line}`: the exact frame differs from the real one at {cells:?} (cursor differs: {cursor})\nreal:\n{}\nexact:\n{}",
            step.frame_after.text(),
            exact.text()
        );
    }
}

#[test]
fn each_fs_tool_answers_help_and_a_file_named_help_is_still_read_after_dashes() {
    let home = Home::new();
    for tool in [
        "ls", "cat", "head", "tail", "wc", "mkdir", "touch", "rm", "cp", "mv", "stat",
    ] {
        let (status, out, err) = run(&home, &format!("fs {tool} --help"));
        assert_eq!(status, 0, "fs {tool} --help: {err}");
        assert!(out.starts_with(&format!("Usage: fs {tool} ")), "{out}");
        assert!(out.contains("`fs --help` lists every tool"), "{out}");
    }
    let (_, out, _) = run(&home, "fs --help");
    assert!(out.contains("| stat PATH..."), "{out}");
    // With no tool named, the usage is an error, as a missing subcommand is (it was a success).
    let (status, out, err) = run(&home, "fs");
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert!(
        err.starts_with("fs: name a tool to run\n\n") && err.contains("| stat PATH..."),
        "{err}"
    );
    std::fs::write(home.path().join("--help"), "inside\n").unwrap();
    let (status, out, err) = run(&home, "cd \"$HOME\" && fs cat -- --help");
    assert_eq!((status, out.as_str()), (0, "inside\n"), "{err}");
}

/// `fs rm` refuses what GNU's rm refuses, before it removes anything, and goes on to the other
/// paths: `fs rm -r .` removed everything in the working directory, then failed on `.`.
#[test]
fn fs_rm_refuses_dot_dot_dot_and_the_root_as_gnu_rm_does() {
    let home = Home::new();
    let make_tree = |name: &str| {
        let tree = home.path().join(name);
        std::fs::create_dir_all(tree.join("keep/sub")).unwrap();
        std::fs::write(tree.join("keep/file"), "kept\n").unwrap();
        std::fs::write(tree.join("top"), "top\n").unwrap();
        tree
    };
    let paths = ". keep/.. top keep/sub/ keep/./ nosuch";
    let (ours, gnu) = (make_tree("ours"), make_tree("gnu"));
    let (status, _, err) = run(
        &home,
        &format!("cd '{}' && fs rm -r {paths}", ours.display()),
    );
    let gnu_run = std::process::Command::new("rm")
        .args(["-r"])
        .args(paths.split(' '))
        .current_dir(&gnu)
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert_eq!(status, gnu_run.status.code().unwrap());
    assert_eq!(
        err,
        String::from_utf8_lossy(&gnu_run.stderr).replace("rm: ", "fs rm: ")
    );
    let left = |tree: &std::path::Path| {
        let mut names: Vec<_> = std::fs::read_dir(tree.join("keep"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        names.sort();
        (names, tree.join("top").exists())
    };
    assert_eq!(left(&ours), left(&gnu));
    assert_eq!(left(&ours), (vec!["file".into()], false));
    // Refused before anything is looked at: the working directory, which fs is granted, is not
    // the root, so a failing test cannot remove it.
    let (status, _, err) = run(&home, &format!("cd '{}' && fs rm -r / //", gnu.display()));
    assert_eq!(status, 1);
    assert!(
        err.contains("fs rm: it is dangerous to operate recursively on '/'\n")
            && err.contains("on '//'"),
        "{err}"
    );
}

/// A device, a FIFO or a directory named where a file is read is refused at once, by the shell
/// and by the daemon: `/dev/zero` as a wasm drove the daemon past 14 GB, and a FIFO blocked one of
/// its threads for good.
#[test]
fn files_that_are_not_regular_are_refused_before_they_are_read() {
    let home = Home::new();
    let fifo = home.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let manifest = std::fs::read_to_string(example_dir().join("hello.toml")).unwrap();
    let path_line = manifest
        .lines()
        .find(|line| line.starts_with("path = "))
        .unwrap();
    for (name, path) in [("zero", "/dev/zero"), ("fifo", fifo.to_str().unwrap())] {
        let named = manifest.replace(path_line, &format!("path = \"{path}\""));
        std::fs::write(home.path().join(format!("{name}.toml")), named).unwrap();
    }
    let script = "cd \"$HOME\"; cap install --yes /dev/zero; cap install --yes zero.toml; \
                  cap install --yes fifo.toml; gen import fifo; cap replay fifo; cap install --yes /";
    let output = common::against_bash::ncsh_within(&home, &["-c", script], LIMIT);
    let err = String::from_utf8_lossy(&output.stderr);
    for refusal in [
        "cap: cannot read /dev/zero: it is a device, not a file",
        "cap: cannot read the wasm /dev/zero: it is a device, not a file",
        "fifo: it is a FIFO, not a file; check `wasm.path`",
        "gen: cannot read ",
        "cap: cannot read /: it is a directory, not a file",
    ] {
        assert!(err.contains(refusal), "{refusal:?} in {err}");
    }
    assert_eq!(err.matches("it is a FIFO, not a file").count(), 3, "{err}");
}

/// `calc` refuses an expression nested deeper than its parser may go, in words: 100,000
/// parentheses ran the guest out of stack, and it crashed with status 134.
#[test]
fn calc_refuses_an_expression_nested_too_deep() {
    let home = Home::new();
    let nested = |depth: usize| {
        format!("calc \"$(printf '(%.0s' {{1..{depth}}})1$(printf ')%.0s' {{1..{depth}}})\"")
    };
    let (status, out, err) = run(&home, &nested(256));
    assert_eq!((status, out.as_str()), (0, "1\n"), "{err}");
    let (status, _, err) = run(&home, &nested(100_000));
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("nested more than 256 deep"), "{err}");
}

/// An unknown option is named, with the way to the ones there are; it was read as an expression
/// and refused at its letter (`syntax error at column 3`). A leading minus of a number is not one.
#[test]
fn calc_names_an_unknown_option() {
    let home = Home::new();
    let (status, out, err) = run(&home, "calc --bogus 1");
    assert_eq!((status, out.as_str()), (2, ""), "{err}");
    assert_eq!(
        err,
        "calc: unknown option '--bogus'; `calc --help` lists them\n"
    );
    let (status, out, err) = run(&home, "calc -5+3; calc -i -7/2");
    assert_eq!((status, out.as_str()), (0, "-2\n-3\n"), "{err}");
}

#[test]
fn calc_works_without_a_daemon() {
    let home = Home::new();
    // A store exists (so installed capabilities are looked for) but no daemon may start.
    run(&home, "gen list >/dev/null; daemon stop >/dev/null");
    let mut command = home.command(&["-c", "calc 6*7; nosuch; echo $?; daemon status"]);
    command.env("NCSH_DAEMON", "manual");
    let output = command.output().unwrap();
    // `daemon status` does not promise that an update starts it, which none will.
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "42\n127\nthe daemon is not running; NCSH_DAEMON=manual: start it with `ncsh --daemon`\n"
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("nosuch: command not found (updates are unavailable"),
        "{err}"
    );
}

#[test]
fn fs_prints_what_coreutils_prints_on_the_same_tree_and_stays_in_the_working_directory() {
    let home = Home::new();
    let tree = home.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("one"), "a b\nc\n").unwrap();
    std::fs::write(tree.join("two"), "hello world foo\n").unwrap();
    std::fs::write(tree.join(".hidden"), "x").unwrap();
    let numbers: String = (1..=1000).map(|i| format!("{i}\n")).collect();
    std::fs::write(tree.join("big"), numbers).unwrap();
    // What `ls -l` shows beyond names: special bits, a sticky directory, symlinks (one to an
    // absolute path, whose target WASI's readlink hides), sizes of several widths, hard links, and
    // blocks.
    std::os::unix::fs::symlink("one", tree.join("link")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", tree.join("sub/out")).unwrap();
    std::fs::hard_link(tree.join("two"), tree.join("sub/two-again")).unwrap();
    std::fs::create_dir(tree.join("sub/sticky")).unwrap();
    let mode = |path: &str, bits: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tree.join(path), std::fs::Permissions::from_mode(bits)).unwrap();
    };
    mode("one", 0o4750);
    mode("two", 0o2604);
    mode("sub/sticky", 0o1777);
    let at = format!("cd '{}' && ", tree.display());
    for tool in [
        "ls",
        "ls -1 -a",
        "ls -a sub one",
        "cat one two",
        "head -n 3 big",
        "head -n 1 one two",
        "tail -n 2 big",
        "wc one two big",
        "wc -l one",
        "wc -w -c two big",
        "ls -l",
        "ls -l -a sub",
        "ls -la sub big link one",
    ] {
        let (status, ours, err) = run(&home, &format!("{at}fs {tool}"));
        assert_eq!(status, 0, "fs {tool}: {err}");
        // `fs ls -l` prints the one fixed time format, GNU's long-iso.
        let gnu = tool.replacen("ls -l", "ls --time-style=long-iso -l", 1);
        let theirs = bash(&format!("export LC_ALL=C; {at}{gnu}"));
        assert_eq!(ours, theirs, "fs {tool} vs coreutils");
    }
    let (status, out, err) = run(
        &home,
        &format!(
            "{at}fs mkdir -p made/deep && fs touch made/deep/f && fs cp one made/ && fs mv made/one made/moved && fs ls made"
        ),
    );
    assert_eq!((status, out.as_str()), (0, "deep\nmoved\n"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tree.join("made/moved")).unwrap(),
        "a b\nc\n"
    );
    // `..` at the top of the grant is listed as GNU lists a file it cannot describe.
    let (status, out, err) = run(&home, &format!("{at}fs ls -la"));
    assert_eq!(status, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("d????????? ? ?") && l.ends_with(" ? ..")),
        "{out}"
    );
    assert!(
        err.contains("fs ls: cannot access '..': outside the directories granted to fs"),
        "{err}"
    );
    // A `..` that climbs out is said to be outside, as a path named outside is (it was a
    // "Permission denied"). One that climbs out and comes back is still refused: by its words it
    // could be another file than the one named. Each operand's failure is said, as GNU's tools
    // say them (only the last was).
    let (status, out, err) = run(
        &home,
        &format!("{at}fs cat ../outside /etc/hostname ../$(basename $PWD)/one"),
    );
    assert_eq!((status, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("fs cat: ../outside: outside the directories granted to fs")
            && err.contains("fs cat: /etc/hostname: outside the directories granted to fs")
            && err.contains("/one: Permission denied"),
        "{err}"
    );
}

#[test]
fn a_recorded_call_replays_from_the_shell_and_a_changed_record_is_named() {
    let home = Home::new();
    let at = format!("cd '{}' && ", home.path().display());
    let (status, out, err) = run(
        &home,
        &format!("{at}cap record --seed 7 -o call.json calc '2^100+1' && cap replay call.json"),
    );
    assert_eq!(status, 0, "{err}");
    assert!(
        out.starts_with("1267650600228229401496703205377\ncalc replays as recorded: 32 bytes out, status 0, fuel used "),
        "{out}"
    );
    assert!(
        err.contains("recorded calc: status 0, 32 bytes out"),
        "{err}"
    );
    let record = home.path().join("call.json");
    let text = std::fs::read_to_string(&record).unwrap();
    let mut call: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(call["seed"], 7);
    call["fuel_used"] = serde_json::json!(call["fuel_used"].as_u64().unwrap() + 1);
    std::fs::write(&record, call.to_string()).unwrap();
    let (status, _, err) = run(&home, &format!("{at}cap replay call.json"));
    assert_eq!(status, 1);
    assert!(
        err.contains("the replay of `calc` differs from its record in fuel used"),
        "{err}"
    );
    std::fs::write(&record, "{").unwrap();
    let (status, _, err) = run(&home, &format!("{at}cap replay call.json"));
    assert_eq!(status, 1);
    assert!(
        err.contains("call.json is not a call that `cap record` wrote"),
        "{err}"
    );
}
