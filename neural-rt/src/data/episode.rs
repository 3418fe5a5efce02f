//! The dataset format: one gzip-compressed JSON-lines file per recorded session (an episode), read
//! one episode at a time.
//!
//! ```text
//! DIR/train/0123456789abcdef.episode.gz     (also valid/, test/, probe/)
//! line 1: {"format":"ncsh-episode/1","seed":…,"split":"train","rows":24,"cols":80,"source":"gen-data"}
//! line 2: {"frame": FRAME}                                   the screen at the first prompt
//! then, per step: {"action":"ls","family":"files","exit_status":0,"frame": FRAME}
//! ```
//!
//! `FRAME` is kernel-bridge's frame (rows, cols, lines with trailing spaces stripped, styles, cursor).
//! A step's screen before is the previous line's frame, so each screen is stored once.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use kernel_bridge::Frame;
use serde::{Deserialize, Serialize};

use super::grammar::Family;

/// The `format` of this version of the file.
pub const FORMAT: &str = "ncsh-episode/1";

/// The most an episode file decompresses to: a generated session is well under a MiB, and one
/// imported from a long recording on a large screen some MiB; beyond this, the file is a gzip bomb,
/// or no episode.
const DECODED_LIMIT: u64 = 256 << 20;

/// Which part of a dataset an episode belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Split {
    /// Trained on.
    Train,
    /// Chosen among checkpoints with.
    Valid,
    /// Reported.
    Test,
    /// The arithmetic probe: never trained on.
    Probe,
}

impl Split {
    /// The split of a generated session, by its seed: a tenth each for test and valid.
    pub fn of_seed(seed: u64) -> Split {
        match seed % 10 {
            0 => Split::Test,
            1 => Split::Valid,
            _ => Split::Train,
        }
    }

    /// Its directory name.
    pub fn dir(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Valid => "valid",
            Split::Test => "test",
            Split::Probe => "probe",
        }
    }
}

/// A split a user names: train, valid or test (the probe is asked only by `neural eval`).
impl std::str::FromStr for Split {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        [Split::Train, Split::Valid, Split::Test]
            .into_iter()
            .find(|split| split.dir() == name)
            .ok_or_else(|| format!("no split `{name}`: give train, valid or test"))
    }
}

/// What an episode file says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// The seed its script was drawn from (for a cast, a hash of the file's bytes).
    pub seed: u64,
    /// Its split.
    pub split: Split,
    /// Screen rows.
    pub rows: u16,
    /// Screen columns.
    pub cols: u16,
    /// `gen-data`, or `cast:NAME` for an imported recording.
    pub source: String,
}

#[derive(Serialize, Deserialize)]
struct First {
    frame: Frame,
}

/// One step of an episode: what was typed and the screen at the next prompt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpisodeStep {
    /// The command line.
    pub action: String,
    /// Its family, where the script that typed it knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Family>,
    /// How it ended, when the shell said.
    #[serde(default)]
    pub exit_status: Option<i32>,
    /// The screen after it.
    pub frame: Frame,
}

/// A recorded session.
#[derive(Clone, Debug, PartialEq)]
pub struct Episode {
    /// What it is.
    pub header: Header,
    /// The screen at the first prompt.
    pub first: Frame,
    /// Its steps, in order.
    pub steps: Vec<EpisodeStep>,
}

/// An episode file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum EpisodeError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is where a dataset's directory, or a split's, would be.
    #[error(
        "{0} is a file, where a dataset keeps a directory; give a dataset's directory (one that `neural gen-data --out` made), or move the file away"
    )]
    NotADataset(PathBuf),
    /// It is not an episode file of this version.
    #[error(
        "{path}: line {line} is not what an episode file ({FORMAT}) holds there: {why}; remove it, then make it again with the command that made it (`neural gen-data` makes only the sessions that are missing; or `neural import-cast`)"
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// Which line (1-based).
        line: usize,
        /// What was wrong.
        why: String,
    },
}

impl Episode {
    /// The screen before step `i`.
    pub fn before(&self, i: usize) -> &Frame {
        if i == 0 {
            &self.first
        } else {
            &self.steps[i - 1].frame
        }
    }

