//! Parsing for shell instances.

use std::io::Read;

use crate::{Shell, extensions, trace_categories};

impl<SE: extensions::ShellExtensions> Shell<SE> {
    /// Parses the given reader as a shell program, returning the resulting Abstract Syntax Tree
    /// for the program.
    pub fn parse<R: Read>(
        &self,
        reader: R,
    ) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
        let mut parser = create_parser(reader, &self.parser_options());

        tracing::debug!(target: trace_categories::PARSE, "Parsing reader as program...");
        parser.parse_program()
    }

    /// Parses the given string as a shell program, returning the resulting Abstract Syntax Tree
    /// for the program.
    ///
    /// # Arguments
    ///
    /// * `s` - The string to parse as a program.
    pub fn parse_string<S: Into<String>>(
        &self,
        s: S,
    ) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
        parse_string_impl(s.into(), self.parser_options())
    }

    /// Returns the options that should be used for parsing shell programs; reflects
    /// the current configuration state of the shell and may change over time.
    pub const fn parser_options(&self) -> brush_parser::ParserOptions {
        brush_parser::ParserOptions {
            enable_extended_globbing: self.options.extended_globbing,
            posix_mode: self.options.posix_mode,
            sh_mode: self.options.sh_mode,
            tilde_expansion_at_word_start: true,
            tilde_expansion_after_colon: false,
            parser_impl: self.parser_impl,
        }
    }
}

#[cached::proc_macro::cached(size = 64, result = true)]
fn parse_string_impl(
    s: String,
    parser_options: brush_parser::ParserOptions,
) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
    tracing::debug!(target: trace_categories::PARSE, "Parsing string as program...");
    parse_str(&s, &parser_options)
        .map_err(|error| unmendable_near_last_token(error, &s, &parser_options))
}

/// ncsh patch: on a line without its newline, brush's parser reports most errors "at end of
/// input", also those that no further input could mend (a stray `fi`, `echo >`). The line editor
/// takes that error as "read another line", so the prompt waited for more. Such an error is now
/// reported near the input's last token, as bash does.
fn unmendable_near_last_token(
    error: brush_parser::ParseError,
    s: &str,
    parser_options: &brush_parser::ParserOptions,
) -> brush_parser::ParseError {
    match error {
        brush_parser::ParseError::ParsingAtEndOfInput if !could_be_completed(s, parser_options) => {
            last_token_position(s).map_or(
                brush_parser::ParseError::ParsingAtEndOfInput,
                brush_parser::ParseError::ParsingNear,
            )
        }
        error => error,
    }
}

fn parse_str(
    s: &str,
    parser_options: &brush_parser::ParserOptions,
) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
    create_parser(s.as_bytes(), parser_options).parse_program()
}

/// Lines that close or continue what an unfinished command may have open. Each is tried after a
/// newline, where all of them are allowed.
const COMPLETIONS: &[&str] = &[
    ":", "then :", "do :", "fi", "done", "esac", "in *) ;;", "*) ;;", ";;", "}", ")", "))", "]]",
    "{ :; }",
];

/// Whether some lines after `s` make it parse, as they do after `if x; then` and not after `fi`. A
/// search over up to six `COMPLETIONS`; a suffix whose error is no longer at the end of input is
/// a dead end. Past its budget (parses, and bytes parsed, for long scripts) it answers yes, which
/// keeps the old behaviour (read more).
fn could_be_completed(s: &str, parser_options: &brush_parser::ParserOptions) -> bool {
    const MAX_LINES: usize = 6;
    const MAX_PARSES: usize = 1000;
    const MAX_BYTES: usize = 1 << 20;
    let mut parses = 0;
    let mut bytes = 0;
    let mut open = vec![s.to_owned()];
    for _ in 0..MAX_LINES {
        let mut next = Vec::new();
        for prefix in &open {
            for completion in COMPLETIONS {
                let candidate = format!("{prefix}\n{completion}");
                parses += 1;
                bytes += candidate.len();
                if parses > MAX_PARSES || bytes > MAX_BYTES {
                    return true;
                }
                match parse_str(&candidate, parser_options) {
                    Ok(_) => return true,
                    Err(brush_parser::ParseError::ParsingAtEndOfInput) => next.push(candidate),
                    Err(_) => {}
                }
            }
        }
        if next.is_empty() {
            return false;
        }
        open = next;
    }
    true
}

fn last_token_position(s: &str) -> Option<brush_parser::SourcePosition> {
    let tokens = brush_parser::tokenize_str(s).ok()?;
    let last = tokens.iter().rev().find(|token| token.to_str() != "\n")?;
    Some((*last.location().start).clone())
}

/// Reserved words that cannot start a command, which a syntax error is most often near.
const STRAY_WORDS: &[&str] = &[
    "then", "else", "elif", "fi", "do", "done", "esac", "}", "in",
];

/// The error to report for `error` in `text` (ncsh patch): bash names the token a syntax error is
/// near and quotes its line, or says the input ended; brush named a line and column. Without the
/// text, or where no token starts at the error, brush's error stays.
pub(super) fn syntax_error(
    error: brush_parser::ParseError,
    source_info: &crate::SourceInfo,
    text: Option<&str>,
    parser_options: &brush_parser::ParserOptions,
) -> crate::error::ErrorKind {
    // A script read from a file went through the parser whole, not through `parse_string`.
    let error = match text {
        Some(text) => unmendable_near_last_token(error, text, parser_options),
        None => error,
    };
    let found = text.and_then(|text| match &error {
        brush_parser::ParseError::ParsingNear(at) => {
            let tokens = brush_parser::tokenize_str(text).ok()?;
            let mut at = tokens
                .iter()
                .position(|token| token.location().start.index >= at.index)?;
            // brush's parser reports a stray `fi` on its own line at the newline after it, where
            // it gave up; bash names the word.
            if tokens[at].to_str() == "\n"
                && at > 0
                && STRAY_WORDS.contains(&tokens[at - 1].to_str())
            {
                at -= 1;
            }
            let near = &tokens[at];
            let line = near.location().start.line;
            let quoted = text.lines().nth(line.checked_sub(1)?)?.to_owned();
            // A redirection that ends the text lacks its target: what is unexpected is the end
            // of the line (`echo >`).
            let last = tokens[at + 1..].iter().all(|token| token.to_str() == "\n");
            let redirection = near.to_str().starts_with(['<', '>']);
            let token = match near.to_str() {
                "\n" => "newline",
                _ if last && redirection => "newline",
                token => token,
            };
            Some((line, Some(token.to_owned()), quoted))
        }
        brush_parser::ParseError::ParsingAtEndOfInput => {
            Some((text.lines().count() + 1, None, String::new()))
        }
        brush_parser::ParseError::Tokenizing { .. } => None,
    });
    match found {
        Some((line, near, text)) => crate::error::ErrorKind::SyntaxError {
            source_info: source_info.clone(),
            line,
            near,
            text,
        },
        None => crate::error::ErrorKind::ParseError(error, source_info.clone()),
    }
}

pub(super) fn create_parser<R: Read>(
    r: R,
    parser_options: &brush_parser::ParserOptions,
) -> brush_parser::Parser<std::io::BufReader<R>> {
    let reader = std::io::BufReader::new(r);
    brush_parser::Parser::new(reader, parser_options)
}
