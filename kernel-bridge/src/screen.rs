//! The screen model: every byte a program writes, applied to a vt100 screen, with the session cut into
//! steps at the semantic prompt marks and terminal queries answered from the model.

use crate::{Frame, Mark, Step, StepCutter};

/// What the parser reports back while it applies bytes to the screen.
struct Observer {
    cutter: StepCutter,
    now: f64,
    answer_queries: bool,
    replies: Vec<u8>,
}

impl vt100::Callbacks for Observer {
    fn unhandled_osc(&mut self, screen: &mut vt100::Screen, params: &[&[u8]]) {
        if let Some(mark) = Mark::parse(params) {
            self.cutter.on_mark(mark, screen, self.now);
        }
    }

    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        if !self.answer_queries {
            return;
        }
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, c, first) {
            // Cursor position report: programs (line editors, full-screen tools) ask where the cursor
            // is and wait for the answer.
            (None, 'n', 6) => {
                let (row, col) = screen.cursor_position();
                self.replies
                    .extend(format!("\x1b[{};{}R", row + 1, col + 1).as_bytes());
            }
            // Device status: "terminal OK".
            (None, 'n', 5) => self.replies.extend(b"\x1b[0n"),
            // Primary device attributes: a VT102-class terminal with advanced video.
            (None, 'c', 0) => self.replies.extend(b"\x1b[?1;2c"),
            // Secondary device attributes.
            (Some(b'>'), 'c', 0) => self.replies.extend(b"\x1b[>0;0;0c"),
            _ => {}
        }
    }
}

/// A terminal screen fed with a program's output.
///
/// # Example
///
/// ```
/// use kernel_bridge::ScreenModel;
///
/// let mut screen = ScreenModel::new(24, 80);
/// screen.process(b"\x1b]133;A\x07$ \x1b]133;B\x07", 0.0);
/// screen.process(b"\x1b]633;E;echo hi\x07\x1b]133;C\x07echo hi\r\nhi\r\n\x1b]133;D;0\x07", 0.5);
/// screen.process(b"\x1b]133;A\x07$ \x1b]133;B\x07", 0.6);
/// let steps = screen.take_steps();
/// assert_eq!(steps[0].action, "echo hi");
/// assert_eq!(steps[0].frame_after.lines[1], "hi");
/// ```
pub struct ScreenModel {
    parser: vt100::Parser<Observer>,
}

impl ScreenModel {
    /// A blank screen of `rows` × `cols`. Sizes of 0 are raised to 1.
    pub fn new(rows: u16, cols: u16) -> Self {
        let observer = Observer {
            cutter: StepCutter::default(),
            now: 0.0,
            answer_queries: false,
            replies: Vec::new(),
        };
        Self {
            parser: vt100::Parser::new_with_callbacks(
                at_least_one(rows),
                at_least_one(cols),
                0,
                observer,
            ),
        }
    }

    /// A screen showing `frame`'s text with the cursor where it was (styles are not kept): for
    /// drawing what comes next on a screen that was never a terminal's, such as a predicted one.
    pub fn showing(frame: &Frame) -> Self {
        let mut screen = Self::new(frame.rows, frame.cols);
        let mut bytes = String::new();
        for (row, text) in frame.lines.iter().enumerate() {
            bytes.push_str(&format!("\x1b[{};1H{text}", row + 1));
        }
        bytes.push_str(&format!(
            "\x1b[{};{}H",
            frame.cursor.0 + 1,
            frame.cursor.1 + 1
        ));
        screen.process(bytes.as_bytes(), 0.0);
        screen
    }

    /// Makes the model answer terminal queries (cursor position, device status and attributes), for
    /// when no real terminal is there to answer them; collect the answers with
    /// [`ScreenModel::take_replies`].
    pub fn answer_queries(mut self) -> Self {
        self.parser.callbacks_mut().answer_queries = true;
        self
    }

    /// Applies output bytes that arrived `at` seconds into the session.
    pub fn process(&mut self, bytes: &[u8], at: f64) {
        self.parser.callbacks_mut().now = at;
        self.parser.process(bytes);
    }

