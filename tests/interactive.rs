//! Interactive ncsh on a real PTY: what a user types, and what they see.

mod common;

use common::{Home, Terminal, alive, eventually, same_settings};
use nix::sys::signal::{Signal, kill};

fn start(home: &Home, args: &[&str]) -> Terminal {
    let mut all = vec!["--norc"];
    all.extend_from_slice(args);
    let term = Terminal::spawn(home.command(&all), 24, 80);
    term.expect_prompt();
    term
}

/// Starts ncsh with `rc` for its rc file, read after the system's (`/etc/bash.bashrc`), and the
/// prompt `$ ` set after it.
fn start_with_rc(home: &Home, rc: &str) -> Terminal {
    let path = home.path().join("rc");
    std::fs::write(&path, format!("{rc}\nPS1='$ '\n")).unwrap();
    Terminal::spawn(home.command(&["--rcfile", path.to_str().unwrap()]), 24, 80)
}

/// Types `line` without Enter, and gives the style flags of each of its characters on the screen.
fn styles_as_typed(term: &Terminal, line: &str) -> Vec<u8> {
    term.send(line);
    term.expect(&format!("$ {line}"));
    let frame = term.frame();
    let row = frame
        .lines
        .iter()
        .rposition(|l| l.contains(&format!("$ {line}")))
        .unwrap();
    let start = frame.lines[row].chars().count() - line.chars().count();
    (start..start + line.chars().count())
        .map(|col| frame.style_at(row as u16, col as u16).flags)
        .collect()
}

#[test]
fn a_typed_command_runs_and_exit_status_and_terminal_are_restored() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo hello world");
    term.expect("\nhello world\n");
    term.line("exit 3");
    assert_eq!(term.wait_exit(), 3);
    assert!(
        same_settings(&term.initial_termios, &term.termios()),
        "terminal settings differ after exit"
    );
}

/// At the prompt an error names the shell, not a line, as bash's do; so do errors in a function,
/// a command substitution and a background job started there.
#[test]
fn errors_at_the_prompt_name_no_line() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("nosuch1; f() { nosuch2; }; f; x=$(nosuch3); nosuch4 & wait; echo done");
    term.expect("\ndone\n");
    let screen = term.frame().lines.join("\n");
    for n in 1..=4 {
        assert!(
            screen.contains(&format!("ncsh: nosuch{n}: command not found")),
            "{screen}"
        );
    }
    assert!(!screen.contains("line 1"), "{screen}");
}

#[test]
fn an_open_command_continues_and_a_stray_keyword_is_an_error_at_once() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("if true; then");
    term.expect_last_line(">");
    term.line("echo in-if; fi");
    term.expect("\nin-if\n");
    term.expect_prompt();
    // Open here-documents, quotes, substitutions and pipes still take more lines.
    for (lines, output) in [
        (&["cat <<END", "in-heredoc", "END"][..], "\nin-heredoc\n$"),
        (&["echo 'in", "quotes'"][..], "\nin\nquotes\n$"),
        (
            &["x=$(", "echo in-substitution)", "echo $x"][..],
            "\nin-substitution\n$",
        ),
        (&["echo in-pipe |", "cat"][..], "\nin-pipe\n$"),
    ] {
        for line in lines {
            term.line(line);
        }
        term.expect(output);
    }
    // The command being typed is coloured (here-documents once made the colouring panic): `echo`
    // is shown as a builtin, in bold.
    let flags = styles_as_typed(&term, "echo typed-in-colour");
    assert!(
        flags[0] & kernel_bridge::Style::BOLD != 0,
        "the builtin being typed is not coloured as one: {flags:?}"
    );
    term.send("\r");
    term.expect("\ntyped-in-colour\n");
    // After a character of two bytes, the colours stay on their characters: the operator `&&` is
    // in italics, and the space before it is not.
    let flags = styles_as_typed(&term, "echo é && true");
    let italic: Vec<bool> = flags
        .iter()
        .map(|f| f & kernel_bridge::Style::ITALIC != 0)
        .collect();
    assert_eq!(&italic[6..10], [false, true, true, false], "{flags:?}");
    term.send("\r");
    term.expect("\né\n");
    // As bash says at its prompt: the token, and no line number.
    for (n, (stray, near)) in [("fi", "fi"), ("done", "done"), ("echo >", "newline")]
        .into_iter()
        .enumerate()
    {
        term.line(stray);
        term.expect_count(
            &format!("ncsh: syntax error near unexpected token `{near}'"),
            1,
        );
        term.expect_count("syntax error", n + 1);
    }
    term.expect_prompt();
    term.line("exit");
    assert_eq!(term.wait_exit(), 2);
}

#[test]
fn commands_inherit_no_stray_descriptor_of_the_terminal() {
    let home = Home::new();
    let term = start(&home, &[]);
    // Inside $( ), stdout is a pipe: stdin and stderr are the only descriptors on the terminal.
    term.line("echo on-terminal: $(ls -l /proc/self/fd | grep -c /dev/pts)");
    term.expect("\non-terminal: 2\n");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

#[test]
fn ctrl_c_interrupts_only_the_foreground_job() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sleep 100");
    term.expect("$ sleep 100");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x03");
    term.expect_prompt();
    term.line("echo status=$?");
    term.expect("status=130");
    // At the prompt, the line typed is left with `^C` after it, as readline leaves it.
    term.send("echo half");
    term.expect("$ echo half");
    term.send("\x03");
    term.expect("$ echo half^C\n");
    // `exit` gives the status Ctrl-C left, as bash's.
    term.line("exit");
    assert_eq!(term.wait_exit(), 130);
}

/// As in bash, Ctrl-C stops the whole command line, and the shell stays: a loop of builtins, where
/// the shell itself gets the SIGINT, and a loop whose foreground command dies of it.
#[test]
fn ctrl_c_stops_a_loop_and_the_rest_of_the_line_and_the_shell_stays() {
    let home = Home::new();
    let term = start(&home, &[]);
    let interrupt = |line: &str| {
        term.line(line);
        term.expect(&format!("$ {line}"));
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.send("\x03");
        term.expect_prompt();
    };
    term.line("PROMPT_COMMAND='echo pc-$((40+2))'");
    term.expect_count("pc-42", 1);
    interrupt("while true; do :; done; echo after-$((1+1))");
    // The prompt's command runs after a stopped line: the stop was for that line alone.
    term.expect_count("pc-42", 2);
    term.line("echo status=$?; unset PROMPT_COMMAND");
    term.expect("status=130");
    interrupt("for i in 1 2; do sleep 5; echo round-$((i*10)); done");
    term.line("echo status=$?");
    term.expect_count("status=130", 2);
    let screen = term.screen_text();
    assert!(
        !screen.contains("after-2") && !screen.contains("round-10"),
        "{screen}"
    );
    // Nor does SIGTERM end an interactive shell, as in bash (`kill` sends it by default).
    term.line("kill $$; echo alive-$((3+4))");
    term.expect("\nalive-7\n");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

/// Ctrl-C at a `read` stops the command line, and a script, as in bash: `read` takes keys as typed,
/// so the terminal sent no SIGINT, and `read -p 'Sure? ' a; rm …` ran the `rm`. A script whose
/// foreground command Ctrl-C ends ends too, after its EXIT trap, as bash's does: once a command had
/// been waited for, tokio's handler took every SIGINT, and the script went on.
#[test]
fn ctrl_c_at_a_read_stops_the_command_line_and_a_script() {
    let home = Home::new();
    std::fs::write(
        home.path().join("sure.sh"),
        "ls >/dev/null\nread -p 'Sure? ' a\necho continued-$((2+3))\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("sleeps.sh"),
        "trap 'echo exit-$((4+4))' EXIT\nls >/dev/null\nsleep 5\necho slept-$((5+5))\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("waits.sh"),
        "sleep 20 &\nwait\necho waited-$((6+6))\n",
    )
    .unwrap();
    let term = start(&home, &[]);
    let interrupt = |line: &str, asked: &str| {
        term.line(line);
        term.expect(asked);
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.send("\x03");
        term.expect("^C\n");
        term.expect_prompt();
    };
    interrupt("read -p 'Proceed? ' a; echo deploy-$((1+1))", "Proceed?");
    term.line("echo status=$?");
    term.expect("status=130");
    interrupt("\"$BASH\" \"$HOME/sure.sh\"; echo after-$((3+4))", "Sure?");
    term.line("echo status=$?");
    term.expect_count("status=130", 2);
    term.line("\"$BASH\" \"$HOME/sleeps.sh\"; echo after-$((3+4))");
    std::thread::sleep(std::time::Duration::from_millis(800));
    term.send("\x03");
    term.expect("exit-8");
    term.expect_prompt();
    term.line("echo status=$?");
    term.expect_count("status=130", 3);
    // A `wait` for the script's job ends with the script.
    term.line("\"$BASH\" \"$HOME/waits.sh\"; echo after-$((3+4))");
    std::thread::sleep(std::time::Duration::from_millis(800));
    term.send("\x03");
    term.expect_prompt();
    term.line("echo status=$?");
    term.expect_count("status=130", 4);
    let screen = term.screen_text();
    assert!(
        !screen.contains("deploy-2")
            && !screen.contains("continued-5")
            && !screen.contains("after-7")
            && !screen.contains("slept-10")
            && !screen.contains("waited-12"),
        "{screen}"
    );
}

/// Ctrl-Z on a loop stops the command under way and the loop goes on, as in bash; Ctrl-C then stops
/// the loop. The shell looked hung for good: nothing stopped the loop.
#[test]
fn ctrl_c_stops_a_loop_whose_command_ctrl_z_stopped() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("while true; do sleep 0.2; done");
    term.expect("$ while true");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x1a");
    term.expect("Stopped");
    term.send("\x03");
    term.expect_prompt();
    term.line("echo alive-$((2+3))");
    term.expect("\nalive-5\n");
    // The stopped job is continued to end, as bash's `kill` does, so the shell exits at once.
    term.line("kill %1; sleep 0.5");
    term.expect("Terminated");
    term.expect_prompt();
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

/// `read` stopped by Ctrl-C fails with SIGINT's status, 130, as bash's does.
#[test]
fn read_stopped_by_ctrl_c_has_sigints_status() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("read x");
    term.expect("$ read x");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x03");
    term.expect_prompt();
    term.line("echo status=$?");
    term.expect("\nstatus=130\n");
}

