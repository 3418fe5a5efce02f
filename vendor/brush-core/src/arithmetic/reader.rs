//! The tokens of an arithmetic expression, read one at a time as bash's `readtok` reads them
//! (ncsh patch). Where each token starts is kept, because bash's errors name the rest of the
//! expression from the last token read (`1 @ 2: syntax error: invalid arithmetic operator (error
//! token is "@ 2")`).

use super::EvalError;

/// Where a part of the expression lies: byte offsets into its text.
pub(super) type Span = (usize, usize);

/// A token of an arithmetic expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    /// The end of the expression; also what bash's reader holds before the first token.
    End,
    Number(i64),
    /// A variable, with the subscript between its brackets where it has one.
    Name {
        name: Span,
        subscript: Option<Span>,
    },
    /// `=`.
    Assign,
    /// `*=`, `/=`, `%=`, `+=`, `-=`, `<<=`, `>>=`, `&=`, `^=`, `|=`.
    AssignWith(Operator),
    Operator(Operator),
    Power,
    And,
    Or,
    PreIncrement,
    PreDecrement,
    PostIncrement,
    PostDecrement,
    Not,
    BitNot,
    OpenParen,
    CloseParen,
    Question,
    Colon,
    Comma,
}

/// The operators that take two operands and evaluate both (`**`, `&&` and `||` are tokens of
/// their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Operator {
    Times,
    Divide,
    Modulo,
    Plus,
    Minus,
    ShiftLeft,
    ShiftRight,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
    Equal,
    NotEqual,
    BitAnd,
    BitXor,
    BitOr,
}

/// Reads the tokens of one expression, keeping the token before the current one as bash does:
/// whether it was a variable decides whether `=` may follow, and whether `++` is a suffix.
pub(super) struct Reader<'t> {
    pub text: &'t str,
    position: usize,
    /// Where the last token read starts; the end of the expression leaves it where it was.
    pub token_start: Option<usize>,
    pub current: Token,
    pub last: Token,
}