    /// Changes the screen size, as the terminal window did.
    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser
            .screen_mut()
            .set_size(at_least_one(rows), at_least_one(cols));
    }

    /// The screen as it is now.
    pub fn frame(&self) -> Frame {
        Frame::capture(self.parser.screen())
    }

    /// The underlying vt100 screen.
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }

    /// Ends the session: a command still running (the `exit` that ended it) becomes the last step,
    /// with the screen as it is now after it. Returns the steps not taken yet.
    pub fn finish(&mut self) -> Vec<Step> {
        let frame = self.frame();
        let callbacks = self.parser.callbacks_mut();
        let now = callbacks.now;
        callbacks.cutter.finish(frame, now);
        self.take_steps()
    }

    /// Takes the steps completed so far.
    pub fn take_steps(&mut self) -> Vec<Step> {
        self.parser.callbacks_mut().cutter.take_steps()
    }

    /// Takes the answers to terminal queries produced so far (empty unless
    /// [`ScreenModel::answer_queries`] was set).
    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.parser.callbacks_mut().replies)
    }
}

fn at_least_one(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &[u8] = b"\x1b]133;A\x07$ \x1b]133;B\x07";

    #[test]
    fn repainted_prompts_do_not_cut_steps() {
        let mut screen = ScreenModel::new(5, 20);
        screen.process(PROMPT, 0.0);
        // A line editor repaints the prompt (with its B) on every keystroke.
        screen.process(b"\r\x1b[K$ \x1b]133;B\x07l", 0.1);
        screen.process(b"\r\x1b[K$ \x1b]133;B\x07ls", 0.2);
        screen.process(
            b"\x1b]633;E;ls\x07\x1b]133;C\x07\r\na b\r\n\x1b]133;D;0\x07",
            0.3,
        );
        screen.process(PROMPT, 0.4);
        let steps = screen.take_steps();
        assert_eq!(steps.len(), 1);
        let step = &steps[0];
        assert_eq!(step.action, "ls");
        assert_eq!(step.frame_before.lines[0], "$");
        assert_eq!(step.frame_after.lines[..3], ["$ ls", "a b", "$"]);
        assert_eq!(step.exit_status, Some(0));
        assert_eq!(step.timing.submitted, 0.3);
        assert_eq!(step.timing.next_prompt, 0.4);
        // The after frame of one step is the before frame of the next.
        screen.process(
            b"\x1b]633;E;false\x07\x1b]133;C\x07\r\n\x1b]133;D;1\x07",
            0.5,
        );
        screen.process(PROMPT, 0.6);
        let next = screen.take_steps();
        assert_eq!(next[0].frame_before, step.frame_after);
        assert_eq!(next[0].exit_status, Some(1));
    }

    #[test]
    fn the_command_that_ends_the_session_is_a_step_but_one_cut_off_is_not() {
        let mut ended = ScreenModel::new(5, 20);
        ended.process(PROMPT, 0.0);
        ended.process(
            b"\x1b]633;E;exit\x07\x1b]133;C\x07\r\n\x1b]133;D;0\x07exit\r\n",
            0.1,
        );
        let last = ended.finish();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].action, "exit");
        assert_eq!(last[0].frame_after.lines[..2], ["$", "exit"]);

        let mut cut = ScreenModel::new(5, 20);
        cut.process(PROMPT, 0.0);
        cut.process(b"\x1b]633;E;sleep 9\x07\x1b]133;C\x07\r\n", 0.1);
        assert!(
            cut.finish().is_empty(),
            "a command that never finished made a step"
        );
    }

    #[test]
    fn action_is_read_off_the_screen_without_633() {
        let mut screen = ScreenModel::new(5, 20);
        screen.process(PROMPT, 0.0);
        screen.process(b"echo yo\r\n\x1b]133;C\x07yo\r\n\x1b]133;D;0\x07", 0.1);
        screen.process(PROMPT, 0.2);
        assert_eq!(screen.take_steps()[0].action, "echo yo");
    }

    #[test]
    fn queries_are_answered_only_when_asked_to() {
        let mut silent = ScreenModel::new(5, 20);
        silent.process(b"ab\x1b[6n", 0.0);
        assert!(silent.take_replies().is_empty());

        let mut answering = ScreenModel::new(5, 20).answer_queries();
        answering.process(b"\r\nab\x1b[6n\x1b[c\x1b[5n", 0.0);
        assert_eq!(answering.take_replies(), b"\x1b[2;3R\x1b[?1;2c\x1b[0n");
    }
}
