use std::collections::HashSet;
use std::sync::LazyLock;

/// The reserved words, in the order of bash's table, which `compgen -k` and `compgen -c` list
/// (ncsh patch: they were kept only in a set, and came out in an order that changed from run to
/// run).
const IN_ORDER: [&str; 22] = [
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "{", "}", "!", "[[", "]]", "coproc",
];

/// The reserved words that sh mode does not have.
const NOT_IN_SH_MODE: [&str; 6] = ["select", "function", "time", "[[", "]]", "coproc"];

/// The reserved words, in bash's order; in sh mode, only sh's.
pub(crate) fn in_order(sh_mode_only: bool) -> impl Iterator<Item = &'static str> {
    IN_ORDER
        .into_iter()
        .filter(move |word| !(sh_mode_only && NOT_IN_SH_MODE.contains(word)))
}

pub(crate) static SH_MODE_KEYWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| in_order(true).collect());
pub(crate) static KEYWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| in_order(false).collect());