/// A terminal that does not say where its cursor is still gets a shell: the line editor cannot
/// draw there, so lines are read as typed, after the prompt.
#[test]
fn a_terminal_that_does_not_answer_the_cursor_query_gets_plain_lines() {
    let home = Home::new();
    let term = Terminal::spawn_mute(home.command(&["--norc"]), 24, 80);
    term.expect("line editing is off for this session");
    term.expect_prompt();
    term.line("echo three-$((1+2))");
    term.expect("\nthree-3\n");
    term.line("if true; then");
    term.expect_last_line(">");
    term.line("echo inside-$((2+2)); fi");
    term.expect("\ninside-4\n");
    // Ctrl-C drops an unfinished command and gives a new prompt, as at bash's prompt.
    term.line("if true; then");
    term.expect_last_line(">");
    term.line("echo dropped-$((3+3))");
    // The line was read (the continuation prompt is shown again) before Ctrl-C comes.
    term.expect_count(">", 3);
    term.send("\x03");
    term.expect_last_line("$");
    term.line("echo after-$((4+4))");
    term.expect("\nafter-8\n");
    assert!(!term.screen_text().contains("dropped-6\n"));
    term.line("exit 4");
    assert_eq!(term.wait_exit(), 4);
}

/// A job brought back with `fg` that ends there leaves the table without a word, as in bash: it was
/// reported `Done` at the next prompt.
#[test]
fn a_job_that_ends_after_fg_is_not_reported_done() {
    let home = Home::new();
    let term = start(&home, &[]);
    stop_a_sleep(&term, 1);
    term.line("fg");
    term.expect_last_line("sleep 1");
    term.expect_prompt();
    term.line("jobs; echo listed-$((2+2))");
    let screen = term.expect("\nlisted-4");
    assert!(!screen.contains("Done"), "{screen}");
}

/// An interactive shell's errors start with the name of its file alone, as bash's (`bash:`, where
/// `$0` is `/bin/bash`); they started with the whole path it was started by.
#[test]
fn interactive_errors_name_the_shell_by_its_file_name() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("nosuch-$((1+1))");
    term.expect("\nncsh: nosuch-2: command not found");
    term.line("echo \"$0\"");
    term.expect(&format!("\n{}\n", env!("CARGO_BIN_EXE_ncsh")));
}

/// A line that is only a job resumes it, as in bash: `%1 &` in the background, `%%` in the
/// foreground (`%1` went to calc, and `%%` was not found). Not yet: a job as a command within a
/// longer line (`%1; echo`).
#[test]
fn a_job_spec_alone_resumes_the_job() {
    let home = Home::new();
    let term = start(&home, &[]);
    stop_a_sleep(&term, 100);
    term.line("%1 &");
    term.expect("[1]+ sleep 100 &");
    term.line("jobs");
    term.expect("Running");
    term.line("%%");
    term.expect_last_line("sleep 100");
    term.send("\x03");
    term.expect_prompt();
    term.line("%7");
    term.expect("fg: %7: no such job");
    let screen = term.screen_text();
    assert!(!screen.contains("calc"), "{screen}");
}

#[test]
fn ctrl_z_stops_a_job_that_jobs_lists_and_fg_resumes() {
    let home = Home::new();
    let term = start(&home, &[]);
    stop_a_sleep(&term, 100);
    term.line("jobs");
    term.expect_count("Stopped", 2);
    term.expect_prompt();
    term.line("fg");
    term.expect_last_line("sleep 100");
    // Resumed in the foreground: Ctrl-C now reaches it, and no job is left.
    term.send("\x03");
    term.expect_prompt();
    term.line("jobs; echo jobs-done");
    let screen = term.expect("\njobs-done");
    assert_eq!(screen.matches("Stopped").count(), 2, "{screen}");
}

/// `fc` opens the last command in `$FCEDIT`, then echoes and runs what the editor saved, in its
/// place in the history, as bash's; an editor that fails runs nothing (it was "not yet
/// implemented").
#[test]
fn fc_edits_the_last_command_and_runs_it() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo one-$((1+1)); echo two");
    term.expect("\ntwo");
    term.line("FCEDIT='sed -i s/one/uno/' fc");
    term.expect("echo uno-$((1+1)); echo two\nuno-2\ntwo");
    term.line("FCEDIT=false fc; echo status=$?");
    term.expect("\nstatus=1");
    term.line("history 3 > \"$HOME/listed\"; echo listed");
    term.expect("\nlisted");
    let listed = std::fs::read_to_string(home.path().join("listed")).unwrap();
    assert!(listed.contains("echo uno-$((1+1)); echo two"), "{listed}");
    assert!(!listed.contains("sed -i"), "{listed}");
}

/// A background job that the terminal stops is reported at the next prompt, as bash reports it
/// (it was only listed by `jobs`, and a `wait` or an `fg` on it looked like a hang); again after
/// `bg`, where it stops again.
#[test]
fn a_background_job_stopped_by_the_terminal_is_reported_at_the_prompt() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("cat &");
    term.expect_prompt();
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.line("echo next-$((1+2))");
    term.expect("[1]+  Stopped                 cat");
    term.line("clear; bg; sleep 0.3; echo after-$((2+3))");
    term.expect("\nafter-5");
    term.line("echo again");
    term.expect("[1]+  Stopped                 cat");
    term.line("kill %1");
    term.expect_prompt();
}

/// `wait` warns of a job that stops, as bash's, and a wait for a stopped job gives 128 plus the
/// signal that stopped it: SIGTTIN for a job that read the terminal, SIGSTOP for `kill -STOP`
/// (both were 148, Ctrl-Z's). A job of builtins that reads is stopped as by SIGTTIN.
#[test]
fn wait_warns_of_a_stopped_job_and_gives_its_stop_s_status() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("cat & wait; echo all-$?");
    let screen = term.expect("\nall-0");
    assert!(screen.contains("ncsh: wait: warning: job 1["), "{screen}");
    term.line("clear; wait %1; echo one-$?");
    let screen = term.expect("\none-149");
    assert!(
        screen.contains("ncsh: warning: wait_for_job: job 1 is stopped"),
        "{screen}"
    );
    term.line("clear; kill -9 %1; sleep 30 & kill -STOP $!; wait $!; echo pid-$?");
    term.expect("\npid-147");
    term.line("clear; kill -9 %%; read x & wait %%; echo builtins-$?");
    term.expect("\nbuiltins-149");
    term.line("kill -9 %%");
    term.expect_prompt();
}

/// A job a startup file starts is not announced before the first prompt, as bash's, and reads
/// /dev/null: job control begins with the session (`cat &` there was left stopped).
#[test]
fn a_startup_file_s_job_is_not_announced_and_reads_no_terminal() {
    let home = Home::new();
    let term = start_with_rc(&home, "cat > /dev/null &");
    term.expect_prompt();
    term.line("sleep 0.3; jobs; echo listed-$((3+3))");
    let screen = term.expect("\nlisted-6");
    assert!(!screen.contains("[1] "), "{screen}");
    assert!(!screen.contains("Stopped"), "{screen}");
}

