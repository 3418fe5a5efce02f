//! bash's arithmetic evaluation (ncsh patch): the expression is read and evaluated in one pass,
//! by recursive descent from the lowest precedence (`,`) to the highest, as bash's `expr.c`
//! does, so that what is evaluated and what is skipped (`0 && x++`, the branch of `?:` not
//! taken), the order of side effects, and each error and the token it names are bash's.

use super::EvalError;
use super::reader::{Operator, Reader, Span, Token, is_blank};
use crate::{Shell, env, extensions, variables};

/// How deep variables may refer to variables whose values are expressions (`a=b`, `b=a`).
const MAX_DEPTH: u32 = 1024;

/// How much stack an expression's next level of nesting may take, at most, and how much more
/// stack is taken where less is left.
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_GROWTH: usize = 4 * 1024 * 1024;

/// The binary operators from the lowest precedence to the highest, down to `*`, `/` and `%`;
/// `&&` and `||` are read apart, because they skip their right operand, and `**` is too, because
/// it groups to the right.
const LEVELS: [&[Operator]; 8] = [
    &[Operator::BitOr],
    &[Operator::BitXor],
    &[Operator::BitAnd],
    &[Operator::Equal, Operator::NotEqual],
    &[
        Operator::LessOrEqual,
        Operator::GreaterOrEqual,
        Operator::Less,
        Operator::Greater,
    ],
    &[Operator::ShiftLeft, Operator::ShiftRight],
    &[Operator::Plus, Operator::Minus],
    &[Operator::Times, Operator::Divide, Operator::Modulo],
];

/// Evaluates `text` as bash evaluates arithmetic; text of nothing but blanks is 0.
///
/// # Errors
/// When `text` is not an expression, or evaluating it fails, in bash's words.
pub(crate) fn evaluate(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    text: &str,
) -> Result<i64, EvalError> {
    evaluate_at_depth(shell, text, 0)
}

fn evaluate_at_depth(
    shell: &mut Shell<impl extensions::ShellExtensions>,
    text: &str,
    depth: u32,
) -> Result<i64, EvalError> {
    if text.bytes().all(is_blank) {
        return Ok(0);
    }
    let mut evaluation = Evaluation {
        shell,
        reader: Reader::new(text),
        skipping: 0,
        depth,
        target: None,
    };
    evaluation.reader.advance()?;
    let value = evaluation.comma()?;
    if evaluation.reader.current != Token::End {
        return Err(evaluation.reader.failure("syntax error in expression"));
    }
    Ok(value)
}

/// A variable an operator may assign, as the expression names it.
struct Target {
    name: Span,
    /// An element's subscript, and the key it gave where it has been worked out: bash works it
    /// out when it reads the element, unless `=` follows, and then after the right-hand side.
    subscript: Option<(Span, Option<String>)>,
}

struct Evaluation<'t, 's, SE: extensions::ShellExtensions> {
    shell: &'s mut Shell<SE>,
    reader: Reader<'t>,
    /// Above 0, operands are read but not evaluated, and nothing is assigned: the right of an
    /// `&&` or `||` that is decided, a branch of `?:` not taken.
    skipping: u32,
    depth: u32,
    /// The variable the last operand read named.
    target: Option<Target>,
}

impl<SE: extensions::ShellExtensions> Evaluation<'_, '_, SE> {
    /// `a, b`: both are evaluated; the value is the last.
    fn comma(&mut self) -> Result<i64, EvalError> {
        let mut value = self.assignment()?;
        while self.reader.current == Token::Comma {
            self.reader.advance()?;
            value = self.assignment()?;
        }
        Ok(value)
    }

    /// `x = …` and `x += …`; they group to the right.
    fn assignment(&mut self) -> Result<i64, EvalError> {
        let value = self.conditional()?;
        let with = match self.reader.current {
            Token::Assign => None,
            Token::AssignWith(operator) => Some(operator),
            _ => return Ok(value),
        };
        let (Token::Name { .. }, Some(mut target)) = (self.reader.last, self.target.take()) else {
            return Err(self.reader.failure("attempted assignment to non-variable"));
        };
        self.reader.advance()?;
        let right = self.nested(Self::assignment)?;
        let value = match with {
            None => right,
            Some(operator) => self.apply(operator, value, right, self.reader.token_start)?,
        };
        if self.skipping == 0 {
            self.assign(&mut target, value)?;
        }
        Ok(value)
    }

