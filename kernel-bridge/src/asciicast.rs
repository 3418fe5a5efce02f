//! asciicast v2: the recording format that `asciinema play` plays. One JSON header line, then one
//! JSON array per event: `[seconds, "o" | "i" | "r" | "m", data]`.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::{ScreenModel, Step};

/// Why a recording could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CastError {
    /// The file could not be read or written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The first line is not an asciicast v2 header.
    #[error(
        "line 1 is not an asciicast v2 header ({reason}); record with `ncsh --record FILE.cast` or `asciinema rec`"
    )]
    BadHeader {
        /// What is wrong with it.
        reason: String,
    },
    /// The header names another version of the format.
    #[error(
        "line 1 is an asciicast version {0} header, and only version 2 is read; convert the recording to version 2 first (asciinema 3, which writes version 3 by default, converts with `asciinema convert`: see its --help for the format's name)"
    )]
    OtherVersion(u64),
    /// A later line is not an event.
    #[error(
        "line {line} is not an asciicast event ({reason}); the recording may be truncated or edited"
    )]
    BadEvent {
        /// One-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// The header line of a recording.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CastHeader {
    /// Always 2.
    pub version: u32,
    /// Terminal columns at the start.
    pub width: u16,
    /// Terminal rows at the start.
    pub height: u16,
    /// Unix time the recording started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<u64>,
    /// Environment worth knowing when replaying (TERM, SHELL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<std::collections::BTreeMap<String, String>>,
}

/// What happened at one moment of a recording.
#[derive(Clone, Debug, PartialEq)]
pub enum CastEvent {
    /// The program wrote this to the screen.
    Output(String),
    /// The user typed this.
    Input(String),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// A marker, with its label.
    Marker(String),
}

/// Writes a session as asciicast v2, event by event, as it happens.
///
/// Output arrives in arbitrary chunks while asciicast stores text, so a UTF-8 sequence cut at a chunk's
/// end is held back until the rest arrives.
pub struct CastWriter<W: Write> {
    out: W,
    pending_output: Vec<u8>,
    pending_input: Vec<u8>,
}

impl<W: Write> CastWriter<W> {
    /// Starts a recording of a `cols` × `rows` terminal by writing its header.
    pub fn new(
        mut out: W,
        cols: u16,
        rows: u16,
        env: &[(&str, String)],
    ) -> Result<Self, CastError> {
        let header = CastHeader {
            version: 2,
            width: cols,
            height: rows,
            timestamp: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs()),
            env: Some(
                env.iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
            ),
        };
        serde_json::to_writer(&mut out, &header).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
        Ok(Self {
            out,
            pending_output: Vec::new(),
            pending_input: Vec::new(),
        })
    }

    /// Records screen output at `at` seconds.
    pub fn output(&mut self, at: f64, bytes: &[u8]) -> Result<(), CastError> {
        let text = take_complete_utf8(&mut self.pending_output, bytes);
        self.event(at, "o", &text)
    }

    /// Records typed input at `at` seconds.
    pub fn input(&mut self, at: f64, bytes: &[u8]) -> Result<(), CastError> {
        let text = take_complete_utf8(&mut self.pending_input, bytes);
        self.event(at, "i", &text)
    }

    /// Records a resize to `cols` × `rows` at `at` seconds.
    pub fn resize(&mut self, at: f64, cols: u16, rows: u16) -> Result<(), CastError> {
        self.event(at, "r", &format!("{cols}x{rows}"))
    }

    /// Flushes what was written to the underlying writer.
    pub fn flush(&mut self) -> Result<(), CastError> {
        Ok(self.out.flush()?)
    }

    fn event(&mut self, at: f64, code: &str, data: &str) -> Result<(), CastError> {
        if data.is_empty() {
            return Ok(());
        }
        serde_json::to_writer(&mut self.out, &(round_micros(at), code, data))
            .map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }
}

fn round_micros(at: f64) -> f64 {
    (at * 1e6).round() / 1e6
}