    /// Where the episode of `seed` in `split` is in the dataset `dir`.
    pub fn path(dir: &Path, split: Split, seed: u64) -> PathBuf {
        dir.join(split.dir())
            .join(format!("{seed:016x}.episode.gz"))
    }

    /// Writes it under `dir/<split>/`, atomically (a file that is there is whole).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, EpisodeError> {
        let path = Self::path(dir, self.header.split, self.header.seed);
        let folder = dir.join(self.header.split.dir());
        let io = |source| EpisodeError::Io {
            path: path.clone(),
            source,
        };
        if folder.is_file() || dir.is_file() {
            return Err(file_in_the_way(dir, &folder));
        }
        std::fs::create_dir_all(&folder).map_err(io)?;
        let partial = path.with_extension("partial");
        let file = std::fs::File::create(&partial).map_err(io)?;
        let mut out = GzEncoder::new(std::io::BufWriter::new(file), Compression::default());
        write_line(&mut out, &self.header).map_err(io)?;
        write_line(
            &mut out,
            &First {
                frame: self.first.clone(),
            },
        )
        .map_err(io)?;
        for step in &self.steps {
            write_line(&mut out, step).map_err(io)?;
        }
        out.finish().and_then(|mut w| w.flush()).map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)?;
        Ok(path)
    }

    /// Reads an episode file.
    ///
    /// # Errors
    /// When it cannot be read or is not an episode file.
    pub fn read(path: &Path) -> Result<Episode, EpisodeError> {
        let io = |source| EpisodeError::Io {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        // Whole, and no more than an episode may hold: a file that decompresses to gigabytes
        // without a newline (a gzip bomb) was read into one line.
        let mut decoded = Vec::new();
        let unreadable = GzDecoder::new(file)
            .take(DECODED_LIMIT + 1)
            .read_to_end(&mut decoded)
            .err();
        if decoded.len() as u64 > DECODED_LIMIT {
            return Err(EpisodeError::Format {
                path: path.to_owned(),
                line: 1,
                why: format!(
                    "it decompresses to more than {} MiB, more than an episode holds",
                    DECODED_LIMIT >> 20
                ),
            });
        }
        if let Some(e) = unreadable {
            let line = decoded.iter().filter(|&&byte| byte == b'\n').count() + 1;
            let what = match line {
                1 => "the header",
                2 => "the first frame",
                _ => "a step",
            };
            return Err(EpisodeError::Format {
                path: path.to_owned(),
                line,
                why: format!("{what} cannot be read ({e})"),
            });
        }
        let mut lines = decoded.lines().enumerate();
        let mut next = |what: &str| -> Result<Option<(usize, String)>, EpisodeError> {
            match lines.next() {
                None => Ok(None),
                Some((i, Ok(text))) => Ok(Some((i + 1, text))),
                Some((i, Err(e))) => Err(EpisodeError::Format {
                    path: path.to_owned(),
                    line: i + 1,
                    why: format!("{what} cannot be read ({e})"),
                }),
            }
        };
        let bad = |line: usize, why: String| EpisodeError::Format {
            path: path.to_owned(),
            line,
            why,
        };
        let (n, text) = next("the header")?.ok_or_else(|| bad(1, "the file is empty".into()))?;
        let header: Header = serde_json::from_str(&text).map_err(|e| bad(n, e.to_string()))?;
        if header.format != FORMAT {
            return Err(bad(n, format!("its format is `{}`", header.format)));
        }
        let (n, text) =
            next("the first frame")?.ok_or_else(|| bad(2, "the first frame is missing".into()))?;
        let first: First = serde_json::from_str(&text).map_err(|e| bad(n, e.to_string()))?;
        let mut steps = Vec::new();
        while let Some((n, text)) = next("a step")? {
            steps.push(serde_json::from_str(&text).map_err(|e| bad(n, e.to_string()))?);
        }
        if steps.is_empty() {
            return Err(bad(3, "it has no steps".into()));
        }
        Ok(Episode {
            header,
            first: first.frame,
            steps,
        })
    }

    /// Why `dir` has no sessions of `split`, and how to make some. A session's seed puts it in its
    /// split, so a small dataset may have none of one; running `neural gen-data` again as it was
    /// run makes nothing new, and only more sessions do.
    pub fn none_in(dir: &Path, split: Split) -> String {
        let held: usize = [Split::Train, Split::Valid, Split::Test]
            .into_iter()
            .map(|split| Self::files(dir, split).map_or(0, |files| files.len()))
            .sum();
        let how = if held == 0 {
            format!(
                "make a dataset there with `neural gen-data --out {}`",
                dir.display()
            )
        } else {
            format!(
                "a session's seed puts it in a split (one in ten test, one in ten valid, the rest \
                 train), so make more: `neural gen-data --out {} --sessions N` with N above the \
                 {held} it holds, and the --seed it was made with",
                dir.display()
            )
        };
        format!(
            "{} has no {} sessions ({}/*.episode.gz); {how}",
            dir.display(),
            split.dir(),
            dir.join(split.dir()).display()
        )
    }

    /// The episode files of `split` in `dir`, in name order.
    ///
    /// # Errors
    /// When the directory cannot be listed.
    pub fn files(dir: &Path, split: Split) -> Result<Vec<PathBuf>, EpisodeError> {
        let folder = dir.join(split.dir());
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
                return Err(file_in_the_way(dir, &folder));
            }
            Err(source) => {
                return Err(EpisodeError::Io {
                    path: folder,
                    source,
                });
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".episode.gz"))
            .collect();
        files.sort();
        Ok(files)
    }
}

