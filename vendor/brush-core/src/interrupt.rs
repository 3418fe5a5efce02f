//! ncsh patch: Ctrl-C stops the whole command line of an interactive shell, as in bash. brush had
//! nothing of the kind: a loop of builtins went on (or, before the first external command installed
//! tokio's handler, SIGINT killed the shell), and a loop whose command died of SIGINT went on to its
//! next round.
//!
//! The flag is set by the SIGINT handler the interactive shell registers ([`flag`]), and when a
//! foreground command dies of SIGINT (the terminal sent it to the command's process group, not the
//! shell's). Loops and lists look at it before each command they run; an interactive shell's loop
//! clears it before each command line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::{ExecutionParameters, Shell, error, extensions, signal_traps};

/// SIGINT's number on every platform (on Windows too, where the C runtime emulates it).
pub(crate) const SIGINT: i32 = 2;

/// The flag, shared with the SIGINT handler.
pub fn flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(Arc::default).clone()
}

/// Whether an interactive shell stops its command lines on Ctrl-C ([`arm`]). A script does not
/// act on a command that died of SIGINT: bash's dies with it when the terminal's SIGINT reaches
/// the script too, and goes on (trap or none) when only the command got it.
static ARMED: AtomicBool = AtomicBool::new(false);

/// Makes a foreground command that dies of SIGINT stop the command line: called by the
/// interactive shell that registers the handler setting [`flag`].
pub fn arm() {
    ARMED.store(true, Ordering::SeqCst);
}

/// Forgets a Ctrl-C pressed before now: the next command line runs.
pub fn clear() {
    flag().store(false, Ordering::SeqCst);
}

/// Stops the command line being run, as a Ctrl-C does; with a trap on SIGINT, its command runs
/// instead, as bash runs it when a foreground command dies of SIGINT.
pub(crate) fn request() {
    if !ARMED.load(Ordering::SeqCst) {
        return;
    }
    if signal_traps::catches(SIGINT) {
        signal_traps::mark_pending(SIGINT);
        return;
    }
    flag().store(true, Ordering::SeqCst);
}

/// A Ctrl-C the shell read as a key (`read`, which takes keys as typed), acted on as the SIGINT
/// the terminal would have sent (ncsh patch): an interactive shell stops the command line, and a
/// script ends at its next checkpoint, after its EXIT trap, unless it ignores SIGINT; with a trap
/// on SIGINT, its command runs instead. No signal is sent: the process group may hold the
/// program that started the shell.
pub fn ctrl_c_read() {
    if ARMED.load(Ordering::SeqCst) {
        request();
        return;
    }
    #[cfg(unix)]
    if signal_traps::ignored(SIGINT) {
        return;
    }
    signal_traps::sigint_ends_the_shell();
}

/// Whether a signal that ends the shell has come (ncsh patch): a Ctrl-C that ends a script, or a
/// signal an EXIT trap watches; the shell ends at its next checkpoint, and a builtin that waits
/// (`wait`) stops waiting for it.
pub fn shell_ends() -> bool {
    signal_traps::ending()
}

/// Fails with [`error::ErrorKind::Interrupted`] when Ctrl-C was pressed during this command line
/// of an interactive shell. Background jobs run in shells that are not interactive, and go on;
/// but one that `kill %N` ended fails with [`error::ErrorKind::EndedBySignal`].
pub(crate) fn check(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<(), error::Error> {
    if let Some(group) = &params.background_group {
        // A stopped job's shell waits here, until continued or ended.
        group.wait_while_held();
        if let Some(signal) = group.ended_by() {
            return Err(error::ErrorKind::EndedBySignal(signal).into());
        }
    }
    if shell.options().interactive && flag().load(Ordering::SeqCst) {
        // A trap on SIGINT replaces the stop: its command runs at the checkpoint, and the command
        // line goes on, as in bash.
        if signal_traps::catches(SIGINT) {
            clear();
            return Ok(());
        }
        return Err(error::ErrorKind::Interrupted.into());
    }
    Ok(())
}
