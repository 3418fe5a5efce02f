//! Arithmetic evaluation

mod evaluator;
mod reader;

use crate::{ExecutionParameters, ExecutionResult, Shell, error, expansion, extensions, variables};
use brush_parser::ast;

/// Represents an error that occurs during evaluation of an arithmetic expression.
#[derive(Clone, Debug, thiserror::Error)]
pub enum EvalError {
    /// An error in an expression, in bash's words (ncsh patch): the expression, what is wrong
    /// with it, and the rest of the expression from the token where that was found.
    #[error("{within}{expression}: {message} (error token is \"{token}\")")]
    InExpression {
        /// The command that evaluated the expression, with a colon (`((: `), or nothing.
        within: &'static str,
        /// The expression, without the blanks it starts with.
        expression: String,
        /// What is wrong.
        message: &'static str,
        /// The expression from the token where it was found.
        token: String,
    },

    /// Error expanding an unset variable, worded as bash words it (ncsh patch).
    #[error("{0}: unbound variable")]
    ExpandingUnsetVariable(String),

    /// An assignment to a readonly variable (ncsh patch).
    #[error("{0}: readonly variable")]
    ReadonlyVariable(String),

    /// An assignment the shell's variables refused (ncsh patch).
    #[error("{0}")]
    NotAssigned(String),
}

/// ncsh patch: a command whose own arithmetic could not be evaluated (`((1/0))`, `[[ 1/0 -eq 1 ]]`,
/// a `for ((…))` header) shows the error after the command's name, as bash's does, and fails with
/// status 1, and the shell goes on; it ended a script. An error in a `$((…))` within its words
/// still abandons the command, and an unset variable under `set -u` still ends the shell, as in
/// bash.
pub(crate) fn failed_command(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    error: error::Error,
    command: &'static str,
) -> Result<ExecutionResult, error::Error> {
    match error.kind() {
        error::ErrorKind::EvalError(eval)
            if !error.abandons_command()
                && !matches!(eval, EvalError::ExpandingUnsetVariable(_)) =>
        {
            let named = match eval.clone() {
                EvalError::InExpression {
                    expression,
                    message,
                    token,
                    ..
                } => EvalError::InExpression {
                    within: command,
                    expression,
                    message,
                    token,
                },
                other => other,
            };
            let _ = shell.display_error(&mut params.stderr(shell), &named.into());
            shell.set_last_exit_status(1);
            Ok(ExecutionResult::general_error())
        }
        _ => Err(error),
    }
}

/// Trait implemented by arithmetic expressions that can be evaluated.
pub(crate) trait ExpandAndEvaluate {
    /// Evaluate the given expression, returning the resulting numeric value.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell to use for evaluation.
    /// * `trace_if_needed` - Whether to trace the evaluation.
    async fn eval(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
        trace_if_needed: bool,
    ) -> Result<i64, error::Error>;
}

impl ExpandAndEvaluate for ast::UnexpandedArithmeticExpr {
    async fn eval(
        &self,
        shell: &mut Shell<impl extensions::ShellExtensions>,
        params: &ExecutionParameters,
        trace_if_needed: bool,
    ) -> Result<i64, error::Error> {
        expand_and_eval(shell, params, self.value.as_str(), trace_if_needed).await
    }
}

/// Evaluate the given arithmetic expression, returning the resulting numeric value.
///
/// # Arguments
///
/// * `shell` - The shell to use for evaluation.
/// * `expr` - The unexpanded arithmetic expression to evaluate.
/// * `trace_if_needed` - Whether to trace the evaluation.
pub(crate) async fn expand_and_eval(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    expr: &str,
    trace_if_needed: bool,
) -> Result<i64, error::Error> {
    let expanded_self = expand(shell, params, expr).await?;

    // Trace if applicable: the text as expanded, as bash traces it (ncsh patch: brush wrote the
    // parsed expression back out, `a+1` as `a + 1`).
    if trace_if_needed && shell.options().print_commands_and_arguments {
        shell
            .trace_command(params, std::format!("(( {expanded_self} ))"))
            .await;
    }

    Ok(evaluate(shell, &expanded_self)?)
}

