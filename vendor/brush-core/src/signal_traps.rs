//! ncsh patch: a trap on a real signal runs its command, as in bash. brush recorded `trap CMD SIG`
//! but installed nothing, so the signal did what it does by default (USR1, TERM, HUP and INT killed
//! the shell), and `trap '' SIG` did not ignore it.
//!
//! Setting a trap sets the process's disposition of the signal (`TrapHandlerConfig` calls in
//! here): a command catches it, and the handler only marks it pending; `''` ignores it, and the
//! commands the shell starts inherit that, as in bash; `trap - SIG` puts back what the shell had
//! before its first trap on the signal (the default, or the shell's own handler, as an interactive
//! shell's SIGINT). `exec` resets a caught signal to its default, so no command the shell starts
//! runs the handler.
//!
//! The shell runs pending traps between commands, as bash does: after each pipeline, and where the
//! interpreter looks for Ctrl-C (before each command of a list, each round of a loop), with `$?`
//! kept around them. Subshells run in the shell's process, as clones of the shell, so only the
//! top-level shell sets dispositions and runs these traps.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::interrupt::SIGINT;
use crate::{
    ExecutionParameters, ExecutionResult, Shell, error, extensions, sys::signal::Signal,
    traps::TrapSignal,
};

/// One past the highest signal number on the platforms ncsh runs on (Linux's real-time signals
/// end at 64).
const SIGNAL_SLOTS: usize = 65;

/// The signals that arrived while a trap caught them, whose trap has yet to run.
static PENDING: [AtomicBool; SIGNAL_SLOTS] = [const { AtomicBool::new(false) }; SIGNAL_SLOTS];

/// Whether any of [`PENDING`] is set, so that a checkpoint with nothing to run costs one load.
static ANY_PENDING: AtomicBool = AtomicBool::new(false);

/// The signals a trap catches now. A handler cannot be taken out of the registry, so the trap's
/// action stays registered and looks here.
static CAUGHT: [AtomicBool; SIGNAL_SLOTS] = [const { AtomicBool::new(false) }; SIGNAL_SLOTS];

/// The signals that end the shell after its EXIT trap has run, while one is set, as bash's do.
static WATCHED: [AtomicBool; SIGNAL_SLOTS] = [const { AtomicBool::new(false) }; SIGNAL_SLOTS];

/// The foreground commands a non-interactive shell waits for now.
static FOREGROUND_WAITS: AtomicUsize = AtomicUsize::new(0);

/// Whether a non-interactive shell got SIGINT while it waited for a foreground command, which
/// ends the shell if the command died of it too, as bash's does (the user pressed Ctrl-C), and
/// not if the command handled it (`less`, a program that asks).
static SIGINT_WHILE_WAITING: AtomicBool = AtomicBool::new(false);

/// Ends a non-interactive shell by SIGINT at its next checkpoint, after its EXIT trap, as bash's
/// Ctrl-C does; where a trap catches SIGINT, the trap runs there instead, and where SIGINT is
/// ignored, nothing. Async-signal-safe: atomics only.
pub(crate) fn sigint_ends_the_shell() {
    let Some(n) = slot(SIGINT) else { return };
    if CAUGHT[n].load(Ordering::SeqCst) {
        mark_pending(SIGINT);
    } else {
        FATAL[n].store(true, Ordering::SeqCst);
        ANY_PENDING.store(true, Ordering::SeqCst);
    }
}

/// Notes that a non-interactive shell waits for a foreground command, until [`foreground_ended`].
pub(crate) fn foreground_waits() {
    FOREGROUND_WAITS.fetch_add(1, Ordering::SeqCst);
}

/// A foreground command ended, of SIGINT or not: the shell ends by the SIGINT it got meanwhile
/// where the command died of it, as bash's does.
pub(crate) fn foreground_ended(died_of_sigint: bool) {
    FOREGROUND_WAITS.fetch_sub(1, Ordering::SeqCst);
    if SIGINT_WHILE_WAITING.swap(false, Ordering::SeqCst) && died_of_sigint {
        sigint_ends_the_shell();
    }
}

/// The watched signals that arrived, for the next checkpoint to end the shell with.
static FATAL: [AtomicBool; SIGNAL_SLOTS] = [const { AtomicBool::new(false) }; SIGNAL_SLOTS];

