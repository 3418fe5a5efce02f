//! History management for shells.

use std::path::PathBuf;

use crate::{error, openfiles};

impl<SE: crate::extensions::ShellExtensions> crate::Shell<SE> {
    pub(super) fn load_history(&self) -> Result<Option<crate::history::History>, error::Error> {
        const MAX_FILE_SIZE_FOR_HISTORY_IMPORT: u64 = 1024 * 1024 * 1024; // 1 GiB

        let Some(history_path) = self.history_file_path() else {
            return Ok(None);
        };

        let mut options = std::fs::File::options();
        options.read(true);

        let mut history_file =
            self.open_file(&options, history_path, &self.default_exec_params())?;

        // Check on the file's size.
        if let openfiles::OpenFile::File(file) = &mut history_file {
            let file_metadata = file.metadata()?;
            let file_size = file_metadata.len();

            // If the file is empty, no reason to try reading it. Note that this will also
            // end up excluding non-regular files that report a 0 file size but appear
            // to have contents when read.
            if file_size == 0 {
                return Ok(None);
            }

            // Bail if the file is unrealistically large. For now we just refuse to import it.
            if file_size > MAX_FILE_SIZE_FOR_HISTORY_IMPORT {
                return Err(error::ErrorKind::HistoryFileTooLargeToImport.into());
            }
        }

        Ok(Some(crate::history::History::import(history_file)?))
    }

    /// Reads the history again from the file `HISTFILE` names now (ncsh patch): as bash does after
    /// its startup files, which may name another file than the one read when the shell was made.
    pub fn reload_history(&mut self) {
        if self.options.enable_command_history {
            self.history = Some(self.load_history().ok().flatten().unwrap_or_default());
        }
    }

    /// Returns the path to the history file used by the shell, if one is set.
    pub fn history_file_path(&self) -> Option<PathBuf> {
        self.env_str("HISTFILE")
            .map(|s| PathBuf::from(s.into_owned()))
    }

    /// Returns the path to the history file used by the shell, if one is set.
    pub fn history_time_format(&self) -> Option<String> {
        self.env_str("HISTTIMEFORMAT").map(|s| s.into_owned())
    }

    /// Saves history back to any backing storage.
    pub fn save_history(&mut self) -> Result<(), error::Error> {
        if let Some(history_file_path) = self.history_file_path()
            && let Some(history) = &mut self.history
        {
            // See if there's *any* time format configured. That triggers writing out
            // timestamps.
            let write_timestamps = self.env.is_set("HISTTIMEFORMAT");

            // TODO(history): Observe options.append_to_history_file
            history.flush(
                &history_file_path,
                true, /* append? */
                true, /* unsaved items only? */
                write_timestamps,
            )?;
            // ncsh patch: `HISTFILESIZE`, as bash: the file keeps its last lines only.
            if let Some(size) = self.history_limit("HISTFILESIZE") {
                keep_last_entries(&history_file_path, size)?;
            }
        }

        Ok(())
    }

    /// The limit `HISTSIZE` or `HISTFILESIZE` sets (ncsh patch): none where it is unset, negative
    /// or not a number, as in bash.
    pub fn history_limit(&self, variable: &str) -> Option<usize> {
        self.env_str(variable)
            .and_then(|size| size.trim().parse::<i64>().ok())
            .and_then(|size| usize::try_from(size).ok())
    }

