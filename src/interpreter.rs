//! The interpreter: brush-core, configured from the command line the way bash configures itself, running
//! `-c`, a script, or commands read from standard input.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use brush_core::{ProfileLoadBehavior, RcLoadBehavior};
use brush_interactive::ShellRef;

use crate::cli::Cli;
use crate::stdin_input::{StdinInput, TerminalInput};

type Shell = brush_core::Shell<crate::wording::Extensions>;

/// Runs the shell as the command line says and returns the exit status of its last command.
pub fn run(cli: Cli, argv: Vec<String>, login: bool) -> i32 {
    let interactive =
        cli.interactive || (cli.reads_commands_from_stdin() && std::io::stdin().is_terminal());
    if interactive {
        crate::logging::to_state_file("interpreter");
    } else {
        crate::logging::to_stderr_if_asked();
    }
    brush_core::note_start(interactive);
    if cli.command.is_none()
        && !cli.read_stdin
        && let Some(script) = cli.args.first()
        && let Err(status) = check_script(Path::new(script))
    {
        return status;
    }

    // The line editor waits on the shell from inside blocking sections, which only a multi-threaded
    // runtime allows. A script needs a worker of its own too: a builtin reading a process
    // substitution (`read x < <(echo hi)`, `while read; do …; done < <(seq 3)`) blocks the thread
    // it runs on, and on a single-threaded runtime the substitution, a task, never ran to write.
    //
    // Each `&` job's shell, and each builtin or compound command of a pipeline, runs on a blocking
    // thread of its own (vendor/brush-core/NCSH-PATCH.md); tokio's default of 512 would make the
    // 513th running job wait for a slot.
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .worker_threads(if interactive { 2 } else { 1 })
        .max_blocking_threads(BLOCKING_THREADS);
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ncsh: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let status = runtime.block_on(async move {
        let status = match run_shell(cli, argv, login, interactive).await {
            Ok(status) => status,
            Err(e) => {
                eprintln!("ncsh: {e}");
                1
            }
        };
        // The shell is gone, and with it its ends of the pipes to `>(…)` substitutions, which
        // run in this process: what was written to them is read and passed on before it ends
        // (bash's go on as processes of their own).
        brush_core::process_substitutions_ended(SUBSTITUTIONS_AT_EXIT).await;
        status
    });
    // Not a drop, which waits for every blocking thread: an `&` job whose loop never ends
    // (`while :; do :; done &`) would keep the shell from exiting. bash leaves such a job behind
    // as a process; this one's processes go on, and its shell ends with this process.
    runtime.shutdown_background();
    status
}

/// How long the process waits, as it ends, for `>(…)` substitutions still running: a command that
/// reads to the end of its input (`tee`, `logger`, `gzip`) ends at once; one that does not
/// (`>(sleep 30)`) is left, where bash's shell ends without waiting.
const SUBSTITUTIONS_AT_EXIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Blocking threads the runtime may run at once: as many `&` jobs and pipeline stages as a
/// process table allows, more or less.
const BLOCKING_THREADS: usize = 16_384;

/// bash's answers for a script that cannot be run: 127 when it does not exist, 126 when it cannot be
/// read.
fn check_script(path: &Path) -> Result<(), i32> {
    let name = path.display();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("ncsh: {name}: No such file or directory");
            Err(127)
        }
        Err(e) => {
            eprintln!("ncsh: {name}: {}", without_os_code(&e));
            Err(126)
        }
        Ok(meta) if meta.is_dir() => {
            eprintln!("ncsh: {name}: Is a directory");
            Err(126)
        }
        Ok(_) => std::fs::File::open(path).map(drop).map_err(|e| {
            eprintln!("ncsh: {name}: {}", without_os_code(&e));
            126
        }),
    }
}

