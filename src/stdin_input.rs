//! Commands from a standard input that is not a terminal (`echo ls | ncsh`, `ncsh < script`), or
//! from a terminal that the line editor cannot work with ([`TerminalInput`]).
//!
//! As in bash, each complete command is run as soon as it has been read, and input is read one byte at
//! a time, so that a command can read the lines after it from the same stdin (`read line`, `cat`).
//! A command is complete when it parses; one still open at the end of a line (a here-doc, an `if`
//! without `fi`, an open quote) takes more lines.

use std::io::Write;

use brush_interactive::{
    InputBackend, InteractivePrompt, ReadResult, ReedlineInputBackend, ShellError, ShellRef,
};

/// Reads whole commands from file descriptor 0; on a terminal, after the prompts.
pub struct StdinInput {
    /// Whether to show the prompt, and the continuation prompt before each line after the first.
    pub prompts: bool,
}

impl InputBackend for StdinInput {
    fn read_line(
        &mut self,
        shell: &ShellRef<impl brush_core::ShellExtensions>,
        prompt: InteractivePrompt,
    ) -> Result<ReadResult, ShellError> {
        let mut command = String::new();
        loop {
            if self.prompts {
                // On stderr, as bash shows them.
                let shown = if command.is_empty() {
                    &prompt.prompt
                } else {
                    &prompt.continuation_prompt
                };
                let mut stderr = std::io::stderr();
                let _ = stderr.write_all(shown.as_bytes());
                let _ = stderr.flush();
            }
            if self.prompts && !wait_for_a_line_or_ctrl_c()? {
                // As at bash's prompt: what was typed is dropped (the terminal dropped the line
                // being typed; the lines of an unfinished command go here), and a new prompt is
                // shown on the next line.
                brush_core::interrupt::clear();
                eprintln!();
                return Ok(ReadResult::Interrupted);
            }
            let Some(line) = read_line_unbuffered()? else {
                // End of input: run what is there, even if it does not parse, so its error is
                // shown; but for a last backslash that escapes nothing, which bash drops.
                if ends_in_open_escape(shell, &command) {
                    command.pop();
                }
                return Ok(if command.is_empty() {
                    ReadResult::Eof
                } else {
                    ReadResult::Input(command)
                });
            };
            command.push_str(&line);
            if !is_incomplete(shell, &command) {
                return Ok(ReadResult::Input(command));
            }
        }
    }
}

fn is_incomplete(shell: &ShellRef<impl brush_core::ShellExtensions>, command: &str) -> bool {
    match parse_error(shell, command) {
        Some(brush_parser::ParseError::Tokenizing { inner, .. }) => inner.is_incomplete(),
        Some(brush_parser::ParseError::ParsingAtEndOfInput) => true,
        _ => false,
    }
}

fn ends_in_open_escape(shell: &ShellRef<impl brush_core::ShellExtensions>, command: &str) -> bool {
    matches!(
        parse_error(shell, command),
        Some(brush_parser::ParseError::Tokenizing {
            inner: brush_parser::TokenizerError::UnterminatedEscapeSequence,
            ..
        })
    )
}

fn parse_error(
    shell: &ShellRef<impl brush_core::ShellExtensions>,
    command: &str,
) -> Option<brush_parser::ParseError> {
    // The read loop releases the shell before it reads, so the lock is free here.
    let shell = shell.try_lock().ok()?;
    shell.parse_string(command.to_owned()).err()
}

