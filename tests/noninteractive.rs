//! ncsh without a terminal: `-c`, scripts and standard input go straight to the interpreter.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::Home;
use common::against_bash::{
    LIMIT, bash, ncsh_within, same_as_bash, script_same_as_bash, stderr, stdout,
    written_script_same_as_bash,
};

fn run(home: &Home, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = home
        .command(args)
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A shell that exits early closes its stdin; that is not the test's failure.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn dash_c_sets_dollar_zero_and_the_positional_arguments() {
    let home = Home::new();
    let out = run(
        &home,
        &["-c", r#"echo "$0|$1|$#|$@"; exit 7"#, "name", "a", "b c"],
        b"",
    );
    assert_eq!(stdout(&out), "name|a|2|a b c\n");
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn the_last_commands_status_is_the_exit_status() {
    let home = Home::new();
    assert_eq!(
        run(&home, &["-c", "true; false"], b"").status.code(),
        Some(1)
    );
    assert_eq!(
        run(&home, &["-c", "false; true"], b"").status.code(),
        Some(0)
    );
}

#[test]
fn a_script_gets_its_arguments() {
    let home = Home::new();
    let script = home.path().join("script.sh");
    std::fs::write(&script, "echo \"$0|$1|$@\"\nexit 5\n").unwrap();
    let path = script.to_str().unwrap();
    let out = run(&home, &[path, "x", "-y"], b"");
    assert_eq!(stdout(&out), format!("{path}|x|x -y\n"));
    assert_eq!(out.status.code(), Some(5));
}

#[test]
fn commands_on_stdin_with_here_docs_blocks_and_reads() {
    let home = Home::new();
    let script = b"cat <<EOF\nsum $((1+2))\nEOF\nif true; then\n  echo in-if\nfi\nread line\nthis line is data\necho \"read:$line\"\n";
    let out = run(&home, &[], script);
    assert_eq!(stdout(&out), "sum 3\nin-if\nread:this line is data\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A syntax error is reported as bash reports it, after the commands of the lines before it have
/// run (they did not), and ends the script; in a sourced file it fails the `source`, and the
/// script goes on (it ended).
#[test]
fn a_syntax_error_is_reported_in_bash_s_words() {
    let home = Home::new();
    let bash = |args: &[&str]| bash(&home, args);
    // Each is reported near its token with its line quoted, or at the end of the input, as bash
    // reports it, for `-c` text and for a script.
    for text in [
        "fi",
        "echo hi; done",
        "if then",
        "echo >",
        "echo > ; x",
        "echo ok\necho )",
        "echo ok\n  fi\n",
        "if true",
        "echo a\nfor x in",
        "echo a; fi; echo b",
        "echo a > >",
        "echo \"abc",
        "echo a\necho 'abc",
        // A reserved word where a list begins, before a newline (`newline` was named), and an
        // expansion left open (brush's words, `unterminated expansion`, were said).
        "if then\n",
        "while do\n",
        "{ }\n",
        "echo $(\n",
        "echo ${x\n",
        "echo a\necho $((1+\n",
    ] {
        let ours = run(&home, &["-c", text, "sh-name"], b"");
        let theirs = bash(&["-c", text, "sh-name"]);
        assert_eq!(stdout(&ours), stdout(&theirs), "-c {text:?}");
        assert_eq!(stderr(&ours), stderr(&theirs), "-c {text:?}");
        assert_eq!(ours.status.code(), Some(2), "-c {text:?}");
        let script = home.path().join("script.sh");
        std::fs::write(&script, text).unwrap();
        let path = script.to_str().unwrap();
        let (ours, theirs) = (run(&home, &[path], b""), bash(&[path]));
        assert_eq!(stdout(&ours), stdout(&theirs), "script {text:?}");
        assert_eq!(stderr(&ours), stderr(&theirs), "script {text:?}");
        assert_eq!(ours.status.code(), theirs.status.code(), "script {text:?}");
    }
    // Piped in, the line is quoted, as in a script (at the prompt, it is on the screen).
    let piped = |shell: &str| {
        let mut child = std::process::Command::new(shell)
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("NCSH_HOME", home.path())
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"echo a\nfi\n")
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let err = stderr(&output);
        err.replacen("bash:", "NAME:", 2)
            .replacen(&format!("{shell}:"), "NAME:", 2)
    };
    assert_eq!(piped(env!("CARGO_BIN_EXE_ncsh")), piped("bash"));
    // A sourced file's error names that file, and the script goes on.
    std::fs::write(home.path().join("lib.sh"), "echo in-lib\nfi\n").unwrap();
    let main = home.path().join("main.sh");
    std::fs::write(&main, ". ./lib.sh\necho \"after $?\"\n").unwrap();
    let main = main.to_str().unwrap();
    let (ours, theirs) = (run(&home, &[main], b""), bash(&[main]));
    assert_eq!(stdout(&ours), "in-lib\nafter 2\n");
    assert_eq!(stdout(&ours), stdout(&theirs));
    assert_eq!(stderr(&ours), stderr(&theirs));
    assert_eq!(ours.status.code(), theirs.status.code());
}

/// The lines before a syntax error run one complete command after another, as bash reads them:
/// past a function of many lines, up to a quote left open, up to an `exit` that ends the script
/// before data that is no shell text (a self-extracting archive), and before a here-document
/// left open, of which bash then does not warn. An `eval` whose text
/// has a syntax error fails, and the script goes on; the error is named `eval: line N`.
#[test]
fn the_lines_before_a_syntax_error_run_and_an_exit_before_it_ends_the_script() {
    let home = Home::new();
    let long_function: String = (0..1500)
        .map(|line| format!("  echo {line} >/dev/null\n"))
        .collect();
    // Data after the `exit` that is no text: bytes that are not UTF-8, quotes, expansions and
    // a here-document left open.
    let data: Vec<u8> = (0..=255_u8)
        .chain(*b"\n( fi ) \"' ` $( ${ $(( <<\n\x7fELF\x02)\n")
        .collect();
    let scripts: [(&str, Vec<u8>); 6] = [
        ("long.sh", format!("echo a\nf() {{\n{long_function}}}\nf; echo b\nfor ((i=0;;i++)); do break; done\ndone\necho c\n").into_bytes()),
        ("open.sh", b"echo a\nif true; then\n  echo b\n".to_vec()),
        ("quote.sh", b"echo a\ng() {\n  echo b\n}\ng; echo 'x\ny' \"z\n".to_vec()),
        ("archive.sh", [&b"echo unpacking\nexit 0\n"[..], &data].concat()),
        ("eval.sh", b"eval 'echo a\nfi'; echo \"after $?\"\neval 'echo x; fi'; echo \"after $?\"\n".to_vec()),
        ("heredoc.sh", b"echo a\necho b )\ncat <<E\nx\n".to_vec()),
    ];
    for (name, text) in scripts {
        written_script_same_as_bash(&home, name, text);
    }
}

#[test]
fn an_argument_that_is_not_utf8_is_no_panic() {
    use std::os::unix::ffi::OsStrExt;
    let home = Home::new();
    let out = home
        .command(&["-c"])
        .arg(std::ffi::OsStr::from_bytes(b"echo caf\xe9"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "caf\u{fffd}\n");
}

#[test]
fn a_login_shell_by_argv0_sources_bash_profile_before_profile() {
    let home = Home::new();
    std::fs::write(
        home.path().join(".bash_profile"),
        "export FROM=bash_profile\n",
    )
    .unwrap();
    std::fs::write(home.path().join(".profile"), "export FROM=profile\n").unwrap();
    let mut command = home.command(&["-c", "echo $FROM"]);
    std::os::unix::process::CommandExt::arg0(&mut command, "-ncsh");
    let out = command.output().unwrap();
    assert_eq!(stdout(&out), "bash_profile\n");
    let out = run(
        &home,
        &["--login", "--noprofile", "-c", "echo ${FROM:-none}"],
        b"",
    );
    assert_eq!(stdout(&out), "none\n");
}

#[test]
fn an_unknown_flag_prints_usage_and_exits_2() {
    let home = Home::new();
    let out = run(&home, &["--frobnicate"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage"), "{}", stderr(&out));
}

#[test]
fn a_missing_script_gets_bashs_message_and_127() {
    let home = Home::new();
    let out = run(&home, &["no-such-script.sh"], b"");
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(
        stderr(&out),
        "ncsh: no-such-script.sh: No such file or directory\n"
    );
    let out = run(&home, &[home.path().to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(126));
    assert!(
        stderr(&out).ends_with(": Is a directory\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_are_worded_as_bash_words_them() {
    let home = Home::new();
    let out = run(
        &home,
        &["-c", "nosuchcommand; cd /no/such/dir", "myshell"],
        b"",
    );
    assert_eq!(
        stderr(&out),
        "myshell: line 1: nosuchcommand: command not found\nmyshell: line 1: cd: /no/such/dir: No such file or directory\n"
    );
    let script = home.path().join("script.sh");
    std::fs::write(&script, "nosuchcommand\n").unwrap();
    let out = run(&home, &[script.to_str().unwrap()], b"");
    assert_eq!(
        stderr(&out),
        format!(
            "{}: line 1: nosuchcommand: command not found\n",
            script.display()
        )
    );
    assert_eq!(out.status.code(), Some(127));
}

/// An error in a script, a file it sources, `-c` text or commands piped in names the line, as
/// bash's do: in a function, a loop, a command substitution and a subshell too.
#[test]
fn errors_name_their_line_as_bash_does() {
    let home = Home::new();
    std::fs::write(home.path().join("lib.sh"), "\nnosuch5\n").unwrap();
    let text = "echo $LINENO\nnosuch1\nf() {\n  nosuch2\n}\nf\nfor i in 1 2; do\n  nosuch3$i\ndone\n\
                cd /no/such\nx=$(nosuch4)\n. ./lib.sh\n(\n  echo ${unset:?in subshell}\n)\n\
                echo ${unset:?}\necho not reached\n";
    let script = home.path().join("script.sh");
    std::fs::write(&script, text).unwrap();
    let path = script.to_str().unwrap();
    for args in [&[path][..], &["-c", text, "sh-name"]] {
        let (ours, theirs) = (run(&home, args, b""), bash(&home, args));
        assert_eq!(stdout(&ours), stdout(&theirs), "{args:?}");
        assert_eq!(stderr(&ours), stderr(&theirs), "{args:?}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
    }
    let piped = run(
        &home,
        &[],
        b"echo a\nnosuch1\nfor i in 1; do\n  nosuch2\ndone\n",
    );
    let said = stderr(&piped);
    for error in [": line 2: nosuch1: command", ": line 4: nosuch2: command"] {
        assert!(said.contains(error), "{error:?} in {said:?}");
    }
}

#[test]
fn binary_garbage_on_stdin_gives_errors_not_a_panic() {
    let home = Home::new();
    // A fixed pseudo-random stream (xorshift), so a failure can be reproduced.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let garbage: Vec<u8> = (0..20_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let out = run(&home, &[], &garbage);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert_ne!(out.status.code(), Some(101));
    assert!(
        out.status.code().is_some(),
        "killed by a signal: {:?}",
        out.status
    );
    assert!(!stderr(&out).is_empty(), "garbage produced no error at all");
}

#[test]
fn recording_without_a_terminal_is_refused_with_the_way_out() {
    let home = Home::new();
    let out = run(&home, &["--record", "x.cast", "-c", "true"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("on a terminal"), "{}", stderr(&out));
}

#[test]
fn help_and_version_succeed() {
    let home = Home::new();
    let help = run(&home, &["--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("--record-steps"));
    // The variables ncsh reads beside bash's are named there too.
    for variable in [
        "NCSH_HOME",
        "NCSH_RUNTIME",
        "NCSH_LOG",
        "NCSH_DAEMON=manual",
    ] {
        assert!(stdout(&help).contains(variable), "{variable}");
    }
    let version = run(&home, &["--version"], b"");
    assert_eq!(
        stdout(&version),
        format!("ncsh {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Bad startup options are refused before anything runs, and a startup file that cannot be read is
/// said while the shell starts: `-o bogus` was taken silently, `--runtime neural` with a command ran
/// it on the host, and `--rcfile DIR` ended the shell without running its command.
#[test]
fn bad_startup_options_and_files_are_said() {
    let home = Home::new();
    let refused = run(&home, &["-o", "bogus", "-c", "echo ran"], b"");
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(stdout(&refused), "");
    assert!(
        stderr(&refused).contains("bogus: invalid option name"),
        "{}",
        stderr(&refused)
    );
    let neural = run(&home, &["--runtime", "neural", "-c", "echo ran"], b"");
    assert_eq!(neural.status.code(), Some(2));
    assert_eq!(stdout(&neural), "");
    assert!(stderr(&neural).contains("--runtime neural draws an interactive session"));
    let rc_dir = home.path().display().to_string();
    let started = run(&home, &["--rcfile", &rc_dir, "-i", "-c", "echo ran"], b"");
    assert_eq!(
        (started.status.code(), stdout(&started).as_str()),
        (Some(0), "ran\n")
    );
    assert!(
        stderr(&started).contains(&format!("{rc_dir}: is a directory")),
        "{}",
        stderr(&started)
    );
}

/// A pid that no process can have: above Linux's largest `pid_max`.
const NO_SUCH_PID: &str = "99999999";

/// `kill -l` and `trap -l` list the signals in bash's columns, five to a line, without `0) EXIT`
/// (one to a line, and `trap -l`'s last line not ended). The real-time signals, which ncsh does
/// not know yet, are after the sixth line.
#[test]
fn kill_l_and_trap_l_list_signals_in_bashs_columns() {
    let home = Home::new();
    same_as_bash(
        &home,
        &["kill -l | head -6; trap -l | head -6; kill -l 9 SIGHUP 130"],
    );
}

#[test]
fn kill_takes_every_form_of_signal_bash_takes_and_sends_sigterm_by_default() {
    let home = Home::new();
    let out = run(
        &home,
        &[
            "-c",
            r#"for sig in -9 -KILL -SIGKILL '-s 9' '-n 9' '-s KILL' -sKILL -n9; do
                   sleep 5 & kill $sig $!; wait $!; echo "$sig: $?"
               done
               sleep 5 & kill $!; wait $!; echo "none: $?"
               sleep 5 & kill -15 %%; wait %%; echo "-15 %%: $?""#,
        ],
        b"",
    );
    assert_eq!(
        stdout(&out),
        "-9: 137\n-KILL: 137\n-SIGKILL: 137\n-s 9: 137\n-n 9: 137\n-s KILL: 137\n-sKILL: 137\n\
         -n9: 137\nnone: 143\n\
         -15 %%: 143\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out), "");
}

/// `jobs` in bash's columns, with job specs, in a pipeline and a `$(…)` (which list the parent's
/// jobs, and `kill` there reaches them) but not in `( … )`; `$!` in all three; `fg` and `bg`
/// without job control.
#[test]
fn jobs_lists_as_bash_does_in_copies_of_the_shell_too() {
    let home = Home::new();
    same_as_bash(
        &home,
        &["sleep 5 & sleep 4 | cat && true & jobs | cat; echo \"n=$(jobs -p | wc -l)\"
           jobs %3; echo \"st=$?\"; jobs %?4 %1; (jobs; wait %1; echo \"wait=$?\")
           p=$!; [ \"$(echo $!)\" = \"$p\" ] && echo same1
           echo $! | { read q; [ \"$q\" = \"$p\" ] && echo same2; }; ( [ \"$!\" = \"$p\" ] && echo same3 )
           kill %1 %2",
          "fg; echo $?; bg %2; echo $?",
          "sleep 1 & sleep 1 & sleep 1 & jobs %1 %- %+; kill %sleep; wait %sleep; jobs & wait; kill %1 %2 %3",
          "sleep 1 & jobs %-; kill %-",
          "sleep 5 & x=$(kill %1); wait %1; echo $?; sleep 1 & (kill %1); wait"],
    );
    let out = run(&home, &["-c", "sleep 5 & jobs -l; kill %1"], b"");
    let listed = stdout(&out);
    let pid = listed
        .strip_prefix("[1]+ ")
        .and_then(|rest| rest.strip_suffix(" Running                 sleep 5 &\n"));
    assert!(
        pid.is_some_and(|pid| pid.parse::<u32>().is_ok()),
        "{listed:?}"
    );
}

#[test]
fn kill_0_asks_whether_a_process_exists_and_a_missing_one_is_worded_as_bash_words_it() {
    let home = Home::new();
    let script = format!(
        "sleep 5 & kill -0 $! && echo alive; kill -0 %1 && echo job-alive; kill %1
         kill -0 $$; echo \"self: $?\"
         kill -0 {NO_SUCH_PID}; echo \"-0 missing: $?\"
         kill {NO_SUCH_PID}; echo \"missing: $?\"
         kill %7; echo \"no job: $?\""
    );
    let out = run(&home, &["-c", &script, "myshell"], b"");
    assert_eq!(
        stdout(&out),
        "alive\njob-alive\nself: 0\n-0 missing: 1\nmissing: 1\nno job: 1\n"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "myshell: line 3: kill: ({NO_SUCH_PID}) - No such process\n\
             myshell: line 4: kill: ({NO_SUCH_PID}) - No such process\n\
             myshell: line 5: kill: %7: no such job\n"
        )
    );
}

#[test]
fn wait_returns_the_status_of_the_job_its_pid_or_job_spec_names() {
    let home = Home::new();
    let script = format!(
        r#"/bin/false & wait %1; echo "job: $?"
           sh -c 'exit 3' & pid=$!; sleep 0.3
           wait $pid; echo "pid: $?"
           wait $pid; echo "again: $?"
           [ "$!" = "$pid" ] && echo "\$! stays"
           sh -c 'exit 4' & sh -c 'exit 5' & wait %1 $!; echo "last: $?"
           wait {NO_SUCH_PID}; echo "stranger: $?""#
    );
    let out = run(&home, &["-c", &script, "myshell"], b"");
    assert_eq!(
        stdout(&out),
        "job: 1\npid: 3\nagain: 3\n$! stays\nlast: 5\nstranger: 127\n"
    );
    assert_eq!(
        stderr(&out),
        format!("myshell: line 7: wait: pid {NO_SUCH_PID} is not a child of this shell\n")
    );
    // A job of builtins only has a `$!` too, which `wait` and `kill` know, before and after the
    // job ends; so has a job that starts its first process after `&` has returned.
    same_as_bash(
        &home,
        &[
            "false & wait $!; echo $?; (exit 3) & p=$!; sleep 0.2; wait $p; echo $?; wait $p; echo $?",
            "f() { return 4; }; f & wait $!; echo $?; while :; do :; done & kill $!; wait $!; echo $?",
            "f() { for ((i = 0; i < 30000; i++)); do :; done; sleep 0.1; return 5; }; f & p=$!; wait $p; echo $?",
            // `$!` is the same number each time it is read, and names the job after its first
            // process has ended and a second has started.
            "f() { for ((i = 0; i < 30000; i++)); do :; done; sleep 0.5; }; f & a=$!; sleep 0.3; \
             [ $a = $! ] && echo same; g() { sleep 0.2; sleep 5; }; g & b=$!; sleep 0.5; kill $b; \
             wait $b; echo $?; wait $a",
        ],
    );
}

#[test]
fn wait_n_returns_the_status_of_the_next_job_to_end() {
    let home = Home::new();
    let out = run(
        &home,
        &[
            "-c",
            "(sleep 0.6; exit 3) & (sleep 0.1; exit 4) &
             wait -n; echo $?; wait -n; echo $?; wait -n; echo $?",
        ],
        b"",
    );
    assert_eq!(stdout(&out), "4\n3\n127\n", "{}", stderr(&out));
}

/// `wait -p` was "not yet implemented" (status 99); scripts that run jobs in parallel use it with
/// `-n` to learn which job ended.
#[test]
fn wait_p_names_the_job_that_answered() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"sleep 0.4 & a=$!; sleep 0.1 & b=$!; wait -n -p v; [ "$v" = "$b" ] && echo b first
               wait -p w %1; [ "$w" = "$a" ] && echo w is a
               v=x; wait -p v; echo "$? ${v-unset}"
               false & f=$!; sleep 0.1; wait -pg $f; echo "$? $([ "$g" = "$f" ] && echo g is f)"
               wait -p q 12345; echo "$? ${q-unset}""#,
            "wait -p; echo $?; wait -p 1x; echo $?; readonly r; wait -p r; echo $?; wait -x",
        ],
    );
}

/// `${x/pattern/replacement}` as bash 5.2's: with `patsub_replacement` (on by default) an unquoted
/// `&` is the text matched, which `"${x//</&lt;}"` meets; and a `$` in the replacement is itself
/// (it named a capture group: `"${x/cost/\$10}"` gave nothing).
#[test]
fn a_replacement_puts_the_match_for_an_unquoted_ampersand_and_keeps_dollars() {
    let home = Home::new();
    let script = r#"x=cost; echo "${x/cost/\$10}"; y='$1'; echo ${x/o/$y}
x='a<b&c'; echo "${x//</&lt;}" ${x//</\&lt;} "${x//</\&lt;}" "${x//&/&amp;}" ${x/a/"&"} ${x/a/'&'}
r='[&]'; echo ${x/a/$r} "${x/a/$r}"; r='\&'; echo ${x/a/$r}; r='\\&'; echo ${x/a/$r} ${x/a/"$r&"}
x=abc; echo ${x/b/'\'&} ${x/b/\\\\&} ${x/b/\$&} "${x//?/&&}" ${x/z/&} ${x/a/$'&'} "${x/b/\\}"
a=(ab cb); echo "${a[@]/b/<&>}"; set -- ab cb; echo "${@/#/-&-}" "${*/%/&!}"
shopt -u patsub_replacement; echo "${x//b/&}" ${x/a/$r}
"#;
    written_script_same_as_bash(&home, "patsub.sh", script);
}

/// Under `set -e` a compound command (a group, `if`, `case`, a loop) that fails does not end the
/// script, and the ERR trap does not run for it: both see the commands inside. `if c; then [ -f x ]
/// && rm x; fi` ended ncsh's script where the test failed, and `{ false; }` ran the trap twice.
#[test]
fn set_e_and_the_err_trap_see_the_commands_inside_a_compound_not_the_compound() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "set -e; { false && true; }; echo \"on $?\"; if true; then false && true; fi
             for i in 1; do false && true; done; for ((i=0;i<1;i++)); do false && :; done
             case x in x) false && true;; esac; until true; do :; done; echo on
             { false && true; } > /dev/null; { (exit 3) || (exit 4) && :; }; echo \"on $?\"
             if true; then false; echo no; fi",
            "set -e; f() { false && true; }; f; echo no",
            "set -e; { echo; } > /nonexistent/x || echo handled; ! { :; } > /nonexistent/y
             while read -r l; do echo \"$l\"; done < /nonexistent/file; echo no",
            "trap 'echo ERR' ERR; for i in 1; do :; done > /nonexistent/out; echo after",
            "set -e; true | { false && true; }; echo no",
        ],
    );
    let script = "trap 'echo \"E$LINENO\"' ERR\n{ false && true; }\n{ false; }\n\
                  if false; then :; fi\nif true; then false; fi\nfor i in 1; do false; done\n\
                  for i in 1; do false && :; done\ncase x in x) false;; esac\n\
                  case x in x) false && :;; esac\nwhile false; do :; done\n(false)\n(false && :)\n\
                  { false; } | cat\ncat /dev/null | { false; }\n[[ -z x ]]\n(( 0 ))\n\
                  f(){ false && :; }; f\ng(){ false; }; g\n{ false; } || :\nx=$(false)\n\
                  true |\n  false\n";
    written_script_same_as_bash(&home, "err.sh", script);
}

/// An ERR, DEBUG or RETURN trap that a subshell sets (itself, or in a function it runs) fires
/// there, as in bash; the ones it inherited still do not, without `set -E`/`-T`. Those it set
/// never fired: `x=$(f)` where `f` sets an ERR trap. And as in bash, the trap runs for a command
/// only if it was set when the command began (a function that sets it and fails ran it twice).
#[test]
fn traps_a_subshell_sets_fire_there() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"f(){ trap "echo err" ERR; false; }; x=$(f); echo "[$x]"; f | cat; (f)
               ( trap "echo e2" ERR; false; ); y=$(trap "echo e3" DEBUG; echo hi); echo "[$y]"
               trap "echo top" ERR; (false); (trap - ERR; false); echo end"#,
            r#"f(){ trap "echo err" ERR; return 1; }; f; echo ---; f; eval 'trap "echo e" ERR; false'
               trap - ERR; eval 'trap "echo e" ERR; false'; echo ---
               trap "echo old" ERR; f(){ trap "echo err" ERR; return 1; }; f"#,
        ],
    );
}

/// `return` in an ERR trap returns from the function the failure was in (`trap 'return 1' ERR`,
/// an idiom of functions that stop at their first failure), with no number the status before the
/// trap; ncsh went on with the next command.
#[test]
fn return_in_an_err_trap_returns_from_the_function() {
    let home = Home::new();
    let script = r#"f() { trap "return 3" ERR; false; echo after; }; f; echo "f=$?"
g() { trap "return" ERR; (exit 4); echo after; }; g; echo "g=$?"
h() { trap 'echo e; return' ERR; false; }; h; echo "h=$?"
trap 'return 5' ERR; false; echo top=$?
k() { trap 'echo in trap; return 2' ERR; if false; then :; fi; false || true; false; echo no; }
k; echo k=$?
set -e
m() { trap 'return 6' ERR; false; echo no; }; m || echo m=$?
n() { trap 'return 7' ERR; false; }; n; echo not reached
"#;
    written_script_same_as_bash(&home, "ret.sh", script);
}

/// A program given the shell's own stdout or stderr under another number (`ls >&2`, `ls 2>&1`,
/// `>&3` after `exec 3>&2`) writes where the shell's descriptor goes: it wrote to its own, so a
/// script's `cat >&2 <<EOF` usage text went to stdout wherever the two differ (captured, piped).
#[test]
fn a_program_redirected_to_the_shells_stdout_or_stderr_writes_there() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "ls -d / >&2; ls /nonexistent 2>&1; exec 3>&2; ls -d /etc >&3; cat >&2 <<EOF
usage: x
EOF
             { ls -d /; ls /nonexistent; } 2>&1 >&2; ls -d /usr 2>&1 >/dev/null; cat <&0 <<< in",
        ],
    );
}

/// `. NAME` and `source NAME` look for NAME in `PATH` (it need not be executable) where it has no
/// slash, then in the working directory, as bash's; brush never searched `PATH`, so `.
/// git-sh-setup` failed in every git command written in shell (`git submodule`).
#[test]
fn dot_looks_for_a_name_without_a_slash_in_path() {
    let home = Home::new();
    std::fs::create_dir(home.path().join("pbin")).unwrap();
    std::fs::write(home.path().join("pbin/lib.sh"), "echo \"lib $1\"\n").unwrap();
    std::fs::write(home.path().join("here.sh"), "echo here\n").unwrap();
    let script = "PATH=$PWD/pbin:$PATH; . lib.sh a1; source lib.sh; . here.sh; . ./here.sh\n\
                  shopt -u sourcepath; . lib.sh; echo $?; shopt -s sourcepath\n\
                  PATH=/nonexistent; . nothere.sh; echo $?; PATH=:/usr/bin; cd /; cd - >/dev/null\n\
                  . here.sh\n";
    written_script_same_as_bash(&home, "dot.sh", script);
    // In POSIX mode the working directory is not searched, as in bash.
    let out = run(&home, &["-c", "set -o posix; . here.sh"], b"");
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains(".: here.sh: file not found"),
        "{}",
        stderr(&out)
    );
}

/// An argument that looks like an assignment has the tildes after its first `=` and its colons
/// expanded, as in bash: `make install PREFIX=~/.local` and `env VAR=~/x cmd` got a literal `~`.
#[test]
fn an_argument_that_looks_like_an_assignment_has_its_tildes_expanded() {
    let home = Home::new();
    same_as_bash(
        &home,
        &["HOME=/h; x=a=~/b; echo $x; y=~/c:a=~/d; echo $y
             echo a=~/b b:~/c =~/d a+=~/e a[1]=~/f \"a\"=~/g a=x=~/h a=~/i:~/j --o=~/k 1a=~/x
             echo a=\\~/x a=~ a=~root; env F=~/f printenv F"],
    );
}

/// `declare -f` writes redirections as bash does (`} 2>&1`, `1>&2`, `<(cmd)`), so that what it
/// writes reads back: `}2>& 1` and `<(( cmd ))` did not (`eval "$(declare -f f)"`, `sudo bash -c
/// "$(declare -f f); f"`).
#[test]
fn declare_f_writes_redirections_that_read_back() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"f() { echo x 2>&1 >/dev/null 3<&0 4>&- <<< hi; cat <(echo a) >&2; cat < <(echo b)
               [[ -n x ]] 2>/dev/null; echo >& /dev/null; cat <&3; echo >&$x; echo 2>&$z
               { echo grp; } 2>&1; ( echo sub ) > /dev/null 2>&1; while false; do :; done < /dev/null
               }; declare -f f; eval "$(declare -f f)" && echo read back
               g() { exec {fd}>&-; exec {a}>/dev/null; cat {fd}<&0; echo {x} > /dev/null; }
               declare -f g; eval "$(declare -f g)" && declare -f g"#,
        ],
    );
}

/// Inside backquotes a backslash before `$`, a backquote or a backslash (and `"` within double
/// quotes) is taken away before the command is read, as in bash: `` g=`echo \$HOME` `` gave
/// `$HOME`, and Maven's launcher failed on `` `\\unset …` ``.
#[test]
fn backslashes_in_backquotes_are_taken_away_as_bash_takes_them() {
    let home = Home::new();
    let script = r#"HOME=/h; g=`echo \$HOME`; echo "$g"; echo `echo \\\\`; a="`\\echo one`"; echo "$a"
j="`printf %s \"$HOME\"`"; echo "$j"; k=`echo "\$HOME"`; echo "$k"; echo `echo \`echo nested\``
echo "`echo '\$x'`"; echo `echo 'a\b'` `echo a\\b`; x=5; echo `expr $x \* 2`; echo "`echo \\\"q\\\"`"
"#;
    written_script_same_as_bash(&home, "bq.sh", script);
}

/// A declaration asked for an array whose value reads `(…)` once expanded is a compound
/// assignment, as in bash (`declare -a "$name=(x 'y z')"`, `local -a "l=(a b)"`, `declare -a
/// c=$v`): it was one string. And `declare -ai a=(1+1 2*3)` evaluates each element (each was 0).
#[test]
fn a_declared_array_whose_value_reads_as_a_compound_assignment_is_one() {
    let home = Home::new();
    std::fs::write(home.path().join("f1"), "").unwrap();
    same_as_bash(
        &home,
        &[
            r#"HOME=/h; n=arr; declare -a "$n=(x 'y z')"; declare -p arr; declare "b=(1 2)"; declare -p b
               f(){ local -a "l=(a b)"; declare -p l; }; f; typeset -a t="(1 2)"; declare -p t
               v="(p q)"; declare -a c=$v; declare -p c; declare -a "d=(\$HOME f*)"; declare -p d
               export "ex=(1 2)"; declare -p ex; declare -a y="(a"; declare -p y; declare -A "m=([k]=v)"
               declare -p m; declare -a w='([3]=a b)'; declare -p w; readonly -a r="(1 2)"; declare -p r
               declare -ai z='(1+1 2)'; declare -p z; x=3; declare -ai q=([2]=x*2 x); declare -p q
               declare -i ia=(1+1 2*3); declare -p ia"#,
        ],
    );
}

/// A `#` after a blank in `$(…)` begins a comment, even where the comment holds the `)`:
/// `y=$( # note )` on a line of its own was a syntax error where the substitution ended.
#[test]
fn a_comment_right_after_a_command_substitution_opens_is_one() {
    let home = Home::new();
    let script = "y=$( # note )\necho hi ); echo \"[$y]\"\nz=$( :; # note )\necho z ); echo \"[$z]\"\n\
                  x=1; echo \"${x:- #y}\" $(echo \" #q\") $( echo a#b; echo  #c\n)\n";
    written_script_same_as_bash(&home, "comment.sh", script);
}

/// Bytes that are not UTF-8 (Latin-1 text) in a script or a command substitution's output no
/// longer fail the command: `x=$(printf 'caf\351')` abandoned its line with "incomplete utf-8
/// byte sequence", and a script with such a byte in a comment failed with status 2. They become
/// U+FFFD where bash keeps them, so nothing here prints one.
#[test]
fn bytes_that_are_not_utf8_do_not_fail_a_script() {
    let home = Home::new();
    let script = b"# caf\xe9, in Latin-1\nx=$(printf 'caf\\351'); echo \"$? ${#x}\"\n\
                   case $x in caf*) echo matched;; esac\necho done\n";
    written_script_same_as_bash(&home, "latin1.sh", script);
}

/// A slice of an indexed array starts at its first element whose subscript is the offset or more,
/// a negative offset counting back from one past its largest subscript, as in bash: brush
/// counted elements, so `${a[@]: -2}` of a sparse array gave two elements where bash gives one.
#[test]
fn a_slice_of_a_sparse_array_counts_its_offset_in_subscripts() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"a=(x y z w); a[10]=t; echo "${a[@]: -2}|${a[@]:5}|${a[@]:1:2}|${a[@]: -8:2}|${a[@]:3:2}"
             echo "${a[@]: -20}|${a[*]:11}|${a[@]:0}"; unset "a[1]"; echo "${a[@]:1:2}|${a[@]:0:2}"
             b=(1 2 3); echo "${b[@]: -1}" "${b[@]:1}"; e=(); echo "[${e[@]: -1}]""#,
        ],
    );
}

/// `test` and `[` say what bash says of arguments that make no expression: `[ $x -eq 1 ]` with
/// `x` empty is `[: -eq: unary operator expected`, which everyone debugging a script meets;
/// ncsh said "invalid test command".
#[test]
fn test_says_what_bash_says_of_arguments_that_make_no_expression() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "x=; [ $x -eq 1 ]; echo $?; [ 1 -eq ]; [ a b c ]; echo $?; test 1 -eq; [ a = ]
             [ 1 -lt 2 -a ]; [ a b c d e ]; [ a -o b c ]; [ ! a b ]; [ -z a b c ]; test ! a b c
             test '(' a b ')'; test '(' a; test a ')'; [ ! ! a b ]; test a -a b -o; echo $?",
        ],
    );
}