impl<'t> Reader<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            position: 0,
            token_start: None,
            current: Token::End,
            last: Token::End,
        }
    }

    /// An error found at the current token, in bash's words.
    pub fn failure(&self, message: &'static str) -> EvalError {
        self.failure_at(message, self.token_start)
    }

    /// An error that names the rest of the expression from `token_start`.
    pub fn failure_at(&self, message: &'static str, token_start: Option<usize>) -> EvalError {
        EvalError::InExpression {
            within: "",
            expression: self.text.trim_start_matches([' ', '\t']).to_owned(),
            message,
            token: token_start.map_or_else(String::new, |start| self.text[start..].to_owned()),
        }
    }

    /// Where the text after the current token starts, past spaces and tabs but not newlines:
    /// where bash's division error names the divisor from.
    pub fn after_current(&self) -> usize {
        let rest = &self.text[self.position..];
        self.position + rest.len() - rest.trim_start_matches([' ', '\t']).len()
    }

    /// The text of a span.
    pub fn slice(&self, (start, end): Span) -> &'t str {
        &self.text[start..end]
    }

    /// Reads the next token into `current`, moving the current one to `last`.
    pub fn advance(&mut self) -> Result<(), EvalError> {
        let bytes = self.text.as_bytes();
        let mut at = self.position;
        while at < bytes.len() && is_blank(bytes[at]) {
            at += 1;
        }
        let Some(&first) = bytes.get(at) else {
            self.position = at;
            self.last = self.current;
            self.current = Token::End;
            return Ok(());
        };
        self.token_start = Some(at);
        let (token, end) = if first.is_ascii_alphabetic() || first == b'_' {
            self.name_at(at)?
        } else if first.is_ascii_digit() {
            let end = at
                + count_while(&bytes[at..], |byte| {
                    byte.is_ascii_alphanumeric() || matches!(byte, b'#' | b'@' | b'_')
                });
            // bash cuts the expression short at the number's end while it reads it, so its
            // errors name no more.
            let number = number_value(&self.text[at..end])
                .map_err(|message| Reader::new(&self.text[..end]).failure_at(message, Some(at)))?;
            (Token::Number(number), end)
        } else {
            self.operator_at(at)?
        };
        self.position = end;
        self.last = self.current;
        self.current = token;
        Ok(())
    }

    /// A variable's name at `at`, with its subscript.
    fn name_at(&self, at: usize) -> Result<(Token, usize), EvalError> {
        let bytes = self.text.as_bytes();
        let name_end = at
            + count_while(&bytes[at..], |byte| {
                byte.is_ascii_alphanumeric() || byte == b'_'
            });
        if bytes.get(name_end) != Some(&b'[') {
            let name = (at, name_end);
            return Ok((
                Token::Name {
                    name,
                    subscript: None,
                },
                name_end,
            ));
        }
        // ncsh patch: a quote that closes nowhere is a character of the subscript, as in bash,
        // where the key came from a variable (`w="don't"; ((count[$w]++))` failed).
        let close = closing_bracket(&bytes[name_end..], true)
            .or_else(|| closing_bracket(&bytes[name_end..], false))
            .ok_or_else(|| self.failure("bad array subscript"))?;
        let token = Token::Name {
            name: (at, name_end),
            subscript: Some((name_end + 1, name_end + close)),
        };
        Ok((token, name_end + close + 1))
    }

    /// The operator at `at`, reading two or three characters where they make one.
    fn operator_at(&self, at: usize) -> Result<(Token, usize), EvalError> {
        let bytes = self.text.as_bytes();
        let first = bytes[at];
        let second = bytes.get(at + 1).copied().unwrap_or(0);
        let third = bytes.get(at + 2).copied().unwrap_or(0);
        let two = |token| Ok((token, at + 2));
        match (first, second) {
            (b'=', b'=') => return two(Token::Operator(Operator::Equal)),
            (b'!', b'=') => return two(Token::Operator(Operator::NotEqual)),
            (b'>', b'=') => return two(Token::Operator(Operator::GreaterOrEqual)),
            (b'<', b'=') => return two(Token::Operator(Operator::LessOrEqual)),
            (b'<', b'<') | (b'>', b'>') => {
                let shift = if first == b'<' {
                    Operator::ShiftLeft
                } else {
                    Operator::ShiftRight
                };
                return if third == b'=' {
                    Ok((Token::AssignWith(shift), at + 3))
                } else {
                    two(Token::Operator(shift))
                };
            }
            (b'&', b'&') => return two(Token::And),
            (b'|', b'|') => return two(Token::Or),
            (b'*', b'*') => return two(Token::Power),
            (b'+' | b'-', _) if second == first => {
                if let Some(token) = self.step_at(at, first)? {
                    return two(token);
                }
            }
            // `<=` and `>=` are read above, so these are `*=`, `/=`, `%=`, `+=`, `-=`, `&=`, `^=`
            // and `|=`.
            (_, b'=') => {
                if let Some(operator) = single_operator(first) {
                    return two(Token::AssignWith(operator));
                }
            }
            _ => {}
        }
        let token = match first {
            b'=' => Token::Assign,
            b'!' => Token::Not,
            b'~' => Token::BitNot,
            b'(' => Token::OpenParen,
            b')' => Token::CloseParen,
            b'?' => Token::Question,
            b':' => Token::Colon,
            b',' => Token::Comma,
            _ => match single_operator(first) {
                Some(operator) => Token::Operator(operator),
                // bash asks for an operand where one was due, else calls the character an
                // operator it does not know.
                None if matches!(self.current, Token::Number(_) | Token::Name { .. }) => {
                    return Err(self.failure("syntax error: invalid arithmetic operator"));
                }
                None => return Err(self.failure("syntax error: operand expected")),
            },
        };
        let width = self.text[at..].chars().next().map_or(1, char::len_utf8);
        Ok((token, at + width))
    }

    /// `++` or `--` at `at`: a suffix after a variable, a prefix before one, or (`None`) two
    /// signs.
    fn step_at(&self, at: usize, sign: u8) -> Result<Option<Token>, EvalError> {
        let plus = sign == b'+';
        if matches!(self.current, Token::Name { .. }) {
            return Ok(Some(if plus {
                Token::PostIncrement
            } else {
                Token::PostDecrement
            }));
        }
        // `++x++` and `--x--`: bash refuses the second.
        if matches!(self.current, Token::Number(_))
            && matches!(self.last, Token::PreIncrement | Token::PreDecrement)
        {
            return Err(self.failure(if plus {
                "++: assignment requires lvalue"
            } else {
                "--: assignment requires lvalue"
            }));
        }
        let after = &self.text.as_bytes()[at + 2..];
        let next = after.iter().find(|byte| !is_blank(**byte));
        Ok(next
            .is_some_and(|byte| byte.is_ascii_alphabetic() || *byte == b'_')
            .then_some(if plus {
                Token::PreIncrement
            } else {
                Token::PreDecrement
            }))
    }
}