/// Whether the shell is interactive, whose own handlers take the signals an EXIT trap would watch.
static INTERACTIVE: AtomicBool = AtomicBool::new(false);

/// The signals ignored when a non-interactive shell started, which its traps leave ignored, as
/// POSIX and bash have it: under `nohup`, a script's `trap cleanup HUP` ran at the hangup and ended
/// it.
static IGNORED_AT_ENTRY: [AtomicBool; SIGNAL_SLOTS] =
    [const { AtomicBool::new(false) }; SIGNAL_SLOTS];

/// Whether `signal` was ignored as the (non-interactive) shell started.
pub(crate) fn ignored_at_entry(signal: i32) -> bool {
    slot(signal).is_some_and(|n| IGNORED_AT_ENTRY[n].load(Ordering::SeqCst))
}

fn slot(signal: i32) -> Option<usize> {
    usize::try_from(signal).ok().filter(|n| *n < SIGNAL_SLOTS)
}

/// Whether a trap catches `signal` now.
pub(crate) fn catches(signal: i32) -> bool {
    slot(signal).is_some_and(|n| CAUGHT[n].load(Ordering::SeqCst))
}

/// Whether a signal that ends the shell has come, its EXIT trap to run at the next checkpoint.
pub(crate) fn ending() -> bool {
    ending_signal().is_some()
}

/// The signal that ends the shell, come and not yet acted on.
fn ending_signal() -> Option<u8> {
    if !ANY_PENDING.load(Ordering::SeqCst) {
        return None;
    }
    (0_u8..)
        .zip(FATAL.iter())
        .find_map(|(number, fatal)| fatal.load(Ordering::SeqCst).then_some(number))
}

/// Marks `signal`'s trap to run at the next checkpoint. Async-signal-safe: atomics only.
pub(crate) fn mark_pending(signal: i32) {
    if let Some(n) = slot(signal) {
        PENDING[n].store(true, Ordering::SeqCst);
        ANY_PENDING.store(true, Ordering::SeqCst);
    }
}

