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
    let mut lines = 0;
    let mut lines_right = 0;
    for (i, line) in truth.lines.iter().enumerate() {
        if line.trim_end().is_empty() {
            continue;
        }
        lines += 1;
        if row(predicted, i) == line.trim_end() {
            lines_right += 1;
        }
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
}
