//! Command execution

use std::{
    borrow::Cow,
    ffi::OsStr,
    fmt::Display,
    io::Write as _,
    path::{Path, PathBuf},
    process::Stdio,
};

use brush_parser::ast;
use itertools::Itertools;
#[cfg(unix)]
use sys::commands::CommandExecWithoutFallbackExt as _;
use sys::commands::{CommandExt, CommandFdInjectionExt, CommandFgControlExt};

use crate::{
    ErrorKind, ExecutionControlFlow, ExecutionExitCode, ExecutionParameters, ExecutionResult,
    Shell, ShellFd, builtins, env, error, escape,
    extensions::{self, ShellExtensions},
    functions,
    interp::{self, Execute, ProcessGroupPolicy},
    openfiles::{self, OpenFile, OpenFiles},
    pathsearch, processes,
    results::ExecutionSpawnResult,
    sys, trace_categories, traps, variables,
};

/// Encapsulates the result of waiting for a command to complete.
pub enum CommandWaitResult {
    /// The command completed.
    CommandCompleted(ExecutionResult),
    /// The command was stopped before it completed.
    CommandStopped(ExecutionResult, processes::ChildProcess),
}

/// Represents the context for executing a command.
pub struct ExecutionContext<'a, SE: ShellExtensions = extensions::DefaultShellExtensions> {
    /// The shell in which the command is being executed.
    pub shell: &'a mut Shell<SE>,
    /// The name of the command being executed.
    pub command_name: String,
    /// The parameters for the execution.
    pub params: ExecutionParameters,
}

impl<SE: ShellExtensions> ExecutionContext<'_, SE> {
    /// Returns the standard input file; usable with `write!` et al.
    pub fn stdin(&self) -> impl std::io::Read + 'static {
        self.params.stdin(self.shell)
    }

    /// Returns the standard output file; usable with `write!` et al.
    pub fn stdout(&self) -> impl std::io::Write + 'static {
        self.params.stdout(self.shell)
    }

    /// Returns the standard error file; usable with `write!` et al.
    pub fn stderr(&self) -> impl std::io::Write + 'static {
        self.params.stderr(self.shell)
    }

    /// Reports a failure of the running builtin as bash words it, after the shell's name and the
    /// builtin's (`what` = `/x: No such file or directory` for `cd /x`), and gives `status` as the
    /// builtin's status (ncsh patch).
    pub fn failure(&self, what: impl std::fmt::Display, status: u8) -> ExecutionResult {
        let error = error::Error::from(error::ErrorKind::Worded(std::format!(
            "{}: {what}",
            self.command_name
        )));
        let _ = self.shell.display_error(&mut self.stderr(), &error);
        ExecutionResult::new(status)
    }

    /// Returns the file descriptor with the given number. Returns `None`
    /// if the file descriptor is not open.
    ///
    /// # Arguments
    ///
    /// * `fd` - The file descriptor number to retrieve.
    pub fn try_fd(&self, fd: ShellFd) -> Option<openfiles::OpenFile> {
        self.params.try_fd(self.shell, fd)
    }

    /// Iterates over all open file descriptors.
    pub fn iter_fds(&self) -> impl Iterator<Item = (ShellFd, openfiles::OpenFile)> {
        self.params.iter_fds(self.shell)
    }
}

/// An argument to a command.
#[derive(Clone, Debug)]
pub enum CommandArg {
    /// A simple string argument.
    String(String),
    /// An assignment/declaration; typically treated as a string, but will
    /// be specially handled by a limited set of built-in commands.
    Assignment(ast::Assignment),
}

impl Display for CommandArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::String(s) => f.write_str(s),
            Self::Assignment(a) => write!(f, "{a}"),
        }
    }
}

impl From<String> for CommandArg {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<&String> for CommandArg {
    fn from(value: &String) -> Self {
        Self::String(value.clone())
    }
}

impl CommandArg {
    pub(crate) fn quote_for_tracing(&self) -> Cow<'_, str> {
        match self {
            Self::String(s) => escape::quote_if_needed(s, escape::QuoteMode::SingleQuote),
            Self::Assignment(a) => {
                let mut s = a.name.to_string();
                let op = if a.append { "+=" } else { "=" };
                s.push_str(op);
                s.push_str(&escape::quote_if_needed(
                    a.value.to_string().as_str(),
                    escape::QuoteMode::SingleQuote,
                ));
                s.into()
            }
        }
    }
}

/// Encapsulates a possibly-owned reference to a `Shell` for command execution.
pub enum ShellForCommand<'a, SE: extensions::ShellExtensions> {
    /// The command is run in the same shell as its parent; the provided
    /// mutable reference allows modifying the parent shell.
    ParentShell(&'a mut Shell<SE>),
    /// The command is run in its own owned shell (which is also provided).
    OwnedShell {
        /// The owned shell.
        target: Box<Shell<SE>>,
        /// The parent shell.
        parent: &'a mut Shell<SE>,
    },
}

impl<SE: extensions::ShellExtensions> std::ops::Deref for ShellForCommand<'_, SE> {
    type Target = Shell<SE>;

    fn deref(&self) -> &Self::Target {
        match self {
            ShellForCommand::ParentShell(shell) => shell,
            ShellForCommand::OwnedShell { target, .. } => target,
        }
    }
}

impl<SE: extensions::ShellExtensions> std::ops::DerefMut for ShellForCommand<'_, SE> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            ShellForCommand::ParentShell(shell) => shell,
            ShellForCommand::OwnedShell { target, .. } => target,
        }
    }
}

