//! Facilities for configuring trap handlers.

use std::str::FromStr;
use std::{collections::HashMap, fmt::Display};

use itertools::Itertools as _;

use crate::{error, signal_traps, sys};

/// Type of signal that can be trapped in the shell.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq)]
pub enum TrapSignal {
    /// A system signal.
    Signal(sys::signal::Signal),
    /// The `DEBUG` trap.
    Debug,
    /// The `ERR` trap.
    Err,
    /// The `EXIT` trap.
    Exit,
    /// The `RETURN` trp.
    Return,
}

#[cfg(feature = "serde")]
impl serde::Serialize for TrapSignal {
    fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: serde::Serializer,
    {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TrapSignal {
    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        let s = String::deserialize(deserializer)?;
        Self::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

impl Display for TrapSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TrapSignal {
    /// Returns all possible values of [`TrapSignal`].
    pub fn iterator() -> impl Iterator<Item = Self> {
        const SIGNALS: &[TrapSignal] = &[TrapSignal::Debug, TrapSignal::Err, TrapSignal::Exit];

        let iter = itertools::chain!(
            SIGNALS.iter().copied(),
            sys::signal::Signal::iterator().map(TrapSignal::Signal)
        );

        iter
    }

    /// Converts [`TrapSignal`] into its corresponding signal name as a [`&'static str`](str)
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Signal(s) => s.as_str(),
            Self::Debug => "DEBUG",
            Self::Err => "ERR",
            Self::Exit => "EXIT",
            Self::Return => "RETURN",
        }
    }
}

/// Formats [`Iterator<Item = TrapSignal>`](TrapSignal)  to the provided writer.
///
/// # Arguments
///
/// * `f` - Any type that implements [`std::io::Write`].
/// * `it` - An iterator over the signals that will be formatted into the `f`.
pub fn format_signals(
    mut f: impl std::io::Write,
    it: impl Iterator<Item = TrapSignal>,
) -> Result<(), error::Error> {
    // ncsh patch: in bash's columns, five to a line (` 1) SIGHUP\t 2) SIGINT…`), its signals
    // only (not `0) EXIT`), each line ended; brush wrote one to a line, the last not ended.
    let signals = it
        .filter_map(|s| i32::try_from(s).ok().map(|n| (s, n)))
        .filter(|(_, n)| *n > 0)
        .sorted_by(|a, b| Ord::cmp(&a.1, &b.1));
    let mut written = 0;
    for (signal, number) in signals {
        written += 1;
        let end = if written % 5 == 0 { '\n' } else { '\t' };
        write!(f, "{number:2}) {signal}{end}")?;
    }
    if written % 5 != 0 {
        writeln!(f)?;
    }
    Ok(())
}

// implement s.parse::<TrapSignal>()
impl FromStr for TrapSignal {
    type Err = error::Error;
    fn from_str(s: &str) -> Result<Self, <Self as FromStr>::Err> {
        if let Ok(n) = s.parse::<i32>() {
            Self::try_from(n)
        } else {
            Self::try_from(s)
        }
    }
}

// from a signal number
impl TryFrom<i32> for TrapSignal {
    type Error = error::Error;
    fn try_from(value: i32) -> Result<Self, Self::Error> {
        // NOTE: DEBUG and ERR are real-time signals, defined based on NSIG or SIGRTMAX (is not
        // available on bsd-like systems),
        // and don't have persistent numbers across platforms, so we skip them here.
        Ok(match value {
            0 => Self::Exit,
            value => Self::Signal(
                sys::signal::Signal::try_from(value)
                    .map_err(|_| error::ErrorKind::InvalidSignal(value.to_string()))?,
            ),
        })
    }
}

// from a signal name
impl TryFrom<&str> for TrapSignal {
    type Error = error::Error;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        #[allow(unused_mut, reason = "only mutated on some platforms")]
        let mut s = value.to_ascii_uppercase();

        Ok(match s.as_str() {
            "DEBUG" => Self::Debug,
            "ERR" => Self::Err,
            "EXIT" => Self::Exit,
            "RETURN" => Self::Return,
            _ => {
                // Bash compatibility:
                // support for signal names without the `SIG` prefix, for example `HUP` -> `SIGHUP`
                if !s.starts_with("SIG") {
                    s.insert_str(0, "SIG");
                }
                sys::signal::Signal::from_str(s.as_str())
                    .map(TrapSignal::Signal)
                    .map_err(|_| error::ErrorKind::InvalidSignal(value.into()))?
            }
        })
    }
}

/// Error type used when failing to convert a `TrapSignal` to a number.
#[derive(Debug, Clone, Copy)]
pub struct TrapSignalNumberError;

impl TryFrom<TrapSignal> for i32 {
    type Error = TrapSignalNumberError;
    fn try_from(value: TrapSignal) -> Result<Self, Self::Error> {
        Ok(match value {
            TrapSignal::Signal(s) => s as Self,
            TrapSignal::Exit => 0,
            _ => return Err(TrapSignalNumberError),
        })
    }
}

/// A handler for a trap signal.
#[derive(Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrapHandler {
    /// The source text of the command to invoke.
    pub command: String,
    /// Source information for where the trap handler was defined.
    pub source_info: crate::SourceInfo,
}

