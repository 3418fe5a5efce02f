use clap::Parser;
use itertools::Itertools;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use brush_core::{builtins, env, expansion, variables};

use std::io::Read;

/// Exit code returned when `read` times out.
/// This is 128 + SIGALRM (14) = 142, matching bash behavior.
const TIMEOUT_EXIT_CODE: u8 = 142;

/// ASCII control character for Ctrl+C (ETX - End of Text).
const CTRL_C: char = '\x03';
/// ASCII control character for Ctrl+D (EOT - End of Transmission).
const CTRL_D: char = '\x04';
/// Backslash character used for escape processing.
const BACKSLASH: char = '\\';
/// Default line delimiter (newline).
const DEFAULT_DELIMITER: char = '\n';
/// NUL character used as delimiter when `-d ''` is specified.
const NUL_DELIMITER: char = '\0';

/// Parse standard input.
#[derive(Parser)]
pub(crate) struct ReadCommand {
    /// Optionally, name of an array variable to receive read words
    /// of input.
    #[clap(short = 'a', value_name = "VAR_NAME")]
    array_variable: Option<String>,

    /// Optionally, a delimiter to use other than a newline character.
    #[clap(short = 'd')]
    delimiter: Option<String>,

    // ncsh patch: `-e` and `-i` are taken, and the line read as bash reads it without a terminal:
    // plainly, without line editing or the initial text (brush said "not yet implemented", and
    // the script failed).
    /// Use readline-like input.
    #[clap(short = 'e')]
    _use_readline: bool,

    /// Provide text to use as initial input for readline.
    #[clap(short = 'i', value_name = "STR")]
    _initial_text: Option<String>,

    /// Read only the first N characters or until a specified
    /// delimiter is reached, whichever happens first.
    #[clap(short = 'n', value_name = "COUNT")]
    return_after_n_chars: Option<usize>,

    /// Read exactly N characters, ignoring any specified delimiter.
    #[clap(short = 'N', value_name = "COUNT")]
    return_after_n_chars_no_delimiter: Option<usize>,

    /// Prompt to display before reading.
    #[clap(short = 'p')]
    prompt: Option<String>,

    /// Read input in raw mode; no escape sequences.
    #[clap(short = 'r')]
    raw_mode: bool,

    /// Do not echo input.
    #[clap(short = 's')]
    silent: bool,

    /// Specify timeout in seconds; fail if the timeout elapses before
    /// input is completed.
    // ncsh patch: taken as a word, so that one that is not a number gets bash's words rather than
    // clap's.
    #[clap(short = 't', value_name = "SECONDS", allow_hyphen_values = true)]
    timeout_in_seconds: Option<String>,

    /// File descriptor to read from instead of stdin.
    #[clap(short = 'u', name = "FD")]
    fd_num_to_read: Option<u8>,

    /// Optionally, names of variables to receive read input.
    variable_names: Vec<String>,
}

