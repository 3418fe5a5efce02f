use std::path::{Path, PathBuf};

use brush_core::escape;

#[allow(dead_code)]
pub(crate) async fn complete_async(
    shell: &mut brush_core::Shell<impl brush_core::ShellExtensions>,
    line: &str,
    pos: usize,
) -> brush_core::completion::Completions {
    let working_dir = shell.working_dir().to_path_buf();

    // Intentionally ignore any errors that arise.
    let result = {
        let completion_future = shell.complete(line, pos);
        tokio::pin!(completion_future);

        // Wait for the completions to come back or interruption, whichever happens first.
        tokio::select! {
            result = &mut completion_future => {
                result
            }
            _ = tokio::signal::ctrl_c() => {
                Err(brush_core::ErrorKind::Interrupted.into())
            },
        }
    };

    let mut completions = result.unwrap_or_else(|_| brush_core::completion::Completions {
        insertion_index: pos,
        delete_count: 0,
        candidates: Vec::new(),
        options: brush_core::completion::ProcessingOptions::default(),
    });

    // Look at the line up to 'pos' to check if we're in an unterminated
    // single or double quote string.
    let mut quote_char: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if i >= pos {
            break;
        }

        if escaped {
            escaped = false;
            continue;
        }

        if let Some(q) = quote_char {
            if c == q {
                quote_char = None;
            }
        } else if c == '\\' {
            escaped = true;
        } else if c == '\'' || c == '\"' {
            quote_char = Some(c);
        }
    }

    let completing_end_of_line = pos == line.len();

    // ncsh patch: the directory the word names, as typed (`$HOME/`, `~/`, `My\ Dir/`, after an
    // opening quote), stays as typed; only the rest of each candidate is quoted (`$HOME` was made
    // `\$HOME`).
    let typed = (line.get(completions.insertion_index..))
        .and_then(|rest| rest.get(..completions.delete_count))
        .filter(|typed| quote_char.is_none_or(|quote| typed.starts_with(quote)))
        .filter(|_| completions.options.treat_as_filenames);
    let typed_directory = match typed {
        Some(typed) => {
            let raw = brush_core::completion::typed_directory(typed);
            let unquoted = brush_parser::unquote_str(raw);
            let expanded = brush_core::completion::path_named_by(shell, &unquoted).await;
            Some(TypedDirectory {
                raw: raw.to_owned(),
                unquoted,
                expanded,
            })
        }
        None => None,
    };

    // Deduplicate the candidates (retaining order), then postprocess them.
    completions.candidates = completions
        .candidates
        .into_iter()
        .collect::<indexmap::IndexSet<_>>()
        .into_iter()
        .map(|candidate| {
            postprocess_completion_candidate(
                candidate,
                &completions.options,
                working_dir.as_ref(),
                completing_end_of_line,
                quote_char,
                typed_directory.as_ref(),
            )
        })
        .collect();

    completions
}

/// The directory part of the word completed, as typed on the line, unquoted and as it expands.
struct TypedDirectory {
    raw: String,
    unquoted: String,
    expanded: String,
}

#[allow(dead_code)]
fn postprocess_completion_candidate(
    mut candidate: String,
    options: &brush_core::completion::ProcessingOptions,
    working_dir: &Path,
    completing_end_of_line: bool,
    quote_char: Option<char>,
    typed_directory: Option<&TypedDirectory>,
) -> String {
    if options.treat_as_filenames {
        // A candidate in the directory as typed keeps it as typed, and is checked where it expands.
        let typed = typed_directory
            .and_then(|typed| Some((typed, candidate.strip_prefix(&typed.unquoted)?.to_owned())));
        let (kept, path) = match typed {
            Some((typed, rest)) => {
                let path = PathBuf::from(std::format!("{}{rest}", typed.expanded));
                candidate = rest;
                (typed.raw.as_str(), path)
            }
            None => ("", PathBuf::from(&candidate)),
        };
        // Check if it's a directory.
        if !brush_core::sys::fs::ends_with_path_separator(&candidate)
            && working_dir.join(path).is_dir()
        {
            // Use forward slash: backslash is the shell escape character.
            candidate.push('/');
        }

        if !options.no_autoquote_filenames && !candidate.is_empty() {
            let quote_mode = match quote_char {
                Some('\'') => escape::QuoteMode::SingleQuote,
                Some('\"') => escape::QuoteMode::DoubleQuote,
                _ => escape::QuoteMode::BackslashEscape,
            };

            candidate = escape::quote_if_needed(&candidate, quote_mode).to_string();
            // After an opening quote kept as typed, the rest goes on in those quotes, which a
            // directory leaves open for what is typed in it.
            if let Some(quote) = quote_char.filter(|_| !kept.is_empty()) {
                let inside = candidate.strip_prefix(quote).unwrap_or(&candidate);
                let inside = match inside.strip_suffix(quote) {
                    Some(directory) if directory.ends_with('/') => directory,
                    _ => inside,
                };
                candidate = inside.to_owned();
            }
        }
        candidate.insert_str(0, kept);
    }
    if completing_end_of_line && !options.no_trailing_space_at_end_of_line {
        if !options.treat_as_filenames || !brush_core::sys::fs::ends_with_path_separator(&candidate)
        {
            candidate.push(' ');
        }
    }

    candidate
}