/// Composes a `std::process::Command` to execute the given command. Appropriately
/// configures the command name and arguments, redirections, injected file
/// descriptors, environment variables, etc.
///
/// # Arguments
///
/// * `context` - The execution context in which the command is being composed.
/// * `command_name` - The name of the command to execute.
/// * `argv0` - The value to use for `argv[0]` (may be different from the command).
/// * `args` - The arguments to pass to the command.
/// * `empty_env` - If true, the command will be executed with an empty environment; if false, the
///   command will inherit environment variables marked as exported in the provided `Shell`.
#[allow(unused_variables, reason = "argv0 is only used on unix platforms")]
pub fn compose_std_command<S: AsRef<OsStr>, SE: extensions::ShellExtensions>(
    context: &ExecutionContext<'_, SE>,
    command_name: &str,
    argv0: &str,
    args: &[S],
    empty_env: bool,
) -> Result<std::process::Command, error::Error> {
    let runner = file_runner(context, command_name);
    compose_command(context, command_name, argv0, args, empty_env, runner)
}

/// [`compose_std_command`], with the way the command's file is to be run already read from it.
fn compose_command<S: AsRef<OsStr>, SE: extensions::ShellExtensions>(
    context: &ExecutionContext<'_, SE>,
    command_name: &str,
    argv0: &str,
    args: &[S],
    empty_env: bool,
    runner: FileRunner,
) -> Result<std::process::Command, error::Error> {
    // ncsh patch: an executable text file without `#!` is run by a new copy of this shell, as
    // bash runs it. The kernel refuses such a file, and the C library's fallback ran it with
    // /bin/sh, which failed on bash's syntax.
    let mut cmd = match runner {
        FileRunner::ThisShell(shell) => {
            let mut cmd = std::process::Command::new(shell);
            cmd.arg(command_name);
            cmd
        }
        FileRunner::Program | FileRunner::LeftToExecvp => {
            let mut cmd = std::process::Command::new(command_name);
            // Override argv[0].
            // NOTE: Not supported on all platforms.
            cmd.arg0(argv0);
            cmd
        }
    };

    // Pass through args.
    cmd.args(args);

    // Use the shell's current working dir.
    cmd.current_dir(context.shell.working_dir());

    // Start with a clear environment.
    cmd.env_clear();

    // Add in exported variables.
    if !empty_env {
        for (k, v) in context.shell.env().iter_exported() {
            // NOTE: To match bash behavior, we only include exported variables
            // that are set (i.e., have a value). This means a variable that
            // shows up in `declare -p` but has no *set* value will be omitted.
            // ncsh patch: nor an array, which bash does not pass on (`export a` gave `a=` its
            // element 0).
            if v.value().is_set() && !v.value().is_array() {
                cmd.env(k.as_str(), v.value().to_cow_str(context.shell).as_ref());
            }
        }
        // Set _ to the resolved command path for external commands.
        cmd.env("_", command_name);
    }

    // Add in exported functions.
    if !empty_env {
        for (func_name, registration) in context.shell.funcs().iter() {
            if registration.is_exported() {
                let var_name = std::format!("BASH_FUNC_{func_name}%%");
                let value = std::format!("() {}", registration.definition().body);
                cmd.env(var_name, value);
            }
        }
    }

    // ncsh patch: a standard stream the command's redirections closed (`ls 2>&-`) is closed in
    // the child too, as in bash; the child had the shell's.
    let mut closed = vec![];

    // Redirect stdin, if applicable.
    match context.try_fd(OpenFiles::STDIN_FD) {
        Some(OpenFile::Stdin(_)) => (),
        None => closed.push(OpenFiles::STDIN_FD),
        Some(stdin_file) => {
            let as_stdio: Stdio = stdin_file.into();
            cmd.stdin(as_stdio);
        }
    }

    // Redirect stdout, if applicable.
    match context.try_fd(OpenFiles::STDOUT_FD) {
        Some(OpenFile::Stdout(_)) => (),
        None => closed.push(OpenFiles::STDOUT_FD),
        Some(stdout_file) => {
            let as_stdio: Stdio = stdout_file.into();
            cmd.stdout(as_stdio);
        }
    }

    // Redirect stderr, if applicable.
    match context.try_fd(OpenFiles::STDERR_FD) {
        Some(OpenFile::Stderr(_)) => {}
        None => closed.push(OpenFiles::STDERR_FD),
        Some(stderr_file) => {
            let as_stdio: Stdio = stderr_file.into();
            cmd.stderr(as_stdio);
        }
    }
    cmd.close_fds(closed);

    // Inject any other fds.
    let other_files = context.iter_fds().filter(|(fd, _)| {
        *fd != OpenFiles::STDIN_FD && *fd != OpenFiles::STDOUT_FD && *fd != OpenFiles::STDERR_FD
    });
    cmd.inject_fds(other_files)?;

    Ok(cmd)
}

/// ncsh patch: names the command about to run, as bash does before each simple command, `[[`,
/// `((`, `for` round and `case`: `BASH_COMMAND` is its text as written (`echo $x >
/// /dev/null`, not the words it expands to), and the DEBUG trap runs, before anything of it is
/// expanded. brush did so only for a simple command with a command name, after its expansion,
/// with the words it expanded to. In a trap's handler, `BASH_COMMAND` stays the command the trap
/// interrupted, as in bash. Where no trap is set (nor put aside by a function being called: the
/// caller's ERR trap reads what the function ran last), nothing is done: naming each command cost a
/// loop of assignments about 7% of its time, and only a trap's handler is likely to read the
/// name (`echo $BASH_COMMAND` outside any trap gives the last command a trap saw, where bash
/// gives this one).
///
/// Returns whether the command is to run: with `shopt -s extdebug`, a DEBUG trap that fails skips
/// it, as in bash (bash-preexec's documented way to stop a command); a simple command, `[[`, `((`
/// and a lone command put in the background heed it.
pub(crate) async fn announce_command(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    text: impl FnOnce() -> String,
) -> Result<bool, error::Error> {
    if name_command(shell, text)? && shell.traps().handles(traps::TrapSignal::Debug) {
        let trap = shell
            .invoke_trap_handler(traps::TrapSignal::Debug, params)
            .await?;
        return Ok(trap.is_success() || !shell.options().enable_debugger);
    }
    Ok(true)
}