impl builtins::Command for ReadCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let timeout = match self.timeout(&context) {
            Ok(timeout) => timeout,
            Err(refused) => return Ok(refused),
        };
        // ncsh patch: a name that names no variable is refused first, in bash's words.
        if let Some(name) =
            (self.variable_names.iter()).find(|name| !env::valid_assignable_name(name))
        {
            return Ok(context.failure(format!("`{name}': not a valid identifier"), 1));
        }

        // Find the input stream to use.
        let fd_num = self.fd_num_to_read.map_or(
            brush_core::openfiles::OpenFiles::STDIN_FD,
            brush_core::ShellFd::from,
        );

        // Retrieve the file. ncsh patch: a closed one is said in bash's words, and fails the read.
        let Some(input_stream) = context.try_fd(fd_num) else {
            let why = if self.fd_num_to_read.is_some() {
                format!("{fd_num}: invalid file descriptor: Bad file descriptor")
            } else {
                format!("read error: {fd_num}: Bad file descriptor")
            };
            return Ok(context.failure(why, 1));
        };

        // ncsh patch: a background job stops here until `fg`, as bash's does (SIGTTIN).
        if let Some(ended) = context.params.wait_for_terminal(&input_stream) {
            return Ok(ended);
        }

        // Retrieve effective value of IFS for splitting.
        // We convert to owned String to release the borrow before the mutable borrow
        // needed for variable assignment.
        let ifs = context.shell.ifs().into_owned();

        // Perform the read operation (potentially with timeout).
        let read_result = self.read_line(input_stream, context.stderr(), timeout)?;

        // Determine whether to skip IFS splitting (for -N option).
        let skip_ifs_splitting = self.return_after_n_chars_no_delimiter.is_some();

        // Extract the input line and determine exit code based on result.
        let (input_line, result) = match &read_result {
            ReadResult::Line(line) => (Some(line.clone()), brush_core::ExecutionResult::success()),
            ReadResult::Eof(Some(line)) => (
                Some(line.clone()),
                brush_core::ExecutionResult::general_error(),
            ),
            ReadResult::Eof(None) | ReadResult::InputNotReady => {
                (None, brush_core::ExecutionResult::general_error())
            }
            // ncsh patch: as in bash, the status of a command that SIGINT ended. The Ctrl-C that
            // the terminal did not turn into SIGINT, while `read` took keys as typed, is acted on
            // as that SIGINT (`interrupt::ctrl_c_read`): an interactive shell stops the command
            // line (`read -p 'Sure? ' a; rm …` ran the `rm`), a script ends, and a trap on INT
            // runs, as in bash.
            ReadResult::Interrupted => {
                // The line ends after the `^C` the terminal echoed, as bash ends it.
                let _ = std::io::Write::write_all(&mut context.stderr(), b"\n");
                brush_core::interrupt::ctrl_c_read();
                (None, brush_core::ExecutionResult::new(130))
            }
            ReadResult::TimedOut(partial) => (
                partial.clone(),
                brush_core::ExecutionResult::new(TIMEOUT_EXIT_CODE),
            ),
            ReadResult::InputReady => (None, brush_core::ExecutionResult::success()),
        };

        // Assign input to variables based on options.
        let input_line = input_line.map(|line| read_chars(&line, !self.raw_mode));
        assign_input_to_variables(
            context.shell,
            &context.params,
            input_line.as_deref(),
            &ifs,
            skip_ifs_splitting,
            self.array_variable.as_deref(),
            &self.variable_names,
        )
        .await?;

        Ok(result)
    }
}

/// Assigns read input to shell variables based on the specified options.
///
/// This handles three modes:
/// - Array mode (`-a`): Split input by IFS and assign to array elements
/// - Named variables: Split input by IFS and assign to each variable, with remainder to last
/// - Default (`REPLY`): Assign entire input line to the `REPLY` variable
async fn assign_input_to_variables(
    shell: &mut brush_core::Shell<impl brush_core::ShellExtensions>,
    params: &brush_core::ExecutionParameters,
    input_line: Option<&[ReadChar]>,
    ifs: &str,
    skip_ifs_splitting: bool,
    array_variable: Option<&str>,
    variable_names: &[String],
) -> Result<(), brush_core::Error> {
    // ncsh patch: a variable with the integer attribute evaluates what is read
    // (`brush_core::arithmetic::as_declared`), as bash's does.
    if let Some(array_variable) = array_variable {
        let literal_fields = build_array_fields(input_line, ifs, skip_ifs_splitting);
        let fields = variables::ShellValueLiteral::Array(variables::ArrayLiteral(literal_fields));
        let fields = brush_core::arithmetic::as_declared(shell, array_variable, fields)?;
        shell.env_mut().update_or_add(
            array_variable,
            fields,
            |_| Ok(()),
            env::EnvironmentLookup::Anywhere,
            env::EnvironmentScope::Global,
        )?;
    } else if !variable_names.is_empty() {
        assign_to_named_variables(
            shell,
            params,
            input_line,
            ifs,
            skip_ifs_splitting,
            variable_names,
        )
        .await?;
    } else {
        let line = text_of(input_line.unwrap_or_default());
        expansion::assign_to_named_parameter(shell, params, "REPLY", line).await?;
    }
    Ok(())
}

