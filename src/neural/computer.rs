//! The neural runtime (DESIGN.md, "Runtime modes"): a neural computer. The learned runtime draws
//! every screen from the screen before, the line typed and the state it carries; no command runs on
//! the host. The exact operations are verified: arithmetic by `calc`, and file commands by `fs` on
//! the computer's disk, a sandbox directory under `/tmp/nc` that it alone is granted and that is
//! removed when the session ends. Where the model's screen differs from the exact one, the exact one
//! is shown; a screen that nothing could verify is shown as the model drew it, and the status line
//! marks it unverified. Each step's verdict goes to `neural-computer.jsonl` in the state directory.

mod check;
mod display;
mod line_editor;
mod ls_columns;

use std::io::Write;

use kernel_bridge::{Frame, ScreenModel};
use neural_rt::fidelity::Follower;
use serde::{Deserialize, Serialize};

pub use self::check::calc_screen;
use self::check::{Checked, Disk};
pub use self::display::leave_screen_after_panic;
use self::display::{COLS, Display, Event, ROWS, Signals};
use self::line_editor::{Edit, LineEditor};
use super::model::{Of, in_use, logged_name};
use super::sandbox_dir::SandboxDir;
use super::state_log::{COMPUTER, now, session_name};

/// One step's line in the log: no command text and no screen, as in the fidelity log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Verdict {
    /// When, in seconds since the Unix epoch.
    pub at: f64,
    /// The session it was in.
    pub session: String,
    /// The model that drew it, named as in the fidelity log.
    pub model: String,
    /// `calc`, `fs` or `the shell`; `None` when nothing could check the step.
    pub verified_by: Option<String>,
    /// How the model's screen compared with the exact one.
    pub verdict: Judgement,
    /// The cells where the model's screen differed from the exact one (none when the model failed).
    pub differing_cells: usize,
    /// Whether the model put the cursor elsewhere.
    pub cursor_differs: bool,
    /// How long the model took, in milliseconds.
    pub ms: f64,
}

/// How the model's screen compared with the exact one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Judgement {
    /// It was the exact screen.
    Agreed,
    /// It differed, and the exact one was shown.
    Corrected,
    /// Nothing could check it, and it was shown.
    Unverified,
}

/// How the session's steps went, for the word at its end.
#[derive(Default)]
struct Tally {
    agreed: usize,
    corrected: usize,
    unverified: usize,
}

/// The computer: its model and the state it carries, its disk, and the screen it shows.
struct Computer {
    follower: Follower,
    model: String,
    disk: Disk,
    screen: Frame,
    session: String,
    tally: Tally,
    /// Whether verdicts are still written: a log that cannot be written is said once.
    logging: bool,
}

/// Runs a neural computer session on this terminal, and gives its exit status.
///
/// # Errors
/// Why it could not start: a terminal too small, a model that cannot load, no disk; nothing is
/// left changed then.
pub fn run() -> Result<i32, String> {
    if let Some(why) = display::too_small() {
        return Err(why);
    }
    // First, before the model's threads start: they must block these too.
    let signals = Signals::take()?;
    let device = neural_rt::device::choose();
    let (runtime, _, weights) = in_use(&device, Of::Current).map_err(|e| e.message)?;
    let session = session_name();
    let disk = SandboxDir::take_free((now() as u64 ^ u64::from(std::process::id())) as u16)?;
    let root = disk.path().to_owned();
    let logging = match COMPUTER.prepare() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("ncsh: the neural computer's verdicts will not be kept: {e}");
            false
        }
    };
    let mut computer = Computer {
        follower: Follower::new(runtime).map_err(|e| e.to_string())?,
        model: logged_name(weights.as_ref()),
        screen: Frame::blank(ROWS, COLS),
        disk: Disk {
            cwd: root.clone(),
            root,
        },
        session,
        tally: Tally::default(),
        logging,
    };
    computer.screen = typed(&computer.screen, &computer.disk.prompt());
    let mut display = Display::open(&signals)?;
    let status = computer.session(&mut display);
    drop(display);
    let Tally {
        agreed,
        corrected,
        unverified,
    } = computer.tally;
    let place = disk.path().display().to_string();
    let removed = match disk.remove() {
        Ok(()) => format!("its disk {place} is removed"),
        Err(e) => format!("its disk could not be removed ({e}); remove {place} by hand"),
    };
    // The terminal may be gone (a hang-up): what cannot be said is not an error.
    let _ = writeln!(
        std::io::stdout(),
        "ncsh: the neural computer ran {}: {agreed} verified and drawn right, {corrected} \
         corrected, {unverified} unverified; {removed}",
        crate::wording::counted(agreed + corrected + unverified, "command"),
    );
    Ok(status)
}