/// The commands an interactive shell starts get SIGTTOU's default, which the shell ignores to
/// control its terminal; a failed `exec`, which sets a command up in the shell's own process,
/// leaves the shell ignoring it still (else it would stop itself taking the terminal back).
#[test]
fn sigttou_is_the_shell_s_to_ignore_not_its_commands() {
    let home = Home::new();
    let term = start(&home, &[]);
    let ignored =
        |pid: &str| format!("(( 0x$(awk '/SigIgn/ {{print $2}}' /proc/{pid}/status) >> 21 & 1 ))");
    term.line(&format!(
        "{} && echo shell-ignores; {} || echo command-does-not",
        ignored("$$"),
        ignored("self")
    ));
    term.expect("\ncommand-does-not");
    term.line(&format!(
        "exec nosuch; {} && echo still-$((1+1))",
        ignored("$$")
    ));
    term.expect("\nstill-2");
    assert!(term.screen_text().contains("shell-ignores"));
}

/// A job stopped with Ctrl-Z, resumed with `bg` and killed is listed once, as ended: `jobs`
/// listed it running, and the prompt then as terminated.
#[test]
fn jobs_lists_a_killed_job_once_as_ended() {
    let home = Home::new();
    let term = start(&home, &[]);
    stop_a_sleep(&term, 100);
    term.line("clear; bg; kill %1; sleep 0.5; jobs; echo listed-$((2+3))");
    let screen = term.expect("\nlisted-5");
    assert_eq!(screen.matches("Terminated").count(), 1, "{screen}");
    assert!(!screen.contains("Running"), "{screen}");
}

/// A background job keeps the terminal, as bash's with job control: one that reads it stops
/// until `fg`, which gives it the keys typed (`vim &` then `fg`; it read /dev/null and ended).
/// A job of builtins stops too, rather than take the keys typed at the prompt.
#[test]
fn a_background_job_that_reads_the_terminal_stops_until_fg() {
    let home = Home::new();
    let term = start(&home, &[]);
    for (round, job) in ["cat", "{ read z; echo got-$z; }"].into_iter().enumerate() {
        term.line(&format!("clear; {job} &"));
        term.expect_prompt();
        // The stop is seen as the job's process is reaped: wait for it, for a loaded machine.
        term.line(&format!(
            "for i in $(seq 100); do jobs | grep -q Stopped && break; sleep 0.1; done; \
             jobs; echo listed-$((1+{round}))"
        ));
        let screen = term.expect(&format!("\nlisted-{}", 1 + round));
        assert!(screen.contains("[1]+  Stopped"), "{screen}");
        term.line("fg");
        term.expect_last_line(if round == 0 { "cat" } else { "}" });
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.line("typed-$((3+4))");
        if job == "cat" {
            term.expect("typed-$((3+4))\ntyped-$((3+4))");
            term.send("\x04");
        } else {
            term.expect("got-typed-$((3+4))");
        }
        term.expect_prompt();
    }
}

/// `fg` and `bg` continue every process of the job Ctrl-Z stopped, not only the first: the children
/// of a command and the rest of a pipeline stayed stopped, and `fg` waited for ever.
#[test]
fn fg_and_bg_continue_the_whole_pipeline_and_its_children() {
    let home = Home::new();
    let term = start(&home, &[]);
    for resume in ["fg", "bg"] {
        term.line("sh -c 'sleep 1; echo child-done' | cat");
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.send("\x1a");
        term.expect_prompt();
        term.line(resume);
        term.expect("child-done");
        term.line("wait; echo waited");
        term.expect("\nwaited");
    }
}

/// With a job stopped, the first `exit` only warns, as bash's does; one straight after it exits, and
/// the job, left stopped with no shell, is hung up by the kernel.
#[test]
fn exit_with_a_stopped_job_warns_first_and_exits_when_repeated() {
    let home = Home::new();
    let term = start(&home, &[]);
    stop_a_sleep(&term, 100);
    term.line("jobs -p > \"$HOME/job.pid\"; exit 3");
    term.expect_count("There are stopped jobs.", 1);
    term.expect_prompt();
    // A command in between: the next `exit` warns again.
    term.line("echo status=$?");
    term.expect("status=1");
    term.line("exit 3");
    term.expect_count("There are stopped jobs.", 2);
    term.expect_prompt();
    term.line("exit 3");
    assert_eq!(term.wait_exit(), 3);
    let job: i32 = std::fs::read_to_string(home.path().join("job.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    eventually("the stopped job to be hung up", || !alive(job));
}

/// History references typed at the prompt are expanded as bash expands them, and the line run is
/// shown first; a reference to nothing is named and the line is not run.
#[test]
fn history_references_run_the_lines_they_name() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo hi-$((40+2)) there");
    term.expect("\nhi-42 there\n");
    term.line("!!");
    term.expect_count("\nhi-42 there\n", 2);
    term.expect("\necho hi-$((40+2)) there\n");
    term.line("echo !$ again");
    term.expect("\nthere again\n");
    term.line("^again^and again");
    term.expect("\nthere and again\n");
    term.line("!nosuch; echo ran");
    term.expect("!nosuch: event not found");
    term.expect_prompt();
    term.line("echo '!!' done");
    term.expect("\n!! done\n");
    assert!(
        !term.screen_text().contains("\nran"),
        "{}",
        term.screen_text()
    );
    // `\!` in the prompt is the number the next line will have in the history, `\#` that of the
    // command lines this shell has read.
    term.line("PS1='{\\#}[\\!]$ '");
    term.expect("]$ ");
    term.line("history | tail -1");
    term.expect("  history | tail -1\n");
    term.line("true");
    term.expect_count("]$ ", 3);
    let screen = term.screen_text();
    let numbers: Vec<usize> = screen
        .split('[')
        .filter_map(|part| part.split_once("]$ ")?.0.parse().ok())
        .collect();
    assert!(numbers.len() >= 2, "{screen}");
    assert_eq!(numbers[0] + 1, numbers[1], "{screen}");
    let listed = format!("\n{:>5}  history | tail -1\n", numbers[0]);
    assert!(screen.contains(&listed), "{screen}");
    assert!(
        screen.contains("{8}[") && screen.contains("{9}["),
        "{screen}"
    );
}

/// The usual shared history, `PROMPT_COMMAND='history -a; history -c; history -r'`: each line is
/// appended to the file, the history read back from it, and Up recalls the last line. `history -r`
/// and `history -n` were "not yet implemented", said before every prompt, and Up recalled nothing.
#[test]
fn a_history_shared_through_its_file_is_read_back_before_each_prompt() {
    let home = Home::new();
    let term = start_with_rc(
        &home,
        "HISTFILE=$HOME/shared; PROMPT_COMMAND='history -a; history -c; history -r'",
    );
    term.expect_prompt();
    term.line("echo one");
    term.expect("\none\n");
    term.expect_prompt();
    // Another shell appends a line; `history -n` reads only what this one has not read.
    std::fs::OpenOptions::new()
        .append(true)
        .open(home.path().join("shared"))
        .and_then(|mut file| std::io::Write::write_all(&mut file, b"echo from-elsewhere\n"))
        .unwrap();
    term.line("history -n; history");
    term.expect("history -n; history\n");
    term.expect_prompt();
    term.send("\x1b[A");
    term.expect("$ history -n; history");
    term.send("\x15echo two\r");
    term.expect("\ntwo\n");
    term.expect_prompt();
    let screen = term.screen_text();
    assert!(!screen.contains("not yet implemented"), "{screen}");
    assert_eq!(screen.matches("echo from-elsewhere").count(), 1, "{screen}");
    let shared = std::fs::read_to_string(home.path().join("shared")).unwrap();
    assert_eq!(
        shared,
        "echo one\necho from-elsewhere\nhistory -n; history\necho two\n"
    );
}

/// Lines typed while a command runs each run after it, as bash's: the terminal turns their Enter
/// into a newline (Ctrl-J), so they arrive as one burst, and the line editor ran the first and
/// dropped the rest.
#[test]
fn lines_typed_while_a_command_runs_all_run_after_it() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sleep 1");
    std::thread::sleep(std::time::Duration::from_millis(300));
    for n in 1..=3 {
        term.line(&format!("echo ahead-$(({n}+10))"));
    }
    let screen = term.expect("\nahead-13\n");
    assert!(
        screen.contains("\nahead-11\n") && screen.contains("\nahead-12\n"),
        "{screen}"
    );
}