/// Assigns split fields to named variables.
///
/// Fields are assigned one per variable, with any remaining fields joined by space
/// and assigned to the last variable. If there are more variables than fields,
/// the extra variables are set to empty strings.
async fn assign_to_named_variables(
    shell: &mut brush_core::Shell<impl brush_core::ShellExtensions>,
    params: &brush_core::ExecutionParameters,
    input_line: Option<&[ReadChar]>,
    ifs: &str,
    skip_ifs_splitting: bool,
    variable_names: &[String],
) -> Result<(), brush_core::Error> {
    let mut fields =
        build_variable_fields(input_line, ifs, skip_ifs_splitting, variable_names.len());

    for (i, name) in variable_names.iter().enumerate() {
        let is_last = i == variable_names.len() - 1;

        let value = if fields.is_empty() {
            String::new()
        } else if is_last {
            // Last variable gets all remaining fields joined by space.
            std::mem::take(&mut fields).into_iter().join(" ")
        } else {
            fields.pop_front().unwrap_or_default()
        };

        // ncsh patch: as `printf -v` assigns, so that an element is one (`read 'a[i++]'`; brush
        // made a variable named `a[i++]`) and the variable's attributes apply.
        expansion::assign_to_named_parameter(shell, params, name, value).await?;

        if is_last {
            break;
        }
    }
    Ok(())
}

/// Builds array field values from input, optionally splitting by IFS.
fn build_array_fields(
    input_line: Option<&[ReadChar]>,
    ifs: &str,
    skip_ifs_splitting: bool,
) -> Vec<(Option<String>, String)> {
    match input_line {
        Some(line) if skip_ifs_splitting => {
            // With -N, don't split - put entire input as single element.
            vec![(None, text_of(line))]
        }
        Some(line) => {
            let fields: VecDeque<_> = split_line_by_ifs(ifs, line, None /* max_fields */);
            fields.into_iter().map(|f| (None, f)).collect()
        }
        None => vec![],
    }
}

/// Builds field values from input for assignment to named variables.
fn build_variable_fields(
    input_line: Option<&[ReadChar]>,
    ifs: &str,
    skip_ifs_splitting: bool,
    num_variables: usize,
) -> VecDeque<String> {
    match input_line {
        Some(line) if skip_ifs_splitting => {
            // With -N, don't split - put entire input in first variable.
            let mut fields = VecDeque::new();
            fields.push_back(text_of(line));
            fields
        }
        Some(line) => split_line_by_ifs(ifs, line, Some(num_variables)),
        None => VecDeque::new(),
    }
}

/// Result of a `read` operation.
///
/// This enum clearly represents all possible outcomes of `read_line()`,
/// making the contract with callers explicit.
enum ReadResult {
    /// Successfully read a complete line (delimiter or char limit reached).
    Line(String),
    /// Reached end of input. Contains any partial content read before EOF.
    Eof(Option<String>),
    /// Input was interrupted (e.g., Ctrl+C). No content is returned.
    Interrupted,
    /// The operation timed out. Contains any partial content read before timeout.
    TimedOut(Option<String>),
    /// For `-t 0`: input is immediately available (exit 0).
    InputReady,
    /// For `-t 0`: no input immediately available (exit 1).
    InputNotReady,
}

/// Helper struct that encapsulates the state for reading input character by character.
///
/// This separates the concerns of character-level I/O with timeout handling from the
/// higher-level logic of line building and escape processing.
struct InputReader {
    /// The input source.
    input: brush_core::openfiles::OpenFile,
    /// Optional deadline for timeout.
    deadline: Option<Instant>,
    /// Single-byte read buffer: the input is read a byte at a time, so that nothing past the
    /// delimiter is taken from a pipe another command reads next.
    buffer: [u8; 1],
    /// A byte read past a character that was not whole UTF-8, to be taken next (ncsh patch).
    pending: Option<u8>,
    /// Terminal mode guard - kept alive for RAII cleanup on drop: the guard restores original
    /// terminal settings when dropped. Present when the input is a terminal (ncsh patch: where
    /// Ctrl-C and Ctrl-D are keys; from a pipe or a file they are bytes like others, as in bash).
    term_mode: Option<brush_core::terminal::AutoModeGuard>,
}

