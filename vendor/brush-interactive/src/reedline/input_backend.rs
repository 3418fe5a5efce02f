use nu_ansi_term::Color;
use reedline::MenuBuilder;

use super::{completer, edit_mode, highlighter, history, validator};
use crate::{InputBackend, ReadResult, ShellError, input_backend::InteractivePrompt, refs};

/// Represents an interactive shell capable of taking commands from standard input
/// and reporting results to standard output and standard error streams.
pub struct ReedlineInputBackend {
    reedline: Option<reedline::Reedline>,
    /// Set when `TMOUT` seconds pass with nothing typed, and the lines read, so that the timer of
    /// a line already read sets nothing (ncsh patch).
    timed_out: std::sync::Arc<std::sync::atomic::AtomicBool>,
    lines_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The keys, to switch to vi's or emacs's before each line as the shell's options say
    /// (ncsh patch).
    bindings: std::sync::Arc<tokio::sync::Mutex<edit_mode::UpdatableBindings>>,
}

const COMPLETION_MENU_NAME: &str = "completion_menu";

impl ReedlineInputBackend {
    /// Returns a new interactive shell instance, created with the provided options.
    ///
    /// # Arguments
    ///
    /// * `options` - Options for creating the input backend.
    /// * `shell_ref` - Shell that the backend will be used with.
    pub fn new(
        options: &crate::UIOptions,
        shell_ref: &refs::ShellRef<impl brush_core::ShellExtensions>,
    ) -> Result<Self, ShellError> {
        // Set up key bindings.
        let key_bindings = compose_key_bindings(COMPLETION_MENU_NAME);
        let mut vi_insert = reedline::default_vi_insert_keybindings();
        add_completion_keys(&mut vi_insert, COMPLETION_MENU_NAME);

        // Set up mutable edit mode.
        let mutable_edit_mode = edit_mode::MutableEditMode::new(key_bindings, vi_insert);
        let timed_out = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let updatable_bindings = mutable_edit_mode.bindings();

        // Create helper objects that implement reedline traits; each will
        // hold a reference to the shell.
        let completer = completer::ReedlineCompleter {
            shell: shell_ref.clone(),
        };
        let validator = validator::ReedlineValidator {
            shell: shell_ref.clone(),
        };
        let highlighter = highlighter::ReedlineHighlighter {
            shell: shell_ref.clone(),
        };
        let history = history::ReedlineHistory {
            shell: shell_ref.clone(),
        };

        // Set up completion menu. Set an empty marker to avoid the
        // line's text horizontally shifting around during/after completion.
        // We set a max column count of 10 to ensure it's larger than the
        // hard-coded default (4 last we checked); if there's not enough
        // horizontal space in the terminal to fit that many columns, given
        // the actual text to be displayed, it will get effectively dereased
        // anyhow.
        let completion_menu = Box::new(
            reedline::ColumnarMenu::default()
                .with_name(COMPLETION_MENU_NAME)
                .with_marker("")
                .with_columns(10)
                .with_selected_text_style(Color::Blue.bold().reverse())
                .with_selected_match_text_style(Color::Blue.bold().reverse()),
        );

        // Set up default history-based hinter.
        let mut hinter = reedline::DefaultHinter::default();
        if !options.disable_color {
            hinter = hinter.with_style(nu_ansi_term::Style::new().italic().fg(Color::DarkGray));
        }

        // Instantiate reedline with some defaults and hand it ownership of
        // the helpers.
        let mut reedline = reedline::Reedline::create()
            .with_ansi_colors(!options.disable_color)
            .use_bracketed_paste(!options.disable_bracketed_paste)
            .with_completer(Box::new(completer))
            .with_quick_completions(true)
            // ncsh patch: Tab first fills in what the candidates have in common, as readline's
            // does (`echo di` with `dir1/` and `dir2/` becomes `echo dir`); only the menu came.
            .with_partial_completions(true)
            .with_validator(Box::new(validator))
            .with_hinter(Box::new(hinter))
            .with_menu(reedline::ReedlineMenu::EngineCompleter(completion_menu))
            .with_edit_mode(Box::new(mutable_edit_mode))
            .with_history(Box::new(history))
            // ncsh patch: for `TMOUT`, looked at each second while nothing is typed (a key is
            // taken as it comes).
            .with_break_signal(timed_out.clone())
            .with_poll_interval(std::time::Duration::from_secs(1));

        // If requested, apply some additional niceties.
        if !options.disable_highlighting && !options.disable_color {
            reedline = reedline.with_highlighter(Box::new(highlighter));
        }

        let mut shell = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(shell_ref.lock())
        });

        shell.set_key_bindings(Some(updatable_bindings.clone()));
        drop(shell);

        Ok(Self {
            reedline: Some(reedline),
            bindings: updatable_bindings,
            timed_out,
            lines_read: std::sync::Arc::default(),
        })
    }
}

