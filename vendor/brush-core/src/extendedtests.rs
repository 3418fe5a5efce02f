use brush_parser::ast;
use std::path::Path;

use crate::{
    ExecutionParameters, Shell, ShellFd, arithmetic, env, error, escape, expansion, extensions,
    namedoptions, patterns,
    sys::{
        fs::{MetadataExt, PathExt},
        users,
    },
    variables::{self, ArrayLiteral},
};

/// The status of `[[ expr ]]`: 0 where it holds, else 1, or 2 from a regular expression that does
/// not compile (ncsh patch: as bash's; it was 1, so a script could not tell a bad regex). As in
/// bash, `&&` and `||` give the status of the last term they looked at, and `!` makes any failure
/// 0.
#[async_recursion::async_recursion]
pub(crate) async fn eval_extended_test_expr(
    expr: &ast::ExtendedTestExpr,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<u8, error::Error> {
    let status = |holds: bool| if holds { 0 } else { 1 };
    match expr {
        ast::ExtendedTestExpr::UnaryTest(op, operand) => Ok(status(
            apply_unary_predicate(op, operand, shell, params).await?,
        )),
        ast::ExtendedTestExpr::BinaryTest(
            ast::BinaryPredicate::StringMatchesRegex,
            left,
            right,
        ) => Ok(match matches_regex(left, right, shell, params).await? {
            Some(matched) => status(matched),
            None => BAD_REGEX,
        }),
        ast::ExtendedTestExpr::BinaryTest(op, left, right) => Ok(status(
            apply_binary_predicate(op, left, right, shell, params).await?,
        )),
        ast::ExtendedTestExpr::And(left, right) => {
            match eval_extended_test_expr(left, shell, params).await? {
                0 => eval_extended_test_expr(right, shell, params).await,
                failed => Ok(failed),
            }
        }
        ast::ExtendedTestExpr::Or(left, right) => {
            match eval_extended_test_expr(left, shell, params).await? {
                0 => Ok(0),
                _ => eval_extended_test_expr(right, shell, params).await,
            }
        }
        ast::ExtendedTestExpr::Not(expr) => Ok(status(
            eval_extended_test_expr(expr, shell, params).await? != 0,
        )),
        ast::ExtendedTestExpr::Parenthesized(expr) => {
            eval_extended_test_expr(expr, shell, params).await
        }
    }
}

/// The status of a test whose regular expression does not compile.
const BAD_REGEX: u8 = 2;

/// Whether `left` matches the regular expression `right`, setting `BASH_REMATCH`; `None` where
/// the expression does not compile (ncsh patch: for `[[`'s status 2).
async fn matches_regex(
    left: &ast::Word,
    right: &ast::Word,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<Option<bool>, error::Error> {
    let s = expansion::basic_expand_word(shell, params, left).await?;
    let regex = expansion::basic_expand_regex(shell, params, right)
        .await?
        .set_multiline(true);

    if shell.options().print_commands_and_arguments {
        let op = ast::BinaryPredicate::StringMatchesRegex;
        shell
            .trace_command(params, std::format!("[[ {s} {op} {right} ]]"))
            .await;
    }

    let (matches, captures) = match regex.matches(s.as_str()) {
        Ok(Some(captures)) => (true, captures),
        Ok(None) => (false, vec![]),
        Err(e) => {
            tracing::warn!("error using regex: {}", e);
            return Ok(None);
        }
    };

    let captures_value = variables::ShellValueLiteral::Array(ArrayLiteral(
        captures
            .into_iter()
            .map(|c| (None, c.unwrap_or_default()))
            .collect(),
    ));

    shell.env_mut().update_or_add(
        "BASH_REMATCH",
        captures_value,
        |_| Ok(()),
        env::EnvironmentLookup::Anywhere,
        env::EnvironmentScope::Global,
    )?;

    Ok(Some(matches))
}

async fn apply_unary_predicate(
    op: &ast::UnaryPredicate,
    operand: &ast::Word,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<bool, error::Error> {
    let expanded_operand = expansion::basic_expand_word(shell, params, operand).await?;

    if shell.options().print_commands_and_arguments {
        shell
            .trace_command(
                params,
                std::format!(
                    "[[ {op} {} ]]",
                    escape::quote_if_needed(&expanded_operand, escape::QuoteMode::SingleQuote)
                ),
            )
            .await;
    }

    apply_unary_predicate_to_str(op, expanded_operand.as_str(), shell, params)
}

#[expect(clippy::too_many_lines)]
pub(crate) fn apply_unary_predicate_to_str(
    op: &ast::UnaryPredicate,
    operand: &str,
    shell: &Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<bool, error::Error> {
    match op {
        ast::UnaryPredicate::StringHasNonZeroLength => Ok(!operand.is_empty()),
        ast::UnaryPredicate::StringHasZeroLength => Ok(operand.is_empty()),
        ast::UnaryPredicate::FileExists => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists())
        }
        ast::UnaryPredicate::FileExistsAndIsBlockSpecialFile => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_block_device())
        }
        ast::UnaryPredicate::FileExistsAndIsCharSpecialFile => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_char_device())
        }
        ast::UnaryPredicate::FileExistsAndIsDir => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.is_dir())
        }
        ast::UnaryPredicate::FileExistsAndIsRegularFile => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.is_file())
        }
        ast::UnaryPredicate::FileExistsAndIsSetgid => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_setgid())
        }
        ast::UnaryPredicate::FileExistsAndIsSymlink => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.is_symlink())
        }
        ast::UnaryPredicate::FileExistsAndHasStickyBit => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_sticky_bit())
        }
        ast::UnaryPredicate::FileExistsAndIsFifo => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_fifo())
        }
        ast::UnaryPredicate::FileExistsAndIsReadable => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.readable())
        }
        ast::UnaryPredicate::FileExistsAndIsNotZeroLength => {
            let path = shell.absolute_path(Path::new(operand));
            if let Ok(metadata) = path.metadata() {
                Ok(metadata.len() > 0)
            } else {
                Ok(false)
            }
        }
        ast::UnaryPredicate::FdIsOpenTerminal => {
            // Trim whitespace before parsing, matching bash behavior.
            if let Ok(fd) = operand.trim().parse::<ShellFd>() {
                if let Some(open_file) = params.try_fd(shell, fd) {
                    Ok(open_file.is_terminal())
                } else {
                    Ok(false)
                }
            } else {
                Ok(false)
            }
        }
        ast::UnaryPredicate::FileExistsAndIsSetuid => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_setuid())
        }
        ast::UnaryPredicate::FileExistsAndIsWritable => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.writable())
        }
        ast::UnaryPredicate::FileExistsAndIsExecutable => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.executable())
        }
        ast::UnaryPredicate::FileExistsAndOwnedByEffectiveGroupId => {
            let path = shell.absolute_path(Path::new(operand));
            if !path.exists() {
                return Ok(false);
            }

            let md = path.metadata()?;
            Ok(md.gid() == users::get_effective_gid()?)
        }
        // ncsh patch: written since it was last read, as bash's `-N` (brush: not implemented).
        ast::UnaryPredicate::FileExistsAndModifiedSinceLastRead => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path
                .metadata()
                .is_ok_and(|md| (md.mtime(), md.mtime_nsec()) > (md.atime(), md.atime_nsec())))
        }
        ast::UnaryPredicate::FileExistsAndOwnedByEffectiveUserId => {
            let path = shell.absolute_path(Path::new(operand));
            if !path.exists() {
                return Ok(false);
            }

            let md = path.metadata()?;
            Ok(md.uid() == users::get_effective_uid()?)
        }
        ast::UnaryPredicate::FileExistsAndIsSocket => {
            let path = shell.absolute_path(Path::new(operand));
            Ok(path.exists_and_is_socket())
        }
        ast::UnaryPredicate::ShellOptionEnabled => {
            let shopt_name = operand;
            if let Some(option) =
                namedoptions::options(namedoptions::ShellOptionKind::SetO).get(shopt_name)
            {
                Ok(option.get(shell.options()))
            } else {
                Ok(false)
            }
        }
        ast::UnaryPredicate::ShellVariableIsSetAndAssigned => Ok(is_set(shell, operand)),
        // ncsh patch: the reference itself, not the variable it refers to.
        ast::UnaryPredicate::ShellVariableIsSetAndNameRef => match shell.env().get_noref(operand) {
            Some((_, reffed)) => Ok(reffed.value().is_set() && reffed.is_treated_as_nameref()),
            None => Ok(false),
        },
    }
}

