use clap::Parser;
use std::{io::Write, ops::ControlFlow};
use uucore::format;

use brush_core::{Error, ErrorKind, ExecutionResult, builtins, escape, expansion};

use crate::printf_argument::{Complaint, read_argument, time_argument};

/// Format a string.
#[derive(Parser)]
#[clap(disable_help_flag = true, disable_version_flag = true)]
pub(crate) struct PrintfCommand {
    /// If specified, the output of the command is assigned to this variable.
    #[arg(short = 'v')]
    output_variable: Option<String>,

    /// Format string + arguments to the format string.
    #[arg(trailing_var_arg = true, required = true, allow_hyphen_values = true)]
    format_and_args: Vec<String>,
}

impl builtins::Command for PrintfCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<ExecutionResult, Self::Error> {
        // ncsh patch: the format is used round by round, as bash's printf uses it. Each number
        // is read here (`printf_argument`), so that what cannot be read is said in bash's words
        // on the command's stderr, in its place among the rounds' output, and makes printf
        // fail; uucore said it on the process's own stderr. A `\c` in a `%b` argument ends all
        // output, as bash's does (uucore ended only that argument).
        // ncsh patch: a `-v` name that names no variable is refused first, in bash's words and
        // with its status.
        if let Some(name) = &self.output_variable {
            if !brush_core::env::valid_assignable_name(name) {
                return Ok(context.failure(std::format!("`{name}': not a valid identifier"), 2));
            }
        }
        let Some((format, args)) = self.format_and_args.split_first() else {
            return Err(ErrorKind::PrintfInvalidUsage("missing operand".into()).into());
        };
        let mut status = ExecutionResult::success();
        let mut text: Vec<u8> = vec![];
        let zone = brush_core::strftime::time_zone(context.shell);
        for piece in printf(format, args, &zone)? {
            match piece {
                Written::Text(formatted) => text.extend(formatted),
                Written::Complaint { words, fails } => {
                    // Its whole lines go first, as bash's line-buffered output does; the
                    // complaint is said even where they could not be written.
                    let lines_written = if self.output_variable.is_none() {
                        write_lines(&context, &mut text)
                    } else {
                        Ok(())
                    };
                    let said = context.failure(words, 1);
                    if fails {
                        status = said;
                    }
                    lines_written?;
                }
                // bash's printf succeeds where a `\c` ended its output, whatever it said before.
                Written::Ended => status = ExecutionResult::success(),
            }
        }

        if let Some(variable_name) = &self.output_variable {
            // Convert to a string.
            let result_str = String::from_utf8(text).map_err(|_| {
                brush_core::ErrorKind::PrintfInvalidUsage("invalid UTF-8 output".into())
            })?;

            // Assign to the selected variable.
            expansion::assign_to_named_parameter(
                context.shell,
                &context.params,
                variable_name,
                result_str,
            )
            .await?;
        } else {
            write_out(&context, &mut text)?;
        }

        Ok(status)
    }
}

/// Writes what has been formatted so far to stdout, and forgets it.
fn write_out<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    text: &mut Vec<u8>,
) -> Result<(), brush_core::Error> {
    let mut stdout = context.stdout();
    stdout.write_all(text)?;
    stdout.flush()?;
    text.clear();
    Ok(())
}

/// Writes the whole lines formatted so far to stdout, and forgets them.
fn write_lines<SE: brush_core::ShellExtensions>(
    context: &brush_core::ExecutionContext<'_, SE>,
    text: &mut Vec<u8>,
) -> Result<(), brush_core::Error> {
    let Some(last_newline) = text.iter().rposition(|&byte| byte == b'\n') else {
        return Ok(());
    };
    let mut rest = text.split_off(last_newline + 1);
    let written = write_out(context, text);
    text.append(&mut rest);
    written
}

/// What printf writes, in order.
enum Written {
    /// Formatted text, for stdout or the `-v` variable.
    Text(Vec<u8>),
    /// What bash says of an argument or the format, for stderr, and whether printf fails for it.
    Complaint { words: String, fails: bool },
    /// A `%b` argument's `\c` ended the output.
    Ended,
}

