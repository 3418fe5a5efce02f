//! ncsh's own builtins: the user's interface to generations (`cap`, `gen`, `audit` and `daemon`), to
//! the learned runtime (`neural`), and `command_not_found_handle`, which runs capabilities
//! ([`crate::capabilities`]).
//!
//! Each is a clap command (so `--help` works on every one and its subcommands) that runs to an exit
//! status. They reach the store only through the daemon ([`crate::daemon::client`]), and they act on
//! this shell's generation ([`pin`]), which stays put while other shells update.
//!
//! `kill` and `wait` take the place of brush's, which do not parse `kill -9` or wait for a process
//! id; they work on the shell's job table, so they take bash's arguments and words rather than clap's.

mod audit;
pub(crate) mod cap;
mod daemon_cmd;
mod r#gen;
mod kill;
mod listing;
mod neural;
pub mod pin;
mod record;
mod trust;
mod wait;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use brush_core::builtins::{CommandExecuteFunc, ContentOptions, ContentType, Registration};
use brush_core::{CommandArg, ExecutionContext, ExecutionResult, ShellExtensions};

/// What a builtin reads and writes, taken from the shell at the moment it runs (redirections
/// included).
pub struct Io {
    /// Standard output.
    pub out: Box<dyn Write + Send>,
    /// Standard error.
    pub err: Box<dyn Write + Send>,
    /// Standard input.
    pub input: Box<dyn Read + Send>,
    /// Whether standard input is a terminal where a question can be asked: not in a background
    /// job, where reading it would take the keys typed at the prompt.
    pub input_is_terminal: bool,
    /// The shell's working directory, against which relative paths resolve.
    pub cwd: PathBuf,
    /// The shell's `PATH`, where it looks for programs.
    pub search_path: String,
}

impl Io {
    /// `path` made absolute against the shell's working directory.
    pub fn path(&self, path: &Path) -> PathBuf {
        self.cwd.join(path)
    }

    /// The program the shell runs for `name`, found on its `PATH`.
    pub fn program_on_path(&self, name: &str) -> Option<PathBuf> {
        let dirs = std::env::split_paths(&self.search_path).map(|dir| self.path(&dir));
        brush_core::pathsearch::search_for_executable(dirs, name).next()
    }
}

/// Why a builtin failed: the message printed after its name, and its exit status.
pub struct Failure {
    /// What went wrong and the way out.
    pub message: String,
    /// 1 unless said otherwise.
    pub status: u8,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure {
            message: error.to_string(),
            status: 1,
        }
    }
}

/// A builtin: parsed by clap, run with the shell's streams.
pub trait Builtin: clap::Parser + Send + Sync {
    /// Runs the command; `Ok` carries the exit status.
    ///
    /// # Errors
    /// A [`Failure`] to report on standard error.
    fn run(self, io: &mut Io) -> Result<u8, Failure>;
}

/// All of ncsh's builtins, to add to the shell.
pub fn all<SE: ShellExtensions>() -> Vec<(String, Registration<SE>)> {
    vec![
        ("cap".into(), registration::<cap::Cap, SE>()),
        ("gen".into(), registration::<r#gen::Gen, SE>()),
        ("audit".into(), registration::<audit::Audit, SE>()),
        ("daemon".into(), registration::<daemon_cmd::Daemon, SE>()),
        ("neural".into(), registration::<neural::Neural, SE>()),
        (
            kill::Kill::NAME.into(),
            shell_registration::<kill::Kill, SE>(kill::execute),
        ),
        (
            wait::Wait::NAME.into(),
            shell_registration::<wait::Wait, SE>(wait::execute),
        ),
        crate::capabilities::registration(),
    ]
}

/// A builtin that takes bash's arguments rather than clap's, described as bash describes its own:
/// a one-line usage and a sentence.
trait BashHelp {
    const NAME: &'static str;
    const ABOUT: &'static str;
}

/// The builtin's usage: bash's synopsis of it, which brush-core holds for every bash builtin.
fn usage<H: BashHelp>() -> &'static str {
    brush_core::synopses::bash_synopsis(H::NAME).unwrap_or(H::NAME)
}

/// A builtin that works on the shell itself (its jobs), with bash's arguments and help.
fn shell_registration<H: BashHelp, SE: ShellExtensions>(
    execute_func: CommandExecuteFunc<SE>,
) -> Registration<SE> {
    Registration {
        execute_func,
        content_func: bash_help::<H>,
        disabled: false,
        special_builtin: false,
        declaration_builtin: false,
    }
}

/// The words of a builtin's command line after its name.
fn words(args: Vec<CommandArg>) -> Vec<String> {
    args.into_iter()
        .skip(1)
        .map(|arg| match arg {
            CommandArg::String(s) => s,
            CommandArg::Assignment(a) => a.to_string(),
        })
        .collect()
}