/// "Permission denied" rather than "Permission denied (os error 13)", as bash prints it.
fn without_os_code(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

async fn run_shell(
    cli: Cli,
    argv: Vec<String>,
    login: bool,
    interactive: bool,
) -> Result<i32, brush_interactive::ShellError> {
    let shell = Arc::new(tokio::sync::Mutex::new(
        build_shell(&cli, &argv, login, interactive).await?,
    ));
    // The line editor and its keys exist before the startup files run, so that a `bind` in
    // `~/.bashrc` has keys to bind (fzf's and zoxide's were dropped), after `~/.inputrc`, which
    // bash reads when a `bind` first needs its line editor.
    let edits_lines = cli.command.is_none()
        && (cli.read_stdin || cli.args.is_empty())
        && interactive
        && std::io::stdin().is_terminal();
    let input = if edits_lines {
        crate::inputrc::apply(&mut *shell.lock().await);
        Some(terminal_input(&shell).await?)
    } else {
        None
    };
    let inputrc = inputrc_named(&*shell.lock().await);
    load_startup_files(&shell, &cli).await?;
    // A startup file that names another init file (`export INPUTRC=…`) has it read, as bash
    // reads the one named when its line editor starts.
    {
        let mut shell = shell.lock().await;
        if edits_lines && inputrc_named(&shell) != inputrc {
            crate::inputrc::apply(&mut shell);
        }
    }

    if let Some(command) = &cli.command {
        shell
            .lock()
            .await
            .run_dash_c_command(command.clone())
            .await?;
    } else if !cli.read_stdin && !cli.args.is_empty() {
        shell
            .lock()
            .await
            .run_script(Path::new(&cli.args[0]), cli.args.iter().skip(1))
            .await?;
    } else if let Some(mut input) = input {
        crate::builtins::pin::at_session_start(&mut std::io::stderr());
        crate::interactive::run(&shell, &mut input).await?;
    } else {
        crate::interactive::run(&shell, &mut StdinInput { prompts: false }).await?;
    }
    let status = shell.lock().await.last_exit_status();
    Ok(i32::from(status))
}

/// The init file `INPUTRC` names, if any.
fn inputrc_named(shell: &Shell) -> Option<String> {
    shell.env_str("INPUTRC").map(|named| named.into_owned())
}

/// The terminal's input: lines edited, or read plainly where the terminal is dumb.
async fn terminal_input(
    shell: &ShellRef<crate::wording::Extensions>,
) -> Result<TerminalInput, brush_interactive::ShellError> {
    if crate::interactive::dumb_terminal(&*shell.lock().await) {
        return Ok(TerminalInput::Plain(StdinInput { prompts: true }));
    }
    let ui = brush_interactive::UIOptions::default();
    let editor = brush_interactive::ReedlineInputBackend::new(&ui, shell)?;
    Ok(TerminalInput::Editor(Box::new(editor)))
}

async fn build_shell(
    cli: &Cli,
    argv: &[String],
    login: bool,
    interactive: bool,
) -> Result<Shell, brush_interactive::ShellError> {
    let shell_name = match (&cli.command, cli.args.first()) {
        (Some(_), Some(name)) => Some(name.clone()),
        _ => argv.first().cloned(),
    };
    let positional = if cli.command.is_some() {
        Some(cli.args.iter().skip(1).cloned().collect())
    } else if cli.read_stdin {
        Some(cli.args.clone())
    } else {
        None
    };
    let shell = brush_core::Shell::builder_with_extensions::<crate::wording::Extensions>()
        .enable_options(cli.enabled_options())
        .disable_options(cli.named.unset.clone())
        .enable_shopt_options(cli.named.shopt_set.clone())
        .disable_shopt_options(cli.named.shopt_unset.clone())
        .login(login)
        .interactive(interactive)
        .command_string_mode(cli.command.is_some())
        .profile(ProfileLoadBehavior::Skip)
        .rc(RcLoadBehavior::Skip)
        .maybe_shell_args(positional)
        .read_commands_from_stdin(cli.reads_commands_from_stdin())
        .maybe_shell_name(shell_name)
        .shell_product_display_str(format!("ncsh {}", env!("CARGO_PKG_VERSION")))
        .shell_version(env!("CARGO_PKG_VERSION").to_owned())
        .fds(unbuffered_stdin())
        .builtins(bash_builtins())
        .builtins(crate::builtins::all())
        .build()
        .await?;
    Ok(shell)
}

/// The history file in the state directory `dir`, made where it is missing; why not, where the
/// directory or the file cannot be used (a file where the directory should be, a directory where
/// the history should be, no permission).
fn usable_state_dir(dir: &std::path::Path) -> Result<std::path::PathBuf, String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!("the state directory {} is a file", dir.display()));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot use the state directory {}: {e}", dir.display()))?;
    let history = dir.join("history");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&history)
        .map_err(|e| format!("cannot write the history file {}: {e}", history.display()))?;
    Ok(history)
}