/// Formats `args` with `format` as bash's printf does: the format is used again while arguments
/// are left, each round taking the arguments at its places; times are written in `zone`.
fn printf(
    format: &str,
    args: &[String],
    zone: &brush_core::strftime::TimeZone,
) -> Result<Vec<Written>, brush_core::Error> {
    let format = read_format(format);
    let (text, bare_hex) = with_bare_hex_escapes_kept(&format.text);
    let items = parse_format_string(&text)?;
    let rounds: Vec<&[String]> = if format.round.is_empty() || args.is_empty() {
        vec![&[]]
    } else if format.unknown.is_some() {
        args.chunks(format.round.len()).take(1).collect()
    } else {
        args.chunks(format.round.len()).collect()
    };
    let mut times = format.times.iter();
    let time_formats: Vec<Option<&String>> = (format.round.iter())
        .map(|&conversion| (conversion == 'T').then(|| times.next()).flatten())
        .collect();
    let mut written = vec![];
    for round_args in rounds {
        if bare_hex {
            written.push(Written::Complaint {
                words: "missing hex digit for \\x".to_owned(),
                fails: false,
            });
        }
        let mut arguments = Vec::with_capacity(format.round.len());
        let mut complaints = vec![];
        for (index, &conversion) in format.round.iter().enumerate() {
            // A missing argument is an empty one, but for a time, which is then now.
            let arg = round_args.get(index).map(String::as_str);
            let (argument, complaint) = match (conversion, time_formats[index]) {
                (_, Some(time_format)) => time_argument(arg.unwrap_or("-1"), time_format, zone),
                ('q' | 'Q', None) => {
                    let quoted = bash_quoted(arg.unwrap_or_default());
                    (format::FormatArgument::Unparsed(quoted.into()), None)
                }
                (_, None) => read_argument(arg.unwrap_or_default(), conversion),
            };
            if let Some(complaint) = complaint {
                complaints.push((index, complaint, arg.unwrap_or_default()));
            }
            arguments.push(argument);
        }
        // Nothing after a `%b` argument's `\c` is read, nor said.
        let ends_at = (arguments.iter())
            .position(|argument| matches!(argument, format::FormatArgument::String(_)));
        for (index, complaint, arg) in complaints {
            if ends_at.is_none_or(|end| index <= end) {
                written.push(Written::Complaint {
                    words: complaint.words(arg),
                    fails: complaint == Complaint::NotNumber,
                });
            }
        }
        if let Some(words) = &format.unknown
            && ends_at.is_none()
        {
            written.push(Written::Complaint {
                words: words.clone(),
                fails: true,
            });
        }
        let mut text = vec![];
        let go_on = write_round(&items, &arguments, &mut text)?;
        written.push(Written::Text(text));
        if !go_on {
            written.push(Written::Ended);
            break;
        }
    }
    Ok(written)
}

/// Formats one round of the format into `writer`: false where a `%b` argument's `\c` ends all
/// output.
fn write_round(
    items: &[format::FormatItem<format::EscapedChar>],
    arguments: &[format::FormatArgument],
    mut writer: impl Write,
) -> Result<bool, brush_core::Error> {
    let mut arguments = format::FormatArguments::new(arguments);
    for item in items {
        // `read_argument` gives a `%b` argument that holds a `\c` as a `String`, and no other.
        let ends_output = matches!(item, format::FormatItem::Spec(_))
            && matches!(
                arguments.peek_arg(),
                Some(format::FormatArgument::String(_))
            );
        // uucore panics on a numeric width or precision past 65535 (the standard library's
        // limit), which ended the shell; one given by `*` is refused here, after the panic's own
        // message (a written one is refused as the format is read).
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            item.write(&mut writer, &mut arguments)
        }));
        let Ok(written) = written else {
            return Err(Error::from(ErrorKind::PrintfInvalidUsage(
                "a width or precision past 65535 is not supported".to_owned(),
            )));
        };
        let control_flow = written.map_err(|e| match e {
            // Propagate I/O errors directly so they can be handled appropriately
            format::FormatError::IoError(io_err) => Error::from(io_err),
            // Wrap other format errors
            other => Error::from(ErrorKind::PrintfInvalidUsage(std::format!(
                "printf formatting error: {other}"
            ))),
        })?;
        if ends_output || control_flow == ControlFlow::Break(()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A printf format, read for uucore.
struct Format {
    /// The format with `%q` made `%s` and `\c` made text (bash's printf ends output at a `\c` in
    /// a `%b` argument only), cut before the first conversion bash does not know.
    text: String,
    /// The conversion that takes each argument of a round (`*` for a width or precision given
    /// as an argument; none where the format takes no arguments, and is used once).
    round: Vec<char>,
    /// The format of each `%(FORMAT)T` in the format, in order.
    times: Vec<String>,
    /// bash's words for the conversion where the format was cut: printf writes what is before
    /// it, once, then fails.
    unknown: Option<String>,
}

/// The conversions bash's printf knows but `%n` (and `(`, which starts `%(FORMAT)T`).
const CONVERSIONS: &str = "diouxXeEfFgGaAcsbqQ(";

fn read_format(format: &str) -> Format {
    let mut text = String::with_capacity(format.len());
    let mut round = vec![];
    let mut times = vec![];
    let mut chars = format.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '\\' {
            // bash's format reads `\'`, `\"` and `\?` as the character (uucore kept the backslash).
            if let Some(&(_, quoted @ ('\'' | '"' | '?'))) = chars.peek() {
                text.push(quoted);
                chars.next();
                continue;
            }
            text.push(c);
            match chars.peek() {
                // `\c` is text, not the end of output; `\%` is a backslash, then a conversion.
                Some(&(_, 'c')) => text.push('\\'),
                Some(&(_, '%')) => {
                    text.push('\\');
                    continue;
                }
                _ => (),
            }
            text.extend(chars.next().map(|(_, next)| next));
            continue;
        }
        if c != '%' {
            text.push(c);
            continue;
        }
        if chars.peek().is_some_and(|&(_, next)| next == '%') {
            text.push_str("%%");
            chars.next();
            continue;
        }
        let (spec_start, conversions_before) = (text.len(), round.len());
        text.push(c);
        // Flags, width, precision and length, then the conversion.
        while let Some(&(_, next)) = chars.peek() {
            if next == '*' {
                round.push('*');
            } else if !"-+ #0'.123456789hlLjzt".contains(next) {
                break;
            }
            text.push(next);
            chars.next();
        }
        // uucore panics on a width or precision past 65535 (the standard library's limit).
        let too_wide = text[spec_start..]
            .split(|c: char| !c.is_ascii_digit())
            .any(|digits| {
                digits
                    .parse::<u32>()
                    .map_or(!digits.is_empty(), |n| n > 65535)
            });
        let unknown = match chars.next() {
            Some((_, conversion)) if too_wide => {
                format!(
                    "`{}{conversion}': a width or precision past 65535 is not supported",
                    &text[spec_start..]
                )
            }
            None => format!("`{}': missing format character", &format[start..]),
            Some((_, conversion)) if !CONVERSIONS.contains(conversion) => {
                format!("`{conversion}': invalid format character")
            }
            // `%q` and `%Q` are quoted here, and `%b`'s escapes read here (`read_argument`), for
            // a `%s`, which takes a width and precision where uucore's `%b` took none.
            Some((_, conversion @ ('q' | 'Q' | 'b'))) => {
                drop_zero_flags(&mut text, spec_start);
                text.push('s');
                round.push(conversion);
                continue;
            }
            Some((_, '(')) => {
                // `%(FORMAT)T`: a time, written by `time_argument` for a `%s`.
                let time: String = chars
                    .by_ref()
                    .map(|(_, inner)| inner)
                    .take_while(|&inner| inner != ')')
                    .collect();
                match chars.next() {
                    Some((_, 'T')) => {
                        text.push('s');
                        round.push('T');
                        times.push(time);
                        continue;
                    }
                    Some((_, other)) => format!("`{other}': invalid format character"),
                    None => format!("`{}': missing format character", &format[start..]),
                }
            }
            Some((_, conversion)) => {
                if conversion == 's' || conversion == 'c' {
                    drop_zero_flags(&mut text, spec_start);
                }
                text.push(conversion);
                round.push(conversion);
                continue;
            }
        };
        text.truncate(spec_start);
        round.truncate(conversions_before);
        return Format {
            text,
            round,
            times,
            unknown: Some(unknown),
        };
    }
    Format {
        text,
        round,
        times,
        unknown: None,
    }
}