/// Sets `BASH_COMMAND` to the command about to run, as `announce_command` says, without running
/// the DEBUG trap (which bash does not run before a subshell); false where nothing was done.
pub(crate) fn name_command(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    text: impl FnOnce() -> String,
) -> Result<bool, error::Error> {
    if !shell.traps().any_set()
        || (shell.call_stack().iter()).any(|frame| frame.frame_type.is_trap_handler())
    {
        return Ok(false);
    }
    shell.env_mut().update_or_add(
        "BASH_COMMAND",
        variables::ShellValueLiteral::Scalar(text()),
        |_| Ok(()),
        env::EnvironmentLookup::Anywhere,
        env::EnvironmentScope::Global,
    )?;
    Ok(true)
}

/// Represents a simple command to be executed.
pub struct SimpleCommand<'a, SE: extensions::ShellExtensions> {
    /// The shell to run the command in.
    shell: ShellForCommand<'a, SE>,

    /// The execution parameters for the command.
    pub params: ExecutionParameters,

    /// The name of the command to execute.
    pub command_name: String,

    /// The arguments to the command, including the command itself.
    pub args: Vec<CommandArg>,

    /// Whether to consider shell functions when looking up the command name.
    /// If true, shell functions will be checked; if false, they will be ignored.
    pub use_functions: bool,

    /// Optional list of directories to search for external commands. If left
    /// `None`, the default search logic will be used.
    pub path_dirs: Option<Vec<PathBuf>>,

    /// The process group ID to use for externally executed commands. This may be
    /// `None`, in which case the default behavior will be used.
    pub process_group_id: Option<i32>,

    /// Optional override for the `argv[0]` value presented to an externally
    /// spawned process. When `None`, `command_name` is used.
    pub argv0: Option<String>,

    /// Optionally provides a function that can run after execution occurs. Note
    /// that it is *not* invoked if the shell is discarded during the execution
    /// process.
    #[allow(clippy::type_complexity)]
    pub post_execute: Option<fn(&mut Shell<SE>) -> Result<(), error::Error>>,
}

/// The name bash calls when a command is not found (ncsh patch).
const NOT_FOUND_HANDLER: &str = "command_not_found_handle";

/// What handles a command that is not found (ncsh patch).
enum NotFoundHandler<SE: extensions::ShellExtensions> {
    Function(functions::Registration),
    Builtin(builtins::Registration<SE>),
}

impl<'a, SE: extensions::ShellExtensions> SimpleCommand<'a, SE> {
    /// Creates a new `SimpleCommand` instance.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell in which to execute the command.
    /// * `params` - The execution parameters for the command.
    /// * `command_name` - The name of the command to execute.
    /// * `args` - The arguments to the command, including the command itself.
    pub const fn new(
        shell: ShellForCommand<'a, SE>,
        params: ExecutionParameters,
        command_name: String,
        args: Vec<CommandArg>,
    ) -> Self {
        Self {
            shell,
            params,
            command_name,
            args,
            use_functions: true,
            path_dirs: None,
            process_group_id: None,
            argv0: None,
            post_execute: None,
        }
    }

    /// bash's hook for a command that is not found: a function named `command_not_found_handle`,
    /// else a builtin of that name; never while running the hook itself (ncsh patch).
    fn not_found_handler(&self) -> Option<NotFoundHandler<SE>> {
        if self.command_name == NOT_FOUND_HANDLER {
            return None;
        }
        if self.use_functions {
            if let Some(function) = self.shell.funcs().get(NOT_FOUND_HANDLER).cloned() {
                return Some(NotFoundHandler::Function(function));
            }
        }
        self.shell
            .builtins()
            .get(NOT_FOUND_HANDLER)
            .filter(|builtin| !builtin.disabled)
            .cloned()
            .map(NotFoundHandler::Builtin)
    }