    /// `c ? a : b`.
    fn conditional(&mut self) -> Result<i64, EvalError> {
        let condition = self.logical(true)?;
        if self.reader.current != Token::Question {
            return Ok(condition);
        }
        self.reader.advance()?;
        if matches!(self.reader.current, Token::End | Token::Colon) {
            return Err(self.reader.failure("expression expected"));
        }
        let then_value =
            self.skipping_if(condition == 0, |evaluation| evaluation.nested(Self::comma))?;
        if self.reader.current != Token::Colon {
            return Err(self
                .reader
                .failure("`:' expected for conditional expression"));
        }
        let else_value = self.skipping_if(condition != 0, |evaluation| {
            evaluation.reader.advance()?;
            if evaluation.reader.current == Token::End {
                return Err(evaluation.reader.failure("expression expected"));
            }
            evaluation.nested(Self::conditional)
        })?;
        self.reader.last = Token::Question;
        Ok(if condition == 0 {
            else_value
        } else {
            then_value
        })
    }

    /// `a || b` (`or`) and `a && b`: the right operand is skipped where the left decides.
    fn logical(&mut self, or: bool) -> Result<i64, EvalError> {
        let operator = if or { Token::Or } else { Token::And };
        let operand = |evaluation: &mut Self| {
            if or {
                evaluation.logical(false)
            } else {
                evaluation.binary(0)
            }
        };
        let mut value = operand(self)?;
        while self.reader.current == operator {
            let decided = (value != 0) == or;
            let right = self.skipping_if(decided, |evaluation| {
                evaluation.reader.advance()?;
                operand(evaluation)
            })?;
            value = i64::from(if or {
                value != 0 || right != 0
            } else {
                value != 0 && right != 0
            });
            self.reader.last = operator;
        }
        Ok(value)
    }

    /// The operators of [`LEVELS`], from `level` up; they group to the left.
    fn binary(&mut self, level: usize) -> Result<i64, EvalError> {
        let Some(operators) = LEVELS.get(level) else {
            return self.power();
        };
        let mut value = self.binary(level + 1)?;
        while let Token::Operator(operator) = self.reader.current
            && operators.contains(&operator)
        {
            // A division by 0 names the text from the divisor on, as bash's does.
            let operand_start = Some(self.reader.after_current());
            self.reader.advance()?;
            let right = self.binary(level + 1)?;
            value = self.apply(operator, value, right, operand_start)?;
            // So that `x + y = 1` is not an assignment to `y`.
            self.reader.last = Token::Number(value);
        }
        Ok(value)
    }

    /// `a ** b`; it groups to the right.
    fn power(&mut self) -> Result<i64, EvalError> {
        let base = self.unary()?;
        if self.reader.current != Token::Power {
            return Ok(base);
        }
        self.reader.advance()?;
        let exponent = self.nested(Self::power)?;
        self.reader.last = Token::Number(0);
        // bash refuses a negative exponent even where it evaluates nothing (`0 && 2**-1`).
        match u64::try_from(exponent) {
            Ok(exponent) => Ok(wrapping_power(base, exponent)),
            Err(_) => Err(self.reader.failure("exponent less than 0")),
        }
    }

    /// `!a`, `~a`, `-a` and `+a`.
    fn unary(&mut self) -> Result<i64, EvalError> {
        let value = match self.reader.current {
            Token::Not => {
                self.reader.advance()?;
                i64::from(self.nested(Self::unary)? == 0)
            }
            Token::BitNot => {
                self.reader.advance()?;
                !self.nested(Self::unary)?
            }
            Token::Operator(Operator::Minus) => {
                self.reader.advance()?;
                self.nested(Self::unary)?.wrapping_neg()
            }
            Token::Operator(Operator::Plus) => {
                self.reader.advance()?;
                self.nested(Self::unary)?
            }
            _ => return self.operand(),
        };
        // So that `-x = 1` is not an assignment to `x`.
        self.reader.last = Token::Number(value);
        Ok(value)
    }

