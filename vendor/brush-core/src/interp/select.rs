//! ncsh patch: the `select` loop, which brush did not have, as bash runs it (`execute_cmd.c`): a
//! numbered menu of the words in columns and the `PS3` prompt on stderr, then a line read by the
//! `read` builtin into `REPLY`. A number on the menu sets the variable to its word, anything else
//! to nothing, and the body runs; an empty line shows the menu again; end of input ends the loop.

use std::io::Write;

use brush_parser::ast;

use super::{assign_loop_variable, loop_goes_on, loop_header, loop_words, refused_loop_variable};
use crate::commands;
use crate::interp::{Execute, ExecutionParameters};
use crate::openfiles::OpenFiles;
use crate::results::ExecutionResult;
use crate::shell::Shell;
use crate::{error, extensions, interrupt, signal_traps};

/// The prompt where `PS3` is not set.
const DEFAULT_PROMPT: &str = "#? ";

/// Runs `command`, a `select` loop.
pub(super) async fn execute(
    command: &ast::ForClauseCommand,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<ExecutionResult, error::Error> {
    let params = &params.in_loop();
    if let Some(refused) = refused_loop_variable(shell, params, &command.variable_name) {
        return Ok(refused);
    }
    let words = loop_words(shell, params, command).await?;
    if words.is_empty() {
        return Ok(ExecutionResult::success());
    }
    let header = loop_header("select", command);
    let _runs = commands::announce_command(shell, params, || header.clone()).await?;
    if shell.options().print_commands_and_arguments {
        shell.trace_command(params, header).await;
    }

    let mut show_menu = true;
    let result = loop {
        interrupt::check(shell, params)?;
        if let Some(left) = signal_traps::run_pending(shell, params).await? {
            return Ok(left);
        }
        let Some(choice) = ask(shell, params, &words, show_menu).await? else {
            break ExecutionResult::general_error();
        };
        assign_loop_variable(shell, &command.variable_name, choice)?;
        let mut result = command.body.list.execute(shell, params).await?;
        if !loop_goes_on(&mut result) {
            break result;
        }
        // As in bash built with KSH_COMPATIBLE_SELECT (its default): the menu is shown again only
        // after an empty answer.
        show_menu = shell.env_str("REPLY").is_none_or(|reply| reply.is_empty());
    };
    shell.set_last_exit_status(result.exit_code.into());
    Ok(result)
}

/// Shows the menu (where `show_menu` says) and the prompt, and reads answers until one is not
/// empty: the word it chose, or nothing for an answer that is no number on the menu. `None` at end
/// of input, after a newline on stdout, as bash writes it.
async fn ask(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    words: &[String],
    mut show_menu: bool,
) -> Result<Option<String>, error::Error> {
    loop {
        let prompt = shell
            .env_str("PS3")
            .map_or_else(|| DEFAULT_PROMPT.to_owned(), |prompt| prompt.into_owned());
        let mut stderr = params.stderr(shell);
        if show_menu {
            let columns = menu_columns(shell, params);
            write!(stderr, "{}", menu(words, columns))?;
        }
        write!(stderr, "{prompt}")?;
        stderr.flush()?;

        // A `read` that fails (stdin closed, `REPLY` readonly) ends the loop, as in bash, after
        // its error.
        let read = match commands::run_builtin_by_name(shell, params, "read").await {
            Ok(read) => read,
            Err(error) => {
                let _ = shell.display_error(&mut params.stderr(shell), &error);
                ExecutionResult::general_error()
            }
        };
        if !read.is_success() {
            writeln!(params.stdout(shell))?;
            return Ok(None);
        }
        let Some(reply) = shell.env_str("REPLY").map(|reply| reply.into_owned()) else {
            return Ok(None);
        };
        if reply.is_empty() {
            show_menu = true;
            continue;
        }
        let chosen = reply
            .trim_matches([' ', '\t', '\n'])
            .parse::<i64>()
            .ok()
            .and_then(|number| usize::try_from(number).ok()?.checked_sub(1))
            .and_then(|index| words.get(index));
        return Ok(Some(chosen.cloned().unwrap_or_default()));
    }
}

/// The width the menu is laid out in: `COLUMNS`, or else the terminal's that stderr is on, or else
/// 80, as bash's `default_columns` finds it.
fn menu_columns(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> usize {
    shell
        .env_str("COLUMNS")
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|columns| *columns > 0)
        .or_else(|| {
            params
                .try_fd(shell, OpenFiles::STDERR_FD)
                .and_then(|stderr| crate::sys::terminal::columns(&stderr))
        })
        .unwrap_or(80)
}

/// The menu of `words` laid out as bash's `print_select_list` lays it out in `columns`: numbered
/// from 1, down the rows and then across, the columns padded with tabs; one word a line where they
/// would fill a single row.
fn menu(words: &[String], columns: usize) -> String {
    let widths: Vec<usize> = words.iter().map(|word| display_width(word)).collect();
    let number_width = digits(words.len());
    let column_width = widths.iter().max().copied().unwrap_or(0) + number_width + ") ".len() + 2;
    let across = (columns / column_width).max(1);
    let mut rows = words.len().div_ceil(across);
    if rows == 1 {
        rows = words.len();
    }

    let mut out = String::new();
    for row in 0..rows {
        let mut index = row;
        let mut position = 0;
        loop {
            // The first column's numbers are only as wide as the rows need.
            let width = if position == 0 {
                digits(rows)
            } else {
                number_width
            };
            out.push_str(&format!("{:>width$}) {}", index + 1, words[index]));
            let written = widths[index] + width + ") ".len();
            index += rows;
            if index >= words.len() {
                break;
            }
            indent(&mut out, position + written, position + column_width);
            position += column_width;
        }
        out.push('\n');
    }
    out
}

/// Pads from column `from` to column `to` with tabs (every 8 columns) and then spaces.
fn indent(out: &mut String, mut from: usize, to: usize) {
    const TAB: usize = 8;
    while from < to {
        if to / TAB > from / TAB {
            out.push('\t');
            from += TAB - from % TAB;
        } else {
            out.push(' ');
            from += 1;
        }
    }
}

/// Digits of `number` as bash counts them for the menu: at most six.
fn digits(number: usize) -> usize {
    number.to_string().len().min(6)
}

/// The columns `word` takes on a terminal.
fn display_width(word: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(word)
}