/// Events that can occur when reading input.
enum InputEvent {
    /// A regular character was read.
    Char(char),
    /// End of file was reached.
    Eof,
    /// The read operation timed out.
    Timeout,
    /// Ctrl+C was pressed.
    CtrlC,
    /// Ctrl+D was pressed.
    CtrlD,
}

impl InputReader {
    /// Creates a new input reader with optional timeout.
    fn new(
        input: brush_core::openfiles::OpenFile,
        timeout: Option<Duration>,
        term_mode: Option<brush_core::terminal::AutoModeGuard>,
    ) -> Self {
        Self {
            input,
            deadline: timeout.map(|t| Instant::now() + t),
            buffer: [0; 1],
            pending: None,
            term_mode,
        }
    }

    /// Checks if input is immediately available (for `-t 0`). Returns `false` if an error
    /// occurs while checking for available input.
    fn check_input_available(&self) -> bool {
        brush_core::sys::poll::poll_for_input(&self.input, Duration::ZERO).unwrap_or(false)
    }

    /// Reads the next input event, handling timeout and control characters.
    fn read_event(&mut self) -> Result<InputEvent, brush_core::Error> {
        // Check timeout before attempting read.
        if let Some(deadline) = self.deadline {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Ok(InputEvent::Timeout);
            }

            // Poll for input with remaining timeout.
            match brush_core::sys::poll::poll_for_input(&self.input, remaining) {
                Ok(true) => { /* Data available, proceed. */ }
                Ok(false) => return Ok(InputEvent::Timeout),
                Err(e) => return Err(e.into()),
            }
        }

        let Some(first) = self.next_byte()? else {
            return Ok(InputEvent::Eof);
        };
        let ch = self.rest_of_character(first)?;

        // Map control characters to events.
        Ok(match ch {
            CTRL_C if self.from_terminal() => InputEvent::CtrlC,
            CTRL_D if self.from_terminal() => InputEvent::CtrlD,
            _ => InputEvent::Char(ch),
        })
    }

    /// Whether the input is a terminal, whose control keys are not text.
    const fn from_terminal(&self) -> bool {
        self.term_mode.is_some()
    }

    fn next_byte(&mut self) -> Result<Option<u8>, brush_core::Error> {
        if let Some(byte) = self.pending.take() {
            return Ok(Some(byte));
        }
        Ok((self.input.read(&mut self.buffer)? == 1).then_some(self.buffer[0]))
    }

    /// The character whose UTF-8 encoding starts with `first`, its other bytes read (ncsh patch:
    /// each byte was taken for a character of its own, so `read` gave `cafÃ©` for `café`, as
    /// bash reads in a UTF-8 locale). Bytes that are not UTF-8 become U+FFFD, as elsewhere in
    /// ncsh; a byte that cannot continue the character is kept for the next.
    fn rest_of_character(&mut self, first: u8) -> Result<char, brush_core::Error> {
        let length = match first {
            0x00..=0x7f => return Ok(char::from(first)),
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Ok(char::REPLACEMENT_CHARACTER),
        };
        let mut bytes = vec![first];
        while bytes.len() < length {
            match self.next_byte()? {
                Some(byte) if byte & 0xc0 == 0x80 => bytes.push(byte),
                other => {
                    self.pending = other;
                    return Ok(char::REPLACEMENT_CHARACTER);
                }
            }
        }
        Ok(std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| text.chars().next())
            .unwrap_or(char::REPLACEMENT_CHARACTER))
    }
}

/// Configuration for line reading behavior.
struct LineReaderConfig {
    /// Character that terminates input (None for -N mode).
    delimiter: Option<char>,
    /// Maximum characters to read (for -n or -N).
    char_limit: Option<usize>,
    /// Whether to process backslash escapes (false for -r mode).
    process_escapes: bool,
}