/// The error for a file where the dataset `dir`, or its split's `folder`, should be a directory.
fn file_in_the_way(dir: &Path, folder: &Path) -> EpisodeError {
    EpisodeError::NotADataset(if dir.is_file() { dir } else { folder }.to_owned())
}

fn write_line(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode() -> Episode {
        let mut after = Frame::blank(24, 80);
        after.lines[0] = "$ echo hi".into();
        after.lines[1] = "hi".into();
        after.lines[2] = "$".into();
        after.cursor = (2, 2);
        Episode {
            header: Header {
                format: FORMAT.into(),
                seed: 42,
                split: Split::Valid,
                rows: 24,
                cols: 80,
                source: "gen-data".into(),
            },
            first: Frame::blank(24, 80),
            steps: vec![EpisodeStep {
                action: "echo hi".into(),
                family: Some(Family::Echo),
                exit_status: Some(0),
                frame: after,
            }],
        }
    }

    #[test]
    fn an_episode_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let written = episode();
        let path = written.write(dir.path()).unwrap();
        assert!(path.ends_with("valid/000000000000002a.episode.gz"));
        assert_eq!(Episode::read(&path).unwrap(), written);
        assert_eq!(
            Episode::files(dir.path(), Split::Valid).unwrap(),
            vec![path]
        );
        assert!(Episode::files(dir.path(), Split::Train).unwrap().is_empty());
    }

    #[test]
    fn a_damaged_file_is_named_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.episode.gz");
        let mut out = GzEncoder::new(std::fs::File::create(&path).unwrap(), Compression::fast());
        out.write_all(b"{\"format\":\"ncsh-episode/1\",\"seed\":1,\"split\":\"train\",\"rows\":24,\"cols\":80,\"source\":\"x\"}\n{\"frame\":3}\n").unwrap();
        out.finish().unwrap();
        let err = Episode::read(&path).unwrap_err().to_string();
        assert!(err.contains("line 2 is not what an episode file"), "{err}");
        std::fs::write(&path, b"not gzip").unwrap();
        let err = Episode::read(&path).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn a_file_where_a_dataset_would_be_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("plan.json");
        std::fs::write(&plan, b"{}").unwrap();
        let err = Episode::files(&plan, Split::Train).unwrap_err();
        assert!(
            matches!(&err, EpisodeError::NotADataset(p) if *p == plan),
            "{err}"
        );
        std::fs::write(dir.path().join("train"), b"").unwrap();
        let err = Episode::files(dir.path(), Split::Train).unwrap_err();
        assert!(
            matches!(&err, EpisodeError::NotADataset(p) if *p == dir.path().join("train")),
            "{err}"
        );
        assert!(Episode::files(dir.path(), Split::Valid).unwrap().is_empty());
        let err = episode().write(&plan).unwrap_err();
        assert!(
            matches!(&err, EpisodeError::NotADataset(p) if *p == plan),
            "{err}"
        );
    }
}