/// The text of an expression expanded, as an arithmetic expression's is before it is evaluated:
/// parameters, substitutions and quotes, without tildes. An error expanding it is that error
/// (ncsh patch: brush called it a failure to expand the expression).
pub(crate) async fn expand(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    expr: &str,
) -> Result<String, error::Error> {
    let options = expansion::ExpanderOptions {
        tilde_expand: false,
        ..Default::default()
    };
    expansion::basic_expand_word_with_options(shell, params, expr, &options).await
}

/// Evaluates `text`, already expanded, as bash evaluates arithmetic (ncsh patch: brush parsed it
/// with brush-parser's grammar, then evaluated the tree, and its errors were its own).
///
/// # Errors
/// When `text` is not an expression, or evaluating it fails, in bash's words.
pub fn evaluate(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    text: &str,
) -> Result<i64, EvalError> {
    evaluator::evaluate(shell, text)
}

/// The value a variable with the integer attribute (`declare -i`) takes when `text` is assigned to
/// it: `text`, already expanded, evaluated as arithmetic, as bash evaluates it (ncsh patch; brush
/// took only a plain number, and anything else as 0).
///
/// # Errors
/// When `text` is not an arithmetic expression, or its evaluation fails: an error that abandons
/// the command, as bash's does, but for an unset variable under `set -u`.
pub fn integer_value(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    text: &str,
) -> Result<String, error::Error> {
    match evaluate(shell, text) {
        Ok(value) => Ok(value.to_string()),
        Err(error @ EvalError::ExpandingUnsetVariable(_)) => Err(error.into()),
        Err(error) => Err(error::Error::from(error).into_abandoning_command()),
    }
}

/// The value an assignment gives variable `name`: `value` as it is, or, where the variable has the
/// integer attribute, each scalar or element evaluated as arithmetic ([`integer_value`]). The
/// ways of assigning go through it: `x=`, `x=( … )`, `for x in`, `read`, `mapfile`, `printf -v`,
/// `export`, `${x:=…}` (ncsh patch).
///
/// # Errors
/// When a value is not an arithmetic expression, or its evaluation fails.
pub fn as_declared(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    value: variables::ShellValueLiteral,
) -> Result<variables::ShellValueLiteral, error::Error> {
    Ok(match value {
        variables::ShellValueLiteral::Scalar(text) => {
            variables::ShellValueLiteral::Scalar(scalar_as_declared(shell, name, text)?)
        }
        variables::ShellValueLiteral::Array(elements) => {
            variables::ShellValueLiteral::Array(array_as_declared(shell, name, elements)?)
        }
    })
}

/// [`as_declared`] for the elements of an array (ncsh patch).
///
/// # Errors
/// When a value is not an arithmetic expression, or its evaluation fails.
pub fn array_as_declared(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    elements: variables::ArrayLiteral,
) -> Result<variables::ArrayLiteral, error::Error> {
    if !declared_integer(shell, name) {
        return Ok(elements);
    }
    let evaluated = elements
        .0
        .into_iter()
        .map(|(key, text)| Ok((key, integer_value(shell, &text)?)))
        .collect::<Result<_, error::Error>>()?;
    Ok(variables::ArrayLiteral(evaluated))
}

/// [`as_declared`] for a scalar value (ncsh patch).
///
/// # Errors
/// When the value is not an arithmetic expression, or its evaluation fails.
pub fn scalar_as_declared(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    text: String,
) -> Result<String, error::Error> {
    if declared_integer(shell, name) {
        integer_value(shell, &text)
    } else {
        Ok(text)
    }
}

/// Whether variable `name` (or the one it refers to) has the integer attribute (ncsh patch).
fn declared_integer(shell: &Shell<impl extensions::ShellExtensions>, name: &str) -> bool {
    shell
        .env()
        .get(name)
        .is_some_and(|(_, variable)| variable.is_treated_as_integer())
}
