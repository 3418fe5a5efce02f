//! Semantic prompt marks: OSC 133 (`A` `B` `C` `D;status`) and VS Code's OSC 633 `E;command`.
//!
//! The interpreter writes them around prompts and commands; the host reads them back out of the byte
//! stream to cut the session into steps. Terminals that know them (WezTerm, kitty, iTerm2, VS Code)
//! use the same marks for prompt navigation; others ignore them.

/// One semantic prompt mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    /// `133;A`: a prompt is about to be drawn.
    PromptStart,
    /// `133;B`: the prompt is drawn and input starts here.
    InputStart,
    /// `133;C`: the command was submitted; its output starts here.
    OutputStart,
    /// `133;D[;status]`: the command finished, with its exit status when known.
    Finished(Option<i32>),
    /// `633;E;line`: the exact command line that was submitted.
    CommandLine(String),
}

impl Mark {
    /// Parses the `;`-separated parameters of an OSC sequence; `None` when it is not a mark.
    pub fn parse(params: &[&[u8]]) -> Option<Self> {
        match params {
            [b"133", b"A", ..] => Some(Self::PromptStart),
            [b"133", b"B", ..] => Some(Self::InputStart),
            [b"133", b"C", ..] => Some(Self::OutputStart),
            [b"133", b"D"] => Some(Self::Finished(None)),
            [b"133", b"D", status, ..] => Some(Self::Finished(
                std::str::from_utf8(status)
                    .ok()
                    .and_then(|s| s.parse().ok()),
            )),
            [b"633", b"E", line, ..] => Some(Self::CommandLine(unescape_633(line))),
            _ => None,
        }
    }

    /// The escape sequence that carries this mark (OSC, terminated by BEL).
    pub fn to_osc(&self) -> String {
        match self {
            Self::PromptStart => "\x1b]133;A\x07".to_owned(),
            Self::InputStart => "\x1b]133;B\x07".to_owned(),
            Self::OutputStart => "\x1b]133;C\x07".to_owned(),
            Self::Finished(None) => "\x1b]133;D\x07".to_owned(),
            Self::Finished(Some(status)) => format!("\x1b]133;D;{status}\x07"),
            Self::CommandLine(line) => format!("\x1b]633;E;{}\x07", escape_633(line)),
        }
    }
}

/// Escapes a command line for OSC 633 `E`: control characters, `;` and `\` become `\xNN` (and `\\`),
/// so that the line survives inside an OSC and splits on no `;`.
fn escape_633(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' | '\x00'..='\x1f' | '\x7f' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out
}

fn unescape_633(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i..] {
            [b'\\', b'\\', ..] => {
                out.push(b'\\');
                i += 2;
            }
            [b'\\', b'x', hi, lo, ..] => {
                match std::str::from_utf8(&[hi, lo])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        i += 4;
                    }
                    None => {
                        out.push(b'\\');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(raw[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(osc: &str) -> Vec<Vec<u8>> {
        let body = osc
            .strip_prefix("\x1b]")
            .and_then(|s| s.strip_suffix('\x07'))
            .unwrap();
        body.split(';').map(|p| p.as_bytes().to_vec()).collect()
    }

    fn round_trip(mark: &Mark) -> Option<Mark> {
        let owned = params(&mark.to_osc());
        let borrowed: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        Mark::parse(&borrowed)
    }

    #[test]
    fn every_mark_round_trips() {
        for mark in [
            Mark::PromptStart,
            Mark::InputStart,
            Mark::OutputStart,
            Mark::Finished(None),
            Mark::Finished(Some(130)),
            Mark::CommandLine("echo a;b \\ c\td".to_owned()),
            Mark::CommandLine("for i in 1 2\ndo echo $i; done".to_owned()),
        ] {
            assert_eq!(round_trip(&mark), Some(mark));
        }
    }

    #[test]
    fn other_oscs_are_not_marks() {
        assert_eq!(Mark::parse(&[b"0", b"title"]), None);
        assert_eq!(Mark::parse(&[b"133", b"Z"]), None);
        assert_eq!(
            Mark::parse(&[b"133", b"D", b"x"]),
            Some(Mark::Finished(None))
        );
    }

    #[test]
    fn broken_escapes_are_kept_literally() {
        assert_eq!(unescape_633(b"a\\xZZb\\"), "a\\xZZb\\");
    }
}
