use clap::Parser;
use itertools::Itertools;
use std::{io::Write, sync::LazyLock};

use brush_core::{
    ErrorKind, ExecutionResult, builtins,
    env::{self, EnvironmentLookup, EnvironmentScope},
    error,
    parser::ast,
    variables::{
        self, ArrayLiteral, ShellValue, ShellValueLiteral, ShellValueUnsetType, ShellVariable,
        ShellVariableUpdateTransform,
    },
};

crate::minus_or_plus_flag_arg!(
    MakeIndexedArrayFlag,
    'a',
    "Make the variable an indexed array."
);
crate::minus_or_plus_flag_arg!(
    MakeAssociativeArrayFlag,
    'A',
    "Make the variable an associative array."
);
crate::minus_or_plus_flag_arg!(
    CapitalizeValueOnAssignmentFlag,
    'c',
    "Enable capitalize-on-assignment for the variable."
);
crate::minus_or_plus_flag_arg!(MakeIntegerFlag, 'i', "Mark the variable as integer-typed");
crate::minus_or_plus_flag_arg!(
    LowercaseValueOnAssignmentFlag,
    'l',
    "Enable lowercase-on-assignment for the variable."
);
crate::minus_or_plus_flag_arg!(
    MakeNameRefFlag,
    'n',
    "Mark the variable as a name reference"
);
crate::minus_or_plus_flag_arg!(MakeReadonlyFlag, 'r', "Mark the variable as read-only.");
crate::minus_or_plus_flag_arg!(MakeTracedFlag, 't', "Enable tracing for the variable.");
crate::minus_or_plus_flag_arg!(
    UppercaseValueOnAssignmentFlag,
    'u',
    "Enable uppercase-on-assignment for the variable."
);
crate::minus_or_plus_flag_arg!(MakeExportedFlag, 'x', "Mark the variable for export.");

/// Display or update variables and their attributes.
#[derive(Parser)]
#[clap(override_usage = "declare [OPTIONS] [DECLARATIONS]...")]
pub(crate) struct DeclareCommand {
    /// Constrain to function names or definitions.
    #[arg(short = 'f')]
    function_names_or_defs_only: bool,

    /// Constrain to function names only.
    #[arg(short = 'F')]
    function_names_only: bool,

    /// Create global variable, if applicable.
    #[arg(short = 'g')]
    create_global: bool,

    /// When creating a local variable that shadows another variable of the same name,
    /// then initialize it with the contents and attributes of the variable being shadowed.
    #[arg(short = 'I')]
    locals_inherit_from_prev_scope: bool,

    /// Display each item's attributes and values.
    #[arg(short = 'p')]
    print: bool,

    //
    // Attribute options
    #[clap(flatten)] // -a
    make_indexed_array: MakeIndexedArrayFlag,
    #[clap(flatten)] // -A
    make_associative_array: MakeAssociativeArrayFlag,
    #[clap(flatten)] // -c
    capitalize_value_on_assignment: CapitalizeValueOnAssignmentFlag,
    #[clap(flatten)] // -i
    make_integer: MakeIntegerFlag,
    #[clap(flatten)] // -l
    lowercase_value_on_assignment: LowercaseValueOnAssignmentFlag,
    #[clap(flatten)] // -n
    make_nameref: MakeNameRefFlag,
    #[clap(flatten)] // -r
    make_readonly: MakeReadonlyFlag,
    #[clap(flatten)] // -t
    make_traced: MakeTracedFlag,
    #[clap(flatten)] // -u
    uppercase_value_on_assignment: UppercaseValueOnAssignmentFlag,
    #[clap(flatten)] // -x
    make_exported: MakeExportedFlag,

    //
    // Declarations
    //
    // N.B. These are skipped by clap, but filled in by the BuiltinDeclarationCommand trait.
    #[clap(skip)]
    declarations: Vec<brush_core::CommandArg>,
}

#[derive(Clone, Copy)]
enum DeclareVerb {
    Declare,
    Local,
    Readonly,
}

impl builtins::DeclarationCommand for DeclareCommand {
    fn set_declarations(&mut self, declarations: Vec<brush_core::CommandArg>) {
        self.declarations = declarations;
    }
}