    /// Executes the simple command.
    ///
    /// The command may be a builtin, a shell function, or an externally
    /// executed command. This function's implementation is responsible for
    /// dispatching it appropriately according to the context provided.
    #[allow(
        clippy::missing_panics_doc,
        reason = "these unwrap calls should not panic"
    )]
    pub async fn execute(mut self) -> Result<ExecutionSpawnResult, error::Error> {
        // First see if it's the name of a builtin.
        let builtin = self.shell.builtins().get(&self.command_name).cloned();

        // If we're in POSIX mode and found a special builtin (that's not disabled), then invoke it
        // without considering functions.
        if self.shell.options().posix_mode
            && builtin
                .as_ref()
                .is_some_and(|r| !r.disabled && r.special_builtin)
        {
            #[allow(clippy::unwrap_used, reason = "we just checked that builtin is Some")]
            let builtin = builtin.unwrap();
            return self.execute_via_builtin(builtin).await;
        }

        // Assuming we weren't requested not to do so, check if it's the name of
        // a shell function.
        if self.use_functions {
            if let Some(func_registration) =
                self.shell.funcs().get(self.command_name.as_str()).cloned()
            {
                return self.execute_via_function(func_registration).await;
            }
        }

        // If we haven't yet resolved the command name and found a builtin that's not disabled,
        // then invoke it.
        if let Some(builtin) = builtin {
            if !builtin.disabled {
                return self.execute_via_builtin(builtin).await;
            }
        }

        // We still haven't found a command to invoke. We'll need to look for an external command.
        if !sys::fs::contains_path_separator(&self.command_name) {
            // All else failed; if we were given path directories to search, try to look through
            // them for a matching executable. Otherwise, use our default search logic.
            let path = if let Some(path_dirs) = &self.path_dirs {
                pathsearch::search_for_executable(path_dirs.iter(), self.command_name.as_str())
                    .next()
            } else {
                let found = self
                    .shell
                    .find_first_executable_in_path_using_cache(&self.command_name);
                // ncsh patch: counted for `hash`'s list, as bash counts it.
                self.shell
                    .program_location_cache_mut()
                    .count_hit(&self.command_name);
                found
            };

            if let Some(path) = path {
                self.execute_via_external(&path)
            } else if let Some(cd) = self.auto_cd() {
                self.execute_as_cd(cd).await
            } else if let Some(handler) = self.not_found_handler() {
                // ncsh patch: bash's `command_not_found_handle`, called with the command and its
                // arguments; a function of that name comes first, then a builtin (ncsh's own, which
                // runs capabilities).
                self.args
                    .insert(0, CommandArg::String(NOT_FOUND_HANDLER.to_owned()));
                self.command_name = NOT_FOUND_HANDLER.to_owned();
                match handler {
                    NotFoundHandler::Function(function) => {
                        self.execute_via_function(function).await
                    }
                    NotFoundHandler::Builtin(builtin) => self.execute_via_builtin(builtin).await,
                }
            } else {
                // Bash updates $_ even when the command is not found, so mirror
                // that here before reporting the error.
                let last_arg = Self::take_last_arg(&self.args);
                self.shell.update_last_arg_variable(last_arg);

                if let Some(post_execute) = self.post_execute {
                    let _ = post_execute(&mut self.shell);
                }

                Err(ErrorKind::CommandNotFound(self.command_name).into())
            }
        } else if let Some(cd) = self.auto_cd() {
            self.execute_as_cd(cd).await
        } else {
            let command_name = PathBuf::from(self.command_name.clone());
            self.execute_via_external(command_name.as_path())
        }
    }

    /// `cd`, where `shopt -s autocd` gives it a command that names a directory and no program, at
    /// an interactive shell (ncsh patch; bash's autocd: ncsh said it was a directory, or not
    /// found).
    fn auto_cd(&self) -> Option<builtins::Registration<SE>> {
        let options = self.shell.options();
        let applies = options.auto_cd
            && options.interactive
            && self.shell.absolute_path(&self.command_name).is_dir();
        applies
            .then(|| self.shell.builtins().get("cd").cloned())
            .flatten()
    }

    /// Runs `cd -- NAME` for the command NAME, saying so first, as bash's autocd does.
    async fn execute_as_cd(
        mut self,
        cd: builtins::Registration<SE>,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        let directory = std::mem::take(&mut self.command_name);
        let _ = writeln!(self.params.stderr(&self.shell), "cd -- {directory}");
        self.args = ["cd", "--", directory.as_str()]
            .map(|arg| CommandArg::String(arg.to_owned()))
            .to_vec();
        self.command_name = "cd".to_owned();
        self.execute_via_builtin(cd).await
    }

    /// Extracts the owned string representation of the last argument of a
    /// command, suitable for recording into `$_`.
    fn take_last_arg(args: &[CommandArg]) -> Option<String> {
        args.last().map(ToString::to_string)
    }

    async fn execute_via_builtin(
        self,
        builtin: builtins::Registration<SE>,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        match self.shell {
            ShellForCommand::OwnedShell { target, .. } => {
                Ok(Self::execute_via_builtin_in_owned_shell(
                    *target,
                    self.params,
                    builtin,
                    self.command_name,
                    self.args,
                ))
            }
            ShellForCommand::ParentShell(..) => {
                self.execute_via_builtin_in_parent_shell(builtin).await
            }
        }
    }

    fn execute_via_builtin_in_owned_shell(
        mut shell: Shell<SE>,
        params: ExecutionParameters,
        builtin: builtins::Registration<SE>,
        command_name: String,
        args: Vec<CommandArg>,
    ) -> ExecutionSpawnResult {
        let last_arg = Self::take_last_arg(&args);
        let join_handle = run_on_own_thread(async move {
            let cmd_context = ExecutionContext {
                shell: &mut shell,
                command_name,
                params,
            };

            let result = execute_builtin_command(&builtin, cmd_context, args).await;

            // Update $_ after command execution.
            shell.update_last_arg_variable(last_arg);

            result
        });

        ExecutionSpawnResult::StartedTask(join_handle)
    }

    async fn execute_via_builtin_in_parent_shell(
        self,
        builtin: builtins::Registration<SE>,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        let mut shell = self.shell;
        let last_arg = Self::take_last_arg(&self.args);

        let cmd_context = ExecutionContext {
            shell: &mut shell,
            command_name: self.command_name,
            params: self.params,
        };

        let result = execute_builtin_command(&builtin, cmd_context, self.args).await;

        // Update $_ after command execution.
        shell.update_last_arg_variable(last_arg);

        if let Some(post_execute) = self.post_execute {
            let _ = post_execute(&mut shell);
        }

        let result = result?;

        Ok(result.into())
    }

    async fn execute_via_function(
        self,
        func_registration: functions::Registration,
    ) -> Result<ExecutionSpawnResult, error::Error> {
        // ncsh patch: a function in a copy of the shell (any command of a pipeline but the last)
        // runs as a task, as a builtin there does. Run in place, it had to end before the next
        // command of the pipeline started: `f | wc -l` waited for ever once `f` wrote more than a
        // pipe holds.
        if let ShellForCommand::OwnedShell { target, .. } = self.shell {
            let (mut shell, command_name, params, args) =
                (*target, self.command_name, self.params, self.args);
            let post_execute = self.post_execute;
            let task = run_on_own_thread(async move {
                let last_arg = Self::take_last_arg(&args);
                let cmd_context = ExecutionContext {
                    shell: &mut shell,
                    command_name,
                    params,
                };
                let spawned =
                    invoke_shell_function(func_registration, cmd_context, &args[1..]).await;
                shell.update_last_arg_variable(last_arg);
                if let Some(post_execute) = post_execute {
                    let _ = post_execute(&mut shell);
                }
                // An error in the function ends this copy of the shell with its status, as it
                // ends bash's subshell, not the shell whose pipeline it is.
                let spawned = match spawned {
                    Ok(spawned) => spawned,
                    Err(error) => {
                        let _ = shell.display_error(&mut shell.stderr(), &error);
                        let status = error.into_result(&shell).exit_code;
                        return Ok(ExecutionResult::new(status.into()));
                    }
                };
                Ok(match spawned.wait().await? {
                    crate::results::ExecutionWaitResult::Completed(result) => result,
                    crate::results::ExecutionWaitResult::Stopped(..) => ExecutionResult::stopped(),
                })
            });
            return Ok(ExecutionSpawnResult::StartedTask(task));
        }

        let mut shell = self.shell;
        let last_arg = Self::take_last_arg(&self.args);

        let cmd_context = ExecutionContext {
            shell: &mut shell,
            command_name: self.command_name,
            params: self.params,
        };

        // Strip the function name off args.
        let result = invoke_shell_function(func_registration, cmd_context, &self.args[1..]).await;

        // $_ is reset *after* the function body runs, to the last argument of
        // the invocation (or the function name itself if zero args). Any
        // mutations made inside the body are overwritten — this matches bash,
        // where the caller observes only the invocation's last argument.
        shell.update_last_arg_variable(last_arg);

        if let Some(post_execute) = self.post_execute {
            let _ = post_execute(&mut shell);
        }

        result
    }

    fn execute_via_external(self, path: &Path) -> Result<ExecutionSpawnResult, error::Error> {
        let mut shell = self.shell;
        let last_arg = Self::take_last_arg(&self.args);

        let cmd_context = ExecutionContext {
            shell: &mut shell,
            command_name: self.command_name,
            params: self.params,
        };

        let resolved_path = path.to_string_lossy();
        let result = execute_external_command(
            cmd_context,
            resolved_path.as_ref(),
            self.process_group_id,
            self.argv0.as_deref(),
            &self.args[1..],
        );

        // Update $_ after command execution.
        shell.update_last_arg_variable(last_arg);

        if let Some(post_execute) = self.post_execute {
            let _ = post_execute(&mut shell);
        }

        result
    }
}