/// Configuration for trap handlers in the shell.
#[derive(Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrapHandlerConfig {
    /// Registered handlers for traps; maps signal type to command.
    handlers: HashMap<TrapSignal, TrapHandler>,
    /// ncsh patch: whether these are a subshell's traps. A subshell runs in the shell's process,
    /// so its traps leave the process's signal dispositions alone (see `signal_traps`).
    #[cfg_attr(feature = "serde", serde(skip))]
    in_subshell: bool,
    /// ncsh patch: the traps a subshell set itself. A subshell runs its own EXIT trap as it ends,
    /// as bash's does, but not the one it inherited, which `trap` still lists; and its own ERR,
    /// DEBUG and RETURN traps fire, where the ones it inherited do only as `set -E`/`-T` say.
    #[cfg_attr(feature = "serde", serde(skip))]
    set_here: std::collections::HashSet<TrapSignal>,
    /// ncsh patch: how many handlers the functions being called have put aside (`put_aside`), so
    /// that a trap a function does not see still counts as set (`any_set`).
    #[cfg_attr(feature = "serde", serde(skip))]
    put_aside: usize,
}

impl TrapHandlerConfig {
    /// Iterates over the registered handlers for trap signals.
    pub fn iter_handlers(&self) -> impl Iterator<Item = (TrapSignal, &TrapHandler)> {
        self.handlers
            .iter()
            .map(|(signal, handler)| (*signal, handler))
    }

    /// Tries to find the handler associated with the given signal.
    ///
    /// # Arguments
    ///
    /// * `signal_type` - The type of signal to get the handler for.
    pub fn get_handler(&self, signal_type: TrapSignal) -> Option<&TrapHandler> {
        self.handlers.get(&signal_type)
    }

    /// Whether any trap is set, one the functions being called put aside too (ncsh patch): a
    /// function that does not see the ERR trap still names its commands for it
    /// (`BASH_COMMAND`), which the caller's ERR trap reads after it returns.
    pub(crate) fn any_set(&self) -> bool {
        !self.handlers.is_empty() || self.put_aside > 0
    }

    /// Returns whether a handler is registered for the given signal.
    pub fn handles(&self, signal_type: TrapSignal) -> bool {
        self.handlers.contains_key(&signal_type)
    }

    /// A copy for a subshell of the shell these belong to (ncsh patch).
    pub(crate) fn for_subshell(&self) -> Self {
        Self {
            handlers: self.handlers.clone(),
            in_subshell: true,
            set_here: std::collections::HashSet::new(),
            put_aside: self.put_aside,
        }
    }

    /// Whether these are a subshell's traps and it set the trap on `signal` itself (ncsh patch).
    pub(crate) fn set_by_subshell(&self, signal: TrapSignal) -> bool {
        self.in_subshell && self.set_here.contains(&signal)
    }

    /// Takes out the handlers of the ERR, DEBUG and RETURN traps that a function called now does
    /// not inherit (`inherited` says which it does), for `restore_put_aside` when it returns
    /// (ncsh patch): bash puts them aside as it calls the function, so that one the function sets
    /// runs there, and stays after it.
    pub(crate) fn put_aside(
        &mut self,
        inherited: impl Fn(TrapSignal) -> bool,
    ) -> Vec<(TrapSignal, TrapHandler)> {
        let aside: Vec<_> = [TrapSignal::Err, TrapSignal::Debug, TrapSignal::Return]
            .into_iter()
            .filter(|signal| !inherited(*signal))
            .filter_map(|signal| Some((signal, self.handlers.remove(&signal)?)))
            .collect();
        self.put_aside += aside.len();
        aside
    }

    /// Puts back the handlers `put_aside` took out where the function left the signal untrapped
    /// (ncsh patch): one the function set stays, as in bash.
    pub(crate) fn restore_put_aside(&mut self, aside: Vec<(TrapSignal, TrapHandler)>) {
        self.put_aside = self.put_aside.saturating_sub(aside.len());
        for (signal, handler) in aside {
            self.handlers.entry(signal).or_insert(handler);
        }
    }

    /// Registers a handler for a trap signal.
    ///
    /// # Arguments
    ///
    /// * `signal_type` - The type of signal to register a handler for.
    /// * `command` - The command to execute when the signal is trapped.
    /// * `source_info` - The source info for where the trap handler was defined.
    pub fn register_handler(
        &mut self,
        signal_type: TrapSignal,
        mut command: String,
        source_info: crate::SourceInfo,
    ) {
        if let TrapSignal::Signal(signal) = signal_type {
            // ncsh patch: a signal ignored as a non-interactive shell started stays ignored, as
            // POSIX and bash have it (`nohup script` whose script traps HUP); `trap -p` shows it so.
            if signal_traps::ignored_at_entry(signal as i32) {
                command.clear();
            }
            // ncsh patch: the signal is caught, or ignored for `''`.
            if !self.in_subshell {
                if command.is_empty() {
                    signal_traps::ignore(signal);
                } else {
                    signal_traps::catch(signal);
                }
            }
        }
        // ncsh patch: a signal that ends the shell runs the EXIT trap first, as in bash.
        if matches!(signal_type, TrapSignal::Exit) && !self.in_subshell {
            signal_traps::watch();
        }
        self.set_here.insert(signal_type);
        let _ = self.handlers.insert(
            signal_type,
            TrapHandler {
                command,
                source_info,
            },
        );
    }

    /// Removes handlers for a trap signal.
    ///
    /// # Arguments
    ///
    /// * `signal_type` - The type of signal to remove handlers for.
    pub fn remove_handlers(&mut self, signal_type: TrapSignal) {
        if let TrapSignal::Signal(signal) = signal_type
            && signal_traps::ignored_at_entry(signal as i32)
        {
            return;
        }
        // ncsh patch: the signal gets back what it had before the first trap on it.
        if let TrapSignal::Signal(signal) = signal_type
            && !self.in_subshell
        {
            signal_traps::restore(signal);
        }
        if matches!(signal_type, TrapSignal::Exit) && !self.in_subshell {
            signal_traps::unwatch();
        }
        self.set_here.remove(&signal_type);
        self.handlers.remove(&signal_type);
    }
}
