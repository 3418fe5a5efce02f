use clap::Parser;
use std::{ffi::OsString, io::Write, ops::ControlFlow};
use uucore::format;

use brush_core::{Error, ErrorKind, ExecutionResult, builtins, escape, expansion};

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
        // ncsh patch: formatted in memory, then written. An argument that is not a number is
        // printed as 0, and uucore, which said so, sets its exit code to 1; bash's printf then
        // fails with status 1. That exit code is the process's, and printf runs on several
        // threads at once (in `&` jobs and pipelines), so formatting and reading it is one step
        // that no other printf enters; no I/O happens inside it, so none can block another.
        let (formatted, all_numbers_read) = {
            static UUCORE_EXIT_CODE: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _only_this_printf = UUCORE_EXIT_CODE
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut formatted: Vec<u8> = vec![];
            let done = format(self.format_and_args.as_slice(), &mut formatted);
            let all_numbers_read = uucore::error::get_exit_code() == 0;
            uucore::error::set_exit_code(0);
            done?;
            (formatted, all_numbers_read)
        };

        if let Some(variable_name) = &self.output_variable {
            // Convert to a string.
            let result_str = String::from_utf8(formatted).map_err(|_| {
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
            let mut stdout = context.stdout();
            stdout.write_all(&formatted)?;
            stdout.flush()?;
        }

        if !all_numbers_read {
            return Ok(ExecutionResult::general_error());
        }

        Ok(ExecutionResult::success())
    }
}

fn format(format_and_args: &[String], writer: impl Write) -> Result<(), brush_core::Error> {
    match format_and_args {
        // ncsh patch: `%q` as bash's, backslashes rather than uucore's quotes, in any format
        // (brush did so only for a format of `%q` alone, for bash-completion), and an empty
        // number read as 0.
        [fmt, args @ ..] => {
            let (fmt, args) = with_bash_arguments(fmt, args);
            format_via_uucore(&fmt, args.iter(), writer)
        }
        // Handle case with no format string (we shouldn't be able to get here since clap will
        // fail parsing when the format string is missing)
        [] => Err(ErrorKind::PrintfInvalidUsage("missing operand".into()).into()),
    }
}

/// The format with each `%q` made `%s`, and the arguments as bash's printf takes them (ncsh
/// patch): each one that a `%q` takes quoted as bash quotes it, and an empty one that a number
/// takes made 0 (uucore refuses it, bash reads 0). The format is used again while arguments are
/// left, so a conversion takes the argument at its place in every round.
fn with_bash_arguments(format: &str, args: &[String]) -> (String, Vec<String>) {
    let (format, round) = read_format(format);
    let mut args = args.to_vec();
    // A `%q` of the last round left without its argument writes `''`, as bash's does; so that
    // it gets one, that round is filled out with empty arguments, which the other conversions
    // take as missing ones (a number's as 0, below).
    if round.contains(&'q') {
        let rounds = args.len().div_ceil(round.len()).max(1);
        args.resize(rounds * round.len(), String::new());
    }
    for (index, arg) in args.iter_mut().enumerate() {
        match round[index % round.len()] {
            'q' => *arg = bash_quoted(arg),
            conversion if arg.is_empty() && "*diouxXeEfFgGaA".contains(conversion) => {
                *arg = "0".to_owned();
            }
            _ => (),
        }
    }
    (format, args)
}

/// Reads a printf format: the format with `%q` made `%s`, and the conversion that takes each
/// argument of a round (`*` for a width or precision given as an argument; at least one, so that
/// a format that takes none still makes a round).
fn read_format(format: &str) -> (String, Vec<char>) {
    let mut rewritten = String::with_capacity(format.len());
    let mut round = vec![];
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        rewritten.push(c);
        if c == '\\' {
            rewritten.extend(chars.next());
            continue;
        }
        if c != '%' {
            continue;
        }
        if chars.peek() == Some(&'%') {
            rewritten.extend(chars.next());
            continue;
        }
        // Flags, width, precision and length, then the conversion.
        while let Some(&next) = chars.peek() {
            if next == '*' {
                round.push('*');
            } else if !"-+ #0'.123456789hlLjzt".contains(next) {
                break;
            }
            rewritten.push(next);
            chars.next();
        }
        match chars.next() {
            Some('q') => {
                rewritten.push('s');
                round.push('q');
            }
            Some('(') => {
                // `%(FORMAT)T`: a time, whose format is not ours to read.
                rewritten.push('(');
                for inner in chars.by_ref() {
                    rewritten.push(inner);
                    if inner == ')' {
                        break;
                    }
                }
                rewritten.extend(chars.next());
                round.push('T');
            }
            Some(conversion) => {
                rewritten.push(conversion);
                round.push(conversion);
            }
            None => (),
        }
    }
    if round.is_empty() {
        round.push('s');
    }
    (rewritten, round)
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

fn format_via_uucore(
    format_string: &str,
    args: impl Iterator<Item = impl Into<OsString>>,
    mut writer: impl Write,
) -> Result<(), brush_core::Error> {
    // Convert string arguments to FormatArgument::Unparsed
    let format_args: Vec<_> = args
        .map(|s| format::FormatArgument::Unparsed(s.into()))
        .collect();

    // Parse format string once.
    let format_items = parse_format_string(format_string)?;

    // Wrap the format arguments.
    let mut format_args_wrapper = format::FormatArguments::new(&format_args);

    // Keep going until we've exhausted all format arguments. Also make sure to run at least once
    // even if there's no format arguments.
    while format_args.is_empty() || !format_args_wrapper.is_exhausted() {
        // Process all format items, in order. We'll bail when we're told to stop.
        for item in &format_items {
            let control_flow = item
                .write(&mut writer, &mut format_args_wrapper)
                .map_err(|e| match e {
                    // Propagate I/O errors directly so they can be handled appropriately
                    format::FormatError::IoError(io_err) => Error::from(io_err),
                    // Wrap other format errors
                    other => Error::from(ErrorKind::PrintfInvalidUsage(std::format!(
                        "printf formatting error: {other}"
                    ))),
                })?;

            if control_flow == ControlFlow::Break(()) {
                break;
            }
        }

        // Start next batch if not exhausted
        if !format_args_wrapper.is_exhausted() {
            format_args_wrapper.start_next_batch();
        }

        if format_args.is_empty() {
            break;
        }
    }

    Ok(())
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

#[cfg(test)]
#[expect(clippy::panic_in_result_fn)]
mod tests {
    use super::*;
    use anyhow::Result;

    fn sprintf_via_uucore(
        format_string: &str,
        args: impl Iterator<Item = impl Into<OsString>>,
    ) -> Result<String> {
        let mut result = vec![];
        format_via_uucore(format_string, args, &mut result)?;

        Ok(String::from_utf8(result)?)
    }

    #[test]
    fn test_basic_sprintf() -> Result<()> {
        assert_eq!(sprintf_via_uucore("%s", std::iter::once(&"xyz"))?, "xyz");
        assert_eq!(sprintf_via_uucore(r"%d\n", std::iter::once(&"1"))?, "1\n");

        Ok(())
    }

    #[test]
    fn test_sprintf_without_args() -> Result<()> {
        let empty: [&str; 0] = [];

        assert_eq!(sprintf_via_uucore("xyz", empty.iter())?, "xyz");
        assert_eq!(sprintf_via_uucore("%s|", empty.iter())?, "|");

        Ok(())
    }

    #[test]
    fn test_sprintf_with_cycles() -> Result<()> {
        assert_eq!(sprintf_via_uucore("%s|", ["x", "y"].iter())?, "x|y|");

        Ok(())
    }
}