/// Reads a complete line of input using the given reader and configuration.
///
/// Returns a `ReadResult` indicating success, EOF, timeout, or interruption.
///
/// Note on character counting for `-n` limit:
/// Bash counts OUTPUT characters (after escape processing) toward the limit.
/// For example, with `-n 3` and input `a\bc` (4 bytes):
/// - Bash processes: 'a' (output 1), '\b' → 'b' (output 2), 'c' (output 3) → "abc"
/// - The backslash is consumed but doesn't count toward the limit
fn read_line_with_reader(
    reader: &mut InputReader,
    config: &LineReaderConfig,
) -> Result<ReadResult, brush_core::Error> {
    let mut line = String::new();
    // Characters in `line`, which `-n` and `-N` count (ncsh patch: they counted its bytes).
    let mut taken = 0;
    let mut pending_backslash = false;

    loop {
        let event = reader.read_event()?;

        match event {
            InputEvent::Eof => {
                // Bash discards pending backslash on EOF.
                return Ok(ReadResult::Eof(if line.is_empty() {
                    None
                } else {
                    Some(line)
                }));
            }

            InputEvent::Timeout => {
                // A pending backslash is dropped, as at EOF (ncsh patch: brush kept it; bash 5.2
                // drops it).
                return Ok(ReadResult::TimedOut(if line.is_empty() {
                    None
                } else {
                    Some(line)
                }));
            }

            InputEvent::CtrlC => {
                return Ok(ReadResult::Interrupted);
            }

            InputEvent::CtrlD => {
                // At line start = EOF, mid-input = flush current input.
                // Bash discards pending backslash here too.
                return Ok(if line.is_empty() && !pending_backslash {
                    ReadResult::Eof(None)
                } else {
                    ReadResult::Line(line)
                });
            }

            InputEvent::Char(ch) => {
                // Handle backslash escape processing (when enabled).
                if config.process_escapes {
                    if pending_backslash {
                        pending_backslash = false;

                        // Backslash-newline is line continuation (ncsh patch: only a newline,
                        // as bash's; another delimiter escaped is a character, `read -d :` of
                        // `a\:b:` gave `ab`).
                        if ch == '\n' {
                            continue; // Line continuation.
                        }

                        // Other characters are kept escaped, so that no IFS character
                        // escaped is a delimiter (`read_chars` takes the backslash away).
                        line.extend([BACKSLASH, ch]);
                        taken += 1;

                        // Check character limit (based on output length).
                        if let Some(limit) = config.char_limit
                            && taken >= limit
                        {
                            return Ok(ReadResult::Line(line));
                        }
                        continue;
                    }

                    if ch == BACKSLASH {
                        pending_backslash = true;
                        continue;
                    }
                }

                // Check for delimiter.
                if let Some(delim) = config.delimiter
                    && ch == delim
                {
                    return Ok(ReadResult::Line(line));
                }

                // Ignore non-whitespace control characters typed at a terminal (ncsh patch: read
                // from elsewhere, they are kept, as bash keeps them).
                if reader.from_terminal() && ch.is_ascii_control() && !ch.is_ascii_whitespace() {
                    continue;
                }

                line.push(ch);
                taken += 1;

                // Check character limit (based on output length).
                if let Some(limit) = config.char_limit
                    && taken >= limit
                {
                    return Ok(ReadResult::Line(line));
                }
            }
        }
    }
}

impl ReadCommand {
    /// Reads a line of input, optionally with a timeout.
    ///
    /// Handles backslash escape processing:
    /// - Without `-r`: backslash-newline is line continuation, other backslashes escape the next
    ///   char
    /// - With `-r`: backslash is treated as a literal character
    fn read_line(
        &self,
        input_file: brush_core::openfiles::OpenFile,
        mut stderr_file: impl std::io::Write,
        timeout: Option<Duration>,
    ) -> Result<ReadResult, brush_core::Error> {
        let term_mode = self.setup_terminal_settings(&input_file)?;

        // Display prompt on stderr, but only if input is from a terminal (per bash behavior).
        if let Some(prompt) = &self.prompt {
            if input_file.is_terminal() {
                write!(stderr_file, "{prompt}")?;
                stderr_file.flush()?;
            }
        }

        // Determine delimiter based on options.
        let delimiter = if self.return_after_n_chars_no_delimiter.is_some() {
            None
        } else if let Some(delimiter_str) = &self.delimiter {
            if delimiter_str.is_empty() {
                Some(NUL_DELIMITER)
            } else {
                delimiter_str.chars().next()
            }
        } else {
            Some(DEFAULT_DELIMITER)
        };

        let char_limit = self
            .return_after_n_chars_no_delimiter
            .or(self.return_after_n_chars);
        // ncsh patch: `-n 0` reads nothing, as bash's (it read a character).
        if char_limit == Some(0) {
            return Ok(ReadResult::Line(String::new()));
        }

        // Create the input reader.
        let mut reader = InputReader::new(input_file, timeout, term_mode);

        // Handle -t 0 special case: just check if input is available without reading.
        if timeout == Some(Duration::ZERO) {
            return Ok(if reader.check_input_available() {
                ReadResult::InputReady
            } else {
                ReadResult::InputNotReady
            });
        }

        // Configure and perform the read.
        let config = LineReaderConfig {
            delimiter,
            char_limit,
            process_escapes: !self.raw_mode,
        };

        read_line_with_reader(&mut reader, &config)
    }

