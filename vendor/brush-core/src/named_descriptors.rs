//! bash's redirections onto a descriptor the shell chooses (ncsh patch): `{NAME}>file` opens
//! the file on the lowest free descriptor from 10 up and puts its number in `NAME`, and
//! `{NAME}>&-` closes the descriptor `NAME` holds (`exec {lock}>file; flock "$lock"`).
//! brush-parser reads `{NAME}` as a word before the redirection; such a word is taken for the
//! redirection's name where it touches the operator, as far as the words' places tell: the
//! target starts at most one space after the operator, and no space comes before it.

use brush_parser::ast::{
    CommandPrefixOrSuffixItem, IoFileRedirectKind, IoFileRedirectTarget, IoRedirect, Word,
};

use crate::{ExecutionParameters, Shell, ShellFd, env, error, extensions, variables};

/// The first descriptor a named redirection takes, as in bash.
const FIRST_NAMED: ShellFd = 10;

/// `items` with each `{NAME}` word that names the redirection after it removed, and the
/// redirection made onto a descriptor: a free one, whose number is put in `NAME`, or, to close,
/// the one `NAME` holds. `None` where no word names a redirection (the usual case).
pub(crate) fn resolved(
    items: &[&CommandPrefixOrSuffixItem],
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<Option<Vec<CommandPrefixOrSuffixItem>>, error::Error> {
    let named_at = |index: usize| named_redirection(items[index], items.get(index + 1).copied());
    if !(0..items.len()).any(|index| named_at(index).is_some()) {
        return Ok(None);
    }
    let mut taken: Vec<ShellFd> = vec![];
    let mut resolved = Vec::with_capacity(items.len());
    let mut index = 0;
    while index < items.len() {
        if let Some((name, kind, target)) = named_at(index) {
            let fd = if closes(kind, target) {
                held_descriptor(shell, name)
            } else {
                let free = (FIRST_NAMED..)
                    .find(|fd| !taken.contains(fd) && params.try_fd(shell, *fd).is_none())
                    .unwrap_or(FIRST_NAMED);
                taken.push(free);
                assign(shell, name, free)?;
                Some(free)
            };
            // A name that holds no number closes nothing, as in bash.
            if let Some(fd) = fd {
                resolved.push(CommandPrefixOrSuffixItem::IoRedirect(IoRedirect::File(
                    Some(fd),
                    kind.clone(),
                    target.clone(),
                )));
            }
            index += 2;
        } else {
            resolved.push(items[index].clone());
            index += 1;
        }
    }
    Ok(Some(resolved))
}

/// The name, kind and target of a redirection that `item`, a word `{NAME}`, names for `next`.
fn named_redirection<'a>(
    item: &'a CommandPrefixOrSuffixItem,
    next: Option<&'a CommandPrefixOrSuffixItem>,
) -> Option<(&'a str, &'a IoFileRedirectKind, &'a IoFileRedirectTarget)> {
    match (item, next) {
        (
            CommandPrefixOrSuffixItem::Word(word),
            Some(CommandPrefixOrSuffixItem::IoRedirect(IoRedirect::File(None, kind, target))),
        ) if word.names_descriptor_of(kind, target) => {
            descriptor_name(word).map(|name| (name, kind, target))
        }
        _ => None,
    }
}

/// `NAME` of a word `{NAME}` or `{NAME[SUBSCRIPT]}`.
fn descriptor_name(word: &Word) -> Option<&str> {
    let name = word.value.strip_prefix('{')?.strip_suffix('}')?;
    let variable = env::split_subscript(name).map_or(name, |(variable, _)| variable);
    env::valid_variable_name(variable).then_some(name)
}

/// The descriptor the variable or element `name` holds (ncsh patch: an element too, so that
/// `exec {COPROC[1]}>&-` closes a coprocess's input, as in bash).
fn held_descriptor(shell: &Shell<impl extensions::ShellExtensions>, name: &str) -> Option<ShellFd> {
    let value = match env::split_subscript(name) {
        Some((variable, subscript)) => {
            let (_, array) = shell.env().get(variable)?;
            array.value().get_at(subscript, shell).ok()??.into_owned()
        }
        None => shell.env_str(name)?.into_owned(),
    };
    value.trim().parse::<ShellFd>().ok()
}

/// Whether the redirection closes its descriptor (`>&-`, `<&-`).
fn closes(kind: &IoFileRedirectKind, target: &IoFileRedirectTarget) -> bool {
    matches!(
        kind,
        IoFileRedirectKind::DuplicateOutput | IoFileRedirectKind::DuplicateInput
    ) && matches!(target, IoFileRedirectTarget::Duplicate(word) if word.value == "-")
}

fn assign(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    name: &str,
    fd: ShellFd,
) -> Result<(), error::Error> {
    // ncsh patch: an element (`{a[1]}>file`) is set as bash sets it.
    if let Some((array, subscript)) = env::split_subscript(name) {
        let subscript = subscript.to_owned();
        if let Some((_, variable)) = shell.env_mut().get_mut(array) {
            variable.assign_at_index(subscript, fd.to_string(), false)?;
            return Ok(());
        }
        let value = variables::ShellValue::indexed_array_from_literals(variables::ArrayLiteral(
            vec![(Some(subscript), fd.to_string())],
        ));
        return shell.env_mut().add(
            array,
            variables::ShellVariable::new(value),
            env::EnvironmentScope::Global,
        );
    }
    shell.env_mut().update_or_add(
        name,
        variables::ShellValueLiteral::Scalar(fd.to_string()),
        |_| Ok(()),
        env::EnvironmentLookup::Anywhere,
        env::EnvironmentScope::Global,
    )?;
    Ok(())
}