/// Enter in Ctrl-R's search runs the line found, as readline's does; it only put the line in the
/// buffer, and the next line typed was added to it.
#[test]
fn enter_in_the_history_search_runs_the_line_found() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo found-$((40+2))");
    term.expect("\nfound-42\n");
    // On a clear screen, Ctrl-R, then `found` typed into the search.
    let search_for_found = || {
        term.line("clear");
        term.expect_prompt();
        term.send("\x12");
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.send("found");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    search_for_found();
    term.send("\r");
    term.expect("\nfound-42\n");
    term.line("echo next-$((1+1))");
    let screen = term.expect("\nnext-2\n");
    assert!(!screen.contains("))echo next"), "{screen}");
    // A key that is not the search's ends it with the line found and acts on it, as readline's:
    // Ctrl-A went nowhere (the line was emptied), Esc emptied it. The second search finds the
    // line the first ran.
    for (key, then, shown) in [
        ("\x01", "X=1 ", "$ X=1 echo found"),
        ("\x1b", "", "$ X=1 echo found"),
    ] {
        search_for_found();
        term.send(key);
        std::thread::sleep(std::time::Duration::from_millis(300));
        term.send(then);
        term.expect(shown);
        term.send("\r");
        term.expect("\nfound-42\n");
    }
}

/// A command typed over several lines is kept as one line that means the same, as bash's `cmdhist`
/// keeps it, so the next session recalls it whole; it was kept with its newlines, and the next
/// session read `do` and `done` as entries of their own. A newline in quotes stays.
#[test]
fn a_command_typed_over_several_lines_is_kept_as_one_line() {
    let home = Home::new();
    let term = start(&home, &[]);
    for lines in [
        &["for i in 1 2", "do", "echo round-$i", "done"][..],
        &["echo a |", "tr a b"],
        &["echo \"x", "y\""],
    ] {
        for line in lines {
            term.line(line);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        term.expect_prompt();
    }
    term.expect("round-2");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    let history = std::fs::read_to_string(home.path().join("state/history")).unwrap();
    assert_eq!(
        history,
        "for i in 1 2; do echo round-$i; done\necho a | tr a b\necho \"x\ny\"\nexit\n"
    );
}

/// `set +o history` keeps the lines after it out of the history and its file, as bash does (the
/// usual way to type a secret); the line that turns it on again is read while it is off.
#[test]
fn set_plus_o_history_keeps_lines_out_of_the_history() {
    let home = Home::new();
    let term = start(&home, &[]);
    for (line, shown) in [
        ("set +o history; echo off", "\noff"),
        ("echo secret-value", "\nsecret-value"),
        ("set -o history; echo on", "\non"),
    ] {
        term.line(line);
        term.expect(shown);
        term.expect_prompt();
    }
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    let history = std::fs::read_to_string(home.path().join("state/history")).unwrap();
    assert_eq!(history, "set +o history; echo off\nexit\n");
}

/// `HISTCONTROL`, `HISTIGNORE` and `HISTSIZE` decide what the history keeps, as in bash: a line
/// led by a space, a repeat of the line before, a line a pattern matches; at most `HISTSIZE`
/// lines, and `HISTFILESIZE` in the file.
#[test]
fn the_history_keeps_what_histcontrol_histignore_and_histsize_let_it() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line(
        "HISTCONTROL=ignoreboth:erasedups HISTIGNORE='echo skip*' HISTSIZE=4 \
         HISTFILE=$HOME/kept HISTFILESIZE=2",
    );
    term.expect("HISTFILESIZE=2\n$");
    // Each line's output is waited for before the next is typed: the prompt alone may be the
    // one before it.
    let mut shown: Vec<&str> = vec![];
    for line in [
        "echo one",
        " echo hidden",
        "echo two",
        "echo two",
        "echo skip me",
        "echo one",
        "echo three",
    ] {
        term.line(line);
        let output = line.trim_start().trim_start_matches("echo ");
        shown.push(output);
        let times = shown.iter().filter(|&&earlier| earlier == output).count();
        term.expect_count(&format!("\n{output}\n"), times);
        term.expect_prompt();
    }
    term.line("history");
    term.expect("  history\n");
    let screen = term.screen_text();
    let listed: Vec<&str> = screen
        .lines()
        .skip_while(|line| !line.ends_with("$ history"))
        .skip(1)
        .filter_map(|line| {
            line.trim_start()
                .split_once("  ")
                .map(|(_, command)| command)
        })
        .collect();
    assert_eq!(
        listed,
        ["echo two", "echo one", "echo three", "history"],
        "{screen}"
    );
    // The file keeps its last `HISTFILESIZE` lines.
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    let kept = std::fs::read_to_string(home.path().join("kept")).unwrap();
    assert_eq!(kept, "history\nexit\n");
    // As bash makes it, the file is its owner's alone: a command line can hold a secret.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(home.path().join("kept"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

/// A prompt that cannot be expanded is reported and a plain one shown; the session goes on (it
/// ended). A date in it is written with any format.
#[test]
fn a_prompt_that_cannot_be_expanded_is_reported_and_the_shell_goes_on() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("PS1='${nosuch:?no prompt here} $ '");
    term.expect("nosuch: no prompt here");
    term.line("echo still-$((20+1))");
    term.expect("\nstill-21\n");
    term.line("PS1='ok> '");
    term.expect("ok> ");
    // A date format chrono does not know is written as it stands, as glibc's strftime writes
    // it (chrono panicked).
    term.line("PS1='\\D{%Q}|\\D{%%}> '");
    term.expect("%Q|%>");
    term.line("exit 4");
    assert_eq!(term.wait_exit(), 4);
}

/// Starts `sleep SECONDS` in the foreground and stops it with Ctrl-Z.
fn stop_a_sleep(term: &Terminal, seconds: u32) {
    term.line(&format!("sleep {seconds}"));
    term.expect(&format!("$ sleep {seconds}"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x1a");
    term.expect("Stopped");
    term.expect_prompt();
}

/// Starts `sleep SECONDS` in the foreground, stops it with Ctrl-Z, resumes it with `bg`, and returns its
/// pid.
fn background_sleep(term: &Terminal, home: &Home, seconds: u32) -> i32 {
    stop_a_sleep(term, seconds);
    term.line("bg; jobs -p > \"$HOME/job.pid\"; echo saved");
    term.expect("\nsaved");
    std::fs::read_to_string(home.path().join("job.pid"))
        .unwrap()
        .trim()
        .parse()
        .expect("jobs -p printed the job's pid")
}

#[test]
fn bg_jobs_wait_and_kill_percent() {
    let home = Home::new();
    let term = start(&home, &[]);
    let job = background_sleep(&term, &home, 100);
    assert!(alive(job));
    term.line("jobs");
    term.expect("Running");
    term.line("kill %1; wait; echo waited");
    term.expect("\nwaited");
    assert!(!alive(job), "kill %1 left job {job} running");
    term.line("jobs; echo none-left");
    let screen = term.expect("\nnone-left");
    assert_eq!(screen.matches("Running").count(), 1, "{screen}");
}

#[test]
fn when_the_current_job_ends_the_one_before_becomes_current_and_numbers_are_not_reused() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sleep 0.2 &");
    term.expect("[1]");
    term.line("sleep 100 &");
    term.expect("[2]");
    std::thread::sleep(std::time::Duration::from_millis(500));
    term.line("jobs");
    term.expect("Done");
    term.expect_prompt();
    // Job 1 is gone and job 2 still runs: bash numbers the next job after the highest, not after
    // the table's length.
    term.line("sleep 200 &");
    term.expect("[3]");
    // The current job ends: job 2, the previous one, becomes current, so a bare `fg` finds it.
    term.line("kill %3; wait %3 2>/dev/null; echo killed-3");
    term.expect("\nkilled-3");
    term.expect_prompt();
    term.line("fg");
    term.expect_last_line("sleep 100");
    term.send("\x03");
    term.expect_prompt();
    term.line("jobs; echo jobs-done");
    let screen = term.expect("\njobs-done");
    let after = screen.rsplit("$ jobs; echo jobs-done").next().unwrap();
    assert!(!after.contains("Running"), "{screen}");
}

#[test]
fn an_ampersand_job_has_a_process_group_that_dollar_bang_and_kill_percent_reach() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line(
        "sleep 1000 | cat & echo $! > ~/bang; jobs -p > ~/jobs; echo $$ > ~/shell; echo saved",
    );
    term.expect("\nsaved");
    let read = |name: &str| std::fs::read_to_string(home.path().join(name)).unwrap();
    let pid = |name: &str| -> i32 { read(name).trim().parse().expect("a pid") };
    let bang = pid("bang");
    assert_eq!(
        read("jobs").trim(),
        bang.to_string(),
        "jobs -p and $! differ"
    );
    let pgid = nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(bang))).unwrap();
    assert_eq!(
        pgid.as_raw(),
        bang,
        "the job's first process leads its group"
    );
    assert_ne!(
        pgid,
        nix::unistd::getpgid(Some(nix::unistd::Pid::from_raw(pid("shell")))).unwrap(),
        "the job is not in the shell's group"
    );
    term.line("kill %1; wait; echo waited");
    term.expect("\nwaited");
    // No process of the pipeline is left in the group: kill %1 reached `cat` too.
    eventually(&format!("kill %1 left processes in group {bang}"), || {
        kill(nix::unistd::Pid::from_raw(-bang), None).is_err()
    });
}

