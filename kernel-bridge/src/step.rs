//! The step, the unit of interface state, and the cutter that finds steps in a marked session.

use serde::{Deserialize, Serialize};

use crate::{Frame, Mark};

/// When a step happened, in seconds since the session started.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepTiming {
    /// When the command line was submitted (`133;C`).
    pub submitted: f64,
    /// When the command finished (`133;D`); `None` when the shell never said.
    pub finished: Option<f64>,
    /// When the next prompt was ready for input (the `133;B` that ends the step); for a command
    /// that ended the session (`exit`), when the session ended.
    pub next_prompt: f64,
}

/// `(frame_before, action, frame_after, exit_status, timing)`: the screen when input started, the
/// submitted command line, the screen at the next prompt, and how the command ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The screen at the prompt where the action was typed, before any of it was typed.
    pub frame_before: Frame,
    /// The submitted command line (several lines for a multi-line command).
    pub action: String,
    /// The screen when the next prompt was ready for input; for a command that ended the session
    /// (`exit`), the last screen.
    pub frame_after: Frame,
    /// Exit status of the command, when the shell reported it.
    pub exit_status: Option<i32>,
    /// When it happened.
    pub timing: StepTiming,
}

struct Running {
    frame_before: Frame,
    action: String,
    submitted: f64,
    finished: Option<f64>,
    exit_status: Option<i32>,
}

impl Running {
    /// The step this command made, ended with `frame_after` at time `at`.
    fn ended(self, frame_after: Frame, at: f64) -> Step {
        Step {
            frame_before: self.frame_before,
            action: self.action,
            frame_after,
            exit_status: self.exit_status,
            timing: StepTiming {
                submitted: self.submitted,
                finished: self.finished,
                next_prompt: at,
            },
        }
    }
}

/// Cuts a stream of marks into steps, given the screen at each mark.
///
/// The prompt is repainted on every keystroke, and each repaint carries a fresh `B`; only the first `B`
/// after an `A` is the moment input starts. A step runs from that `B` through `C` and `D` to the first
/// `B` of the next prompt, whose frame is both this step's `frame_after` and the next step's
/// `frame_before`.
#[derive(Default)]
pub struct StepCutter {
    prompt_pending: bool,
    at_prompt: Option<(Frame, (u16, u16))>,
    command_line: Option<String>,
    running: Option<Running>,
    finished_steps: Vec<Step>,
}

impl StepCutter {
    /// Feeds one mark seen at time `at` (seconds), with the screen as it was at that point of the stream.
    pub fn on_mark(&mut self, mark: Mark, screen: &vt100::Screen, at: f64) {
        match mark {
            Mark::PromptStart => self.prompt_pending = true,
            Mark::InputStart if self.prompt_pending || self.at_prompt.is_none() => {
                self.prompt_pending = false;
                let frame = Frame::capture(screen);
                if let Some(run) = self.running.take() {
                    self.finished_steps.push(run.ended(frame.clone(), at));
                }
                self.at_prompt = Some((frame, screen.cursor_position()));
            }
            Mark::InputStart => {}
            Mark::CommandLine(line) => self.command_line = Some(line),
            Mark::OutputStart => {
                if let Some((frame_before, input_at)) = self.at_prompt.take() {
                    let action = self
                        .command_line
                        .take()
                        .unwrap_or_else(|| typed_since(screen, input_at));
                    self.running = Some(Running {
                        frame_before,
                        action,
                        submitted: at,
                        finished: None,
                        exit_status: None,
                    });
                }
            }
            Mark::Finished(status) => {
                if let Some(run) = &mut self.running {
                    run.exit_status = status;
                    run.finished = Some(at);
                }
            }
        }
    }

    /// The session ended with `frame` on the screen at time `at`. A command that finished (said
    /// `133;D`) and ended the session, as `exit` does, becomes the last step, with that frame after
    /// it. A command cut off mid-run (a crash, a hang-up, a truncated recording) is dropped: its
    /// screen is not the result of the command.
    pub fn finish(&mut self, frame: Frame, at: f64) {
        if let Some(run) = self.running.take()
            && run.finished.is_some()
        {
            self.finished_steps.push(run.ended(frame, at));
        }
    }

    /// Takes the steps completed so far.
    pub fn take_steps(&mut self) -> Vec<Step> {
        std::mem::take(&mut self.finished_steps)
    }
}

/// What was typed after the prompt, read off the screen, for shells that mark with 133 but do not send
/// the command line with 633 `E`.
fn typed_since(screen: &vt100::Screen, (row, col): (u16, u16)) -> String {
    let (end_row, _) = screen.cursor_position();
    let (_, cols) = screen.size();
    let last_row = end_row.saturating_sub(1).max(row);
    screen
        .contents_between(row, col, last_row, cols.get())
        .trim()
        .to_owned()
}
