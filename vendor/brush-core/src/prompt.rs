use crate::{
    ExecutionParameters, error, expansion, extensions,
    shell::Shell,
    sys::{self, users},
};
use std::path::Path;

// ncsh patch: `\v` and `\V` are the bash version the shell gives in `BASH_VERSION`, as bash's;
// they were brush-core's own (0.5).
use crate::wellknownvars::{BASH_MAJOR, BASH_MINOR, BASH_PATCH};

pub(crate) async fn expand_prompt(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    spec: String,
) -> Result<String, error::Error> {
    // Parse the prompt spec into its pieces.
    let prompt_pieces = parse_prompt(spec)?;

    // Now, render each piece. ncsh patch: as bash, the prompt is then expanded as the text of a
    // here-document is, `$`, `` ` `` and `\` alone being special (bash: as if in double quotes),
    // and what an escape gives (`\w`, `\u`, `\h`…) is quoted first, so that it is shown as it is.
    // brush expanded the prompt as an unquoted word, what escapes gave and all: an apostrophe in a
    // directory's name (`\w` in `cd "Bob's Music"`) made every prompt a parse error, and a
    // `$(…)` in one ran at every prompt.
    let expands = shell.options().expand_prompt_strings;
    let mut formatted_prompt = String::new();
    for piece in prompt_pieces {
        match piece {
            brush_parser::prompt::PromptPiece::Literal(text) => formatted_prompt.push_str(&text),
            // `\\` gives a backslash that the expansion then reads, as bash's (`\\$HOME` shows
            // `$HOME`, and `\\\\` one backslash).
            brush_parser::prompt::PromptPiece::Backslash => formatted_prompt.push('\\'),
            // An escape that names nothing is kept, backslash and all, for the expansion, which
            // takes the backslash from `\$`, `\``, `\\`; bash's double quotes take it from `\"` too.
            brush_parser::prompt::PromptPiece::EscapedSequence(text) => {
                formatted_prompt.push_str(if text == "\\\"" { "\"" } else { &text });
            }
            piece => {
                let text = format_prompt_piece(shell, piece)?;
                if expands {
                    formatted_prompt.push_str(&quoted_for_expansion(&text));
                } else {
                    formatted_prompt.push_str(&text);
                }
            }
        }
    }

    if expands {
        formatted_prompt =
            expansion::basic_expand_heredoc_word(shell, params, &formatted_prompt).await?;
    }

    Ok(formatted_prompt)
}

/// `text` with a backslash before each character the prompt's expansion takes as special.
fn quoted_for_expansion(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '`' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted
}

#[cached::proc_macro::cached(size = 64, result = true)]
fn parse_prompt(
    spec: String,
) -> Result<Vec<brush_parser::prompt::PromptPiece>, brush_parser::WordParseError> {
    brush_parser::prompt::parse(spec.as_str())
}