/// How a command's file is to be run, as its first 80 bytes tell (ncsh patch).
enum FileRunner {
    /// A script with no interpreter named: this shell's own executable runs it (see
    /// `compose_std_command`).
    ThisShell(PathBuf),
    /// An ELF binary, or a file that looks binary (a NUL in its first line, as bash's
    /// `check_binary_file` decides): `execve` runs it, and a file the kernel refuses is said to be
    /// one that cannot be executed, as bash says it (see `exec_without_shell_fallback`).
    Program,
    /// A file that names its interpreter (`#!`), or that cannot be read or run: left to `execvp`.
    /// `exec -a NAME` of a script run by this shell does not make NAME its `$0`.
    LeftToExecvp,
}

fn file_runner<SE: extensions::ShellExtensions>(
    context: &ExecutionContext<'_, SE>,
    command: &str,
) -> FileRunner {
    use std::io::Read as _;
    use sys::fs::PathExt as _;

    // A name without a `/` is looked up in PATH by `execvp` (`exec ls`), not taken from the
    // current directory, where a file of that name ran in its place.
    if !command.contains('/') {
        return FileRunner::LeftToExecvp;
    }
    let path = context.shell.absolute_path(command);
    if !path.is_file() || !path.executable() {
        return FileRunner::LeftToExecvp;
    }
    let mut sample = [0_u8; 80];
    let Ok(read) = std::fs::File::open(&path).and_then(|mut file| file.read(&mut sample)) else {
        return FileRunner::LeftToExecvp;
    };
    let sample = &sample[..read];
    let first_line = sample.split(|byte| *byte == b'\n').next().unwrap_or(sample);
    if sample.starts_with(b"#!") {
        FileRunner::LeftToExecvp
    } else if sample.starts_with(b"\x7fELF") || first_line.contains(&0) {
        FileRunner::Program
    } else {
        std::env::current_exe().map_or(FileRunner::LeftToExecvp, FileRunner::ThisShell)
    }
}

/// ncsh patch: runs `future` to its end on a blocking thread of its own, not on one of the
/// runtime's workers. What runs there may never wait (`while :; do :; done`), or may wait on the
/// command beside it in a pipeline; on a worker it would hold that worker, and with it whatever
/// else was queued there.
pub(crate) fn run_on_own_thread<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::task::spawn_blocking(move || tokio::runtime::Handle::current().block_on(future))
}