/// Takes the `0` flags out of the conversion spec that starts at `spec_start` in `text` (ncsh
/// patch): for a string, bash pads with blanks and takes `%0.s` (the idiom that repeats a text
/// once per argument), where uucore refused the spec.
fn drop_zero_flags(text: &mut String, spec_start: usize) {
    let spec = &text[spec_start..];
    let flags_end = spec[1..]
        .find(|c: char| !"-+ #0'".contains(c))
        .map_or(spec.len(), |end| end + 1);
    let kept: String = spec[..flags_end].chars().filter(|&c| c != '0').collect();
    text.replace_range(spec_start..spec_start + flags_end, &kept);
}

/// `arg` as bash's `%q` writes it: backslashes before the characters the shell reads specially
/// (and before a leading `~` or `#`), `''` for nothing, `$'…'` for control characters.
fn bash_quoted(arg: &str) -> String {
    let quoted = escape::quote_if_needed(arg, escape::QuoteMode::BackslashEscape);
    let read_specially_first = arg.starts_with('~') || arg.starts_with('#');
    if read_specially_first && !quoted.starts_with("$'") {
        std::format!("\\{quoted}")
    } else {
        quoted.into_owned()
    }
}

/// `format` with each `\x` that no hex digit follows written `\\x`, which bash prints as it is,
/// and whether there was one, which bash says (ncsh patch: uucore refused the whole format).
fn with_bare_hex_escapes_kept(format: &str) -> (std::borrow::Cow<'_, str>, bool) {
    let mut kept = String::with_capacity(format.len());
    let mut bare = false;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        kept.push(c);
        if c != '\\' {
            continue;
        }
        match chars.peek() {
            Some('\\') => kept.extend(chars.next()),
            Some('x') => {
                let mut after = chars.clone();
                after.next();
                if !after.peek().is_some_and(char::is_ascii_hexdigit) {
                    kept.push('\\');
                    bare = true;
                }
            }
            _ => (),
        }
    }
    if bare {
        (kept.into(), true)
    } else {
        (format.into(), false)
    }
}

fn parse_format_string(
    format_string: &str,
) -> Result<Vec<format::FormatItem<format::EscapedChar>>, brush_core::Error> {
    let format_items: Result<Vec<_>, _> =
        format::parse_spec_and_escape(format_string.as_bytes()).collect();

    // Observe any errors we encountered along the way.
    let format_items = format_items
        .map_err(|e| ErrorKind::PrintfInvalidUsage(format!("printf parsing error: {e}")))?;

    Ok(format_items)
}