    /// Adds a command to history.
    ///
    /// ncsh patch: as bash, not a line `HISTCONTROL` or `HISTIGNORE` leaves out, and no more than
    /// `HISTSIZE` lines are kept (brush kept every line, and all of them).
    pub fn add_to_history(&mut self, command: &str) -> Result<(), error::Error> {
        // ncsh patch: nothing while `set +o history` is in force, as in bash (the line that turns
        // it on again is read while it is off); brush recorded every line.
        if !self.options.enable_command_history {
            return Ok(());
        }
        let control = self.env_str("HISTCONTROL").unwrap_or_default().into_owned();
        let ignored = self.env_str("HISTIGNORE").unwrap_or_default().into_owned();
        let size = self.history_limit("HISTSIZE");
        let controls: Vec<&str> = control.split(':').collect();
        let controlled = |name: &str| {
            controls
                .iter()
                .any(|control| *control == name || *control == "ignoreboth" && name != "erasedups")
        };
        if controlled("ignorespace") && command.starts_with(' ') {
            return Ok(());
        }

        let command = command.trim();
        if command.is_empty() {
            return Ok(());
        }
        let one_line = self.as_one_line(command);
        let command = one_line.as_deref().unwrap_or(command);
        let Some(history) = &mut self.history else {
            return Ok(());
        };
        let previous = history.iter().last().map(|item| item.command_line.clone());
        if controlled("ignoredups") && previous.as_deref() == Some(command) {
            return Ok(());
        }
        // Each pattern must match the whole line; `&` is the line before.
        for pattern in ignored.split(':').filter(|pattern| !pattern.is_empty()) {
            let pattern = pattern.replace('&', previous.as_deref().unwrap_or_default());
            if crate::patterns::Pattern::from(pattern).exactly_matches(command)? {
                return Ok(());
            }
        }
        if controlled("erasedups") {
            history.remove_all(command);
        }

        history.add(crate::history::Item {
            id: 0,
            command_line: command.to_owned(),
            timestamp: Some(chrono::Utc::now()),
            dirty: true,
        })?;
        if let Some(size) = size {
            history.keep_last(size);
        }

        Ok(())
    }
}

impl<SE: crate::extensions::ShellExtensions> crate::Shell<SE> {
    /// A command typed over several lines as one line that means the same, as bash's `cmdhist`
    /// keeps it (ncsh patch): `for i in 1 2; do echo $i; done`. brush kept its newlines, so the
    /// history file held `do` and `done` as entries of their own, which the next session
    /// recalled one by one. Each line is joined to the next with `; `, or a blank after a word or
    /// operator that a command goes on after; `None` where the line so made does not parse as the
    /// command did (a here-document, a newline in quotes, a comment), which keeps its newlines.
    fn as_one_line(&self, command: &str) -> Option<String> {
        if !command.contains('\n') {
            return None;
        }
        let mut joined = String::with_capacity(command.len());
        for line in command.lines().filter(|line| !line.trim().is_empty()) {
            if let Some(continued) = joined.strip_suffix('\\') {
                joined.truncate(continued.len());
            } else if !joined.is_empty() {
                let goes_on = [
                    "|", "&&", ";", "&", "(", "{", " do", " then", " else", " in",
                ]
                .iter()
                .any(|end| joined.ends_with(end))
                    || ["do", "then", "else"].contains(&joined.as_str());
                joined.push_str(if goes_on { " " } else { "; " });
            }
            joined.push_str(line.trim());
        }
        let meaning = |text: &str| {
            self.parse_string(text)
                .ok()
                .map(|program| program.to_string())
        };
        (meaning(&joined)? == meaning(command)?).then_some(joined)
    }
}

/// Cuts the history file at `path` to its last `count` entries, each a line with the `#SECONDS`
/// line before it where there is one (ncsh patch).
fn keep_last_entries(path: &std::path::Path, count: usize) -> Result<(), error::Error> {
    let text = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = text.lines().collect();
    let is_timestamp = |line: &str| {
        line.strip_prefix('#')
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    let entries = lines.iter().filter(|line| !is_timestamp(line)).count();
    let Some(mut dropped) = entries.checked_sub(count).filter(|dropped| *dropped > 0) else {
        return Ok(());
    };
    let mut start = 0;
    while dropped > 0 && start < lines.len() {
        if !is_timestamp(lines[start]) {
            dropped -= 1;
        }
        start += 1;
    }
    let mut kept = lines[start..].join("\n");
    if !kept.is_empty() {
        kept.push('\n');
    }
    std::fs::write(path, kept)?;
    Ok(())
}