/// Whether `operand`, a name or `NAME[INDEX]`, names a variable, or an element of one, that is set,
/// as bash's `-v` reads it (ncsh patch: brush took `a[2]` for a name, which is never set). `@`
/// or `*` asks for any element of an indexed array; its index is a number or a variable holding
/// one. An array's bare name asks for its element 0, as in bash (ncsh patch: an empty array was
/// set).
fn is_set(shell: &Shell<impl extensions::ShellExtensions>, operand: &str) -> bool {
    let Some((name, index)) = (operand.strip_suffix(']')).and_then(|rest| rest.split_once('['))
    else {
        return match shell.env().get(operand) {
            Some((_, variable)) if variable.value().is_array() => {
                is_set(shell, &std::format!("{operand}[0]"))
            }
            _ => shell.env().is_set(operand),
        };
    };
    let Some((_, variable)) = shell.env().get(name) else {
        return false;
    };
    let value = variable.value();
    let key = match (index, value) {
        // An associative array's `@` is a key, as in bash.
        (key, crate::variables::ShellValue::AssociativeArray(_)) => key.to_owned(),
        ("@" | "*", _) => return !value.element_keys(shell).is_empty(),
        (index, _) => {
            let number = index.trim().parse::<i64>().ok().or_else(|| {
                (shell.env_str(index.trim())).and_then(|value| value.trim().parse().ok())
            });
            match number {
                Some(number) => number.to_string(),
                None => return false,
            }
        }
    };
    value.get_at(&key, shell).ok().flatten().is_some()
}