/// The state letter of process PID (`T` when stopped), from /proc.
fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// The processes in group PGID, from /proc.
fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                // After the command name: state, parent, group.
                stat.rsplit(')')
                    .next()
                    .and_then(|rest| rest.split_whitespace().nth(2))
                    == Some(pgid.to_string().as_str())
            })
        })
        .collect()
}

#[test]
fn ctrl_z_stops_an_ampersand_job_after_fg_and_bg_and_fg_resume_it() {
    for (command, processes) in [("sleep 1000", 1), ("sleep 1000 | cat", 2)] {
        let shown = command;
        let home = Home::new();
        let term = start(&home, &[]);
        term.line(&format!("{command} & echo $! > ~/bang; echo saved"));
        term.expect("\nsaved");
        let bang: i32 = std::fs::read_to_string(home.path().join("bang"))
            .unwrap()
            .trim()
            .parse()
            .expect("a pid");
        eventually(
            &format!("{command}: {processes} processes in group {bang}"),
            || group_members(bang).len() == processes,
        );
        let members = group_members(bang);
        let all_in = |state: fn(char) -> bool| {
            members
                .iter()
                .all(|&pid| process_state(pid).is_some_and(state))
        };

        term.line("fg");
        // `fg` names the job once the terminal is the job's.
        term.expect_last_line(shown);
        term.send("\x1a");
        term.expect("Stopped");
        term.expect_prompt();
        eventually(
            &format!("{command}: Ctrl-Z left {members:?} running"),
            || all_in(|state| state == 'T'),
        );
        term.line("jobs");
        term.expect_count("Stopped", 2);
        term.expect_prompt();

        term.line("bg; jobs");
        // bash's words: `bg` names the job it continued, and `jobs` pads its state to 24.
        term.expect(&format!("\n[1]+ {command} &\n"));
        term.expect(&format!("[1]+  Running                 {command} &"));
        term.expect_prompt();
        eventually(&format!("{command}: bg left {members:?} stopped"), || {
            all_in(|state| state != 'T')
        });

        term.line("fg");
        term.expect_last_line(shown);
        term.send("\x03");
        term.expect_prompt();
        eventually(&format!("{command}: Ctrl-C left {members:?}"), || {
            !members.iter().any(|&pid| alive(pid))
        });
        term.line("jobs; echo none-left");
        term.expect("$ jobs; echo none-left\nnone-left");
    }
}

#[test]
fn stty_size_and_tput_follow_a_resize() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("stty size");
    term.expect("\n24 80\n");
    term.resize(30, 100);
    std::thread::sleep(std::time::Duration::from_millis(200));
    term.line("stty size; tput cols");
    term.expect("\n30 100\n100\n");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_hang_up_jobs() {
    for (signal, status) in [(Signal::SIGTERM, 143), (Signal::SIGHUP, 129)] {
        let home = Home::new();
        let term = start(&home, &[]);
        let job = background_sleep(&term, &home, 1000);
        assert!(alive(job));
        kill(term.pid, signal).unwrap();
        assert_eq!(term.wait_exit(), status, "exit status after {signal}");
        assert!(
            same_settings(&term.initial_termios, &term.termios()),
            "terminal settings differ after {signal}"
        );
        eventually(&format!("job {job} survived {signal} of its shell"), || {
            !alive(job)
        });
    }
}

#[test]
fn a_login_shell_sources_its_profile() {
    let home = Home::new();
    std::fs::write(home.path().join(".profile"), "echo PROFILE-RAN; PS1='$ '\n").unwrap();
    let term = Terminal::spawn(home.command(&["-l"]), 24, 80);
    term.expect("PROFILE-RAN");
    term.expect_prompt();
    term.line("shopt -q login_shell && echo is-login");
    term.expect("\nis-login");
}

#[test]
fn recorded_steps_have_the_right_frames_and_the_cast_reads_back() {
    let home = Home::new();
    let cast = home.path().join("session.cast");
    let steps = home.path().join("session.steps");
    let term = start(
        &home,
        &[
            "--record",
            cast.to_str().unwrap(),
            "--record-steps",
            steps.to_str().unwrap(),
        ],
    );
    term.line("echo one");
    term.expect("\none\n");
    term.expect_prompt();
    term.line("false");
    term.expect("$ false\n$");
    term.line("printf 'a\\nb\\n'");
    term.expect("\na\nb\n");
    term.expect_prompt();
    term.line("exit");
    assert_eq!(
        term.wait_exit(),
        0,
        "`exit` reports the last command's status (printf's)"
    );

    let read = |path| std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let recorded = kernel_bridge::steps_file::read_steps(read(&steps)).unwrap();
    let actions: Vec<_> = recorded.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["echo one", "false", "printf 'a\\nb\\n'", "exit"]);
    let statuses: Vec<_> = recorded.iter().map(|s| s.exit_status).collect();
    assert_eq!(statuses, [Some(0), Some(1), Some(0), Some(0)]);
    assert_eq!(recorded[0].frame_before.lines[0], "$");
    assert_eq!(
        recorded[0].frame_after.lines[..3],
        ["$ echo one", "one", "$"]
    );
    assert_eq!(recorded[1].frame_before, recorded[0].frame_after);
    assert_eq!(
        recorded[2].frame_after.lines[3..7],
        ["$ printf 'a\\nb\\n'", "a", "b", "$"]
    );
    assert_eq!(recorded[2].frame_after.cursor, (6, 2));
    // The `exit` that ended the session is the last step, with the last screen after it.
    assert_eq!(recorded[3].frame_before, recorded[2].frame_after);
    assert_eq!(recorded[3].frame_after.lines[6..8], ["$ exit", "exit"]);

    let replayed = kernel_bridge::asciicast::steps_from_cast(read(&cast)).unwrap();
    assert_eq!(replayed.len(), recorded.len());
    for (replayed, recorded) in replayed.iter().zip(&recorded) {
        assert_eq!(replayed.action, recorded.action);
        assert_eq!(replayed.frame_before, recorded.frame_before);
        assert_eq!(replayed.frame_after, recorded.frame_after);
    }
}

#[test]
fn wait_gets_the_status_of_a_job_the_prompt_already_reported_done() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sh -c 'exit 3' & pid=$!");
    term.expect("[1]");
    std::thread::sleep(std::time::Duration::from_millis(500));
    // The prompt reports the ended job, with its status, and takes it from the table, as bash's
    // does.
    term.line("");
    term.expect("Exit 3");
    term.expect_prompt();
    term.line("wait $pid; echo status=$?; [ $! = $pid ] && echo same-pid");
    term.expect("\nstatus=3\nsame-pid\n");
}

/// `fg` or `bg` of a job that ended while the line ran reports it `Done` and finds no job, as
/// bash's (it was continued, and `fg` failed with `ESRCH: No such process`).
#[test]
fn fg_and_bg_of_a_job_that_ended_report_it_done() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sleep 0.2 &");
    term.expect("[1]");
    term.line("sleep 2; fg %1; echo fg-status=$?");
    term.expect("Done");
    term.expect("fg: %1: no such job");
    term.expect("\nfg-status=1");
    term.line("sleep 0.2 &");
    term.expect("[1]");
    term.line("sleep 2; bg; echo bg-status=$?");
    term.expect("Done");
    term.expect("bg: current: no such job");
    term.expect("\nbg-status=1");
}

#[test]
fn ctrl_c_ends_wait_and_the_job_goes_on() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("sleep 100 & wait; echo not-after-ctrl-c");
    term.expect("[1]");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x03");
    term.expect_prompt();
    term.line("echo status=$?; jobs");
    term.expect("status=130");
    term.expect("Running");
    let screen = term.expect_prompt();
    assert!(!screen.contains("\nnot-after-ctrl-c"), "{screen}");
    term.line("kill %1; wait %1; echo status=$?");
    term.expect("status=143");
}