impl builtins::Command for DeclareCommand {
    fn takes_plus_options() -> bool {
        true
    }

    type Error = brush_core::Error;

    async fn execute<SE: brush_core::ShellExtensions>(
        &self,
        mut context: brush_core::ExecutionContext<'_, SE>,
    ) -> Result<brush_core::ExecutionResult, Self::Error> {
        let verb = match context.command_name.as_str() {
            "local" => DeclareVerb::Local,
            "readonly" => DeclareVerb::Readonly,
            _ => DeclareVerb::Declare,
        };

        if matches!(verb, DeclareVerb::Local) && !context.shell.in_function() {
            // ncsh patch: after the shell's name and `local:`, as bash's.
            return Ok(context.failure("can only be used in a function", 1));
        }

        if self.locals_inherit_from_prev_scope {
            return error::unimp("declare -I");
        }

        let mut result = ExecutionResult::success();
        if !self.declarations.is_empty() {
            for declaration in &self.declarations {
                if self.print && !matches!(verb, DeclareVerb::Readonly) {
                    if !self.try_display_declaration(&context, declaration, verb)? {
                        result = ExecutionResult::general_error();
                    }
                } else {
                    if !self.process_declaration(&mut context, declaration, verb)? {
                        result = ExecutionResult::general_error();
                    }
                }
            }
        } else {
            // Display matching declarations from the variable environment.
            if !self.function_names_only && !self.function_names_or_defs_only {
                self.display_matching_env_declarations(&context, verb)?;
            }

            // Do the same for functions (ncsh patch: `readonly -f` lists the readonly ones).
            let functions_asked = self.function_names_only || self.function_names_or_defs_only;
            let listed = match verb {
                DeclareVerb::Declare => !self.print || functions_asked,
                DeclareVerb::Readonly => functions_asked,
                DeclareVerb::Local => false,
            };
            if listed {
                self.display_matching_functions(&context, verb)?;
            }
        }

        Ok(result)
    }
}

impl DeclareCommand {
    fn try_display_declaration(
        &self,
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        declaration: &brush_core::CommandArg,
        verb: DeclareVerb,
    ) -> Result<bool, brush_core::Error> {
        let name = match declaration {
            brush_core::CommandArg::String(s) => s,
            brush_core::CommandArg::Assignment(_) => {
                writeln!(context.stderr(), "declare: {declaration}: not found")?;
                return Ok(false);
            }
        };

        let lookup = if matches!(verb, DeclareVerb::Local) {
            EnvironmentLookup::OnlyInCurrentLocal
        } else {
            EnvironmentLookup::Anywhere
        };

        if self.function_names_only || self.function_names_or_defs_only {
            if let Some(func_registration) = context.shell.funcs().get(name) {
                if self.function_names_only {
                    if self.print {
                        let flags = func_registration.attribute_flags();
                        writeln!(context.stdout(), "declare -{flags} {name}")?;
                    } else {
                        writeln!(context.stdout(), "{name}")?;
                    }
                } else {
                    // A function named is shown with its attributes under `-p` only, as in bash.
                    write_function(context, name, func_registration, self.print)?;
                }
                Ok(true)
            } else {
                // For some reason, bash does not print an error message in this case.
                Ok(false)
            }
        // ncsh patch: `declare -p r` shows the name reference itself, not what it refers to.
        } else if let Some(variable) = context.shell.env().get_noref_using_policy(name, lookup) {
            let mut cs = variable.attribute_flags(context.shell);
            if cs.is_empty() {
                cs.push('-');
            }

            let resolved_value = variable.resolve_value(context.shell);
            let separator_str = if matches!(resolved_value, ShellValue::Unset(_)) {
                ""
            } else {
                "="
            };

            writeln!(
                context.stdout(),
                "declare -{cs} {name}{separator_str}{}",
                resolved_value.format(variables::FormatStyle::DeclarePrint, context.shell)?
            )?;

            Ok(true)
        } else {
            // ncsh patch: in bash's words, after the shell's name (`declare -p` of a reference
            // that `unset -n` removed, among others).
            context.failure(format!("{name}: not found"), 1);
            Ok(false)
        }
    }

