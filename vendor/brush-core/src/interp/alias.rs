//! ncsh patch: aliases expanded as bash expands them. bash replaces the alias's name with its text
//! while it reads the command, so an alias can hold operators (`alias ports='ss -tln | grep LISTEN'`),
//! can name another alias (`alias ll='ls -l'` over `alias ls='ls --color=auto'`), and one whose text
//! ends with a blank lets the next word be an alias too (`alias sudo='sudo '`). brush split the text
//! on blanks into words for the command. Here an alias of one simple command takes the command's
//! own assignments, words and redirections as they were read; any other alias's text, with them
//! written around it, is read again; either runs in the command's place. An alias is not expanded
//! again inside its own expansion.

use brush_parser::ast;

use crate::extensions;
use crate::interp::ExecutionParameters;
use crate::shell::Shell;

/// What a command whose name is an alias stands for.
pub(super) enum Expansion {
    /// One simple command, to run where the command would have run (in its pipeline).
    Simple(ast::SimpleCommand),
    /// Anything more: a pipeline, a list, a compound command.
    Program(ast::Program),
}

/// What `command` stands for, where its name is an alias written as is (neither quoted nor
/// expanded) that `params` is not already expanding, and aliases are expanded (see the module's
/// comment for how the command's own items join the alias's text).
pub(super) fn expand(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    command: &ast::SimpleCommand,
) -> Option<(String, Expansion)> {
    let name = &command.word_or_name.as_ref()?.value;
    let text = alias_text(shell, params, name)?;
    let mut suffix = command
        .suffix
        .clone()
        .map(|suffix| suffix.0)
        .unwrap_or_default();
    if text.ends_with([' ', '\t']) {
        expand_following_words(shell, params, &mut suffix);
    }

    let prefix = command
        .prefix
        .clone()
        .map(|prefix| prefix.0)
        .unwrap_or_default();

    // An alias of one simple command takes the command's items as they were read (here-documents
    // and `{fd}>` words do not survive being written out and read again).
    let alone = shell.parse_string(text.as_str()).ok();
    let simple_alone = alone.as_ref().and_then(only_simple_command);
    if let Some(simple) = simple_alone.filter(|_| !text.trim_end().ends_with([';', '&'])) {
        let mut simple = simple.clone();
        if !prefix.is_empty() {
            (simple
                .prefix
                .get_or_insert_with(|| ast::CommandPrefix(vec![]))
                .0)
                .splice(0..0, prefix);
        }
        if !suffix.is_empty() {
            (simple
                .suffix
                .get_or_insert_with(|| ast::CommandSuffix(vec![]))
                .0)
                .extend(suffix);
        }
        // Errors and LINENO name the line the alias was used on.
        if let (Some(word), Some(used)) = (&mut simple.word_or_name, &command.word_or_name) {
            word.loc.clone_from(&used.loc);
        }
        return Some((name.clone(), Expansion::Simple(simple)));
    }

    let mut whole = String::new();
    for item in &prefix {
        whole.push_str(&std::format!("{item} "));
    }
    whole.push_str(&text);
    for item in &suffix {
        whole.push_str(&std::format!(" {item}"));
    }
    let program = shell.parse_string(whole).ok()?;
    let expansion = match only_simple_command(&program) {
        Some(simple) => Expansion::Simple(simple.clone()),
        None => Expansion::Program(program),
    };
    Some((name.clone(), expansion))
}

/// The text of the alias `name`, where it is one to expand here.
fn alias_text(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    name: &str,
) -> Option<String> {
    if !shell.options().expand_aliases || params.expanding_aliases.iter().any(|a| a == name) {
        return None;
    }
    shell.aliases().get(name).cloned()
}

/// Expands the words of `suffix` that follow an alias whose text ends with a blank, as bash does:
/// such a word that is an alias of words only is replaced by them; the first of them is looked at
/// again (a word identical to an alias being expanded is not), and where the alias's text too ends
/// with a blank, so is the word after them.
fn expand_following_words(
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    suffix: &mut Vec<ast::CommandPrefixOrSuffixItem>,
) {
    let mut at = 0;
    let mut next: Option<usize> = None;
    let mut expanded: Vec<String> = vec![];
    while let Some(ast::CommandPrefixOrSuffixItem::Word(word)) = suffix.get(at) {
        let name = word.value.clone();
        let words = alias_text(shell, params, &name)
            .filter(|_| !expanded.contains(&name))
            .and_then(|text| {
                let program = shell.parse_string(text.as_str()).ok()?;
                let words = only_simple_command(&program).and_then(words_only)?;
                Some((words, text.ends_with([' ', '\t'])))
            });
        let Some((words, ends_with_blank)) = words else {
            match next.take() {
                Some(after) if after > at => {
                    at = after;
                    expanded.clear();
                    continue;
                }
                _ => return,
            }
        };
        let count = words.len();
        suffix.splice(at..=at, words);
        next = next.map(|after| after + count - 1);
        if ends_with_blank {
            next = Some(at + count);
        }
        expanded.push(name);
    }
}

/// The words of `command`, where it has nothing else.
fn words_only(command: &ast::SimpleCommand) -> Option<Vec<ast::CommandPrefixOrSuffixItem>> {
    if command.prefix.is_some() {
        return None;
    }
    let mut words = vec![ast::CommandPrefixOrSuffixItem::Word(
        command.word_or_name.clone()?,
    )];
    for item in command.suffix.iter().flat_map(|suffix| &suffix.0) {
        match item {
            ast::CommandPrefixOrSuffixItem::Word(_) => words.push(item.clone()),
            _ => return None,
        }
    }
    Some(words)
}

/// The program's one simple command, where it is nothing more.
fn only_simple_command(program: &ast::Program) -> Option<&ast::SimpleCommand> {
    let [ast::CompoundList(items)] = program.complete_commands.as_slice() else {
        return None;
    };
    let [ast::CompoundListItem(and_or, ast::SeparatorOperator::Sequence)] = items.as_slice() else {
        return None;
    };
    let pipeline = &and_or.first;
    if !and_or.additional.is_empty() || pipeline.bang || pipeline.timed.is_some() {
        return None;
    }
    match pipeline.seq.as_slice() {
        [ast::Command::Simple(simple)] => Some(simple),
        _ => None,
    }
}
