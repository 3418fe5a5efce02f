//! bash's history expansion of a line typed at the prompt, before it runs: `!!`, `!$`, `!-2`,
//! `!echo`, `!?text?`, word designators (`!!:1`, `!$`, `!*`, `!echo:2-3`), the modifiers `:h`,
//! `:t`, `:r`, `:e` and `:p`, and `^old^new`. brush-core has the option (`histexpand`) but does
//! none of it.

/// A line after expansion.
#[derive(Debug, PartialEq, Eq)]
pub struct Expanded {
    /// The line to run (and to keep in the history).
    pub line: String,
    /// `:p` asked for the line to be shown and kept, not run.
    pub print_only: bool,
}

/// Expands the history references in `line`. `history` holds the lines typed before it, oldest
/// first. `Ok(None)`: the line has none. `Err`: what bash says, such as `!nosuch: event not found`;
/// the line is then not run.
pub fn expand(line: &str, history: &[String]) -> Result<Option<Expanded>, String> {
    // A line read as typed ends with its newline, which is no part of a reference or a
    // substitution: `^one^uno` must not put `uno` and a newline in the middle of the line.
    let (line, newline) = match line.strip_suffix('\n') {
        Some(line) => (line, "\n"),
        None => (line, ""),
    };
    let expanded = if let Some(rest) = line.strip_prefix('^') {
        quick_substitution(rest, history).map(Some)
    } else if line.contains('!') {
        references(line, history)
    } else {
        Ok(None)
    };
    expanded.map(|expanded| {
        expanded.map(|mut expanded| {
            expanded.line.push_str(newline);
            expanded
        })
    })
}

/// Expands the `!` references in `line`, which has no newline at its end.
fn references(line: &str, history: &[String]) -> Result<Option<Expanded>, String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let (mut changed, mut print_only) = (false, false);
    let (mut in_single, mut in_double) = (false, false);
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        match c {
            '\\' if !in_single => {
                out.push(c);
                if let Some(&next) = chars.get(at + 1) {
                    out.push(next);
                }
                at += 2;
                continue;
            }
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '!' if !in_single && starts_a_reference(&chars, at, in_double) => {
                let reference = Reference::parse(&chars, at + 1, &out, history)?;
                out.push_str(&reference.text);
                print_only |= reference.print_only;
                changed = true;
                at = reference.end;
                continue;
            }
            _ => {}
        }
        out.push(c);
        at += 1;
    }
    Ok(changed.then_some(Expanded {
        line: out,
        print_only,
    }))
}

/// Whether the `!` at `at` starts a reference: not before a blank, `=`, `(` or the end, nor a
/// closing `"` inside double quotes, nor in `$!` or `${!name}`, as bash has it.
fn starts_a_reference(chars: &[char], at: usize, in_double: bool) -> bool {
    let before = at.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(at + 1).copied();
    let parameter = before == Some('$') || (before == Some('{') && at >= 2 && chars[at - 2] == '$');
    match after {
        None => false,
        Some(c) if c.is_whitespace() || c == '=' || c == '(' => false,
        Some('"') if in_double => false,
        Some(_) => !parameter,
    }
}

/// One `!…` reference, expanded.
struct Reference {
    text: String,
    /// Where the text after the reference starts.
    end: usize,
    print_only: bool,
}

impl Reference {
    /// Parses the reference whose `!` is just before `start`; `so_far` is the line before it (for
    /// `!#`).
    fn parse(
        chars: &[char],
        start: usize,
        so_far: &str,
        history: &[String],
    ) -> Result<Self, String> {
        let (event, mut at) = event(chars, start, so_far, history)?;
        let written = |end: usize| -> String { chars[start - 1..end].iter().collect() };
        let mut text = event.clone();
        // A word designator: after `:`, or straight after the `!` for `$`, `^`, `*` and `%`.
        let bare = at == start && matches!(chars.get(at), Some('$' | '^' | '*' | '%'));
        let colon_word =
            chars.get(at) == Some(&':') && chars.get(at + 1).is_some_and(|c| starts_word(*c));
        if bare || colon_word {
            let from = if bare { at } else { at + 1 };
            let (selected, end) = select_words(chars, from, &event)
                .ok_or_else(|| format!("{}: bad word specifier", written(from + 1)))?;
            text = selected;
            at = end;
        }
        let mut print_only = false;
        while chars.get(at) == Some(&':') {
            let Some(&modifier) = chars.get(at + 1) else {
                break;
            };
            // `s/old/new/`, or `gs`/`as` for every one; `&` in new is old.
            if modifier == 's' || (matches!(modifier, 'g' | 'a') && chars.get(at + 2) == Some(&'s'))
            {
                let global = modifier != 's';
                let delimiter_at = if global { at + 3 } else { at + 2 };
                let (old, new, end) = substitution(chars, delimiter_at)
                    .ok_or_else(|| format!("{}: bad word specifier", written(delimiter_at)))?;
                text = substituted(&text, &old, &new, global).ok_or_else(|| {
                    let written_modifier: String = chars[at..end].iter().collect();
                    format!("{written_modifier}: substitution failed")
                })?;
                at = end;
                continue;
            }
            text = match modifier {
                'q' => format!("'{}'", text.replace('\'', "'\\''")),
                'h' => head(&text),
                't' => tail(&text),
                'r' => extension_dot(&text).map_or(text.clone(), |dot| text[..dot].to_owned()),
                'e' => extension_dot(&text).map_or_else(String::new, |dot| text[dot..].to_owned()),
                'p' => {
                    print_only = true;
                    text
                }
                _ => {
                    return Err(format!(
                        "{}: unrecognized history modifier",
                        written(at + 2)
                    ));
                }
            };
            at += 2;
        }
        Ok(Self {
            text,
            end: at,
            print_only,
        })
    }
}

