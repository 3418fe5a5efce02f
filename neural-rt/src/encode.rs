//! Frames and actions as the model's numbers.
//!
//! The model sees a fixed window of [`ROWS`] × [`COLS`] cells. A frame of another size is handled by
//! [`Window`]: the rows that hold the cursor (the bottom rows when it is there, as at a prompt) and the
//! first columns; a smaller frame is padded with blank cells. The model predicts the window, and
//! [`Window::place`] puts the prediction back into a frame of the original size, keeping the cells
//! outside the window as they were. So any size works, and never fails; but what lies outside the
//! window is not predicted: on a screen wider than 80 columns, a scroll moves the window's columns
//! and leaves the rest of each row in place. Predicted frames carry no styles (the model predicts
//! characters and the cursor).
//!
//! Characters are printable ASCII (space is 0) and one "other" symbol. The model sees an action's
//! first [`Config::action_len`](crate::model::Config::action_len) characters.

use kernel_bridge::Frame;

/// Rows the model sees.
pub const ROWS: usize = 24;
/// Columns the model sees.
pub const COLS: usize = 80;
/// Symbols a cell can hold: printable ASCII, then "other".
pub const CHARS: usize = 96;
/// The symbol for a character that is not printable ASCII.
pub const OTHER: u32 = 95;
/// The padding after an action, to the longest of a batch (input only; never predicted).
pub const PAD: u32 = 96;
/// Symbols an input can hold.
pub const INPUT_SYMBOLS: usize = 97;

/// The symbol of `c`.
pub fn symbol(c: char) -> u32 {
    match c {
        ' '..='~' => c as u32 - 32,
        _ => OTHER,
    }
}

/// The character of symbol `s` (`other` shows as `?`).
pub fn character(s: u32) -> char {
    if s < OTHER {
        char::from_u32(s + 32).unwrap_or('?')
    } else {
        '?'
    }
}

/// Where the model's window lies in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The frame row at the window's top.
    pub top: usize,
}

impl Window {
    /// The window for `frame`: the bottom rows, moved up only as far as needed to hold the cursor.
    pub fn of(frame: &Frame) -> Window {
        let rows = usize::from(frame.rows);
        let bottom_top = rows.saturating_sub(ROWS);
        let cursor = usize::from(frame.cursor.0);
        let top = if cursor >= bottom_top {
            bottom_top
        } else {
            cursor.saturating_sub(ROWS - 1)
        };
        Window { top }
    }

    /// The window's cells of `frame`, row-major.
    pub fn cells(self, frame: &Frame) -> Vec<u32> {
        let mut cells = vec![0; ROWS * COLS];
        for (r, line) in frame.lines.iter().skip(self.top).take(ROWS).enumerate() {
            for (c, ch) in line.chars().take(COLS).enumerate() {
                cells[r * COLS + c] = symbol(ch);
            }
        }
        cells
    }

    /// The cursor of `frame` in window coordinates (clamped into it).
    pub fn cursor(self, frame: &Frame) -> (usize, usize) {
        let row = usize::from(frame.cursor.0)
            .saturating_sub(self.top)
            .min(ROWS - 1);
        (row, usize::from(frame.cursor.1).min(COLS - 1))
    }

