//! The commands before a syntax error (ncsh patch). bash reads a script, a sourced file, `-c`
//! text or an `eval`'s words a line at a time and runs each complete command as it reads it, so
//! the commands before a syntax error run, and an `exit` before it ends the script without one
//! (as in a self-extracting archive, whose data follows the `exit`). brush parses the text whole,
//! and ran nothing. Text that parses whole still runs whole; only text that does not comes here.

use std::sync::Arc;

use brush_parser::{ParseError, SourcePosition, SourceSpan, Token};

use crate::{ExecutionParameters, Shell, error, extensions, results::ExecutionResult};

/// Most bytes the search for complete commands tokenizes and parses in all, past which it stops:
/// where a command never ends (an unclosed `{` early in a long file) the search reads the rest
/// many times, and finds nothing to run there.
const MOST_BYTES_PARSED: usize = 1 << 24;

impl<SE: extensions::ShellExtensions> Shell<SE> {
    /// Runs the complete commands of `text` that come before its syntax error, a line's commands
    /// at a time. Gives the result of one that ends the run (`exit`, `return`, a fatal
    /// error), or `None` where the run reaches the error.
    pub(super) async fn run_commands_before_syntax_error(
        &mut self,
        text: &str,
        params: &ExecutionParameters,
    ) -> Option<ExecutionResult> {
        let parser_options = self.parser_options();
        // Spaced as `parse_string` spaces it, so that `for ((;;))` parses; lines stay where they
        // are.
        let text = super::parsing::for_arithmetic_spaced(text);
        let mut commands = CompleteCommands::new(&text, &parser_options);
        while let Some(program) = commands.next_program() {
            let result = match self.run_program(program, params).await {
                Ok(result) => result,
                Err(error) => {
                    let _ = self.display_error(&mut params.stderr(self), &error);
                    let result = error.into_result(self);
                    self.set_last_exit_status(result.exit_code.into());
                    return Some(result);
                }
            };
            if !matches!(
                result.next_control_flow,
                crate::results::ExecutionControlFlow::Normal
            ) {
                return Some(result);
            }
        }
        None
    }
}

/// Splits text into programs of complete commands, each ending at the end of a line. Each try
/// tokenizes and parses only the lines it tries, so that what comes after them (data after an
/// `exit`, a quote left open) does not matter, and places their tokens where they are in the text.
struct CompleteCommands<'a> {
    text: &'a str,
    parser_options: &'a brush_parser::ParserOptions,
    /// Where each line starts, in bytes and in characters, and the end.
    line_starts: Vec<(usize, usize)>,
    /// How many lines have been run.
    lines_run: usize,
    bytes_parsed: usize,
}

impl<'a> CompleteCommands<'a> {
    fn new(text: &'a str, parser_options: &'a brush_parser::ParserOptions) -> Self {
        let mut line_starts = vec![(0, 0)];
        for (chars, (byte, c)) in text.char_indices().enumerate() {
            if c == '\n' && byte + 1 < text.len() {
                line_starts.push((byte + 1, chars + 1));
            }
        }
        line_starts.push((text.len(), text.chars().count()));
        Self {
            text,
            parser_options,
            line_starts,
            lines_run: 0,
            bytes_parsed: 0,
        }
    }

    /// The next lines that parse as complete commands, or `None` where the next command does
    /// not end before the error. Tries 1, 2, 4… lines while they read as unfinished; past them,
    /// halves the lines between the last unfinished and the first that failed, then tries each
    /// of them, fewest first.
    fn next_program(&mut self) -> Option<brush_parser::ast::Program> {
        let lines_left = self.line_starts.len() - 1 - self.lines_run;
        let mut unfinished = 0;
        let mut lines = 1;
        let failed = loop {
            let tried = lines.min(lines_left);
            if tried == 0 {
                return None;
            }
            match self.parse(tried)? {
                Ok(program) => return self.taken(program, tried),
                Err(ParseError::ParsingAtEndOfInput) if tried < lines_left => {
                    unfinished = tried;
                    lines *= 2;
                }
                Err(_) => break tried,
            }
        };
        // The first command ends, if anywhere, between the last lines that read as unfinished
        // and the first that failed; most often just before the error.
        let (mut low, mut high) = (unfinished, failed);
        while high - low > 1 {
            let middle = low + (high - low) / 2;
            match self.parse(middle)? {
                Ok(program) => return self.taken(program, middle),
                Err(ParseError::ParsingAtEndOfInput) => low = middle,
                Err(_) => high = middle,
            }
        }
        for fewer in unfinished + 1..failed {
            match self.parse(fewer)? {
                Ok(program) => return self.taken(program, fewer),
                Err(ParseError::ParsingAtEndOfInput) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// Parses the next `lines` lines; `None` past the budget. Lines that do not tokenize (a
    /// quote or an expansion left open) read as unfinished.
    fn parse(&mut self, lines: usize) -> Option<Result<brush_parser::ast::Program, ParseError>> {
        let (start, chars_before) = self.line_starts[self.lines_run];
        let (end, _) = self.line_starts[self.lines_run + lines];
        self.bytes_parsed += end - start;
        if self.bytes_parsed > MOST_BYTES_PARSED {
            return None;
        }
        let options = self.parser_options.tokenizer_options();
        // Uncached: the tokenizer's cache would keep a copy of each try's text.
        let Ok(tokens) = brush_parser::uncached_tokenize_str(&self.text[start..end], &options)
        else {
            return Some(Err(ParseError::ParsingAtEndOfInput));
        };
        let tokens: Vec<Token> = (tokens.into_iter())
            .map(|token| placed(token, self.lines_run, chars_before))
            .collect();
        Some(brush_parser::parse_tokens(&tokens, self.parser_options))
    }

    fn taken(
        &mut self,
        program: brush_parser::ast::Program,
        lines: usize,
    ) -> Option<brush_parser::ast::Program> {
        self.lines_run += lines;
        Some(program)
    }
}

/// `token` of text that starts after `lines` lines and `chars` characters, placed where it is in
/// the whole text, so that `$LINENO` and errors name the script's lines.
fn placed(token: Token, lines: usize, chars: usize) -> Token {
    let moved = |position: &SourcePosition| {
        Arc::new(SourcePosition {
            index: position.index + chars,
            line: position.line + lines,
            column: position.column,
        })
    };
    let span = |span: &SourceSpan| SourceSpan {
        start: moved(&span.start),
        end: moved(&span.end),
    };
    match token {
        Token::Operator(text, at) => Token::Operator(text, span(&at)),
        Token::Word(text, at) => Token::Word(text, span(&at)),
    }
}

/// Whether a syntax error ends the shell: in a script it runs or `-c` text, as in bash; in a
/// file it sources or an `eval`, the `source` or `eval` fails with status 2 and the caller goes on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SyntaxErrors {
    EndTheShell,
    FailTheCommand,
}

impl SyntaxErrors {
    pub(super) fn applied_to(self, error: error::Error) -> error::Error {
        match self {
            Self::EndTheShell => error.into_fatal(),
            Self::FailTheCommand => error,
        }
    }
}