/// The old and new text of a `:s` modifier whose delimiter is at `at`, and where it ends: each
/// ends at the next delimiter (a backslash quotes one), new also at the end of the line; an
/// unquoted `&` in new is given as NUL, to be the old text.
fn substitution(chars: &[char], at: usize) -> Option<(String, String, usize)> {
    let delimiter = *chars.get(at)?;
    let mut at = at + 1;
    let part = |at: &mut usize, ampersand: bool| {
        let mut text = String::new();
        while let Some(&c) = chars.get(*at) {
            *at += 1;
            match c {
                '\\' if chars
                    .get(*at)
                    .is_some_and(|&next| next == delimiter || next == '&') =>
                {
                    text.push(chars[*at]);
                    *at += 1;
                }
                c if c == delimiter => break,
                '&' if ampersand => text.push('\u{0}'),
                c => text.push(c),
            }
        }
        text
    };
    let old = part(&mut at, false);
    let new = part(&mut at, true);
    Some((old, new, at.min(chars.len())))
}

/// The event a reference names, and where its text ends.
fn event(
    chars: &[char],
    start: usize,
    so_far: &str,
    history: &[String],
) -> Result<(String, usize), String> {
    let not_found = |end: usize| {
        let written: String = chars[start - 1..end].iter().collect();
        format!("{written}: event not found")
    };
    let from_end = |back: usize, end: usize| {
        history
            .len()
            .checked_sub(back)
            .and_then(|i| history.get(i))
            .cloned()
            .ok_or_else(|| not_found(end))
    };
    match chars.get(start) {
        Some('!') => from_end(1, start + 1).map(|line| (line, start + 1)),
        Some('#') => Ok((so_far.to_owned(), start + 1)),
        // A word designator with no event: the previous line's.
        Some('$' | '^' | '*' | '%') => from_end(1, start + 1).map(|line| (line, start)),
        Some('?') => {
            let end_of_text = (start + 1..chars.len())
                .find(|i| chars[*i] == '?')
                .unwrap_or(chars.len());
            let text: String = chars[start + 1..end_of_text].iter().collect();
            let end = (end_of_text + 1).min(chars.len());
            history
                .iter()
                .rev()
                .find(|line| line.contains(&text))
                .map(|line| (line.clone(), end))
                .ok_or_else(|| not_found(end))
        }
        Some(c) if c.is_ascii_digit() || *c == '-' => {
            let negative = *c == '-';
            let digits_from = if negative { start + 1 } else { start };
            let end = (digits_from..chars.len())
                .find(|i| !chars[*i].is_ascii_digit())
                .unwrap_or(chars.len());
            let number: usize = chars[digits_from..end]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| not_found(end))?;
            let line = if negative {
                from_end(number, end)?
            } else {
                number
                    .checked_sub(1)
                    .and_then(|i| history.get(i))
                    .cloned()
                    .ok_or_else(|| not_found(end))?
            };
            Ok((line, end))
        }
        _ => {
            let end = (start..chars.len())
                .find(|i| {
                    chars[*i].is_whitespace()
                        || matches!(chars[*i], ':' | ';' | '|' | '&' | '(' | ')' | '<' | '>')
                })
                .unwrap_or(chars.len());
            let prefix: String = chars[start..end].iter().collect();
            // An empty name (`a!|b`) names nothing, as in bash, not the last line.
            history
                .iter()
                .rev()
                .find(|line| !prefix.is_empty() && line.starts_with(&prefix))
                .map(|line| (line.clone(), end))
                .ok_or_else(|| not_found(end))
        }
    }
}