    /// A number, a variable (with `++` or `--` before or after it), or an expression in
    /// parentheses.
    fn operand(&mut self) -> Result<i64, EvalError> {
        match self.reader.current {
            Token::Number(value) => {
                self.reader.advance()?;
                Ok(value)
            }
            Token::OpenParen => {
                self.reader.advance()?;
                let value = self.nested(Self::comma)?;
                if self.reader.current != Token::CloseParen {
                    return Err(self.reader.failure("missing `)'"));
                }
                self.reader.advance()?;
                Ok(value)
            }
            Token::PreIncrement | Token::PreDecrement => {
                let step = if self.reader.current == Token::PreIncrement {
                    1
                } else {
                    -1
                };
                self.reader.advance()?;
                let Token::Name { name, subscript } = self.reader.current else {
                    return Err(self
                        .reader
                        .failure("identifier expected after pre-increment or pre-decrement"));
                };
                let mut target = self.read_target(name, subscript)?;
                let value = self.value_of(&target)?.wrapping_add(step);
                if self.skipping == 0 {
                    self.assign(&mut target, value)?;
                }
                // So that `++x = 1` is not an assignment, and `++x++` is refused.
                self.reader.current = Token::Number(value);
                self.reader.advance()?;
                Ok(value)
            }
            Token::Name { name, subscript } => {
                self.reader.advance()?;
                // bash does not read a variable that is about to be assigned.
                if self.reader.current == Token::Assign {
                    self.target = Some(Target {
                        name,
                        subscript: subscript.map(|span| (span, None)),
                    });
                    return Ok(0);
                }
                let mut target = self.read_target(name, subscript)?;
                let value = self.value_of(&target)?;
                let step = match self.reader.current {
                    Token::PostIncrement => 1,
                    Token::PostDecrement => -1,
                    _ => {
                        self.target = Some(target);
                        return Ok(value);
                    }
                };
                if self.skipping == 0 {
                    self.assign(&mut target, value.wrapping_add(step))?;
                }
                // So that `x++ = 1` is not an assignment.
                self.reader.current = Token::Number(value);
                self.reader.advance()?;
                Ok(value)
            }
            _ => Err(self.reader.failure("syntax error: operand expected")),
        }
    }

