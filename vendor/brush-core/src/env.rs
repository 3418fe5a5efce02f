//! Implements a shell variable environment.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map;

use crate::Shell;
use crate::error;
use crate::extensions;
use crate::variables::{self, ShellValue, ShellValueUnsetType, ShellVariable};

/// Represents the policy for looking up variables in a shell environment.
#[derive(Clone, Copy)]
pub enum EnvironmentLookup {
    /// Look anywhere.
    Anywhere,
    /// Look only in the global scope.
    OnlyInGlobal,
    /// Look only in the current local scope.    
    OnlyInCurrentLocal,
    /// Look only in local scopes.
    OnlyInLocal,
}

/// Represents a shell environment scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EnvironmentScope {
    /// Scope local to a function instance
    Local,
    /// Globals
    Global,
    /// Transient overrides for a command invocation
    Command,
}

impl std::fmt::Display for EnvironmentScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local => write!(f, "local"),
            Self::Global => write!(f, "global"),
            Self::Command => write!(f, "command"),
        }
    }
}

/// A guard that pushes a scope onto a shell environment and pops it when dropped.
pub(crate) struct ScopeGuard<'a, SE: extensions::ShellExtensions> {
    scope_type: EnvironmentScope,
    shell: &'a mut crate::Shell<SE>,
    detached: bool,
}

impl<'a, SE: extensions::ShellExtensions> ScopeGuard<'a, SE> {
    /// Creates a new scope guard, pushing the given scope type onto the environment.
    ///
    /// # Arguments
    ///
    /// * `shell` - The shell whose environment to modify.
    /// * `scope_type` - The type of scope to push.
    pub fn new(shell: &'a mut crate::Shell<SE>, scope_type: EnvironmentScope) -> Self {
        shell.env_mut().push_scope(scope_type);
        Self {
            scope_type,
            shell,
            detached: false,
        }
    }

    /// Returns a mutable reference to the shell.
    pub const fn shell(&mut self) -> &mut crate::Shell<SE> {
        self.shell
    }

    /// Detaches the guard, preventing it from popping the scope on drop.
    pub const fn detach(&mut self) {
        self.detached = true;
    }
}

impl<SE: extensions::ShellExtensions> Drop for ScopeGuard<'_, SE> {
    fn drop(&mut self) {
        if !self.detached {
            let _ = self.shell.env_mut().pop_scope(self.scope_type);
        }
    }
}

/// Represents the shell variable environment, composed of a stack of scopes.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShellEnvironment {
    /// Stack of scopes, with the top of the stack being the current scope.
    scopes: Vec<(EnvironmentScope, ShellVariableMap)>,
    /// Whether or not to auto-export variables on creation or modification.
    export_variables_on_modification: bool,
    /// Count of total entries (may include duplicates with shadowed variables).
    entry_count: usize,
}

impl Default for ShellEnvironment {
    fn default() -> Self {
        Self::new()
    }
}

impl ShellEnvironment {
    /// Returns a new shell environment.
    pub fn new() -> Self {
        Self {
            scopes: vec![(EnvironmentScope::Global, ShellVariableMap::default())],
            export_variables_on_modification: false,
            entry_count: 0,
        }
    }

    /// Pushes a new scope of the given type onto the environment's scope stack.
    ///
    /// # Arguments
    ///
    /// * `scope_type` - The type of scope to push.
    pub fn push_scope(&mut self, scope_type: EnvironmentScope) {
        self.scopes.push((scope_type, ShellVariableMap::default()));
    }

    /// Pops the top-most scope off the environment's scope stack.
    ///
    /// # Arguments
    ///
    /// * `expected_scope_type` - The type of scope that is expected to be atop the stack.
    pub fn pop_scope(&mut self, expected_scope_type: EnvironmentScope) -> Result<(), error::Error> {
        // TODO(env): Should we panic instead on failure? It's effectively a broken invariant.
        match self.scopes.pop() {
            Some((actual_scope_type, _)) if actual_scope_type == expected_scope_type => Ok(()),
            Some((actual_scope_type, _)) => Err(error::ErrorKind::UnexpectedScopeType {
                expected: expected_scope_type,
                actual: actual_scope_type,
            }
            .into()),
            None => Err(error::ErrorKind::MissingScope.into()),
        }
    }