#[expect(clippy::too_many_lines)]
async fn apply_binary_predicate(
    op: &ast::BinaryPredicate,
    left: &ast::Word,
    right: &ast::Word,
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
) -> Result<bool, error::Error> {
    match op {
        ast::BinaryPredicate::StringMatchesRegex => {
            Ok(matches_regex(left, right, shell, params).await? == Some(true))
        }
        ast::BinaryPredicate::StringExactlyMatchesString => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            Ok(left == right)
        }
        ast::BinaryPredicate::StringDoesNotExactlyMatchString => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            Ok(left != right)
        }
        ast::BinaryPredicate::StringContainsSubstring => {
            let s = expansion::basic_expand_word(shell, params, left).await?;
            let substring = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {s} {op} {substring} ]]"))
                    .await;
            }

            Ok(s.contains(substring.as_str()))
        }
        ast::BinaryPredicate::FilesReferToSameDeviceAndInodeNumbers => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            files_refer_to_same_device_and_inode_numbers(shell, left, right)
        }
        ast::BinaryPredicate::LeftFileIsNewerOrExistsWhenRightDoesNot => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            left_file_is_newer_or_exists_when_right_does_not(shell, left, right)
        }
        ast::BinaryPredicate::LeftFileIsOlderOrDoesNotExistWhenRightDoes => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            left_file_is_older_or_does_not_exist_when_right_does(shell, left, right)
        }
        ast::BinaryPredicate::LeftSortsBeforeRight => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            // TODO(test): According to docs, should be lexicographical order of the current locale.
            Ok(left < right)
        }
        ast::BinaryPredicate::LeftSortsAfterRight => {
            let left = expansion::basic_expand_word(shell, params, left).await?;
            let right = expansion::basic_expand_word(shell, params, right).await?;

            if shell.options().print_commands_and_arguments {
                shell
                    .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
                    .await;
            }

            // TODO(test): According to docs, should be lexicographical order of the current locale.
            Ok(left > right)
        }
        ast::BinaryPredicate::ArithmeticEqualTo => {
            compare_arithmetic(shell, params, (left, op, right), i64::eq).await
        }
        ast::BinaryPredicate::ArithmeticNotEqualTo => {
            compare_arithmetic(shell, params, (left, op, right), i64::ne).await
        }
        ast::BinaryPredicate::ArithmeticLessThan => {
            compare_arithmetic(shell, params, (left, op, right), i64::lt).await
        }
        ast::BinaryPredicate::ArithmeticLessThanOrEqualTo => {
            compare_arithmetic(shell, params, (left, op, right), i64::le).await
        }
        ast::BinaryPredicate::ArithmeticGreaterThan => {
            compare_arithmetic(shell, params, (left, op, right), i64::gt).await
        }
        ast::BinaryPredicate::ArithmeticGreaterThanOrEqualTo => {
            compare_arithmetic(shell, params, (left, op, right), i64::ge).await
        }
        // N.B. The "=", "==", and "!=" operators don't compare 2 strings; they check
        // for whether the lefthand operand (a string) is matched by the righthand
        // operand (treated as a shell pattern).
        // TODO(test): implement case-insensitive matching if relevant via shopt options
        // (nocasematch).
        ast::BinaryPredicate::StringExactlyMatchesPattern => {
            let s = expansion::basic_expand_word(shell, params, left).await?;
            let pattern = expansion::basic_expand_pattern(shell, params, right)
                .await?
                .set_extended_globbing(shell.options().extended_globbing)
                .set_case_insensitive(shell.options().case_insensitive_conditionals);

            if shell.options().print_commands_and_arguments {
                let expanded_right = expansion::basic_expand_word(shell, params, right).await?;
                let escaped_right = escape::quote_if_needed(
                    expanded_right.as_str(),
                    escape::QuoteMode::BackslashEscape,
                );
                shell
                    .trace_command(params, std::format!("[[ {s} {op} {escaped_right} ]]"))
                    .await;
            }

            pattern.exactly_matches(s.as_str())
        }
        ast::BinaryPredicate::StringDoesNotExactlyMatchPattern => {
            let s = expansion::basic_expand_word(shell, params, left).await?;
            let pattern = expansion::basic_expand_pattern(shell, params, right)
                .await?
                .set_extended_globbing(shell.options().extended_globbing)
                .set_case_insensitive(shell.options().case_insensitive_conditionals);

            if shell.options().print_commands_and_arguments {
                let expanded_right = expansion::basic_expand_word(shell, params, right).await?;
                let escaped_right = escape::quote_if_needed(
                    expanded_right.as_str(),
                    escape::QuoteMode::BackslashEscape,
                );
                shell
                    .trace_command(params, std::format!("[[ {s} {op} {escaped_right} ]]"))
                    .await;
            }

            let eq = pattern.exactly_matches(s.as_str())?;
            Ok(!eq)
        }
    }
}