impl ReedlineInputBackend {
    /// Sets `timed_out` after `seconds`, unless a line is read first (ncsh patch: bash logs out a
    /// shell left at its prompt for `TMOUT` seconds, which some sites require; ncsh waited for
    /// ever).
    fn start_timeout(&self, seconds: u64) {
        let read = self.lines_read.load(std::sync::atomic::Ordering::SeqCst);
        let (timed_out, lines_read) = (self.timed_out.clone(), self.lines_read.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            if lines_read.load(std::sync::atomic::Ordering::SeqCst) == read {
                timed_out.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        });
    }
}

impl Drop for ReedlineInputBackend {
    fn drop(&mut self) {
        // It's unpleasant to need to do so, but if we detect a panic in the process of being
        // unwound, then we arrange for our reedline::Reedline instance to *not* get dropped.
        // Without this, then there's a chance that our panic handler emitted important
        // diagnostics to stdout but dropping the Reedline object will end up erasing it
        // when the latter object's internal Painter gets dropped and, in turn, may flush
        // some not-yet-flushed terminal control sequences. This isn't theoretical; we've
        // actively seen this in various cases where a panic occurs with Reedline::read_line()
        // on the stack.
        if std::thread::panicking() {
            let reedline = std::mem::take(&mut self.reedline);
            std::mem::forget(reedline);
        }
    }
}

impl InputBackend for ReedlineInputBackend {
    /// Reads a line of input, using the given prompt.
    ///
    /// # Arguments
    ///
    /// * `prompt` - The prompt to display to the user.
    fn read_line(
        &mut self,
        shell: &crate::ShellRef<impl brush_core::ShellExtensions>,
        prompt: InteractivePrompt,
    ) -> Result<ReadResult, ShellError> {
        // ncsh patch: vi's keys or emacs's, as `set -o vi` or `set -o emacs` last said; and a
        // timer for `TMOUT`.
        let (vi, timeout) = {
            let shell = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(shell.lock())
            });
            let timeout = (shell.env_str("TMOUT"))
                .and_then(|seconds| seconds.trim().parse::<u64>().ok())
                .filter(|seconds| *seconds > 0);
            (shell.options().vi_mode, timeout)
        };
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(self.bindings.lock())
        })
        .use_vi(vi);
        // A timer that fired as the last line was being taken set the signal too late for it.
        self.timed_out
            .store(false, std::sync::atomic::Ordering::SeqCst);
        if let Some(seconds) = timeout {
            self.start_timeout(seconds);
        }
        if let Some(reedline) = &mut self.reedline {
            let read = reedline.read_line(&prompt);
            self.lines_read
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            match read {
                Ok(reedline::Signal::Success(s)) => {
                    if edit_mode::is_reedline_host_command(s.as_str()) {
                        Ok(ReadResult::BoundCommand(s))
                    } else {
                        Ok(ReadResult::Input(s))
                    }
                }
                Ok(reedline::Signal::CtrlC) => Ok(ReadResult::Interrupted),
                Ok(reedline::Signal::CtrlD) => Ok(ReadResult::Eof),
                Ok(reedline::Signal::ExternalBreak(_)) => {
                    eprintln!("\x07timed out waiting for input: auto-logout");
                    Ok(ReadResult::TimedOut)
                }
                Ok(_) => Err(ShellError::UnexpectedInputFailure),
                Err(err) => Err(ShellError::InputError(err)),
            }
        } else {
            Ok(ReadResult::Eof)
        }
    }

    fn get_read_buffer(&self) -> Option<(String, usize)> {
        self.reedline.as_ref().map(|r| {
            (
                r.current_buffer_contents().to_owned(),
                r.current_insertion_point(),
            )
        })
    }

    fn set_read_buffer(&mut self, buffer: String, cursor: usize) {
        if let Some(reedline) = &mut self.reedline {
            // ncsh patch: the whole buffer is replaced, each of its lines (only the first was
            // cleared, and the others ran after a `bind -x` command set the line).
            reedline.run_edit_commands(&[
                reedline::EditCommand::Clear,
                reedline::EditCommand::InsertString(buffer),
                reedline::EditCommand::MoveToPosition {
                    position: cursor,
                    select: false,
                },
            ]);
        }
    }
}