impl Computer {
    /// Reads and runs lines until `exit`, Ctrl-D, or the terminal goes away.
    fn session(&mut self, display: &mut Display) -> i32 {
        let mut editor = LineEditor::default();
        let mut steps = 0;
        let mut status = format!(
            "neural computer: the model draws every screen; disk {}; exit ends",
            self.disk.root.display()
        );
        display.show(&self.screen, &status);
        loop {
            let keys = match display.next() {
                Event::Keys(keys) => keys,
                Event::Resized => {
                    display.show(&typed(&self.screen, editor.line()), &status);
                    continue;
                }
                // As a shell killed by a signal ends: 128 plus its number.
                Event::Ended(signal) => return signal.map_or(0, |s| 128 + s as i32),
            };
            for key in keys {
                match editor.key(key) {
                    Edit::Nothing => continue,
                    Edit::Changed => {}
                    Edit::End => return 0,
                    Edit::Submit(line) => {
                        if let Some(code) = exit_status(&line) {
                            return code;
                        }
                        steps += 1;
                        status = format!("[{steps}] {}", self.step(&line));
                    }
                }
                display.show(&typed(&self.screen, editor.line()), &status);
            }
        }
    }

    /// Runs one line: the model draws the screen after it, the check finds the exact one if it
    /// can, and the one to believe is shown. Gives the status line.
    fn step(&mut self, line: &str) -> String {
        let before = self.screen.clone();
        let drawn = self.follower.predict(&before, line);
        let checked = self.disk.check(line, &before);
        let ms = drawn.as_ref().map_or(0.0, |(_, ms)| *ms);
        // What to show, what verified it, how the model's screen compared (nothing to compare when
        // the model failed), and what the status line says.
        let (shown, by, (cells, cursor), verdict, status) = match (checked, drawn) {
            (Checked::Exact { by, frame }, Ok((drawn, _))) => {
                let (cells, cursor) = symbolic::arithmetic::differing_cells(&drawn, &frame);
                let (verdict, status) = if cells.is_empty() && !cursor {
                    (
                        Judgement::Agreed,
                        format!("verified by {by}: the model drew the exact screen ({ms:.0} ms)"),
                    )
                } else {
                    (
                        Judgement::Corrected,
                        format!(
                            "corrected by {by}: the model's screen differed in {} cells{}",
                            cells.len(),
                            if cursor { " and the cursor" } else { "" }
                        ),
                    )
                };
                (frame, Some(by), (cells.len(), cursor), verdict, status)
            }
            (Checked::Unverified(why), Ok((drawn, _))) => (
                drawn,
                None,
                (0, false),
                Judgement::Unverified,
                format!("unverified: {why}"),
            ),
            (Checked::Exact { by, frame }, Err(e)) => (
                frame,
                Some(by),
                (0, false),
                Judgement::Corrected,
                format!("drawn by {by}: the model failed ({e})"),
            ),
            // The line stays as it was typed: nothing came of it.
            (Checked::Unverified(_), Err(e)) => (
                typed(&before, line),
                None,
                (0, false),
                Judgement::Unverified,
                format!("the model failed ({e}), and nothing verifies the line"),
            ),
        };
        match verdict {
            Judgement::Agreed => self.tally.agreed += 1,
            Judgement::Corrected => self.tally.corrected += 1,
            Judgement::Unverified => self.tally.unverified += 1,
        }
        let logged = Verdict {
            at: now(),
            session: self.session.clone(),
            model: self.model.clone(),
            verified_by: by.map(str::to_owned),
            verdict,
            differing_cells: cells,
            cursor_differs: cursor,
            ms,
        };
        if self.logging
            && let Err(e) = COMPUTER.append(&logged)
        {
            tracing::warn!("the neural computer's verdicts cannot be kept: {e}");
            self.logging = false;
        }
        self.screen = shown;
        status
    }
}

/// `screen` with `text` typed at its cursor.
fn typed(screen: &Frame, text: &str) -> Frame {
    let mut model = ScreenModel::showing(screen);
    model.process(text.as_bytes(), 0.0);
    model.frame()
}

/// The status `line` exits with, if it is `exit` or `exit N`.
fn exit_status(line: &str) -> Option<i32> {
    let mut words = line.split_whitespace();
    if words.next() != Some("exit") {
        return None;
    }
    match (words.next(), words.next()) {
        (None, _) => Some(0),
        (Some(n), None) => n.parse::<i32>().ok().map(|n| n & 0xff),
        _ => None,
    }
}