    /// `operation`, one level of nesting deeper, on a stack grown where little of it is left.
    /// Every call by which an expression can nest without bound goes through here
    /// (parentheses, `a = b = 1`, `2 ** 2 ** 2`, `a ? b : c ? d : e`, `- - 1`, a variable whose
    /// value names another): bash takes ten thousand levels, and a Rust stack overflow ends the
    /// process.
    fn nested(
        &mut self,
        operation: impl FnOnce(&mut Self) -> Result<i64, EvalError>,
    ) -> Result<i64, EvalError> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || operation(self))
    }

    /// `operation` with evaluation skipped where `skip` says so.
    fn skipping_if(
        &mut self,
        skip: bool,
        operation: impl FnOnce(&mut Self) -> Result<i64, EvalError>,
    ) -> Result<i64, EvalError> {
        let skip = u32::from(skip);
        self.skipping += skip;
        let value = operation(self);
        self.skipping -= skip;
        value
    }

    /// `left OPERATOR right`, wrapping past 64 bits as bash's does.
    fn apply(
        &self,
        operator: Operator,
        left: i64,
        right: i64,
        right_start: Option<usize>,
    ) -> Result<i64, EvalError> {
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let shift = right as u32;
        Ok(match operator {
            Operator::Divide | Operator::Modulo if right == 0 => {
                // Skipped, the value is not used.
                if self.skipping > 0 {
                    left
                } else {
                    return Err(self.reader.failure_at("division by 0", right_start));
                }
            }
            Operator::Divide => left.wrapping_div(right),
            Operator::Modulo => left.wrapping_rem(right),
            Operator::Times => left.wrapping_mul(right),
            Operator::Plus => left.wrapping_add(right),
            Operator::Minus => left.wrapping_sub(right),
            Operator::ShiftLeft => left.wrapping_shl(shift),
            Operator::ShiftRight => left.wrapping_shr(shift),
            Operator::Less => i64::from(left < right),
            Operator::Greater => i64::from(left > right),
            Operator::LessOrEqual => i64::from(left <= right),
            Operator::GreaterOrEqual => i64::from(left >= right),
            Operator::Equal => i64::from(left == right),
            Operator::NotEqual => i64::from(left != right),
            Operator::BitAnd => left & right,
            Operator::BitXor => left ^ right,
            Operator::BitOr => left | right,
        })
    }

    /// The variable an operand names, with its element's key worked out where it is read.
    fn read_target(&mut self, name: Span, subscript: Option<Span>) -> Result<Target, EvalError> {
        let subscript = match subscript {
            Some(span) if self.skipping == 0 => {
                let key = self.element_key(self.reader.slice(name), self.reader.slice(span))?;
                Some((span, Some(key)))
            }
            Some(span) => Some((span, None)),
            None => None,
        };
        Ok(Target { name, subscript })
    }

    /// The key of element `subscript` of the array `name`: an associative array's is the text,
    /// an indexed array's the subscript evaluated.
    fn element_key(&mut self, name: &str, text: &str) -> Result<String, EvalError> {
        let associative = (self.shell.env().get(name))
            .is_some_and(|(_, variable)| variable.value().is_associative_array());
        if associative {
            Ok(text.to_owned())
        } else {
            let depth = self.depth;
            Ok(self
                .nested(|evaluation| evaluate_at_depth(evaluation.shell, text, depth))?
                .to_string())
        }
    }

    /// The value of a variable or element, its text evaluated as an expression; unset or empty,
    /// 0. Skipped evaluation reads nothing.
    fn value_of(&mut self, target: &Target) -> Result<i64, EvalError> {
        if self.skipping > 0 {
            return Ok(0);
        }
        let (name, element) = match &target.subscript {
            // An element whose key was not worked out (only where evaluation is skipped) reads
            // as unset.
            Some((_, key)) => (self.reader.slice(target.name).to_owned(), Some(key.clone())),
            None => match self.referred_element(self.reader.slice(target.name))? {
                Some((array, key)) => (array, Some(Some(key))),
                None => (self.reader.slice(target.name).to_owned(), None),
            },
        };
        let text = self.shell.env_var(&name).and_then(|variable| {
            let value = variable.resolve_value(self.shell);
            match &element {
                None => value
                    .is_set()
                    .then(|| value.to_cow_str(self.shell).into_owned()),
                Some(key) => key
                    .as_ref()
                    .and_then(|key| value.get_at(key, self.shell).ok().flatten())
                    .map(|text| text.into_owned()),
            }
        });
        // Under `set -u`, bash refuses a variable that is unset, but not an unset element of an
        // array that is set (`(( count[$word]++ ))`).
        let Some(text) = text else {
            let unbound = self.shell.options().treat_unset_variables_as_error
                && (element.is_none()
                    || (self.shell.env_var(&name)).is_none_or(|array| !array.value().is_set()));
            if unbound {
                return Err(EvalError::ExpandingUnsetVariable(name.to_owned()));
            }
            return Ok(0);
        };
        if let Some(number) = plain_decimal(&text) {
            return Ok(number);
        }
        // bash counts the expression it was given as the first level.
        if self.depth + 1 >= MAX_DEPTH {
            return Err(self
                .reader
                .failure_at("expression recursion level exceeded", Some(target.name.0)));
        }
        self.nested(|evaluation| evaluate_at_depth(evaluation.shell, &text, evaluation.depth + 1))
    }

    /// The array and key of the element a name reference names (`declare -n r=a[1]`), which
    /// bash reads in its place.
    fn referred_element(&mut self, name: &str) -> Result<Option<(String, String)>, EvalError> {
        let referred = self
            .shell
            .env()
            .resolve_nameref(name, env::EnvironmentLookup::Anywhere);
        let Ok(Some((referred, _))) = referred else {
            return Ok(None);
        };
        let Some((array, subscript)) = env::split_subscript(&referred) else {
            return Ok(None);
        };
        let key = self.element_key(array, subscript)?;
        Ok(Some((array.to_owned(), key)))
    }

    /// Sets a variable or element to `value`, working out the element's key first where it was
    /// not worked out when it was read.
    fn assign(&mut self, target: &mut Target, value: i64) -> Result<(), EvalError> {
        let name = self.reader.slice(target.name);
        if self
            .shell
            .env()
            .get(name)
            .is_some_and(|(_, variable)| variable.is_readonly())
        {
            return Err(EvalError::ReadonlyVariable(name.to_owned()));
        }
        let value = value.to_string();
        let assigned = match &mut target.subscript {
            // `((SECONDS = 0))` and `((RANDOM = 42))` set the shell's count and seed.
            None if self.shell.assign_special_variable(name, &value) => Ok(()),
            None => self.shell.env_mut().update_or_add(
                name,
                variables::ShellValueLiteral::Scalar(value),
                |_| Ok(()),
                env::EnvironmentLookup::Anywhere,
                env::EnvironmentScope::Global,
            ),
            Some((subscript, key)) => {
                let key = match key.take() {
                    Some(key) => key,
                    None => {
                        let name = self.reader.slice(target.name);
                        self.element_key(name, self.reader.slice(*subscript))?
                    }
                };
                self.shell.env_mut().update_or_add_array_element(
                    name,
                    key,
                    value,
                    |_| Ok(()),
                    env::EnvironmentLookup::Anywhere,
                    env::EnvironmentScope::Global,
                )
            }
        };
        assigned.map_err(|error| EvalError::NotAssigned(error.to_string()))
    }
}

/// `base` to the power `exponent`, wrapping past 64 bits.
const fn wrapping_power(mut base: i64, mut exponent: u64) -> i64 {
    let mut result: i64 = 1;
    while exponent > 0 {
        if exponent % 2 == 1 {
            result = result.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exponent /= 2;
    }
    result
}

/// `text` as a number where it is one written in decimal, with an optional `-`: no leading zero
/// (which would make it octal), no spaces, nothing past 64 bits (which wraps). It is read without
/// the evaluator: a loop's counter is read each round.
fn plain_decimal(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain.then(|| text.parse().ok()).flatten()
}