/// `${x@A}` gives a statement that makes the variable again, with its attributes, as bash's:
/// `declare -i n='5'` (ncsh left the attributes of a scalar out).
#[test]
fn at_a_gives_a_declaration_with_the_attributes() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"declare -i n=5; echo ${n@A}; declare -rx rx=1; echo ${rx@A}; declare -l l=AB
             echo ${l@A}; s=x; echo ${s@A}; a=(1 2); echo ${a@A} ${a[@]@A}; declare -ai ia=(3)
             echo ${ia[@]@A}; f(){ local q=1; echo ${q@A}; }; f; unset u; echo "[${u@A}]""#,
        ],
    );
}

/// `"$*"` and `"${a[*]}"` join with nothing where IFS is empty, as in bash (`join() { local
/// IFS="$1"; shift; echo "$*"; }; join "" a b` gave `a b`); and a command found in one `PATH` is
/// looked for again once `PATH` changes (after `PATH=~/venv/bin:$PATH`, the old program ran).
#[test]
fn an_empty_ifs_joins_with_nothing_and_a_new_path_forgets_the_old_programs() {
    let home = Home::new();
    for (dir, says) in [("p1", "one"), ("p2", "two")] {
        std::fs::create_dir(home.path().join(dir)).unwrap();
        let tool = home.path().join(dir).join("tool");
        std::fs::write(&tool, format!("#!/bin/sh\necho {says}\n")).unwrap();
        std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    same_as_bash(
        &home,
        &[
            r#"a=(1 2 3); IFS=; echo "${a[*]}"; x="${a[*]}"; echo "$x"; set -- p q; echo "$*"
               unset IFS; echo "${a[*]}"; IFS=,; echo "${a[*]}" "$*"; join() { local IFS="$1"; shift; echo "$*"; }
               join "" a b c; join - a b; IFS=; printf "<%s>" ${a[*]} "${a[@]}"; b=("${a[*]}"); echo ${#b[@]}"#,
            "PATH=$PWD/p1:$PATH; tool; hash; PATH=$PWD/p2:$PATH; tool; type tool
             f() { local PATH=$PWD/p1:$PATH; tool; }; f; tool; PATH=$PWD/p1:$PATH tool; tool
             export PATH=$PWD/p1:$PATH; tool; hash -t tool",
        ],
    );
}

/// Where a word becomes one string (an assignment, `case`'s word, `[[ ]]`, a here-string), an
/// unquoted `$*` or `${a[*]}` is joined with IFS's first character, as a quoted one is: `IFS=:;
/// x=$*` gave `a b c` for `a:b:c`. `$@` is joined with spaces, as in bash; and a here-string's
/// word is not brace-expanded (`<<< {a,b}` gave `a b`).
#[test]
fn an_unquoted_star_made_one_string_is_joined_with_ifs() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"set -- a b c; IFS=:; x=$@; echo "[$x]"; x=$*; echo "[$x]"; a=(p q); z=${a[@]}
               echo "[$z]"; z=${a[*]}; echo "[$z]"; cat <<< $@; cat <<< $*
               [[ $* == a:b:c ]] && echo matched; case $* in "a b c") echo spaces;; a:b:c) echo colons;; esac
               IFS=; w=$*; echo "[$w]"; w=$@; echo "[$w]"; IFS=-; u=${*/b/B}; echo "[$u]"; echo $*
               set --; u=$*; echo "[$u]"; unset IFS; set -- a b; u=$*; echo "[$u]"
               cat <<< {a,b}; cat <<< x{1..3}; IFS=:; set -- a b; echo ${u:?$*}"#,
        ],
    );
}

/// `read` as bash's: it takes a character of several bytes whole (`café` became `cafÃ©`, and `-n`
/// counted bytes); whitespace of IFS beside another delimiter is part of it (`IFS=', ' read -ra p
/// <<< "a, b"` gave an empty field between), and a delimiter ending the line is not the last
/// variable's; `read 'a[i++]'` assigns an element (it made a variable named `a[i++]`); and control
/// characters read from a pipe are kept (`\x03` ended the read as a Ctrl-C would), and `-n 0`
/// reads nothing; without `-r`, a backslash makes the character after it no delimiter
/// (`IFS=: read a b <<< 'x\:y:z'` split at the escaped `:`).
#[test]
fn read_splits_and_assigns_as_bash() {
    let home = Home::new();
    std::fs::write(home.path().join("utf.txt"), "café ☺\n").unwrap();
    let split = r#"for inp in "k:v:" "k:v::" "k:v:w:" "k::" "k: v :" "k:v : " ":k:v" "k:v :x:" "a, b, c" "x::y" "" " : "; do
  IFS=': ' read -r a b <<< "$inp"; printf '[%s][%s] ' "$a" "$b"; IFS=':' read -r a b <<< "$inp"; printf '[%s][%s] ' "$a" "$b"
  IFS=': ' read -r a b c <<< "$inp"; printf '[%s][%s][%s] ' "$a" "$b" "$c"; IFS=': ' read -ra arr <<< "$inp"; printf '%s ' "${#arr[@]}" "${arr[@]}"
  IFS=':' read -ra arr <<< "$inp"; printf '%s ' "${#arr[@]}" "${arr[@]}"; echo
done"#;
    same_as_bash(
        &home,
        &[
            r#"LC_ALL=C.UTF-8; while IFS= read -r l; do echo "$l ${#l}"; done < utf.txt; read -r b <<< "é"; printf %s "$b" | od -An -tx1
               read -n1 c <<< "éx"; echo "[$c]"; read -N 3 z <<< "aéb"; echo "[$z]"; IFS="→" read -ra p <<< "a→b→c"; declare -p p"#,
            split,
            r#"read -r 'rv[1]' <<< v; declare -p rv; i=0; while read -r "lines[i++]"; do :; done <<< $'a
b'; declare -p lines
               declare -A m; read -r 'm[key]' <<< v; declare -p m; declare -i n; read n <<< "2*3"; echo $n
               declare -n ref=target; read ref <<< "via ref"; echo "$target"; read 1x <<< q; echo $?
               printf 'a\x03b\x04c\x01\n' | { read x; echo "$? [$x]" | od -c; }; read -n 0 x <<< abc; echo "$? [$x]""#,
            r#"printf ' a\\ b\\:c  \n' | { read; echo "[$REPLY]"; }; printf ' a\\ b\\:c:d:e\\:f  \n' | { IFS=": " read x y; echo "[$x][$y]"; }
               printf '\\ a b\\ \n' | { read -a x; declare -p x; }; printf 'a\\\nb c\n' | { read x y; echo "[$x][$y]"; }
               printf 'a\\bcd' | { read -N 3 x; echo "[$x]"; }; printf 'a\\\\b c\n' | { read x y; echo "[$x][$y]"; }
               (printf 'a\\ b\\'; sleep 2) | { read -t 1 x y; echo "$? [$x][$y]"; }; printf 'a\\' | { read x; echo "$? [$x]"; }
               read -d : a <<< 'a\:b:c'; echo "[$a]"; printf 'p\\\nq:' | { read -d : w; echo "[$w]"; }"#,
        ],
    );
}

