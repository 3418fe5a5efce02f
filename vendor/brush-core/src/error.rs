//! Error facilities

use std::path::PathBuf;

use crate::{Shell, ShellFd, extensions, results, sys};

/// Unified error type for this crate. Contains just a kind for now,
/// but will be extended later with additional context.
#[derive(thiserror::Error, Debug)]
#[error("{kind}")]
pub struct Error {
    /// The kind of error.
    #[source]
    kind: ErrorKind,

    /// Whether or not the error should be considered a "fatal" error that would
    /// result in abnormal exit of a non-interactive shell.
    fatal: bool,

    /// ncsh patch: whether the error was already shown to the user, where it happened.
    said: bool,

    /// ncsh patch: whether the error abandons the whole command the shell was reading, as bash's
    /// errors in `$((…))` and subscripts do: it passes out of the functions it is in to the
    /// script, sourced file, `eval` or prompt that read the command, which goes on with the next.
    abandons_command: bool,
}

/// Monolithic error type for the shell
#[derive(thiserror::Error, Debug)]
pub enum ErrorKind {
    /// A tilde expression was used without a valid HOME variable
    #[error("cannot expand tilde expression with HOME not set")]
    TildeWithoutValidHome,

    /// An attempt was made to assign a list to an array member
    #[error("cannot assign list to array member")]
    AssigningListToArrayMember,

    /// An attempt was made to convert an associative array to an indexed array.
    #[error("cannot convert associative array to indexed array")]
    ConvertingAssociativeArrayToIndexedArray,

    /// An attempt was made to convert an indexed array to an associative array.
    #[error("cannot convert indexed array to associative array")]
    ConvertingIndexedArrayToAssociativeArray,