/// bash's builtins, with `type` and `command` wrapped to know capabilities.
fn bash_builtins()
-> std::collections::HashMap<String, brush_core::builtins::Registration<crate::wording::Extensions>>
{
    let mut builtins = brush_builtins::default_builtins(brush_builtins::BuiltinSet::BashMode);
    if let (Some(bash_type), Some(bash_command)) =
        (builtins.remove("type"), builtins.remove("command"))
    {
        builtins.extend(crate::capability_type::registrations(
            bash_type,
            bash_command,
        ));
    }
    builtins
}

/// When stdin is a pipe or file, the shell reads it through its own unbuffered handle: std's `Stdin`
/// reads ahead 8 KiB, which would swallow the commands after a `read` (bash reads such input byte by
/// byte, so that commands and the lines they read stay in order).
fn unbuffered_stdin()
-> std::collections::HashMap<brush_core::ShellFd, brush_core::openfiles::OpenFile> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return std::collections::HashMap::new();
    }
    let Ok(fd) = std::os::fd::AsFd::as_fd(&stdin).try_clone_to_owned() else {
        return std::collections::HashMap::new();
    };
    std::collections::HashMap::from([(0, std::fs::File::from(fd).into())])
}

/// Sources the profile and rc files as bash does, after pointing history at ncsh's state directory (a
/// HISTFILE set in those files still wins).
async fn load_startup_files(
    shell: &ShellRef<crate::wording::Extensions>,
    cli: &Cli,
) -> Result<(), brush_interactive::ShellError> {
    let mut shell = shell.lock().await;
    // A relative NCSH_HOME is this shell's, made absolute where it started; the commands it starts
    // (another ncsh after a `cd`) get the same directory, not one below where they run.
    if let Some(home) = crate::paths::ncsh_home()
        && std::env::var_os("NCSH_HOME").is_some_and(|given| given != home.as_os_str())
    {
        let mut home = brush_core::ShellVariable::new(home.to_string_lossy().into_owned());
        home.export();
        shell.set_env_global("NCSH_HOME", home)?;
    }
    if shell.options().interactive
        && shell.env_var("HISTFILE").is_none()
        && let Some(dir) = crate::paths::state_dir()
    {
        match usable_state_dir(&dir) {
            Ok(history) => {
                let history = history.to_string_lossy().into_owned();
                shell.set_env_global("HISTFILE", brush_core::ShellVariable::new(history))?;
            }
            // Said once, as the session starts: the history and the log were lost without a word.
            Err(why) => eprintln!(
                "ncsh: {why}: this session's history and log are not kept; move it away, or set \
                 NCSH_HOME or XDG_STATE_HOME to a directory you can write"
            ),
        }
    }
    let profile = if cli.no_profile {
        ProfileLoadBehavior::Skip
    } else {
        ProfileLoadBehavior::LoadDefault
    };
    let rc = match (&cli.rc_file, cli.no_rc) {
        (_, true) => RcLoadBehavior::Skip,
        (Some(file), false) => RcLoadBehavior::LoadCustom(file.clone()),
        (None, false) => RcLoadBehavior::LoadDefault,
    };
    shell.load_config(&profile, &rc).await?;
    shell.reload_history();
    Ok(())
}