/// `help NAME` for a builtin with [`BashHelp`].
fn bash_help<H: BashHelp>(
    name: &str,
    content_type: ContentType,
    _options: &ContentOptions,
) -> Result<String, brush_core::Error> {
    Ok(help_text::<H>(name, content_type))
}

fn help_text<H: BashHelp>(name: &str, content_type: ContentType) -> String {
    match content_type {
        ContentType::ShortUsage => format!("{name}: {}", usage::<H>()),
        ContentType::ShortDescription => format!("{name} - {}\n", H::ABOUT),
        ContentType::DetailedHelp | ContentType::ManPage => {
            format!("{name}: {}\n    {}\n", usage::<H>(), H::ABOUT)
        }
    }
}

/// bash's `NAME --help`: the builtin's help on standard output, and nothing run.
fn help_asked<H: BashHelp>(words: &[String], out: &mut impl Write) -> bool {
    if words.first().map(String::as_str) != Some("--help") {
        return false;
    }
    let help = help_text::<H>(H::NAME, ContentType::DetailedHelp);
    let _ = out.write_all(help.as_bytes());
    let _ = out.flush();
    true
}

fn registration<B: Builtin + 'static, SE: ShellExtensions>() -> Registration<SE> {
    Registration {
        execute_func: execute::<B, SE>,
        content_func: content::<B>,
        disabled: false,
        special_builtin: false,
        declaration_builtin: false,
    }
}

fn execute<B: Builtin + 'static, SE: ShellExtensions>(
    context: ExecutionContext<'_, SE>,
    args: Vec<CommandArg>,
) -> brush_core::builtins::BoxFuture<'_, Result<ExecutionResult, brush_core::Error>> {
    Box::pin(async move {
        let args = args.into_iter().map(|arg| match arg {
            CommandArg::String(s) => s,
            CommandArg::Assignment(a) => a.to_string(),
        });
        let reader_gone = Arc::new(AtomicBool::new(false));
        let mut io = Io {
            out: Box::new(WatchedOutput {
                inner: context.stdout(),
                reader_gone: reader_gone.clone(),
            }),
            err: Box::new(context.stderr()),
            input: Box::new(context.stdin()),
            input_is_terminal: context.try_fd(0).is_some_and(|f| f.is_terminal())
                && !context.params.in_background_job(),
            cwd: context.shell.working_dir().to_owned(),
            search_path: context
                .shell
                .env_str("PATH")
                .map(|path| path.into_owned())
                .unwrap_or_default(),
        };
        let status = match B::try_parse_from(args) {
            // --help and --version: asked for, so on standard output and a success.
            Err(e) if !e.use_stderr() => {
                let _ = write!(io.out, "{}", e.render());
                0
            }
            Err(e) => {
                let _ = write!(io.err, "{}", e.render());
                2
            }
            Ok(builtin) => match builtin.run(&mut io) {
                Ok(status) => status,
                // The write its reader left failed: not said here, but ended below, as brush-core
                // ends any builtin whose reader left.
                Err(_) if reader_gone.load(Ordering::Relaxed) => 0,
                Err(failure) => {
                    let _ = writeln!(io.err, "{}: {}", context.command_name, failure.message);
                    failure.status
                }
            },
        };
        let _ = io.out.flush();
        if reader_gone.load(Ordering::Relaxed) {
            // brush-core ends this as it ends any builtin whose reader left: silently, with
            // SIGPIPE's status (`neural eval | head -1`).
            return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe).into());
        }
        Ok(ExecutionResult::new(status))
    })
}

/// A builtin's standard output, which notes when the pipe it writes to has no reader left.
struct WatchedOutput<W> {
    inner: W,
    reader_gone: Arc<AtomicBool>,
}

impl<W: Write> WatchedOutput<W> {
    fn note(&self, result: std::io::Result<usize>) -> std::io::Result<usize> {
        if let Err(e) = &result
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            self.reader_gone.store(true, Ordering::Relaxed);
        }
        result
    }
}

impl<W: Write> Write for WatchedOutput<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes);
        self.note(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush().map(|()| 0);
        self.note(flushed).map(|_| ())
    }
}

fn content<B: Builtin>(
    name: &str,
    content_type: ContentType,
    _options: &ContentOptions,
) -> Result<String, brush_core::Error> {
    let mut command = B::command();
    command.set_bin_name(name);
    let about = command
        .get_about()
        .map(ToString::to_string)
        .unwrap_or_default();
    Ok(match content_type {
        ContentType::DetailedHelp => command.render_help().to_string(),
        ContentType::ManPage => command.render_long_help().to_string(),
        ContentType::ShortUsage => {
            let usage = command.render_usage().to_string();
            format!("{name}: {}", usage.trim_start_matches("Usage: "))
        }
        ContentType::ShortDescription => format!("{name} - {about}\n"),
    })
}