    fn process_declaration(
        &self,
        context: &mut brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        declaration: &brush_core::CommandArg,
        verb: DeclareVerb,
    ) -> Result<bool, brush_core::Error> {
        let create_var_local = matches!(verb, DeclareVerb::Local)
            || (matches!(verb, DeclareVerb::Declare)
                && context.shell.in_function()
                && !self.create_global);

        // ncsh patch: `declare -fx f` (or `+x`) exports the function, `-ft` traces it, and
        // `readonly -f f` or `declare -fr f` makes it readonly, as bash's, and shows nothing; it
        // was shown, and none was given the attribute.
        if self.function_names_or_defs_only || self.function_names_only {
            let readonly =
                matches!(verb, DeclareVerb::Readonly) || self.make_readonly.to_bool() == Some(true);
            let (export, traced) = (self.make_exported.to_bool(), self.make_traced.to_bool());
            if !readonly && export.is_none() && traced.is_none() {
                return self.try_display_declaration(context, declaration, verb);
            }
            let brush_core::CommandArg::String(name) = declaration else {
                return Ok(false);
            };
            let Some(function) = context.shell.func_mut(name) else {
                if matches!(verb, DeclareVerb::Readonly) {
                    context.failure(format!("{name}: not a function"), 1);
                }
                return Ok(false);
            };
            if readonly {
                function.set_readonly();
            }
            match export {
                Some(true) => function.export(),
                Some(false) => function.unexport(),
                None => (),
            }
            if let Some(traced) = traced {
                function.set_traced(traced);
            }
            return Ok(true);
        }

        // Extract the variable name and the initial value being assigned (if any).
        let (mut name, mut assigned_index, mut initial_value, mut name_is_array) =
            Self::declaration_to_name_and_value(declaration)?;

        // Special-case: `local -`
        // ncsh patch: the `set` options are put back when the function returns, as in bash
        // (brush did nothing).
        if name == "-" && matches!(verb, DeclareVerb::Local) {
            context.shell.keep_set_options_until_return();
            return Ok(true);
        }

        // Make sure it's a valid name.
        // ncsh patch: in bash's words, after the shell's name and line, the whole argument quoted.
        if !env::valid_variable_name(name.as_str()) {
            context.failure(format!("`{declaration}': not a valid identifier"), 1);
            return Ok(false);
        }

        // Figure out where we should look.
        let mut lookup = if create_var_local {
            EnvironmentLookup::OnlyInCurrentLocal
        } else {
            EnvironmentLookup::Anywhere
        };

        // ncsh patch: bash's name references. Without -n or +n, a declaration of a name reference
        // declares the variable it refers to (`declare -n r=y; declare r=1` sets y), or the
        // element it names (`declare -n r=a[1]`); where the references loop, bash warns and
        // leaves them. With -n, the reference itself is declared, to a target bash allows.
        if self.make_nameref.to_bool().is_none() {
            if !Self::follow_nameref(
                context,
                &mut lookup,
                &mut name,
                &mut assigned_index,
                &mut initial_value,
                &mut name_is_array,
            ) {
                return Ok(true);
            }
        } else if let (Some(true), Some(ShellValueLiteral::Scalar(target))) =
            (self.make_nameref.to_bool(), &initial_value)
            && !Self::nameref_target_allowed(context, &name, target)
        {
            return Ok(false);
        }

        // ncsh patch: a variable with the integer attribute, given here or before, takes the
        // value of the text evaluated as arithmetic (`declare -i x=2+3` is 5).
        let integer = self.make_integer.to_bool().unwrap_or_else(|| {
            context
                .shell
                .env()
                .get_noref_using_policy(name.as_str(), lookup)
                .is_some_and(ShellVariable::is_treated_as_integer)
        });
        // So do an array's elements (`declare -ai a=(1+1 2*3)`; each was 0).
        match (integer, &mut initial_value) {
            (true, Some(ShellValueLiteral::Scalar(text))) => {
                *text = brush_core::arithmetic::integer_value(context.shell, text)?;
            }
            (true, Some(ShellValueLiteral::Array(ArrayLiteral(elements)))) => {
                for (_, value) in elements {
                    *value = brush_core::arithmetic::integer_value(context.shell, value)?;
                }
            }
            _ => {}
        }

        // ncsh patch: an indexed array's subscripts are arithmetic (`declare a[1+2]=7`, `local -a
        // z=([i]=q)`), as in bash; brush took them as numbers, and anything else as 0.
        let associative = self.make_associative_array.to_bool().unwrap_or_else(|| {
            context
                .shell
                .env()
                .get_noref_using_policy(name.as_str(), lookup)
                .is_some_and(|var| var.value().is_associative_array())
        });
        if let (false, Some(ShellValueLiteral::Array(ArrayLiteral(elements)))) =
            (associative, &mut initial_value)
        {
            for key in elements.iter_mut().filter_map(|(key, _)| key.as_mut()) {
                *key = brush_core::arithmetic::evaluate(context.shell, key)
                    .map_err(ErrorKind::from)?
                    .to_string();
            }
        }

        let initial_value_given = initial_value.is_some();
        let export_on_modification = context.shell.options().export_variables_on_modification;
        // Look up the variable (ncsh patch: the name references are followed above).
        if let Some(var) = context
            .shell
            .env_mut()
            .get_mut_noref_using_policy(name.as_str(), lookup)
        {
            if self.make_associative_array.is_some() {
                var.convert_to_associative_array()?;
            }
            if self.make_indexed_array.is_some() {
                var.convert_to_indexed_array()?;
            }

            self.apply_attributes_before_update(var)?;

            if let Some(initial_value) = initial_value {
                // We append if the declaration included an explicit index, or `+=` (ncsh patch:
                // `declare x+=y` replaced the value).
                let appends = matches!(declaration, brush_core::CommandArg::Assignment(assignment) if assignment.append);
                if let Err(error) = var.assign(initial_value, appends || assigned_index.is_some()) {
                    // ncsh patch: in bash's words (brush: `cannot mutate readonly variable`).
                    if matches!(error.kind(), ErrorKind::ReadonlyVariable) {
                        context.failure(format!("{name}: readonly variable"), 1);
                        return Ok(false);
                    }
                    return Err(error);
                }
            }

            // ncsh patch: under `set -a`, a value assigned exports the variable, as for a new
            // one and as bash's (`V=1; set -a; declare V=2` left it unexported).
            if initial_value_given && export_on_modification && !var.value().is_array() {
                var.export();
            }

            self.apply_attributes_after_update(var, verb)?;
        } else {
            let unset_type = if self.make_indexed_array.is_some() {
                ShellValueUnsetType::IndexedArray
            } else if self.make_associative_array.is_some() {
                ShellValueUnsetType::AssociativeArray
            } else if name_is_array {
                ShellValueUnsetType::IndexedArray
            } else {
                ShellValueUnsetType::Untyped
            };

            // ncsh patch: a readonly global variable cannot be shadowed by a local one, as in bash
            // (brush made the local); a calling function's readonly local can.
            let global =
                (context.shell.env()).get_using_policy(&name, EnvironmentLookup::OnlyInGlobal);
            if create_var_local && global.is_some_and(ShellVariable::is_readonly) {
                context.failure(format!("{name}: readonly variable"), 1);
                return Ok(false);
            }

            let mut var = ShellVariable::new(ShellValue::Unset(unset_type));

            self.apply_attributes_before_update(&mut var)?;

            if let Some(initial_value) = initial_value {
                var.assign(initial_value, false)?;
            }

            if context.shell.options().export_variables_on_modification && !var.value().is_array() {
                var.export();
            }

            self.apply_attributes_after_update(&mut var, verb)?;

            let scope = if create_var_local {
                EnvironmentScope::Local
            } else {
                EnvironmentScope::Global
            };

            context.shell.env_mut().add(name, var, scope)?;
        }

        Ok(true)
    }