fn format_prompt_piece(
    shell: &Shell<impl extensions::ShellExtensions>,
    piece: brush_parser::prompt::PromptPiece,
) -> Result<String, error::Error> {
    let formatted = match piece {
        brush_parser::prompt::PromptPiece::EscapedSequence(s)
        | brush_parser::prompt::PromptPiece::Literal(s) => s,
        brush_parser::prompt::PromptPiece::AsciiCharacter(c) => {
            char::from_u32(c).map_or_else(String::new, |c| c.to_string())
        }
        brush_parser::prompt::PromptPiece::Backslash => "\\".to_owned(),
        brush_parser::prompt::PromptPiece::BellCharacter => "\x07".to_owned(),
        brush_parser::prompt::PromptPiece::CarriageReturn => "\r".to_owned(),
        // ncsh patch: bash's `\#` (brush said "not yet implemented").
        brush_parser::prompt::PromptPiece::CurrentCommandNumber => {
            shell.next_command_number().to_string()
        }
        // ncsh patch: the number the command about to be read will have in the history, as
        // bash's `\!` (brush said "not yet implemented").
        brush_parser::prompt::PromptPiece::CurrentHistoryNumber => shell
            .history()
            .map_or(1, |history| history.count() + 1)
            .to_string(),
        brush_parser::prompt::PromptPiece::CurrentUser => users::get_current_username()?,
        brush_parser::prompt::PromptPiece::CurrentWorkingDirectory {
            tilde_replaced,
            basename,
        } => format_current_working_directory(shell, tilde_replaced, basename),
        brush_parser::prompt::PromptPiece::Date(format) => now(shell)
            .map(|now| format_date(&now, &format))
            .unwrap_or_default(),
        brush_parser::prompt::PromptPiece::DollarOrPound => {
            if users::is_root() {
                "#".to_owned()
            } else {
                "$".to_owned()
            }
        }
        // NOTE: We mimic bash and convert \[ into \001, a.k.a. RL_PROMPT_START_IGNORE.
        // It will need to get removed before it's actually displayed. While present it
        // also has the important (compatible) side effect of ensuring the text on either
        // side of it is not concatenated together, potentially resulting in incompatible
        // variable expansions. Also, we *only* do this if the shell is interactive.
        brush_parser::prompt::PromptPiece::EndNonPrintingSequence => {
            if shell.options().interactive {
                "\x02".to_owned()
            } else {
                String::new()
            }
        }
        brush_parser::prompt::PromptPiece::EscapeCharacter => "\x1b".to_owned(),
        brush_parser::prompt::PromptPiece::Hostname {
            only_up_to_first_dot,
        } => {
            let hn = sys::network::get_hostname()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if only_up_to_first_dot && let Some((first, _)) = hn.split_once('.') {
                return Ok(first.to_owned());
            }
            hn
        }
        brush_parser::prompt::PromptPiece::Newline => "\n".to_owned(),
        brush_parser::prompt::PromptPiece::NumberOfManagedJobs => {
            shell.jobs().jobs.len().to_string()
        }
        brush_parser::prompt::PromptPiece::ShellBaseName => {
            if let Some(shell_name) = shell.current_shell_name() {
                Path::new(shell_name.as_ref())
                    .file_name()
                    .map(|name| name.to_string_lossy().to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            }
        }
        brush_parser::prompt::PromptPiece::ShellRelease => {
            std::format!("{BASH_MAJOR}.{BASH_MINOR}.{BASH_PATCH}")
        }
        brush_parser::prompt::PromptPiece::ShellVersion => {
            std::format!("{BASH_MAJOR}.{BASH_MINOR}")
        }
        // NOTE: See above note for EndNonPrintingSequence
        brush_parser::prompt::PromptPiece::StartNonPrintingSequence => {
            if shell.options().interactive {
                "\x01".to_owned()
            } else {
                String::new()
            }
        }
        brush_parser::prompt::PromptPiece::TerminalDeviceBaseName => {
            sys::terminal::try_get_terminal_device_path()
                .and_then(|p| p.file_name().map(|s| s.to_string_lossy().to_string()))
                .unwrap_or_default()
        }
        brush_parser::prompt::PromptPiece::Time(time_fmt) => now(shell)
            .map(|now| format_time(&now, &time_fmt))
            .unwrap_or_default(),
    };

    Ok(formatted)
}

fn format_current_working_directory(
    shell: &Shell<impl extensions::ShellExtensions>,
    tilde_replaced: bool,
    basename: bool,
) -> String {
    let mut working_dir_str = shell.working_dir().to_string_lossy().to_string();

    if tilde_replaced {
        working_dir_str = shell.tilde_shorten(working_dir_str);
    }

    if basename && let Some(filename) = Path::new(&working_dir_str).file_name() {
        working_dir_str = filename.to_string_lossy().to_string();
    } else if let Some(kept) = shell
        .env_str("PROMPT_DIRTRIM")
        .and_then(|kept| kept.trim().parse::<usize>().ok())
        .filter(|kept| *kept > 0)
    {
        working_dir_str = trimmed_to_last_dirs(&working_dir_str, kept);
    }

    if cfg!(windows) {
        working_dir_str = working_dir_str.replace('\\', "/");
    }

    working_dir_str
}

/// `dir` with all but its last `kept` components written `...`, as bash's `\w` writes it under
/// `PROMPT_DIRTRIM` (ncsh patch: brush ignored it): `/a/b/c/d` kept to 2 is `.../c/d`, and
/// `~/x/y/z/w` kept to 1 is `~/.../w`. As bash, it leaves a path whose cut would be 3 characters
/// or fewer as it is.
fn trimmed_to_last_dirs(dir: &str, kept: usize) -> String {
    let start = if dir.starts_with('~') {
        dir.find('/').map_or(dir.len(), |slash| slash + 1)
    } else {
        0
    };
    let (prefix, rest) = dir.split_at(start);
    // The slash before the last `kept` components; none, or the first, leaves nothing to trim.
    match rest.match_indices('/').rev().nth(kept - 1) {
        Some((tail_start, _)) if tail_start > 3 => {
            format!("{prefix}...{}", &rest[tail_start..])
        }
        _ => dir.to_owned(),
    }
}

/// The time now, in the shell's time zone (`TZ`; ncsh patch).
fn now(shell: &Shell<impl extensions::ShellExtensions>) -> Option<jiff::Zoned> {
    crate::strftime::zoned(&crate::strftime::time_zone(shell), None)
}

// ncsh patch: written by `strftime`, in the shell's time zone.
fn format_time(datetime: &jiff::Zoned, format: &brush_parser::prompt::PromptTimeFormat) -> String {
    let format = match format {
        brush_parser::prompt::PromptTimeFormat::TwelveHourAM => "%I:%M %p",
        brush_parser::prompt::PromptTimeFormat::TwelveHourHHMMSS => "%I:%M:%S",
        brush_parser::prompt::PromptTimeFormat::TwentyFourHourHHMM => "%H:%M",
        brush_parser::prompt::PromptTimeFormat::TwentyFourHourHHMMSS => "%H:%M:%S",
    };
    crate::strftime::strftime(datetime, format)
}

fn format_date(datetime: &jiff::Zoned, format: &brush_parser::prompt::PromptDateFormat) -> String {
    let format = match format {
        brush_parser::prompt::PromptDateFormat::WeekdayMonthDate => "%a %b %d",
        // ncsh patch: an empty one is the time, as bash's locale gives it (`%X`).
        brush_parser::prompt::PromptDateFormat::Custom(fmt) if fmt.is_empty() => "%X",
        brush_parser::prompt::PromptDateFormat::Custom(fmt) => fmt,
    };
    crate::strftime::strftime(datetime, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_format_time() {
        // Create a well-known test date/time.
        let dt: jiff::Zoned = "2024-12-25T13:34:56.789+00:00[UTC]".parse().unwrap();

        assert_eq!(
            format_time(&dt, &brush_parser::prompt::PromptTimeFormat::TwelveHourAM),
            "01:34 PM"
        );

        assert_eq!(
            format_time(
                &dt,
                &brush_parser::prompt::PromptTimeFormat::TwentyFourHourHHMMSS
            ),
            "13:34:56"
        );

        assert_eq!(
            format_time(
                &dt,
                &brush_parser::prompt::PromptTimeFormat::TwelveHourHHMMSS
            ),
            "01:34:56"
        );
    }

    #[test]
    fn test_format_date() {
        // Create a well-known test date/time.
        let dt: jiff::Zoned = "2024-12-25T12:34:56.789+00:00[UTC]".parse().unwrap();

        assert_eq!(
            format_date(
                &dt,
                &brush_parser::prompt::PromptDateFormat::WeekdayMonthDate
            ),
            "Wed Dec 25"
        );

        assert_eq!(
            format_date(
                &dt,
                &brush_parser::prompt::PromptDateFormat::Custom(String::from("%Y-%m-%d"))
            ),
            "2024-12-25"
        );

        assert_eq!(
            format_date(
                &dt,
                &brush_parser::prompt::PromptDateFormat::Custom(String::from(
                    "%Y-%m-%d %H:%M:%S %Z"
                ))
            ),
            "2024-12-25 12:34:56 UTC"
        );
    }
}