/// Waits until fd 0 has input; `false` when Ctrl-C was pressed first. The SIGINT handler of the
/// interactive shell only sets [`brush_core::interrupt::flag`] and the read would go on after it,
/// so the flag is looked at every tenth of a second.
fn wait_for_a_line_or_ctrl_c() -> std::io::Result<bool> {
    let stdin = std::io::stdin();
    let ctrl_c = brush_core::interrupt::flag();
    loop {
        if ctrl_c.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(false);
        }
        let mut polled = [nix::poll::PollFd::new(
            std::os::fd::AsFd::as_fd(&stdin),
            nix::poll::PollFlags::POLLIN,
        )];
        match nix::poll::poll(&mut polled, nix::poll::PollTimeout::from(100u8)) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => {}
            // A Ctrl-C just after the poll has the terminal drop the line; the read would then
            // wait for the next one, and the Ctrl-C would go unseen. So a line counts only once
            // its bytes are there (or at the end of input, where there are none and never will
            // be).
            Ok(_) if end_of_input(&polled[0]) || bytes_waiting(&stdin) > 0 => return Ok(true),
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether the poll found fd 0 closed or hung up.
fn end_of_input(polled: &nix::poll::PollFd) -> bool {
    polled.revents().is_some_and(|events| {
        events.intersects(nix::poll::PollFlags::POLLHUP | nix::poll::PollFlags::POLLERR)
    })
}

/// How many bytes fd 0 holds, ready to be read.
fn bytes_waiting(stdin: &std::io::Stdin) -> i32 {
    nix::ioctl_read_bad!(fionread, nix::libc::FIONREAD, nix::libc::c_int);
    let mut waiting: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one int, to a local that outlives the call.
    let asked = unsafe { fionread(std::os::fd::AsRawFd::as_raw_fd(stdin), &raw mut waiting) };
    if asked.is_ok() { waiting } else { 1 }
}

/// One line from fd 0, newline included, without reading past it; `None` at end of input. Bytes that
/// are not UTF-8 become U+FFFD, so binary garbage gives errors, not a crash.
fn read_line_unbuffered() -> std::io::Result<Option<String>> {
    let stdin = std::io::stdin();
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match nix::unistd::read(&stdin, &mut byte) {
            Ok(0) => break,
            Ok(_) => {
                bytes.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok((!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned()))
}

/// A copy of `prompt`, to show again (brush-interactive's prompt is not `Clone`).
pub fn prompt_again(prompt: &InteractivePrompt) -> InteractivePrompt {
    InteractivePrompt {
        prompt: prompt.prompt.clone(),
        alt_side_prompt: prompt.alt_side_prompt.clone(),
        continuation_prompt: prompt.continuation_prompt.clone(),
    }
}

/// The line editor, or plain lines with their prompts where the terminal does not answer the
/// editor's query of where the cursor is (an Emacs buffer, an `expect` script): a shell that cannot
/// edit lines is better than none.
pub enum TerminalInput {
    Editor(Box<ReedlineInputBackend>),
    Plain(StdinInput),
}

impl InputBackend for TerminalInput {
    fn read_line(
        &mut self,
        shell: &ShellRef<impl brush_core::ShellExtensions>,
        prompt: InteractivePrompt,
    ) -> Result<ReadResult, ShellError> {
        let editor = match self {
            Self::Plain(plain) => return plain.read_line(shell, prompt),
            Self::Editor(editor) => editor,
        };
        let again = prompt_again(&prompt);
        match editor.read_line(shell, prompt) {
            Err(ShellError::InputError(e)) if e.to_string().contains("cursor position") => {
                eprintln!(
                    "ncsh: the terminal did not say where its cursor is (it does not answer ESC[6n); \
                     line editing is off for this session, and lines are read as typed"
                );
                let mut plain = StdinInput { prompts: true };
                let read = plain.read_line(shell, again);
                *self = Self::Plain(plain);
                read
            }
            read => read,
        }
    }

    fn get_read_buffer(&self) -> Option<(String, usize)> {
        match self {
            Self::Editor(editor) => editor.get_read_buffer(),
            Self::Plain(_) => None,
        }
    }

    fn set_read_buffer(&mut self, buffer: String, cursor: usize) {
        if let Self::Editor(editor) = self {
            editor.set_read_buffer(buffer, cursor);
        }
    }
}
