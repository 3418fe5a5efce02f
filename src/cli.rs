//! The command line, as bash reads it, plus ncsh's recording flags.

use std::path::PathBuf;

use clap::Parser;

/// ncsh: a bash-compatible shell whose host sees every screen it shows.
///
/// With no COMMAND and no FILE, on a terminal, ncsh starts an interactive session behind its host;
/// otherwise it runs the command, the script, or the commands on standard input, and exits with the
/// status of the last command.
/// The variables ncsh reads beside bash's, for `ncsh --help`.
const ENVIRONMENT: &str = "\
Environment:
  NCSH_HOME              Where all of ncsh's files go: state/ (history, logs), data/ (the store of
                         generations), runtime/ (the daemon's socket); else the XDG directories
                         (~/.local/state/ncsh, ~/.local/share/ncsh, $XDG_RUNTIME_DIR/ncsh)
  NCSH_RUNTIME           The runtime of an interactive session, as --runtime (for a login shell)
  NCSH_LOG               What to log, as tracing filters it (NCSH_LOG=debug), to ncsh.log in the
                         state directory for an interactive session
  NCSH_DAEMON=manual     Shells do not start the daemon (a service manager runs `ncsh --daemon`)
  NCSH_DAEMON_IDLE_SECS  How long the daemon waits after the last shell before it exits

The README says the rest; in the shell, `cap --help`, `gen --help`, `audit --help`,
`daemon --help`, `neural --help`, `calc --help` and `fs --help`.";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "ncsh",
    version,
    max_term_width = 100,
    after_long_help = ENVIRONMENT
)]
pub struct Cli {
    /// Run COMMAND, then exit; the arguments after it set $0, $1, …
    #[arg(short = 'c', value_name = "COMMAND")]
    pub command: Option<String>,

    /// Interactive, even when standard input is not a terminal.
    #[arg(short = 'i')]
    pub interactive: bool,

    /// Login shell: source /etc/profile, then the first of ~/.bash_profile, ~/.bash_login, ~/.profile
    /// (also when argv[0] starts with `-`).
    #[arg(short = 'l', long = "login")]
    pub login: bool,

    /// Read commands from standard input; the arguments set $1, $2, …
    #[arg(short = 's')]
    pub read_stdin: bool,

    /// Do not source ~/.bashrc in an interactive shell.
    #[arg(long = "norc")]
    pub no_rc: bool,

    /// Do not source the profile files in a login shell.
    #[arg(long = "noprofile")]
    pub no_profile: bool,

    /// Source FILE instead of ~/.bashrc in an interactive shell.
    #[arg(long = "rcfile", value_name = "FILE")]
    pub rc_file: Option<PathBuf>,

    /// Exit at the first command that fails (set -e).
    #[arg(short = 'e')]
    pub errexit: bool,

    /// Treat unset variables as an error (set -u).
    #[arg(short = 'u')]
    pub nounset: bool,

    /// Print commands as they run (set -x).
    #[arg(short = 'x')]
    pub xtrace: bool,

    /// Print input lines as they are read (set -v).
    #[arg(short = 'v')]
    pub verbose: bool,

    /// Read commands but do not run them (set -n).
    #[arg(short = 'n')]
    pub noexec: bool,

    /// Disable pathname expansion (set -f).
    #[arg(short = 'f')]
    pub noglob: bool,

    /// Set a shell option by name, as `set -o OPTION` does; `+o OPTION` unsets one, and `-O
    /// SHOPT` and `+O SHOPT` set and unset a `shopt` option, as in bash.
    #[arg(short = 'o', value_name = "OPTION")]
    pub options: Vec<String>,

    /// The options written with `+` or as `-O`, taken from the command line before clap reads it.
    #[arg(skip)]
    pub named: NamedOptions,

    /// Record the interactive session as asciicast v2 (plays with `asciinema play FILE.cast`).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<PathBuf>,

    /// Record each step of the interactive session as a JSON line (frame_before, action, frame_after,
    /// exit_status, timing); see the README.
    #[arg(long = "record-steps", value_name = "FILE")]
    pub record_steps: Option<PathBuf>,

