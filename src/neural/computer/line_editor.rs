//! The line being typed: the neural computer edits it itself, as a terminal's line discipline
//! would, and the model sees it whole when Enter is pressed.

/// The longest line kept: more than a screen of text is no command the model has seen.
const LONGEST: usize = 1000;

/// What a key did.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    /// Nothing to show.
    Nothing,
    /// The line changed, or Ctrl-L asked for it to be drawn again (every change draws the whole
    /// screen).
    Changed,
    /// Enter: this line is the command.
    Submit(String),
    /// Ctrl-D on an empty line: the session ends.
    End,
}

/// The line being typed, and where in an escape sequence the keys are.
#[derive(Default)]
pub struct LineEditor {
    line: String,
    escape: Escape,
}

/// Keys such as the arrows come as escape sequences, which are passed over: the line is edited at
/// its end only.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Escape {
    #[default]
    None,
    /// After ESC.
    Started,
    /// In a CSI (`ESC [`) or SS3 (`ESC O`) sequence, until its final byte.
    Body,
}

impl LineEditor {
    /// The line as typed so far.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// Takes one byte of keyboard input.
    pub fn key(&mut self, byte: u8) -> Edit {
        match self.escape {
            Escape::Started if byte == b'[' || byte == b'O' => {
                self.escape = Escape::Body;
                return Edit::Nothing;
            }
            // A lone Esc (or Alt with a key) is passed over, and the key after it is a key.
            Escape::Started => self.escape = Escape::None,
            Escape::Body => {
                if (0x40..=0x7e).contains(&byte) {
                    self.escape = Escape::None;
                }
                return Edit::Nothing;
            }
            Escape::None => {}
        }
        match byte {
            b'\r' | b'\n' => Edit::Submit(std::mem::take(&mut self.line)),
            // Backspace, as terminals send it (DEL) and as Ctrl-H.
            0x7f | 0x08 => {
                let had = self.line.pop().is_some();
                self.changed(had)
            }
            // Ctrl-U and Ctrl-C: the line is dropped.
            0x15 | 0x03 => {
                let had = !self.line.is_empty();
                self.line.clear();
                self.changed(had)
            }
            0x04 if self.line.is_empty() => Edit::End,
            0x0c => Edit::Changed,
            0x1b => {
                self.escape = Escape::Started;
                Edit::Nothing
            }
            // The model's alphabet is printable ASCII.
            0x20..=0x7e if self.line.len() < LONGEST => {
                self.line.push(char::from(byte));
                Edit::Changed
            }
            _ => Edit::Nothing,
        }
    }

    fn changed(&self, did: bool) -> Edit {
        if did { Edit::Changed } else { Edit::Nothing }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(editor: &mut LineEditor, keys: &[u8]) -> Vec<Edit> {
        keys.iter().map(|&k| editor.key(k)).collect()
    }

    #[test]
    fn keys_edit_the_line_and_enter_gives_it() {
        let mut editor = LineEditor::default();
        typed(&mut editor, b"ls -x\x7f1");
        assert_eq!(editor.line(), "ls -1");
        // An arrow key is passed over whole.
        typed(&mut editor, b"\x1b[A\x1bOB");
        assert_eq!(editor.line(), "ls -1");
        // A lone Esc is passed over, and the key after it is typed.
        typed(&mut editor, b"\x1b ");
        assert_eq!(editor.line(), "ls -1 ");
        assert_eq!(editor.key(b'\r'), Edit::Submit("ls -1 ".into()));
        assert_eq!(editor.line(), "");
    }

    #[test]
    fn ctrl_c_drops_the_line_and_ctrl_d_ends_only_an_empty_one() {
        let mut editor = LineEditor::default();
        typed(&mut editor, b"echo");
        assert_eq!(editor.key(0x04), Edit::Nothing);
        assert_eq!(editor.key(0x03), Edit::Changed);
        assert_eq!(editor.line(), "");
        assert_eq!(editor.key(0x04), Edit::End);
        assert_eq!(editor.key(0x0c), Edit::Changed);
        assert_eq!(editor.key(0xc3), Edit::Nothing);
    }
}
