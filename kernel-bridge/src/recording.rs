//! Steps from recordings made elsewhere, which may lack ncsh's semantic prompt marks: cut at the marks
//! when there are some; otherwise at each Enter, when the recording kept its input; otherwise where
//! the screen comes to rest at a prompt (a cursor just after `$ `, `# `, `% ` or `> ` at the end of
//! its row).

use std::io::BufRead;

use crate::asciicast::{CastError, CastEvent, read_cast};
use crate::{Frame, ScreenModel, Step, StepTiming};

/// The steps of an asciicast v2 recording, cut as the module says.
///
/// # Errors
/// When it is not a readable asciicast v2 recording.
pub fn steps_from_recording(input: impl BufRead) -> Result<Vec<Step>, CastError> {
    let (header, events) = read_cast(input)?;
    let marked = events
        .iter()
        .any(|(_, e)| matches!(e, CastEvent::Output(text) if text.contains("\x1b]133;")));
    let typed = events
        .iter()
        .any(|(_, e)| matches!(e, CastEvent::Input(text) if text.contains('\r')));
    let mut screen = ScreenModel::new(header.height, header.width);
    let mut cutter = Cutter::default();
    for (at, event) in events {
        match event {
            CastEvent::Output(text) => {
                screen.process(text.as_bytes(), at);
                if !marked && !typed && at_prompt(&screen.frame()) {
                    cutter.prompt(screen.frame(), at);
                }
            }
            CastEvent::Resize(cols, rows) => screen.resize(rows, cols),
            CastEvent::Input(text) if typed && !marked => {
                for c in text.chars() {
                    cutter.key(c, &screen, at);
                }
            }
            CastEvent::Input(_) | CastEvent::Marker(_) => {}
        }
    }
    if marked {
        return Ok(screen.finish());
    }
    let end = screen.frame();
    Ok(cutter.finish(end, typed))
}

/// Whether `frame` rests at a prompt: the cursor just after a prompt sign and a space, at the end
/// of its row.
fn at_prompt(frame: &Frame) -> bool {
    let (row, col) = (usize::from(frame.cursor.0), usize::from(frame.cursor.1));
    let line = frame.lines.get(row).map_or("", String::as_str);
    let chars: Vec<char> = line.chars().collect();
    col == chars.len() + 1 && chars.last().is_some_and(|c| "$#%>".contains(*c))
}

#[derive(Default)]
struct Cutter {
    steps: Vec<Step>,
    /// The line being typed, and the screen and time when its first key came.
    typing: Option<(Frame, f64, String)>,
    /// A line submitted, waiting for the screen where the next starts.
    submitted: Option<(Frame, f64, String)>,
    /// The last prompt seen (prompt cutting).
    prompt: Option<(Frame, f64)>,
    /// Inside an escape sequence typed (an arrow key, say), which is no text of the line.
    escape: Escape,
}

#[derive(Default, PartialEq)]
enum Escape {
    #[default]
    None,
    Started,
    Csi,
}

impl Cutter {
    fn key(&mut self, c: char, screen: &ScreenModel, at: f64) {
        if self.typing.is_none() {
            let frame = screen.frame();
            if let Some((before, submitted, action)) = self.submitted.take() {
                self.steps
                    .push(step(before, action, frame.clone(), submitted, at));
            }
            self.typing = Some((frame, at, String::new()));
        }
        let Some((_, _, line)) = self.typing.as_mut() else {
            return;
        };
        match self.escape {
            Escape::Started => {
                self.escape = if c == '[' || c == 'O' {
                    Escape::Csi
                } else {
                    Escape::None
                };
                return;
            }
            Escape::Csi => {
                if ('@'..='~').contains(&c) {
                    self.escape = Escape::None;
                }
                return;
            }
            Escape::None => {}
        }
        match c {
            '\u{1b}' => self.escape = Escape::Started,
            // Ctrl-C and Ctrl-U abandon what was typed.
            '\u{3}' | '\u{15}' => line.clear(),
            '\r' | '\n' => {
                if let Some(typed) = self.typing.take() {
                    self.submitted = Some((typed.0, at, typed.2));
                }
            }
            '\u{7f}' | '\u{8}' => {
                line.pop();
            }
            c if !c.is_control() => line.push(c),
            _ => {}
        }
    }

    fn prompt(&mut self, frame: Frame, at: f64) {
        if let Some((before, since)) = self.prompt.take()
            && before != frame
        {
            let action = typed_after(&before, &frame);
            self.steps
                .push(step(before, action, frame.clone(), since, at));
        }
        self.prompt = Some((frame, at));
    }

    fn finish(mut self, end: Frame, typed: bool) -> Vec<Step> {
        if typed && let Some((before, submitted, action)) = self.submitted.take() {
            self.steps
                .push(step(before, action, end, submitted, submitted));
        }
        self.steps
    }
}

/// What was typed at `before`'s prompt, read off `after`: the rest of the last row above the new
/// prompt that starts with the old prompt's text.
fn typed_after(before: &Frame, after: &Frame) -> String {
    let prompt = before
        .lines
        .get(usize::from(before.cursor.0))
        .map_or("", String::as_str);
    let last = usize::from(after.cursor.0);
    after.lines[..last.min(after.lines.len())]
        .iter()
        .rev()
        .find_map(|line| line.strip_prefix(prompt))
        .map_or_else(String::new, |rest| rest.trim().to_owned())
}

fn step(before: Frame, action: String, after: Frame, submitted: f64, next: f64) -> Step {
    Step {
        frame_before: before,
        action,
        frame_after: after,
        exit_status: None,
        timing: StepTiming {
            submitted,
            finished: None,
            next_prompt: next,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast(events: &[(f64, &str, &str)]) -> Vec<u8> {
        let mut text = String::from("{\"version\":2,\"width\":40,\"height\":6}\n");
        for (at, kind, data) in events {
            text.push_str(&serde_json::to_string(&(at, kind, data)).unwrap());
            text.push('\n');
        }
        text.into_bytes()
    }

    #[test]
    fn a_recording_with_input_is_cut_at_each_enter() {
        let bytes = cast(&[
            (0.0, "o", "$ "),
            (0.05, "i", "oops\u{3}"),
            (0.1, "i", "ech\u{1b}[D\u{1b}[C"),
            (0.2, "o", "ech"),
            (0.3, "i", "o hi\r"),
            (0.4, "o", "o hi\r\nhi\r\n$ "),
            (0.5, "i", "ls\r"),
            (0.6, "o", "ls\r\nx\r\n$ "),
        ]);
        let steps = steps_from_recording(bytes.as_slice()).unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].action, "echo hi");
        assert_eq!(steps[0].frame_before.lines[0], "$");
        assert_eq!(steps[0].frame_after.lines[1], "hi");
        assert_eq!(steps[1].action, "ls");
        assert_eq!(steps[1].frame_after.lines[3], "x");
    }

    #[test]
    fn a_recording_of_output_alone_is_cut_where_a_prompt_comes_back() {
        let bytes = cast(&[
            (0.0, "o", "$ "),
            (0.5, "o", "echo hi\r\nhi\r\n"),
            (0.6, "o", "$ "),
            (0.9, "o", "pwd\r\n/home\r\n$ "),
        ]);
        let steps = steps_from_recording(bytes.as_slice()).unwrap();
        let actions: Vec<&str> = steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(actions, ["echo hi", "pwd"]);
        assert_eq!(steps[1].frame_after.lines[3], "/home");
    }
}