/// The operator one character makes on its own.
const fn single_operator(character: u8) -> Option<Operator> {
    Some(match character {
        b'*' => Operator::Times,
        b'/' => Operator::Divide,
        b'%' => Operator::Modulo,
        b'+' => Operator::Plus,
        b'-' => Operator::Minus,
        b'<' => Operator::Less,
        b'>' => Operator::Greater,
        b'&' => Operator::BitAnd,
        b'^' => Operator::BitXor,
        b'|' => Operator::BitOr,
        _ => return None,
    })
}

/// The blanks bash skips between tokens: a `$((…))` may span lines.
pub(super) const fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n')
}

fn count_while(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|byte| keep(**byte)).count()
}

/// Where the `]` that closes the `[` that `bytes` starts with is, past nested brackets, and past
/// quotes where `quotes` says so.
fn closing_bracket(bytes: &[u8], quotes: bool) -> Option<usize> {
    let mut depth = 0;
    let mut quote = None;
    for (at, &byte) in bytes.iter().enumerate() {
        match (quote, byte) {
            (Some(open), _) if byte == open => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') if quotes => quote = Some(byte),
            (None, b'[') => depth += 1,
            (None, b']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The value of a number as bash reads one: `0x1f` hexadecimal, `017` octal, `BASE#DIGITS` in
/// any base from 2 to 64, otherwise decimal. It wraps past 64 bits, as bash's does.
fn number_value(text: &str) -> Result<i64, &'static str> {
    let mut digits = text.as_bytes();
    let mut base: i64 = 10;
    let mut based = false;
    if let Some(rest) = digits.strip_prefix(b"0") {
        if rest.is_empty() {
            return Ok(0);
        }
        (base, digits) = match rest {
            [b'x' | b'X', hex @ ..] => (16, hex),
            octal => (8, octal),
        };
        based = true;
    }
    let mut value: i64 = 0;
    for (at, &byte) in digits.iter().enumerate() {
        if byte == b'#' {
            if based {
                return Err("invalid number");
            }
            if !(2..=64).contains(&value) {
                return Err("invalid arithmetic base");
            }
            let next = digits.get(at + 1).copied().unwrap_or(0);
            if !(next.is_ascii_alphanumeric() || matches!(next, b'@' | b'_')) {
                return Err("invalid integer constant");
            }
            (base, value, based) = (value, 0, true);
            continue;
        }
        let digit = i64::from(match byte {
            b'0'..=b'9' => byte - b'0',
            b'a'..=b'z' => byte - b'a' + 10,
            b'A'..=b'Z' if base <= 36 => byte - b'A' + 10,
            b'A'..=b'Z' => byte - b'A' + 36,
            b'@' => 62,
            _ => 63,
        });
        if digit >= base {
            return Err("value too great for base");
        }
        value = value.wrapping_mul(base).wrapping_add(digit);
    }
    Ok(value)
}