/// Runs the traps of the signals that arrived since the last checkpoint, in the shell that set
/// them. Returns the result of a trap that leaves (`exit`, `return`), which the caller returns.
pub(crate) async fn run_pending(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<Option<ExecutionResult>, error::Error> {
    if shell.is_subshell() {
        // A signal that ends the shell ends its subshells first (a loop in `( … )`, a pipeline's
        // command, a `$( … )`), which would otherwise keep it from its next checkpoint.
        return Ok(ending_signal().map(|number| ExecutionResult {
            next_control_flow: crate::ExecutionControlFlow::ExitShell,
            exit_code: (128 + number).into(),
        }));
    }
    if let Some(number) = ending_signal() {
        // As bash's: the EXIT trap runs, and the shell ends by the signal, as it would have
        // without the trap (`trap 'rm -f "$tmp"' EXIT` cleans up after `timeout` or `kill`).
        // Taken first, so that the trap's own checkpoints do not end the shell before it ran.
        FATAL[usize::from(number)].store(false, Ordering::SeqCst);
        let _ = shell.on_exit().await;
        end_by(i32::from(number));
    }
    if !ANY_PENDING.swap(false, Ordering::SeqCst) {
        return Ok(None);
    }
    for (number, pending) in (0_i32..).zip(PENDING.iter()) {
        if !pending.swap(false, Ordering::SeqCst) {
            continue;
        }
        let Ok(signal) = Signal::try_from(number) else {
            continue;
        };
        let result = shell
            .invoke_trap_handler(TrapSignal::Signal(signal), params)
            .await?;
        if !result.is_normal_flow() {
            // Those not looked at yet wait for the next checkpoint.
            ANY_PENDING.store(true, Ordering::SeqCst);
            return Ok(Some(result));
        }
    }
    Ok(None)
}

#[cfg(unix)]
pub use disposition::note_start;
#[cfg(unix)]
pub(crate) use disposition::{catch, end_by, ignore, ignored, restore, unwatch, watch};

/// Without signals, a trap sets nothing.
#[cfg(not(unix))]
mod no_disposition {
    use crate::sys::signal::Signal;

    pub(crate) const fn catch(_signal: Signal) {}
    pub(crate) const fn ignore(_signal: Signal) {}
    pub(crate) const fn restore(_signal: Signal) {}
    pub(crate) const fn watch() {}
    pub(crate) const fn unwatch() {}
    pub(crate) fn end_by(_signal: i32) {}
    /// Nothing is ignored.
    pub const fn note_start(_interactive: bool) {}
}
#[cfg(not(unix))]
pub use no_disposition::note_start;
#[cfg(not(unix))]
pub(crate) use no_disposition::{catch, end_by, ignore, restore, unwatch, watch};

/// Every handler in the process is the one `signal-hook-registry` installs (tokio's are, and
/// ncsh's): a trap adds its action to it. Where a trap ignores the signal or gives it back its
/// default, the registry's handler is set aside, and put back when a trap catches it again.
#[cfg(unix)]
mod disposition {
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use std::sync::atomic::Ordering;

    use nix::libc;
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};

    use super::{
        ANY_PENDING, CAUGHT, FATAL, FOREGROUND_WAITS, IGNORED_AT_ENTRY, INTERACTIVE,
        SIGINT_WHILE_WAITING, WATCHED, mark_pending, sigint_ends_the_shell, slot,
    };

    /// Notes, as the shell starts, whether it is interactive, and for one that is not, the signals
    /// ignored now; an interactive shell can trap them all, as bash's can.
    pub fn note_start(interactive: bool) {
        INTERACTIVE.store(interactive, Ordering::SeqCst);
        if interactive {
            return;
        }
        for (number, ignored_at_entry) in (0_i32..).zip(IGNORED_AT_ENTRY.iter()) {
            // The Rust runtime ignores SIGPIPE before the shell can look.
            if number != libc::SIGPIPE && ignored(number) {
                ignored_at_entry.store(true, Ordering::SeqCst);
            }
        }
        if !ignored(libc::SIGINT) {
            take_sigint_as_bash();
        }
    }

    /// A Ctrl-C ends a script as bash's: at once where no command runs in the foreground (a loop
    /// of builtins), and where one does, once it has died of it too. The default did the first
    /// only until the first command waited for put tokio's handler in, which took every SIGINT
    /// after: a script went on after Ctrl-C stopped its command. A trap's own action takes the
    /// signal where a trap catches it.
    fn take_sigint_as_bash() {
        // SAFETY: the action only loads and stores atomics, which is async-signal-safe.
        let registered = unsafe {
            signal_hook_registry::register(libc::SIGINT, || {
                let Some(n) = slot(libc::SIGINT) else { return };
                if CAUGHT[n].load(Ordering::SeqCst) {
                    return;
                }
                if FOREGROUND_WAITS.load(Ordering::SeqCst) > 0 {
                    SIGINT_WHILE_WAITING.store(true, Ordering::SeqCst);
                } else {
                    sigint_ends_the_shell();
                }
            })
        };
        if let Err(e) = registered {
            tracing::warn!("cannot watch SIGINT; Ctrl-C may not end the script: {e}");
        }
    }

    /// The signals whose default ends the shell and that an EXIT trap watches, as bash's
    /// terminating signals. Not SIGINT: as bash's, the script ends on Ctrl-C only where the
    /// foreground command died of it (`interrupt::request`), not where it handled it (`less`).
    const ENDING: [i32; 8] = [
        libc::SIGHUP,
        libc::SIGTERM,
        libc::SIGALRM,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGXCPU,
        libc::SIGXFSZ,
        libc::SIGVTALRM,
    ];

    /// Makes the signals that would end a non-interactive shell with their default run the EXIT
    /// trap first, as an EXIT trap is set. Those a trap has touched and those that are ignored
    /// are left as they are, and an interactive shell's all (its own handlers take them, once
    /// its startup files have run).
    pub(crate) fn watch() {
        if INTERACTIVE.load(Ordering::SeqCst) {
            return;
        }
        for number in ENDING {
            let Some(n) = slot(number) else { continue };
            // Untouched by traps, or only by this watch before, and at its default now.
            let watchable = RECORDS.lock().is_ok_and(|records| {
                records
                    .get(&number)
                    .is_none_or(|record| record.watcher && !record.registered)
            });
            if !watchable
                || current(number).is_none_or(|action| action.sa_sigaction != libc::SIG_DFL)
            {
                continue;
            }
            // The record notes the default first, which `trap - SIG` puts back.
            with_record(number, |record| {
                if !record.watcher {
                    // SAFETY: the action only loads and stores atomics, which is
                    // async-signal-safe.
                    let registered = unsafe {
                        signal_hook_registry::register(number, move || {
                            if WATCHED[n].load(Ordering::SeqCst)
                                && !CAUGHT[n].load(Ordering::SeqCst)
                            {
                                FATAL[n].store(true, Ordering::SeqCst);
                                ANY_PENDING.store(true, Ordering::SeqCst);
                            }
                        })
                    };
                    record.watcher = registered.is_ok();
                } else if let Some(handler) = record.set_aside.take() {
                    replace(number, &handler);
                }
                WATCHED[n].store(record.watcher, Ordering::SeqCst);
            });
        }
    }

    /// Gives the watched signals that no trap catches or ignores their default back, as the EXIT
    /// trap goes.
    pub(crate) fn unwatch() {
        for number in ENDING {
            let Some(n) = slot(number) else { continue };
            if WATCHED[n].swap(false, Ordering::SeqCst)
                && !CAUGHT[n].load(Ordering::SeqCst)
                && current(number).is_some_and(|action| is_handler(&action))
            {
                if let Ok(signal) = Signal::try_from(number) {
                    set_plain(signal, SigHandler::SigDfl);
                }
            }
        }
    }

    /// Ends the process by `signal`, with its default disposition, as the shell would have ended
    /// without an EXIT trap.
    pub(crate) fn end_by(signal: i32) -> ! {
        let default = libc::sigaction::from(SigAction::new(
            SigHandler::SigDfl,
            SaFlags::empty(),
            SigSet::empty(),
        ));
        replace(signal, &default);
        if let Ok(signal) = Signal::try_from(signal) {
            let _ = SigSet::from(signal).thread_unblock();
            let _ = nix::sys::signal::raise(signal);
        }
        std::process::exit(128 + signal);
    }

    /// What the traps did to one signal's disposition.
    struct Record {
        /// The disposition before the first trap on the signal, which `trap -` puts back.
        before_traps: libc::sigaction,
        /// Whether the trap's action is in the registry.
        registered: bool,
        /// The registry's handler, while a trap has replaced it with `SIG_IGN` or `SIG_DFL`.
        set_aside: Option<libc::sigaction>,
        /// Whether the EXIT trap's watch of the signal is in the registry.
        watcher: bool,
    }

    static RECORDS: Mutex<BTreeMap<i32, Record>> = Mutex::new(BTreeMap::new());

    /// Makes a trap's command run when `signal` comes.
    pub(crate) fn catch(signal: Signal) {
        let number = signal as i32;
        let Some(n) = slot(number) else { return };
        if cannot_be_caught(number) {
            return;
        }
        with_record(number, |record| {
            CAUGHT[n].store(true, Ordering::SeqCst);
            if !record.registered {
                // SAFETY: the action only stores to atomics, which is async-signal-safe.
                let registered = unsafe {
                    signal_hook_registry::register(number, move || {
                        if CAUGHT[n].load(Ordering::SeqCst) {
                            mark_pending(number);
                        }
                    })
                };
                match registered {
                    Ok(_) => record.registered = true,
                    Err(e) => tracing::warn!("cannot catch {signal}; its trap will not run: {e}"),
                }
            }
            // A registry that already had a slot for the signal does not install its handler again.
            if let Some(handler) = record.set_aside.take() {
                replace(number, &handler);
            }
        });
    }

    /// Makes the shell, and the commands it starts, ignore `signal`.
    pub(crate) fn ignore(signal: Signal) {
        set_plain(signal, SigHandler::SigIgn);
    }

    /// Gives `signal` back the disposition it had before the first trap on it.
    pub(crate) fn restore(signal: Signal) {
        let number = signal as i32;
        let Some(before) = RECORDS
            .lock()
            .ok()
            .and_then(|records| records.get(&number).map(|record| record.before_traps))
        else {
            // No trap ever touched it.
            return;
        };
        let watched = slot(number).is_some_and(|n| WATCHED[n].load(Ordering::SeqCst));
        if is_handler(&before) || watched {
            // The shell's own handler (an interactive shell's SIGINT, SIGHUP), or the EXIT trap's
            // watch: the trap's action stops, and the handler is put back if a trap had set it
            // aside.
            if let Some(n) = slot(number) {
                CAUGHT[n].store(false, Ordering::SeqCst);
            }
            with_record(number, |record| {
                if let Some(handler) = record.set_aside.take() {
                    replace(number, &handler);
                }
            });
        } else if before.sa_sigaction == libc::SIG_IGN {
            set_plain(signal, SigHandler::SigIgn);
        } else {
            set_plain(signal, SigHandler::SigDfl);
        }
    }

    /// Whether `signal` is ignored now.
    pub(crate) fn ignored(signal: i32) -> bool {
        current(signal).is_some_and(|action| action.sa_sigaction == libc::SIG_IGN)
    }

    /// Sets `SIG_IGN` or `SIG_DFL`, keeping the registry's handler aside if it was there.
    fn set_plain(signal: Signal, handler: SigHandler) {
        let number = signal as i32;
        let Some(n) = slot(number) else { return };
        CAUGHT[n].store(false, Ordering::SeqCst);
        if cannot_be_caught(number) || number == libc::SIGCHLD {
            // tokio waits for commands through SIGCHLD; ignoring it would have the kernel reap
            // them first.
            return;
        }
        let plain =
            libc::sigaction::from(SigAction::new(handler, SaFlags::empty(), SigSet::empty()));
        with_record(number, |record| {
            if let Some(old) = replace(number, &plain)
                && is_handler(&old)
                && record.set_aside.is_none()
            {
                record.set_aside = Some(old);
            }
        });
    }

    /// Runs `change` on `signal`'s record, first noting the disposition it had before any trap.
    fn with_record(signal: i32, change: impl FnOnce(&mut Record)) {
        let Ok(mut records) = RECORDS.lock() else {
            return;
        };
        if !records.contains_key(&signal) {
            let Some(before_traps) = current(signal) else {
                return;
            };
            records.insert(
                signal,
                Record {
                    before_traps,
                    registered: false,
                    set_aside: None,
                    watcher: false,
                },
            );
        }
        if let Some(record) = records.get_mut(&signal) {
            change(record);
        }
    }

    /// SIGKILL and SIGSTOP cannot be caught; the registry refuses SIGILL, SIGFPE and SIGSEGV,
    /// whose handlers cannot return. Traps on them are recorded and leave the signal as it is.
    fn cannot_be_caught(signal: i32) -> bool {
        signal_hook_registry::FORBIDDEN.contains(&signal)
    }

    fn is_handler(action: &libc::sigaction) -> bool {
        action.sa_sigaction != libc::SIG_DFL && action.sa_sigaction != libc::SIG_IGN
    }

    fn current(signal: i32) -> Option<libc::sigaction> {
        let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
        // SAFETY: with no new action, sigaction only writes the current one into `old`, which is
        // a `sigaction` struct.
        let status = unsafe { libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) };
        // SAFETY: sigaction filled `old` in, and all-zero bytes are a valid `sigaction` anyway.
        (status == 0).then(|| unsafe { old.assume_init() })
    }

    /// Installs `action`, returning the one it replaced.
    fn replace(signal: i32, action: &libc::sigaction) -> Option<libc::sigaction> {
        let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
        // SAFETY: `action` is `SIG_IGN`, `SIG_DFL` or the registry's handler, taken from
        // sigaction itself; `old` is a `sigaction` struct for the one it replaces.
        let status = unsafe { libc::sigaction(signal, action, old.as_mut_ptr()) };
        if status != 0 {
            tracing::warn!(
                "cannot set the disposition of signal {signal}: {}",
                std::io::Error::last_os_error()
            );
            return None;
        }
        // SAFETY: sigaction filled `old` in, and all-zero bytes are a valid `sigaction` anyway.
        Some(unsafe { old.assume_init() })
    }
}
