use clap::Parser;
use itertools::Itertools;
use std::io::Write;

use brush_core::{
    ExecutionExitCode, ExecutionResult, builtins,
    env::{EnvironmentLookup, EnvironmentScope},
    parser::ast,
    variables,
};

/// Add or update exported shell variables.
#[derive(Parser)]
pub(crate) struct ExportCommand {
    /// Names are treated as function names.
    #[arg(short = 'f')]
    names_are_functions: bool,

    /// Un-export the names.
    #[arg(short = 'n')]
    unexport: bool,

    /// Display all exported names.
    #[arg(short = 'p')]
    display_exported_names: bool,

    //
    // Declarations
    //
    // N.B. These are skipped by clap, but filled in by the BuiltinDeclarationCommand trait.
    #[clap(skip)]
    declarations: Vec<brush_core::CommandArg>,
}

impl builtins::DeclarationCommand for ExportCommand {
    fn set_declarations(&mut self, declarations: Vec<brush_core::CommandArg>) {
        self.declarations = declarations;
    }
}

impl builtins::Command for ExportCommand {
    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        mut context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        if self.declarations.is_empty() {
            display_all_exported_vars(&context)?;
            return Ok(ExecutionResult::success());
        }

        let mut result = ExecutionResult::success();
        for decl in &self.declarations {
            let current_result = self.process_decl(&mut context, decl)?;
            if !current_result.is_success() {
                result = current_result;
            }
        }

        Ok(result)
    }
}

impl ExportCommand {
    fn process_decl(
        &self,
        context: &mut brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        decl: &brush_core::CommandArg,
    ) -> Result<ExecutionResult, brush_core::Error> {
        match decl {
            brush_core::CommandArg::String(s) => {
                // See if this is supposed to be a function name.
                if self.names_are_functions {
                    // Try to find the function already present; if we find it, then mark it
                    // exported.
                    if let Some(func) = context.shell.func_mut(s) {
                        if self.unexport {
                            func.unexport();
                        } else {
                            func.export();
                        }
                    } else {
                        // ncsh patch: in bash's words and status.
                        return Ok(context.failure(format!("{s}: not a function"), 1));
                    }
                }
                // ncsh patch: bash refuses a word that cannot be a variable's name (brush let
                // `export 1abc=5` succeed).
                else if !brush_core::env::valid_variable_name(s) {
                    return Ok(context.failure(format!("`{s}': not a valid identifier"), 1));
                }
                // Try to find the variable already present; if we find it, then mark it
                // exported.
                else if let Some((scope, variable)) = context.shell.env_mut().get_mut(s) {
                    if self.unexport {
                        variable.unexport();
                    } else {
                        variable.export();
                    }
                    // ncsh patch: a variable assigned before the command (`FOO=bar export FOO`)
                    // stays after it, exported, as in bash; it went with the command.
                    if scope == EnvironmentScope::Command {
                        let kept = variable.clone();
                        let env = context.shell.env_mut();
                        // In the local variable of that name, where there is one.
                        if let Some(local) =
                            env.get_mut_using_policy(s, EnvironmentLookup::OnlyInLocal)
                        {
                            *local = kept;
                        } else {
                            env.add(s, kept, EnvironmentScope::Global)?;
                        }
                    }
                }
                // ncsh patch: a name not set yet is declared exported, so that a later
                // assignment is exported, as in bash (`export FOO; FOO=bar`; brush did nothing).
                else if !self.unexport {
                    let mut variable = brush_core::variables::ShellVariable::new(
                        variables::ShellValue::Unset(variables::ShellValueUnsetType::Untyped),
                    );
                    variable.export();
                    context
                        .shell
                        .env_mut()
                        .add(s, variable, EnvironmentScope::Global)?;
                }
            }
            brush_core::CommandArg::Assignment(assignment) => {
                let name = match &assignment.name {
                    ast::AssignmentName::VariableName(name) => name,
                    ast::AssignmentName::ArrayElementName(_, _) => {
                        writeln!(context.stderr(), "not a valid variable name")?;
                        return Ok(ExecutionExitCode::InvalidUsage.into());
                    }
                };

                let value = match &assignment.value {
                    ast::AssignmentValue::Scalar(s) => {
                        variables::ShellValueLiteral::Scalar(s.flatten())
                    }
                    ast::AssignmentValue::Array(a) => {
                        variables::ShellValueLiteral::Array(variables::ArrayLiteral(
                            a.iter()
                                .map(|(k, v)| (k.as_ref().map(|k| k.flatten()), v.flatten()))
                                .collect(),
                        ))
                    }
                };

                // Update the variable with the provided value and then mark it exported.
                // ncsh patch: a variable with the integer attribute evaluates the value.
                let value = brush_core::arithmetic::as_declared(context.shell, name, value)?;
                // ncsh patch: `export P+=:/x` appends, as in bash (it replaced the value, which
                // emptied `PATH` in many a dotfile).
                if assignment.append
                    && let Some((_, var)) = context.shell.env_mut().get_mut(name)
                {
                    var.assign(value, true)
                        .map_err(|error| error.naming_readonly(name))?;
                    if self.unexport {
                        var.unexport();
                    } else {
                        var.export();
                    }
                    return Ok(ExecutionResult::success());
                }
                context.shell.env_mut().update_or_add(
                    name,
                    value,
                    |var| {
                        if self.unexport {
                            var.unexport();
                        } else {
                            var.export();
                        }
                        Ok(())
                    },
                    EnvironmentLookup::Anywhere,
                    EnvironmentScope::Global,
                )?;
            }
        }

        Ok(ExecutionResult::success())
    }
}

fn display_all_exported_vars(
    context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
) -> Result<(), brush_core::Error> {
    // Enumerate variables, sorted by key.
    for (name, variable) in context.shell.env().iter().sorted_by_key(|v| v.0) {
        if variable.is_exported() {
            let value = variable.value().try_get_cow_str(context.shell);
            if let Some(value) = value {
                writeln!(context.stdout(), "declare -x {name}=\"{value}\"")?;
            } else {
                writeln!(context.stdout(), "declare -x {name}")?;
            }
        }
    }

    Ok(())
}