/// As bash's interactive shell, ncsh keeps `COLUMNS` and `LINES` at the terminal's size, not
/// exported; a value given between resizes stays. A window changed at the prompt is seen by the
/// line typed there (it was seen one command late).
#[test]
fn columns_and_lines_hold_the_terminal_size() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo \"size ${COLUMNS}x$LINES\"; env | grep -c '^COLUMNS='");
    term.expect("size 80x24\n0\n");
    term.expect_prompt();
    term.line("COLUMNS=40");
    term.expect_prompt();
    term.line("echo \"now $COLUMNS\"");
    term.expect("now 40\n");
    term.expect_prompt();
    // The line editor repaints after a resize; a line typed before that could be painted over.
    term.resize(30, 100);
    std::thread::sleep(std::time::Duration::from_millis(200));
    term.line("echo \"resized ${COLUMNS}x$LINES\"");
    term.expect("resized 100x30\n");
    term.expect_prompt();
    term.line("readonly COLUMNS; echo done");
    term.expect("done\n");
    term.expect_prompt();
    term.resize(24, 80);
    std::thread::sleep(std::time::Duration::from_millis(200));
    term.line("echo \"still $COLUMNS\"");
    term.expect("COLUMNS: readonly variable");
    term.expect("still 100\n");
}

/// `select` at the prompt shows its menu and `PS3` on the terminal and reads the answer from it.
#[test]
fn select_asks_on_the_terminal() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("PS3='pick: '; select x in red green; do echo \"got $x\"; break; done");
    term.expect("1) red\n2) green\npick:");
    term.line("2");
    term.expect("got green\n");
    term.expect_prompt();
}

/// Without a `HISTFILE` of the user's, history is kept in ncsh's state directory (not brush's
/// `~/.brush_history`) and read back by the next session.
#[test]
fn history_is_kept_in_the_state_directory_across_sessions() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo first-session");
    term.expect("first-session\n");
    term.expect_prompt();
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
    assert!(!home.path().join(".brush_history").exists());

    let term = start(&home, &[]);
    term.line("history | grep -c 'echo first-session$'; echo \"file ${HISTFILE##*/}\"");
    term.expect("1\nfile history\n");
}

/// A hang-up (the window closed, the connection lost) saves the session's history, as bash's does:
/// it was written only at `exit`. SIGQUIT (Ctrl-\\ while the shell runs a loop or waits) does not
/// end an interactive shell, as in bash; it ended the login shell.
#[test]
fn a_hang_up_saves_history_and_sigquit_leaves_the_shell() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("kill -QUIT $$; echo still-here");
    term.expect("\nstill-here");
    term.line("echo $$ > \"$HOME/shell.pid\"; echo before-hang-up");
    term.expect("\nbefore-hang-up");
    term.expect_prompt();
    let pid: i32 = std::fs::read_to_string(home.path().join("shell.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGHUP,
    )
    .unwrap();
    term.wait_exit();
    let history = std::fs::read_to_string(home.path().join("state/history")).unwrap_or_default();
    assert!(
        history.contains("echo before-hang-up") && history.contains("kill -QUIT"),
        "{history}"
    );
}

/// A state directory that cannot be used (a file where it should be, a directory where the history
/// should be) is said as the session starts, and the session runs: history and logs were lost
/// without a word.
#[test]
fn an_unusable_state_directory_is_said_as_the_session_starts() {
    for (made, said) in [
        ("state", "the state directory"),
        ("state/history", "cannot write the history file"),
    ] {
        let home = Home::new();
        if made == "state" {
            std::fs::write(home.path().join(made), "a file\n").unwrap();
        } else {
            std::fs::create_dir_all(home.path().join(made)).unwrap();
        }
        let term = start(&home, &[]);
        // The message is wider than the screen.
        let screen = term.screen_text().replace('\n', "");
        assert!(
            screen.contains(said) && screen.contains("history and log are not kept"),
            "{screen}"
        );
        term.line("echo still-$((1+1))");
        term.expect("\nstill-2");
    }
}

/// `PS0` is written after a line is read and before it runs; a login shell says `logout` as it
/// ends and runs `~/.bash_logout`, as bash does.
#[test]
fn ps0_is_shown_and_a_login_shell_runs_its_logout_file() {
    let home = Home::new();
    std::fs::write(
        home.path().join(".bash_logout"),
        "echo bye > \"$HOME/left\"\n",
    )
    .unwrap();
    let term = start(&home, &["--login", "--noprofile"]);
    term.line("PS0='<ps0>'");
    term.expect_prompt();
    term.line("echo ran");
    term.expect("<ps0>ran\n");
    term.expect_prompt();
    // PS0's `\#` is the number of the command it comes before, as PS1's was (it was one more).
    term.line("PS1='[\\#]$ '; PS0='<\\#>'");
    term.expect("\n[4]$");
    term.line("echo again");
    term.expect("<4>again\n");
    term.line("exit 4");
    term.expect("logout");
    // The shell's own status, not the logout file's.
    assert_eq!(term.wait_exit(), 4);
    let left = std::fs::read_to_string(home.path().join("left")).unwrap();
    assert_eq!(left, "bye\n");
}

/// The readline lines of many a .bashrc are taken without an error, and bind keys there, as at
/// the prompt (the line editor was made after the startup files ran, so their `bind`s bound
/// nothing: fzf's keys were lost): a variable (`set …`), and bash's history functions, which
/// search the history for lines that begin with what is typed.
#[test]
fn bashrc_bind_lines_are_taken_and_history_search_finds_by_prefix() {
    let home = Home::new();
    let binds = [
        "bind 'set completion-ignore-case on'",
        "bind '\"\\e[B\": history-search-forward'",
        "bind '\"\\C-n\": menu-complete'",
        "bind '\"\\C-t\": history-search-backward'",
        "bind '\"\\C-o\": beginning-of-line'",
    ];
    let lines: Vec<String> = (binds.iter())
        .map(|bind| format!("{bind}; echo \"rc $?\"\n"))
        .collect();
    let term = start_with_rc(&home, &(lines.concat() + "bind -q beginning-of-line\n"));
    term.expect_count("rc 0\n", binds.len());
    term.expect("beginning-of-line can be invoked via");
    term.expect_prompt();
    term.send("cho bound\x0fe\r");
    term.expect("\nbound\n");
    term.expect_prompt();
    term.line("echo first-match");
    term.expect("\nfirst-match\n");
    term.expect_prompt();
    term.line("true; echo second-done");
    term.expect("\nsecond-done\n");
    term.expect_prompt();
    term.send("echo fi\x14");
    // The line being edited, the last on the screen, is the one found.
    term.wait_for("the line found by its prefix", |screen| {
        screen.lines().rev().find(|line| !line.trim().is_empty()) == Some("$ echo first-match")
    });
}

/// A key bound with `bind -x` runs its command with the line being edited in `READLINE_LINE` and
/// the cursor in `READLINE_POINT`, and what it sets them to is the line edited on, as in bash
/// (fzf's Ctrl-T): the command saw them empty, its changes were lost, and it went into the history.
#[test]
fn a_bind_x_command_reads_and_sets_the_line_being_edited() {
    let home = Home::new();
    let term = start_with_rc(
        &home,
        "w() { echo \"[$READLINE_LINE] [$READLINE_POINT]\" > ~/seen; READLINE_LINE=\"echo W${READLINE_LINE}\"; READLINE_POINT=5; }\n\
         bind -x '\"\\C-t\": w'; bind -x '\"\\C-g\": READLINE_POINT=6'\n\
         r() { READLINE_LINE=\"echo replaced\"; READLINE_POINT=13; true; }; bind -x '\"\\C-o\": r'\n",
    );
    term.expect_prompt();
    term.send("abc\x14");
    term.expect("$ echo Wabc");
    term.send("X\r");
    term.expect("\nXWabc\n");
    term.expect_prompt();
    term.line("history 2 | head -1 | grep -c bind");
    term.expect("\n0\n");
    let seen = std::fs::read_to_string(home.path().join("seen")).unwrap();
    assert_eq!(seen, "[abc] [3]\n");
    // The point counts characters, as bash's (a byte offset inside `é` ended the shell), and the
    // whole line is replaced, each of its lines; `$?` stays the last line's.
    term.send("echo éé\x07");
    term.expect("$ echo éé");
    term.send("X\r");
    term.expect("\néXé\n");
    term.expect_prompt();
    term.send("echo \"a\rb\x01\x0f");
    term.expect("$ echo replaced");
    term.send("\r");
    term.expect("\nreplaced\n");
    term.expect_prompt();
    term.line("false");
    term.expect_prompt();
    term.send("\x07");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("echo status=$?\r");
    term.expect("\nstatus=1\n");
}