/// Tab and Shift-Tab for completion.
fn add_completion_keys(key_bindings: &mut reedline::Keybindings, completion_menu_name: &str) {
    key_bindings.add_binding(
        reedline::KeyModifiers::NONE,
        reedline::KeyCode::Tab,
        reedline::ReedlineEvent::UntilFound(vec![
            reedline::ReedlineEvent::Menu(completion_menu_name.to_string()),
            reedline::ReedlineEvent::MenuNext,
            reedline::ReedlineEvent::Edit(vec![reedline::EditCommand::Complete]),
        ]),
    );
    key_bindings.add_binding(
        reedline::KeyModifiers::SHIFT,
        reedline::KeyCode::BackTab,
        reedline::ReedlineEvent::MenuPrevious,
    );
}

fn compose_key_bindings(completion_menu_name: &str) -> reedline::Keybindings {
    let mut key_bindings = reedline::default_emacs_keybindings();
    add_completion_keys(&mut key_bindings, completion_menu_name);

    // Add undo.
    // NOTE: To match readline, we bind Ctrl+_ to undo; in practice, the only way
    // to get that to work out is to specify Ctrl+7 for the binding. It's not clear
    // that this is terribly portable across terminals/environments.
    key_bindings.add_binding(
        reedline::KeyModifiers::CONTROL,
        reedline::KeyCode::Char('7'),
        reedline::ReedlineEvent::Edit(vec![reedline::EditCommand::Undo]),
    );

    // ncsh patch: Ctrl-W cuts to the blank before (`unix-word-rubout`), as bash's does: it stopped
    // at a `/` or `.`; and Alt-. puts in the last word of the line before (`insert-last-argument`).
    key_bindings.add_binding(
        reedline::KeyModifiers::CONTROL,
        reedline::KeyCode::Char('w'),
        reedline::ReedlineEvent::Edit(vec![reedline::EditCommand::CutBigWordLeft]),
    );
    if let Some(insert_last_argument) = super::edit_mode::translate_input_function_to_reedline_event(
        &brush_core::interfaces::InputFunction::InsertLastArgument,
    ) {
        key_bindings.add_binding(
            reedline::KeyModifiers::ALT,
            reedline::KeyCode::Char('.'),
            insert_last_argument,
        );
    }

    // Capitalize.
    key_bindings.add_binding(
        reedline::KeyModifiers::ALT,
        reedline::KeyCode::Char('c'),
        reedline::ReedlineEvent::Edit(vec![
            reedline::EditCommand::CapitalizeChar,
            reedline::EditCommand::MoveWordRight { select: false },
        ]),
    );

    // Add comment.
    key_bindings.add_binding(
        reedline::KeyModifiers::ALT,
        reedline::KeyCode::Char('#'),
        reedline::ReedlineEvent::Multiple(vec![
            reedline::ReedlineEvent::Edit(vec![
                reedline::EditCommand::MoveToStart { select: false },
                reedline::EditCommand::InsertChar('#'),
            ]),
            reedline::ReedlineEvent::Enter,
        ]),
    );

    key_bindings
}
