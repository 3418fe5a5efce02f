use clap::Parser;

use brush_core::{
    ErrorKind, ExecutionResult, Shell, builtins,
    env::{self, EnvironmentLookup},
    variables::{ArrayLiteral, ShellValue, ShellValueLiteral},
};

/// Unset a variable.
#[derive(Parser)]
pub(crate) struct UnsetCommand {
    #[clap(flatten)]
    name_interpretation: UnsetNameInterpretation,

    /// Names of variables to unset.
    names: Vec<String>,
}

#[derive(Parser)]
#[clap(group = clap::ArgGroup::new("name-interpretation").multiple(false).required(false))]
pub(crate) struct UnsetNameInterpretation {
    /// Treat each name as a shell function.
    #[arg(short = 'f', group = "name-interpretation")]
    shell_functions: bool,

    /// Treat each name as a shell variable.
    #[arg(short = 'v', group = "name-interpretation")]
    shell_variables: bool,

    /// Treat each name as a name reference.
    #[arg(short = 'n', group = "name-interpretation")]
    name_references: bool,
}

impl UnsetNameInterpretation {
    pub const fn unspecified(&self) -> bool {
        !self.shell_functions && !self.shell_variables && !self.name_references
    }
}

impl builtins::Command for UnsetCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        // ncsh patch: `unset -n r` unsets the name reference itself, where `unset r` unsets the
        // variable it refers to (below, through the environment's `unset`); as in bash, it leaves
        // a variable that is not a reference alone.
        if self.name_interpretation.name_references {
            for name in &self.names {
                if context
                    .shell
                    .env()
                    .get_noref(name)
                    .is_some_and(|(_, var)| var.is_treated_as_nameref())
                {
                    context.shell.env_mut().unset_noref(name)?;
                }
            }
            return Ok(ExecutionResult::success());
        }

        let unspecified = self.name_interpretation.unspecified();
        let mut refused = ExecutionResult::success();

        #[expect(clippy::needless_continue)]
        for name in &self.names {
            if unspecified || self.name_interpretation.shell_variables {
                // Try to parse the name as a parameter. If we can't, don't bail; it may not be a
                // valid variable name/parameter but could still be a function name.
                if let Ok(mut parameter) =
                    brush_parser::word::parse_parameter(name, &context.shell.parser_options())
                {
                    // ncsh patch: a name reference to an element (`declare -n r=a[1]`) unsets
                    // the element; a loop of references is warned of, as in bash, and the
                    // environment's `unset` then unsets the name itself.
                    if let brush_parser::word::Parameter::Named(name) = &parameter {
                        match context
                            .shell
                            .env()
                            .resolve_nameref(name, EnvironmentLookup::Anywhere)
                        {
                            Err(warning) => {
                                let _ =
                                    context.shell.display_error(&mut context.stderr(), &warning);
                            }
                            Ok(Some((target, _))) if env::split_subscript(&target).is_some() => {
                                if let Ok(element) = brush_parser::word::parse_parameter(
                                    &target,
                                    &context.shell.parser_options(),
                                ) {
                                    parameter = element;
                                }
                            }
                            Ok(_) => (),
                        }
                    }

                    let (variable, result) = match parameter {
                        brush_parser::word::Parameter::Positional(_) => continue,
                        brush_parser::word::Parameter::Special(_) => continue,
                        brush_parser::word::Parameter::Named(name) => {
                            let unset = context.shell.env_mut().unset(name.as_str());
                            (name, unset.map(|variable| variable.is_some()))
                        }
                        brush_parser::word::Parameter::NamedWithIndex { name, index } => {
                            let unset = unset_array_index(
                                context.shell,
                                &context.params,
                                name.as_str(),
                                index.as_str(),
                            )
                            .await;
                            (name, unset)
                        }
                        brush_parser::word::Parameter::NamedWithAllIndices {
                            name,
                            concatenate,
                        } => {
                            let all = if concatenate { "*" } else { "@" };
                            match unset_all_elements(context.shell, &name, all) {
                                Some(unset) => (name, unset),
                                None => {
                                    refused = context
                                        .failure(format_args!("{name}: not an array variable"), 1);
                                    continue;
                                }
                            }
                        }
                    };
                    // ncsh patch: a readonly variable is refused in bash's words, and the other
                    // names are still unset (brush stopped at it, saying `cannot mutate readonly
                    // variable`).
                    let result = match result {
                        Err(error) if matches!(error.kind(), ErrorKind::ReadonlyVariable) => {
                            refused = context.failure(
                                format_args!("{variable}: cannot unset: readonly variable"),
                                1,
                            );
                            continue;
                        }
                        other => other?,
                    };

                    if result {
                        continue;
                    }
                }
            }

            if unspecified || self.name_interpretation.shell_functions {
                // ncsh patch: a readonly function stays, in bash's words.
                if context
                    .shell
                    .funcs()
                    .get(name)
                    .is_some_and(|f| f.is_readonly())
                {
                    refused =
                        context.failure(format_args!("{name}: cannot unset: readonly function"), 1);
                    continue;
                }
                if context.shell.undefine_func(name) {
                    continue;
                }
            }
        }

        Ok(refused)
    }
}

/// `unset 'a[@]'` (or `a[*]`), as bash's (ncsh patch: brush did nothing): an indexed array is
/// emptied, and an associative array loses the element of that key; `None` for a variable that is
/// no array.
fn unset_all_elements(
    shell: &mut Shell<impl brush_core::ShellExtensions>,
    name: &str,
    all: &str,
) -> Option<Result<bool, brush_core::Error>> {
    let Some((_, variable)) = shell.env_mut().get_mut(name) else {
        return Some(Ok(false));
    };
    match variable.value() {
        ShellValue::AssociativeArray(_) => Some(shell.env_mut().unset_index(name, all)),
        ShellValue::IndexedArray(_) => Some(
            variable
                .assign(ShellValueLiteral::Array(ArrayLiteral(vec![])), false)
                .map(|()| true),
        ),
        _ => None,
    }
}

async fn unset_array_index(
    shell: &mut Shell<impl brush_core::ShellExtensions>,
    params: &brush_core::ExecutionParameters,
    name: &str,
    index: &str,
) -> Result<bool, brush_core::Error> {
    // ncsh patch: as in bash, an empty subscript unsets nothing, nor does any subscript of a
    // variable that is not there, which is not evaluated; an empty one was element 0.
    if shell.env().get(name).is_none() || index.is_empty() {
        return Ok(false);
    }

    // ncsh patch: the subscript is expanded, as bash's (`unset 'h[$k]'`, the quoting shellcheck
    // asks for): a key was taken as written, and an index's `$i` refused.
    let index = brush_core::expansion::expand_subscript(shell, params, name, index).await?;
    shell.env_mut().unset_index(name, &index)
}
