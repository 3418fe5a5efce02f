//! The Neural Computers paper's measures of a predicted frame against the true one (DESIGN.md,
//! "Metrics"): char accuracy, exact-line accuracy, cursor accuracy and frame exact.

use kernel_bridge::Frame;

/// A frame's text as the measures read it: rows joined with `\n`, trailing spaces stripped.
pub fn text(frame: &Frame) -> Vec<char> {
    let mut text: Vec<char> = Vec::new();
    for (i, line) in frame.lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.extend(line.trim_end().chars());
    }
    text
}

/// Levenshtein distance; the common prefix and suffix are set aside first, since a predicted frame
/// mostly agrees with the true one.
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(x != y))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The measures of one prediction.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scores {
    /// 1 − Levenshtein(predicted, true) / len(true), at least 0.
    pub char_accuracy: f64,
    /// Non-empty true rows equal to the predicted row at the same index.
    pub lines_right: usize,
    /// Non-empty true rows.
    pub lines: usize,
    /// The cursor is at the same (row, column).
    pub cursor: bool,
    /// Every row and the cursor are the same.
    pub exact: bool,
}

/// Scores `predicted` against `truth`.
pub fn score(predicted: &Frame, truth: &Frame) -> Scores {
    let (p, t) = (text(predicted), text(truth));
    let distance = levenshtein(&p, &t);
    let char_accuracy = if t.is_empty() {
        f64::from(u8::from(p.is_empty()))
    } else {
        // Floored at 0: after `clear` the true text is a short prompt, and one wrong frame would
        // otherwise score -50 and outweigh a hundred right ones in the mean.
        (1.0 - distance as f64 / t.len() as f64).max(0.0)
    };
    let row = |frame: &Frame, i: usize| frame.lines.get(i).map_or("", |l| l.trim_end()).to_owned();
    let (mut lines, mut lines_right) = (0, 0);
    for (_, right) in true_lines(predicted, truth) {
        lines += 1;
        lines_right += usize::from(right);
    }
    let rows_equal = (0..truth.lines.len().max(predicted.lines.len()))
        .all(|i| row(predicted, i) == row(truth, i));
    let cursor = predicted.cursor == truth.cursor;
    Scores {
        char_accuracy,
        lines_right,
        lines,
        cursor,
        exact: rows_equal && cursor,
    }
}

/// The true screen's non-empty lines, trailing spaces stripped, each with whether the predicted
/// screen has it at the same row: what exact-line accuracy counts.
fn true_lines<'a>(predicted: &'a Frame, truth: &'a Frame) -> impl Iterator<Item = (&'a str, bool)> {
    truth
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| (i, line.trim_end()))
        .filter(|(_, line)| !line.is_empty())
        .map(move |(i, line)| {
            let at = predicted.lines.get(i).map_or("", |l| l.trim_end());
            (line, at == line)
        })
}

/// Right lines of a kind, out of all lines of that kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rate {
    /// Lines of this kind predicted exactly.
    pub right: usize,
    /// Lines of this kind.
    pub lines: usize,
}

impl Rate {
    /// right / lines; `None` where there was no such line, as nothing was measured.
    pub fn accuracy(&self) -> Option<f64> {
        (self.lines > 0).then(|| self.right as f64 / self.lines as f64)
    }

    fn add(&mut self, other: Rate) {
        self.right += other.right;
        self.lines += other.lines;
    }
}

/// Exact-line accuracy split by where a true line comes from, which tells copying apart from
/// writing: a model can score well on lines it only has to keep, and badly on what a command
/// prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LineKinds {
    /// Lines with the same text as some row of the screen before (in place, scrolled up, or
    /// repeated, like the prompt): what the row pointer can copy.
    pub kept: Rate,
    /// The command line: the prompt row the cursor was at, then the action as typed. A command
    /// line too long for one row is counted as output.
    pub command: Rate,
    /// Every other line: what the command printed, and a prompt that is not the one before.
    pub output: Rate,
}

impl LineKinds {
    /// The lines of `truth`, the screen after `action` typed at `before`, sorted into kinds and
    /// checked against `predicted`. A line that is both on the screen before and the command line
    /// (the same command typed again) counts as kept.
    pub fn of(before: &Frame, action: &str, predicted: &Frame, truth: &Frame) -> Self {
        // Matched as text, not by columns: a wide character takes two columns and one character.
        let prompt = before
            .lines
            .get(usize::from(before.cursor.0))
            .map_or("", |l| l.trim_end());
        let typed = |line: &str| {
            line.strip_prefix(prompt)
                .is_some_and(|rest| rest.trim_start() == action.trim())
        };
        let mut kinds = Self::default();
        for (line, right) in true_lines(predicted, truth) {
            let kind = if before.lines.iter().any(|b| b.trim_end() == line) {
                &mut kinds.kept
            } else if typed(line) {
                &mut kinds.command
            } else {
                &mut kinds.output
            };
            kind.add(Rate {
                right: usize::from(right),
                lines: 1,
            });
        }
        kinds
    }