    /// The part of `frame` in the window, as a frame of its own (at most 24×80); a cursor outside
    /// the window is put where no cursor of the window can be, so that it matches none.
    pub fn crop(self, frame: &Frame) -> Frame {
        let rows = usize::from(frame.rows).saturating_sub(self.top).min(ROWS);
        let cols = usize::from(frame.cols).min(COLS);
        let lines = frame
            .lines
            .iter()
            .skip(self.top)
            .take(rows)
            .map(|line| {
                line.chars()
                    .take(cols)
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect();
        let (row, col) = (usize::from(frame.cursor.0), usize::from(frame.cursor.1));
        let inside = (self.top..self.top + rows).contains(&row) && col < cols;
        let cursor = if inside {
            ((row - self.top) as u16, col as u16)
        } else {
            (u16::MAX, u16::MAX)
        };
        let mut cropped = Frame::blank(rows as u16, cols as u16);
        cropped.lines = lines;
        cropped.cursor = cursor;
        cropped
    }

    /// A frame shaped like `like` whose window holds `cells` and `cursor`, and whose other cells are
    /// `like`'s characters; it has no styles, since none are predicted.
    pub fn place(self, like: &Frame, cells: &[u32], cursor: (usize, usize)) -> Frame {
        let mut frame = like.clone();
        frame.styles.clear();
        for r in 0..ROWS {
            let Some(line) = frame.lines.get_mut(self.top + r) else {
                break;
            };
            let visible = usize::from(like.cols).min(COLS);
            let predicted: String = cells[r * COLS..r * COLS + visible]
                .iter()
                .map(|&s| character(s))
                .collect();
            let rest: String = line.chars().skip(COLS).collect();
            let mut text = predicted;
            if !rest.is_empty() {
                text.push_str(&rest);
            }
            *line = text.trim_end().to_owned();
        }
        let row = (self.top + cursor.0).min(usize::from(like.rows).saturating_sub(1));
        let col = cursor.1.min(usize::from(like.cols).saturating_sub(1));
        frame.cursor = (row as u16, col as u16);
        frame
    }
}

/// An action's symbols, one per character.
pub fn action(text: &str) -> Vec<u32> {
    text.chars().map(symbol).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: u16, cols: u16, cursor: (u16, u16)) -> Frame {
        let mut frame = Frame::blank(rows, cols);
        for (r, line) in frame.lines.iter_mut().enumerate() {
            *line = format!("row {r}");
        }
        frame.cursor = cursor;
        frame
    }

    #[test]
    fn symbols_round_trip_and_others_are_one() {
        for c in ' '..='~' {
            assert_eq!(character(symbol(c)), c);
        }
        assert_eq!(symbol('é'), OTHER);
        assert_eq!(symbol(' '), 0);
    }

    #[test]
    fn a_crop_is_the_window_and_a_cursor_outside_it_matches_none() {
        let mut f = frame(30, 100, (29, 2));
        f.lines[29] = format!("{}|{}", "x".repeat(80), "beyond");
        let w = Window::of(&f);
        let cropped = w.crop(&f);
        assert_eq!((cropped.rows, cropped.cols), (24, 80));
        assert_eq!(cropped.lines[0], "row 6");
        assert_eq!(cropped.lines[23], "x".repeat(80));
        assert_eq!(cropped.cursor, (23, 2));
        f.cursor = (29, 90);
        assert_eq!(w.crop(&f).cursor, (u16::MAX, u16::MAX));
        let small = frame(6, 40, (5, 3));
        let cropped = Window::of(&small).crop(&small);
        assert_eq!((cropped.lines, cropped.cursor), (small.lines, small.cursor));
    }

    #[test]
    fn a_24_by_80_frame_is_its_own_window_and_places_back_unchanged() {
        let f = frame(24, 80, (5, 3));
        let w = Window::of(&f);
        assert_eq!(w.top, 0);
        let placed = w.place(&f, &w.cells(&f), w.cursor(&f));
        assert_eq!(placed.lines, f.lines);
        assert_eq!(placed.cursor, f.cursor);
    }

    #[test]
    fn other_sizes_keep_the_cursor_in_the_window_and_the_rest_as_it_was() {
        let tall = frame(40, 120, (39, 100));
        let w = Window::of(&tall);
        assert_eq!(w.top, 16);
        assert_eq!(w.cursor(&tall), (23, 79));
        assert_eq!(Window::of(&frame(40, 120, (2, 0))).top, 0);
        assert_eq!(Window::of(&frame(40, 120, (30, 0))).top, 16);
        assert_eq!(Window::of(&frame(60, 80, (30, 0))).top, 7);
        let placed = w.place(&tall, &vec![0; ROWS * COLS], (0, 0));
        assert_eq!(placed.lines[15], "row 15");
        assert_eq!(placed.lines[16], "");
        assert_eq!(placed.cursor, (16, 0));
        let small = frame(10, 30, (9, 29));
        let w = Window::of(&small);
        assert_eq!(w.top, 0);
        let cells = w.cells(&small);
        assert_eq!(cells[10 * COLS], 0);
        let placed = w.place(&small, &cells, w.cursor(&small));
        assert_eq!(placed.lines, small.lines);
    }
}