    /// The learned runtime of an interactive session (default: $NCSH_RUNTIME, else hybrid).
    /// `hybrid`: commands run for real, and on a thread of its own the model predicts each screen
    /// from the one before and the command; `neural fidelity` says how close it came. `symbolic`:
    /// the model is off. `neural`: a neural computer in place of the shell: the model draws every
    /// screen and no command runs; arithmetic is checked by calc and file commands by fs on a
    /// sandbox disk, whose exact screen replaces a wrong one. Runs without a terminal (-c, a
    /// script, commands on standard input) show no screens: there `hybrid` runs symbolic, and
    /// `neural` is refused (`NCSH_RUNTIME=neural` runs the shell instead).
    #[arg(long, value_enum)]
    pub runtime: Option<RuntimeMode>,

    /// Run this user's daemon, which owns the store of generations (shells start it when they need
    /// it; it exits by itself some minutes after the last shell).
    #[arg(long, conflicts_with_all = ["command", "interactive", "login", "record", "record_steps", "args"])]
    pub daemon: bool,

    /// The interpreter side of a hosted session (set by the host; not for people).
    #[arg(long, hide = true)]
    pub interpreter: bool,

    /// The script to run and its arguments ($1, $2, …); with -c or -s, the positional arguments.
    #[arg(value_name = "FILE [ARGS]", trailing_var_arg = true)]
    pub args: Vec<String>,
}

/// The options bash writes with `+` or as `-O`, which clap does not read: `+o NAME` unsets a `set
/// -o` option, `-O NAME` and `+O NAME` set and unset a `shopt` option (`bash -O globstar -c …`,
/// `#!/bin/bash -O extglob`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamedOptions {
    /// `+o NAME`.
    pub unset: Vec<String>,
    /// `-O NAME`.
    pub shopt_set: Vec<String>,
    /// `+O NAME`.
    pub shopt_unset: Vec<String>,
}

/// The flags of ncsh's command line whose value is the next word.
const TAKES_A_VALUE: [&str; 4] = ["--rcfile", "--record", "--record-steps", "--runtime"];

impl NamedOptions {
    /// Takes these options out of `argv`, from among the options before the script or `-c`'s
    /// command, and gives the rest for clap; an option with no name after it is refused.
    ///
    /// # Errors
    /// Names the option left without a name.
    pub fn take_from(argv: &[String]) -> Result<(Vec<String>, NamedOptions), String> {
        let mut named = NamedOptions::default();
        let mut rest = argv[..1.min(argv.len())].to_vec();
        let mut words = argv.iter().skip(1);
        while let Some(word) = words.next() {
            let (list, other) = match word.as_str() {
                "+o" => (&mut named.unset, None),
                "-O" => (&mut named.shopt_set, Some(&mut named.shopt_unset)),
                "+O" => (&mut named.shopt_unset, Some(&mut named.shopt_set)),
                _ => {
                    rest.push(word.clone());
                    let short = word.starts_with('-') && !word.starts_with("--") && word.len() > 1;
                    let valued = TAKES_A_VALUE.contains(&word.as_str())
                        || (short && (word.ends_with('c') || word.ends_with('o')));
                    if valued && let Some(value) = words.next() {
                        rest.push(value.clone());
                    }
                    // The script, `-c`'s command, or `--`: what follows is its arguments.
                    if word == "--"
                        || !word.starts_with(['-', '+'])
                        || (short && word.ends_with('c'))
                    {
                        rest.extend(words.cloned());
                        break;
                    }
                    continue;
                }
            };
            let name = words.next();
            let name = name.ok_or(format!("{word}: option requires an argument"))?;
            // The last of `-O NAME` and `+O NAME` wins, as in bash.
            if let Some(other) = other {
                other.retain(|given| given != name);
            }
            list.push(name.clone());
        }
        Ok((rest, named))
    }
}

/// What runs beside the shell's own commands (DESIGN.md, "Runtime modes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RuntimeMode {
    /// A plain shell: the learned runtime is off.
    Symbolic,
    /// Commands run for real; the learned runtime follows and is scored.
    Hybrid,
    /// A neural computer: the learned runtime draws every screen, checked where it can be.
    Neural,
}

impl Cli {
    /// The runtime asked for: `--runtime`, else `$NCSH_RUNTIME`, else hybrid; with a warning when
    /// the variable names no runtime. A bad value set for every login must not keep the shell from
    /// starting, so it is not refused.
    pub fn runtime(&self) -> (RuntimeMode, Option<String>) {
        use clap::ValueEnum;
        if let Some(mode) = self.runtime {
            return (mode, None);
        }
        match std::env::var("NCSH_RUNTIME") {
            Err(_) => (RuntimeMode::Hybrid, None),
            Ok(value) if value.is_empty() => (RuntimeMode::Hybrid, None),
            Ok(value) => match RuntimeMode::from_str(&value, true) {
                Ok(mode) => (mode, None),
                Err(_) => (
                    RuntimeMode::Hybrid,
                    Some(format!(
                        "NCSH_RUNTIME is {value:?}, which is not hybrid, symbolic or neural; running hybrid"
                    )),
                ),
            },
        }
    }