/// A shell function recurses thousands of calls deep, as bash's (the shell ended with a stack
/// overflow about fifty calls deep in a debug build, a few hundred in a release one), in a pipeline,
/// a job and a command substitution too, and so does a file sourcing itself; and `FUNCNEST` limits
/// the depth as in bash, a deeper call abandoning the whole command.
#[test]
fn functions_recurse_deep_and_funcnest_limits_them() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"r() { (( $1 > 0 )) && r $(( $1 - 1 )) || echo bottom; }; r 3000; r 1000 | cat; r 1000 & wait
               x=$(r 1000); echo $x; echo 'n=$((n+1)); ((n < 500)) && . ./self.sh' > self.sh; n=0; . ./self.sh; echo $n"#,
        ],
    );
    let script = r#"FUNCNEST=10
r() { echo -n "$1 "; r $(( $1 + 1 )); echo "back $1"; }
r 1; echo "st=$?"
echo after
f() { local x=$(r 1); echo "[$x]"; }; f
"#;
    written_script_same_as_bash(&home, "nest.sh", script);
}

/// A pattern or regular expression matched against text of several lines anchors at the ends of
/// the whole text, as in bash: `[[ $s =~ ^line2 ]]`, `[[ $s == line1 ]]` and `case $s in line2)`
/// matched one line of `$s`.
#[test]
fn patterns_match_the_whole_text_of_several_lines() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"s=$'line1\nline2'; [[ $s =~ ^line2 ]] && echo m1; [[ $s =~ line1$ ]] && echo m2
             [[ $s =~ 1.l ]] && echo m3; [[ $s == line1 ]] && echo m4; [[ $s == line1* ]] && echo m5
             case $s in line2) echo m6;; esac; echo "${s#line1?}"; [[ $s =~ ^line1.line2$ ]] && echo m7
             echo "${s%%$'\n'*}" "${s/#line2/X}"; t=$'a\n'; [[ $t == a ]] && echo m8; [[ $t =~ a$ ]] && echo m9
             shopt -s extglob; [[ $s == @(line1) ]] && echo m10"#,
        ],
    );
}

/// `unset 'a[@]'` empties an indexed array (it did nothing) and takes the key `@` from an
/// associative one, as bash's; and `[[ -v a ]]` of an array asks for its element 0, so that an empty
/// array is not set.
#[test]
fn unset_of_all_elements_and_v_of_an_array_as_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"b=(x y); unset "b[@]"; declare -p b; c=(x); unset "c[*]"; declare -p c; declare -A d=([k]=v [@]=at)
               unset "d[@]"; declare -p d; declare -A e=([k]=v); unset "e[*]"; declare -p e; s=str; unset "s[@]"
               echo $?; declare -p s; readonly r=(1); unset "r[@]"; echo $?; unset "nosuch[@]"; echo $?"#,
            r#"a=(); [[ -v a ]]; echo $?; b=([1]=x); [[ -v b ]]; echo $?; declare -A d=([k]=v); [[ -v d ]]; echo $?
               test -v b; echo $?; z=(0); [[ -v z ]]; echo $?; declare -A y=([0]=q); [[ -v y ]]; echo $?"#,
        ],
    );
}

/// A prompt shows what its escapes give as it is, as bash's: the name of a directory with an
/// apostrophe (`\w` after `cd "Bob's Music"`) made every prompt a parse error, and one with a
/// `$(…)` in it ran that at every prompt. The prompt's own text is expanded as in double quotes
/// (`"\W"`, `it's`), `\w` shortens only a whole home directory, never `/`, and a `$(…)` in `PS4`
/// is not traced (it traced itself without end).
#[test]
fn prompts_show_what_escapes_give_as_it_is() {
    let home = Home::new();
    for dir in [
        "Bob's Music",
        "evil$(touch PWNED)",
        "a\\b",
        "x`echo y`",
        "d\"q",
        "homeX",
        "homeXtra",
    ] {
        std::fs::create_dir(home.path().join(dir)).unwrap();
    }
    same_as_bash(
        &home,
        &[
            r#"for d in "Bob's Music" 'evil$(touch PWNED)' 'a\b' 'x`echo y`' 'd"q'; do cd "$d"; PS1='\W|'; echo "${PS1@P}"; cd ..; done
               ls PWNED; PS1="it's \W> "; echo "${PS1@P}"; PS1='"\W" \$ '; echo "${PS1@P}"; PS1='a\"b \\ \$ \` '; echo "${PS1@P}"
               x=5; PS1='$x ${x:-"d"} $(echo "hi there") `echo bq` ~'; echo "${PS1@P}"; shopt -u promptvars; PS1='$x \W'; echo "${PS1@P}""#,
            r#"HOME=$PWD/homeX; cd homeXtra; PS1='\w'; echo "${PS1@P}"; dirs; cd ../homeX; echo "${PS1@P}"; dirs
               HOME=/; cd /usr/share; PROMPT_DIRTRIM=1; echo "${PS1@P}"; dirs"#,
            r#"PS4='+$(echo T) '; set -x; true; x=$(echo in); echo "$x""#,
            r#"PS1='\\\\|'; echo "${PS1@P}"; PS1='$(echo a\\\\b)|\\$HOME|\\\\'; echo "${PS1@P}"; PS1='\\\\w'; echo "${PS1@P}""#,
        ],
    );
}

/// A job whose commands have ended is done when `jobs` looks, and `jobs` shows it once, as bash's:
/// in a script, which never polls, it stayed `Running` for ever, so a loop that waits for fewer
/// running jobs (`while (( $(jobs -r | wc -l) >= max ))`) never ended. The jobs sleep for different
/// times, so that they end in one order in both shells on a loaded machine.
#[test]
fn jobs_sees_ended_jobs_and_shows_them_once() {
    let home = Home::new();
    let script = r#"max=2
for i in 1 2 3 4 5; do
  while (( $(jobs -r | wc -l) >= max )); do sleep 0.1; done
  { sleep 0.$((i + 1)); echo "job $i done"; } &
done; wait; echo all done
sleep 0.1 & p=$!; sleep 0.3; jobs; wait $p; echo "st=$?"; (exit 3) & q=$!; sleep 0.3; jobs; wait $q; echo "st=$?"
sleep 0.1 & sleep 0.3; jobs -r; echo r; jobs -s; echo s; jobs; echo all; jobs
(exit 3) & q=$!; sleep .3; jobs -r; wait $q; echo "st=$?"
"#;
    written_script_same_as_bash(&home, "jobs.sh", script);
}

/// A signal that ends the shell runs its EXIT trap first, as bash's: `trap 'rm -f "$tmp"' EXIT`
/// left its file behind when `timeout`, `kill` or a hangup ended the script. A trap on the signal,
/// or `''`, still takes it, and `trap - EXIT` gives it back its default.
#[test]
fn a_signal_that_ends_the_shell_runs_its_exit_trap() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"trap 'echo bye' EXIT; kill -TERM $$; echo not reached"#,
            r#"trap "echo bye" EXIT; trap - EXIT; kill -HUP $$; echo no"#,
            r#"trap "echo bye" EXIT; trap "echo t" TERM; kill -TERM $$; echo yes"#,
            r#"trap "echo bye" EXIT; trap "echo t" TERM; trap - TERM; kill -TERM $$; echo no"#,
            r#"trap "echo bye" EXIT; trap "" TERM; kill -TERM $$; echo yes"#,
            r#"trap "echo bye" EXIT; (kill -USR1 $$); sleep 0.2; echo no"#,
            r#"trap "echo x" EXIT; trap "" TERM; trap - EXIT; kill -TERM $$; echo survived"#,
        ],
    );
    // A loop in a subshell, a pipeline or a `$( … )` does not keep the script from ending, nor is
    // a command the same signal ended said to have been.
    for (name, body) in [
        ("sub.sh", "( while :; do sleep 0.1; done )"),
        ("pipe.sh", "while :; do sleep 0.1; done | cat"),
        ("subst.sh", "x=$(while :; do sleep 0.1; done)"),
    ] {
        std::fs::write(
            home.path().join(name),
            format!("trap 'echo bye' EXIT\n{body}\n"),
        )
        .unwrap();
        let ended = home
            .command(&[
                "-c",
                "timeout -k 5 1 \"$0\" \"$1\"; echo \"rc=$?\"",
                env!("CARGO_BIN_EXE_ncsh"),
                name,
            ])
            .current_dir(home.path())
            .output()
            .unwrap();
        assert_eq!(
            stdout(&ended),
            "bye\nrc=124\n",
            "{name}: {}",
            stderr(&ended)
        );
        assert_eq!(stderr(&ended), "", "{name}");
    }
    std::fs::write(
        home.path().join("cleanup.sh"),
        "touch tmpfile; trap 'rm -f tmpfile; echo cleaned' EXIT; sleep 3; echo not reached\n",
    )
    .unwrap();
    let ended = home
        .command(&[])
        .current_dir(home.path())
        .arg("-c")
        .arg("timeout -s TERM 1 \"$0\" cleanup.sh; echo \"rc=$?\"")
        .arg(env!("CARGO_BIN_EXE_ncsh"))
        .output()
        .unwrap();
    assert_eq!(stdout(&ended), "cleaned\nrc=124\n", "{}", stderr(&ended));
    assert!(!home.path().join("tmpfile").exists());
}

/// A `for` or `select` whose body is a brace group, and a function whose body is `[[ … ]]`, parse
/// as in bash; each was a syntax error that stopped the whole script. A loop's name that can name
/// no variable (`for 1 in …`) is refused, status 1 (the loop ran).
#[test]
fn brace_bodies_of_loops_and_test_bodies_of_functions_parse() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"f() [[ -n x ]]; declare -f f; f && echo ok; for i in 1 2; { echo $i; }; h() { for i; { echo $i; }; }
             declare -f h; h a b; select x in p; { echo $x; break; } <<< 1; g() [[ -z x ]] 2>/dev/null; g || echo no"#,
            r#"for 1 in a; do echo x; done; echo st=$?; for a-b in a; do echo x; done; echo st=$?; select 1 in a; do break; done </dev/null; echo st=$?"#,
        ],
    );
}

/// A standard stream closed for a command (`ls 2>&-`, `cmd >&-`, `exec 2>&-`) is closed for the
/// program it runs, as in bash; the program had the shell's, so `2>&-` hid nothing.
#[test]
fn a_closed_standard_stream_is_closed_for_programs() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "ls /nonexistent 2>&-; /bin/echo out >&-; echo rc=$?; cat <&- ; echo rc=$?; exec 2>&-; ls /nonexistent2; echo end",
        ],
    );
}

/// A command that a signal ended is said to have been, as bash says it (`line 1:  2017
/// Segmentation fault      ./prog`; the signal's name alone for a pipeline of several commands),
/// but for an interrupt, a broken pipe, a command substitution and a background job: ncsh said
/// nothing, and a crash went unseen. (The pids differ, so the script masks them.)
#[test]
fn a_command_a_signal_ended_is_said_to_have_been() {
    let home = Home::new();
    std::fs::write(
        home.path().join("signalled.sh"),
        r#"{ sh -c "kill -SEGV \$\$"; echo rc=$?; sh -c "kill -KILL \$\$"; sh -c "kill -INT \$\$"; sh -c "kill -PIPE \$\$"; f() { sh -c "kill -USR1 \$\$"; }; f; true | sh -c 'kill -TERM $$'; x=$(sh -c 'kill -HUP $$'); echo "x=$?"; sh -c 'kill -TERM $$' & wait; sh -c 'kill -TERM $$'; sh -c 'kill -SYS $$'; sh -c 'kill -BUS $$'; } 2>&1 | sed -E 's/: +[0-9]+ /: PID /'
"#,
    )
    .unwrap();
    let ours = script_same_as_bash(&home, "signalled.sh");
    assert!(
        stdout(&ours).contains("PID Segmentation fault      sh -c"),
        "{}",
        stdout(&ours)
    );
}

/// `declare -fx f` exports the function, as bash's (it showed it and exported nothing), and an
/// exported array is not passed on to programs (`export a` gave them `a=` its element 0).
#[test]
fn declare_fx_exports_functions_and_arrays_stay_in_the_shell() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"f() { echo inf; }; declare -fx f; bash -c f; declare -f +x f; bash -c f 2>/dev/null || echo gone
             declare -fx nosuch; echo $?; a=(1 2); export a; env | grep "^a="; declare -A h=([k]=v); export h
             env | grep "^h="; export s=1; env | grep "^s="; declare -p a"#,
        ],
    );
}

/// `complete -p` shows specs that read back as they were given, as bash's: a `-X '!pattern'` lost
/// its `!` (read back, it removed what it had kept), a name with a blank was not quoted, and the
/// `-D`, `-E` and `-I` specs were left out. `compgen -A hostname` gives the hosts file's names
/// (it gave this host's name alone).
#[test]
fn complete_p_reads_back_and_hostnames_come_from_the_hosts_file() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"complete -F _x -D; complete -W "a b" -E; complete -X "!*.c" -f cc; complete -X "*.o" -f ld
               complete -W "a b" "x y"; complete -F _m ""; complete -p | sort; complete -p nonexist; echo $?
               complete -p cc ld; complete -r -D; complete -p -D; echo $?"#,
            "compgen -A hostname | sort; compgen -A hostname lo",
        ],
    );
}

/// What a script writes to a `>(…)` substitution reaches its command before the shell's process
/// ends: `exec > >(tee -a log) 2>&1` lost the script's output about one run in three, where the
/// script ended before the substitution's command had started.
#[test]
fn output_written_to_a_process_substitution_is_not_lost_at_exit() {
    let home = Home::new();
    std::fs::write(
        home.path().join("logged.sh"),
        "exec > >(tee -a log) 2>&1\necho starting; echo done\n",
    )
    .unwrap();
    for _ in 0..5 {
        let out = home
            .command(&["logged.sh"])
            .current_dir(home.path())
            .output()
            .unwrap();
        assert_eq!(stdout(&out), "starting\ndone\n", "{}", stderr(&out));
    }
    let logged = std::fs::read_to_string(home.path().join("log")).unwrap();
    assert_eq!(logged, "starting\ndone\n".repeat(5));
    same_as_bash(&home, &["echo x > >(sleep 0.2; cat); echo y"]);
}

/// printf keeps a `\x` that no hex digit follows and says so, as bash's, once a round; it refused
/// the whole format (`printf: printf: printf parsing error: …`).
#[test]
fn printf_keeps_a_bare_hex_escape_and_says_so() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"printf "\x|\n"; echo $?; printf "a\xZ\\\\x\x41\n"; echo $?; printf "%s\x" 1 2; echo; printf -v v "q\x"; echo "[$v]""#,
        ],
    );
}

/// The prompt's `\v` and `\V` are the version `BASH_VERSION` gives, as bash's (they were
/// brush-core's own, 0.5), and `\D{}` is the time (it was nothing).
#[test]
fn prompt_versions_and_the_empty_date_format_as_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"PS1='\v'; [[ ${PS1@P} == "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}" ]] && echo v
             PS1='\V'; [[ ${PS1@P} == "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}.${BASH_VERSINFO[2]}" ]] && echo V
             PS1='\D{}'; [[ ${PS1@P} =~ ^[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] && echo D"#,
        ],
    );
}

/// A `umask` in a subshell or a command substitution stays there, as in bash: `(umask 077; mkdir
/// ~/.ssh)` left the rest of the script making private files.
#[test]
fn a_umask_in_a_subshell_stays_there() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "umask 022; ( umask 077 ); umask; x=$(umask 077; umask); echo $x; umask
           (umask 027; touch one; stat -c %a one); touch two; stat -c %a two",
        ],
    );
}

/// A signal ignored as a script starts (`nohup script`) stays ignored whatever its traps say, as
/// POSIX and bash have it: under `nohup`, a script's `trap 'cleanup; exit' HUP` ran at the hangup.
#[test]
fn a_signal_ignored_at_entry_stays_ignored() {
    let home = Home::new();
    let script = r#"trap "echo trapped" HUP; trap -p HUP; kill -HUP $$; echo alive; trap - HUP; kill -HUP $$
                    echo still; trap "echo t2" TERM; kill -TERM $$"#;
    let under_nohup = |shell: &str| {
        let out = std::process::Command::new("bash")
            .args(["-c", "trap '' HUP; exec \"$0\" -c \"$1\"", shell, script])
            .current_dir(home.path())
            .output()
            .unwrap();
        (stdout(&out), stderr(&out), out.status.code())
    };
    let ours = under_nohup(env!("CARGO_BIN_EXE_ncsh"));
    assert_eq!(ours, under_nohup("bash"));
    assert_eq!(ours.0, "trap -- '' SIGHUP\nalive\nstill\nt2\n");
}

/// `history` and `fc -l` in a script (no history) list nothing and succeed, as bash's: they failed,
/// and in a pipeline (`history | tail`) the error ended the whole script.
#[test]
fn history_in_a_script_is_empty_and_an_error_in_a_pipeline_ends_only_its_command() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "history; echo $?; history -c; echo $?; history -w; echo $?; fc -l; echo $?; fc -s
           echo $?; history | wc -l; echo \"after $?\"; echo x | history; fc -l | cat; echo end",
        ],
    );
    // An error that no bash command gives (an option ncsh does not have) ends its command in the
    // pipeline, said, and the script goes on.
    let out = run(&home, &["-c", "declare -I q | cat; echo \"after $?\""], b"");
    assert_eq!(stdout(&out), "after 0\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("declare -I"), "{}", stderr(&out));
}

/// `disown` takes jobs out of the table, as bash's (it was "not yet implemented", status 99, so
/// `cmd & disown` ended a `set -e` script); `logout` ends a login shell and refuses otherwise.
#[test]
fn disown_takes_jobs_out_of_the_table_and_logout_ends_only_a_login_shell() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "disown; echo $?; disown %5; echo $?; disown 12345; echo $?; sleep 1 & disown; jobs
             sleep 1 & sleep 1 & disown -a; jobs; echo $?; sleep 1 & disown -h; jobs; disown -x
             set -e; sleep 0.2 & disown; echo ok; sleep 0.3 & p=$!; disown $p; jobs; wait; echo end",
            "logout; echo $?",
        ],
    );
    let out = run(&home, &["-l", "-c", "logout 3; echo no"], b"");
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(3)));
}

/// `dirs`, `pushd` and `popd` take `+N` and `-N`, places in the list `dirs` shows, as bash's:
/// `pushd +1` turns the list, `popd +1` takes one out, `dirs -v -1` shows one (all were refused).
#[test]
fn dirs_pushd_and_popd_take_places_in_the_list() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "cd /; dirs +1; echo $?; pushd +1; echo $?; popd +1; echo $?; pushd /tmp >/dev/null
           pushd /usr >/dev/null; pushd /etc >/dev/null; dirs; dirs +1; dirs -0; dirs -1; dirs +9
           echo $?; dirs -9; pushd +1; popd +1; popd -0; popd +5; echo $?; pushd -1; dirs -v
           dirs +1 -v; dirs -v -1; pushd +9; pushd -9; popd +9; popd -9; popd x; echo $?; dirs x",
        ],
    );
}

/// `shopt -s autocd`: an interactive shell gives a command that names a directory, and no
/// program, to `cd`, saying `cd -- DIR`, as bash's (ncsh said it was a directory).
#[test]
fn autocd_gives_a_directory_to_cd() {
    let home = Home::new();
    let script = "shopt -s autocd; /tmp; pwd; cd /; tmp; echo $?; pwd; ..; pwd";
    let out = run(&home, &["--norc", "-i", "-c", script], b"");
    assert_eq!(stdout(&out), "/tmp\n0\n/tmp\n/\n", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cd -- /tmp\ncd -- tmp\ncd -- ..\n"),
        "{}",
        stderr(&out)
    );
    // Not in a script, as in bash.
    let out = run(&home, &["-c", "shopt -s autocd; /tmp; echo $?"], b"");
    assert_eq!(stdout(&out), "126\n", "{}", stderr(&out));
}

/// The lines of a string `eval` runs are counted from the `eval`'s line, as bash counts them
/// (`$LINENO`, the line an error names, an ERR trap's `$LINENO`): they were counted from 1.
#[test]
fn lines_in_eval_are_counted_from_its_line() {
    let home = Home::new();
    let script = "x=1\n\neval \"echo \\$LINENO\"\ntrap 'echo err $LINENO' ERR\neval false\n\
                  f() {\n  eval \"echo in-f \\$LINENO\"\n}\nf\neval 'eval \"echo nested \\$LINENO\"'\n\
                  y=$(eval \"echo sub \\$LINENO\"); echo $y\neval 'echo ${z:?unset here}'; echo no\n";
    written_script_same_as_bash(&home, "eval.sh", script);
}

