use std::borrow::Cow;

use brush_parser::word;
use itertools::Itertools;

pub(crate) fn generate_and_combine_brace_expansions(
    pieces: Vec<brush_parser::word::BraceExpressionOrText>,
) -> impl IntoIterator<Item = String> {
    let expansions: Vec<Vec<String>> = pieces
        .into_iter()
        .map(|piece| expand_brace_expr_or_text(piece).collect())
        .collect();

    expansions
        .into_iter()
        .multi_cartesian_product()
        .map(|v| v.join(""))
}

fn expand_brace_expr_or_text(
    beot: word::BraceExpressionOrText,
) -> Box<dyn Iterator<Item = String>> {
    match beot {
        word::BraceExpressionOrText::Expr(members) => {
            // Chain all member iterators together
            Box::new(members.into_iter().flat_map(expand_brace_expr_member))
        }
        word::BraceExpressionOrText::Text(text) => Box::new(std::iter::once(text)),
    }
}

#[expect(clippy::cast_possible_truncation)]
fn expand_brace_expr_member(bem: word::BraceExpressionMember) -> Box<dyn Iterator<Item = String>> {
    match bem {
        word::BraceExpressionMember::NumberSequence {
            start,
            end,
            increment,
        } => {
            let mut increment = increment.unsigned_abs() as usize;
            if increment == 0 {
                increment = 1;
            }

            if start <= end {
                Box::new((start..=end).step_by(increment).map(|n| n.to_string()))
            } else {
                // Iterate from start down to end by decrementing.
                #[allow(clippy::cast_possible_wrap)]
                let increment = increment as i64;
                Box::new(
                    std::iter::successors(Some(start), move |&n| {
                        let next = n - increment;
                        (next >= end).then_some(next)
                    })
                    .map(|n| n.to_string()),
                )
            }
        }

        word::BraceExpressionMember::CharSequence {
            start,
            end,
            increment,
        } => {
            let mut increment = increment.unsigned_abs() as usize;
            if increment == 0 {
                increment = 1;
            }

            if start <= end {
                Box::new((start..=end).step_by(increment).map(range_term))
            } else {
                // Iterate from start down to end by decrementing.
                let increment = increment as u32;
                Box::new(
                    std::iter::successors(Some(start), move |&c| {
                        let next = char::from_u32(c as u32 - increment)?;
                        (next >= end).then_some(next)
                    })
                    .map(range_term),
                )
            }
        }

        word::BraceExpressionMember::Child(elements) => {
            // Chain all element iterators together
            Box::new(generate_and_combine_brace_expansions(elements).into_iter())
        }
    }
}

/// A character of a range as a term, to be parsed as a word (ncsh patch): one that means something
/// there is escaped, so that `{Z..a}` gives `` ` `` rather than failing to parse; a backslash is
/// an empty word, as bash's quote removal leaves nothing of it.
fn range_term(c: char) -> String {
    match c {
        '\\' => "''".to_owned(),
        c if c.is_ascii_alphanumeric() => c.to_string(),
        c => std::format!("\\{c}"),
    }
}

/// ncsh patch: `{01..10}` as bash's, each term zero-padded to the width of the wider end.
/// brush-parser reads a range's ends as numbers and loses their zeros, so a range with an end that
/// begins with a zero is written out here as a list (`{01,02,…}`) before the word is parsed.
/// Quoted, escaped and substituted text (`'…'`, `$'…'`, `"…"`, `$(…)`, `${…}`, `` `…` ``) is left
/// alone, as the brace parser leaves it.
pub(crate) fn with_padded_ranges_listed(word: &str) -> Cow<'_, str> {
    let mut listed = String::with_capacity(word.len());
    let mut changed = false;
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        if c == '{'
            && let Some((terms, length)) = padded_range(&rest[1..])
        {
            listed.push_str(&terms);
            rest = &rest[1 + length..];
            changed = true;
            continue;
        }
        let skip = quoted_length(rest).unwrap_or(c.len_utf8());
        listed.push_str(&rest[..skip]);
        rest = &rest[skip..];
    }
    if changed {
        Cow::Owned(listed)
    } else {
        Cow::Borrowed(word)
    }
}

/// Where `text` starts with quoted, escaped or substituted text, its length through its close
/// (all of `text` when unclosed).
fn quoted_length(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let after = |n: usize| text.get(n..).unwrap_or_default();
    Some(match (bytes.first()?, bytes.get(1)) {
        (b'\\', _) => 1 + after(1).chars().next().map_or(0, char::len_utf8),
        (b'\'', _) => after(1).find('\'').map_or(text.len(), |end| end + 2),
        (b'$', Some(b'\'')) => 2 + closing(after(2), b'\'', None),
        (b'$', Some(b'(')) => 2 + closing(after(2), b')', Some(b'(')),
        (b'$', Some(b'{')) => 2 + closing(after(2), b'}', Some(b'{')),
        (b'"', _) => 1 + closing(after(1), b'"', None),
        (b'`', _) => 1 + closing(after(1), b'`', None),
        _ => return None,
    })
}

/// The length of `text` through the `close` that ends it, past escapes and, except where the
/// close is a quote that nothing nests in (`$'…'`, `` `…` ``), past quoted and substituted text
/// inside; with `open`, nested pairs count.
fn closing(text: &str, close: u8, open: Option<u8>) -> usize {
    let nests = close != b'\'' && close != b'`';
    let mut depth = 0;
    let mut at = 0;
    while let Some(&b) = text.as_bytes().get(at) {
        if b == close && depth == 0 {
            return at + 1;
        }
        if b == b'\\' {
            at += 1 + text[at + 1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if nests {
            if Some(b) == open {
                depth += 1;
            } else if b == close {
                depth -= 1;
            } else if let Some(length) = quoted_length(&text[at..]) {
                at += length;
                continue;
            }
        }
        at += text[at..].chars().next().map_or(1, char::len_utf8);
    }
    text.len()
}

/// For `text` just after a `{` that opens a zero-padded range (`01..10}`, `1..010..3}`), its terms
/// as a brace list (or the one term) and the length of the range with its `}`.
fn padded_range(text: &str) -> Option<(String, usize)> {
    /// More terms than this are left to brush, unpadded, rather than written out.
    const MOST_TERMS: i64 = 100_000;
    let end = text.find('}')?;
    let ends: Vec<&str> = text[..end].split("..").collect();
    let number = |s: &str| -> Option<i64> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (first, last, step) = match ends.as_slice() {
        [first, last] => (*first, *last, "1"),
        [first, last, step] => (*first, *last, *step),
        _ => return None,
    };
    let (start, stop, step) = (
        number(first)?,
        number(last)?,
        number(step)?.checked_abs()?.max(1),
    );
    let zero_led = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        digits.len() > 1 && digits.starts_with('0')
    };
    if !zero_led(first) && !zero_led(last) {
        return None;
    }
    if start.abs_diff(stop) / step.unsigned_abs() > MOST_TERMS.unsigned_abs() {
        return None;
    }
    let width = first.len().max(last.len());
    let terms: Vec<String> = if start <= stop {
        (start..=stop)
            .step_by(usize::try_from(step).ok()?)
            .map(|n| std::format!("{n:0width$}"))
            .collect()
    } else {
        std::iter::successors(Some(start), |n| {
            n.checked_sub(step).filter(|next| *next >= stop)
        })
        .map(|n| std::format!("{n:0width$}"))
        .collect()
    };
    let listed = match terms.as_slice() {
        [only] => only.clone(),
        _ => std::format!("{{{}}}", terms.join(",")),
    };
    Some((listed, end + 1))
}