    /// Whether this run reads commands interactively rather than from -c or a script.
    pub fn reads_commands_from_stdin(&self) -> bool {
        self.command.is_none() && (self.read_stdin || self.args.is_empty())
    }

    /// The `set -o` names that the short flags stand for, plus any given with -o.
    pub fn enabled_options(&self) -> Vec<String> {
        let flags = [
            (self.errexit, "errexit"),
            (self.nounset, "nounset"),
            (self.xtrace, "xtrace"),
            (self.verbose, "verbose"),
            (self.noexec, "noexec"),
            (self.noglob, "noglob"),
        ];
        flags
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, name)| (*name).to_owned())
            .chain(self.options.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn dash_c_takes_the_command_and_then_positional_arguments() {
        let cli = parse(&["ncsh", "-c", "echo $0 $1", "name", "-x"]);
        assert_eq!(cli.command.as_deref(), Some("echo $0 $1"));
        assert_eq!(cli.args, ["name", "-x"]);
        assert!(!cli.xtrace);
        assert!(!cli.reads_commands_from_stdin());
    }

    #[test]
    fn flags_after_the_script_belong_to_the_script() {
        let cli = parse(&["ncsh", "-e", "script.sh", "-l", "--x"]);
        assert_eq!(cli.args, ["script.sh", "-l", "--x"]);
        assert!(!cli.login);
        assert_eq!(cli.enabled_options(), ["errexit"]);
    }

    #[test]
    fn clustered_flags_work_as_in_bash() {
        let cli = parse(&["ncsh", "-lc", "true"]);
        assert!(cli.login);
        assert_eq!(cli.command.as_deref(), Some("true"));
    }

    #[test]
    fn the_runtime_flag_names_hybrid_symbolic_or_neural() {
        let cli = parse(&["ncsh", "--runtime", "symbolic", "-c", "true"]);
        assert_eq!(cli.runtime(), (RuntimeMode::Symbolic, None));
        assert_eq!(
            parse(&["ncsh", "--runtime", "neural"]).runtime().0,
            RuntimeMode::Neural
        );
        assert!(Cli::try_parse_from(["ncsh", "--runtime", "dream"]).is_err());
    }

    #[test]
    fn plus_o_and_shopt_flags_are_taken_before_the_script_only() {
        let argv: Vec<String> = [
            "ncsh", "-O", "extglob", "+O", "nullglob", "+o", "errexit", "-e",
        ]
        .into_iter()
        .chain(["s.sh", "-O", "x", "+o", "y"])
        .map(String::from)
        .collect();
        let (rest, named) = NamedOptions::take_from(&argv).unwrap();
        assert_eq!(rest, ["ncsh", "-e", "s.sh", "-O", "x", "+o", "y"]);
        assert_eq!(named.shopt_set, ["extglob"]);
        assert_eq!(named.shopt_unset, ["nullglob"]);
        assert_eq!(named.unset, ["errexit"]);
        let argv: Vec<String> = ["ncsh", "-lc", "-O", "x", "-o", "pipefail"]
            .map(String::from)
            .into();
        let (rest, named) = NamedOptions::take_from(&argv).unwrap();
        assert_eq!(rest, argv);
        assert_eq!(named, NamedOptions::default());
        let argv: Vec<String> = ["ncsh", "-O", "extglob", "+O", "extglob", "-O", "dotglob"]
            .map(String::from)
            .into();
        let (_, named) = NamedOptions::take_from(&argv).unwrap();
        assert_eq!(named.shopt_set, ["dotglob"]);
        assert_eq!(named.shopt_unset, ["extglob"]);
        let dangling = ["ncsh".to_owned(), "-O".to_owned()];
        assert_eq!(
            NamedOptions::take_from(&dangling).unwrap_err(),
            "-O: option requires an argument"
        );
    }

    #[test]
    fn unknown_flags_are_refused() {
        assert!(Cli::try_parse_from(["ncsh", "--frobnicate"]).is_err());
    }
}
