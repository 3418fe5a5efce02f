//! The read-run loop: prompt, read a command, run it, report its status. On a terminal it wraps every
//! prompt and command in OSC 133 semantic marks (and the exact command line in OSC 633 `E`), which the
//! host uses to cut the session into steps and terminals use to navigate prompts.
//!
//! brush-interactive has a loop of its own, but it writes marks only inside VS Code and has no hook
//! for them, so ncsh keeps this short one; it follows brush's loop in everything else.

use std::io::{IsTerminal, Write};
use std::path::Path;

use brush_core::ExecutionControlFlow;
use brush_interactive::{InputBackend, InteractivePrompt, ReadResult, ShellError, ShellRef};
use kernel_bridge::Mark;

use crate::wording::Extensions;

/// Reads and runs commands from `input` until end of input or `exit`.
pub async fn run(
    shell: &ShellRef<Extensions>,
    input: &mut impl InputBackend,
) -> Result<(), ShellError> {
    let on_terminal = std::io::stdin().is_terminal();
    let interactive = shell.lock().await.options().interactive;
    let marks =
        interactive && std::io::stdout().is_terminal() && !dumb_terminal(&*shell.lock().await);
    // Job control needs the shell in the terminal's foreground group for the whole session.
    let _terminal = if interactive && on_terminal {
        Some(brush_core::terminal::TerminalControl::acquire()?)
    } else {
        None
    };
    if interactive {
        hang_up_jobs_on_sighup(shell.clone());
        stop_command_lines_on_sigint();
        survive_sigterm_and_sigquit();
    }
    // Commands piped in are a script read line by line: bash's errors there name the line.
    if interactive {
        shell.lock().await.start_interactive_session()?;
    } else {
        shell.lock().await.start_command_string_mode();
    }

    let mut announce_exit = interactive;
    // bash's warning: the first `exit` (or end of input) with stopped jobs only warns; a second one
    // straight after it exits, and the kernel hangs up the jobs it leaves.
    let mut warned_of_stopped_jobs = false;
    // Ctrl-Ds at the prompt in a row, for `ignoreeof`.
    let mut eofs = 0;
    let mut window = None;
    'session: loop {
        let prompt = {
            let mut shell = shell.lock().await;
            shell.check_for_completed_jobs()?;
            if interactive && on_terminal {
                note_window_size(&mut shell, &mut window).await;
            }
            run_prompt_command(&mut shell).await?;
            compose_prompt(&mut shell, marks).await?
        };
        if marks {
            emit(&Mark::PromptStart);
        }
        let warned_just_before = std::mem::take(&mut warned_of_stopped_jobs);
        // A key bound to a command runs it, and the same line is read on.
        let line = loop {
            match input.read_line(shell, crate::stdin_input::prompt_again(&prompt))? {
                ReadResult::Input(line) => break line,
                ReadResult::BoundCommand(command) => {
                    run_bound_command(shell, input, command).await?;
                }
                ReadResult::Eof => {
                    let mut shell = shell.lock().await;
                    if interactive && eofs < eofs_ignored(&shell) {
                        eofs += 1;
                        let leave = if shell.options().login_shell {
                            "logout"
                        } else {
                            "exit"
                        };
                        writeln!(shell.stderr(), "Use \"{leave}\" to leave the shell.")?;
                        continue 'session;
                    }
                    if interactive && !warned_just_before && warn_of_stopped_jobs(&mut shell)? {
                        warned_of_stopped_jobs = true;
                        continue 'session;
                    }
                    break 'session;
                }
                ReadResult::Interrupted => {
                    shell.lock().await.set_last_exit_status(130);
                    continue 'session;
                }
                // `TMOUT` passed with nothing typed: the session ends, as bash's, `ignoreeof` or
                // not.
                ReadResult::TimedOut => break 'session,
            }
        };
        eofs = 0;
        let mut shell = shell.lock().await;
        // Again, for a window changed while the line was typed: `echo $COLUMNS` says the new width.
        if interactive && on_terminal {
            note_window_size(&mut shell, &mut window).await;
        }
        let line = match expand_history(&mut shell, line)? {
            Some(line) => line,
            None => continue,
        };
        if interactive {
            shell.add_to_history(line.trim_end_matches('\n'))?;
        }
        if marks {
            emit(&Mark::CommandLine(line.trim_end_matches('\n').to_owned()));
            emit(&Mark::OutputStart);
        }
        // PS0's `\#` is this command's number, as PS1's was; the count goes on after it.
        if interactive && !line.trim().is_empty() {
            show_ps0(&mut shell).await;
        }
        shell.count_command_line_read();
        let params = shell.default_exec_params();
        let lines = line.lines().count().max(1);
        // A line that is only a job is resumed, and one typed at the prompt that is only
        // arithmetic is calculated (the history and the marks keep it as typed); commands piped
        // in are a script's, as in bash.
        let line = job_resumed(&line)
            .or_else(|| {
                interactive.then_some(())?;
                crate::capabilities::bare_arithmetic(&line, |name| {
                    shell.builtins().contains_key(name)
                        || shell.funcs().get(name).is_some()
                        || shell
                            .find_first_executable_in_path_using_cache(name)
                            .is_some()
                })
            })
            .unwrap_or(line);
        brush_core::interrupt::clear();
        let result = shell
            .run_string(line, &brush_core::SourceInfo::from("main"), &params)
            .await;
        // A Ctrl-C that stopped the line must not stop what runs before the next one: the
        // prompt's command and substitutions, completion functions, the EXIT trap.
        brush_core::interrupt::clear();
        shell.increment_interactive_line_offset(lines);
        let mut exit_shell = match result {
            Ok(result) => matches!(result.next_control_flow, ExecutionControlFlow::ExitShell),
            Err(e) => {
                let _ = shell.display_error(&mut shell.stderr(), &e);
                false
            }
        };
        if exit_shell && interactive && !warned_just_before && warn_of_stopped_jobs(&mut shell)? {
            warned_of_stopped_jobs = true;
            exit_shell = false;
            shell.set_last_exit_status(1);
        }
        if marks {
            emit(&Mark::Finished(Some(i32::from(shell.last_exit_status()))));
        }
        if exit_shell {
            break;
        }
        if shell.options().exit_after_one_command {
            announce_exit = false;
            break;
        }
    }

    let mut shell = shell.lock().await;
    if interactive {
        shell.end_interactive_session()?;
    } else {
        shell.end_command_string_mode()?;
    }
    let login = shell.options().login_shell;
    if announce_exit {
        writeln!(shell.stderr(), "{}", if login { "logout" } else { "exit" })?;
    }
    if interactive && login {
        // The shell ends with its own status, not the logout file's.
        let status = shell.last_exit_status();
        run_logout_file(&mut shell).await;
        shell.set_last_exit_status(status);
    }
    if let Err(e) = shell.save_history() {
        tracing::debug!("could not save history: {e}");
    }
    shell.on_exit().await?;
    Ok(())
}