    fn setup_terminal_settings(
        &self,
        file: &brush_core::openfiles::OpenFile,
    ) -> Result<Option<brush_core::terminal::AutoModeGuard>, brush_core::Error> {
        let mode = brush_core::terminal::AutoModeGuard::new(file.to_owned()).ok();
        if let Some(mode) = &mode {
            let config = brush_core::terminal::Settings::builder()
                .line_input(false)
                .interrupt_signals(false)
                .echo_input(!self.silent)
                .build();

            mode.apply_settings(&config)?;
        }

        Ok(mode)
    }

    /// Validates the timeout value and returns an error result if invalid.
    ///
    /// Returns `Ok(Some(result))` if the timeout is invalid (caller should return early),
    /// `Ok(None)` if the timeout is valid or not specified.
    ///
    /// TODO(read): Bash uses $TMOUT as a default timeout for `read` when -t is not specified.
    /// The `-t` timeout, which bash takes as a decimal number of seconds, with a fraction or
    /// without; any other word is refused with bash's words and status.
    fn timeout(
        &self,
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
    ) -> Result<Option<Duration>, brush_core::ExecutionResult> {
        let Some(word) = &self.timeout_in_seconds else {
            return Ok(None);
        };
        let decimal = word.chars().all(|c| c.is_ascii_digit() || c == '.');
        match word.parse::<f64>().map(Duration::try_from_secs_f64) {
            Ok(Ok(timeout)) if decimal => Ok(Some(timeout)),
            _ => Err(context.failure(format!("{word}: invalid timeout specification"), 1)),
        }
    }
}

/// A character of a line `read` took, and whether a backslash escaped it (ncsh patch: an escaped
/// IFS character is no delimiter, `IFS=: read a b <<< 'x\:y:z'` gives `x:y` and `z`, where brush
/// took the backslash away before splitting).
type ReadChar = (char, bool);

/// The characters of `line` as read, where `escaped` says each backslash in it escapes the
/// character after it (the reader keeps escapes so, without `-r`).
fn read_chars(line: &str, escaped: bool) -> Vec<ReadChar> {
    let mut chars = line.chars();
    let mut read = Vec::with_capacity(line.len());
    while let Some(c) = chars.next() {
        match c {
            BACKSLASH if escaped => read.extend(chars.next().map(|next| (next, true))),
            _ => read.push((c, false)),
        }
    }
    read
}

/// The text of read characters, escapes gone.
fn text_of(chars: &[ReadChar]) -> String {
    chars.iter().map(|&(c, _)| c).collect()
}