/// A builtin reading a process substitution blocked the only thread of a script's runtime, which
/// the substitution, a task, needed to write: each of these never returned.
#[test]
fn builtins_read_what_a_process_substitution_writes() {
    let home = Home::new();
    let script = r#"while read l; do echo "l=$l"; done < <(seq 2)
read x < <(echo hi); echo "x=$x"
mapfile -t a < <(printf 'a\nb\n'); echo "${#a[@]}"
exec 3< <(echo fd); read y <&3; echo "y=$y""#;
    let mut child = home
        .command(&["-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("a builtin reading a process substitution never returned");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(stdout(&out), "l=1\nl=2\nx=hi\n2\ny=fd\n");
}

#[test]
fn a_trapped_signal_runs_its_command_and_the_script_goes_on() {
    let home = Home::new();
    let script = r#"trap 'echo "got $1"' USR1 TERM HUP INT
for sig in USR1 TERM HUP INT; do set -- $sig; kill -$sig $$; done
echo after"#;
    let mut command = home.command(&["-c", script]);
    // With SIGINT at its default, as from a terminal: a shell started with it ignored (a
    // background job of a script, as `.ci/run` runs the tests) may not trap it, as POSIX has it.
    // SAFETY: between fork and exec, only `sigaction`, which is async-signal-safe.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            nix::sys::signal::signal(
                nix::sys::signal::Signal::SIGINT,
                nix::sys::signal::SigHandler::SigDfl,
            )
            .map(|_| ())
            .map_err(std::io::Error::from)
        });
    }
    let out = command.current_dir(home.path()).output().unwrap();
    assert_eq!(
        stdout(&out),
        "got USR1\ngot TERM\ngot HUP\ngot INT\nafter\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn trap_with_an_empty_command_ignores_the_signal_and_the_commands_started_inherit_that() {
    let home = Home::new();
    let script = r#"trap '' USR2; kill -USR2 $$; echo "ignored: $?"
sh -c 'kill -USR2 $$; echo "child ignored it too"'
trap 'echo caught' USR1; sh -c 'kill -USR1 $$; echo never'; echo "child died: $?""#;
    let out = run(&home, &["-c", script], b"");
    assert_eq!(
        stdout(&out),
        "ignored: 0\nchild ignored it too\nchild died: 138\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn trap_dash_restores_the_default_and_the_signal_kills_the_shell() {
    use std::os::unix::process::ExitStatusExt;

    let home = Home::new();
    let script = r#"trap 'echo caught' USR1; trap '' USR2; trap -p USR1 USR2
kill -USR1 $$
trap - USR1; echo listed; trap
kill -USR1 $$; echo never"#;
    let out = run(&home, &["-c", script], b"");
    assert_eq!(
        stdout(&out),
        "trap -- 'echo caught' SIGUSR1\ntrap -- '' SIGUSR2\ncaught\nlisted\ntrap -- '' SIGUSR2\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.signal(), Some(nix::libc::SIGUSR1));
}

#[test]
fn a_trap_on_term_runs_while_a_loop_of_builtins_runs() {
    use std::io::{BufRead, BufReader};

    let home = Home::new();
    let mut child = home
        .command(&[
            "-c",
            "trap 'echo \"got TERM\"; exit 3' TERM; echo ready; while :; do :; done",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::SIGTERM).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the TERM trap never ran");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(lines.next().unwrap().unwrap(), "got TERM");
    assert_eq!(child.wait().unwrap().code(), Some(3));

    // The same, with the signal from a background subshell of the script.
    let out = run(
        &home,
        &[
            "-c",
            "trap 'echo \"got TERM\"; exit 3' TERM; (sleep 0.2; kill -TERM $$) & while :; do :; done",
        ],
        b"",
    );
    assert_eq!(stdout(&out), "got TERM\n", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn dollar_question_inside_a_trap_is_the_status_before_it_and_is_kept_after_it() {
    let home = Home::new();
    let script = r#"trap 'echo "in $?"; false' USR1
sh -c 'kill -USR1 $PPID; exit 3'; echo "after $?"
false; kill -USR1 $$; echo "after kill $?""#;
    let out = run(&home, &["-c", script], b"");
    assert_eq!(
        stdout(&out),
        "in 3\nafter 3\nin 0\nafter kill 0\n",
        "{}",
        stderr(&out)
    );
}

/// A script's trap on INT runs when the script gets SIGINT, not when a command it runs dies of one
/// sent to that command alone; the script goes on, as bash's does.
#[test]
fn a_command_dying_of_sigint_does_not_run_the_scripts_int_trap() {
    let home = Home::new();
    let out = run(
        &home,
        &[
            "-c",
            "trap 'echo trapped' INT; sh -c 'kill -INT $$'; echo after",
        ],
        b"",
    );
    assert_eq!(stdout(&out), "after\n");
    assert_eq!(out.status.code(), Some(0));
}

/// Builtins given a wrong word name it and what is wrong, in bash's words, with bash's status, and
/// end the shell where bash's end it (`exit abc`, `exec` of nothing, a special builtin given too
/// many arguments) and only there: not for `break` outside a loop, a redirection that fails, or an
/// error in a subshell or a pipeline's command. Errors carry bash's `line N:`, and a refused
/// option is followed by bash's usage.
#[test]
fn builtins_given_a_wrong_word_say_what_bash_says_and_end_as_bash_ends() {
    let home = Home::new();
    let scripts = [
        "cd /no/such/dir; echo $?",
        "cd /etc/passwd; echo $?",
        "cd a b; echo $?; (unset HOME; cd; echo $?); (unset OLDPWD; cd -; echo $?)",
        "cd ''; echo $?; cd /tmp a ''; echo $?; cd -h 2>/dev/null; echo $?; read -h 2>/dev/null; echo $?",
        "local x=1; echo $?; type nosuch; echo $?; hash nosuch; echo $?; unalias nosuch; echo $?; \
         shopt -s nosuch; echo $?; let; echo $?; source /nonexist; echo $?; . /tmp; echo $?; \
         pushd /nonexist; echo $?; popd; echo $?",
        "test 1 -eq a; echo $?; [ x -lt 2 ]; echo $?; test '' -eq 0; echo $?; [ 1 = 1; echo $?; \
         [[ 1 -eq 1+0 ]]; echo $?; test ' 3 ' -eq 3; echo $?; [ 1 = 1 -o 1 -eq a ]; echo $?; \
         [ 1 = 2 -a 1 -eq a ]; echo $?; test \"$(printf '1\\n ')\" -eq 1; echo $?",
        "break; echo $?; continue 2; echo $?; for i in 1; do break 0; echo $?; done; \
         for i in 1 2; do for j in 1 2; do break 5; done; echo in; done; f() { break; }; \
         for i in 1 2; do f; echo $i; done; for i in 1 2 3; do continue 9; echo no; done; echo end",
        "for i in 1 2; do for j in 1 2; do continue 0; echo in; done; echo out$i; done; echo end $?; \
         while :; do break 200; done; for i in 1 2; do (for j in 1 2; do break 2; done; echo sub$i); \
         (break); { break; } | cat; echo $i; done; for i in 1 2; do break abc; echo no; done; echo no",
        "echo > nodir/f; : > existing; set -C; echo > existing; echo $?; f(){ echo; } > /nonexist/f; f | cat; \
         echo ${PIPESTATUS[@]}; x=$(< /nonexist); echo $? \"[$x]\"; g(){ : ${u:?}; }; g | cat; echo after",
        "echo > /nonexist/file; echo $?; cat < /nonexist; echo $?; { echo x; } > /nonexist/f; echo $?; \
         for i in 1; do echo; done > /nonexist/g; echo $?; (echo) > /nonexist/i; echo $?; \
         [[ 1 ]] > /nonexist/j; echo $?",
        "( : ${u:?} ); echo $?; x=$(: ${u:?}); echo $?; : ${u:?} | cat; echo $? ${PIPESTATUS[@]}",
        "unset LINENO\nnosuch",
        "f() {\n  : ${u:?x}\n}\n\nf\necho not reached",
        "g() { (set -u; echo $nope); echo $?; }; g; (g); echo $?",
        "exec /no/such/program; echo after",
        "exec no-such-program; echo after",
        "shopt -s execfail; exec no-such-program; echo after $?",
        "export 1abc=5 ok=1; echo $? $ok",
        "set -o badopt; echo after $?",
        "exit abc; echo after",
        "exit 1 2; echo after",
        "shift abc; echo $?",
        "shift -1; echo $?",
        "shift 5; echo $?",
        "shift 1 2; echo after",
        "cd /tmp -P; echo $?; pwd x; echo $?",
        "read -z; echo $?; printf; echo $?; cd -x; echo $?; help -s cd pwd; . -x",
        "read -e -i def x y <<< 'a b'; echo \"[$x][$y] $?\"",
        "x=; echo ${!x}; echo $?; y='a b'; echo ${!y}; echo ${!3} ${!3-def}; unset q; echo ${!q-d}; echo no",
        "x=abcdef; echo ${x:1:-2} ${x:2:-4} ${x: -3:-1} ${x:0:-1}; y=${x:2:-5}; echo not reached",
        "a=(1 2 3 4); echo ${a[@]:1:-1}; echo not reached",
        "source; echo $?; .; echo $?; OLDPWD=; cd -; echo $?; unset OLDPWD; cd -; echo $?",
        "set -Q; echo $?; set +Q; echo $?; set -eQ; echo $? $-; set -- -Q; echo $1",
        "pushd; echo $?; cd /; pushd /tmp >/dev/null; pushd; echo $?; dirs; pushd; dirs",
        "compgen -W 'alpha beta gamma' -- b; x='q r'; compgen -W \"$x s\" -- ''; echo hi >&4; echo $?",
        "f() { :; }; command -v f if cd; echo $?; command -V f if; command -v ls nosuch; echo $?; \
         command -v nosuch; echo $?; command -V nosuch ls; echo $?; type ls nosuch; echo $?",
        "shopt -s expand_aliases; alias ll='ls -l'; command -v ll; command -V ll",
        "while getopts ab: o -a -x -b; do echo \"$o\"; done; f() { getopts q o -z; }; f",
        "for m in u=rwx,g=rx,o= g+w o-rwx a=r +x u=rw,go= ug+x,o= q u+q u=rwx, 9 0778 u=r=w '' 077; \
         do umask 022; umask \"$m\"; echo \"$m -> $? $(umask)\"; done; umask -S u=rwx,g=rx; \
         umask -p; umask -p -S; umask -pS 027",
        "printf -v 1bad x; echo $?; getopts a 'bad name'; echo $?; printf -v 'a[' x; echo $?",
        "suspend; echo $?",
        "help nosuch; echo $?; export -f nosuch; echo $?; builtin nosuch; echo $?",
        "DIRSTACK[1]=/x; echo \"after $?\"; cd /tmp; echo $DIRSTACK; pushd / >/dev/null; declare -p DIRSTACK
         pushd /usr >/dev/null; echo ${DIRSTACK[@]} ${#DIRSTACK[@]}; GROUPS[0]=1; echo \"after $?\"",
        "echo $MACHTYPE ${BASH_VERSINFO[5]}; [[ $BASH == /* ]] && echo whole; cd /; \"$BASH\" -c 'echo ran'",
        "echo -n -n x; echo -nn y; echo -e -e 'a\tb'; read -r -r v <<< 'q\\w'; echo \"$v\"; type -t -t echo
         declare -x -x X=1; declare -p X; cd -P -P /tmp; pwd -P -P; command -v -v echo
         mapfile -t -t m <<< a; echo ${m[0]}; printf -v a -v b %s z; echo \"[$a][$b]\"; unset -v -v X",
        "for i in 1 2; do continue 1 2; done; echo after",
        "for i in 1 2; do break 1 2; done; echo after",
        "for i in 1 2; do echo $i; break ' 1'; done; for i in 1 2; do continue '1 '; done; echo after",
        "readonly q=1; r=2; unset q r; echo $? ${r-gone}; a=(1 2); readonly a; unset 'a[0]'; echo $? ${a[@]}",
        "shopt nullglob globstar; shopt -o errexit",
        "f() { return abc; }; f; echo $?",
        "f() { return 1 2; }; f; echo after",
        "return 3; echo $?",
        "read -t abc x; echo $?",
        "x=; echo ${x:?}; echo after",
        "echo ${y?no y here}; echo after",
        "echo ${1:?}",
    ];
    same_as_bash(&home, &scripts);
}

/// A command that cannot be run is worded as bash words it: a path that is not there, a
/// directory, a file without the right to run it, a missing interpreter, an empty name, a
/// directory in PATH named as the command, each also through `command`. An executable text file
/// without `#!` runs in a new ncsh, as bash runs it in a new bash, with bash's syntax (it ran in
/// /bin/sh). A binary the kernel refuses (a broken ELF file, or a NUL in the first line) cannot be
/// executed, with status 126 (it ran in /bin/sh too). `exec NAME` looks NAME up in PATH, not in
/// the current directory.
#[test]
fn commands_that_cannot_run_and_scripts_without_an_interpreter_line_behave_as_in_bash() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = Home::new();
    let make = |name: &str, text: &str, mode: u32| {
        let path = home.path().join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    make("noexec.sh", "echo hi\n", 0o644);
    std::fs::create_dir_all(home.path().join("bin/sub")).unwrap();
    make("bin/badint2", "#!/nonexistent/interp\necho hi\n", 0o755);
    make("badint.sh", "#!/nonexistent/interp\necho hi\n", 0o755);
    make(
        "plain",
        "[[ $1 == x ]] && echo \"$0 ran with $1\"\nf() { local v=(\"$@\"); echo ${#v[@]}; }\nf a b\n",
        0o755,
    );
    make("broken-elf", "\x7fELF\x02\x01\x01\0echo from sh\n", 0o755);
    make("ls", "echo the file named ls ran\n", 0o755);
    make("bin/nul-line", "\0\x01echo from sh\n", 0o755);
    std::fs::create_dir_all(home.path().join("adir")).unwrap();
    same_as_bash(
        &home,
        &[
            "./broken-elf; echo $?; PATH=$PWD/bin:$PATH; nul-line 2>/dev/null; echo $?; nul-line",
            "exec ls ls",
            "./noexec.sh; echo $?; ./badint.sh; echo $?; ./adir; echo $?; ./nosuch; echo $?",
            "/nonexistent/x; echo $?; ''; echo $?; PATH=$PWD/bin:$PATH; sub; echo $?; badint2; echo $?",
            "command ./nosuch; echo $?; command ./noexec.sh; echo $?",
            "./plain x; echo $?; cd adir && ../plain x",
        ],
    );
}

/// A failed `exec` leaves the shell as it was: with `execfail` the script goes on with the
/// descriptors and directory it had, and the exec's redirections, as bash's. The exec replaced them in the shell's own process, the async
/// runtime's among them, and every later command failed or hung.
#[test]
fn a_failed_exec_leaves_the_shell_as_it_was() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "shopt -s execfail; exec 3>f3 4>f4 5>&1; exec nosuch; echo after $?; sleep 0.1; \
           echo x | cat; echo to5 >&5; echo to3 >&3; cat f3; cd /; exec nosuch; pwd; echo y | cat",
            // The shell keeps the redirections of the failed exec, as bash's does, and passes
            // none of its own descriptors to the programs it starts after.
            "shopt -s execfail; echo line > f6; exec nosuch 6<f6 7>/dev/null; read -u 6 l; echo $l; \
             exec 6<&- 7>&-; ls /proc/self/fd | wc -l",
        ],
    );
}

/// `caller`, `FUNCNAME`, `BASH_SOURCE` and `BASH_LINENO` in a script run, a file sourced and
/// `-c` text, inside functions and outside them, as bash's: a script's bottom entry is `main` at
/// line 0 (ncsh named it `source`, and left it out of the arrays).
#[test]
fn caller_and_the_call_stack_arrays_read_as_in_bash() {
    let home = Home::new();
    let script = "declare -p FUNCNAME BASH_SOURCE BASH_LINENO; caller; echo $?; caller 0; echo $?\n\
                  f() {\n  declare -p FUNCNAME BASH_SOURCE BASH_LINENO\n  caller; caller 0; g\n}\n\
                  g() { caller 0; caller 1; caller 2; echo $?; }\nf\n";
    let ours = written_script_same_as_bash(&home, "stack.sh", script);
    assert!(
        stdout(&ours).contains("7 main stack.sh\n"),
        "{}",
        stdout(&ours)
    );
    // A file a script sources: its caller is the script's `main`.
    std::fs::write(home.path().join("inner.sh"), "caller 0; echo $?; caller\n").unwrap();
    std::fs::write(
        home.path().join("outer.sh"),
        "echo outer\nsource ./inner.sh\n",
    )
    .unwrap();
    let ours = script_same_as_bash(&home, "outer.sh");
    assert!(
        stdout(&ours).contains("2 main outer.sh\n"),
        "{}",
        stdout(&ours)
    );
    same_as_bash(
        &home,
        &[
            "source ./stack.sh",
            "caller; echo $?; f() { caller; echo $?; caller 0; echo $?; echo ${FUNCNAME[@]}; }; f",
        ],
    );
}

/// An arithmetic command that cannot be evaluated fails with status 1 and the script goes on, as
/// bash's (it ended the script); an arithmetic expansion's error still ends it, as in bash. `for
/// ((;;))`, with no space between the semicolons, is a loop, as in bash (it was a syntax error).
/// The errors' words are not bash's (no `(error token is …)`), so only output and status are
/// compared.
#[test]
fn arithmetic_commands_that_fail_do_not_end_the_script_and_for_headers_may_be_empty() {
    let home = Home::new();
    std::fs::write(
        home.path().join("loops.sh"),
        "# don't\nfor ((;;)); do break; done; echo \"for ((;;))\"\nfor ((i=0;;i++)); do ((i > 2)) && break; done; echo $i\n",
    )
    .unwrap();
    for script in [
        "((1/0)); echo next $?; [[ 1/0 -eq 1 ]]; echo next $?; ((1+)); echo next $?",
        "for ((i=1/0;;)); do :; done; echo next $?; ((2/0)) || echo handled",
        "x=$((1/0)); echo not reached",
        "set -u; ((nope + 1)); echo not reached",
        "set -e; ((1/0)); echo not reached",
        "source ./loops.sh; for ((;;)); do echo once; break; done",
    ] {
        let (ours, theirs) = (
            run(&home, &["-c", script], b""),
            bash(&home, &["-c", script]),
        );
        assert_eq!(stdout(&ours), stdout(&theirs), "{script}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{script}");
    }
}

/// A here-document that the end of the text leaves open is run as if its delimiter followed,
/// after bash's warning, in `-c` text and in a sourced file (it was a syntax error, and nothing
/// ran).
#[test]
fn a_here_document_left_open_at_the_end_runs_after_bashs_warning() {
    let home = Home::new();
    std::fs::write(home.path().join("open.sh"), "echo a\ncat <<EOF\nhi\n").unwrap();
    same_as_bash(
        &home,
        &[
            "cat <<EOF\nhi",
            "cat <<'EOF'\n$x\n",
            "cat <<-EOF\n\tx",
            "source ./open.sh; echo after $?",
        ],
    );
}

/// `{NAME}>file` opens the file on a descriptor from 10 up and puts its number in NAME, and
/// `{NAME}>&-` closes it, as in bash (`{fd}` was a command word: `exec: {fd}: not found`).
#[test]
fn a_redirection_onto_a_named_descriptor_opens_and_closes_it() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "exec {fd}>f1; echo \"fd ok: $((fd >= 10))\"; echo hi >&$fd; exec {fd}>&-; cat f1; \
           exec {a}<f1 {b}>>f1; echo \"differ: $((a != b))\"; read -r l <&$a; echo \"$l\"; \
           exec {c}>&1; echo via-c >&$c; exec {c}>&-; x=notnum; exec {x}>&-; echo \"st=$?\"; \
           exec {fd}> f4; echo spaced >&$fd; cat f4; echo {x} > f5; cat f5",
        ],
    );
}

/// A coprocess's `NAME_PID` is its pid, which `$!` also gives and `kill` and `wait` take, as in
/// bash; it was the job's number, so `kill $COPROC_PID` signalled pid 1. The second coprocess
/// waits before it ends: bash closes a coprocess's descriptors when it ends, so a read after
/// that finds nothing, in bash only sometimes.
#[test]
fn a_coprocess_pid_names_its_process() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "coproc CAT { cat; }; echo \"pid: $((CAT_PID > 1 && CAT_PID == $!))\"; \
           echo hi >&\"${CAT[1]}\"; read -r line <&\"${CAT[0]}\"; echo \"got $line\"; \
           kill $CAT_PID; echo \"kill $?\"; wait; coproc { echo anon; sleep 0.3; }; \
           read -r l <&\"${COPROC[0]}\"; echo $l; wait $COPROC_PID; echo $?",
        ],
    );
}

