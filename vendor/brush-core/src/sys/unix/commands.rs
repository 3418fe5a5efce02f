//! Command execution utilities.

pub use std::os::unix::process::CommandExt;
pub use std::os::unix::process::ExitStatusExt;

use command_fds::{CommandFdExt, FdMapping};

use crate::ShellFd;
use crate::error;
use crate::openfiles;

/// Extension trait for injecting file descriptors into commands.
pub trait CommandFdInjectionExt {
    /// Injects the given open files as file descriptors into the command.
    ///
    /// # Arguments
    ///
    /// * `open_files` - A mapping of child file descriptors to open files.
    fn inject_fds(
        &mut self,
        open_files: impl Iterator<Item = (ShellFd, openfiles::OpenFile)>,
    ) -> Result<(), error::Error>;

    /// Closes the descriptors `fds` in the child (ncsh patch: `cmd >&-`, `cmd 2>&-`).
    fn close_fds(&mut self, fds: Vec<ShellFd>);
}

impl CommandFdInjectionExt for std::process::Command {
    fn inject_fds(
        &mut self,
        open_files: impl Iterator<Item = (ShellFd, openfiles::OpenFile)>,
    ) -> Result<(), error::Error> {
        let fd_mappings: Vec<FdMapping> = open_files
            .map(|(child_fd, open_file)| -> Result<FdMapping, error::Error> {
                let parent_fd = open_file.try_clone_to_owned()?;
                Ok(FdMapping {
                    child_fd,
                    parent_fd,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        self.fd_mappings(fd_mappings)
            .map_err(|_e| error::ErrorKind::ChildCreationFailure)?;

        Ok(())
    }

    fn close_fds(&mut self, fds: Vec<ShellFd>) {
        if fds.is_empty() {
            return;
        }
        // SAFETY: the closure runs in the child between fork and exec, after its standard streams
        // are set up, and calls only `close`, which is async-signal-safe.
        unsafe {
            self.pre_exec(move || {
                for fd in &fds {
                    libc::close(*fd);
                }
                Ok(())
            });
        }
    }
}

/// Extension trait for arranging for commands to take the foreground.
pub trait CommandFgControlExt {
    /// Arranges for the command to take the foreground when it is executed.
    fn take_foreground(&mut self);
    /// Arranges for the command to become a session leader when it is executed.
    fn lead_session(&mut self);
}

impl CommandFgControlExt for std::process::Command {
    fn take_foreground(&mut self) {
        // SAFETY:
        // This arranges for a provided function to run in the context of
        // the forked process before it exec's the target command. In general,
        // rust can't guarantee safety of code running in such a context.
        unsafe {
            self.pre_exec(pre_exec_take_foreground);
        }
    }

    fn lead_session(&mut self) {
        // SAFETY:
        // This arranges for a provided function to run in the context of
        // the forked process before it exec's the target command. In general,
        // rust can't guarantee safety of code running in such a context.
        unsafe {
            self.pre_exec(pre_exec_lead_session);
        }
    }
}

fn pre_exec_take_foreground() -> Result<(), std::io::Error> {
    use crate::sys;

    sys::terminal::move_self_to_foreground()?;
    Ok(())
}

fn pre_exec_lead_session() -> Result<(), std::io::Error> {
    if let Err(e) = nix::unistd::setsid() {
        return Err(std::io::Error::other(format!(
            "failed to become session leader: {e}"
        )));
    }

    #[cfg(not(target_os = "macos"))]
    let control = libc::TIOCSCTTY;
    #[cfg(target_os = "macos")]
    let control: u64 = libc::TIOCSCTTY.into();

    // SAFETY:
    // This is calling a libc function to set the controlling terminal.
    let result = unsafe { libc::ioctl(0, control, 0) };
    if result != 0 {
        return Err(std::io::Error::other("failed to set controlling terminal"));
    }

    Ok(())
}

/// Extension trait for running a command without the C library's fallback to `/bin/sh` (ncsh
/// patch).
pub trait CommandExecWithoutFallbackExt {
    /// Arranges for the command to be run by `execve` itself, as the last step before it runs,
    /// with the environment set on it (which must start from `env_clear`):
    /// where the kernel refuses the file as not executable (`ENOEXEC`), `refusal` is written to
    /// the command's stderr and it exits with 126, as bash's does. `execvp`, which the standard
    /// library uses, runs such a file with `/bin/sh` instead, so a binary for another machine, or
    /// a broken one, ran as a shell script (`./x: 1: ELF…: not found`). Register it after any
    /// other step to run before the command.
    ///
    /// # Errors
    /// When the program or an argument holds a NUL byte.
    fn exec_without_shell_fallback(
        &mut self,
        argv0: &str,
        refusal: Vec<u8>,
    ) -> Result<(), std::io::Error>;
}

/// The program, argument vector and environment `execve` takes, built before the fork: after it,
/// in the child of a process with threads, nothing may allocate.
struct ExecArguments {
    program: std::ffi::CString,
    _strings: Vec<std::ffi::CString>,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
    refusal: Vec<u8>,
}

// SAFETY: the pointers in `argv` and `envp` point into `_strings`, which the value owns and
// never changes; the child reads them only.
unsafe impl Send for ExecArguments {}
// SAFETY: as for `Send`.
unsafe impl Sync for ExecArguments {}

impl CommandExecWithoutFallbackExt for std::process::Command {
    fn exec_without_shell_fallback(
        &mut self,
        argv0: &str,
        refusal: Vec<u8>,
    ) -> Result<(), std::io::Error> {
        use std::os::unix::ffi::OsStrExt as _;
        let c_string = |bytes: &[u8]| {
            std::ffi::CString::new(bytes).map_err(|error| std::io::Error::other(error.to_string()))
        };
        let program = c_string(self.get_program().as_bytes())?;
        let arguments = std::iter::once(argv0.as_bytes())
            .chain(self.get_args().map(std::ffi::OsStr::as_bytes))
            .map(c_string)
            .collect::<Result<Vec<_>, _>>()?;
        let variables = self
            .get_envs()
            .filter_map(|(name, value)| Some([name.as_bytes(), b"=", value?.as_bytes()].concat()))
            .map(|variable| c_string(&variable))
            .collect::<Result<Vec<_>, _>>()?;
        let null_ended = |strings: &[std::ffi::CString]| {
            strings
                .iter()
                .map(|string| string.as_ptr())
                .chain(std::iter::once(std::ptr::null()))
                .collect()
        };
        let argv = null_ended(&arguments);
        let envp = null_ended(&variables);
        let exec = ExecArguments {
            program,
            _strings: arguments.into_iter().chain(variables).collect(),
            argv,
            envp,
            refusal,
        };
        // The shell ignores SIGTTOU to control its terminal; the command gets the default back,
        // as bash's do, so that one in the background that changes the terminal's modes stops
        // (`vim &` drew over the prompt).
        let default_sigttou = crate::sys::signal::sigttou_masked();
        // SAFETY: the closure runs in the child between fork and exec, and calls only `signal`,
        // `execve`, `write` and `_exit`, which are async-signal-safe, on memory built before the
        // fork.
        unsafe {
            self.pre_exec(move || {
                // The whole value, which is `Send`, not its fields, which are not.
                let exec = &exec;
                if default_sigttou {
                    libc::signal(libc::SIGTTOU, libc::SIG_DFL);
                }
                libc::execve(
                    exec.program.as_ptr(),
                    exec.argv.as_ptr(),
                    exec.envp.as_ptr(),
                );
                let error = std::io::Error::last_os_error();
                if error.raw_os_error() == Some(libc::ENOEXEC) {
                    libc::write(2, exec.refusal.as_ptr().cast(), exec.refusal.len());
                    libc::_exit(126);
                }
                Err(error)
            });
        }
        Ok(())
    }
}
