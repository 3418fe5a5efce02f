//! Exact answers for arithmetic commands: the reference a predicted screen is checked against. It
//! finds the arithmetic in a command line (`echo $((…))`, `expr`, `calc`, or a bare expression),
//! computes it with `calc` in the sandbox, renders the screen the command leaves through
//! kernel-bridge's screen model, and lists the cells where a predicted screen differs.

use std::sync::OnceLock;

use kernel_bridge::{Frame, ScreenModel};
use policy::Grant;
use policy::manifest::{Kind, Limits, Permissions};

use crate::{ExecError, Executor, InMemory, Program};

/// How the command line asks for the arithmetic, which decides its rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `echo $((…))`: bash's integer arithmetic.
    Bash,
    /// `expr A OP B`: integers, as bash's.
    Expr,
    /// `calc …`, exact unless `--int`.
    Calc {
        /// Whether `--int` (or `-i`) was given.
        int: bool,
    },
    /// A line that is only an expression: ncsh runs `calc` on it.
    Bare,
}

/// An arithmetic command and the expression in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arithmetic {
    /// How it was asked.
    pub form: Form,
    /// The expression, as calc reads it.
    pub expression: String,
}

impl Arithmetic {
    /// Whether the answer is an integer computed as bash would.
    fn integer(&self) -> bool {
        matches!(
            self.form,
            Form::Bash | Form::Expr | Form::Calc { int: true }
        )
    }
}

fn is_expression(text: &str) -> bool {
    !text.is_empty()
        && text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " \t+-*/%^().×−÷".contains(c))
}

/// The arithmetic in `line`, if it is one of the forms [`Form`] names.
pub fn parse(line: &str) -> Option<Arithmetic> {
    let line = line.trim();
    let found = |form, expression: &str| {
        let expression = expression.trim();
        is_expression(expression).then(|| Arithmetic {
            form,
            expression: expression.to_owned(),
        })
    };
    if let Some(rest) = line.strip_prefix("echo ") {
        let rest = rest.trim().trim_matches('"');
        let inner = rest.strip_prefix("$((")?.strip_suffix("))")?;
        return found(Form::Bash, inner);
    }
    if let Some(rest) = line.strip_prefix("expr ") {
        let words: Vec<String> = rest
            .split_whitespace()
            .map(|w| w.trim_matches('\'').trim_matches('"').replace("\\*", "*"))
            .collect();
        // expr's operators are words of their own; `expr 1+2` prints `1+2`.
        if words.len() < 3
            || words.len().is_multiple_of(2)
            || words.iter().skip(1).step_by(2).any(|op| op.len() != 1)
        {
            return None;
        }
        return found(Form::Expr, &words.join(" "));
    }
    if let Some(rest) = line.strip_prefix("calc ") {
        let mut int = false;
        let words: Vec<&str> = rest
            .split_whitespace()
            .filter(|w| {
                let flag = *w == "-i" || *w == "--int";
                int |= flag;
                !flag
            })
            .collect();
        let expression = words.join(" ").replace(['\'', '"'], "");
        return found(Form::Calc { int }, &expression);
    }
    found(Form::Bare, line)
}

/// What the command prints: calc's answer, run in the sandbox, followed by a newline; `None` when
/// calc refuses the expression (a division by zero, say), whose message no shell words as calc does.
///
/// # Errors
/// When the sandbox cannot run calc.
pub fn exact_output(arithmetic: &Arithmetic) -> Result<Option<String>, ExecError> {
    // Compiled once per process: a neural computer asks for an answer at every arithmetic step.
    static CALC: OnceLock<Program> = OnceLock::new();
    let executor = Executor::get()?;
    let program = match CALC.get() {
        Some(program) => program,
        None => {
            let compiled = executor.compile(crate::guests::CALC, Kind::Module)?;
            CALC.get_or_init(|| compiled)
        }
    };
    let mut args = Vec::new();
    if arithmetic.integer() {
        args.push("--int".to_owned());
    }
    args.push(arithmetic.expression.clone());
    let call = InMemory {
        name: "calc",
        args: &args,
        stdin: &[],
        env: &[],
    };
    let grant = Grant::from(Permissions::default());
    let ran = executor.run_in_memory(program, call, None, &grant, &Limits::default())?;
    Ok((ran.outcome.status == 0).then(|| String::from_utf8_lossy(&ran.stdout).into_owned()))
}

/// The screen after `line` was typed at the prompt of `before` and printed `output`, with `prompt`
/// shown again: rendered by the same screen model the host uses (text only: styles are not kept).
pub fn exact_frame(before: &Frame, line: &str, output: &str, prompt: &str) -> Frame {
    let mut screen = ScreenModel::showing(before);
    let bytes = format!("{line}\r\n{}{prompt}", output.replace('\n', "\r\n"));
    screen.process(bytes.as_bytes(), 0.0);
    screen.frame()
}

/// The cells (row, column) where `predicted` shows other text than `exact`, and whether the cursors
/// differ.
pub fn differing_cells(predicted: &Frame, exact: &Frame) -> (Vec<(u16, u16)>, bool) {
    let mut cells = Vec::new();
    let rows = predicted.lines.len().max(exact.lines.len());
    for row in 0..rows {
        let a: Vec<char> = predicted
            .lines
            .get(row)
            .map_or(Vec::new(), |l| l.chars().collect());
        let b: Vec<char> = exact
            .lines
            .get(row)
            .map_or(Vec::new(), |l| l.chars().collect());
        for col in 0..a.len().max(b.len()) {
            if a.get(col).unwrap_or(&' ') != b.get(col).unwrap_or(&' ') {
                cells.push((row as u16, col as u16));
            }
        }
    }
    (cells, predicted.cursor != exact.cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_arithmetic_is_found() {
        let find = |line: &str| parse(line).map(|a| (a.form, a.expression));
        assert_eq!(find("echo $((7*6))"), Some((Form::Bash, "7*6".into())));
        assert_eq!(
            find("echo \"$(( 1 + 2 ))\""),
            Some((Form::Bash, "1 + 2".into()))
        );
        assert_eq!(find("expr 7 \\* 6"), Some((Form::Expr, "7 * 6".into())));
        assert_eq!(find("expr 10 / 3"), Some((Form::Expr, "10 / 3".into())));
        assert_eq!(
            find("calc '2^10'"),
            Some((Form::Calc { int: false }, "2^10".into()))
        );
        assert_eq!(
            find("calc -i 7/2"),
            Some((Form::Calc { int: true }, "7/2".into()))
        );
        assert_eq!(find("10+15"), Some((Form::Bare, "10+15".into())));
        for other in ["echo hi", "expr 1+2", "ls", "calc", "echo $((x+1))", ""] {
            assert_eq!(find(other), None, "{other:?}");
        }
    }

    #[test]
    fn the_exact_screen_is_rendered_and_a_wrong_prediction_is_located() {
        let mut before = Frame::blank(5, 20);
        before.lines[0] = "$".into();
        before.cursor = (0, 2);
        let exact = exact_frame(&before, "10+15", "25\n", "$ ");
        assert_eq!(exact.lines[..3], ["$ 10+15", "25", "$"]);
        assert_eq!(exact.cursor, (2, 2));
        let mut predicted = exact.clone();
        predicted.lines[1] = "26".into();
        assert_eq!(differing_cells(&predicted, &exact), (vec![(1, 1)], false));
        assert_eq!(differing_cells(&exact, &exact), (vec![], false));
    }
}