    /// Follows a name reference being declared without -n or +n to the variable it refers to
    /// (ncsh patch): `name` and `lookup` become the target's, and a target that is an element
    /// (`declare -n r=a[1]`) makes the value that element's. Returns false where the references
    /// loop, after bash's warning; the declaration then does nothing, as in bash.
    fn follow_nameref(
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        lookup: &mut EnvironmentLookup,
        name: &mut String,
        assigned_index: &mut Option<String>,
        initial_value: &mut Option<ShellValueLiteral>,
        name_is_array: &mut bool,
    ) -> bool {
        match context.shell.env().resolve_nameref(name, *lookup) {
            Err(warning) => {
                let _ = context.shell.display_error(&mut context.stderr(), &warning);
                return false;
            }
            Ok(Some((target, target_lookup))) => {
                *lookup = target_lookup;
                if let Some((array, index)) = env::split_subscript(&target) {
                    if let Some(ShellValueLiteral::Scalar(value)) = initial_value.take() {
                        *initial_value = Some(ShellValueLiteral::Array(ArrayLiteral(vec![(
                            Some(index.to_owned()),
                            value,
                        )])));
                        *assigned_index = Some(index.to_owned());
                    }
                    *name_is_array = true;
                    array.clone_into(name);
                } else {
                    *name = target;
                }
            }
            Ok(None) => (),
        }
        true
    }

