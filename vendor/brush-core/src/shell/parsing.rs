//! Parsing for shell instances.

use std::io::Read;

use crate::{Shell, error, extensions, trace_categories};

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
            tilde_expansion_after_assignment_equals: false,
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
pub(super) fn unmendable_near_last_token(
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
    create_parser(s.as_bytes(), parser_options)
        .parse_program()
        .or_else(|error| with_for_arithmetic_mended(s, parser_options, error))
}

/// ncsh patch: text that failed to parse, parsed again with each `;;` in a `for ((…))` header
/// written `; ;`. brush-parser's tokenizer takes `;;` there for the end of a `case` item, so
/// `for ((;;))` and `for ((i=0;;i++))`, which bash runs, were syntax errors. Only text that
/// failed is changed; where the change does not help, the error is the changed text's (the
/// first may be only a `;;`), placed in the text as written.
pub(super) fn with_for_arithmetic_mended(
    s: &str,
    parser_options: &brush_parser::ParserOptions,
    error: brush_parser::ParseError,
) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
    let mended = for_arithmetic_spaced(s);
    if mended == s {
        return Err(error);
    }
    create_parser(mended.as_bytes(), parser_options)
        .parse_program()
        .map_err(|error| match error {
            brush_parser::ParseError::ParsingNear(at) => {
                brush_parser::ParseError::ParsingNear(brush_parser::SourcePosition {
                    index: index_as_written(s, &mended, at.index),
                    ..at
                })
            }
            error => error,
        })
}

/// ncsh patch: text that ends with a backslash escaping nothing, parsed as bash reads it: a string
/// (`-c`, `eval`, a sourced file) keeps the backslash as a character (`kept`), and the script the
/// shell runs drops it. brush refused the text as an unterminated escape, and none of it ran. Any
/// other error is given back.
pub(super) fn with_last_backslash_read(
    text: &str,
    kept: bool,
    parser_options: &brush_parser::ParserOptions,
    error: brush_parser::ParseError,
) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
    let (
        brush_parser::ParseError::Tokenizing {
            inner: brush_parser::TokenizerError::UnterminatedEscapeSequence,
            ..
        },
        Some(dropped),
    ) = (&error, text.strip_suffix('\\'))
    else {
        return Err(error);
    };
    let read = if kept {
        std::format!("{text}\\")
    } else {
        dropped.to_owned()
    };
    create_parser(read.as_bytes(), parser_options).parse_program()
}

/// The character index in `written` of the character at `index` in `spaced`, which is `written`
/// with spaces put in.
fn index_as_written(written: &str, spaced: &str, index: usize) -> usize {
    let mut written = written.chars().peekable();
    let mut written_index = 0;
    for c in spaced.chars().take(index) {
        if written.peek() == Some(&c) {
            written.next();
            written_index += 1;
        }
    }
    written_index
}

/// `s` with `;;` written `; ;` inside each `for ((…))` header outside quotes.
pub(super) fn for_arithmetic_spaced(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 8);
    let (mut copied, mut at) = (0, 0);
    let (mut single, mut double, mut escaped) = (false, false, false);
    while at < bytes.len() {
        let byte = bytes[at];
        let quoted = single || double || escaped;
        // A comment's quotes are not quotes.
        if byte == b'#' && !quoted && (at == 0 || bytes[at - 1].is_ascii_whitespace()) {
            at = bytes[at..]
                .iter()
                .position(|byte| *byte == b'\n')
                .map_or(bytes.len(), |newline| at + newline);
            continue;
        }
        match byte {
            _ if escaped => escaped = false,
            b'\\' if !single => escaped = true,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ => {}
        }
        let word_before =
            at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        if quoted || word_before || !bytes[at..].starts_with(b"for") {
            at += 1;
            continue;
        }
        let rest = s[at + 3..].trim_start_matches([' ', '\t']);
        let Some(end) = rest
            .strip_prefix("((")
            .and_then(|_| header_end(s, s.len() - rest.len() + 2))
        else {
            at += 3;
            continue;
        };
        let open = s.len() - rest.len() + 2;
        out.push_str(&s[copied..open]);
        out.push_str(&s[open..end].replace(";;", "; ;"));
        (copied, at) = (end, end);
    }
    out.push_str(&s[copied..]);
    out
}

/// Where the `))` that closes an arithmetic `for` header opened before `open` is, on its line.
fn header_end(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0_usize;
    for (offset, byte) in s[open..].bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' if depth > 0 => depth -= 1,
            b')' if s.as_bytes()[open + offset..].starts_with(b"))") => return Some(open + offset),
            b'\n' => return None,
            _ => {}
        }
    }
    None
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

/// Tokens after which a word is in command position: operators, and the reserved words a list
/// follows (`if then`, `while do`).
const COMMAND_STARTS: &[&str] = &[
    "\n", ";", "&", "&&", "||", "|", "(", "!", "if", "then", "else", "elif", "do", "while",
    "until", "{",
];

