//! The replacement of `${x/pattern/replacement}` (ncsh patch). With `patsub_replacement` (on by
//! default, as in bash 5.2) an unquoted `&` in it stands for the text matched, and a backslash
//! quotes the character after it, also where an expansion's value brought it (`r='\&'`). brush
//! handed the text to the regex library as a template, so a `$` in it named a capture group:
//! `${x/cost/\$10}` gave nothing.

use super::{Expansion, ExpansionPiece};

/// A replacement's text and the places where the matched text goes.
#[derive(Debug, PartialEq)]
pub(super) struct Replacement(Vec<Part>);

#[derive(Debug, PartialEq)]
enum Part {
    Text(String),
    Matched,
}

impl Replacement {
    /// The replacement as written, every character itself.
    pub(super) fn literal(text: String) -> Self {
        Self(vec![Part::Text(text)])
    }

    /// The replacement as `patsub_replacement` reads its expansion: quoted text (written quoted,
    /// or a backslash and the character after it) is itself; in unquoted text, `&` is the match.
    pub(super) fn with_matched_text(expansion: Expansion) -> Self {
        let mut parts = vec![];
        // The replacement is one word: fields an expansion in it gave are joined with a blank,
        // as `basic_expand_to_str` joins them without `patsub_replacement`.
        for (i, field) in expansion.fields.into_iter().enumerate() {
            if i > 0 {
                parts.push(Part::Text(" ".into()));
            }
            for piece in field.0 {
                match piece {
                    ExpansionPiece::Unsplittable(quoted) => parts.push(Part::Text(quoted)),
                    ExpansionPiece::Splittable(unquoted)
                    | ExpansionPiece::UnquotedText(unquoted) => {
                        split_unquoted(&unquoted, &mut parts);
                    }
                }
            }
        }
        Self(parts)
    }

    /// The text that replaces one match.
    pub(super) fn for_match(&self, captures: &fancy_regex::Captures<'_>) -> String {
        let matched = captures.get(0).map_or("", |m| m.as_str());
        self.0
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.as_str(),
                Part::Matched => matched,
            })
            .collect()
    }
}

fn split_unquoted(unquoted: &str, parts: &mut Vec<Part>) {
    let mut text = String::new();
    let mut chars = unquoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next().unwrap_or('\\')),
            '&' => {
                parts.push(Part::Text(std::mem::take(&mut text)));
                parts.push(Part::Matched);
            }
            _ => text.push(c),
        }
    }
    parts.push(Part::Text(text));
}