pub(crate) fn execute_external_command(
    context: ExecutionContext<'_, impl extensions::ShellExtensions>,
    executable_path: &str,
    process_group_id: Option<i32>,
    argv0_override: Option<&str>,
    args: &[CommandArg],
) -> Result<ExecutionSpawnResult, error::Error> {
    // Filter out the args; we only want strings.
    let cmd_args = args
        .iter()
        .filter_map(|e| {
            if let CommandArg::String(s) = e {
                Some(s)
            } else {
                None
            }
        })
        .collect::<Vec<_>>();

    // Before we lose ownership of the open files, figure out if stdin will be a terminal.
    let child_stdin_is_terminal = context
        .try_fd(openfiles::OpenFiles::STDIN_FD)
        .is_some_and(|f| f.is_terminal());

    // Figure out if we should be setting up a new process group.
    let new_pg = matches!(
        context.params.process_group_policy,
        ProcessGroupPolicy::NewProcessGroup
    );

    // Compose the std::process::Command that encapsulates what we want to launch.
    // argv[0] defaults to context.command_name (the user-facing name of the
    // command) unless the caller specified an explicit override.
    let argv0 = argv0_override.unwrap_or(context.command_name.as_str());
    let runner = file_runner(&context, executable_path);
    let runs_as_program = matches!(runner, FileRunner::Program);
    #[allow(unused_mut, reason = "only mutated on unix platforms")]
    let mut cmd = compose_command(
        &context,
        executable_path,
        argv0,
        cmd_args.as_slice(),
        false, /* empty environment? */
        runner,
    )?;

    // Set up process group state. A background job's processes share the job's group, which its
    // first process creates (ncsh patch).
    let background_group = context.params.background_group.clone();
    let mut background_pgid = background_group.as_ref().map(|group| group.lock());
    let mut creates_background_group = false;
    if let Some(pgid) = background_pgid.as_deref() {
        match *pgid {
            Some(pgid) if sys::signal::process_group_exists(pgid) => {
                cmd.process_group(pgid);
            }
            _ => {
                cmd.process_group(0);
                creates_background_group = true;
            }
        }
    } else if new_pg {
        // Check if we'll be doing terminal control setup (which includes setsid)
        if child_stdin_is_terminal && context.shell.options().external_cmd_leads_session {
            // Don't set process_group(0) - setsid() in pre_exec will handle it
            cmd.lead_session();
        } else {
            // Normal case: create new process group in current session
            cmd.process_group(0);
            if child_stdin_is_terminal {
                cmd.take_foreground();
            }
        }
    } else {
        // We need to join an established process group.
        if let Some(pgid) = process_group_id {
            cmd.process_group(pgid);
        }
    }

    // When tracing is enabled, report.
    tracing::debug!(
        target: trace_categories::COMMANDS,
        "Spawning: cmd='{} {}'",
        cmd.get_program().to_string_lossy().to_string(),
        cmd.get_args()
            .map(|a| a.to_string_lossy().to_string())
            .join(" ")
    );

    // ncsh patch: a file the kernel refuses is said to be one, with status 126, as bash says it;
    // it ran with /bin/sh. The last step before the command runs.
    #[cfg(unix)]
    if runs_as_program {
        let refusal = error::ErrorKind::Worded(std::format!(
            "{executable_path}: cannot execute binary file: Exec format error"
        ));
        let mut said = Vec::new();
        let _ = context.shell.display_error(&mut said, &refusal.into());
        cmd.exec_without_shell_fallback(argv0, said)?;
    }

    match sys::process::spawn(cmd) {
        Ok(child) => {
            // Retrieve the pid.
            #[expect(clippy::cast_possible_wrap)]
            let pid = child.id().map(|id| id as i32);
            let mut actual_pgid = process_group_id;
            if let Some(pid) = &pid {
                if let Some(group_pgid) = background_pgid.as_deref_mut() {
                    if creates_background_group {
                        *group_pgid = Some(*pid);
                    }
                    actual_pgid = *group_pgid;
                } else if new_pg {
                    actual_pgid = Some(*pid);
                }
            } else {
                tracing::warn!("could not retrieve pid for child process");
            }

            drop(background_pgid);
            if creates_background_group && let Some(group) = &background_group {
                group.mark_started();
            }

            let mut process = processes::ChildProcess::new(child, pid, actual_pgid);
            // ncsh patch: a stop of a background job's process is recorded on the job.
            if let Some(group) = background_group {
                process = process.in_background_group(group);
            }
            Ok(ExecutionSpawnResult::StartedProcess(process))
        }
        Err(spawn_err) => {
            if context.shell.options().interactive {
                sys::terminal::move_self_to_foreground()?;
            }

            if spawn_err.kind() == std::io::ErrorKind::NotFound {
                if !context.shell.working_dir().exists() {
                    Err(
                        error::ErrorKind::WorkingDirMissing(context.shell.working_dir().to_owned())
                            .into(),
                    )
                } else if context.shell.absolute_path(executable_path).is_file() {
                    // ncsh patch: the file is there and its interpreter is not; bash names the
                    // file by the path it ran, also where PATH found it.
                    Err(error::ErrorKind::CommandNotFound(executable_path.to_owned()).into())
                } else {
                    Err(error::ErrorKind::CommandNotFound(context.command_name).into())
                }
            } else {
                Err(
                    error::ErrorKind::FailedToExecuteCommand(context.command_name, spawn_err)
                        .into(),
                )
            }
        }
    }
}

