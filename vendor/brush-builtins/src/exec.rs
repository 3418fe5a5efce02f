use clap::Parser;
use std::io::Write;
use std::{borrow::Cow, os::unix::process::CommandExt};

use brush_core::{
    ErrorKind, ExecutionControlFlow, ExecutionExitCode, ExecutionResult, builtins, commands,
};

/// Exec the provided command.
#[derive(Parser)]
pub(crate) struct ExecCommand {
    /// Pass given name as zeroth argument to command.
    #[arg(short = 'a', value_name = "NAME")]
    name_for_argv0: Option<String>,

    /// Exec command with an empty environment.
    #[arg(short = 'c')]
    empty_environment: bool,

    /// Exec command as a login shell.
    #[arg(short = 'l')]
    exec_as_login: bool,

    /// Command and args.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

impl builtins::Command for ExecCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        mut context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<ExecutionResult, Self::Error> {
        // ncsh patch: an option exec does not know is refused in bash's words, and the shell
        // goes on (`exec -i sh` ran a command named `-i`, which ended the script).
        if let Some(option) =
            (self.args.first()).filter(|arg| arg.len() > 1 && arg.starts_with('-'))
        {
            let _ = context.failure(format!("{option}: invalid option"), 2);
            writeln!(
                context.stderr(),
                "exec: usage: exec [-cl] [-a name] [command [argument ...]] [redirection ...]"
            )?;
            return Ok(ExecutionResult::new(2));
        }
        if self.args.is_empty() {
            // When no arguments are present, then there's nothing for us to execute -- but we need
            // to ensure that any redirections setup for this builtin get applied to the calling
            // shell instance.
            keep_redirections(&mut context);
            return Ok(ExecutionResult::success());
        }

        let name = &self.args[0];
        let mut argv0 = Cow::Borrowed(self.name_for_argv0.as_ref().unwrap_or(&self.args[0]));
        if self.exec_as_login {
            argv0 = Cow::Owned(std::format!("-{argv0}"));
        }
        let mut cmd = commands::compose_std_command(
            &context,
            &self.args[0],
            argv0.as_str(),
            &self.args[1..],
            self.empty_environment,
        )?;

        // If we know we're already running in a subshell, then `exec`ing is actually
        // unsafe, since it would also replace the *parent* shell instance. We instead
        // delegate to the `command` builtin to perform the execution, with an expectation
        // of returning.
        if context.shell.is_subshell() {
            // ncsh patch: with options, the program runs with them as exec would run it, and the
            // subshell ends with its status (it said "not yet implemented"); a subshell runs in
            // the shell's process, which exec cannot replace.
            if self.empty_environment || self.exec_as_login || self.name_for_argv0.is_some() {
                let mut result = match tokio::task::block_in_place(|| cmd.status()) {
                    Ok(status) => ExecutionResult::new(exit_status_code(status)),
                    Err(error) => not_run(&context, name, &error),
                };
                result.next_control_flow = ExecutionControlFlow::ExitShell;
                return Ok(result);
            }

            // ncsh patch: a program that is not there is said as `exec` says it (`command` said
            // `command not found`), and the subshell ends, `execfail` or not, as in bash.
            if !name.contains('/')
                && context
                    .shell
                    .find_first_executable_in_path_using_cache(name)
                    .is_none()
            {
                let mut result = context.failure(
                    format!("{name}: not found"),
                    ExecutionExitCode::NotFound.into(),
                );
                result.next_control_flow = ExecutionControlFlow::ExitShell;
                return Ok(result);
            }

            let cmd_cmd = crate::command::CommandCommand {
                command_and_args: self.args.clone(),
                ..Default::default()
            };

            // ncsh patch: the command takes the subshell's place, as bash's exec does: the
            // subshell ends with its status, and without its EXIT trap, which a process replaced
            // never runs (the subshell went on after it, and then ran the trap).
            context
                .shell
                .traps_mut()
                .remove_handlers(brush_core::traps::TrapSignal::Exit);
            let mut result = cmd_cmd.execute(context).await?;
            result.next_control_flow = ExecutionControlFlow::ExitShell;
            return Ok(result);
        }

        // ncsh patch: where the exec fails, the shell goes on with its own descriptors,
        // directory, SIGPIPE disposition and signal mask (`exec_state`).
        let targets = [0, 1, 2]
            .into_iter()
            .chain(context.iter_fds().map(|(fd, _)| fd))
            .collect::<std::collections::BTreeSet<_>>();
        let state = crate::exec_state::ProcessState::save(targets);
        let exec_error = cmd.exec();
        state.restore();
        // The shell keeps the command's redirections, as bash's does after a failed exec.
        keep_redirections(&mut context);

        // ncsh patch: bash names the command it could not run, and a shell that is not
        // interactive ends there unless `shopt -s execfail` (brush said nothing and went on).
        let mut result = not_run(&context, name, &exec_error);
        if !context.shell.options().interactive && !context.shell.options().exit_on_exec_fail {
            result.next_control_flow = ExecutionControlFlow::ExitShell;
        }
        Ok(result)
    }
}

/// Says, in bash's words, that the program `name` could not be run, and gives exec's status.
fn not_run(
    context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
    name: &str,
    error: &std::io::Error,
) -> ExecutionResult {
    match error.kind() {
        // bash words this one as it words any command named by a path that is not there.
        std::io::ErrorKind::NotFound if name.contains('/') => {
            let said = ErrorKind::Worded(format!("{name}: No such file or directory"));
            let _ = context
                .shell
                .display_error(&mut context.stderr(), &said.into());
            ExecutionExitCode::NotFound.into()
        }
        std::io::ErrorKind::NotFound => context.failure(
            format!("{name}: not found"),
            ExecutionExitCode::NotFound.into(),
        ),
        _ => context.failure(
            format!("{name}: {error}"),
            ExecutionExitCode::CannotExecute.into(),
        ),
    }
}

/// The status a shell gives for a program's end: its exit code, or 128 and the signal that ended
/// it.
fn exit_status_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt as _;
    let code = (status.code()).or_else(|| status.signal().map(|signal| 128 + signal));
    u8::try_from(code.unwrap_or(1) & 0xff).unwrap_or(1)
}

/// Makes the redirections given to `exec` the shell's own (ncsh patch: only them, not those of
/// the commands around it).
fn keep_redirections<SE: brush_core::ShellExtensions>(
    context: &mut brush_core::ExecutionContext<'_, SE>,
) {
    for fd in context.params.redirected_here().collect::<Vec<_>>() {
        let file = context.try_fd(fd);
        context.shell.keep_open_file(fd, file);
    }
}