/// `-v NAME[INDEX]` asks whether an element is set, in `[[`, `test` and `[`, as in bash (brush
/// took `a[2]` for a name, which is never set).
#[test]
fn v_asks_whether_an_array_element_is_set() {
    let home = Home::new();
    same_as_bash(
        &home,
        &["arr=(a b c); i=1; declare -A m=([k]=v); \
           for t in 'arr[2]' 'arr[3]' 'arr[i]' 'arr[-1]' 'arr[@]' 'm[k]' 'm[z]' 'm[@]' arr 'no[0]'; \
           do [[ -v $t ]] && echo \"$t set\" || echo \"$t unset\"; done; \
           test -v 'arr[0]' && echo test-ok; e=(); [ -v 'e[@]' ] || echo empty-unset"],
    );
}

/// A readonly global variable cannot be made local, as in bash (brush made the local); a calling
/// function's readonly local can.
#[test]
fn a_readonly_global_cannot_be_shadowed_by_a_local() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "readonly r=1; f() { local r=2; echo \"in f $r $?\"; declare r=3; echo \"$r $?\"; }; f; \
           g() { local -r lr=1; h; }; h() { local lr=2; echo \"h $lr\"; }; g; echo $?",
        ],
    );
}

/// `hash` with no names lists the commands it has cached with their hits, or says the table is
/// empty, and `hash -l` lists them as commands, as bash's does (brush listed nothing).
#[test]
fn hash_lists_the_commands_it_has_cached() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "hash; hash -l; ls >/dev/null; hash; ls >/dev/null; cat </dev/null; hash; hash -l; \
           hash -r; hash; hash ls; hash",
        ],
    );
}

/// `jobs -n` lists the jobs whose state changed since `jobs` last showed them, as bash's.
#[test]
fn jobs_n_lists_only_the_jobs_not_shown_since_they_changed() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "sleep 30 & jobs -n; echo -; jobs -n; echo -; jobs; sleep 31 & jobs -n; jobs -n; kill %1 %2",
        ],
    );
}

/// A brace range with an end led by a zero pads every term to the wider end, as bash's does
/// (`{01..10}`), quoted or escaped braces stay as they are.
#[test]
fn zero_padded_brace_ranges_expand_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "echo {-01..02} {001..3} {08..10..2} {3..01} x{01..02}y \"{01..02}\" \\{01..02} \
           {01..2}{a,b} {01..01} {1..3} {00..-2}; for f in {01..3}; do echo $f; done",
            "echo $'it\\'s {01..03}'; x=1; echo ${x:+{01..03}} \"$(echo 'a\"b')\"{01..02} `echo {01..02}`",
            "echo {-09223372036854775800..-09223372036854775807..5} | wc -w",
        ],
    );
}

/// `printf %q` quotes as bash's does, with backslashes, in any format and every round of it; an
/// empty number is 0.
#[test]
fn printf_q_quotes_as_bash_does() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "printf '%q|' 'a b' '' $'a\\nb' '~x' 'a~' '#a' x=y '*' '{a,b}' a:b $'a\\tb'; echo",
            "printf '[%5s:%q]\\n' a 'b c' d \"e'f\" g; printf '%q\\n'; printf '%*s%q %%q\\n' 3 x 'y z'",
            "printf -v v '%q' 'a b'; echo \"$v\"",
            "printf '%d|%s|%f|%*s|\\n' '' '' '' '' x; echo $?",
            "printf '%q %d %q|\\n' a; printf '%s %q|\\n'; printf '%s%s%q|\\n' a b c d",
        ],
    );
}

/// The DEBUG trap runs before each simple command (a pipeline's too), `[[`, `((`, `for` round and
/// `case`, with
/// `BASH_COMMAND` the command's text as written (it ran only before simple commands with a name,
/// and `BASH_COMMAND` held the words they expanded to); in a trap's handler `BASH_COMMAND` stays
/// the command the trap interrupted. After a function returns, the ERR trap's `BASH_COMMAND` is
/// the last command the function ran (it was the call: the function did not see the trap, so
/// named nothing), and after `( … )` the subshell on one line (it was the command before). The
/// simple commands of a lone pipeline put in the background are announced too (bash-preexec
/// missed `sleep 5 &`). With `extdebug`, a DEBUG trap that fails skips the command (it ran).
#[test]
fn the_debug_trap_and_bash_command_name_each_command_as_written() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "trap 'echo \"dbg: $BASH_COMMAND\"' DEBUG; ((x++)); [[ -n  \"a\" && 1 -eq 1 ]]; \
             for i in a b; do :; done; case $i in b) :;; esac; a=(1 2) b=3; \
             x=1 echo hi >/dev/null; f() { echo in; }; f; while false; do :; done; { :; }; \
             echo $(echo sub); echo $x | tr 1 2 | cat; { echo in; } | cat",
            "trap 'echo \"failed: $BASH_COMMAND\"' ERR; x=1; false; ls /nonexist 2>/dev/null; \
             trap 'echo \"exit: $BASH_COMMAND\"' EXIT; false",
            "dbg() { [[ $BASH_COMMAND == *SKIP* ]] && return 1; return 0; }; shopt -s extdebug; trap dbg DEBUG; \
             false; echo SKIPME; echo \"st=$?\"; [[ SKIP == x ]]; echo \"st2=$?\"; (( SKIP=0 )); echo \"st3=$?\"; \
             false; echo SKIP | cat; echo \"st4=$?\"; echo SKIP & wait; shopt -u extdebug; echo SKIP-not",
            "trap 'echo \"DBG: $BASH_COMMAND\"' DEBUG; sleep 0.1 & wait; { sleep 0.3; echo a; } & wait; \
             true && sleep 0.1 & wait; sleep 0.1 | cat & wait; x=1 & wait",
            "trap 'echo \"failed: $BASH_COMMAND\"' ERR; ( exit 3 ); (echo b\n exit 4); \
             f() { false; }; f a; g() { echo x >/dev/null; return 3; }; g b",
        ],
    );
}

/// printf reads numbers as bash's does, and says what it cannot read in bash's words, on the
/// command's own stderr (uucore's words went to the shell's, past `2>`), before the round they
/// spoil; a number out of range is a warning. A conversion bash does not know ends printf after
/// the text before it. `\c` ends all output only in a `%b` argument, and printf then succeeds;
/// `%b` takes a width; `%(FORMAT)T` writes a time.
#[test]
fn printf_reads_numbers_times_and_formats_as_bash_does() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "printf '[%d]\\n' abc 12abc 1.5 ' 12' '12 ' 0x1f 010 08 0x 0b101 +-3 \"'ab\" \"'\" ''; echo $?",
            "printf '[%d %s]\\n' a b c d; echo $?; printf '%d\\n' abc 2>/dev/null; echo $?",
            "x=$(printf '%d' abc 2>&1); echo \"[$x]\"; printf -v v '%d-%s' 1x y 2 z; echo \"$? [$v]\"",
            "printf '[%d][%u][%x]\\n' 99999999999999999999 -1 99999999999999999999; echo $?",
            "printf '[%f][%.2f][%e][%g]\\n' abc 1.5x 0x1p3 1e999999 -1e-999999; echo $?",
            "printf '[%*d][%.*f]\\n' x 5 2 3.14159; echo $?",
            "printf '%0.s-' 1 2 3; printf '|%05s|%-05s|%0c|%0b|' ab cd e f; echo $?",
            "printf 'ab%y\\n' 1 2; echo $?; printf '%s %k\\n' 1 2; echo $?; printf 'ab%5'; echo $?",
            "printf '%s\\c|' a b; echo; printf 'x%bY\\n' 'a\\cb' c; echo; printf '%b|\\n' 'a\\\\cb'",
            "printf '%(%Y-%m-%d %H)T|%10(%Y)T|%-6(%Y)T|%(%%)T|%(%s)T\\n' 86400 0 0 0 abc; echo $?",
            "printf '%b%d\\n' 'a\\c' x; echo \" $?\"; printf '%d|%b' x '' y 'a\\cb'; echo \" $?\"",
            "printf '\\%s|' x y; echo; printf '[%5b][%-5b][%.2b]\\n' 'a\\tb' xy abc; printf '%Q|\\n' 'a b'",
            r#"printf "\'abcd\'\n"; printf '\"\?\n'; printf -- "--%b--\n" '\"abcd\"' "\'x\'" '\?' 'a\\"b'; printf '[%()T]\n' 0 86399"#,
        ],
    );
}

/// What a new user found brush doing otherwise than bash: the integer attribute, `/dev/stdin` and
/// `/dev/stderr` as the shell's own streams, the ERR trap on `exit`, `trap -p` and `alias -p`'s
/// order and quotes,
/// `set -u`'s words, `echo` under `xpg_echo`, `local -`, and aliases in scripts (only with
/// `expand_aliases`, and never for a quoted or expanded name).
#[test]
fn integer_variables_dev_stdin_err_traps_set_u_and_aliases_behave_as_in_bash() {
    let home = Home::new();
    let scripts = [
        "declare -i x=2+3; echo $x; declare -i y; y=4*2; y+=1; echo $y; z=3; declare -i w=z+1; \
         echo $w; f() { local -i q=7*6; echo $q; }; f; declare +i y; y=1+1; echo $y",
        "declare -i n; read n <<< 2+3; echo $n; printf -v n %s '3*4'; echo $n; export n=1+1; \
         echo $n; declare -ia a; a=(1+1 2*3); a[2]=4+4; a+=(5+5); echo ${a[@]}; read -a a <<< '1+2 3'; \
         echo ${a[@]}; declare -i m; : ${m:=1+2}; echo $m; x=4; m=x*2; echo $m",
        "declare -i x; echo ${x:=5+5} $x; for x in 1+1 3*3; do echo $x; done; declare -ia m; \
         mapfile -t m <<< 1+1; mapfile -t -O 1 m <<< 2*2; echo ${m[@]}",
        "mapfile -d '' z < <(printf 'x\\0y\\0'); declare -p z; mapfile -d '' -t w < <(printf 'p\\0q')
         declare -p w",
        "echo 'echo from-stdin $#' | source /dev/stdin a b",
        "{ echo to-err > /dev/stderr; } 2>/dev/null; echo x > /dev/stdout | cat",
        "trap 'echo err' ERR; f() { return 2; }; f; false; exit 3",
        "alias q=\"it's\" b=x a='y z'; alias -p; alias q",
        "set -u; echo $nosuch; echo after",
        "f() { local -; set -e -f; echo in $-; }; f; echo $-; g() { set -u; }; g; echo $-; set +u; \
         h() { local -; shopt -s nullglob; }; h; shopt nullglob",
        "echo -e -E 'a\\tb'; echo -E -e 'a\\tb'; shopt -s xpg_echo; echo 'a\\nb'; echo -E 'c\\nd'",
        "set -u; echo $((nosuch + 1)); echo after",
        "alias ll='echo aliased'\nll\nshopt -s expand_aliases\nalias mm='echo mm'\nmm; \\mm; x=mm; $x",
    ];
    same_as_bash(&home, &scripts);
    // bash also lists the signals ignored when it started, which it cannot trap (`trap -- ''
    // SIGINT` where the tests run in the background); ncsh does not, so those lines are left out.
    let text = "trap 'echo e' EXIT ERR DEBUG RETURN USR1 HUP; trap \"echo 'q'\" TERM; trap -p; \
                trap - EXIT";
    let (ours, theirs) = (run(&home, &["-c", text], b""), bash(&home, &["-c", text]));
    let theirs: String = stdout(&theirs)
        .lines()
        .filter(|line| !["trap -- '' SIGINT", "trap -- '' SIGQUIT"].contains(line))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        stdout(&ours).contains("trap -- 'echo '\\''q'\\''' SIGTERM\n"),
        "{}",
        stdout(&ours)
    );
    assert_eq!(stdout(&ours), theirs);
}

/// A subshell, a command substitution, a background job and a compound command of a pipeline run
/// the EXIT trap they set themselves as they end, with their own output, and not the one they
/// inherited; an `exit` in an EXIT trap sets the status, of a subshell or of the shell, and
/// without a number it is the status before the trap. `exec` in a subshell ends it, without its
/// EXIT trap.
#[test]
fn subshells_run_their_own_exit_trap() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "( tmp=./scratch; trap 'rm -f \"$tmp\"; echo removed $?' EXIT; echo data > \"$tmp\"; \
             false ); echo \"st=$? $(ls)\"",
            "t=$(trap 'echo bye' EXIT; echo in); echo \"[$t]\"; x=$(trap 'exit 9' EXIT; echo in); \
             echo \"st=$? $x\"",
            "trap 'echo outer' EXIT; ( trap -p EXIT; echo sub ); ( trap 'echo inner' EXIT; trap - EXIT ); \
             echo main",
            "( trap 'echo bye' EXIT; exit 3 ); echo st=$?; ( trap 'exit 7' EXIT; echo in ); echo st=$?",
            "( trap 'echo bye' EXIT; echo ${u:?unset} ); echo st=$?",
            "{ trap 'echo job done' EXIT; echo job; } & wait $!; echo st=$?",
            "echo a | { trap 'echo piped done' EXIT; cat; }; true | { trap 'exit 4' EXIT; }; echo $?",
            "trap 'exit 7' EXIT; true",
            "cleanup() { rm -f ./nosuch; exit; }; trap cleanup EXIT; false",
            "(trap 'echo T; exit' EXIT; false); echo $?; (trap 'echo T' EXIT; exec true); \
             x=$(trap 'echo T' EXIT; exec echo hi); echo \"[$x]\"; (exec false; echo no); echo $?",
        ],
    );
}

/// A width or precision past 65535 is refused with words that name it, and the shell goes on;
/// uucore panicked on it, and the panic ended the shell. (bash writes them; not yet here.)
#[test]
fn printf_refuses_a_width_it_cannot_write() {
    let home = Home::new();
    let out = run(
        &home,
        &[
            "-c",
            "printf '%070000d|' 0; echo \"st=$?\"; printf '%70000s' x | cat; echo end",
        ],
        b"",
    );
    assert_eq!(stdout(&out), "st=1\nend\n");
    assert!(
        stderr(&out).contains("printf: `%070000d': a width or precision past 65535"),
        "{}",
        stderr(&out)
    );
}

/// A subshell's `$BASHPID` differs from the shell's, as in bash; it was the shell's own pid, so
/// `(kill $BASHPID)` ended the shell (bash kills the subshell; ncsh's names no process).
#[test]
fn a_subshell_has_a_bashpid_of_its_own() {
    let home = Home::new();
    same_as_bash(
        &home,
        &["a=$BASHPID; b=$(echo $BASHPID); c=$( (echo $BASHPID) ); \
           [[ $a == $$ && $b != $a && $c != $b ]] && echo distinct"],
    );
    let out = run(
        &home,
        &["-c", "(kill $BASHPID 2>/dev/null); echo alive"],
        b"",
    );
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        ("alive\n", Some(0))
    );
}

/// A command substitution whose builtins write more than a pipe holds (64 KiB) ends (it waited
/// for ever for its reader), and a here-string or here-document larger than the kernel lets a
/// pipe be (1 MiB) reaches its command (it failed with EPERM).
#[test]
fn large_substitutions_and_here_strings_reach_their_readers() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "x=$(echo {1..15000}); echo ${#x}; y=$(for i in $(seq 20000); do echo $i; done); \
             echo ${#y}; f() { printf '%s\\n' {1..30000}; }; z=$(f); echo ${#z}",
            "z=$(seq 200000); wc -l <<< \"$z\"; cat <<< \"$z\" | tail -1; wc -l <<EOF\n$z\nEOF",
        ],
    );
}

/// `RANDOM=N` seeds bash's own generator, so a seeded script gives bash's numbers; a subshell's
/// are seeded afresh; before a command it is the command's variable; readonly, it is refused.
/// `SECONDS=N` counts on from N.
#[test]
fn random_and_seconds_take_assignments_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "RANDOM=42; echo $RANDOM $RANDOM $RANDOM; RANDOM=0; echo $RANDOM; ((RANDOM = 7)); \
             echo $RANDOM; RANDOM=42; x=$(echo $RANDOM); echo $RANDOM",
            "SECONDS=100; echo $SECONDS; ((SECONDS = 5)); echo $SECONDS",
            "RANDOM=42 printenv RANDOM; RANDOM=-5; echo $RANDOM; readonly RANDOM; RANDOM=1; echo no",
            // Six digits of microseconds always, for `${EPOCHREALTIME/./}` (an f64 gave 4 to 7).
            "for i in {1..50}; do [[ $EPOCHREALTIME =~ ^[0-9]{10}\\.[0-9]{6}$ ]] || echo \"$EPOCHREALTIME\"; \
             done; s=${EPOCHREALTIME/./}; e=${EPOCHREALTIME/./}; (( e >= s && e - s < 1000000 )); echo $?",
        ],
    );
}

/// An assignment to a readonly variable, or to an element of a readonly array, is refused with
/// bash's words and ends the script, as bash's does; before a command, it is refused, with its
/// line, and the command runs with the variable as it was. The builtins that assign (`read`,
/// `mapfile`, `printf -v`, `declare`) name the variable too, where they said `cannot mutate
/// readonly variable`.
#[test]
fn readonly_variables_and_their_elements_are_refused_in_bashs_words() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "readonly r=1; r=2; echo after",
            "readonly a=(1 2); a[1]=3; echo after",
            "declare -r b=(1); b+=(2); echo after ${b[@]}",
            "readonly r=1; read r <<< x; echo $?; declare r=2; echo $?; declare r+=3; echo $?
             mapfile r < /dev/null; echo $?; printf -v r x; echo \"$? $r\"; readonly a=(1)
             printf -v 'a[1]' x; echo $?; mapfile -O 1 a <<< x; echo $?",
        ],
    );
    std::fs::write(
        home.path().join("before-command.sh"),
        "readonly RO=1; export RO\nRO=2 printenv RO; echo st=$?\nf() { echo \"f: $RO\"; }\n\
         RO=3 f\nRO=4 2>/dev/null\necho not reached\n",
    )
    .unwrap();
    script_same_as_bash(&home, "before-command.sh");
}