/// Splits a line into fields by IFS, as bash's `read` does (ncsh patch: whitespace beside another
/// delimiter was a field of its own, `IFS=', ' read -ra p <<< "a, b"` gave `a`, ``, `b`; and the
/// last variable kept a delimiter that ended the line, `IFS=: read a b <<< k:v:` gave `v:`).
///
/// - IFS whitespace (space, tab, newline that are in IFS) at either end of the line is dropped.
/// - Fields are parted by a run of IFS whitespace, or by one other IFS character with the IFS
///   whitespace around it; so `a,,b` has an empty field, and a delimiter ending the line none.
/// - With `max_fields`, the last field is the rest of the line, delimiters and all, unless that
///   rest is one field and the delimiter that ends it.
/// - A character a backslash escaped is never a delimiter.
///
/// # Arguments
/// * `ifs` - The IFS string (typically " \t\n")
/// * `line` - The input line to split
/// * `max_fields` - Optional limit on number of fields (for `read var1 var2`)
fn split_line_by_ifs(ifs: &str, line: &[ReadChar], max_fields: Option<usize>) -> VecDeque<String> {
    let splitter = IfsSplitter { ifs };
    let mut rest = splitter.trimmed(line);
    let mut fields = VecDeque::new();
    while !rest.is_empty() {
        if max_fields.is_some_and(|max| fields.len() + 1 >= max) {
            let (field, after) = splitter.next_field(rest);
            fields.push_back(text_of(if after.is_empty() { field } else { rest }));
            break;
        }
        let (field, after) = splitter.next_field(rest);
        fields.push_back(text_of(field));
        rest = after;
    }
    fields
}

/// bash's rules for the characters of IFS in `read`.
struct IfsSplitter<'a> {
    ifs: &'a str,
}

impl IfsSplitter<'_> {
    fn is_delimiter(&self, (c, escaped): ReadChar) -> bool {
        !escaped && self.ifs.contains(c)
    }

    fn is_whitespace(&self, read: ReadChar) -> bool {
        matches!(read.0, ' ' | '\t' | '\n') && self.is_delimiter(read)
    }

    /// `text` with the IFS whitespace at its start left out.
    fn after_whitespace<'t>(&self, text: &'t [ReadChar]) -> &'t [ReadChar] {
        let start = (text.iter()).position(|&c| !self.is_whitespace(c));
        &text[start.unwrap_or(text.len())..]
    }

    /// `text` with the IFS whitespace at both ends left out.
    fn trimmed<'t>(&self, text: &'t [ReadChar]) -> &'t [ReadChar] {
        let text = self.after_whitespace(text);
        let end = (text.iter()).rposition(|&c| !self.is_whitespace(c));
        &text[..end.map_or(0, |end| end + 1)]
    }

    /// The field `text` starts with, and the text after the delimiter that ends it (bash's
    /// `get_word_from_string`): IFS whitespace, then at most one other IFS character and the IFS
    /// whitespace after it.
    fn next_field<'t>(&self, text: &'t [ReadChar]) -> (&'t [ReadChar], &'t [ReadChar]) {
        let text = self.after_whitespace(text);
        let end = (text.iter()).position(|&c| self.is_delimiter(c));
        let (field, rest) = text.split_at(end.unwrap_or(text.len()));
        let rest = self.after_whitespace(rest);
        let rest = match rest.first() {
            Some(&c) if self.is_delimiter(c) => self.after_whitespace(&rest[1..]),
            _ => rest,
        };
        (field, rest)
    }
}

#[cfg(test)]
mod tests {
    use itertools::assert_equal;

    use super::*;

    // ==================== split_line_by_ifs tests ====================

