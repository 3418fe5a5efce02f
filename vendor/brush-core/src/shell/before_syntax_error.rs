//! The commands before a syntax error (ncsh patch). bash reads a script, a sourced file, `-c`
//! text or an `eval`'s words a line at a time and runs each complete command as it reads it, so
//! the commands before a syntax error run, and an `exit` before it ends the script without one
//! (as in a self-extracting archive, whose data follows the `exit`). brush parses the text whole,
//! and ran nothing. Text that parses whole still runs whole; only text that does not comes here.

use brush_parser::{ParseError, Token};

use crate::{ExecutionParameters, Shell, error, extensions, results::ExecutionResult};

/// Most tokens the search for complete commands parses in all, past which it stops: the search
/// can parse the same tokens many times where a command never ends (an unclosed `{` early in a
/// long file), and what it has not run by then, bash would mostly not run either.
const MOST_TOKENS_PARSED: usize = 1 << 21;

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
        let tokens = tokens_before(text, &parser_options)?;
        let mut commands = CompleteCommands::new(&tokens, &parser_options);
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

/// The tokens of `text`, or of its lines before the one where tokenizing failed (an unclosed
/// quote: bash reads on to the end of input for it, and runs nothing of its line), and so on
/// while the lines left fail too.
fn tokens_before(text: &str, parser_options: &brush_parser::ParserOptions) -> Option<Vec<Token>> {
    // Spaced as `parse_string` spaces it, so that `for ((;;))` parses; lines stay where they are.
    let mut text = super::parsing::for_arithmetic_spaced(text);
    let options = parser_options.tokenizer_options();
    loop {
        match brush_parser::tokenize_str_with_options(&text, &options) {
            Ok(tokens) => return Some(tokens),
            Err(error) => {
                let failed_at = tokenizer_error_start(&error)?.index;
                let line_start = (text.char_indices())
                    .take(failed_at)
                    .filter(|&(_, c)| c == '\n')
                    .last()
                    .map_or(0, |(newline, _)| newline + 1);
                if line_start >= text.len() {
                    return None;
                }
                text.truncate(line_start);
            }
        }
    }
}

/// Where the text that the tokenizer could not close starts, where it says.
const fn tokenizer_error_start(
    error: &brush_parser::TokenizerError,
) -> Option<&brush_parser::SourcePosition> {
    use brush_parser::TokenizerError;
    match error {
        TokenizerError::UnterminatedSingleQuote(start)
        | TokenizerError::UnterminatedAnsiCQuote(start)
        | TokenizerError::UnterminatedDoubleQuote(start)
        | TokenizerError::UnterminatedBackquote(start)
        | TokenizerError::UnterminatedExtendedGlob(start) => Some(start),
        _ => None,
    }
}

/// Splits tokens into programs of complete commands, each ending at the end of a line.
struct CompleteCommands<'a> {
    tokens: &'a [Token],
    parser_options: &'a brush_parser::ParserOptions,
    /// The index of the token after each newline token, and the end.
    line_ends: Vec<usize>,
    /// How many of `line_ends` have been run.
    lines_run: usize,
    tokens_parsed: usize,
}

impl<'a> CompleteCommands<'a> {
    fn new(tokens: &'a [Token], parser_options: &'a brush_parser::ParserOptions) -> Self {
        let mut line_ends: Vec<usize> = (tokens.iter().enumerate())
            .filter(|(_, token)| matches!(token, Token::Operator(op, _) if op == "\n"))
            .map(|(index, _)| index + 1)
            .collect();
        if line_ends.last() != Some(&tokens.len()) {
            line_ends.push(tokens.len());
        }
        Self {
            tokens,
            parser_options,
            line_ends,
            lines_run: 0,
            tokens_parsed: 0,
        }
    }

    /// The next lines that parse as complete commands, or `None` where the next command does
    /// not end before the error. Tries 1, 2, 4… lines while they read as unfinished, then each
    /// number of lines between the last two tried, fewest first.
    fn next_program(&mut self) -> Option<brush_parser::ast::Program> {
        let lines_left = self.line_ends.len() - self.lines_run;
        let mut unfinished = 0;
        let mut lines = 1;
        loop {
            let lines_tried = lines.min(lines_left);
            if lines_tried == 0 {
                return None;
            }
            match self.parse(lines_tried)? {
                Ok(program) => return self.taken(program, lines_tried),
                Err(ParseError::ParsingAtEndOfInput) if lines_tried < lines_left => {
                    unfinished = lines_tried;
                    lines *= 2;
                }
                // An error no further line mends, or the end of input: the command ends, if
                // anywhere, between the last lines that read as unfinished and these.
                Err(_) => {
                    for fewer in unfinished + 1..lines_tried {
                        match self.parse(fewer)? {
                            Ok(program) => return self.taken(program, fewer),
                            Err(ParseError::ParsingAtEndOfInput) => {}
                            Err(_) => return None,
                        }
                    }
                    return None;
                }
            }
        }
    }

    /// Parses the next `lines` lines; `None` past the budget.
    fn parse(&mut self, lines: usize) -> Option<Result<brush_parser::ast::Program, ParseError>> {
        let start = self
            .lines_run
            .checked_sub(1)
            .map_or(0, |before| self.line_ends[before]);
        let end = self.line_ends[self.lines_run + lines - 1];
        self.tokens_parsed += end - start;
        if self.tokens_parsed > MOST_TOKENS_PARSED {
            return None;
        }
        Some(brush_parser::parse_tokens(
            &self.tokens[start..end],
            self.parser_options,
        ))
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