fn starts_word(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '^' | '$' | '*' | '-' | '%')
}

/// The words of `event` that the designator at `from` selects, and where the designator ends;
/// `None` for words the line does not have.
fn select_words(chars: &[char], from: usize, event: &str) -> Option<(String, usize)> {
    let words = words_of(event);
    let last = words.len().checked_sub(1)?;
    let number = |at: usize| -> (Option<usize>, usize) {
        let end = (at..chars.len())
            .find(|i| !chars[*i].is_ascii_digit())
            .unwrap_or(chars.len());
        let text: String = chars[at..end].iter().collect();
        (text.parse().ok(), end)
    };
    // One end of a range: a number, `^` (1) or `$` (the last).
    let bound = |at: usize| -> (Option<usize>, usize) {
        match chars.get(at) {
            Some('^') => (Some(1), at + 1),
            Some('$') => (Some(last), at + 1),
            _ => number(at),
        }
    };
    let (first, upto, end) = match chars.get(from)? {
        '*' => (1, last, from + 1),
        '%' => return None,
        '-' => {
            let (to, end) = bound(from + 1);
            (0, to?, end)
        }
        _ => {
            let (first, end) = bound(from);
            let first = first?;
            match chars.get(end) {
                Some('*') => (first, last, end + 1),
                Some('-') => match bound(end + 1) {
                    (Some(to), after) => (first, to, after),
                    // `n-`: up to the word before the last.
                    (None, after) => (first, last.checked_sub(1)?, after),
                },
                _ => (first, first, end),
            }
        }
    };
    if first > upto {
        // `!*` of a line of one word is empty, as in bash.
        return (chars.get(from) == Some(&'*')).then(|| (String::new(), end));
    }
    Some((words.get(first..=upto)?.join(" "), end))
}

/// The words of a history line as bash's history splits it: at blanks outside quotes, with `;`,
/// `&`, `|`, `<` and `>` runs as words of their own.
fn words_of(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(open), c) if c == open => {
                quote = None;
                word.push(c);
            }
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.push(c);
            }
            (None, '\\') => {
                word.push(c);
                word.extend(chars.next());
            }
            (None, c) if c.is_whitespace() => {
                words.extend(Some(std::mem::take(&mut word)).filter(|w| !w.is_empty()))
            }
            (None, ';' | '&' | '|' | '<' | '>') => {
                words.extend(Some(std::mem::take(&mut word)).filter(|w| !w.is_empty()));
                let mut operator = c.to_string();
                while let Some(&next) = chars.peek() {
                    if matches!(next, '&' | '|' | '<' | '>') {
                        operator.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                words.push(operator);
            }
            (None, c) => word.push(c),
        }
    }
    words.extend(Some(word).filter(|w| !w.is_empty()));
    words
}

/// Where the suffix `:r` removes and `:e` keeps starts: the last `.` of the last component.
fn extension_dot(path: &str) -> Option<usize> {
    path.rfind('.').filter(|dot| !path[*dot..].contains('/'))
}

/// `:h`: the path without its last component.
fn head(path: &str) -> String {
    path.rfind('/')
        .map_or_else(|| path.to_owned(), |slash| path[..slash].to_owned())
}

/// `:t`: the last component of the path.
fn tail(path: &str) -> String {
    path.rfind('/')
        .map_or_else(|| path.to_owned(), |slash| path[slash + 1..].to_owned())
}

/// `^old^new^rest`: the previous line with the first `old` made `new`, then `rest`.
fn quick_substitution(spec: &str, history: &[String]) -> Result<Expanded, String> {
    let chars: Vec<char> = std::iter::once('^').chain(spec.chars()).collect();
    let (old, new, end) = substitution(&chars, 0).unwrap_or_default();
    let rest: String = chars[end..].iter().collect();
    let previous = history
        .last()
        .ok_or_else(|| format!("^{spec}: event not found"))?;
    let line = substituted(previous, &old, &new, false)
        .ok_or_else(|| format!("^{spec}: substitution failed"))?;
    Ok(Expanded {
        line: format!("{line}{rest}"),
        print_only: false,
    })
}

/// `text` with `old` replaced by `new` (whose NULs are `&`s, the old text), the first time or
/// every time; `None` where `old` is empty or not there, as bash fails the substitution.
fn substituted(text: &str, old: &str, new: &str, global: bool) -> Option<String> {
    if old.is_empty() || !text.contains(old) {
        return None;
    }
    let new = new.replace('\u{0}', old);
    Some(if global {
        text.replace(old, &new)
    } else {
        text.replacen(old, &new, 1)
    })
}