    #[test]
    fn test_split_line_by_ifs_basic() {
        let result = split_line_by_ifs(",", &read_chars("a,b,c", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c"]));
    }

    #[test]
    fn test_split_line_by_ifs_leading_or_trailing_space() {
        let result = split_line_by_ifs(" ", &read_chars("  a b c ", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c"]));
    }

    #[test]
    fn test_split_line_by_ifs_extra_interior_space() {
        let result = split_line_by_ifs(" ", &read_chars("a  b c", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c"]));
    }

    #[test]
    fn test_split_line_by_ifs_leading_non_space_delimiter() {
        let result = split_line_by_ifs(",", &read_chars(",a,b,c", true), None);
        assert_equal(result, VecDeque::from(vec!["", "a", "b", "c"]));
    }

    #[test]
    fn test_split_line_by_ifs_trailing_non_space_delimiter() {
        // Bash does NOT include empty trailing field when input ends with non-ws delimiter.
        let result = split_line_by_ifs(",", &read_chars("a,b,c,", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c"]));
    }

    #[test]
    fn test_split_line_by_ifs_max_fields() {
        // With max_fields=2, remainder goes into second field.
        let result = split_line_by_ifs(" ", &read_chars("a b c d", true), Some(2));
        assert_equal(result, VecDeque::from(vec!["a", "b c d"]));
    }

    #[test]
    fn test_split_line_by_ifs_max_fields_with_non_ws_delimiter() {
        // With max_fields and non-whitespace delimiter.
        let result = split_line_by_ifs(",", &read_chars("a,b,c,d", true), Some(2));
        assert_equal(result, VecDeque::from(vec!["a", "b,c,d"]));
    }

    #[test]
    fn test_split_line_by_ifs_consecutive_delimiters_at_boundary() {
        // Consecutive non-whitespace delimiters at field boundary should be preserved.
        // e.g., "x::y" with IFS=":" and 2 vars gives ["x", ":y"]
        let result = split_line_by_ifs(":", &read_chars("x::y", true), Some(2));
        assert_equal(result, VecDeque::from(vec!["x", ":y"]));

        // Triple delimiter at boundary.
        let result = split_line_by_ifs(":", &read_chars("x:::y", true), Some(2));
        assert_equal(result, VecDeque::from(vec!["x", "::y"]));

        // Delimiter in middle of remainder is also preserved.
        let result = split_line_by_ifs(":", &read_chars("x:y:z:w", true), Some(2));
        assert_equal(result, VecDeque::from(vec!["x", "y:z:w"]));
    }

    #[test]
    fn test_split_line_by_ifs_mixed_delimiters() {
        // Mixed whitespace and non-whitespace in IFS.
        let result = split_line_by_ifs(": ", &read_chars("a:b  c:d", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c", "d"]));
    }

    #[test]
    fn test_split_line_by_ifs_empty_input() {
        let result = split_line_by_ifs(" ", &read_chars("", true), None);
        assert_equal(result, VecDeque::<String>::new());
    }

    #[test]
    fn test_split_line_by_ifs_whitespace_only() {
        let result = split_line_by_ifs(" ", &read_chars("   ", true), None);
        assert_equal(result, VecDeque::<String>::new());
    }

    #[test]
    fn test_split_line_by_ifs_consecutive_non_ws_delimiters() {
        // Consecutive non-whitespace delimiters create empty fields.
        let result = split_line_by_ifs(",", &read_chars("a,,b", true), None);
        assert_equal(result, VecDeque::from(vec!["a", "", "b"]));
    }

    // ==================== build_array_fields tests ====================

    #[test]
    fn test_build_array_fields_basic() {
        let result = build_array_fields(Some(read_chars("a b c", true).as_slice()), " ", false);
        assert_eq!(
            result,
            vec![
                (None, "a".to_string()),
                (None, "b".to_string()),
                (None, "c".to_string())
            ]
        );
    }

    #[test]
    fn test_build_array_fields_skip_splitting() {
        // With -N option, entire input goes as single element.
        let result = build_array_fields(Some(read_chars("a b c", true).as_slice()), " ", true);
        assert_eq!(result, vec![(None, "a b c".to_string())]);
    }

    #[test]
    fn test_build_array_fields_none_input() {
        let result = build_array_fields(None, " ", false);
        assert!(result.is_empty());
    }

    // ==================== build_variable_fields tests ====================

    #[test]
    fn test_build_variable_fields_basic() {
        let result =
            build_variable_fields(Some(read_chars("a b c", true).as_slice()), " ", false, 3);
        assert_equal(result, VecDeque::from(vec!["a", "b", "c"]));
    }

    #[test]
    fn test_build_variable_fields_fewer_vars_than_fields() {
        // Last variable gets remainder.
        let result =
            build_variable_fields(Some(read_chars("a b c d", true).as_slice()), " ", false, 2);
        assert_equal(result, VecDeque::from(vec!["a", "b c d"]));
    }

    #[test]
    fn test_build_variable_fields_skip_splitting() {
        // With -N option, entire input goes to first variable.
        let result =
            build_variable_fields(Some(read_chars("a b c", true).as_slice()), " ", true, 3);
        assert_equal(result, VecDeque::from(vec!["a b c"]));
    }

    #[test]
    fn test_build_variable_fields_none_input() {
        let result = build_variable_fields(None, " ", false, 3);
        assert!(result.is_empty());
    }
}