/// ncsh patch: runs the builtin `name` without arguments, whatever function shadows it, as bash's
/// `select` calls its `read`.
pub(crate) async fn run_builtin_by_name<SE: extensions::ShellExtensions>(
    shell: &mut Shell<SE>,
    params: &ExecutionParameters,
    name: &str,
) -> Result<ExecutionResult, error::Error> {
    let Some(builtin) = shell.builtins().get(name).cloned() else {
        return Err(error::ErrorKind::CommandNotFound(name.to_owned()).into());
    };
    let context = ExecutionContext {
        shell,
        command_name: name.to_owned(),
        params: params.clone(),
    };
    execute_builtin_command(&builtin, context, vec![CommandArg::String(name.to_owned())]).await
}

async fn execute_builtin_command<SE: extensions::ShellExtensions>(
    builtin: &builtins::Registration<SE>,
    context: ExecutionContext<'_, SE>,
    args: Vec<CommandArg>,
) -> Result<ExecutionResult, error::Error> {
    // In POSIX mode, special builtins that return errors are to be treated as fatal.
    let mark_errors_fatal = builtin.special_builtin && context.shell.options().posix_mode;
    // ncsh patch: bash's subshells (a pipeline's commands among them) and its shells that are not
    // interactive die of SIGPIPE when a builtin writes to a pipe nobody reads; this process
    // ignores SIGPIPE, so such a shell ends here instead, with the status SIGPIPE gives. Before,
    // `while :; do echo y; done | head -1` never ended.
    // A trap on SIGPIPE (`trap '' PIPE` among them) keeps the shell going, as in bash.
    let ends_on_broken_pipe = (context.shell.is_subshell() || !context.shell.options().interactive)
        && !context
            .shell
            .traps()
            .handles(traps::TrapSignal::Signal(sys::signal::Signal::SIGPIPE));

    match (builtin.execute_func)(context, args).await {
        Ok(result) => Ok(result),
        Err(e) => {
            // Broken pipe errors should silently return the appropriate exit code
            if let Some(io_err) = e.as_io_error() {
                if io_err.kind() == std::io::ErrorKind::BrokenPipe {
                    let mut result = ExecutionResult::from(ExecutionExitCode::from(io_err));
                    if ends_on_broken_pipe {
                        result.next_control_flow = ExecutionControlFlow::ExitShell;
                    }
                    return Ok(result);
                }
            }

            Err(if mark_errors_fatal { e.into_fatal() } else { e })
        }
    }
}

pub(crate) async fn invoke_shell_function(
    function: functions::Registration,
    context: ExecutionContext<'_, impl extensions::ShellExtensions>,
    args: &[CommandArg],
) -> Result<ExecutionSpawnResult, error::Error> {
    let ast::FunctionBody(body, redirects) = &function.definition().body;

    let positional_args = args.iter().map(|a| a.to_string());

    // Note that we're going deeper. Once we do this, we need to make sure we don't bail early
    // before "exiting" the function.
    context.shell.enter_function(
        context.command_name.as_str(),
        &function,
        positional_args,
        &context.params,
    )?;

    // Pass through open files.
    let mut params = context.params.outside_loops();
    // Until its first command runs, the function is at its definition, where an error in its
    // redirections is said to be.
    context.shell.set_current_cmd(function.definition());

    // Apply any redirects specified at function definition-time. ncsh patch: in the function's
    // frame, with its arguments, as bash applies them; one that fails fails the call.
    if let Some(failed) =
        interp::set_up_redirects(context.shell, &mut params, redirects.as_ref()).await
    {
        context.shell.leave_function()?;
        return Ok(failed.into());
    }

    // Invoke the function. ncsh patch: with the caller's traps it does not inherit put aside,
    // and its RETURN trap run as it returns, as in bash (brush never ran a RETURN trap).
    let put_aside = context
        .shell
        .put_aside_uninherited_traps(function.is_traced());
    // ncsh patch: on a stack that grows, so that a recursion goes as deep as bash's.
    let mut result =
        crate::growing_stack::on_growing_stack(body.execute(context.shell, &params)).await;
    let returns = result
        .as_ref()
        .is_ok_and(|result| !matches!(result.next_control_flow, ExecutionControlFlow::ExitShell));
    if returns && context.shell.traps().handles(traps::TrapSignal::Return) {
        match context
            .shell
            .invoke_trap_handler(traps::TrapSignal::Return, &params)
            .await
        {
            // An `exit` in the trap ends the shell, as in bash.
            Ok(trap) if matches!(trap.next_control_flow, ExecutionControlFlow::ExitShell) => {
                result = Ok(trap);
            }
            Ok(_) => (),
            Err(error) => result = Err(error),
        }
    }
    context.shell.traps_mut().restore_put_aside(put_aside);

    // ncsh patch: an error that ends the function is shown here, while the shell still knows the
    // line in the function it came from, as bash shows it; the callers it passes through only act
    // on it. Shown above, it named the line of the call.
    let result = result.map_err(|error| {
        let _ = context
            .shell
            .display_error(&mut params.stderr(context.shell), &error);
        error.into_said()
    });

    // Clean up parameters so any owned files are closed.
    drop(params);

    // We've come back out, reflect it.
    context.shell.leave_function()?;

    // Get the actual execution result from the body of the function.
    let mut result = result?;

    // Handle control-flow.
    match result.next_control_flow {
        ExecutionControlFlow::BreakLoop { .. } | ExecutionControlFlow::ContinueLoop { .. } => {
            return error::unimp("break or continue returned from function invocation");
        }
        ExecutionControlFlow::ReturnFromFunctionOrScript => {
            // It's now been handled.
            result.next_control_flow = ExecutionControlFlow::Normal;
        }
        _ => {}
    }

    Ok(result.into())
}