    //
    // Iterators/Getters
    //

    /// Returns an iterator over all exported variables defined in the variable.
    pub fn iter_exported(&self) -> impl Iterator<Item = (&String, &ShellVariable)> {
        // We won't actually need to store all entries, but we expect it should be
        // within the same order.
        let mut visible_vars: HashMap<&String, &ShellVariable> =
            HashMap::with_capacity(self.entry_count);

        for (_, var_map) in self.scopes.iter().rev() {
            for (name, var) in var_map.iter().filter(|(_, v)| v.is_exported()) {
                // Only insert the variable if it hasn't been seen yet.
                if let hash_map::Entry::Vacant(entry) = visible_vars.entry(name) {
                    entry.insert(var);
                }
            }
        }

        visible_vars.into_iter()
    }

    /// Returns an iterator over all the variables defined in the environment.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ShellVariable)> {
        self.iter_using_policy(EnvironmentLookup::Anywhere)
    }

    /// Returns an iterator over all the variables defined in the environment,
    /// using the given lookup policy.
    ///
    /// # Arguments
    ///
    /// * `lookup_policy` - The policy to use when looking up variables.
    pub fn iter_using_policy(
        &self,
        lookup_policy: EnvironmentLookup,
    ) -> impl Iterator<Item = (&String, &ShellVariable)> {
        // We won't actually need to store all entries, but we expect it should be
        // within the same order.
        let mut visible_vars: HashMap<&String, &ShellVariable> =
            HashMap::with_capacity(self.entry_count);

        let mut local_count = 0;
        for (scope_type, var_map) in self.scopes.iter().rev() {
            if matches!(scope_type, EnvironmentScope::Local) {
                local_count += 1;
            }

            match lookup_policy {
                EnvironmentLookup::Anywhere => (),
                EnvironmentLookup::OnlyInGlobal => {
                    if !matches!(scope_type, EnvironmentScope::Global) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInCurrentLocal => {
                    if !(matches!(scope_type, EnvironmentScope::Local) && local_count == 1) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInLocal => {
                    if !matches!(scope_type, EnvironmentScope::Local) {
                        continue;
                    }
                }
            }

            for (name, var) in var_map.iter() {
                // Only insert the variable if it hasn't been seen yet.
                if let hash_map::Entry::Vacant(entry) = visible_vars.entry(name) {
                    entry.insert(var);
                }
            }

            if matches!(scope_type, EnvironmentScope::Local)
                && matches!(lookup_policy, EnvironmentLookup::OnlyInCurrentLocal)
            {
                break;
            }
        }

        visible_vars.into_iter()
    }

    /// Tries to retrieve an immutable reference to the variable with the given name
    /// in the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    pub fn get<S: AsRef<str>>(&self, name: S) -> Option<(EnvironmentScope, &ShellVariable)> {
        // ncsh patch: a name reference stands for the variable it refers to (bash's `declare
        // -n`); `get_noref` finds the reference itself.
        let (name, lookup_policy) = self
            .follow_nameref(name.as_ref(), EnvironmentLookup::Anywhere)
            .ok()?;
        self.find(&name, lookup_policy)
    }

    /// Tries to retrieve an immutable reference to the variable with the given name in the
    /// environment, a name reference itself rather than the variable it refers to (ncsh patch).
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    pub fn get_noref<S: AsRef<str>>(&self, name: S) -> Option<(EnvironmentScope, &ShellVariable)> {
        // Look through scopes, from the top of the stack on down.
        for (scope_type, map) in self.scopes.iter().rev() {
            if let Some(var) = map.get(name.as_ref()) {
                return Some((*scope_type, var));
            }
        }

        None
    }

    /// Tries to retrieve a mutable reference to the variable with the given name
    /// in the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    pub fn get_mut<S: AsRef<str>>(
        &mut self,
        name: S,
    ) -> Option<(EnvironmentScope, &mut ShellVariable)> {
        // ncsh patch: a name reference stands for the variable it refers to.
        let (name, lookup_policy) = self
            .follow_nameref(name.as_ref(), EnvironmentLookup::Anywhere)
            .ok()?;
        self.find_mut(&name, lookup_policy)
    }

    /// Tries to retrieve the string value of the variable with the given name in the
    /// environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    /// * `shell` - The shell owning the environment.
    pub fn get_str<S: AsRef<str>, SE: extensions::ShellExtensions>(
        &self,
        name: S,
        shell: &Shell<SE>,
    ) -> Option<Cow<'_, str>> {
        self.get(name.as_ref())
            .map(|(_, v)| v.value().to_cow_str(shell))
    }

    /// Checks if a variable of the given name is set in the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to check.
    pub fn is_set<S: AsRef<str>>(&self, name: S) -> bool {
        if let Some((_, var)) = self.get(name) {
            !matches!(var.value(), ShellValue::Unset(_))
        } else {
            false
        }
    }

    //
    // Setters
    //

    /// Tries to unset the variable with the given name in the environment, returning
    /// whether or not such a variable existed.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to unset.
    pub fn unset(&mut self, name: &str) -> Result<Option<ShellVariable>, error::Error> {
        // ncsh patch: `unset REF` unsets the variable a name reference refers to (the unset
        // builtin sees to a reference to an element); where the references loop, bash unsets the
        // name itself.
        match self.resolve_nameref(name, EnvironmentLookup::Anywhere) {
            Ok(Some((target, EnvironmentLookup::Anywhere))) => self.unset_noref(&target),
            Ok(_) | Err(_) => self.unset_noref(name),
        }
    }

    /// Tries to unset the variable with the given name in the environment, a name reference
    /// itself rather than the variable it refers to (`unset -n`), returning whether or not such a
    /// variable existed (ncsh patch).
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to unset.
    pub fn unset_noref(&mut self, name: &str) -> Result<Option<ShellVariable>, error::Error> {
        let mut local_count = 0;
        for (scope_type, map) in self.scopes.iter_mut().rev() {
            if matches!(scope_type, EnvironmentScope::Local) {
                local_count += 1;
            }

            let unset_result = Self::try_unset_in_map(map, name)?;

            if unset_result.is_some() {
                // If we end up finding a local in the top-most local frame, then we replace
                // it with a placeholder.
                if matches!(scope_type, EnvironmentScope::Local) && local_count == 1 {
                    map.set(
                        name,
                        ShellVariable::new(ShellValue::Unset(ShellValueUnsetType::Untyped)),
                    );
                } else if self.entry_count > 0 {
                    // Entry count should never be 0 here, but we're being defensive.
                    self.entry_count -= 1;
                }

                return Ok(unset_result);
            }
        }

        Ok(None)
    }

    /// Tries to unset an array element from the environment, using the given name and
    /// element index for lookup. Returns whether or not an element was unset.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the array variable to unset an element from.
    /// * `index` - The index of the element to unset.
    pub fn unset_index(&mut self, name: &str, index: &str) -> Result<bool, error::Error> {
        if let Some((_, var)) = self.get_mut(name) {
            var.unset_index(index)
        } else {
            Ok(false)
        }
    }

    fn try_unset_in_map(
        map: &mut ShellVariableMap,
        name: &str,
    ) -> Result<Option<ShellVariable>, error::Error> {
        match map.get(name).map(|v| v.is_readonly()) {
            Some(true) => Err(error::ErrorKind::ReadonlyVariable.into()),
            Some(false) => Ok(map.unset(name)),
            None => Ok(None),
        }
    }

    /// Tries to retrieve an immutable reference to a variable from the environment,
    /// using the given name and lookup policy.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    pub fn get_using_policy<N: AsRef<str>>(
        &self,
        name: N,
        lookup_policy: EnvironmentLookup,
    ) -> Option<&ShellVariable> {
        // ncsh patch: a name reference stands for the variable it refers to.
        let (name, lookup_policy) = self.follow_nameref(name.as_ref(), lookup_policy).ok()?;
        self.find(&name, lookup_policy).map(|(_, var)| var)
    }

    /// Tries to retrieve an immutable reference to a variable from the environment, using the
    /// given name and lookup policy; a name reference itself rather than the variable it refers
    /// to (ncsh patch).
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    pub fn get_noref_using_policy<N: AsRef<str>>(
        &self,
        name: N,
        lookup_policy: EnvironmentLookup,
    ) -> Option<&ShellVariable> {
        let mut local_count = 0;
        for (scope_type, var_map) in self.scopes.iter().rev() {
            if matches!(scope_type, EnvironmentScope::Local) {
                local_count += 1;
            }

            match lookup_policy {
                EnvironmentLookup::Anywhere => (),
                EnvironmentLookup::OnlyInGlobal => {
                    if !matches!(scope_type, EnvironmentScope::Global) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInCurrentLocal => {
                    if !(matches!(scope_type, EnvironmentScope::Local) && local_count == 1) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInLocal => {
                    if !matches!(scope_type, EnvironmentScope::Local) {
                        continue;
                    }
                }
            }

            if let Some(var) = var_map.get(name.as_ref()) {
                return Some(var);
            }

            if matches!(scope_type, EnvironmentScope::Local)
                && matches!(lookup_policy, EnvironmentLookup::OnlyInCurrentLocal)
            {
                break;
            }
        }

        None
    }

    /// Tries to retrieve a mutable reference to a variable from the environment,
    /// using the given name and lookup policy.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    pub fn get_mut_using_policy<N: AsRef<str>>(
        &mut self,
        name: N,
        lookup_policy: EnvironmentLookup,
    ) -> Option<&mut ShellVariable> {
        // ncsh patch: a name reference stands for the variable it refers to.
        let (name, lookup_policy) = self.follow_nameref(name.as_ref(), lookup_policy).ok()?;
        self.find_mut(&name, lookup_policy).map(|(_, var)| var)
    }

    /// Tries to retrieve a mutable reference to a variable from the environment, using the given
    /// name and lookup policy; a name reference itself rather than the variable it refers to
    /// (ncsh patch).
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    pub fn get_mut_noref_using_policy<N: AsRef<str>>(
        &mut self,
        name: N,
        lookup_policy: EnvironmentLookup,
    ) -> Option<&mut ShellVariable> {
        let mut local_count = 0;
        for (scope_type, var_map) in self.scopes.iter_mut().rev() {
            if matches!(scope_type, EnvironmentScope::Local) {
                local_count += 1;
            }

            match lookup_policy {
                EnvironmentLookup::Anywhere => (),
                EnvironmentLookup::OnlyInGlobal => {
                    if !matches!(scope_type, EnvironmentScope::Global) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInCurrentLocal => {
                    if !(matches!(scope_type, EnvironmentScope::Local) && local_count == 1) {
                        continue;
                    }
                }
                EnvironmentLookup::OnlyInLocal => {
                    if !matches!(scope_type, EnvironmentScope::Local) {
                        continue;
                    }
                }
            }

            if let Some(var) = var_map.get_mut(name.as_ref()) {
                return Some(var);
            }

            if matches!(scope_type, EnvironmentScope::Local)
                && matches!(lookup_policy, EnvironmentLookup::OnlyInCurrentLocal)
            {
                break;
            }
        }

        None
    }

    // ncsh patch: bash's name references (`declare -n r=y`, `local -n ref=$1`). A variable with
    // the nameref attribute holds the name of another; the lookups above (`get`, `get_mut`,
    // `get_using_policy`, ...) and `update_or_add`, `update_or_add_array_element` and `unset`
    // follow it to that variable, as bash's do, and the `_noref` ones find the reference itself
    // (`declare -p r`, `declare -n r=z`, `unset -n r`).

    /// Follows the name references that start at `name`, as bash's `find_variable_nameref`
    /// does: the first variable is looked up with `lookup_policy`, each name it leads to
    /// anywhere. Returns `None` when `name` is not a reference to a name (or is one with no value,
    /// to which an assignment gives its name), or else the name to use in its place and the policy
    /// to look it up with. The name may carry a subscript (`declare -n r=a[1]` gives `a[1]`),
    /// which the lookups here do not take apart. A loop, or a chain longer than bash's 8, is an
    /// error in bash's words (`warning: r: circular name reference`), except that inside a
    /// function a loop through a local variable leads to the global variable of that name, as in
    /// bash (`local -n v=$1` given `v`) (ncsh patch).
    ///
    /// # Arguments
    ///
    /// * `name` - The name to follow.
    /// * `lookup_policy` - The policy to use when looking up `name` itself.
    pub fn resolve_nameref(
        &self,
        name: &str,
        lookup_policy: EnvironmentLookup,
    ) -> Result<Option<(String, EnvironmentLookup)>, error::Error> {
        const NAMEREF_MAX: usize = 8;

        let Some(mut target) = self
            .find(name, lookup_policy)
            .and_then(|(_, var)| var.nameref_target())
        else {
            return Ok(None);
        };
        let mut seen = vec![name];
        loop {
            if seen.contains(&target) || seen.len() > NAMEREF_MAX {
                let in_function = self
                    .scopes
                    .iter()
                    .any(|(scope, _)| matches!(scope, EnvironmentScope::Local));
                if seen.contains(&target)
                    && in_function
                    && matches!(self.get_noref(target), Some((EnvironmentScope::Local, _)))
                {
                    return Ok(Some((target.to_owned(), EnvironmentLookup::OnlyInGlobal)));
                }
                return Err(error::ErrorKind::Worded(format!(
                    "warning: {name}: circular name reference"
                ))
                .into());
            }
            match self
                .get_noref(target)
                .and_then(|(_, var)| var.nameref_target())
            {
                Some(next) => {
                    seen.push(target);
                    target = next;
                }
                None => return Ok(Some((target.to_owned(), EnvironmentLookup::Anywhere))),
            }
        }
    }

    /// The name and lookup policy that a lookup of `name` with `lookup_policy` comes to, after
    /// the name references it follows (ncsh patch).
    fn follow_nameref<'a>(
        &self,
        name: &'a str,
        lookup_policy: EnvironmentLookup,
    ) -> Result<(Cow<'a, str>, EnvironmentLookup), error::Error> {
        Ok(match self.resolve_nameref(name, lookup_policy)? {
            Some((target, lookup_policy)) => (Cow::Owned(target), lookup_policy),
            None => (Cow::Borrowed(name), lookup_policy),
        })
    }

    /// Looks a variable up without following name references, with the scope it is in: the
    /// lookup for a name that [`Self::resolve_nameref`] has already resolved (ncsh patch).
    pub fn find(
        &self,
        name: &str,
        lookup_policy: EnvironmentLookup,
    ) -> Option<(EnvironmentScope, &ShellVariable)> {
        match lookup_policy {
            EnvironmentLookup::Anywhere => self.get_noref(name),
            EnvironmentLookup::OnlyInGlobal => self
                .get_noref_using_policy(name, lookup_policy)
                .map(|var| (EnvironmentScope::Global, var)),
            EnvironmentLookup::OnlyInCurrentLocal | EnvironmentLookup::OnlyInLocal => self
                .get_noref_using_policy(name, lookup_policy)
                .map(|var| (EnvironmentScope::Local, var)),
        }
    }

    /// Looks a variable up without following name references, with the scope it is in (ncsh
    /// patch).
    fn find_mut(
        &mut self,
        name: &str,
        lookup_policy: EnvironmentLookup,
    ) -> Option<(EnvironmentScope, &mut ShellVariable)> {
        let scope = match lookup_policy {
            EnvironmentLookup::Anywhere => {
                // Look through scopes, from the top of the stack on down.
                return self
                    .scopes
                    .iter_mut()
                    .rev()
                    .find_map(|(scope, map)| map.get_mut(name).map(|var| (*scope, var)));
            }
            EnvironmentLookup::OnlyInGlobal => EnvironmentScope::Global,
            EnvironmentLookup::OnlyInCurrentLocal | EnvironmentLookup::OnlyInLocal => {
                EnvironmentScope::Local
            }
        };
        self.get_mut_noref_using_policy(name, lookup_policy)
            .map(|var| (scope, var))
    }

    /// Update a variable in the environment, or add it if it doesn't already exist.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to update or add.
    /// * `value` - The value to assign to the variable.
    /// * `updater` - A function to call to update the variable after assigning the value.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    /// * `scope_if_creating` - The scope to create the variable in if it doesn't already exist.
    pub fn update_or_add<N: Into<String>>(
        &mut self,
        name: N,
        value: variables::ShellValueLiteral,
        updater: impl Fn(&mut ShellVariable) -> Result<(), error::Error>,
        lookup_policy: EnvironmentLookup,
        scope_if_creating: EnvironmentScope,
    ) -> Result<(), error::Error> {
        let mut name = name.into();

        // ncsh patch: assigning to a name reference assigns to the variable it refers to (`read
        // r`, `printf -v r`, `(( r = 1 ))`), or to the element (`declare -n r=a[1]`); where the
        // references loop, it fails in bash's words.
        let mut lookup_policy = lookup_policy;
        if let Some((target, policy)) = self.resolve_nameref(&name, lookup_policy)? {
            if let Some((array, index)) = split_subscript(&target) {
                let variables::ShellValueLiteral::Scalar(value) = value else {
                    return Err(error::ErrorKind::AssigningListToArrayMember.into());
                };
                return self.update_or_add_array_element(
                    array,
                    index.to_owned(),
                    value,
                    updater,
                    EnvironmentLookup::Anywhere,
                    scope_if_creating,
                );
            }
            (name, lookup_policy) = (target, policy);
        }

        let auto_export = self.export_variables_on_modification;
        if let Some((_, var)) = self.find_mut(&name, lookup_policy) {
            // ncsh patch: a readonly variable is named (`read r`, `mapfile r`).
            var.assign(value, false)
                .map_err(|error| error.naming_readonly(&name))?;
            if auto_export {
                var.export();
            }
            updater(var)
        } else {
            let mut var = ShellVariable::new(ShellValue::Unset(ShellValueUnsetType::Untyped));
            var.assign(value, false)?;
            if auto_export {
                var.export();
            }
            updater(&mut var)?;

            self.add(name, var, scope_if_creating)
        }
    }

    /// Update an array element in the environment, or add it if it doesn't already exist.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to update or add.
    /// * `index` - The index of the element to update or add.
    /// * `value` - The value to assign to the variable.
    /// * `updater` - A function to call to update the variable after assigning the value.
    /// * `lookup_policy` - The policy to use when looking up the variable.
    /// * `scope_if_creating` - The scope to create the variable in if it doesn't already exist.
    pub fn update_or_add_array_element<N: Into<String>>(
        &mut self,
        name: N,
        index: String,
        value: String,
        updater: impl Fn(&mut ShellVariable) -> Result<(), error::Error>,
        lookup_policy: EnvironmentLookup,
        scope_if_creating: EnvironmentScope,
    ) -> Result<(), error::Error> {
        let mut name = name.into();

        // ncsh patch: an element of a name reference is an element of the variable it refers to
        // (`r[1]=x`, `mapfile r`); where the references loop, or a reference to an element is
        // given a subscript, it fails in bash's words.
        let mut lookup_policy = lookup_policy;
        if let Some((target, policy)) = self.resolve_nameref(&name, lookup_policy)? {
            if split_subscript(&target).is_some() {
                return Err(error::ErrorKind::Worded(format!(
                    "`{target}': not a valid identifier"
                ))
                .into());
            }
            (name, lookup_policy) = (target, policy);
        }

        if let Some((_, var)) = self.find_mut(&name, lookup_policy) {
            var.assign_at_index(index, value, false)
                .map_err(|error| error.naming_readonly(&name))?;
            updater(var)
        } else {
            let mut var = ShellVariable::new(ShellValue::Unset(ShellValueUnsetType::Untyped));
            var.assign(
                variables::ShellValueLiteral::Array(variables::ArrayLiteral(vec![(
                    Some(index),
                    value,
                )])),
                false,
            )?;
            updater(&mut var)?;

            self.add(name, var, scope_if_creating)
        }
    }

    /// Adds a variable to the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to add.
    /// * `var` - The variable to add.
    /// * `target_scope` - The scope to add the variable to.
    pub fn add<N: Into<String>>(
        &mut self,
        name: N,
        mut var: ShellVariable,
        target_scope: EnvironmentScope,
    ) -> Result<(), error::Error> {
        if self.export_variables_on_modification {
            var.export();
        }

        for (scope_type, map) in self.scopes.iter_mut().rev() {
            if *scope_type == target_scope {
                let prev_var = map.set(name, var);
                if prev_var.is_none() {
                    self.entry_count += 1;
                }

                return Ok(());
            }
        }

        Err(error::ErrorKind::MissingScopeForNewVariable.into())
    }

    /// Sets a global variable in the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to set.
    /// * `var` - The variable to set.
    pub fn set_global<N: Into<String>>(
        &mut self,
        name: N,
        var: ShellVariable,
    ) -> Result<(), error::Error> {
        self.add(name, var, EnvironmentScope::Global)
    }
}