/// For a line that is only a job (`%1`, `%%`, `%-`, `%vim`), the line that resumes it: `fg`, or
/// `bg` where it ends with `&`, as bash runs it (`%1` went to calc, `%%` was not found).
fn job_resumed(line: &str) -> Option<String> {
    let line = line.trim();
    let (job, resume) = match line.strip_suffix('&') {
        Some(job) if !job.ends_with('&') => (job.trim_end(), "bg"),
        _ => (line, "fg"),
    };
    let plain = |c: char| c.is_alphanumeric() || "%+-?._/".contains(c);
    (job.starts_with('%') && job.chars().all(plain)).then(|| format!("{resume} '{job}'"))
}

/// The history's lines, oldest first.
fn history_lines(shell: &brush_core::Shell<Extensions>) -> Vec<String> {
    shell
        .history()
        .map(|history| {
            history
                .iter()
                .map(|item| item.command_line.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The line with its history references (`!!`, `!$`, `^old^new`) expanded, as bash's interactive
/// shell expands them, and shown when they were; `None` when it is not to run: a reference that
/// names nothing (said, as bash says it), or `:p`, which only shows it and keeps it.
fn expand_history(
    shell: &mut brush_core::Shell<Extensions>,
    line: String,
) -> Result<Option<String>, ShellError> {
    let may_refer = line.contains('!') || line.starts_with('^');
    if !may_refer
        || !shell.options().interactive
        || !shell.options().enable_bang_style_history_substitution
    {
        return Ok(Some(line));
    }
    match crate::history_expansion::expand(&line, &history_lines(shell)) {
        Ok(None) => Ok(Some(line)),
        Ok(Some(expanded)) => {
            writeln!(shell.stderr(), "{}", expanded.line.trim_end_matches('\n'))?;
            if expanded.print_only {
                shell.add_to_history(expanded.line.trim_end_matches('\n'))?;
                return Ok(None);
            }
            Ok(Some(expanded.line))
        }
        Err(message) => {
            writeln!(
                shell.stderr(),
                "{}: {message}",
                crate::wording::shell_name(shell)
            )?;
            Ok(None)
        }
    }
}

/// Says `There are stopped jobs.`, as bash does, when there are; whether it did.
fn warn_of_stopped_jobs(shell: &mut brush_core::Shell<Extensions>) -> Result<bool, ShellError> {
    let stopped = shell
        .jobs()
        .jobs
        .iter()
        .any(brush_core::jobs::Job::is_stopped);
    if stopped {
        writeln!(shell.stderr(), "There are stopped jobs.")?;
    }
    Ok(stopped)
}

async fn compose_prompt(
    shell: &mut brush_core::Shell<Extensions>,
    marks: bool,
) -> Result<InteractivePrompt, ShellError> {
    let prompt = shell.compose_prompt().await;
    let mut prompt = or_reported(shell, prompt, "PS1");
    if marks {
        // Inside the prompt string, so that the line editor draws it at the exact end of the prompt
        // every time it repaints.
        prompt.push_str(&Mark::InputStart.to_osc());
    }
    let alt_side_prompt = shell.compose_alt_side_prompt().await;
    let continuation_prompt = shell.compose_continuation_prompt().await;
    Ok(InteractivePrompt {
        prompt,
        alt_side_prompt: or_reported(shell, alt_side_prompt, "BRUSH_PS_ALT"),
        continuation_prompt: or_reported(shell, continuation_prompt, "PS2"),
    })
}

/// A prompt that could not be expanded (`PS1='${u:?}'`) is reported, and the variable's text
/// shown as it is, as bash shows it: the shell goes on. It ended the session.
fn or_reported(
    shell: &mut brush_core::Shell<Extensions>,
    prompt: Result<String, brush_core::Error>,
    variable: &str,
) -> String {
    prompt.unwrap_or_else(|error| {
        let _ = shell.display_error(&mut shell.stderr(), &error);
        shell
            .env_str(variable)
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default()
    })
}

/// Writes `PS0`, expanded, after a command line is read and before it runs, as bash does.
async fn show_ps0(shell: &mut brush_core::Shell<Extensions>) {
    let ps0 = shell.compose_precmd_prompt().await;
    let ps0 = or_reported(shell, ps0, "PS0");
    if !ps0.is_empty() {
        let mut stderr = shell.stderr();
        let _ = write!(stderr, "{ps0}");
        let _ = stderr.flush();
    }
}

/// Sources `~/.bash_logout` as a login shell ends, as bash does; its errors are shown, and the
/// shell ends all the same.
async fn run_logout_file(shell: &mut brush_core::Shell<Extensions>) {
    let Some(file) =
        (shell.env_str("HOME")).map(|home| Path::new(home.as_ref()).join(".bash_logout"))
    else {
        return;
    };
    if !file.is_file() {
        return;
    }
    let params = shell.default_exec_params();
    if let Err(error) = shell
        .source_script(&file, std::iter::empty::<String>(), &params)
        .await
    {
        let _ = shell.display_error(&mut shell.stderr(), &error);
    }
}

/// Sets `LINES` and `COLUMNS` to the terminal's size when it is not `last` (before each prompt and
/// after each line is read, where the window changed), as bash's interactive shell does; between
/// changes, a value the user gave them stays. They are not exported, as in bash. A readonly one is
/// said, as bash says it, and the session goes on.
async fn note_window_size(
    shell: &mut brush_core::Shell<Extensions>,
    last: &mut Option<kernel_bridge::WindowSize>,
) {
    let Some(size) = kernel_bridge::terminal::window_size(std::io::stdin()) else {
        return;
    };
    if *last == Some(size) {
        return;
    }
    *last = Some(size);
    let params = shell.default_exec_params();
    for (name, value) in [("LINES", size.rows), ("COLUMNS", size.cols)] {
        // The value changes; an export or other attribute the variable has stays.
        let assigned = brush_core::expansion::assign_to_named_parameter(
            shell,
            &params,
            name,
            value.to_string(),
        )
        .await;
        if let Err(error) = assigned {
            let _ = shell.display_error(&mut shell.stderr(), &error);
        }
    }
}

/// Runs `PROMPT_COMMAND` (a string or an array of them) before the prompt, keeping `$?`,
/// `PIPESTATUS` and `$_` as bash keeps them (`mkdir d` then `cd $_` went to the prompt command's
/// last word).
async fn run_prompt_command(shell: &mut brush_core::Shell<Extensions>) -> Result<(), ShellError> {
    let commands: Vec<String> = match shell.env_var("PROMPT_COMMAND").map(|v| v.value()) {
        Some(brush_core::ShellValue::String(command)) => vec![command.clone()],
        Some(brush_core::ShellValue::IndexedArray(values)) => values.values().cloned().collect(),
        _ => return Ok(()),
    };
    let status = shell.last_exit_status();
    let statuses = shell.last_pipeline_statuses().to_vec();
    let last_argument = shell.env_var("_").cloned();
    for command in commands {
        let params = shell.default_exec_params();
        shell
            .run_string(
                command,
                &brush_core::SourceInfo::from("PROMPT_COMMAND"),
                &params,
            )
            .await?;
    }
    *shell.last_pipeline_statuses_mut() = statuses;
    shell.set_last_exit_status(status);
    // A readonly `_` the prompt command could not change either stays as it is.
    if let Some(last_argument) = last_argument {
        let _ = shell.set_env_global("_", last_argument);
    }
    Ok(())
}

/// Runs the command a key is bound to with `bind -x`, as bash's: with the line being edited in
/// `READLINE_LINE` and the cursor in `READLINE_POINT`, which it may change; it is not the line
/// read, so not in the history, and the prompt's command does not run before the line is read on.
async fn run_bound_command(
    shell: &ShellRef<Extensions>,
    input: &mut impl InputBackend,
    command: String,
) -> Result<(), ShellError> {
    let mut shell = shell.lock().await;
    if command.starts_with(brush_interactive::INSERT_LAST_ARGUMENT) {
        insert_last_argument(&shell, input);
        return Ok(());
    }
    // The editor's cursor is a byte offset; `READLINE_POINT` counts characters, as bash's.
    let (line, point) = input.get_read_buffer().unwrap_or_default();
    let characters_before = line.get(..point).map_or(0, |before| before.chars().count());
    shell.set_edit_buffer(line, characters_before)?;
    let status = shell.last_exit_status();
    let params = shell.default_exec_params();
    let result = shell
        .run_string(command, &brush_core::SourceInfo::from("main"), &params)
        .await;
    brush_core::interrupt::clear();
    if let Err(e) = result {
        let _ = shell.display_error(&mut shell.stderr(), &e);
    }
    // `$?` stays the last line's, as bash keeps it.
    shell.set_last_exit_status(status);
    if let Some((line, point)) = shell.pop_edit_buffer()? {
        // A point past the end is the end; one in a character's middle cannot be.
        let offset = line
            .char_indices()
            .nth(point)
            .map_or(line.len(), |(at, _)| at);
        input.set_read_buffer(line, offset);
    }
    Ok(())
}

/// Alt-. (`insert-last-argument`): the last word of the line before, put in at the point, as
/// bash's (`!$`); nothing where there is no line before. Pressed again straight after, it puts the
/// last word of the line before that in place of what it put in, and so on back, as bash's does.
fn insert_last_argument(shell: &brush_core::Shell<Extensions>, input: &mut impl InputBackend) {
    let (mut line, point) = input.get_read_buffer().unwrap_or_default();
    let point = point.min(line.len());
    let mut last_inserted = LAST_INSERTED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (start, back) = match last_inserted.as_ref() {
        Some(last) if last.line == line && last.end == point => (last.start, last.back + 1),
        _ => (point, 1),
    };
    let reference = format!("!-{back}:$");
    let Ok(Some(word)) = crate::history_expansion::expand(&reference, &history_lines(shell)) else {
        return;
    };
    line.replace_range(start..point, &word.line);
    let end = start + word.line.len();
    input.set_read_buffer(line.clone(), end);
    *last_inserted = Some(Inserted {
        line,
        start,
        end,
        back,
    });
}

/// What the last Alt-. put in, for the next press straight after it.
struct Inserted {
    /// The line it left.
    line: String,
    /// Where what it put in starts and ends, in bytes.
    start: usize,
    end: usize,
    /// How many lines back the word was taken from.
    back: usize,
}

static LAST_INSERTED: std::sync::Mutex<Option<Inserted>> = std::sync::Mutex::new(None);

fn emit(mark: &Mark) {
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(mark.to_osc().as_bytes());
    let _ = stdout.flush();
}

/// As bash, an interactive shell does not die of SIGINT: Ctrl-C while the shell itself runs a
/// command (a loop of builtins, a capability) stops the command line instead, through brush-core's
/// interrupt flag. At the prompt the line editor reads Ctrl-C as a key, and a foreground job gets
/// it in a process group of its own.
fn stop_command_lines_on_sigint() {
    brush_core::interrupt::arm();
    let flag = brush_core::interrupt::flag();
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    let registered = unsafe {
        signal_hook_registry::register(nix::libc::SIGINT, move || {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    if let Err(e) = registered {
        tracing::warn!("cannot catch SIGINT; Ctrl-C while a builtin runs ends the shell: {e}");
    }
}

/// As bash, an interactive shell is not ended by SIGTERM (`kill $$`, `kill 0`, now that `kill`
/// sends it by default) nor by SIGQUIT (a Ctrl-\ while the shell runs a loop or waits, which ended
/// the login shell). A handler that does nothing rather than `SIG_IGN`: a command the shell starts
/// gets the default back when it execs, and `trap - TERM` puts this back.
fn survive_sigterm_and_sigquit() {
    for (signal, ends) in [
        (nix::libc::SIGTERM, "`kill $$`"),
        (
            nix::libc::SIGQUIT,
            "Ctrl-\\ while a command of the shell's own runs",
        ),
    ] {
        // SAFETY: the handler does nothing, which is async-signal-safe.
        let registered = unsafe { signal_hook_registry::register(signal, || {}) };
        if let Err(e) = registered {
            tracing::warn!("cannot catch signal {signal}; {ends} ends the shell: {e}");
        }
    }
}

/// When the terminal hangs up, bash sends SIGHUP to every job before it exits, and saves the
/// history; so does ncsh (closing the window lost the session's history). The jobs are found from
/// the session rather than the shell's job table, because the table is locked while a foreground
/// command runs; the history is saved once the shell is free, which a foreground job, hung up too,
/// soon leaves it.
fn hang_up_jobs_on_sighup(shell: ShellRef<Extensions>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        tracing::warn!("cannot watch for SIGHUP; jobs will not be hung up with the terminal");
        return;
    };
    tokio::spawn(async move {
        if hangups.recv().await.is_some() {
            let session = nix::unistd::getsid(None).unwrap_or(nix::unistd::getpid());
            if session == nix::unistd::getpid() {
                kernel_bridge::session::hang_up_jobs(session);
            }
            if let Ok(mut shell) = tokio::time::timeout(HANG_UP_SAVE_WAIT, shell.lock()).await
                && let Err(e) = shell.save_history()
            {
                tracing::debug!("could not save history at hang-up: {e}");
            }
            std::process::exit(128 + nix::libc::SIGHUP);
        }
    });
}

/// How long a hung-up shell waits to save its history.
const HANG_UP_SAVE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Whether the terminal says it is `TERM=dumb` (an Emacs shell buffer, a serial console): it is
/// sent no control sequences, neither the marks nor the line editor's, and lines are read as
/// typed, as bash's readline does without the terminal's abilities.
pub fn dumb_terminal(shell: &brush_core::Shell<Extensions>) -> bool {
    shell.env_str("TERM").as_deref() == Some("dumb")
}

/// How many Ctrl-Ds in a row at the prompt are answered with a reminder before the shell ends, as
/// bash's `IGNOREEOF` says: its number, 10 where it is set to anything else or where `set -o
/// ignoreeof` is on, and none where neither is.
fn eofs_ignored(shell: &brush_core::Shell<Extensions>) -> usize {
    match shell.env_str("IGNOREEOF") {
        Some(value) => value.trim().parse().unwrap_or(10),
        None if shell.options().ignore_eof => 10,
        None => 0,
    }
}