#[cfg(test)]
mod tests {
    use super::{Expanded, expand};

    fn history() -> Vec<String> {
        [
            "ls -l /usr/lib/file.tar.gz",
            "cat a.txt | grep x > out",
            "echo one two three",
        ]
        .map(String::from)
        .to_vec()
    }

    fn expanded(line: &str) -> String {
        match expand(line, &history()) {
            Ok(Some(Expanded { line, .. })) => line,
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn events_name_lines_of_the_history() {
        assert_eq!(expanded("!!"), "echo one two three");
        assert_eq!(expanded("sudo !!"), "sudo echo one two three");
        assert_eq!(expanded("!-3"), "ls -l /usr/lib/file.tar.gz");
        assert_eq!(expanded("!2"), "cat a.txt | grep x > out");
        assert_eq!(
            expanded("!ls; !?grep?"),
            "ls -l /usr/lib/file.tar.gz; cat a.txt | grep x > out"
        );
        assert_eq!(expanded("echo a !#"), "echo a echo a ");
    }

    #[test]
    fn word_designators_pick_words() {
        assert_eq!(expanded("echo !$"), "echo three");
        assert_eq!(expanded("echo !^ !*"), "echo one one two three");
        assert_eq!(
            expanded("echo !!:0 !!:2-3 !!:1-"),
            "echo echo two three one two"
        );
        assert_eq!(expanded("!cat:2-$"), "| grep x > out");
        assert_eq!(
            expanded("echo !ls:$:h !ls:$:t !ls:$:r !ls:$:e"),
            "echo /usr/lib file.tar.gz /usr/lib/file.tar .gz"
        );
        assert!(expand("!!:p", &history()).unwrap().unwrap().print_only);
    }

    #[test]
    fn quotes_escapes_and_parameters_are_left_alone() {
        for line in [
            "echo '!!'",
            "echo \\!!",
            "echo $! ${!x*}",
            "[ a != b ]",
            "echo hi!",
            "if ! true; then :; fi",
            "echo \"hi!\"",
        ] {
            assert_eq!(expand(line, &history()), Ok(None), "{line}");
        }
        assert_eq!(expanded("echo \"!!\""), "echo \"echo one two three\"");
    }

    #[test]
    fn quick_substitution_edits_the_previous_line() {
        assert_eq!(expanded("^two^2"), "echo one 2 three");
        assert_eq!(expanded("^two^2^ four"), "echo one 2 three four");
        assert_eq!(
            expand("^nine^9", &history()),
            Err("^nine^9: substitution failed".to_owned())
        );
        assert_eq!(expanded("^two^[&]"), "echo one [two] three");
    }

    #[test]
    fn modifiers_substitute_and_quote() {
        assert_eq!(expanded("!!:s/o/0/"), "ech0 one two three");
        assert_eq!(expanded("!!:gs/o/0/"), "ech0 0ne tw0 three");
        assert_eq!(expanded("!!:as|e|&&"), "eecho onee two threeee");
        assert_eq!(expanded("!!:s/two/\\//"), "echo one / three");
        assert_eq!(expanded("!!:q"), "'echo one two three'");
        assert_eq!(expanded("!cat:q"), "'cat a.txt | grep x > out'");
        assert_eq!(
            expand("!!:s/nine/9/", &history()),
            Err(":s/nine/9/: substitution failed".to_owned())
        );
    }

    #[test]
    fn a_line_read_with_its_newline_keeps_it_at_the_end() {
        assert_eq!(expanded("^two^2\n"), "echo one 2 three\n");
        assert_eq!(expanded("!?one\n"), "echo one two three\n");
        assert_eq!(expand("echo plain\n", &history()), Ok(None));
    }

    #[test]
    fn what_cannot_be_found_is_named_as_bash_names_it() {
        assert_eq!(
            expand("echo a!|cat", &history()),
            Err("!: event not found".to_owned())
        );
        assert_eq!(
            expand("!nosuch", &history()),
            Err("!nosuch: event not found".to_owned())
        );
        assert_eq!(
            expand("echo !9", &history()),
            Err("!9: event not found".to_owned())
        );
        assert_eq!(
            expand("!!:7", &history()),
            Err("!!:7: bad word specifier".to_owned())
        );
        assert_eq!(expand("!!", &[]), Err("!!: event not found".to_owned()));
        assert_eq!(
            expand("!!:z", &history()),
            Err("!!:z: unrecognized history modifier".to_owned())
        );
    }
}