/// Represents a map from names to shell variables.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShellVariableMap {
    variables: HashMap<String, ShellVariable>,
}

impl ShellVariableMap {
    //
    // Iterators/Getters
    //

    /// Returns an iterator over all the variables in the map.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &ShellVariable)> {
        self.variables.iter()
    }

    /// Tries to retrieve an immutable reference to the variable with the given name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    pub fn get(&self, name: &str) -> Option<&ShellVariable> {
        self.variables.get(name)
    }

    /// Tries to retrieve a mutable reference to the variable with the given name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to retrieve.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut ShellVariable> {
        self.variables.get_mut(name)
    }

    //
    // Setters
    //

    /// Tries to unset the variable with the given name, returning the removed
    /// variable or None if it was not already set.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to unset.
    pub fn unset(&mut self, name: &str) -> Option<ShellVariable> {
        self.variables.remove(name)
    }

    /// Sets a variable in the map.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the variable to set.
    /// * `var` - The variable to set.
    pub fn set<N: Into<String>>(&mut self, name: N, var: ShellVariable) -> Option<ShellVariable> {
        self.variables.insert(name.into(), var)
    }
}

/// Splits a name with a subscript, such as a name reference may hold (`a[1]`), into the array's
/// name and the subscript (ncsh patch).
pub fn split_subscript(name: &str) -> Option<(&str, &str)> {
    let (array, rest) = name.split_once('[')?;
    Some((array, rest.strip_suffix(']')?))
}

/// Whether `name` names a variable or an element of one (`v`, `a[i+1]`), as `printf -v` and
/// `read` take it (ncsh patch).
pub fn valid_assignable_name(name: &str) -> bool {
    valid_variable_name(split_subscript(name).map_or(name, |(variable, _)| variable))
}

/// Checks if the given name is a valid variable name.
pub fn valid_variable_name(s: &str) -> bool {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        Some(_) | None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_valid_variable_name() {
        assert!(!valid_variable_name(""));
        assert!(!valid_variable_name("1"));
        assert!(!valid_variable_name(" a"));
        assert!(!valid_variable_name(" "));

        assert!(valid_variable_name("_"));
        assert!(valid_variable_name("_a"));
        assert!(valid_variable_name("_1"));
        assert!(valid_variable_name("_a1"));
        assert!(valid_variable_name("a"));
        assert!(valid_variable_name("A"));
        assert!(valid_variable_name("a1"));
        assert!(valid_variable_name("A1"));
    }
}