    /// Adds `other`'s lines to these.
    pub fn add(&mut self, other: &LineKinds) {
        self.kept.add(other.kept);
        self.command.add(other.command);
        self.output.add(other.output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(lines: &[&str], cursor: (u16, u16)) -> Frame {
        let mut frame = Frame::blank(4, 20);
        for (i, l) in lines.iter().enumerate() {
            frame.lines[i] = (*l).to_owned();
        }
        frame.cursor = cursor;
        frame
    }

    #[test]
    fn levenshtein_counts_edits() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(levenshtein(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(levenshtein(&chars("abc"), &chars("abc")), 0);
        assert_eq!(levenshtein(&chars(""), &chars("abc")), 3);
        assert_eq!(levenshtein(&chars("xabcx"), &chars("xaBcx")), 1);
    }

    #[test]
    fn scores_follow_the_definitions() {
        let truth = frame(&["$ echo hi", "hi", "$"], (2, 2));
        let same = score(&truth, &truth);
        assert_eq!(same.char_accuracy, 1.0);
        assert_eq!(
            (same.lines_right, same.lines, same.cursor, same.exact),
            (3, 3, true, true)
        );
        let off = score(&frame(&["$ echo hi", "ho", "$"], (2, 1)), &truth);
        // "$ echo hi\nhi\n$\n" is 15 characters; one differs.
        assert!((off.char_accuracy - (1.0 - 1.0 / 15.0)).abs() < 1e-9);
        assert_eq!(
            (off.lines_right, off.lines, off.cursor, off.exact),
            (2, 3, false, false)
        );
        // A blank screen still has its three row breaks right: 1 − 12/15.
        let blank = score(&Frame::blank(4, 20), &truth);
        assert!((blank.char_accuracy - 0.2).abs() < 1e-9);
        assert_eq!((blank.lines_right, blank.exact), (0, false));
    }

    #[test]
    fn lines_are_kept_typed_or_written() {
        let before = frame(&["a", "$"], (1, 2));
        let truth = frame(&["a", "$ echo hi", "hi", "$"], (3, 2));
        let kinds = |predicted: &Frame| LineKinds::of(&before, "echo hi", predicted, &truth);
        let all_right = kinds(&truth);
        // "a" and the prompt "$" were there before.
        assert_eq!(all_right.kept, Rate { right: 2, lines: 2 });
        assert_eq!(all_right.command, Rate { right: 1, lines: 1 });
        assert_eq!(all_right.output, Rate { right: 1, lines: 1 });
        let wrong = frame(&["b", "$ echo ho", "hi", "$"], (3, 2));
        let off = kinds(&wrong);
        assert_eq!(off.kept, Rate { right: 1, lines: 2 });
        assert_eq!(off.command, Rate { right: 0, lines: 1 });
        assert_eq!(off.output, Rate { right: 1, lines: 1 });
        assert_eq!(off.kept.accuracy(), Some(0.5));
        // The kinds share out exactly the lines that exact-line accuracy counts.
        let scores = score(&wrong, &truth);
        assert_eq!(
            (
                off.kept.right + off.command.right + off.output.right,
                off.kept.lines + off.command.lines + off.output.lines
            ),
            (scores.lines_right, scores.lines)
        );
        assert_eq!(Rate::default().accuracy(), None);
        // The cursor past the end of the stored prompt (trailing spaces are stripped) still
        // places the action after it, and so does a prompt with a wide character.
        let kinds_of = |before: &Frame, action: &str, after: &Frame| {
            LineKinds::of(before, action, after, after)
        };
        let one = Rate { right: 1, lines: 1 };
        let spaced = frame(&["$"], (0, 2));
        assert_eq!(
            kinds_of(&spaced, "ls", &frame(&["$ ls"], (1, 0))).command,
            one
        );
        let wide = frame(&["文 $"], (0, 5));
        assert_eq!(
            kinds_of(&wide, "ls", &frame(&["文 $ ls"], (1, 0))).command,
            one
        );
        // A command too long for its row wraps, and both its rows count as output.
        let long = "echo ".to_owned() + &"x".repeat(20);
        let wrapped = frame(&[&("$ ".to_owned() + &long[..18]), &long[18..]], (2, 0));
        let k = kinds_of(&spaced, &long, &wrapped);
        assert_eq!((k.command.lines, k.output.lines), (0, 2));
        // The same command typed again, still on the screen, is kept.
        let again = frame(&["$ ls", "a", "$"], (2, 2));
        let k = kinds_of(&again, "ls", &frame(&["$ ls", "a", "$ ls", "a"], (3, 0)));
        assert_eq!((k.kept.lines, k.command.lines, k.output.lines), (4, 0, 0));
        // A prompt that changed (after `cd`) is output.
        let moved = frame(&["$ cd d", "d$"], (1, 2));
        let k = kinds_of(&spaced, "cd d", &moved);
        assert_eq!((k.command.lines, k.output.lines), (1, 1));
    }
}