/// `**` with globstar matches any depth, as bash's does (hidden names with dotglob only, links to
/// directories listed but not followed), and a literal after a pattern (`*/c`) matches only paths
/// that are there.
#[test]
fn globstar_and_patterns_followed_by_names_match_what_bash_matches() {
    let home = Home::new();
    let tree = home.path().join("tree");
    for dir in ["a/b/c", ".hid"] {
        std::fs::create_dir_all(tree.join(dir)).unwrap();
    }
    for file in ["a/b/f.txt", "g.txt", "a/b/c/h.txt", ".hid/x.txt", "a/z.txt"] {
        std::fs::write(tree.join(file), "").unwrap();
    }
    std::os::unix::fs::symlink(tree.join("a"), tree.join("link")).unwrap();
    let script = "cd tree; shopt -s globstar; echo **/*.txt; echo **; echo a/**; echo **/
echo a/**/c; echo */c; echo */nonexist; echo a/*/c; echo */; echo a/**/
shopt -s dotglob; echo **/*.txt; echo **/; shopt -u globstar; echo **/*.txt";
    let ours = run(&home, &["-c", script], b"");
    assert_eq!(stderr(&ours), "");
    assert!(
        stdout(&ours).starts_with("a/b/c/h.txt a/b/f.txt a/z.txt g.txt\n"),
        "{}",
        stdout(&ours)
    );
    assert_eq!(stdout(&ours), stdout(&bash(&home, &["-c", script])));
}

/// Field splitting keeps the empty fields that a delimiter other than whitespace makes, drops
/// whitespace at the ends, and splits only what expansions give, as POSIX and bash do.
#[test]
fn word_splitting_keeps_the_empty_fields_bash_keeps() {
    let home = Home::new();
    let script = r#"show() { printf '<%s>' "$@"; echo; }
IFS=:; x=a::b; show $x
x=:a; show $x
x=a:; show $x
x=a::; show $x
x=:; show $x
x=; show $x
x=a:; show $x""
IFS=' :'; x=' :a'; show $x
x='a : b'; show $x
x='  a  b  '; show $x
x='a: :b'; show $x
unset IFS; x=' a	b
c '; show $x
set -- "x y" "" z; show $@
IFS=,; read -r a b c <<< "1,,3"; echo "[$a][$b][$c]"
IFS=:; for f in $(echo "p::q"); do printf '<%s>' "$f"; done; echo"#;
    let ours = run(&home, &["-c", script], b"");
    assert_eq!(stderr(&ours), "");
    assert!(stdout(&ours).starts_with("<a><><b>\n<><a>\n<a>\n<a><>\n<>\n"));
    assert_eq!(stdout(&ours), stdout(&bash(&home, &["-c", script])));
    // Only what expansions give is split: text written in the word is not, whatever IFS is, and
    // the words brace expansion gives are words of their own under any IFS (both were split as
    // one text, on IFS). Empty words from braces are dropped, and an assignment is not
    // brace-expanded.
    same_as_bash(
        &home,
        &[
            "show() { printf '<%s>' \"$@\"; echo; }; IFS=,; show a,b {c,d}e; x=1,2; show a,$x,b; \
             IFS=:; show ${u:-a:b} $(echo a:b)x:y; IFS=/; echo /usr/bin; for f in {01..3}; do echo $f; done",
            "show() { printf '<%s>' \"$@\"; echo; }; show {,} x{,} \"\"{,}; x={a,b}; echo $x; \
             echo > {a,b}; y='p q'; echo > $y; set -- 1 2; show {a,b}\"$@\"",
        ],
    );
}

/// A command of a pipeline runs in a copy of the shell, so `exit`, `return` or `break` there ends
/// that copy only and sets `$?`, as in bash; with `lastpipe` the last command runs in the shell.
#[test]
fn exit_in_a_pipeline_does_not_end_the_shell() {
    let home = Home::new();
    let script = "echo x | exit 3; echo after $?
for i in 1 2; do echo | break; echo round $i; done
f() { echo | return 4; echo in f $?; }; f
exit 5 | cat; echo still here
shopt -s lastpipe; echo | exit 6; echo not here";
    let ours = run(&home, &["-c", script], b"");
    assert_eq!(
        stdout(&ours),
        "after 3\nround 1\nround 2\nin f 4\nstill here\n",
        "{}",
        stderr(&ours)
    );
    assert_eq!(ours.status.code(), Some(6));
    let theirs = bash(&home, &["-c", script]);
    assert_eq!(stdout(&ours), stdout(&theirs));
}

/// `kill -STOP %N` stops a job of builtins only, which has no process to stop: its loop waits
/// before its next command (the command it is in ends first, so the count is read half a second
/// after: on a loaded machine a tenth was not always enough), `jobs` says Stopped, and `kill -CONT`, `bg` (or a `kill` that ends it)
/// lets it go on; killed while stopped, it ends with the signal's status and leaves the table.
#[test]
fn kill_stop_holds_a_job_of_builtins_until_it_is_continued() {
    let home = Home::new();
    let script = "i=0; while :; do i=$((i+1)); echo $i > count; done & sleep 0.3
kill -STOP %1; echo \"stop $?\"; sleep 0.5
a=$(cat count); sleep 0.3; b=$(cat count); [ \"$a\" = \"$b\" ] && echo stopped; jobs | head -1 | cut -c1-13
kill -CONT %1; sleep 0.3; c=$(cat count); [ \"$c\" != \"$b\" ] && echo continued
kill -STOP %1; kill %1; wait %1; echo \"ended $?\"
while :; do :; done & sleep 0.2; kill -STOP %1; sleep 0.1; kill -9 %1; wait %1; echo \"killed $?\"; jobs";
    let out = ncsh_within(&home, &["-c", script], LIMIT);
    assert_eq!(
        stdout(&out),
        "stop 0\nstopped\n[1]+  Stopped\ncontinued\nended 143\nkilled 137\n"
    );
    // `bg` continues it where there is job control.
    let script = "set -m; i=0; while :; do i=$((i+1)); echo $i > count; done & sleep 0.2
kill -STOP %1; sleep 0.1; a=$(cat count); bg %1; echo \"bg $?\"
for n in $(seq 50); do [ \"$(cat count)\" != \"$a\" ] && { echo continued; break; }; sleep 0.1; done
kill %1";
    let out = ncsh_within(&home, &["-c", script], LIMIT);
    assert!(
        stdout(&out).ends_with("bg 0\ncontinued\n"),
        "{}",
        stdout(&out)
    );
}

/// `kill %N` and `kill $!` end an `&` job whose loop runs in the shell, as they end bash's
/// subshell: a loop of builtins, which has no process, and a loop whose current command is the
/// only process; `kill` succeeds even where no process of the job was left. SIGINT does not end a
/// job of a shell without job control, which ignores it, as bash's does. The loop of builtins does
/// not hold up the commands after it, nor the shell's exit.
#[test]
fn kill_ends_a_background_loop_with_or_without_processes() {
    let home = Home::new();
    let script = "{ sleep 0.1; while :; do :; done; } & sleep 0.5; kill %1; echo \"kill $?\"; wait
while :; do sleep 0.1; done & sleep 0.3; kill -INT %1; sleep 0.3; jobs; kill %1; wait
while :; do :; done & sleep 0.3; kill %1; wait %1; echo \"builtins $?\"
while :; do sleep 1; done & sleep 0.5; kill $!; wait $!; echo \"sleeps $?\"
(while :; do :; done) & sleep 0.3; kill -9 %%; wait; echo \"subshell $?\"
sleep 3 & kill -0 %1 && echo exists; kill %1; wait %1; echo \"sleep $?\"";
    let out = ncsh_within(&home, &["-c", script], LIMIT);
    assert_eq!(
        stdout(&out),
        "kill 0\n[1]+  Running                 while :; do\n    sleep 0.1;\ndone &\n\
         builtins 143\nsleeps 143\nsubshell 0\nexists\nsleep 143\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out), "");
    let out = ncsh_within(&home, &["-c", "while :; do :; done & echo started"], LIMIT);
    assert_eq!(stdout(&out), "started\n");
}

/// A loop or block of builtins feeding a pipeline streams into it, however much it writes; and
/// when the reader leaves, the writer ends, silently and with SIGPIPE's status, as bash's does.
#[test]
fn a_loop_feeding_a_pipeline_streams_and_ends_when_its_reader_leaves() {
    let home = Home::new();
    let script = "for i in $(seq 20000); do echo $i; done | wc -l
f() { for i in $(seq 20000); do echo $i; done; }; f | wc -l
while :; do echo y; done | head -2; echo \"${PIPESTATUS[*]}\"
{ sleep 0.3; neural --help; echo not-here >&2; } | true; echo \"${PIPESTATUS[*]}\"";
    let out = ncsh_within(&home, &["-c", script], LIMIT);
    assert_eq!(stdout(&out), "20000\n20000\ny\ny\n141 0\n141 0\n");
    // With a trap on SIGPIPE, the shell goes on, as bash's does.
    let trapped = "trap '' PIPE; for i in 1 2 3; do echo y; sleep 0.1; done | head -1; echo after";
    let out = ncsh_within(&home, &["-c", trapped], LIMIT);
    assert_eq!(stdout(&out), "y\nafter\n");
    assert_eq!(stderr(&out), "");
    // The shell itself, writing to a pipe whose reader left, ends as bash does.
    let mut child = home
        .command(&["-c", "while :; do echo y; done"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 2];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"y\n");
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "ncsh went on writing");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(141));
}

#[test]
fn select_shows_bashs_menu_and_takes_answers_as_bash_does() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            // A number on the menu, an empty line (the menu again), a number past it, text, then
            // end of input: the loop's status is 1 and a newline ends stdout's last line.
            r#"printf '2\n\n9\nzz\n 1 \n' | { select x in alpha 'b c' gamma; do echo "[$x] [$REPLY]"; done; echo "status $?"; }"#,
            r#"printf '3\n1\n' | { PS3='pick> '; select x in a b c; do echo "$x"; [ "$x" = a ] && break; done; echo "after $? $x"; }"#,
            // Columns: laid out down then across, padded with tabs; one word a line where one row
            // would do.
            r#"echo 1 | { select x in {1..40}; do break; done; }"#,
            r#"echo 1 | { COLUMNS=40; select x in apple banana cherry date elderberry fig grape; do break; done; }"#,
            r#"echo 12 | { select x in $(seq -f 'item%g' 1 25); do echo "$x"; break; done; }"#,
            // The positional parameters, break and continue out of loops around it, return.
            r#"set -- one two; printf '2\n1\n' | { select x; do echo "$x"; break; done; }"#,
            r#"printf '2\n1\n' | for round in r1 r2; do select x in a b; do echo "$round $x"; [ "$x" = b ] && continue 2; break 2; done; done"#,
            r#"f() { select x in a b; do return 3; done; }; echo 1 | f; echo "f $?""#,
            // No words: nothing is asked.
            r#"select x in; do echo never; done; echo "empty $?""#,
            // A backslash in the answer is taken as read takes it.
            r#"printf '\\1\n' | { select x in a; do echo "[$x] [$REPLY]"; break; done; }"#,
            // Written back by declare -f as bash writes it, as are loops over "$@".
            r#"f() { select x in a "b c"; do echo $x; done; for y; do echo $y; done; }; declare -f f"#,
        ],
    );
}

#[test]
fn relative_path_entries_are_looked_in_from_the_working_directory() {
    use std::os::unix::fs::PermissionsExt as _;
    let home = Home::new();
    let tools = home.path().join("tools/sub");
    std::fs::create_dir_all(&tools).unwrap();
    let program = tools.join("foo");
    std::fs::write(&program, "#!/bin/sh\necho \"ran $0\"\n").unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    same_as_bash(
        &home,
        &[
            r#"cd tools; PATH=sub:$PATH; command -v foo; type foo; foo; cd sub; PATH=.:$PATH; command -v foo; foo; PATH=:/usr/bin:/bin; foo"#,
            "(exec nosuch); echo \"status $?\"; (exec nosuch; echo not reached); shopt -s execfail; (exec nosuch; echo goes on)",
        ],
    );
}

#[test]
fn declaration_builtins_take_assignments_made_by_expansion() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"n=foo; declare "$n=1"; echo "foo=$foo"; declare "a=(1 2)"; declare -p a; v="b=1 c=2"; declare $v; echo $b $c"#,
            r#"declare "d[2]=x"; declare -p d; declare "e+=y"; declare "e+=z"; declare -p e; declare "1x=3"; echo $?; declare "=3"; echo $?"#,
            r#"n=foo; f(){ local "x=2 3"; echo "x=$x"; }; f; readonly "r$n=5"; echo $rfoo; export "E_$n=3"; env | grep '^E_foo'"#,
        ],
    );
}

#[test]
fn lengths_and_offsets_count_characters_in_a_utf8_locale() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"export LC_ALL=C.UTF-8; u="héllo wörld"; echo "${#u} [${u: -3}] [${u:1:3}]"; a=(é ab); echo "${#a[0]} ${#a[@]}""#,
        ],
    );
}

#[test]
fn bash_env_names_a_file_sourced_before_the_command() {
    let home = Home::new();
    std::fs::write(
        home.path().join("envrc"),
        "echo \"sourced $0 $#\"\ngreet() { echo \"hello $1\"; }\n",
    )
    .unwrap();
    for (value, script) in [
        ("$HOME/envrc", "greet world"),
        ("", "echo empty"),
        ("/no/such/file", "echo missing"),
    ] {
        let args = ["-c", script, "name", "arg"];
        let ours = home.command(&args).env("BASH_ENV", value).output().unwrap();
        let theirs = std::process::Command::new("bash")
            .args(args)
            .env("HOME", home.path())
            .env("BASH_ENV", value)
            .output()
            .unwrap();
        assert_eq!(stdout(&ours), stdout(&theirs), "{value}");
        assert_eq!(stderr(&ours), stderr(&theirs), "{value}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{value}");
    }
}

#[test]
fn aliases_stand_for_their_text_as_in_bash() {
    let home = Home::new();
    std::fs::write(
        home.path().join("aliases.sh"),
        r#"shopt -s expand_aliases
alias ls='echo LS --color=auto'; alias ll='ls -alF'
alias ports='echo p | tr p P'; alias s='echo S '; alias w=WORD; alias both='w w'
alias self='self_fn -x'; self_fn() { echo "fn $*"; }
alias showfoo='printenv FOO'; alias count='wc -l'
alias first='echo one; echo two'
ll; ll /tmp
ports; ports > out; cat out
s w; s both; s s w
self a
FOO=bar showfoo
ll | tr a-z A-Z
first; first > out; count < out
f() { ll inside; }; f
\ll 2>/dev/null || echo "quoted: $?"
'll' 2>/dev/null || echo "quoted: $?"
"#,
    )
    .unwrap();
    script_same_as_bash(&home, "aliases.sh");
}

#[test]
fn a_backslash_newline_joins_the_lines_of_an_unquoted_here_document() {
    let home = Home::new();
    std::fs::write(
        home.path().join("heredoc.sh"),
        "x=img\ncat <<E\ndocker run \\\n  --rm $x \\\\\nend \\$x\nE\ncat <<'Q'\nkept \\\nas is\nQ\n",
    )
    .unwrap();
    script_same_as_bash(&home, "heredoc.sh");
}

#[test]
fn cd_looks_in_cdpath_and_says_where_it_went() {
    let home = Home::new();
    for dir in ["cdp/a/sub", "cdp/b/sub2", "cdp/here/sub"] {
        std::fs::create_dir_all(home.path().join(dir)).unwrap();
    }
    same_as_bash(
        &home,
        &[
            r#"top=$PWD/cdp; cd cdp/here; CDPATH=$top/a:$top/b; cd sub; echo "rc=$? $PWD"; cd $top/here; cd sub2; echo "$PWD""#,
            r#"top=$PWD/cdp; cd cdp/here; CDPATH=.:$top/a; cd sub; echo "$PWD"; cd $top/here; CDPATH=:$top/a; cd sub; echo "$PWD""#,
            r#"top=$PWD/cdp; cd cdp/here; CDPATH=$top/a; cd ./sub2; echo "rc=$?"; cd nosuch; echo "rc=$?"; cd ../here/sub; echo "$PWD"; CDPATH=$top; cd a/sub; echo "$PWD""#,
        ],
    );
}

#[test]
fn lineno_in_a_trap_counts_as_bash_counts_it() {
    let home = Home::new();
    std::fs::write(
        home.path().join("traps.sh"),
        r#"trap 'echo "exit at $LINENO"' EXIT
trap 'echo "err at $LINENO $BASH_LINENO"' ERR
echo start
false
f() {
  false
}
f
trap 'echo "dbg $LINENO"' DEBUG
:
trap - DEBUG
trap 'echo one
nosuch' USR1
kill -USR1 $$
true
"#,
    )
    .unwrap();
    script_same_as_bash(&home, "traps.sh");
}

#[test]
fn array_subscripts_and_empty_arrays_behave_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            // Negative subscripts count back from past the greatest index of a sparse array.
            r#"s=(x y z w); unset "s[1]"; echo "${s[-1]}"; s[-1]=W; declare -p s; unset "s[-1]"; declare -p s"#,
            // An array or $@ without elements is unset to + and -.
            r#"a=(); echo "[${a[@]+set}][${a[@]-dflt}][${a[*]:-none}]"; set --; echo "[${@+set}][${*-dflt}]"; set -- x; echo "[${@+set}]""#,
            // A subscript of a variable that is not yet an array is arithmetic, side effects and all.
            r#"f(){ local a n=0; a[n++]=-C; a[n++]=repo; declare -p a n; }; f; s=str; s[2]=two; declare -p s"#,
        ],
    );
}

#[test]
fn compgen_lists_what_begins_with_the_word() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"_helper(){ :; }; gitx(){ :; }; alias gital=x; compgen -A function gi; compgen -c zzzq; compgen -c gitx; compgen -c gita"#,
            "compgen -u; compgen -g; compgen -u ro",
            // In bash's order, each sorted, as names from hash tables came in an order that
            // changed from run to run: aliases, keywords, functions, builtins.
            "qqz(){ :; }; qqa(){ :; }; qqm(){ :; }; alias qqy=1 qqb=2 qqn=3; Qz=1 Qa=2 Qm=3; \
             export Qm Qa; declare -a Qx=(1) Qc=(2); compgen -A function qq; compgen -a qq; \
             compgen -v Q; compgen -e Q; compgen -A arrayvar Q; compgen -k; compgen -c qq; \
             compgen -c e | head -12; compgen -b | grep -v -x -e audit -e cap -e daemon -e gen \
             -e neural -e command_not_found_handle; compgen -A setopt",
            // A tilde prefix is kept.
            r#"touch ~/.profile_x; mkdir -p ~/dir_x; compgen -f -- "~/.profile_"; compgen -d -- "~/dir"; compgen -f -- '~/nothing'"#,
            // -G globs as the shell does.
            r#"mkdir -p g; cd g; touch .hid vis a.txt; compgen -G "*"; compgen -G ".h*"; shopt -s dotglob; compgen -G "*""#,
        ],
    );
}

#[test]
fn return_and_err_traps_a_function_sets_run_there() {
    let home = Home::new();
    std::fs::write(
        home.path().join("traps.sh"),
        r#"f(){ trap 'echo "cleanup $FUNCNAME $?"' RETURN; echo body; false; }; f; echo "after f $?"
g(){ trap 'echo "g ERR $LINENO"' ERR; false; echo done; }; g
h(){ echo in-h; false; }; h; echo "h $?"
trap 'echo "top ERR"' ERR
k(){ false; echo k-continues; }; k
set -E; k; set +E
trap - ERR RETURN
set -T; trap 'echo "ret $FUNCNAME"' RETURN; m(){ :; }; m; set +T; m
trap -p RETURN
"#,
    )
    .unwrap();
    script_same_as_bash(&home, "traps.sh");
}

#[test]
fn time_reports_as_timeformat_words_it_and_the_prompt_trims_as_prompt_dirtrim_says() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"TIMEFORMAT='<%0lR> <%0R> [%%]'; time true; TIMEFORMAT=; time true; unset TIMEFORMAT; { time true; } 2>&1 | tr 0-9 N"#,
            r#"cd /proc/self/fd; PS1='\w'; for n in 0 1 2 3 9; do PROMPT_DIRTRIM=$n; echo "${PS1@P}"; done"#,
        ],
    );
}

#[test]
fn test_n_says_whether_a_file_was_written_since_it_was_read() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "printf x > f; touch -a -d 2000-01-01 f; test -N f && echo written; touch -m -d 1999-01-01 f; [[ -N f ]] || echo read; test -N nosuch; echo $?",
        ],
    );
}

#[test]
fn closing_a_coprocess_input_ends_its_input() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"coproc sort; echo b >&${COPROC[1]}; echo a >&${COPROC[1]}; exec {COPROC[1]}>&-; cat <&${COPROC[0]}; wait; coproc UP { tr a-z A-Z; }; echo hi >&${UP[1]}; exec {UP[1]}>&-; read -r line <&${UP[0]}; echo "$line"; wait $UP_PID; echo "status $?""#,
        ],
    );
}

#[test]
fn xtrace_marks_command_substitutions_and_sourced_files_but_not_subshells() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"set -x; (echo a); true | true; f(){ true | true; (echo d); }; f; x=$(echo e); echo $(echo $(echo x)); source /dev/stdin <<< "echo src""#,
        ],
    );
}

#[test]
fn a_function_with_here_documents_is_written_out_so_that_it_reads_back() {
    let home = Home::new();
    std::fs::write(
        home.path().join("export.sh"),
        "f(){\n  cat <<EOT\nhello $1\nEOT\n  echo after\n  cat <<-'Q' | tr a-z A-Z\n\ttabbed\n\tQ\n}\nexport -f f; bash -c 'f world'\neval \"$(declare -f f)\" && f again\ng(){ h(){ cat <<E\nnested $1\nE\n}; h x; }; eval \"$(declare -f g)\"; g\n",
    )
    .unwrap();
    script_same_as_bash(&home, "export.sh");
}

#[test]
fn review_of_aliases_select_and_traps_holds() {
    let home = Home::new();
    std::fs::write(
        home.path().join("review.sh"),
        r##"shopt -s expand_aliases
alias k="printf [%s]"
alias run=countdown
alias semi="echo 1;" andl="true &&" pipe="echo abc |"
alias n="" c="# x" lp="for i in 1 2; do echo \$i; done"
alias ll="echo LL" load=source
k logs $(k pod-name); echo
countdown(){ echo "n=$1"; [ "$1" -gt 0 ] && run $(( $1 - 1 )); }
run 2
echo 'load ./inner.sh' > outer.sh; echo 'echo inner' > inner.sh; load ./outer.sh
semi echo 2; andl echo x; pipe tr a z
n echo nothing; lp > /dev/null; echo "lp $?"
c echo hidden
trap 'echo "DBG: $BASH_COMMAND"' DEBUG
ll x
trap - DEBUG
x=$(echo case; for i in 1 2; do echo $i; done); echo "[$x]"
echo "1 $(echo case in x)" "$(if true; then case a in a) echo A;; esac; fi)"
set -e; select x in a; do :; done </dev/null; echo after-rc=$?; set +e
trap "echo main-err" ERR
sub() { trap "echo sub-err" ERR; }
sub
false
trap - ERR
f() { trap "echo RET" RETURN; exit 3; }; (f); echo "sub $?"
! ; echo "bang $?"
"##,
    )
    .unwrap();
    script_same_as_bash(&home, "review.sh");
}

#[test]
fn globignore_leaves_out_the_names_it_matches() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"mkdir -p gi; cd gi; touch a.txt b.log .hidden c.txt; echo *; GLOBIGNORE="*.log"; echo *; GLOBIGNORE="*.txt:.hidden"; echo *; echo .*; GLOBIGNORE="*"; echo *; unset GLOBIGNORE; echo *"#,
        ],
    );
}

#[test]
fn second_review_of_aliases_here_documents_traps_and_descriptors_holds() {
    let home = Home::new();
    std::fs::write(
        home.path().join("review2.sh"),
        r##"shopt -s expand_aliases
alias e=cat ee=echo
e <<'EOT'
q $HOME
EOT
printf "f1 content\n" > f1
e <<A f1
body A
A
ee {fd2}>xfd hi; echo "fd2 ${fd2:+set}"; cat xfd
echo {b[1]}>/dev/null; echo next
read -u 9 x; echo "read $?"
cat <(set -x; echo ps) >/dev/null
cd ~; mkdir -p a/b/c/d/e; cd a/b/c/d/e; PS1='\w'; for n in 1 2 4 5; do PROMPT_DIRTRIM=$n; echo "${PS1@P}"; done; cd ~
f() (
  cat <<EOF
sub body
EOF
)
eval "$(declare -f f)"; f
g(){
  cat <<EOT
hello $1
EOT
  echo after
}
eval "$(declare -f g)"; g x
export -f g; bash -c 'g y'
h() { cat; } <<EOF
redir body
EOF
export -f h; bash -c h; eval "$(declare -f h)"; h
r(){ trap 'echo R; exit 7' RETURN; echo in; }; r; echo "not reached $?"
"##,
    )
    .unwrap();
    script_same_as_bash(&home, "review2.sh");
}

#[test]
fn exit_in_an_err_trap_ends_the_shell() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"trap "echo E; exit 5" ERR; false; echo no"#,
            r#"trap "exit" ERR; f(){ false; echo in-f; }; f; echo no2"#,
            r#"set -E; trap "echo X; exit 4" ERR; f(){ false; echo in-f; }; f; echo no3"#,
            r#"trap "echo E; exit 6" ERR; x=$(false); echo "x $?""#,
        ],
    );
}

/// `${#-}` and `${#?}` are the lengths of `$-` and `$?`, as in bash (they were `$#` with an empty
/// default, 0, or an error where unset), and `${#-x}` is still `$#` with a default. `${!}` and
/// `${!-word}` are `$!` (they were left as written), which is unset before the first job.
#[test]
fn the_lengths_of_special_parameters_are_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "echo ${#-} ${#?} ${##} ${#} ${#x}; set -- a b; echo ${#*} ${#@} ${#-x} ${#:-y} ${#1} ${#?x}",
            "echo \"[${!}]\" \"${!-none}\" \"${!:-x}\" \"[${!:+y}]\" ${#!}; sleep 0.01 & [[ ${!} == $! ]] && echo same
             a=b; b=c; echo ${!a} ${!a-d} ${!a:-e}; set -- p q; echo ${!#}; n=1; echo ${!n} ${!?}",
            "set -u; echo \"[${!-d}]\"; echo \"[${!}]\"; echo not reached",
        ],
    );
}

/// `export NAME+=value` appends, as in bash (it replaced the value: `export PATH+=:~/bin` left
/// `PATH` as `:~/bin`), and `export NAME` of a name not set yet exports it once it is assigned
/// (the assignment stayed the shell's own); under `set -a`, `declare V=…` of a variable set before
/// exports it; `FOO=bar export FOO` keeps FOO after the command (it went with it).
#[test]
fn export_appends_and_exports_a_name_set_later() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"P=/usr/bin; export P+=:/extra; echo "$P"; sh -c 'echo "child [$P]"'; export Q+=new; sh -c 'echo "child [$Q]"'
               export FOO; declare -p FOO; FOO=bar; sh -c 'echo "child FOO=[$FOO]"'; declare -p FOO
               export -n NONE; declare -p NONE; declare -i n=3; export n+=4; echo $n; a=(1 2); export a+=(3); declare -p a
               readonly R=1; export R+=2; echo "st=$? $R"; export FOOX; echo "[${!FOO*}]"; compgen -v FOO; FOOX=1; echo "[${!FOO*}]"
               V=bar; set -a; typeset V=abcde; sh -c 'echo V=[$V]'; set +a
               foo=1 export foo; declare -p foo; s=7 export q; echo "[$s]"; f() { local l=1; l=2 export l; declare -p l; }; f; declare -p l"#,
        ],
    );
}

/// In a `${…}` between double quotes, `$'…'` is read (`"${sep:-$'\t'}"` gave `$'\t'`), as bash's
/// `extquote` has it, and a word in double quotes of its own is a double-quoted string
/// (`"${a+"'$a'"}"` gave `$a`, `"${b:-"~"}"` the home directory); `"$prefix$@"` of no parameters
/// and an empty prefix is no word (it was one empty word); and `${s/$empty/X}` leaves `s` as it is, where X went between all its
/// characters (at `#` or `%`, an empty pattern still matches at the start or the end).
#[test]
fn parameter_words_read_ansi_c_quotes_and_an_empty_pattern_replaces_nothing() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"arr=(a b); echo "${out:-$(IFS=$'\n'; echo "${arr[*]}")}"; echo "${x:-$(printf %s\\n a b | tr $'\n' ,)}"
               echo "${x:-$(printf "[%s]" $'a b')}" "${x:-`printf "[%s]" $'a b'`}" "${x:-$(echo "$'q'")}"
               echo "${x:-$$'a'}" | sed 's/[0-9]*/PID/'; printf '[%s]' "${sep:-a$'\x41'b}" "${sep:-${y:-$'\x42'}}"; echo"#,
            r#"sep=; printf '[%s]\n' "${sep:-$'\t'}" "${sep:-$'\x41'}" "${sep:-\$'x'}" "${sep=$'\x42'}" "${sep:=$'\x43'}"; echo "$sep"
               x=; echo "${x:-$'a\nb'}" | od -c | head -2; unset y; printf '[%s]\n' "${y:+$'\t'}" "${y-$'z'}""#,
            r#"a=foo; b=; printf '<%s>' "${a:+"$a"}" "${a:+"x $a y"}" "${b:-"$a"}" "${a+"'$a'"}" "${a+'$a'}" "${b:-'x'}" "${b:-"~"}" "${b:-~}" ${b:-'$a'}
               set -- "a b" c; printf '<%s>' "${1:+"$@"}" "${b:-"$*"}" "${a:+-o "$a"}" ${a:+-o "$a"}; echo"#,
            r#"set --; unset xxx; e=; f() { echo -n "$# "; }; f "$xxx$@"; f "${xxx}${@}"; f "$@"; f "$e$@$e"; f "a$@"; f "$@$@"; f "${@}"''
               set -- a; f "$xxx$@"; f "$e$@"; set --; arr=(); f "$e${arr[@]}" "${arr[@]}$e"; f "${e}"; echo"#,
            r#"e=; s=abc; echo "${s/$e/X}" "${s//$e/X}" "${s/#$e/X}" "${s/%$e/X}" "${s/#/X}" "${s/%/X}" "${s//}" "${s/}"
               a=(ab cd); echo "${a[@]/#/-}" "${a[@]//$e/X}" ${s//$e}"#,
        ],
    );
}