/// Alt-. puts in the last word of the line before, quoted as typed, and Ctrl-W cuts to the blank
/// before, as bash's keys do: Alt-. did nothing, and Ctrl-W stopped at a `/`.
#[test]
fn alt_dot_inserts_the_last_argument_and_ctrl_w_cuts_to_the_blank() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("echo one \"two three\"");
    term.expect("\none two three\n");
    term.expect_prompt();
    term.send("echo new \x1b.");
    term.expect("$ echo new \"two three\"");
    term.send("\r");
    term.expect("\nnew two three\n");
    term.expect_prompt();
    // Pressed again straight after, it takes the word from one line further back.
    term.line("echo last");
    term.expect("\nlast\n");
    term.expect_prompt();
    term.send("echo back ");
    term.send("\x1b.");
    term.expect("$ echo back last");
    term.send("\x1b.");
    term.expect_last_line("$ echo back \"two three\"");
    term.send("\r");
    term.expect("\nback two three\n");
    term.expect_prompt();
    term.send("echo kept /usr/local/bin\x17");
    term.expect_last_line("$ echo kept");
    term.send("\r");
    term.expect("\nkept\n");
}

/// `PROMPT_COMMAND` and a DEBUG trap leave `$_` and `PIPESTATUS` as the line before left them,
/// as in bash (`mkdir d` then `cd $_` went to the prompt command's last word; a prompt that shows
/// a pipeline's statuses, starship's or bash-preexec's, showed `0`).
#[test]
fn the_prompt_command_and_a_debug_trap_keep_the_last_argument_and_pipestatus() {
    let home = Home::new();
    let term = start_with_rc(&home, "PROMPT_COMMAND='true pcarg | true'\n");
    term.expect_prompt();
    term.line("echo ran-1; true | false | true");
    term.expect("\nran-1\n");
    term.expect_prompt();
    term.line("echo \"ps=${PIPESTATUS[*]}\"");
    term.expect("\nps=0 1 0\n");
    term.expect_prompt();
    term.line("echo a b");
    term.expect("\na b\n");
    term.expect_prompt();
    term.line("echo \"us=$_\"");
    term.expect("\nus=b\n");
    term.expect_prompt();
    term.line("trap ': dbgarg' DEBUG; echo ran-2; true | false | true");
    term.expect("\nran-2\n");
    term.expect_prompt();
    term.line("echo \"ps=${PIPESTATUS[*]}\"");
    term.expect("\nps=0 1 0\n");
    term.expect_prompt();
    term.line("true | false; echo \"ps=${PIPESTATUS[*]}\"");
    term.expect("\nps=0 1\n");
}

/// `complete -o dirnames` completes directories only where the spec's function gave nothing, as
/// bash's (fzf's `cd **<Tab>` showed a menu of its pick and every directory), with their `/`;
/// `-o default` after it completes files.
#[test]
fn dirnames_completes_directories_only_where_the_function_gave_nothing() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join("qdir")).unwrap();
    std::fs::write(home.path().join("qfile"), "").unwrap();
    let term = start_with_rc(
        &home,
        "cd; _c() { COMPREPLY=(\"zzz/\"); }; _n() { COMPREPLY=(); }\n\
         complete -o nospace -o dirnames -F _c c1; complete -o dirnames -F _n c2\n\
         complete -o dirnames -o default -F _n c3\n",
    );
    term.expect_prompt();
    term.send("c1 q\t");
    term.expect("$ c1 zzz/");
    term.send("\x15c2 q\t");
    term.expect("$ c2 qdir/");
    term.send("\x15c3 qf\t");
    term.expect("$ c3 qfile");
}

/// A key bound to a macro types its text and does what its keys are bound to, as readline's (it
/// was kept, and did nothing): `"\C-o": "macro"` types `macro`, and a macro of Ctrl-A, text,
/// Ctrl-E and Ctrl-M edits the line and runs it.
#[test]
fn a_key_bound_to_a_macro_types_its_keys() {
    let home = Home::new();
    let term = start_with_rc(
        &home,
        "bind '\"\\C-o\": \"macro\"'\nbind '\"\\C-y\": \"\\C-aecho \\C-e!\\C-m\"'\n",
    );
    term.expect_prompt();
    term.send("echo x\x0f\r");
    term.expect("\nxmacro\n");
    term.expect_prompt();
    term.send("hi\x19");
    term.expect("\nhi!\n");
}

/// A directory completed under `~` keeps its `~/` and gets its `/`, as in bash; so does a path
/// under a variable (`$HOME/` became the expanded path, and then `\$HOME/`), with the rest quoted,
/// in the quotes it was typed in.
#[test]
fn a_directory_under_home_completes_with_its_tilde_and_slash() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join("dir1/sub")).unwrap();
    std::fs::create_dir_all(home.path().join("My Dir")).unwrap();
    std::fs::write(home.path().join("My Dir/file one"), "").unwrap();
    let term = start(&home, &[]);
    term.send("cd ~/dir1/s\t");
    term.expect("$ cd ~/dir1/sub/");
    term.send("\x15echo $HOME/di\t");
    term.expect("$ echo $HOME/dir1/");
    term.send("\x15echo $HOME/My\t");
    term.expect("$ echo $HOME/My\\ Dir/");
    term.send("f\t");
    term.expect("$ echo $HOME/My\\ Dir/file\\ one");
    // After an opening quote, the rest goes on in those quotes, left open after a directory.
    term.send("\x15echo \"$HOME/My\t");
    term.expect("$ echo \"$HOME/My Dir/");
    term.send("f\t");
    term.expect("$ echo \"$HOME/My Dir/file one\"");
    term.send("\x15echo '$HOME/di\t");
    term.expect("$ echo '$HOME/dir1/");
}

/// Tab completes the word in the command the cursor is in, as bash: after `|`, `&&` or `;`, and
/// past the assignments before a command, the completion of that command runs, with
/// `COMP_WORDS` and `COMP_CWORD` of that command alone (the line's first word chose it, so `echo
/// hi | git che` completed nothing). After a word break that is not a blank (`opt=`, `host:`) the
/// completion is added after it; the break was replaced by it.
#[test]
fn completion_completes_the_command_the_cursor_is_in() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line(r#"_dbg() { COMPREPLY=("w${COMP_CWORD}x${#COMP_WORDS[@]}${2:-_}${3}"); }; complete -F _dbg dbg"#);
    term.expect_prompt();
    for (typed, completed) in [
        ("echo hi | dbg a", "echo hi | dbg w1x2adbg"),
        ("X=1 dbg a", "X=1 dbg w1x2adbg"),
        ("cd /tmp && dbg a b", "cd /tmp && dbg a w2x3ba"),
        ("dbg opt=", "dbg opt=w2x3_opt"),
        ("true; dbg host:", "true; dbg host:w2x3_host"),
    ] {
        term.send(&format!("{typed}\t"));
        term.expect(&format!("$ {completed}"));
        // Ctrl-E, Ctrl-U: the line is emptied for the next.
        term.send("\x05\x15");
        term.wait_for("an empty line", |screen| {
            screen.lines().rev().find(|line| !line.trim().is_empty()) == Some("$")
        });
    }
}

/// `compopt` in a completion function acts after a `compgen` there, as bash's: the `compgen`
/// ended the completion in flight, so `compopt` failed over the prompt and `nospace` was lost.
#[test]
fn compopt_acts_after_a_compgen_in_the_completion_function() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line(
        r#"_f() { compgen -W x -- x >/dev/null; compopt -o nospace; echo "rc=$?" > ~/co; COMPREPLY=(abc); }; complete -F _f foo"#,
    );
    term.expect_prompt();
    term.send("foo a\t");
    term.expect("$ foo abc");
    term.send("Z");
    let screen = term.expect("$ foo abcZ");
    assert!(!screen.contains("not currently executing"), "{screen}");
    let said = std::fs::read_to_string(home.path().join("co")).unwrap();
    assert_eq!(said, "rc=0\n");
}

/// Tab first fills in what the candidates have in common, as readline does: `echo ~/di` with
/// `dir1/` and `dir2/` becomes `echo ~/dir` (the line stayed as it was, under a menu).
#[test]
fn tab_fills_in_what_the_candidates_have_in_common() {
    let home = Home::new();
    for dir in ["dir1", "dir2"] {
        std::fs::create_dir(home.path().join(dir)).unwrap();
    }
    let term = start(&home, &[]);
    term.send("echo ~/di\t");
    term.expect("$ echo ~/dir");
}

