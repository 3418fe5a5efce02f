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

/// Whether `text` has a `*` outside quotes and not escaped, which the shell would expand to the
/// names of files.
fn unquoted_star(text: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    for c in text.chars() {
        if std::mem::take(&mut escaped) {
            continue;
        }
        match (quote, c) {
            (None, '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, '*') => return true,
            _ => {}
        }
    }
    false
}

/// Whether the shell would read `expression` (bash's `$(( ))`) otherwise than calc: `^` is
/// exclusive or there, `**` a power, and a number with a leading zero octal.
fn bash_differs(expression: &str) -> bool {
    let leading_zero = expression
        .split(|c: char| !c.is_ascii_digit())
        .any(|number| number.len() > 1 && number.starts_with('0'));
    expression.contains('^') || expression.contains("**") || leading_zero
}

/// The arithmetic in `line`, if it is one of the forms [`Form`] names and calc computes it as the
/// shell would. What the shell would read otherwise is not arithmetic here: an open quote, bash's
/// own operators, expr's parentheses (the shell's syntax) and `^` (no operator of expr's), and a
/// `*` that the shell would turn into file names.
pub fn parse(line: &str) -> Option<Arithmetic> {
    let line = line.trim();
    if line.matches('"').count() % 2 == 1 || line.matches('\'').count() % 2 == 1 {
        return None;
    }
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
        if bash_differs(inner) {
            return None;
        }
        return found(Form::Bash, inner);
    }
    if let Some(rest) = line.strip_prefix("expr ") {
        if unquoted_star(rest) || rest.contains(['(', ')', '^']) {
            return None;
        }
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
        if unquoted_star(rest) {
            return None;
        }
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
/// calc refuses the expression (a division by zero, say), whose message no shell words as calc does,
/// or when an integer answer is past 64 bits, where the shell's would have wrapped.
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
    let answer = String::from_utf8_lossy(&ran.stdout).into_owned();
    // The shell's integers are 64 bits and wrap; calc's are as large as they need to be.
    let fits = !arithmetic.integer() || answer.trim().parse::<i64>().is_ok();
    Ok((ran.outcome.status == 0 && fits).then_some(answer))
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
        // What the shell reads otherwise than calc is not taken for calc's.
        for differs in [
            "echo $((2^3))",
            "echo $((2**3))",
            "echo $((010))",
            "echo $((08))",
            "expr 2 ^ 3",
            "expr ( 1 + 2 )",
            "expr 7 * 6",
            "calc 7 * 6",
            "echo \"$((1+2))",
        ] {
            assert_eq!(find(differs), None, "{differs:?}");
        }
        assert_eq!(find("echo $((10+20))"), Some((Form::Bash, "10+20".into())));
        assert_eq!(
            find("calc '7 * 6'"),
            Some((Form::Calc { int: false }, "7 * 6".into()))
        );
    }

    #[test]
    fn an_integer_past_64_bits_has_no_exact_answer() {
        let sum = |line: &str| exact_output(&parse(line).unwrap()).unwrap();
        assert_eq!(
            sum("echo $((9223372036854775806+1))").as_deref(),
            Some("9223372036854775807\n")
        );
        assert_eq!(sum("echo $((9223372036854775807+1))"), None);
        assert_eq!(
            sum("calc 9223372036854775807+1").as_deref(),
            Some("9223372036854775808\n")
        );
        assert_eq!(sum("echo $((1/0))"), None);
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