/// A here-document inside `$(…)` is read to its end tag, so that a `)` in its body does not end
/// the substitution (`msg=$(cat <<EOF` with a line `1) first`: the script ran on as garbage); and
/// a `case` indented by more than one blank on the line after `$(` begins one (a syntax error).
#[test]
fn substitutions_hold_here_documents_with_parentheses_and_indented_cases() {
    let home = Home::new();
    let script = r#"a=$(cat <<'EOF'
it's (fine) :)
$HOME stays
EOF
)
echo "1:$a"
b="$(cat <<EOF
x ) y
EOF
)"
echo "2:$b"
c=$(cat <<-EOF; cat <<B
	tabbed )
	EOF
second )
B
)
echo "3:$c"
d=$(echo one; cat <<EOF | tr a-z A-Z
lower ) $(echo inner)
EOF
echo after)
echo "4:$d"
e=$(cat <<< "here ) string"); f=$(x=2; echo $(( x << 2 ))); echo "5:$e $f"
y=$(
  case a in a) echo yy;; esac)
z=$(
    case b in
        b) echo zz ;;
    esac
)
echo "[$y][$z]"
a=$(cat <<EOF; echo "<<Z"
x ) y
EOF
)
echo "1:$a"
b=$(cat <<"E F"
p ) q
E F
)
echo "2:$b"
c=$(cat <<'Q' <<< "ignored"
r ) s
Q
)
echo "3:$c"
"#;
    written_script_same_as_bash(&home, "comsub.sh", script);
    // An empty tag, or none, in `$(…)` is a syntax error (the parser panicked, ending the shell).
    for text in ["x=$(cat <<\"\"\n)", "x=$(cat <<-\n)"] {
        let (status, _, stderr) = home.run(text);
        assert_eq!(status, 2, "{text:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{text:?}: {stderr}");
    }
}

/// The DEBUG trap does not run for the commands of a sourced file unless `set -T`, as in bash (it
/// ran for each: a large file sourced under bash-preexec or starship was slow, and its trap said
/// so); a DEBUG trap the file sets stays after it.
#[test]
fn the_debug_trap_skips_a_sourced_files_commands_unless_functrace() {
    let home = Home::new();
    let script = r#"printf 'echo in-src-1\necho in-src-2\n' > src1.sh
printf 'echo in-src-3\ntrap "echo DBG2" DEBUG\necho in-src-4\n' > src2.sh
trap 'echo "DBG: $BASH_COMMAND"' DEBUG
source ./src1.sh
. ./src2.sh
echo after
trap - DEBUG
set -T; trap 'echo "DBGT: $BASH_COMMAND"' DEBUG
. ./src1.sh
trap - DEBUG
set +T; shopt -s extdebug; trap 'echo "DBGX: $BASH_COMMAND"' DEBUG
. ./src1.sh
trap - DEBUG
"#;
    written_script_same_as_bash(&home, "debug-source.sh", script);
}

/// `exec` without a command makes its own redirections the shell's, and only them, as bash's: in
/// a group, function or loop with redirections of its own (`{ exec 3>&1; } > log`, `f > log`, `done
/// < file`), the shell kept those too, so stdout stayed on the log and stdin on the file after it.
/// An option it does not know is refused, and the script goes on (`exec -i sh` ran `-i`); its
/// options work in a subshell too (they were "not yet implemented"). A
/// descriptor the command around it redirected too stays the shell's after that command, as bash
/// undoes the redirection there (stdout was lost for the rest of the script). Not yet: that change
/// applying within the command around it (`f() { exec 2>&1; …; }; f 2>/dev/null`).
#[test]
fn exec_keeps_its_own_redirections_not_those_around_it() {
    let home = Home::new();
    let script = r#"{ echo before; exec 9>&1; echo after; } > blk.out
echo after block
cat blk.out
f() { exec 3>&1; echo in-f; }; f > f.out; echo after-f; echo to3 >&3; cat f.out
{ exec 5>&2; } 2>/dev/null; echo after-h >&2
printf 'l1\nl2\n' > lines
while read -r l; do exec 6>/dev/null; echo "got $l"; done < lines
read -r x <<< "outer"; echo "[$x]"
{ exec >o1; echo in; } 2>/dev/null; echo after-out; exec >&9; cat o1
exec 7>o7; echo seven >&7; exec 7>&-; cat o7; echo bad >&7
exec 3>&-; echo x >&3
exec -i /bin/true; echo "st=$?"; fd=-1; exec $fd</dev/null; echo "st=$?"
{ exec >/dev/null; } > log; echo after-group
exec 3>h3; g() { exec 3>&-; }; g 3>/dev/null; echo x >&3; cat h3
exec 5>&1; exec 6>&5-; echo via6 >&6; echo via5 >&5; exec 6>&-
(exec -a specialname bash -c 'echo $0'); echo "st=$?"; (FOO=BAR exec -c env) | grep -c FOO
(exec -l bash -c 'echo $0'); (exec -a x nosuch); echo "st=$?"; echo hi | (exec -a cc cat)
"#;
    written_script_same_as_bash(&home, "exec-redirections.sh", script);
}

/// An assignment's subscript is read to its `]`, blanks and operators in it, as bash reads it:
/// `h[two words]=1` ran a command `h[two`, and `declare -A h=([two words]=1)` made the key `[two`.
/// Only where an assignment may stand (a command's start, after assignments, an array's words);
/// an element given to a command's environment is refused as bash refuses it.
#[test]
fn assignments_read_subscripts_with_blanks() {
    let home = Home::new();
    let script = r#"declare -A h; h[foo bar]=x; echo "${h[foo bar]}"
h[a;b]=1 h[x|y]=2; h[$(echo c d)]+=3; echo "${h[a;b]} ${h[x|y]} ${h[c d]}"
declare -A g=([two words]=1); declare -p g; a=(1 [2 + 1]=b [ 4 ]=c); declare -p a
f() { local -A m; m[in f]=1; echo "${!m[@]}"; }; f
for k in k; do h[$k k]=4; done; case x in x) h[e f]=5;; esac; h[g h]=6 >/dev/null
echo "${h[k k]} ${h[e f]} ${h[g h]}"; (( a[1 + 1] = 7 )); echo "${a[@]}"
echo x[a b]; x[a b]; a[1]=2 b[ 0 ]=3 env | grep -c '^a'; echo "${b[0]}"; i[1 2]=3
case ab in a[b]) echo matched;; esac; x=1; echo $x[1 2]
for v in ab 'a)' 'a['; do case $v in
  a[b|c]) echo pattern-1;;
  "a)") echo pattern-2;;
  a[) echo pattern-3;;
esac; done
h[unclosed 1
"#;
    written_script_same_as_bash(&home, "subscripts.sh", script);
}

/// Expansions and appends found by the sweep of bash's own tests: between double quotes a default
/// that expands to no word is one empty word (`"${u:-$@}"` was none); a string's `[@]` is sliced as
/// the string (`${v[@]:3}` was empty); a substring's offset takes a conditional (`${s:j?1:0:j}` was
/// left as written); `+=` adds to an integer's old value evaluated as arithmetic (`b=4+1` then
/// `b+=37` was 37) and, before a command, joins the old value (`a+=5 cmd` saw `5`).
#[test]
fn defaults_slices_conditionals_and_appends_as_bash() {
    let home = Home::new();
    let script = r#"f() { echo "$#"; }; set --
f "${u:-$@}"; f "${u:-"$@"}"; f "${u:-$*}"; u=1; f "${u:+$@}"; f ${u:+"$@"}; f "${@}"; unset u
v=abcdef; echo ${v[@]:3} ${v[*]:1:2} "${v[@]: -2}" ${v[@]:1:-2}; a=(abc def); echo ${a[@]:1}
j=1; echo ${v:j?1:0:j} ${v:j?2:0} ${v:0?1:2?3:4:1} $(( j ? (j?7:8) : 9 ))
b=4+1; typeset -i b; b+=37; echo $b; x=3; c=x; typeset -i c; c+=1; echo $c
a=1; a+=5 env | grep '^a='; g() { echo "g:$a"; }; a+=7 g; echo $a; s=ab; s+=cd; echo $s
"#;
    written_script_same_as_bash(&home, "defaults.sh", script);
}

/// A script whose last character is a backslash escaping nothing runs, as in bash: the script run
/// and standard input drop the backslash, a string (`-c`, `eval`, a sourced file) keeps
/// it. All were refused as an unterminated escape, and nothing of them ran.
#[test]
fn a_last_backslash_escaping_nothing_is_read_as_bash_reads_it() {
    let home = Home::new();
    std::fs::write(home.path().join("sourced.sh"), "echo sourced \\").unwrap();
    let script = "echo first\n. ./sourced.sh\neval 'echo evaluated\\'\n\
        printf 'echo piped\\\\' | \"$BASH\"\necho last\\";
    written_script_same_as_bash(&home, "last-backslash.sh", script);
    same_as_bash(&home, &["echo string\\", "echo \"string\\"]);
}

/// Functions have bash's attributes: `readonly -f` (not defined again, not unset), `declare -ft`
/// (the RETURN trap is inherited), and `-fx` kept when the function is defined again; `declare -F`, `-f`, `-pf` and `readonly -f`
/// list them. `readonly -f f` showed the function, and it was then defined again and unset.
#[test]
fn functions_take_readonly_trace_and_export_attributes() {
    let home = Home::new();
    let script = r#"f() { echo 1; }; readonly -f f; f() { echo 2; }; echo "st=$?"; f
unset -f f; echo "st=$?"; f; readonly -f; readonly -f nosuch; echo "st=$?"
g() { :; }; declare -ft g; declare -F g; declare -pf g; declare -F
h() { :; }; export -f h; h() { echo re; }; env | grep -c '^BASH_FUNC_h'; declare -f h; declare -pf h
declare -f; declare -pF
t() { echo in-t; }; u() { echo in-u; }; declare -ft t; trap 'echo returned' RETURN; t; u
"#;
    written_script_same_as_bash(&home, "function-attributes.sh", script);
}

/// An associative array's element in arithmetic takes a key with a quote that closes nowhere, as
/// in bash: the usual word count `((count[$w]++))` failed with `bad array subscript` at `don't`.
#[test]
fn arithmetic_takes_keys_with_a_lone_quote() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"declare -A c; for w in "don't" "it's" "don't"; do ((c[$w]++)); done; echo "${c[don't]} ${c[it's]}"; echo $(( c[$w] ))
               k='q"r'; (( c[$k] = 5 )); echo $(( c[$k] + 1 )); ((c["a b"]=2)); echo "${c[a b]}"; a=(1 2); echo $((a[1]))"#,
        ],
    );
}

/// A `]` first in a bracket expression (after any `!`) is one of its characters, as in bash:
/// `[]]`, `[!]]` and `[][]` never matched, in `case`, `[[ ]]`, `${s//…/…}` and file names. A
/// bracket expression with a quoted character in it matches file names (`a[\ .]b` was left as
/// written), and a quoted `!`, `-` or `:` there is that character.
#[test]
fn a_closing_bracket_first_in_a_bracket_expression_is_a_member() {
    let home = Home::new();
    let script = r#"case ']' in []]) echo ok34;; *) echo no34;; esac
case '-' in []-]) echo ok35;; *) echo no35;; esac
case 'x' in [!]]) echo ok36;; *) echo no36;; esac
case ']' in [!]]) echo no37;; *) echo ok37;; esac
[[ ']' == []] ]] && echo dbl-ok || echo dbl-no
s='a]b[c'; echo "${s//[]]/_}" "${s//[][]/_}"
case '[]' in '[]') echo lit;; esac; case 'a' in []) echo never;; *) echo empty-ok;; esac
mkdir -p gl && touch 'gl/a]' gl/ab && echo gl/a[]] gl/a[!]]
cd gl && touch 'a b' a.b 'a;b' a_b && echo a[\ .]b a[\;]b "a"[\.]b a[" "]b "a[._]b" a\[._]b
touch 'a!b' axb a-b a:b; echo a["!"x]b; echo a[\!x]b; echo a[[":alpha:"]]b a["-"]b; echo a[x"-"z]b; cd ..
case a.b in a["!"x]b) echo yes;; *) echo no;; esac; case a-b in a[x"-"z]b) echo yes;; *) echo no;; esac
"#;
    written_script_same_as_bash(&home, "brackets.sh", script);
}

/// `declare` with an attribute and no names (`declare -a`, `-x`), `local` and `readonly` list
/// `declare` commands that read back, as bash's (they listed `name=value`, which loses the
/// attributes); a plain `declare` still lists `name=value`.
#[test]
fn declare_with_an_attribute_lists_declarations() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"a=(1 2); declare -A m=([k]=v); declare -n r=a; x=1; declare -a | grep "a=("; declare -A | grep -w m; declare -n | grep r=
               f() { local z=yy; local; }; f; declare -i n=3; declare -i | grep n=; readonly ro=1; readonly | grep -w ro; declare -r | grep ro=
               declare | grep "^ro="; declare -x X=2; declare -x | grep " X="; export | grep " X="; declare +a | grep -c "^X="; declare +x | grep -c "^[XZ]=""#,
        ],
    );
}

