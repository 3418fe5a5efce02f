//! Structures for managing function registrations and calls.

use std::{collections::HashMap, sync::Arc};

/// An environment for defined, named functions.
#[derive(Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FunctionEnv {
    functions: HashMap<String, Registration>,
}

impl FunctionEnv {
    /// Tries to retrieve the registration for a function by name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the function to retrieve.
    pub fn get(&self, name: &str) -> Option<&Registration> {
        self.functions.get(name)
    }

    /// Tries to retrieve a mutable reference to the registration for a
    /// function by name.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the function to retrieve.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Registration> {
        self.functions.get_mut(name)
    }

    /// Unregisters a function from the environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the function to remove.
    pub fn remove(&mut self, name: &str) -> Option<Registration> {
        self.functions.remove(name)
    }

    /// Updates a function registration in this environment.
    ///
    /// # Arguments
    ///
    /// * `name` - The name of the function to update.
    /// * `registration` - The new registration for the function.
    pub fn update(&mut self, name: String, registration: Registration) {
        self.functions.insert(name, registration);
    }

    /// Clear all functions in this environment.
    pub fn clear(&mut self) {
        self.functions.clear();
    }

    /// Returns an iterator over the functions registered in this environment.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Registration)> {
        self.functions.iter()
    }
}

/// Encapsulates a registration for a defined function.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Registration {
    /// The parsed definition of the function.
    definition: Arc<brush_parser::ast::FunctionDefinition>,
    /// The source info for the function definition.
    source_info: crate::SourceInfo,
    /// Whether or not this function definition should be exported to children.
    exported: bool,
    /// Whether it may be neither defined again nor unset (ncsh patch: `readonly -f`).
    #[cfg_attr(feature = "serde", serde(default))]
    readonly: bool,
    /// Whether it has the trace attribute (ncsh patch: `declare -ft`).
    #[cfg_attr(feature = "serde", serde(default))]
    traced: bool,
}

impl From<brush_parser::ast::FunctionDefinition> for Registration {
    fn from(definition: brush_parser::ast::FunctionDefinition) -> Self {
        Self {
            definition: Arc::new(definition),
            source_info: crate::SourceInfo::default(),
            exported: false,
            readonly: false,
            traced: false,
        }
    }
}

impl Registration {
    /// Creates a new function registration.
    ///
    /// # Arguments
    ///
    /// * `definition` - The function definition.
    /// * `source_info` - Source information for the function definition.
    pub fn new(
        definition: brush_parser::ast::FunctionDefinition,
        source_info: &crate::SourceInfo,
    ) -> Self {
        Self {
            definition: Arc::new(definition),
            source_info: source_info.clone(),
            exported: false,
            readonly: false,
            traced: false,
        }
    }

    /// Returns a reference to the function definition.
    pub fn definition(&self) -> &brush_parser::ast::FunctionDefinition {
        &self.definition
    }

    /// Returns a reference to the source info for the function definition.
    pub const fn source(&self) -> &crate::SourceInfo {
        &self.source_info
    }

    /// Marks the function for export.
    pub const fn export(&mut self) {
        self.exported = true;
    }

    /// Unmarks the function for export.
    pub const fn unexport(&mut self) {
        self.exported = false;
    }

    /// Returns whether this function is exported.
    pub const fn is_exported(&self) -> bool {
        self.exported
    }

    /// Makes the function readonly (ncsh patch): it can be neither defined again nor unset.
    pub const fn set_readonly(&mut self) {
        self.readonly = true;
    }

    /// Whether the function is readonly (ncsh patch).
    pub const fn is_readonly(&self) -> bool {
        self.readonly
    }

    /// Gives or takes the trace attribute (ncsh patch): the function inherits the DEBUG and
    /// RETURN traps, as under `set -T`.
    pub const fn set_traced(&mut self, traced: bool) {
        self.traced = traced;
    }

    /// Whether the function has the trace attribute (ncsh patch).
    pub const fn is_traced(&self) -> bool {
        self.traced
    }

    /// The function's attributes as `declare` lists them, bash's letters in bash's order
    /// (ncsh patch): `f`, then `r`, `t` and `x` where it has them.
    pub fn attribute_flags(&self) -> String {
        let mut flags = String::from("f");
        for (has, flag) in [
            (self.readonly, 'r'),
            (self.traced, 't'),
            (self.exported, 'x'),
        ] {
            if has {
                flags.push(flag);
            }
        }
        flags
    }

    /// The definition in place of `self`'s, with its attributes kept, as bash keeps them
    /// when a function is defined again (ncsh patch: an exported function was no longer).
    pub(crate) fn redefined(&self, definition: Self) -> Self {
        Self {
            exported: self.exported,
            traced: self.traced,
            ..definition
        }
    }
}