pub(crate) fn apply_binary_predicate_to_strs(
    op: &ast::BinaryPredicate,
    left: &str,
    right: &str,
    shell: &Shell<impl extensions::ShellExtensions>,
) -> Result<bool, error::Error> {
    match op {
        ast::BinaryPredicate::FilesReferToSameDeviceAndInodeNumbers => {
            files_refer_to_same_device_and_inode_numbers(shell, left, right)
        }
        ast::BinaryPredicate::LeftFileIsNewerOrExistsWhenRightDoesNot => {
            left_file_is_newer_or_exists_when_right_does_not(shell, left, right)
        }
        ast::BinaryPredicate::LeftFileIsOlderOrDoesNotExistWhenRightDoes => {
            left_file_is_older_or_does_not_exist_when_right_does(shell, left, right)
        }
        ast::BinaryPredicate::LeftSortsBeforeRight => {
            // TODO(test): According to docs, should be lexicographical order of the current locale.
            Ok(left < right)
        }
        ast::BinaryPredicate::LeftSortsAfterRight => {
            // TODO(test): According to docs, should be lexicographical order of the current locale.
            Ok(left > right)
        }
        ast::BinaryPredicate::ArithmeticEqualTo => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left == right)
        }
        ast::BinaryPredicate::ArithmeticNotEqualTo => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left != right)
        }
        ast::BinaryPredicate::ArithmeticLessThan => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left < right)
        }
        ast::BinaryPredicate::ArithmeticLessThanOrEqualTo => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left <= right)
        }
        ast::BinaryPredicate::ArithmeticGreaterThan => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left > right)
        }
        ast::BinaryPredicate::ArithmeticGreaterThanOrEqualTo => {
            apply_test_binary_arithmetic_predicate(left, right, |left, right| left >= right)
        }
        ast::BinaryPredicate::StringExactlyMatchesPattern => {
            let pattern = patterns::Pattern::from(right)
                .set_extended_globbing(shell.options().extended_globbing)
                .set_case_insensitive(shell.options().case_insensitive_conditionals);

            pattern.exactly_matches(left)
        }
        ast::BinaryPredicate::StringDoesNotExactlyMatchPattern => {
            let pattern = patterns::Pattern::from(right)
                .set_extended_globbing(shell.options().extended_globbing)
                .set_case_insensitive(shell.options().case_insensitive_conditionals);

            let eq = pattern.exactly_matches(left)?;
            Ok(!eq)
        }
        ast::BinaryPredicate::StringExactlyMatchesString => Ok(left == right),
        ast::BinaryPredicate::StringDoesNotExactlyMatchString => Ok(left != right),
        _ => error::unimp("unsupported test binary predicate"),
    }
}

