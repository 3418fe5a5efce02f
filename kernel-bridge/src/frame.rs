//! The frame: one whole screen of interface state, in a form that serializes compactly.

use serde::{Deserialize, Serialize};

/// A colour as the terminal was told to draw it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Color {
    /// The terminal's default colour.
    #[default]
    Default,
    /// One of the 256 indexed colours.
    Idx(u8),
    /// A 24-bit colour.
    Rgb(u8, u8, u8),
}

impl From<vt100::Color> for Color {
    fn from(color: vt100::Color) -> Self {
        match color {
            vt100::Color::Default => Self::Default,
            vt100::Color::Idx(i) => Self::Idx(i),
            vt100::Color::Rgb(r, g, b) => Self::Rgb(r, g, b),
        }
    }
}

/// How a cell is drawn. The default style (default colours, no flags) is never stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Style {
    /// Foreground colour.
    #[serde(default, skip_serializing_if = "is_default_color")]
    pub fg: Color,
    /// Background colour.
    #[serde(default, skip_serializing_if = "is_default_color")]
    pub bg: Color,
    /// Bit set of [`Style::BOLD`], [`Style::DIM`], [`Style::ITALIC`], [`Style::UNDERLINE`],
    /// [`Style::INVERSE`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub flags: u8,
}

fn is_default_color(color: &Color) -> bool {
    *color == Color::Default
}

fn is_zero(flags: &u8) -> bool {
    *flags == 0
}

impl Style {
    /// Bold text.
    pub const BOLD: u8 = 1;
    /// Dim (faint) text.
    pub const DIM: u8 = 2;
    /// Italic text.
    pub const ITALIC: u8 = 4;
    /// Underlined text.
    pub const UNDERLINE: u8 = 8;
    /// Foreground and background swapped.
    pub const INVERSE: u8 = 16;

    fn of_cell(cell: &vt100::Cell) -> Self {
        let flag = |on: bool, bit: u8| if on { bit } else { 0 };
        Self {
            fg: cell.fgcolor().into(),
            bg: cell.bgcolor().into(),
            flags: flag(cell.bold(), Self::BOLD)
                | flag(cell.dim(), Self::DIM)
                | flag(cell.italic(), Self::ITALIC)
                | flag(cell.underline(), Self::UNDERLINE)
                | flag(cell.inverse(), Self::INVERSE),
        }
    }
}

/// A run of cells on one row that share a non-default [`Style`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyleRun {
    /// Row of the run.
    pub row: u16,
    /// First column of the run.
    pub col: u16,
    /// Number of cells in the run.
    pub len: u16,
    /// Style of every cell in the run.
    pub style: Style,
}

/// One whole screen: every cell's text and style, the cursor, and the screen flags.
///
/// Text is kept per row, with trailing spaces stripped, and styles as runs of non-default cells, so
/// that a mostly plain 24×80 screen serializes to a few hundred bytes. Each row's string holds the
/// cells' contents in column order; a wide character's continuation cell adds nothing, so columns and
/// `char` indices agree on rows without wide characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Number of rows on the screen.
    pub rows: u16,
    /// Number of columns on the screen.
    pub cols: u16,
    /// The text of each row, trailing spaces stripped; always `rows` entries.
    pub lines: Vec<String>,
    /// Cells drawn with a non-default style.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<StyleRun>,
    /// Cursor position as (row, column), zero-based.
    pub cursor: (u16, u16),
    /// Whether the cursor is shown.
    pub cursor_visible: bool,
    /// Whether a full-screen program switched to the alternate screen.
    pub alternate_screen: bool,
}

impl Frame {
    /// A blank screen of the given size with the cursor at the top left.
    pub fn blank(rows: u16, cols: u16) -> Self {
        Self {
            rows,
            cols,
            lines: vec![String::new(); usize::from(rows)],
            styles: Vec::new(),
            cursor: (0, 0),
            cursor_visible: true,
            alternate_screen: false,
        }
    }

    /// Captures the visible screen of a vt100 model.
    pub fn capture(screen: &vt100::Screen) -> Self {
        let (rows, cols) = screen.size();
        let (rows, cols) = (rows.get(), cols.get());
        let mut lines = Vec::with_capacity(usize::from(rows));
        let mut styles = Vec::new();
        for row in 0..rows {
            let mut line = String::with_capacity(usize::from(cols));
            let mut open: Option<StyleRun> = None;
            for col in 0..cols {
                let Some(cell) = screen.cell(row, col) else {
                    continue;
                };
                if !cell.is_wide_continuation() {
                    if cell.has_contents() {
                        line.push_str(cell.contents());
                    } else {
                        line.push(' ');
                    }
                }
                let style = Style::of_cell(cell);
                match &mut open {
                    Some(run) if run.style == style => run.len += 1,
                    _ => {
                        styles.extend(open.take());
                        if style != Style::default() {
                            open = Some(StyleRun {
                                row,
                                col,
                                len: 1,
                                style,
                            });
                        }
                    }
                }
            }
            styles.extend(open);
            line.truncate(line.trim_end_matches(' ').len());
            lines.push(line);
        }
        Self {
            rows,
            cols,
            lines,
            styles,
            cursor: screen.cursor_position(),
            cursor_visible: !screen.hide_cursor(),
            alternate_screen: screen.alternate_screen(),
        }
    }

    /// The screen's text: rows joined with `\n`, trailing spaces stripped per row. This is the text that
    /// the character and line accuracy metrics compare.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The style of the cell at (row, col); the default style outside any run.
    pub fn style_at(&self, row: u16, col: u16) -> Style {
        self.styles
            .iter()
            .find(|run| run.row == row && (run.col..run.col + run.len).contains(&col))
            .map_or_else(Style::default, |run| run.style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen_after(bytes: &[u8]) -> crate::ScreenModel {
        let mut screen = crate::ScreenModel::new(4, 10);
        screen.process(bytes, 0.0);
        screen
    }

    #[test]
    fn capture_keeps_text_cursor_and_styles() {
        let parser = screen_after(b"ab \x1b[1;31mred\x1b[0m\r\nxy");
        let frame = Frame::capture(parser.screen());
        assert_eq!(frame.lines, vec!["ab red", "xy", "", ""]);
        assert_eq!(frame.cursor, (1, 2));
        assert_eq!(frame.styles.len(), 1);
        let run = frame.styles[0];
        assert_eq!((run.row, run.col, run.len), (0, 3, 3));
        assert_eq!(run.style.fg, Color::Idx(1));
        assert_eq!(run.style.flags, Style::BOLD);
        assert_eq!(frame.style_at(0, 4), run.style);
        assert_eq!(frame.style_at(0, 1), Style::default());
        assert_eq!(frame.text(), "ab red\nxy\n\n");
    }

    #[test]
    fn capture_sees_alternate_screen_and_hidden_cursor() {
        let parser = screen_after(b"\x1b[?1049h\x1b[?25lfull");
        let frame = Frame::capture(parser.screen());
        assert!(frame.alternate_screen);
        assert!(!frame.cursor_visible);
        assert_eq!(frame.lines[0], "full");
    }

    #[test]
    fn plain_frame_serializes_compactly() {
        let mut parser = crate::ScreenModel::new(24, 80);
        parser.process(b"user@host:~$ echo hi\r\nhi\r\nuser@host:~$ ", 0.0);
        let json = serde_json::to_string(&Frame::capture(parser.screen())).unwrap();
        assert!(json.len() <= 256, "{} bytes: {json}", json.len());
        let back: Frame = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Frame::capture(parser.screen()));
    }
}
