//! Recorded steps on disk: JSON lines, one [`Step`] per line, written as each step completes so that a
//! session cut short keeps every step it finished.

use std::io::{BufRead, Write};

use crate::Step;

/// Why a steps file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StepsFileError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A line is not a step.
    #[error(
        "line {line} is not a recorded step ({reason}); steps files hold one JSON step per line"
    )]
    BadStep {
        /// One-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// Appends steps to a JSON-lines file.
pub struct StepWriter<W: Write> {
    out: W,
}

impl<W: Write> StepWriter<W> {
    /// Writes steps to `out`.
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// Writes one step and flushes it.
    pub fn write(&mut self, step: &Step) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, step)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// Reads every step of a JSON-lines file, skipping blank lines.
pub fn read_steps(input: impl BufRead) -> Result<Vec<Step>, StepsFileError> {
    let mut steps = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let step = serde_json::from_str(&line).map_err(|e| StepsFileError::BadStep {
            line: index + 1,
            reason: e.to_string(),
        })?;
        steps.push(step);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frame, StepTiming};

    #[test]
    fn steps_round_trip_and_bad_lines_are_named() {
        let step = Step {
            frame_before: Frame::blank(2, 4),
            action: "true".into(),
            frame_after: Frame::blank(2, 4),
            exit_status: Some(0),
            timing: StepTiming {
                submitted: 0.5,
                finished: Some(0.6),
                next_prompt: 0.7,
            },
        };
        let mut bytes = Vec::new();
        let mut writer = StepWriter::new(&mut bytes);
        writer.write(&step).unwrap();
        writer.write(&step).unwrap();
        assert_eq!(
            read_steps(bytes.as_slice()).unwrap(),
            vec![step.clone(), step]
        );

        bytes.extend(b"{not json\n");
        let err = read_steps(bytes.as_slice()).unwrap_err();
        assert!(err.to_string().starts_with("line 3 "), "{err}");
    }
}