/// An arithmetic comparison of `[[` (`-eq` and the others): both sides expanded (and traced, as
/// bash traces them, not yet evaluated), then evaluated as arithmetic. Where one cannot be, its
/// error is said as `[[`'s, and the comparison is false, as in bash (ncsh patch: the whole `[[`
/// failed, so `[[ ! 1/0 -eq 1 ]]` was false and `[[ 1/0 -eq 1 || -n x ]]` failed).
async fn compare_arithmetic(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    params: &ExecutionParameters,
    (left, op, right): (&ast::Word, &ast::BinaryPredicate, &ast::Word),
    compare: fn(&i64, &i64) -> bool,
) -> Result<bool, error::Error> {
    let left = arithmetic::expand(shell, params, left.value.as_str()).await?;
    let right = arithmetic::expand(shell, params, right.value.as_str()).await?;
    if shell.options().print_commands_and_arguments {
        shell
            .trace_command(params, std::format!("[[ {left} {op} {right} ]]"))
            .await;
    }
    let values = arithmetic::evaluate(shell, &left)
        .and_then(|left| Ok((left, arithmetic::evaluate(shell, &right)?)));
    let (left, right) = match values {
        Ok(values) => values,
        Err(error) => {
            arithmetic::failed_command(shell, params, error.into(), "[[: ")?;
            return Ok(false);
        }
    };
    Ok(compare(&left, &right))
}

fn apply_test_binary_arithmetic_predicate(
    left: &str,
    right: &str,
    op: fn(i64, i64) -> bool,
) -> Result<bool, error::Error> {
    // ncsh patch: an operand that is not an integer, leading and trailing blanks aside (not
    // newlines), is an error, as in bash (`test: a: integer expression expected`, status 2), not a
    // false comparison.
    let integer = |operand: &str| {
        operand
            .trim_matches([' ', '\t'])
            .parse::<i64>()
            .map_err(|_| error::ErrorKind::IntegerExpected(operand.to_owned()))
    };
    Ok(op(integer(left)?, integer(right)?))
}

fn left_file_is_older_or_does_not_exist_when_right_does(
    shell: &Shell<impl extensions::ShellExtensions>,
    left: impl AsRef<str>,
    right: impl AsRef<str>,
) -> Result<bool, error::Error> {
    let (l_path, r_path) = (
        shell.absolute_path(Path::new(left.as_ref())),
        shell.absolute_path(Path::new(right.as_ref())),
    );

    match (l_path.metadata(), r_path.metadata()) {
        (Ok(m1), Ok(m2)) => Ok(m1.modified()? < m2.modified()?),
        (Err(_), Ok(_)) => Ok(true),
        _ => Ok(false),
    }
}

fn left_file_is_newer_or_exists_when_right_does_not(
    shell: &Shell<impl extensions::ShellExtensions>,
    left: impl AsRef<str>,
    right: impl AsRef<str>,
) -> Result<bool, error::Error> {
    let (l_path, r_path) = (
        shell.absolute_path(Path::new(left.as_ref())),
        shell.absolute_path(Path::new(right.as_ref())),
    );

    match (l_path.metadata(), r_path.metadata()) {
        (Ok(m1), Ok(m2)) => Ok(m1.modified()? > m2.modified()?),
        (Ok(_), Err(_)) => Ok(true),
        _ => Ok(false),
    }
}

fn files_refer_to_same_device_and_inode_numbers(
    shell: &Shell<impl extensions::ShellExtensions>,
    left: impl AsRef<str>,
    right: impl AsRef<str>,
) -> Result<bool, error::Error> {
    let (l_path, r_path) = (
        shell.absolute_path(Path::new(left.as_ref())),
        shell.absolute_path(Path::new(right.as_ref())),
    );

    if !l_path.readable() || !r_path.readable() {
        return Ok(false);
    }

    Ok(l_path.get_device_and_inode()? == r_path.get_device_and_inode()?)
}