    /// An error occurred while sourcing the indicated script file.
    #[error("failed to source file: {0}")]
    FailedSourcingFile(PathBuf, #[source] std::io::Error),

    /// The shell failed to send a signal to a process.
    #[error("failed to send signal to process")]
    FailedToSendSignal,

    /// An attempt was made to assign a value to a special parameter.
    #[error("cannot assign in this way")]
    CannotAssignToSpecialParameter,

    /// Checked expansion error: `${x:?WORD}` of an unset `x`, worded as bash words it (ncsh
    /// patch).
    #[error("{0}")]
    CheckedExpansionError(String),

    /// A reference was made to an unknown shell function.
    #[error("function not found: {0}")]
    FunctionNotFound(String),

    /// Command was not found.
    #[error("command not found: {0}")]
    CommandNotFound(String),

    /// Not a builtin.
    // ncsh patch: in bash's words.
    #[error("{0}: not a shell builtin")]
    BuiltinNotFound(String),

    /// The working directory does not exist.
    #[error("working directory does not exist: {0}")]
    WorkingDirMissing(PathBuf),

    /// Failed to execute command.
    #[error("failed to execute command '{0}': {1}")]
    FailedToExecuteCommand(String, #[source] std::io::Error),

    /// History item was not found.
    #[error("history item not found")]
    HistoryItemNotFound,

    /// The requested functionality has not yet been implemented in this shell.
    #[error("not yet implemented: {0}")]
    Unimplemented(&'static str),

    /// The requested functionality has not yet been implemented in this shell; it is tracked in a
    /// GitHub issue.
    #[error("not yet implemented: {0}; see https://github.com/reubeno/brush/issues/{1}")]
    UnimplementedAndTracked(&'static str, u32),

    /// An expected environment scope could not be found.
    #[error("missing environment scope")]
    MissingScope,

    /// The environment scope required for a new variable is not available.
    #[error("environment scope required for new variable is not available")]
    MissingScopeForNewVariable,

    /// An unexpected environment scope type was encountered.
    #[error("unexpected environment scope type: expected '{expected}', found '{actual}'")]
    UnexpectedScopeType {
        /// The expected scope type.
        expected: crate::env::EnvironmentScope,
        /// The actual scope type.
        actual: crate::env::EnvironmentScope,
    },

    /// The given path is not a directory.
    #[error("not a directory: {0}")]
    NotADirectory(PathBuf),

    /// The given path is a directory.
    #[error("path is a directory")]
    IsADirectory,

    /// The given variable is not an array.
    #[error("variable is not an array")]
    NotArray,

    /// The current user could not be determined.
    #[error("no current user")]
    NoCurrentUser,

    /// The requested input or output redirection is invalid.
    #[error("invalid redirection target")]
    InvalidRedirection,

    /// An error occurred while redirecting input or output with the given file.
    #[error("failed to redirect to {0}: {1}")]
    RedirectionFailure(String, String),

    /// An error occurred evaluating an arithmetic expression.
    #[error("{0}")]
    EvalError(#[from] crate::arithmetic::EvalError),

    /// The given string could not be parsed as an integer.
    #[error("failed to parse '{s}' as a {int_type_name}, base-{radix} integer: {inner}")]
    IntParseError {
        /// The string that failed to parse.
        s: String,
        /// The integer type being parsed.
        int_type_name: &'static str,
        /// The radix (base) used for parsing.
        radix: u32,
        /// The underlying parse error.
        inner: std::num::ParseIntError,
    },

    /// The given integer could not be converted to the target type.
    #[error("integer conversion error")]
    TryIntParseError(#[from] std::num::TryFromIntError),

    /// A byte sequence could not be decoded as a valid UTF-8 string.
    #[error("failed to decode utf-8")]
    FromUtf8Error(#[from] std::string::FromUtf8Error),

    /// A byte sequence could not be decoded as a valid UTF-8 string.
    #[error("failed to decode utf-8")]
    Utf8Error(#[from] std::str::Utf8Error),

    /// An attempt was made to modify a readonly variable.
    #[error("cannot mutate readonly variable")]
    ReadonlyVariable,

    /// The indicated pattern is invalid.
    #[error("invalid pattern: '{0}'")]
    InvalidPattern(String),

    /// A regular expression error occurred
    #[error("regex error: {0}")]
    RegexError(#[from] fancy_regex::Error),

    /// An invalid regular expression was provided.
    #[error("invalid regex: {0}; expression: '{1}'")]
    InvalidRegexError(fancy_regex::Error, String),

    /// An I/O error occurred.
    #[error("i/o error: {0}")]
    IoError(#[from] std::io::Error),

    /// Invalid substitution syntax.
    // ncsh patch: in bash's words.
    #[error("{0}: bad substitution")]
    BadSubstitution(String),

    /// An error occurred while creating a child process.
    #[error("failed to create child process")]
    ChildCreationFailure,

    /// An error occurred while formatting a string.
    #[error(transparent)]
    FormattingError(#[from] std::fmt::Error),

    /// An error occurred while parsing.
    #[error("{1}: {0}")]
    ParseError(crate::parser::ParseError, crate::SourceInfo),

    /// A syntax error in text that is at hand, worded as bash words it (ncsh patch).
    #[error("{message}")]
    SyntaxError {
        /// Where the text came from.
        source_info: crate::SourceInfo,
        /// The 1-based line of the error.
        line: usize,
        /// What is wrong, in bash's words.
        message: String,
        /// The line, where bash quotes it after the message.
        quoted_line: Option<String>,
    },

    /// bash's warning for a here-document that the end of the text ended: the text runs as if
    /// its delimiter followed (ncsh patch).
    #[error(
        "warning: here-document at line {started} delimited by end-of-file (wanted `{delimiter}')"
    )]
    HereDocumentAtEndOfInput {
        /// Where the text came from.
        source_info: crate::SourceInfo,
        /// The 1-based line the text ends on.
        line: usize,
        /// The 1-based line of the here-document's `<<`.
        started: usize,
        /// The delimiter, without its quotes.
        delimiter: String,
    },

    /// An error occurred while parsing a function body.
    #[error("{0}: {1}")]
    FunctionParseError(String, crate::parser::ParseError),

    /// An error occurred while parsing a word.
    #[error(transparent)]
    WordParseError(#[from] crate::parser::WordParseError),

    /// Unable to parse a test command.
    #[error("invalid test command")]
    TestCommandParseError(#[from] crate::parser::TestCommandParseError),

    /// Unable to parse a key binding specification.
    #[error(transparent)]
    BindingParseError(#[from] crate::parser::BindingParseError),

    /// A threading error occurred.
    #[error("threading error")]
    ThreadingError(#[from] tokio::task::JoinError),

    /// An invalid signal was referenced.
    #[error("{0}: invalid signal specification")]
    InvalidSignal(String),

    /// A platform error occurred.
    #[error("platform error: {0}")]
    PlatformError(#[from] sys::PlatformError),

    /// An invalid umask was provided.
    #[error("invalid umask value")]
    InvalidUmask,

    /// The given open file cannot be read from.
    #[error("cannot read from {0}")]
    OpenFileNotReadable(&'static str),

    /// The given open file cannot be written to.
    #[error("cannot write to {0}")]
    OpenFileNotWritable(&'static str),

    /// Bad file descriptor.
    #[error("bad file descriptor: {0}")]
    BadFileDescriptor(ShellFd),

    /// Printf failure
    #[error("printf failure: {0}")]
    PrintfFailure(i32),

    /// Printf invalid usage
    #[error("printf: {0}")]
    PrintfInvalidUsage(String),

    /// Interrupted
    #[error("interrupted")]
    Interrupted,
    /// A background job that `kill` sent this signal ended, as its process would have (ncsh
    /// patch).
    #[error("ended by signal {0}")]
    EndedBySignal(i32),

    /// Maximum function call depth was exceeded.
    #[error("maximum function call depth exceeded")]
    MaxFunctionCallDepthExceeded,

    /// System time error.
    #[error("system time error: {0}")]
    TimeError(#[from] std::time::SystemTimeError),

    /// Array index out of range.
    #[error("array index out of range: {0}")]
    ArrayIndexOutOfRange(String),

    /// Unhandled key code.
    #[error("unhandled key code: {0:?}")]
    UnhandledKeyCode(Vec<u8>),

    /// A failure worded whole by the builtin that met it, as bash words it after the shell's name
    /// (`cd: /x: No such file or directory`) (ncsh patch).
    #[error("{0}")]
    Worded(String),

    /// `test`'s arithmetic comparison of an operand that is not an integer (ncsh patch).
    #[error("{0}: integer expression expected")]
    IntegerExpected(String),
    /// An error occurred in a built-in command.
    #[error("{}", said_by_builtin(.1, .0.as_ref()))]
    BuiltinError(Box<dyn BuiltinError>, String),

    /// A refused assignment to the readonly variable named (ncsh patch: bash's words, where brush
    /// said `cannot mutate readonly variable`).
    #[error("{0}: readonly variable")]
    ReadonlyVariableNamed(String),

    /// Operation not supported on this platform.
    #[error("operation not supported on this platform: {0}")]
    NotSupportedOnThisPlatform(&'static str),

    /// Command history is not enabled in this shell.
    #[error("command history is not enabled in this shell")]
    HistoryNotEnabled,

    /// Expanding an unset variable, worded as bash words it (ncsh patch).
    #[error("{0}: unbound variable")]
    ExpandingUnsetVariable(String),

    /// An internal error occurred.
    #[error("internal shell error: {0}")]
    InternalError(String),

    /// Attempted to perform an operation that requires an interactive session.
    #[error("operation requires an interactive session")]
    NotInInteractiveSession,

    /// Attempted to perform an operation that requires command-string mode.
    #[error("operation requires command-string mode")]
    NotExecutingCommandString,

    /// Too much data was provided to an operation.
    #[error("too much data")]
    TooMuchData,

    /// Cannot convert open file to native file descriptor.
    #[error("cannot convert open file to native file descriptor")]
    CannotConvertToNativeFd,

    /// History file is too large to import.
    #[error("history file is too large to import")]
    HistoryFileTooLargeToImport,

    /// Too many open files.
    #[error("too many open files")]
    TooManyOpenFiles,

    /// The function name shadows a special built-in command.
    #[error("function name '{}' shadows a special built-in command", .name)]
    FunctionNameShadowsSpecialBuiltin {
        /// Name of the function.
        name: String,
    },

    /// A glob pattern failed to match any files (failglob).
    #[error("no match: {0}")]
    NoMatch(String),
}

/// Trait implementable by built-in commands to represent errors.
pub trait BuiltinError: std::error::Error + ConvertibleToExitCode + Send + Sync {
    /// Try to extract a reference to the underlying `std::io::Error`, if any.
    /// Implementations should return `None` if there is no inner I/O error.
    /// They should not attempt to *synthesize* an I/O error if one does not
    /// naturally exist.
    fn as_io_error(&self) -> Option<&std::io::Error> {
        None
    }

    /// Whether the error abandons the whole command the shell was reading (ncsh patch).
    fn abandons_command(&self) -> bool {
        false
    }

    /// Whether the error is said without the builtin's name, as bash says a refused assignment
    /// (`read r` of a readonly `r`: `r: readonly variable`) (ncsh patch).
    fn is_said_alone(&self) -> bool {
        false
    }
}

impl BuiltinError for Error {
    fn as_io_error(&self) -> Option<&std::io::Error> {
        self.as_io_error()
    }

    fn abandons_command(&self) -> bool {
        self.abandons_command()
    }

    fn is_said_alone(&self) -> bool {
        matches!(self.kind(), ErrorKind::ReadonlyVariableNamed(_))
    }
}

/// A builtin's error as the user reads it: after the builtin's name, unless it is said alone.
fn said_by_builtin(builtin: &str, error: &dyn BuiltinError) -> String {
    if error.is_said_alone() {
        error.to_string()
    } else {
        std::format!("{builtin}: {error}")
    }
}

/// Helper trait for converting values to exit codes.
pub trait ConvertibleToExitCode {
    /// Converts to an exit code.
    fn as_exit_code(&self) -> results::ExecutionExitCode;
}

impl<T> ConvertibleToExitCode for T
where
    results::ExecutionExitCode: for<'a> From<&'a T>,
{
    fn as_exit_code(&self) -> results::ExecutionExitCode {
        self.into()
    }
}

impl From<&ErrorKind> for results::ExecutionExitCode {
    fn from(value: &ErrorKind) -> Self {
        match value {
            // ncsh patch: bash's status for `${x:?}` and for an unset variable under `set -u`,
            // which end a shell that is not interactive.
            ErrorKind::CommandNotFound(..)
            | ErrorKind::CheckedExpansionError(..)
            | ErrorKind::ExpandingUnsetVariable(..)
            | ErrorKind::EvalError(crate::arithmetic::EvalError::ExpandingUnsetVariable(..)) => {
                Self::NotFound
            }
            ErrorKind::Unimplemented(..) | ErrorKind::UnimplementedAndTracked(..) => {
                Self::Unimplemented
            }
            ErrorKind::ParseError(..) | ErrorKind::SyntaxError { .. } => Self::InvalidUsage,
            ErrorKind::FunctionParseError(..) => Self::InvalidUsage,
            ErrorKind::TestCommandParseError(..) => Self::InvalidUsage,
            ErrorKind::FailedToExecuteCommand(..) => Self::CannotExecute,
            ErrorKind::FunctionNameShadowsSpecialBuiltin { .. } => Self::InvalidUsage,
            ErrorKind::IoError(io_err) => io_err.into(),
            ErrorKind::BuiltinError(inner, ..) => inner.as_exit_code(),
            // ncsh patch: a command line stopped by Ctrl-C ends as a command killed by SIGINT.
            ErrorKind::Interrupted => Self::Interrupted,
            // ncsh patch: and a job ended by `kill` as a process killed by that signal.
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            ErrorKind::EndedBySignal(signal) => Self::from(128u8.wrapping_add(*signal as u8)),
            _ => Self::GeneralError,
        }
    }
}

impl From<&std::io::Error> for results::ExecutionExitCode {
    fn from(io_err: &std::io::Error) -> Self {
        if io_err.kind() == std::io::ErrorKind::BrokenPipe {
            Self::BrokenPipe
        } else {
            Self::GeneralError
        }
    }
}

impl From<&Error> for results::ExecutionExitCode {
    fn from(error: &Error) -> Self {
        Self::from(&error.kind)
    }
}

impl<T> From<T> for Error
where
    ErrorKind: From<T>,
{
    fn from(convertible_to_kind: T) -> Self {
        let kind = convertible_to_kind.into();
        // ncsh patch: an unset variable under `set -u` ends a shell that is not interactive
        // wherever it is met, as bash's does; met within arithmetic (`$(( n + 1 ))`), it ended
        // only the command.
        let fatal = matches!(
            kind,
            ErrorKind::ExpandingUnsetVariable(..)
                | ErrorKind::EvalError(crate::arithmetic::EvalError::ExpandingUnsetVariable(..))
        );
        Self {
            kind,
            fatal,
            said: false,
            abandons_command: false,
        }
    }
}

impl Error {
    /// A refused assignment to a readonly variable, named as bash names it (`r: readonly
    /// variable`) (ncsh patch: brush said `cannot mutate readonly variable`); any other error as
    /// it is.
    #[must_use]
    pub fn naming_readonly(self, name: &str) -> Self {
        if !matches!(self.kind(), ErrorKind::ReadonlyVariable) {
            return self;
        }
        Self {
            kind: ErrorKind::ReadonlyVariableNamed(name.to_owned()),
            ..self
        }
    }

    /// A file that could not be sourced, named as bash names it (ncsh patch): `PATH: why`, and a
    /// directory `BUILTIN: PATH: is a directory` where the builtin `builtin` (`.`, `source`)
    /// read it, `PATH: is a directory` where the shell read it at startup. `None` for any other
    /// error.
    pub fn as_not_sourced(&self, builtin: Option<&str>) -> Option<Self> {
        let ErrorKind::FailedSourcingFile(path, why) = self.kind() else {
            return None;
        };
        let path = path.display();
        let words = match (why.kind(), builtin) {
            (std::io::ErrorKind::IsADirectory, Some(builtin)) => {
                std::format!("{builtin}: {path}: is a directory")
            }
            (std::io::ErrorKind::IsADirectory, None) => std::format!("{path}: is a directory"),
            _ => std::format!("{path}: {why}"),
        };
        Some(ErrorKind::Worded(words).into())
    }

    /// Marks this error as fatal.
    #[must_use]
    pub const fn into_fatal(mut self) -> Self {
        self.fatal = true;
        self
    }

    /// Returns whether or not this error is fatal.
    pub const fn is_fatal(&self) -> bool {
        self.fatal
    }

    /// Marks this error as one that abandons the whole command the shell was reading (ncsh
    /// patch).
    #[must_use]
    pub(crate) const fn into_abandoning_command(mut self) -> Self {
        self.abandons_command = true;
        self
    }

    /// Whether this error abandons the whole command the shell was reading (ncsh patch).
    pub const fn abandons_command(&self) -> bool {
        self.abandons_command
    }

    /// Marks this error as shown to the user already, so that the shells it passes through on
    /// its way up act on it without showing it again (ncsh patch).
    #[must_use]
    pub(crate) const fn into_said(mut self) -> Self {
        self.said = true;
        self
    }

    /// Whether this error was shown to the user already (ncsh patch).
    pub const fn is_said(&self) -> bool {
        self.said
    }

    /// Returns a reference to the error kind.
    pub const fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Try to extract a reference to the underlying `std::io::Error`, if any.
    pub fn as_io_error(&self) -> Option<&std::io::Error> {
        match &self.kind {
            ErrorKind::IoError(io_err) => Some(io_err),
            ErrorKind::BuiltinError(inner, _) => inner.as_io_error(),
            _ => None,
        }
    }

    /// Converts this error into the appropriate control flow based on the shell's current state.
    /// This centralizes the logic for determining how fatal errors should affect execution flow.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell instance, used to check interactive mode and script call stack.
    pub fn to_control_flow(
        &self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> results::ExecutionControlFlow {
        // ncsh patch: a refused assignment to a readonly variable may end the shell
        // (`Shell::readonly_assignment_ends_shell`).
        let readonly = matches!(
            self.kind,
            ErrorKind::ReadonlyVariable | ErrorKind::ReadonlyVariableNamed(_)
        );
        if (readonly && shell.readonly_assignment_ends_shell())
            || (self.is_fatal() && !shell.options().interactive)
        {
            results::ExecutionControlFlow::ExitShell
        } else {
            results::ExecutionControlFlow::Normal
        }
    }

    /// Converts this error into an execution result for the shell.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell instance, used to determine control flow.
    pub fn into_result(
        self,
        shell: &Shell<impl extensions::ShellExtensions>,
    ) -> results::ExecutionResult {
        let next_control_flow = self.to_control_flow(shell);
        let mut exit_code = results::ExecutionExitCode::from(&self);
        // ncsh patch: `${x:?}` and `set -u` end `-c` text with 127; in a script, commands
        // piped in, a subshell or at the prompt, the command fails with 1, as in bash.
        let unset = matches!(
            self.kind,
            ErrorKind::CheckedExpansionError(..)
                | ErrorKind::ExpandingUnsetVariable(..)
                | ErrorKind::EvalError(crate::arithmetic::EvalError::ExpandingUnsetVariable(..))
        );
        let in_dash_c_text = !shell.options().read_commands_from_stdin
            && shell.depth() == 0
            && shell
                .call_stack()
                .iter()
                .any(|frame| frame.frame_type.is_command_string());
        if unset && !in_dash_c_text {
            exit_code = results::ExecutionExitCode::GeneralError;
        }

        results::ExecutionResult {
            next_control_flow,
            exit_code,
        }
    }
}

/// Convenience function for returning an error for unimplemented functionality.
///
/// # Arguments
///
/// * `msg` - The message to include in the error
pub fn unimp<T>(msg: &'static str) -> Result<T, Error> {
    Err(ErrorKind::Unimplemented(msg).into())
}

/// Convenience function for returning an error for *tracked*, unimplemented functionality.
///
/// # Arguments
///
/// * `msg` - The message to include in the error
/// * `project_issue_id` - The GitHub issue ID where the implementation is tracked.
pub fn unimp_with_issue<T>(msg: &'static str, project_issue_id: u32) -> Result<T, Error> {
    Err(ErrorKind::UnimplementedAndTracked(msg, project_issue_id).into())
}