/// Appends `bytes` to `pending` and returns the longest valid text prefix, keeping an incomplete
/// trailing UTF-8 sequence for next time. Invalid bytes become U+FFFD, as a terminal would show them.
fn take_complete_utf8(pending: &mut Vec<u8>, bytes: &[u8]) -> String {
    pending.extend_from_slice(bytes);
    let keep_from = match std::str::from_utf8(pending) {
        Ok(_) => pending.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => incomplete_tail_start(pending),
    };
    let rest = pending.split_off(keep_from);
    let text = String::from_utf8_lossy(pending).into_owned();
    *pending = rest;
    text
}

/// Where a possibly incomplete UTF-8 sequence starts at the end of `bytes` (or `bytes.len()`).
fn incomplete_tail_start(bytes: &[u8]) -> usize {
    let tail = bytes.len().saturating_sub(3);
    (tail..bytes.len())
        .find(|&i| {
            std::str::from_utf8(&bytes[i..])
                .err()
                .is_some_and(|e| e.valid_up_to() == 0 && e.error_len().is_none())
        })
        .unwrap_or(bytes.len())
}

/// The widest and tallest screen a recording may have: a screen model of it is held in memory, and
/// a damaged size of 65535 × 65535 must not take the machine's.
pub const MOST_CELLS_PER_SIDE: u16 = 1000;

fn size_fits(cols: u16, rows: u16) -> bool {
    let fits = |n| (1..=MOST_CELLS_PER_SIDE).contains(&n);
    fits(cols) && fits(rows)
}

/// Reads a recording: the header, then each event with its time.
pub fn read_cast(input: impl BufRead) -> Result<(CastHeader, Vec<(f64, CastEvent)>), CastError> {
    // A line that is not UTF-8 is named by its number, as a bad event is.
    let not_text = |e: std::io::Error, number: usize| match e.kind() {
        std::io::ErrorKind::InvalidData if number == 1 => CastError::BadHeader {
            reason: "it is not UTF-8 text".to_owned(),
        },
        std::io::ErrorKind::InvalidData => CastError::BadEvent {
            line: number,
            reason: "it is not UTF-8 text".to_owned(),
        },
        _ => CastError::Io(e),
    };
    let mut lines = input.lines();
    let first = lines
        .next()
        .transpose()
        .map_err(|e| not_text(e, 1))?
        .ok_or_else(|| CastError::BadHeader {
            reason: "the file is empty".to_owned(),
        })?;
    // The version is read first: asciinema 3 writes version 3 by default, whose header has other
    // fields, and that is what the user needs to hear.
    let version = serde_json::from_str::<serde_json::Value>(&first)
        .ok()
        .and_then(|header| header.get("version")?.as_u64());
    if let Some(version) = version.filter(|v| *v != 2) {
        return Err(CastError::OtherVersion(version));
    }
    let header: CastHeader = serde_json::from_str(&first).map_err(|e| CastError::BadHeader {
        reason: e.to_string(),
    })?;
    if !size_fits(header.width, header.height) {
        return Err(CastError::BadHeader {
            reason: format!(
                "a {}×{} screen (each side must be 1 to {MOST_CELLS_PER_SIDE})",
                header.width, header.height
            ),
        });
    }
    let mut events = Vec::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let line = line.map_err(|e| not_text(e, number))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| CastError::BadEvent {
            line: number,
            reason,
        };
        let (at, code, data): (f64, String, String) =
            serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        if at < 0.0 {
            return Err(bad(format!(
                "its time, {at} s, is before the recording began"
            )));
        }
        let event = match code.as_str() {
            "o" => CastEvent::Output(data),
            "i" => CastEvent::Input(data),
            "m" => CastEvent::Marker(data),
            "r" => {
                let size = data
                    .split_once('x')
                    .and_then(|(c, r)| Some((c.parse().ok()?, r.parse().ok()?)));
                let (cols, rows) =
                    size.ok_or_else(|| bad(format!("resize {data:?} is not COLSxROWS")))?;
                if !size_fits(cols, rows) {
                    return Err(bad(format!(
                        "resize to {cols}x{rows} (each side must be 1 to {MOST_CELLS_PER_SIDE})"
                    )));
                }
                CastEvent::Resize(cols, rows)
            }
            other => return Err(bad(format!("unknown event code {other:?}"))),
        };
        events.push((at, event));
    }
    Ok((header, events))
}