pub(crate) async fn invoke_command_in_subshell_and_get_output(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    s: String,
) -> Result<String, error::Error> {
    // Instantiate a subshell to run the command in. ncsh patch: a `umask` in it stays there.
    let _umask = sys::fs::UmaskKept::now();
    let mut subshell = shell.clone();
    subshell.substitution_depth += 1;

    // Command substitutions don't inherit errexit by default. Only inherit it when
    // command_subst_inherits_errexit is enabled, otherwise disable errexit in the subshell.
    if !shell.options().command_subst_inherits_errexit {
        subshell.options_mut().exit_on_nonzero_command_exit = false;
    }

    // Get our own set of parameters we can customize and use.
    let mut params = params.clone();
    params.process_group_policy = ProcessGroupPolicy::SameProcessGroup;

    // Set up pipe so we can read the output.
    let (reader, writer) = std::io::pipe()?;
    params.set_fd(OpenFiles::STDOUT_FD, writer.into());

    let mut async_reader = sys::async_pipe::AsyncPipeReader::new(reader)?;

    // ncsh patch: on a thread of its own. A builtin writes to the pipe as it goes, and a pipe
    // holds 64 KiB: on the runtime's worker, whose task reads the pipe below, a substitution that
    // wrote more (`$(echo {1..15000})`, a loop of `echo`) waited for ever for that reader.
    let cmd_join_handle = run_on_own_thread(run_substitution_command(subshell, params, s));

    let output_str = async_reader.read_to_string().await?;

    // Now observe the command's completion.
    let run_result = cmd_join_handle.await?;
    let cmd_result = run_result?;

    // Store the status.
    shell.set_last_exit_status(cmd_result.exit_code.into());

    // Note: $_ is naturally isolated from the parent because we cloned the
    // shell to run the substitution.

    Ok(output_str)
}

async fn run_substitution_command(
    mut shell: Shell<impl extensions::ShellExtensions>,
    mut params: ExecutionParameters,
    command: String,
) -> Result<ExecutionResult, error::Error> {
    // Parse the string into a whole shell program.
    let parse_result = shell.parse_string(command);

    // Check for a command that is only an input redirection ("< file").
    // If detected, emulate `cat file` to stdout and return immediately.
    // If we failed to parse, then we'll fall below and handle it there.
    if let Ok(program) = &parse_result {
        if let Some(redir) = try_unwrap_bare_input_redir_program(program) {
            // ncsh patch: a file that cannot be read fails the substitution, as bash's does,
            // rather than the script.
            if let Err(error) = interp::setup_redirect(&mut shell, &mut params, redir).await {
                let _ = shell.display_error(&mut params.stderr(&shell), &error);
                return Ok(ExecutionResult::general_error());
            }
            std::io::copy(&mut params.stdin(&shell), &mut params.stdout(&shell))?;
            return Ok(ExecutionResult::new(0));
        }
    }

    // ncsh patch: the substitution's text is parsed on its own, from its line 1; its lines count
    // on from the line of the command it is in, as bash's do (`x=$(nosuch)` on line 12 of a
    // script fails on line 12, not line 1).
    let command_line = shell
        .call_stack()
        .current_frame()
        .and_then(|frame| frame.current.as_ref())
        .map_or(1, |position| position.line);
    shell.increment_interactive_line_offset(command_line.saturating_sub(1));

    // TODO(source-info): review this
    let source_info = crate::SourceInfo::from("main");

    // Handle the parse result using default shell behavior.
    let result = shell
        .run_parsed_result(
            parse_result,
            &source_info,
            None,
            &params,
            crate::shell::SyntaxErrors::EndTheShell,
        )
        .await;
    shell.on_subshell_exit(&params, result).await
}

// Detects a subshell command that consists solely of a single input redirection
// (e.g., "< file"), returning the IoRedirect when present.
fn try_unwrap_bare_input_redir_program(program: &ast::Program) -> Option<&ast::IoRedirect> {
    // We're looking for exactly one complete command...
    let [complete] = program.complete_commands.as_slice() else {
        return None;
    };

    // ...a single list item...
    let ast::CompoundList(items) = complete;
    let [item] = items.as_slice() else {
        return None;
    };

    // ...with a single pipeline (no && or || chaining)...
    let and_or = &item.0;
    if !and_or.additional.is_empty() {
        return None;
    }

    // ...not negated...
    let pipeline = &and_or.first;
    if pipeline.bang {
        return None;
    }

    // ...with a single command in the pipeline...
    let [ast::Command::Simple(simple_cmd)] = pipeline.seq.as_slice() else {
        return None;
    };

    // ...with no program word/name and no suffix...
    if simple_cmd.word_or_name.is_some() || simple_cmd.suffix.is_some() {
        return None;
    }

    // ...and exactly one prefix containing an I/O redirect...
    let prefix = simple_cmd.prefix.as_ref()?;
    let [ast::CommandPrefixOrSuffixItem::IoRedirect(redir)] = prefix.0.as_slice() else {
        return None;
    };

    // ...that is a file input redirection to a filename, targeting stdin.
    match redir {
        ast::IoRedirect::File(
            fd,
            ast::IoFileRedirectKind::Read,
            ast::IoFileRedirectTarget::Filename(..),
        ) if fd.is_none_or(|fd| fd == openfiles::OpenFiles::STDIN_FD) => Some(redir),
        _ => None,
    }
}
