//! Where the command the cursor is in starts and ends on a line being completed (ncsh patch), as
//! bash's completion finds it: after the last `;`, `|`, `&`, `(`, `` ` `` or newline before the
//! cursor that is not quoted, past the assignments that lead it (`LANG=C git che`), and up to the
//! next such separator. brush completed from the line's first word, so `echo hi | git che` and
//! `cd /tmp && git che` completed nothing, and `ls; myfu` a file name for `ls`.

/// The byte range of `line` that the command the cursor at `cursor` is in takes.
pub(super) fn current_command(line: &str, cursor: usize) -> std::ops::Range<usize> {
    let separators = separator_ends(line);
    let start = separators
        .iter()
        .copied()
        .filter(|end| *end <= cursor)
        .next_back()
        .unwrap_or(0);
    let end = separators
        .iter()
        .copied()
        .find(|end| *end > cursor)
        .map_or(line.len(), |end| end - 1);
    let start = past_leading_assignments(line, start, cursor);
    start..end.max(start)
}

/// The byte just after each command separator of `line` that is not quoted or escaped.
#[allow(clippy::string_slice, reason = "indices come from char_indices")]
fn separator_ends(line: &str) -> Vec<usize> {
    let mut ends = vec![];
    let mut quote = None;
    let mut escaped = false;
    let mut previous = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, c)| *c);
        if escaped {
            escaped = false;
        } else if let Some(q) = quote {
            if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '\\' => escaped = true,
                '\'' | '"' => quote = Some(c),
                // `2>&1` and `&>file` are redirections, not separators.
                '&' if matches!(previous, Some('>' | '<')) || next == Some('>') => (),
                ';' | '|' | '&' | '(' | '`' | '\n' => ends.push(i + c.len_utf8()),
                _ => (),
            }
        }
        previous = Some(c);
    }
    ends
}

/// `start` moved past the blanks and the `NAME=value` words that begin the command, unless the
/// cursor is in one of them.
fn past_leading_assignments(line: &str, mut start: usize, cursor: usize) -> usize {
    loop {
        let rest = &line[start..];
        let blanks = rest.len() - rest.trim_start().len();
        let word_start = start + blanks;
        let word = line[word_start..]
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default();
        let word_end = word_start + word.len();
        if !is_assignment(word) || cursor <= word_end {
            return word_start.min(cursor);
        }
        start = word_end;
    }
}

fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let name = name.strip_suffix('+').unwrap_or(name);
    let name = crate::env::split_subscript(name).map_or(name, |(name, _)| name);
    crate::env::valid_variable_name(name)
}