/// Replays a recording through a screen model and cuts it into steps at its semantic prompt marks.
pub fn steps_from_cast(input: impl BufRead) -> Result<Vec<Step>, CastError> {
    let (header, events) = read_cast(input)?;
    let mut screen = ScreenModel::new(header.height, header.width);
    for (at, event) in events {
        match event {
            CastEvent::Output(text) => screen.process(text.as_bytes(), at),
            CastEvent::Resize(cols, rows) => screen.resize(rows, cols),
            CastEvent::Input(_) | CastEvent::Marker(_) => {}
        }
    }
    Ok(screen.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_split_across_chunks_is_kept_whole() {
        let mut pending = Vec::new();
        let snowman = "☃".as_bytes();
        assert_eq!(take_complete_utf8(&mut pending, &[b'a', snowman[0]]), "a");
        assert_eq!(take_complete_utf8(&mut pending, &snowman[1..]), "☃");
        assert_eq!(take_complete_utf8(&mut pending, b"\xffz"), "\u{fffd}z");
        assert!(pending.is_empty());
    }

    #[test]
    fn written_cast_reads_back() {
        let mut bytes = Vec::new();
        let mut writer = CastWriter::new(&mut bytes, 80, 24, &[("TERM", "xterm".into())]).unwrap();
        writer.output(0.1, b"hello\r\n").unwrap();
        writer.input(0.2, b"ls\r").unwrap();
        writer.resize(0.3, 100, 30).unwrap();
        drop(writer);
        let (header, events) = read_cast(bytes.as_slice()).unwrap();
        assert_eq!((header.width, header.height), (80, 24));
        assert_eq!(
            events,
            vec![
                (0.1, CastEvent::Output("hello\r\n".into())),
                (0.2, CastEvent::Input("ls\r".into())),
                (0.3, CastEvent::Resize(100, 30)),
            ]
        );
    }

    #[test]
    fn bad_recordings_name_the_problem() {
        let err = read_cast(&b""[..]).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let err = read_cast(&b"{\"version\":1,\"width\":1,\"height\":1}\n"[..]).unwrap_err();
        assert!(err.to_string().contains("version 1"), "{err}");
        let cast = b"{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"o\",\"a\"]\n[0.2,\"o\"\n";
        let err = read_cast(&cast[..]).unwrap_err();
        assert!(err.to_string().starts_with("line 3 "), "{err}");
        let cast = b"{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"r\",\"wide\"]\n";
        assert!(
            read_cast(&cast[..])
                .unwrap_err()
                .to_string()
                .contains("COLSxROWS")
        );
        let cast = b"{\"version\":2,\"width\":65535,\"height\":65535}\n";
        let err = read_cast(&cast[..]).unwrap_err();
        assert!(
            err.to_string().contains("each side must be 1 to 1000"),
            "{err}"
        );
        let cast = b"{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"r\",\"80x0\"]\n";
        let err = read_cast(&cast[..]).unwrap_err();
        assert!(err.to_string().contains("resize to 80x0"), "{err}");
        // asciinema 3's own format has no width: the version is what is named, and the way out.
        let cast = b"{\"version\":3,\"term\":{\"cols\":80,\"rows\":24}}\n";
        let err = read_cast(&cast[..]).unwrap_err().to_string();
        assert!(
            err.contains("version 3") && err.contains("asciinema convert"),
            "{err}"
        );
        let cast = b"{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"o\",\"\xff\xfe\"]\n";
        let err = read_cast(&cast[..]).unwrap_err().to_string();
        assert!(err.starts_with("line 2 ") && err.contains("UTF-8"), "{err}");
        let err = read_cast(&b"\xff\xfe\n"[..]).unwrap_err().to_string();
        assert!(err.starts_with("line 1 ") && err.contains("UTF-8"), "{err}");
        let cast = b"{\"version\":2,\"width\":80,\"height\":24}\n[-1,\"o\",\"a\"]\n";
        let err = read_cast(&cast[..]).unwrap_err().to_string();
        assert!(err.contains("before the recording began"), "{err}");
    }
}
