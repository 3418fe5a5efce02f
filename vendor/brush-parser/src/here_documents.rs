//! ncsh patch: here-documents written after the line that holds them, at the start of their lines,
//! when a function is written out (`declare -f`, `export -f`), so that the text reads back. brush
//! wrote the body where the redirection stands, indented with the function, and the separator
//! after the delimiter: `bash -c` could not import an exported function with a here-document.

use std::cell::RefCell;

thread_local! {
    /// While a function is written out, the here-documents waiting for the end of their line.
    static WAITING: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Put before each line of a here-document, so that `unindented` takes the indentation before it
/// away.
const MARK: char = '\u{1}';

/// The text `write` writes, with its here-documents after their lines. Within another such text
/// (a function defined in a function), the outermost takes the indentation away.
pub(crate) fn after_their_lines(
    write: impl FnOnce(&mut String) -> std::fmt::Result,
) -> Result<String, std::fmt::Error> {
    let outermost = WAITING.with(|waiting| {
        let mut waiting = waiting.borrow_mut();
        let outermost = waiting.is_none();
        waiting.get_or_insert_with(Vec::new);
        outermost
    });
    let mut text = String::new();
    let written = write(&mut text);
    if !outermost {
        written?;
        return Ok(text);
    }
    // Those of the last line (a redirection of the function itself, `f() { …; } <<EOF`).
    let left = WAITING.with(|waiting| waiting.borrow_mut().take().unwrap_or_default());
    written?;
    text.push_str(&marked_lines(&left));
    Ok(unindented(&text))
}

/// Keeps `body` (lines and the delimiter) for the end of its line where a function is being
/// written out; gives it back otherwise, to be written where it stands.
pub(crate) fn wait_for_end_of_line(body: String) -> Option<String> {
    WAITING.with(|waiting| match waiting.borrow_mut().as_mut() {
        Some(bodies) => {
            bodies.push(body);
            None
        }
        None => Some(body),
    })
}

/// Writes the here-documents waiting for the end of the line just written, each line marked, and
/// a line break after them, so that what follows (`)` of a subshell) starts a line of its own.
pub(crate) fn write_waiting(f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let bodies = WAITING.with(|waiting| waiting.borrow_mut().as_mut().map(std::mem::take));
    let bodies = bodies.unwrap_or_default();
    if !bodies.is_empty() {
        writeln!(f, "{}", marked_lines(&bodies))?;
    }
    Ok(())
}

/// The lines of `bodies`, each begun on a line of its own and marked.
fn marked_lines(bodies: &[String]) -> String {
    bodies
        .iter()
        .flat_map(|body| body.split('\n'))
        .map(|line| std::format!("\n{MARK}{line}"))
        .collect()
}

/// `text` with each marked line's indentation and mark taken away.
fn unindented(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.find(MARK) {
            Some(at) if line[..at].trim().is_empty() => out.push_str(&line[at + MARK.len_utf8()..]),
            _ => out.push_str(line),
        }
    }
    out
}

/// A here-document's delimiter as its last line is written: without its quotes.
pub(crate) fn delimiter_line(here_end: &str) -> String {
    here_end
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect()
}