/// After Tab lists the candidates, Enter runs the line as typed, as bash's; it took the first
/// candidate and ran nothing. A candidate chosen with Tab again is taken by Enter.
#[test]
fn enter_after_tab_runs_the_line_as_typed_unless_a_candidate_was_chosen() {
    let home = Home::new();
    for file in ["foo.txt", "foo.md", "fob.c"] {
        std::fs::write(home.path().join(file), "").unwrap();
    }
    let term = start(&home, &[]);
    term.line("cd ~ && clear");
    term.expect_prompt();
    term.send("echo fo\t");
    term.expect("foo.txt");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\r");
    term.expect("\nfo\n");
    term.expect_prompt();
    term.send("echo fo\t");
    term.expect("foo.txt");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\t");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\r");
    let taken = |screen: &str| {
        ["fob.c", "foo.md", "foo.txt"].into_iter().find(|f| {
            screen
                .lines()
                .any(|l| l.trim_end() == format!("$ echo {f}"))
        })
    };
    term.wait_for("a candidate taken", |screen| taken(screen).is_some());
    let chosen = taken(&term.frame().lines.join("\n")).unwrap().to_string();
    term.send("\r");
    term.expect(&format!("\n{chosen}\n"));
    // No candidate opens no menu (an empty one said "NO RECORDS FOUND" under the line).
    term.send("echo zzqq\t");
    term.expect("$ echo zzqq");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let screen = term.frame().lines.join("\n");
    assert!(!screen.contains("NO RECORDS"), "{screen}");
    term.send("\r");
    term.expect("\nzzqq\n");
}

/// `~/.inputrc` is read as the shell starts, as readline reads it: `set completion-ignore-case on`
/// completes `~/al` to `~/Alpha.txt`, and `set editing-mode vi` under `$if Bash` turns vi mode on
/// (each line of it was ignored), while a line under another `$if` is passed over.
#[test]
fn the_inputrc_sets_readline_variables() {
    let home = Home::new();
    std::fs::write(home.path().join("Alpha.txt"), "").unwrap();
    std::fs::write(
        home.path().join(".inputrc"),
        "# the user's\n$include /nonexistent\nset completion-ignore-case on\n\
         $if mode=vi\nset completion-ignore-case off\n$endif\n$if Bash\nset editing-mode vi\n$endif\n",
    )
    .unwrap();
    let term = start(&home, &[]);
    term.line("set -o | grep -E '^(vi|emacs) ' | tr -s ' \\t' ' '; echo listed");
    term.expect("\nemacs off\nvi on\nlisted\n");
    term.expect_prompt();
    term.send("cat ~/al\t");
    term.expect("$ cat ~/Alpha.txt");
    // An init file that a startup file names (`export INPUTRC=…`) is read after it.
    let other = Home::new();
    std::fs::write(other.path().join("Beta.txt"), "").unwrap();
    std::fs::write(
        other.path().join("custom"),
        "set completion-ignore-case on\n",
    )
    .unwrap();
    let term = start_with_rc(&other, "export INPUTRC=~/custom\n");
    term.expect_prompt();
    term.send("cat ~/be\t");
    term.expect("$ cat ~/Beta.txt");
}

/// An EXIT trap set by a startup file leaves the interactive shell's own handling of SIGTERM and
/// Ctrl-C alone: the shell lives on (a script's EXIT trap runs as a signal ends the script; at one
/// point it ended the interactive shell too).
#[test]
fn an_exit_trap_in_a_startup_file_does_not_end_the_session_on_a_signal() {
    let home = Home::new();
    let term = start_with_rc(&home, "trap 'echo EXITTRAP' EXIT\n");
    term.expect_prompt();
    term.line("kill -TERM $$; echo alive");
    term.expect("alive\n");
    term.expect_prompt();
    term.line("sleep 5");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("\x03");
    term.line("echo again");
    term.expect("again\n");
    assert!(
        !term.screen_text().contains("EXITTRAP"),
        "{}",
        term.screen_text()
    );
}

/// `set -o vi` edits the line with vi's keys, and `set -o emacs` goes back, one mode at a time,
/// as in bash: `set -o vi` did nothing, and listed both modes on.
#[test]
fn set_o_vi_edits_with_vis_keys() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("set -o vi; set -o | grep -E '^(vi|emacs) ' | tr -s ' \\t' ' '; echo listed");
    term.expect("\nemacs off\nvi on\nlisted\n");
    term.expect_prompt();
    // In insert mode; Escape, then `0` to the start, `w` a word on, `D` to delete to the end.
    term.send("echo abcd");
    term.expect("$ echo abcd");
    // A pause after Escape, as a person's: an Escape and a key read together are Alt and the key.
    term.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    term.send("0wD");
    term.send("ixyz\r");
    term.expect("\nxyz\n");
    term.expect_prompt();
    term.line("set -o emacs; set -o | grep -E '^(vi|emacs) ' | tr -s ' \\t' ' '; echo again");
    term.expect("\nemacs on\nvi off\nagain\n");
    term.expect_prompt();
    // Emacs keys again: Ctrl-A to the start of the line.
    term.send("cho back\x01e\r");
    term.expect("\nback\n");
}

/// With `IGNOREEOF` (or `set -o ignoreeof`) a Ctrl-D at the prompt reminds the user how to leave,
/// as many times as it says, then ends the shell, as bash's: it ended the shell at once.
#[test]
fn ignoreeof_answers_ctrl_d_with_a_reminder() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("IGNOREEOF=2; echo set");
    term.expect("\nset\n");
    term.expect_prompt();
    term.send("\x04");
    term.expect_count("Use \"exit\" to leave the shell.", 1);
    term.send("\x04");
    term.expect_count("Use \"exit\" to leave the shell.", 2);
    term.send("\x04");
    assert_eq!(term.wait_exit(), 0);

    let term = start(&home, &[]);
    term.line("set -o ignoreeof; echo on");
    term.expect("\non\n");
    term.expect_prompt();
    term.send("\x04");
    term.expect("Use \"exit\" to leave the shell.");
    term.line("exit 4");
    assert_eq!(term.wait_exit(), 4);
}

/// With `TERM=dumb` (an Emacs shell buffer) no line editor starts, so nothing asks where the
/// cursor is: lines are read as typed, without the notice a mute terminal gets otherwise.
#[test]
fn a_dumb_terminal_reads_lines_as_typed_without_asking_for_the_cursor() {
    let home = Home::new();
    let mut command = home.command(&["--norc"]);
    command.env("TERM", "dumb");
    let term = Terminal::spawn_mute(command, 24, 80);
    term.expect_prompt();
    term.line("echo typed as is");
    term.expect("\ntyped as is\n");
    term.expect_prompt();
    assert!(
        !term.screen_text().contains("did not say where its cursor"),
        "{}",
        term.screen_text()
    );
    term.line("exit 5");
    assert_eq!(term.wait_exit(), 5);
}

/// A job started with `&` is announced as bash announces it, `[1] PID`, with the pid `$!` gives
/// (ncsh wrote `[1]+` and a tab, and for a job of builtins `<pid unknown>`).
#[test]
fn a_background_job_is_announced_with_the_pid_bang_gives() {
    let home = Home::new();
    let term = start(&home, &[]);
    for (n, job) in ["sleep 0.5 &", "{ :; sleep 0.5; } &"]
        .into_iter()
        .enumerate()
    {
        term.line(job);
        term.line("echo \"bang=$!\"");
        // The output's lines, not the command's (`echo "bang=$!"`).
        let screen = term.expect_count("\nbang=", n + 1);
        let prefix = format!("\n[{}] ", n + 1);
        let at = screen.find(&prefix).unwrap_or_else(|| panic!("{screen}")) + prefix.len();
        let announced: String = screen[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(!announced.is_empty(), "{screen}");
        assert!(screen.contains(&format!("bang={announced}\n")), "{screen}");
    }
}

/// With `TMOUT` set, a shell left at its prompt that long logs out, as bash's (it waited for
/// ever); a line typed in time starts the wait again.
#[test]
fn tmout_logs_out_a_shell_left_at_its_prompt() {
    let home = Home::new();
    let term = start(&home, &[]);
    term.line("TMOUT=2; echo set");
    term.expect("\nset\n");
    term.expect_prompt();
    std::thread::sleep(std::time::Duration::from_millis(1200));
    term.line("echo in time");
    term.expect("\nin time\n");
    // Past the first prompt's two seconds, but not the second's.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    assert!(
        !term.screen_text().contains("timed out"),
        "{}",
        term.screen_text()
    );
    term.expect("timed out waiting for input: auto-logout");
    assert_eq!(term.wait_exit(), 0);
}