/// The error to report for `error` in `text` (ncsh patch): bash names the token a syntax error is
/// near and quotes its line, or says where the input ended early; brush named a line and column.
/// Without the text, or where no token starts at the error, brush's error stays.
pub(super) fn syntax_error(
    error: brush_parser::ParseError,
    source_info: &crate::SourceInfo,
    text: Option<&str>,
) -> crate::error::ErrorKind {
    let found = text.and_then(|text| match &error {
        brush_parser::ParseError::ParsingNear(at) => near_token(text, at.index),
        brush_parser::ParseError::ParsingAtEndOfInput => Some((
            text.lines().count() + 1,
            "syntax error: unexpected end of file".to_owned(),
            None,
        )),
        brush_parser::ParseError::Tokenizing { inner, .. } => unterminated(text, inner),
    });
    // ncsh patch: bash counts an `eval`'s lines on from the line its command ends on, the line
    // it starts on and the lines of the text it runs, less one.
    let lines_before = match (&source_info.start, text) {
        (Some(start), Some(text)) if source_info.source == "eval" => {
            (start.line + text.matches('\n').count()).saturating_sub(1)
        }
        _ => 0,
    };
    match found {
        Some((line, message, quoted_line)) => crate::error::ErrorKind::SyntaxError {
            source_info: source_info.clone(),
            line: lines_before + line,
            message,
            quoted_line,
        },
        None => crate::error::ErrorKind::ParseError(error, source_info.clone()),
    }
}

/// The line, message and quoted line of an error the parser found at character `index`.
fn near_token(text: &str, index: usize) -> Option<(usize, String, Option<String>)> {
    let tokens = brush_parser::tokenize_str(text).ok()?;
    let word = |i: usize| tokens[i].to_str();
    let mut at = tokens
        .iter()
        .position(|token| token.location().start.index >= index)?;
    // brush's parser gives up on a stray `fi` at the token after it; bash names the word.
    if at > 0
        && STRAY_WORDS.contains(&word(at - 1))
        && (at == 1 || COMMAND_STARTS.contains(&word(at - 2)))
    {
        at -= 1;
    }
    let line = tokens[at].location().start.line;
    let quoted = text.lines().nth(line.checked_sub(1)?)?.to_owned();
    // A redirection that ends the text lacks its target: what is unexpected is the end of the
    // line (`echo >`, where `echo > >` is near the second `>`).
    let redirection = |i: usize| word(i).starts_with(['<', '>']);
    let last = tokens[at + 1..].iter().all(|token| token.to_str() == "\n");
    let after_redirection = at > 0 && redirection(at - 1);
    let token = match word(at) {
        "\n" => "newline",
        _ if last && redirection(at) && !after_redirection => "newline",
        token => token,
    };
    Some((
        line,
        format!("syntax error near unexpected token `{token}'"),
        Some(quoted),
    ))
}

/// bash's words for a quote or substitution left open: the line it opens on, or for a substitution
/// the line after the last.
fn unterminated(
    text: &str,
    error: &brush_parser::TokenizerError,
) -> Option<(usize, String, Option<String>)> {
    use brush_parser::TokenizerError as E;
    let (line, closing) = match error {
        E::UnterminatedDoubleQuote(at) => (at.line, "\""),
        E::UnterminatedSingleQuote(at) | E::UnterminatedAnsiCQuote(at) => (at.line, "'"),
        E::UnterminatedBackquote(at) => (at.line, "`"),
        E::UnterminatedSubscript(at) => (at.line, "]"),
        E::UnterminatedCommandSubstitution => (text.lines().count() + 1, ")"),
        E::UnterminatedExpansion | E::UnterminatedVariable => last_opened(text),
        _ => return None,
    };
    Some((
        line,
        format!("unexpected EOF while looking for matching `{closing}'"),
        None,
    ))
}

/// For an expansion left open, the one opened last, taken to be it: `$((` and `${` on the line
/// they open on, `$(` on the line after the last, as bash says them; and its closing character.
fn last_opened(text: &str) -> (usize, &'static str) {
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    match (text.rfind("$("), text.rfind("${")) {
        (paren, Some(brace)) if paren.is_none_or(|paren| brace > paren) => (line_of(brace), "}"),
        (Some(paren), _) if text[paren..].starts_with("$((") => (line_of(paren), ")"),
        _ => (text.lines().count() + 1, ")"),
    }
}

pub(super) fn create_parser<R: Read>(
    r: R,
    parser_options: &brush_parser::ParserOptions,
) -> brush_parser::Parser<std::io::BufReader<R>> {
    let reader = std::io::BufReader::new(r);
    brush_parser::Parser::new(reader, parser_options)
}

/// ncsh patch: text whose here-documents the end of input left open, with their delimiters added,
/// and bash's warning for each, so that the text runs as bash runs it (brush refused it as a syntax
/// error, and none of it ran). `None` for any other error.
pub(super) fn with_open_here_documents_closed(
    error: &brush_parser::ParseError,
    text: &str,
    source_info: &crate::SourceInfo,
) -> Option<(String, Vec<error::Error>)> {
    let brush_parser::ParseError::Tokenizing {
        inner: brush_parser::TokenizerError::UnterminatedHereDocuments(tags, positions),
        ..
    } = error
    else {
        return None;
    };
    let mut closed = text.to_owned();
    if !closed.ends_with('\n') {
        closed.push('\n');
    }
    let line = text.lines().count();
    let mut warnings = vec![];
    // The tokenizer joins the delimiters, and their `LINE,COLUMN` positions, with ", ".
    for (tag, position) in tags.split(", ").zip(positions.split(", ")) {
        let delimiter: String = tag
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .collect();
        closed.push_str(&delimiter);
        closed.push('\n');
        let started = position.split(',').next()?.parse().ok()?;
        warnings.push(
            error::ErrorKind::HereDocumentAtEndOfInput {
                source_info: source_info.clone(),
                line,
                started,
                delimiter,
            }
            .into(),
        );
    }
    Some((closed, warnings))
}