/// A background job reads what a command around it redirected stdin from, as bash's: `while read
/// l; do { read x; } & wait; done < file` gave the job `/dev/null`, which only the shell's own
/// stdin becomes.
#[test]
fn a_background_job_reads_the_stdin_a_command_around_it_redirected() {
    let home = Home::new();
    let script = r#"printf 'a\nb\nc\nd\n' > in.txt
while read l; do { read x; echo "$l/$x"; } & wait; done < in.txt
for i in 1; do cat & wait; done <<X
here
X
{ read y; echo "[$y]"; } & wait
echo piped | { cat & wait; }
"#;
    written_script_same_as_bash(&home, "background-stdin.sh", script);
}

/// `--rcfile FILE` reads the system's rc file (`/etc/bash.bashrc`) first, as Debian's bash does
/// (ncsh read FILE alone, so the system's prompt and settings were lost).
#[test]
fn an_rcfile_is_read_after_the_systems() {
    let home = Home::new();
    std::fs::write(home.path().join("rc"), "RCVAR=1\n").unwrap();
    let args = ["--rcfile", "rc", "-i", "-c", "echo \"[$PS1][$RCVAR]\""];
    let ours = ncsh_within(&home, &args, LIMIT);
    assert_eq!(stdout(&ours), stdout(&bash(&home, &args)));
}

/// Times are written in the time zone the shell's `TZ` names (an IANA name, with or without `:`,
/// or a POSIX rule), as bash's `strftime` writes them after `tzset`: `TZ=Asia/Tokyo printf
/// '%(%H)T'` gave the process's own zone, and `%Z` was the offset, not the zone's abbreviation.
/// A conversion glibc does not know is written as it stands.
#[test]
fn times_are_written_in_the_zone_tz_names() {
    let home = Home::new();
    let script = r#"TZ=Asia/Tokyo printf '%(%H:%M %Z)T\n' 0
export TZ=Europe/Paris; printf '%(%F %T %Z %z)T\n' 0 15552000
TZ=:America/New_York; printf '%(%H %Z)T|%(%a %b %e %-d %^a %10Y %j %s)T\n' 0 86400
TZ='CET-1CEST,M3.5.0,M10.5.0/3'; printf '%(%H %Z)T\n' 0
TZ=UTC; printf '%(%c|%x|%X|%D|%r|%R|%T|%p|%I|%l|%k|%u|%w|%U|%V|%G|%C|%y|%%|%n|%t|%Q)T\n' 1000000000
unset TZ; printf '%(%H)T\n' 0
TZ=UTC; printf "%(%Q|%:z|%f|%N|%%Q|%-d|%5Y|%Ey|%)T\n" 1000000000
"#;
    written_script_same_as_bash(&home, "tz.sh", script);
}

/// `mapfile -C callback -c N` evaluates the callback with the next index and line before every Nth
/// line is assigned, as bash's (it was "not yet implemented").
#[test]
fn mapfile_calls_its_callback_every_quantum_lines() {
    let home = Home::new();
    std::fs::write(home.path().join("mf.txt"), "l1\nl2\nl3\nl4 x\nl5\n").unwrap();
    let script = r#"cb() { echo "cb $1 [$2] have ${#A[@]}"; }
mapfile -C cb -c 2 A < mf.txt; declare -p A
B=(x y); mapfile -O 5 -C cb -c 1 B < mf.txt; declare -p B
mapfile -t -C 'echo cb2' -c 3 C < mf.txt; declare -p C
mapfile -C cb -c 2 D < mf.txt > mflog; echo "log: $(cat mflog)"
"#;
    written_script_same_as_bash(&home, "mapfile.sh", script);
}

/// A negative subscript before an array's first element is said, as bash says it, and expands to
/// nothing (it was said nowhere).
#[test]
fn a_subscript_before_the_first_element_is_said() {
    let home = Home::new();
    let script = "a=(1 2 3); echo \"[${a[-20]}]\"; echo st=$?; echo \"[${a[-1]}]\" \"[${a[-3]}]\" \"[${a[5]}]\"\n";
    written_script_same_as_bash(&home, "subscript.sh", script);
}

/// Found by running the Oils project's spec tests against bash: `"$*"` of no parameters is one
/// empty word (it was none, so `[ -n "$*" ]` held); `unset 'h[$k]'` expands the subscript (the key
/// was taken as written, an index's `$i` refused); `getopts` parses every word after the
/// variable's name (a first `-h` asked for getopts' own help); `for x in ;` loops over nothing (it
/// looped over `"$@"`); `${x#*}` and `${x%*}` remove the empty match (one character went).
#[test]
fn empty_words_subscripts_getopts_and_empty_matches_as_bash() {
    let home = Home::new();
    let script = r#"c() { echo "$#"; }; set --
c "$*"; c "${*}"; c "$*$@"; c "${u[*]}"; a=(); c "${a[*]}"; x=("$*"); echo "${#x[@]}"
[ -n "$*" ] && echo has-args || echo no-args; [ "$*" = "" ] && echo empty
declare -A d=([a]=1 [b]=2); k=a; unset 'd[$k]'; echo "keys: ${!d[@]}"
arr=(0 1 2 3); i=1; unset 'arr[$i]' 'arr[i+1]'; echo "arr: ${arr[@]} ${!arr[@]}"
f() { local OPTIND=1 opt; while getopts "hv" opt "$@"; do echo "opt=$opt"; done; echo "done $?"; }
f -h; f --help; f -v -h; getopts "h" o -h; echo "st=$? o=$o"; getopts; echo "usage $?"
set -- a b; for x in ; do echo "iter $x"; done; for x in
do echo "iter $x"; done; for x; do echo "all $x"; done
x=/usr/lib; p=; echo "${x#*}|${x%*}|${x#$p*}|${x#*""}|${x##*}|${x%%*}|${x#*/}|${x%/*}"
"#;
    written_script_same_as_bash(&home, "oils.sh", script);
}

/// Also from the Oils spec tests: under `set -u` an unset variable met within arithmetic ends the
/// script, as it does elsewhere (it ended only the command); under `set -e` a refused assignment
/// to a readonly variable ends it, also before a command and where the status is tested (it went
/// on); `set -x` traces a command, and an assignment's command substitutions run, before the
/// command's own redirections (`cmd 2>/dev/null` hid its trace).
#[test]
fn nounset_in_arithmetic_errexit_on_readonly_and_xtrace_before_redirections_as_bash() {
    let home = Home::new();
    for (name, script) in [
        (
            "arith.sh",
            "set -u\nf() {\n  n=$(( count + 1 ))\n  echo \"in f $n\"\n}\nf\necho after\n",
        ),
        (
            "cond.sh",
            "set -u\nif (( retries > 3 )); then echo big; fi\necho after\n",
        ),
        (
            "sub.sh",
            "set -u\n( echo $(( q )) ); echo \"sub=$?\"\ndeclare -i k; k=zz+1\necho after\n",
        ),
        ("ro.sh", "set -e\nreadonly x=1\nx=2\necho after\n"),
        ("ro-cmd.sh", "set -e\nreadonly x=1\nx=2 true\necho after\n"),
        (
            "ro-or.sh",
            "set -e\nreadonly x=1\nx=2 || echo handled\necho after\n",
        ),
        (
            "ro-plain.sh",
            "readonly x=1\nx=2\necho \"after $?\"\nx=3 true\necho \"after $?\"\n",
        ),
        // Within an `eval` or a sourced file a refusal ends only that; `!` does not turn an
        // exit's status into a success.
        (
            "ro-nested.sh",
            "set -e\nreadonly x=1\nprintf 'x=2\\necho insrc\\n' > src.sh\n\
             if . ./src.sh; then echo t; fi\n. ./src.sh || echo caught\n\
             eval 'x=2 true; echo ine' || echo caught\neval 'x=2; echo ine' && echo and\n\
             (! exit 3); echo \"sub $?\"\nfor i in 1; do ! break; done; echo \"break $?\"\n\
             ! x=2 true\necho after\n",
        ),
        // An expansion's error does not end a script under `set -e`, as in bash.
        (
            "expansion-errexit.sh",
            "set -e\necho $((1/0))\necho after\ndeclare -i n; n=1/0\necho after2\n",
        ),
        // A sourced file whose `.` is not tested ends the script at the refusal, also where the
        // `.` is in a function.
        (
            "ro-sourced.sh",
            "set -e\nreadonly x=1\nprintf 'x=2\\necho insrc\\n' > src.sh\n\
             f() { . ./src.sh; echo in-f; }\nf || echo caught\n. ./src.sh\necho after\n",
        ),
        // Refused before a command, it is said where the shell's errors go, not through the
        // command's redirections.
        (
            "refused.sh",
            "a[0]=x true 2>/dev/null; echo st=$?\nreadonly r=1\nr=2 true 2>/dev/null; echo st=$?\n",
        ),
        (
            "xtrace.sh",
            "y=$(echo e >&2) true 2>/dev/null\nb=($(echo e2 >&2) x) 2>/dev/null\n\
             set -x\necho hi 2>/dev/null\nx=1 2>/dev/null\na=(1 2) 2>/dev/null\n\
             x=$(echo sub) 2>/dev/null\ny=$(echo y) true 2>/dev/null\n\
             { echo in; } 2>/dev/null\nset +x\n",
        ),
    ] {
        written_script_same_as_bash(&home, name, script);
    }
}

/// `-v` and `set -v` write the input's lines to standard error before they run, as bash's: a
/// script's, `-c` text's, an `eval`'s string and a sourced file's, and, after `set +v`, no more
/// (`-v` was taken, and did nothing).
#[test]
fn verbose_shows_input_lines_as_bash() {
    let home = Home::new();
    std::fs::write(home.path().join("sourced.sh"), "echo sourced\n").unwrap();
    // Blank and comment lines after a command are shown after it runs, as bash reads them then.
    let script = "echo v1\n# note\n\nif true; then\n  echo v2\nfi\ncat <<E\nhd\n\n# in\nE\n\
        echo a; echo b\nf() {\n  echo in-f\n}\nf\neval 'echo ev'\n. ./sourced.sh\necho end\n# done\n\n";
    std::fs::write(home.path().join("tail.sh"), script).unwrap();
    let script = "echo v1\nif true; then\n  echo v2\nfi\ncat <<E\nhd\nE\necho a; echo b\n\
        f() {\n  echo in-f\n}\nf\neval 'echo ev'\n. ./sourced.sh\nset +v\necho v3\n";
    std::fs::write(home.path().join("verbose.sh"), script).unwrap();
    for args in [
        &["-v", "verbose.sh"][..],
        &["-v", "-c", "echo a\necho b"],
        &["-c", "set -v; echo a\necho b"],
        &["-v", "tail.sh"],
    ] {
        let ours = ncsh_within(&home, args, LIMIT);
        let theirs = bash(&home, args);
        assert_eq!(stdout(&ours), stdout(&theirs), "{args:?}");
        assert_eq!(stderr(&ours), stderr(&theirs), "{args:?}");
    }
}

/// Rarer corners from the Oils spec tests: a brace group that expands to nothing inside a brace
/// expression is text to its `}` (`{a,{b}}` gave `a} {b}`); an octal escape past 255 is its low
/// byte (`\0400` failed to parse); `a[0]=(…)` is refused in bash's words (it was "not yet
/// implemented"); `unalias` with no name and `eval -z` are usage errors (the first succeeded, the
/// second ran a command `-z`).
#[test]
fn brace_groups_octal_escapes_and_usage_errors_as_bash() {
    let home = Home::new();
    let script = r#"echo {a,{b}} {a,{}} -{a,{1...3}}- x{a,{b,c}}y {a,b{c}} {b} {x,y}{z} {a,{b},c}
echo {a,{b\}}} {a,{\,}} {a,{b\,c}}
echo -en '\04000' | od -An -tx1; printf '\0400x' | od -An -tx1
a=(1 2); a[0]=(3 4)
echo "st=$? ${a[*]}"
unalias; echo "unalias $?"; eval -z; echo "eval $?"; eval -- echo dd; eval -- -z; eval '-x y'
getopts -- ab o -a; echo "$o $?"
declare -A h=([~]=1); h[~]=2; k='~'; echo "${h[~]} ${h[$k]}"; unset 'h[~]'; echo "${#h[@]}"
h=([~]=y); h+=([~/x]=z); echo "${h[~]} ${h[~/x]} ${#h[@]}"
"#;
    written_script_same_as_bash(&home, "corners.sh", script);
}

/// A `${…}` that is no parameter expression is a bad substitution that abandons its command (the
/// rest of its line), as in bash; it was printed as written (a typo wrote literal text). A script
/// goes on with its next line, also after one in a function, a job, an `eval` or an `if`.
#[test]
fn a_bad_substitution_is_an_error_not_text() {
    let home = Home::new();
    let script = r#"x=abc
echo "${x bad}"; echo same-line
echo next $?
f() { echo ${1a}; echo in-f; }
f; echo after-f $?
echo ${x bad} & wait
echo after-bg $?
eval 'echo ${x;}; echo in-eval'; echo after-eval $?
if [ "${x!}" ]; then echo t; fi; echo after-if $?
{ y=$(echo ${x bad}
echo in-sub); } 2>/dev/null; echo "sub [$y] $?"
{ z=$(echo $((1/0))
echo in-sub); } 2>/dev/null; echo "arith [$z] $?"
echo hi > ${x bad}; echo same-line
echo end
"#;
    written_script_same_as_bash(&home, "bad.sh", script);
    // Under `set -e` it ends the script, also in a test; an unknown transformation always does,
    // and so does a `${x:?}` in a redirection.
    for (name, script) in [
        (
            "e1.sh",
            "set -e
if echo ${x bad}; then :; fi
echo after
",
        ),
        (
            "e2.sh",
            "set -e
f() { echo ${x bad}; }
f || echo or
echo after
",
        ),
        (
            "e3.sh",
            "x=a
echo ${x@Z}
echo after
",
        ),
        (
            "e4.sh",
            "out=
echo data > \"${out:?no file}\"
echo after
",
        ),
    ] {
        written_script_same_as_bash(&home, name, script);
    }
    same_as_bash(
        &home,
        &[
            r#"x=abc; echo "${x bad}"; echo after"#,
            "echo ${x!}; echo after",
            "f() { echo ${1a}; echo in-f; }; f; echo after",
            r#"x=1; echo "${x;}" || echo or; echo after"#,
            // What is one still is; `@u` capitalises the first character only (it did every word).
            r#"x='a}b'; echo ${x/\}/Z} ${y:-"}"} ${y:-\}} ${y:-$(echo '}')}"#,
            r#"x="hello big world"; a=(ab cd); y=" a"; echo "${x@u}|${a[@]@u}|${y@u}|${x@U}""#,
        ],
    );
}

/// `[[ =~ ]]` with a regular expression that does not compile gives 2, as bash's (it gave 1, so a
/// script could not tell a bad regex from no match); `&&`, `||` and `!` pass it on as bash's. A
/// character range gives its punctuation as words (`{Z..a}` failed to parse the backquote), and
/// `alias` and `compopt` fail in bash's words.
#[test]
fn bad_regexes_character_ranges_alias_and_compopt_as_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"re="("; [[ x =~ $re ]]; echo "rc=$?"; [[ x =~ $re ]] || echo "no $?"; ! [[ x =~ $re ]]
               echo "neg $?"; [[ ! x =~ $re ]]; echo "inner $?"; [[ x =~ $re || y == y ]]; echo "or $?"
               [[ y == y && x =~ $re ]]; echo "and $?"; [[ ( x =~ $re ) ]]; echo "par $?"
               [[ x =~ $re && y == y ]]; echo "and2 $?"; [[ ab =~ (b) ]]; echo "$? ${BASH_REMATCH[1]}""#,
            r#"echo {Z..a}; for x in {Z..a}; do printf "<%s>" "$x"; done; echo; echo {e..a..2} {α..γ}"#,
            "alias nope; echo $?; compopt -o nospace; echo $?; compgen -W x; compopt -o nospace; echo $?",
        ],
    );
}

/// Under `set -u`, the count of an array never set (`${#n[@]}`, `declare -a d; ${#d[@]}`) is an
/// unbound variable, as in bash; it was 0. An array set empty, or emptied, counts 0.
#[test]
fn counting_an_array_never_set_is_unbound_under_set_u() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "set -u; echo ${#n[@]}; echo after",
            "set -u; declare -a d; f() { echo ${#d[*]}; }; f; echo after",
            r#"set -u; a=(1); unset 'a[0]'; echo ${#a[@]}; declare -A h=(); echo ${#h[@]}; e=()
               echo "${#e[*]} [${n[@]}]"; [[ -v a[5] ]]; echo "v $?""#,
            "echo ${#n[@]}; declare -a d; echo ${#d[@]}",
        ],
    );
}

/// `-O NAME` and `+O NAME` set and unset a `shopt` option on the command line, and `+o NAME` a
/// `set -o` one, as in bash (`bash -O globstar -c …`): `-O` was refused, and `+O` taken for the
/// script. After the script or `-c`'s command they are its arguments.
#[test]
fn shopt_and_plus_o_options_on_the_command_line_as_bash() {
    let home = Home::new();
    std::fs::write(home.path().join("o.sh"), "shopt -p extglob\necho \"$@\"\n").unwrap();
    for args in [
        &[
            "-O",
            "extglob",
            "+O",
            "checkwinsize",
            "-c",
            "shopt -p extglob checkwinsize",
        ][..],
        &[
            "-O",
            "globstar",
            "-e",
            "+o",
            "errexit",
            "-c",
            "shopt -p globstar; echo $-",
        ],
        &[
            "+o",
            "braceexpand",
            "-c",
            "echo {a,b} \"$@\"",
            "name",
            "-O",
            "x",
        ],
        &["-O", "extglob", "o.sh", "-O", "y"],
        // The last of `-O` and `+O` wins; `+O extglob` turns it off.
        &[
            "-O",
            "extglob",
            "+O",
            "extglob",
            "-c",
            "shopt -p extglob; x=ab; echo ${x#@(a)}",
        ],
        &["+O", "extglob", "-O", "extglob", "-c", "shopt -p extglob"],
        &["-O", "nosuch", "-c", "echo not"],
        &["+o", "nosuch", "-c", "echo not"],
    ] {
        let ours = ncsh_within(&home, args, LIMIT);
        let theirs = bash(&home, args);
        assert_eq!(stdout(&ours), stdout(&theirs), "{args:?}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{args:?}");
        assert_eq!(
            stderr(&ours).is_empty(),
            stderr(&theirs).is_empty(),
            "{args:?}"
        );
    }
}

/// Capitals of text beyond ASCII as bash's `towupper` gives them: `declare -c` of a value that
/// begins with `é` panicked, and `ß`, whose capital is two letters, became `S` or `SS`.
#[test]
fn capitals_beyond_ascii_as_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            r#"x=ßa; y=éa; echo "${x@u} ${x^} ${y^} ${y@u} ${x^^} ${x@U} ${y^^} ${y^^[a]}"
             declare -c c; c=éA; echo $c; declare -u u; u=ßa; echo $u; c=; echo "[$c]""#,
        ],
    );
}

/// `[[ -z ]]` and `[[ ]]` are refused on their own line, where bash refuses them: the `]]` was
/// taken for the operand, and the error named the next line's first word. (bash's words differ:
/// `unexpected argument `]]' to conditional unary operator`.)
#[test]
fn an_empty_conditional_is_refused_on_its_own_line() {
    let home = Home::new();
    for (text, said) in [
        (
            "echo before\n[[ -z ]]\necho status=$?\n",
            "line 2: syntax error near unexpected token `]]'",
        ),
        (
            "echo before\n[[ ]]\necho status=$?\n",
            "line 2: syntax error near unexpected token",
        ),
    ] {
        std::fs::write(home.path().join("cond.sh"), text).unwrap();
        let ours = run(&home, &["cond.sh"], b"");
        assert_eq!(stdout(&ours), "before\n");
        assert!(stderr(&ours).contains(said), "{}", stderr(&ours));
    }
    same_as_bash(
        &home,
        &[
            r#"[[ -z "" ]] && echo a; [[ -n x ]] && echo b; [[ x ]] && echo c; [[ -z ']]' ]]; echo $?"#,
        ],
    );
}

/// An error that ends a script ends only the background job it happens in, as bash's subshell
/// ends: `${x:?}`, an unset variable under `set -u` and a refused readonly assignment under `set
/// -e` in a job ended the parent script at its `wait`.
#[test]
fn an_error_that_ends_a_script_ends_only_its_job() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "echo ${x:?m} & wait; echo after $?",
            "set -u; echo $nope & wait; echo after $?",
            "set -e; readonly r=1; r=2 & wait; echo after $?",
        ],
    );
}