    /// Whether a name reference `name` may be given `target` (ncsh patch): a name (an element's
    /// too) other than its own. bash refuses `declare -n a=a`, but only warns in a function,
    /// where the reference leads to the global variable of that name.
    fn nameref_target_allowed(
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        name: &str,
        target: &str,
    ) -> bool {
        let target_name = env::split_subscript(target).map_or(target, |(array, _)| array);
        if !target.is_empty() && !env::valid_variable_name(target_name) {
            context.failure(
                format!("`{target}': invalid variable name for name reference"),
                1,
            );
            return false;
        }
        if target_name == name {
            if !context.shell.in_function() {
                context.failure(
                    format!("{name}: nameref variable self references not allowed"),
                    1,
                );
                return false;
            }
            let warning = format!("warning: {name}: circular name reference");
            context.failure(&warning, 0);
            let warning = brush_core::Error::from(ErrorKind::Worded(warning));
            let _ = context.shell.display_error(&mut context.stderr(), &warning);
        }
        true
    }

    fn declaration_to_name_and_value(
        declaration: &brush_core::CommandArg,
    ) -> Result<(String, Option<String>, Option<ShellValueLiteral>, bool), brush_core::Error> {
        let name;
        let assigned_index;
        let initial_value;
        let name_is_array;

        match declaration {
            brush_core::CommandArg::String(s) => {
                // We need to handle the case of someone invoking `declare array[index]`.
                // In such case, we ignore the index and treat it as a declaration of
                // the array.
                #[allow(
                    clippy::unwrap_in_result,
                    clippy::unwrap_used,
                    reason = "regex is valid and should not fail"
                )]
                static ARRAY_AND_INDEX_RE: LazyLock<fancy_regex::Regex> =
                    LazyLock::new(|| fancy_regex::Regex::new(r"^(.*?)\[(.*?)\]$").unwrap());

                if let Some(captures) = ARRAY_AND_INDEX_RE.captures(s)? {
                    name = captures
                        .get(1)
                        .ok_or_else(|| {
                            brush_core::ErrorKind::InternalError("declaration parse error".into())
                        })?
                        .as_str()
                        .to_owned();

                    assigned_index = captures.get(2).map(|m| m.as_str().to_owned());
                    name_is_array = true;
                } else {
                    name = s.clone();
                    assigned_index = None;
                    name_is_array = false;
                }
                initial_value = None;
            }
            brush_core::CommandArg::Assignment(assignment) => {
                match &assignment.name {
                    ast::AssignmentName::VariableName(var_name) => {
                        name = var_name.to_owned();
                        assigned_index = None;
                    }
                    ast::AssignmentName::ArrayElementName(var_name, index) => {
                        if matches!(assignment.value, ast::AssignmentValue::Array(_)) {
                            return Err(ErrorKind::AssigningListToArrayMember.into());
                        }

                        name = var_name.to_owned();
                        assigned_index = Some(index.to_owned());
                    }
                }

                match &assignment.value {
                    ast::AssignmentValue::Scalar(s) => {
                        if let Some(index) = &assigned_index {
                            initial_value = Some(ShellValueLiteral::Array(ArrayLiteral(vec![(
                                Some(index.to_owned()),
                                s.value.clone(),
                            )])));
                            name_is_array = true;
                        } else {
                            initial_value = Some(ShellValueLiteral::Scalar(s.value.clone()));
                            name_is_array = false;
                        }
                    }
                    ast::AssignmentValue::Array(a) => {
                        initial_value = Some(ShellValueLiteral::Array(ArrayLiteral(
                            a.iter()
                                .map(|(i, v)| {
                                    (i.as_ref().map(|w| w.value.clone()), v.value.clone())
                                })
                                .collect(),
                        )));
                        name_is_array = true;
                    }
                }
            }
        }

        Ok((name, assigned_index, initial_value, name_is_array))
    }

    fn display_matching_env_declarations(
        &self,
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        verb: DeclareVerb,
    ) -> Result<(), brush_core::Error> {
        //
        // Dump all declarations. Use attribute flags to filter which variables are dumped.
        //

        // We start by excluding all variables that are not enumerable.
        #[expect(clippy::type_complexity)]
        let mut filters: Vec<Box<dyn Fn((&String, &ShellVariable)) -> bool>> =
            vec![Box::new(|(_, v)| v.is_enumerable())];

        // Add filters depending on verb.
        if matches!(verb, DeclareVerb::Readonly) {
            filters.push(Box::new(|(_, v)| v.is_readonly()));
        }

        // Add filters depending on attribute flags. ncsh patch: a `+` attribute filters nothing,
        // as in bash (`declare +x` lists every variable; it listed those not exported).
        let before_attributes = filters.len();
        let given = |flag: Option<bool>| flag == Some(true);
        if given(self.make_indexed_array.to_bool()) {
            filters.push(Box::new(|(_, v)| {
                matches!(v.value(), ShellValue::IndexedArray(_))
            }));
        }
        if given(self.make_associative_array.to_bool()) {
            filters.push(Box::new(|(_, v)| {
                matches!(v.value(), ShellValue::AssociativeArray(_))
            }));
        }
        if given(self.make_integer.to_bool()) {
            filters.push(Box::new(|(_, v)| v.is_treated_as_integer()));
        }
        if given(self.capitalize_value_on_assignment.to_bool()) {
            filters.push(Box::new(|(_, v)| {
                matches!(
                    v.get_update_transform(),
                    ShellVariableUpdateTransform::Capitalize
                )
            }));
        }
        if given(self.lowercase_value_on_assignment.to_bool()) {
            filters.push(Box::new(|(_, v)| {
                matches!(
                    v.get_update_transform(),
                    ShellVariableUpdateTransform::Lowercase
                )
            }));
        }
        if given(self.make_nameref.to_bool()) {
            filters.push(Box::new(|(_, v)| v.is_treated_as_nameref()));
        }
        if given(self.make_readonly.to_bool()) {
            filters.push(Box::new(|(_, v)| v.is_readonly()));
        }
        // ncsh patch: `-t` filters by the trace attribute (it looked at `-r`).
        if given(self.make_traced.to_bool()) {
            filters.push(Box::new(|(_, v)| v.is_trace_enabled()));
        }
        if given(self.uppercase_value_on_assignment.to_bool()) {
            filters.push(Box::new(|(_, v)| {
                matches!(
                    v.get_update_transform(),
                    ShellVariableUpdateTransform::Uppercase
                )
            }));
        }
        if given(self.make_exported.to_bool()) {
            filters.push(Box::new(|(_, v)| v.is_exported()));
        }

        // ncsh patch: as bash's, a plain `declare`, or one with only `+` attributes, lists
        // `name=value`; with a `-` attribute (`declare -a`, `-x`), or as `local` or `readonly`,
        // it lists `declare` commands that read back (it listed `name=value` but for `-p`).
        let attribute_given = filters.len() > before_attributes;
        let as_declarations =
            self.print || attribute_given || !matches!(verb, DeclareVerb::Declare);

        let iter_policy = if matches!(verb, DeclareVerb::Local) {
            EnvironmentLookup::OnlyInCurrentLocal
        } else {
            EnvironmentLookup::Anywhere
        };

        // Iterate through an ordered list of all matching declarations tracked in the
        // environment.
        for (name, variable) in context
            .shell
            .env()
            .iter_using_policy(iter_policy)
            .filter(|pair| filters.iter().all(|f| f(*pair)))
            .sorted_by_key(|v| v.0)
        {
            if as_declarations {
                let mut cs = variable.attribute_flags(context.shell);
                if cs.is_empty() {
                    cs.push('-');
                }

                let separator_str = if matches!(variable.value(), ShellValue::Unset(_)) {
                    ""
                } else {
                    "="
                };

                writeln!(
                    context.stdout(),
                    "declare -{cs} {name}{separator_str}{}",
                    variable
                        .value()
                        .format(variables::FormatStyle::DeclarePrint, context.shell)?
                )?;
            } else {
                writeln!(
                    context.stdout(),
                    "{name}={}",
                    variable
                        .value()
                        .format(variables::FormatStyle::Basic, context.shell)?
                )?;
            }
        }

        Ok(())
    }

    fn display_matching_functions(
        &self,
        context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
        verb: DeclareVerb,
    ) -> Result<(), brush_core::Error> {
        let readonly_only = matches!(verb, DeclareVerb::Readonly);
        for (name, registration) in context.shell.funcs().iter().sorted_by_key(|v| v.0) {
            if readonly_only && !registration.is_readonly() {
                continue;
            }
            if self.function_names_only {
                let flags = registration.attribute_flags();
                writeln!(context.stdout(), "declare -{flags} {name}")?;
            } else {
                write_function(context, name, registration, true)?;
            }
        }

        Ok(())
    }

    #[expect(clippy::unnecessary_wraps)]
    const fn apply_attributes_before_update(
        &self,
        var: &mut ShellVariable,
    ) -> Result<(), brush_core::Error> {
        if let Some(value) = self.make_integer.to_bool() {
            if value {
                var.treat_as_integer();
            } else {
                var.unset_treat_as_integer();
            }
        }
        if let Some(value) = self.capitalize_value_on_assignment.to_bool() {
            if value {
                var.set_update_transform(ShellVariableUpdateTransform::Capitalize);
            } else if matches!(
                var.get_update_transform(),
                ShellVariableUpdateTransform::Capitalize
            ) {
                var.set_update_transform(ShellVariableUpdateTransform::None);
            }
        }
        if let Some(value) = self.lowercase_value_on_assignment.to_bool() {
            if value {
                var.set_update_transform(ShellVariableUpdateTransform::Lowercase);
            } else if matches!(
                var.get_update_transform(),
                ShellVariableUpdateTransform::Lowercase
            ) {
                var.set_update_transform(ShellVariableUpdateTransform::None);
            }
        }
        if let Some(value) = self.make_nameref.to_bool() {
            if value {
                var.treat_as_nameref();
            } else {
                var.unset_treat_as_nameref();
            }
        }
        if let Some(value) = self.make_traced.to_bool() {
            if value {
                var.enable_trace();
            } else {
                var.disable_trace();
            }
        }
        if let Some(value) = self.uppercase_value_on_assignment.to_bool() {
            if value {
                var.set_update_transform(ShellVariableUpdateTransform::Uppercase);
            } else if matches!(
                var.get_update_transform(),
                ShellVariableUpdateTransform::Uppercase
            ) {
                var.set_update_transform(ShellVariableUpdateTransform::None);
            }
        }
        if let Some(value) = self.make_exported.to_bool() {
            if value {
                var.export();
            } else {
                var.unexport();
            }
        }

        Ok(())
    }

    fn apply_attributes_after_update(
        &self,
        var: &mut ShellVariable,
        verb: DeclareVerb,
    ) -> Result<(), brush_core::Error> {
        if matches!(verb, DeclareVerb::Readonly) {
            var.set_readonly();
        } else if let Some(value) = self.make_readonly.to_bool() {
            if value {
                var.set_readonly();
            } else {
                var.unset_readonly()?;
            }
        }

        Ok(())
    }
}

/// A function's definition, then, `with_attributes`, its attributes where it has more than `-f`,
/// as bash writes them (ncsh patch).
fn write_function(
    context: &brush_core::ExecutionContext<'_, impl brush_core::ShellExtensions>,
    name: &str,
    function: &brush_core::functions::Registration,
    with_attributes: bool,
) -> Result<(), brush_core::Error> {
    writeln!(context.stdout(), "{}", function.definition())?;
    let flags = function.attribute_flags();
    if with_attributes && flags != "f" {
        writeln!(context.stdout(), "declare -{flags} {name}")?;
    }
    Ok(())
}
