//! calc: exact arithmetic on integers and fractions of any size, as a WASI command.
//!
//!     calc '2^200'          1606938044258990275541962092341162602522202993782792835301376
//!     calc '1/3 + 1/6'      1/2
//!     calc -i '-7 / 2'      -3        (--int: `/` and `%` as bash's $(( )) does them)
//!     echo '10+15' | calc   25        (no expression: one per line of standard input)
//!
//! Operators: + - * / % ^, parentheses, unary minus; also the signs − × ÷. `^` binds tightest and
//! groups to the right (-2^2 is -4, 2^3^2 is 512). `%` takes integers; its sign follows the
//! dividend, as in bash. Decimals such as 0.1 are exact fractions (1/10).
//!
//! Exit status: 0, or 1 for an arithmetic error (division by zero), 2 for a syntax error.
//!
//! Built for wasm32-wasi by symbolic's build script with the system's rustc (1.63 on Debian 12), so it
//! keeps to the Rust of that version, and to std alone.

use std::cmp::Ordering;
use std::io::BufRead;

// ---------------------------------------------------------------------------------------------
// Magnitudes: little-endian base-2^32 limbs, no high zero limbs (zero is empty).

fn trim(mut v: Vec<u32>) -> Vec<u32> {
    while v.last() == Some(&0) {
        v.pop();
    }
    v
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u64;
    for i in 0..a.len().max(b.len()) {
        let sum = carry + *a.get(i).unwrap_or(&0) as u64 + *b.get(i).unwrap_or(&0) as u64;
        out.push(sum as u32);
        carry = sum >> 32;
    }
    if carry > 0 {
        out.push(carry as u32);
    }
    trim(out)
}

/// a - b, for a >= b.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for i in 0..a.len() {
        let mut diff = a[i] as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        borrow = 0;
        if diff < 0 {
            diff += 1 << 32;
            borrow = 1;
        }
        out.push(diff as u32);
    }
    trim(out)
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let cur = out[i + j] as u64 + x as u64 * y as u64 + carry;
            out[i + j] = cur as u32;
            carry = cur >> 32;
        }
        let mut k = i + b.len();
        while carry > 0 {
            let cur = out[k] as u64 + carry;
            out[k] = cur as u32;
            carry = cur >> 32;
            k += 1;
        }
    }
    trim(out)
}

/// (a / d, a % d) for a one-limb divisor.
fn divmod_small(a: &[u32], d: u32) -> (Vec<u32>, u32) {
    let mut out = vec![0u32; a.len()];
    let mut rem = 0u64;
    for i in (0..a.len()).rev() {
        let cur = (rem << 32) | a[i] as u64;
        out[i] = (cur / d as u64) as u32;
        rem = cur % d as u64;
    }
    (trim(out), rem as u32)
}

fn bits(a: &[u32]) -> usize {
    match a.last() {
        None => 0,
        Some(top) => (a.len() - 1) * 32 + (32 - top.leading_zeros() as usize),
    }
}

fn shl1_or(a: &mut Vec<u32>, bit: u32) {
    let mut carry = bit;
    for limb in a.iter_mut() {
        let next = *limb >> 31;
        *limb = (*limb << 1) | carry;
        carry = next;
    }
    if carry > 0 {
        a.push(carry);
    }
}

/// (a / d, a % d), d not zero: long division, one bit at a time.
fn divmod_mag(a: &[u32], d: &[u32]) -> (Vec<u32>, Vec<u32>) {
    if d.len() == 1 {
        let (q, r) = divmod_small(a, d[0]);
        return (q, trim(vec![r]));
    }
    if cmp_mag(a, d) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    let n = bits(a);
    let mut q = vec![0u32; a.len()];
    let mut r: Vec<u32> = Vec::new();
    for i in (0..n).rev() {
        shl1_or(&mut r, (a[i / 32] >> (i % 32)) & 1);
        if cmp_mag(&r, d) != Ordering::Less {
            r = sub_mag(&r, d);
            q[i / 32] |= 1 << (i % 32);
        }
    }
    (trim(q), r)
}

// ---------------------------------------------------------------------------------------------
// Signed integers.

#[derive(Clone, Debug, PartialEq, Eq)]
struct Int {
    neg: bool,
    mag: Vec<u32>,
}

impl Int {
    fn zero() -> Int {
        Int { neg: false, mag: Vec::new() }
    }
    fn from_u64(v: u64) -> Int {
        Int { neg: false, mag: trim(vec![v as u32, (v >> 32) as u32]) }
    }
    fn make(neg: bool, mag: Vec<u32>) -> Int {
        let neg = neg && !mag.is_empty();
        Int { neg, mag }
    }
    fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }
    fn is_one(&self) -> bool {
        !self.neg && self.mag == [1]
    }
    fn negate(&self) -> Int {
        Int::make(!self.neg, self.mag.clone())
    }
    fn abs(&self) -> Int {
        Int::make(false, self.mag.clone())
    }
    fn add(&self, o: &Int) -> Int {
        if self.neg == o.neg {
            return Int::make(self.neg, add_mag(&self.mag, &o.mag));
        }
        match cmp_mag(&self.mag, &o.mag) {
            Ordering::Less => Int::make(o.neg, sub_mag(&o.mag, &self.mag)),
            _ => Int::make(self.neg, sub_mag(&self.mag, &o.mag)),
        }
    }
    fn mul(&self, o: &Int) -> Int {
        Int::make(self.neg != o.neg, mul_mag(&self.mag, &o.mag))
    }
    /// Truncated division (toward zero) and the remainder with the dividend's sign, as C and bash.
    fn divrem(&self, o: &Int) -> (Int, Int) {
        let (q, r) = divmod_mag(&self.mag, &o.mag);
        (Int::make(self.neg != o.neg, q), Int::make(self.neg, r))
    }
    fn gcd(&self, o: &Int) -> Int {
        let mut a = self.abs();
        let mut b = o.abs();
        while !b.is_zero() {
            let (_, r) = a.divrem(&b);
            a = b;
            b = r;
        }
        a
    }
    fn to_u64(&self) -> Option<u64> {
        if self.neg || self.mag.len() > 2 {
            return None;
        }
        Some(self.mag.iter().rev().fold(0u64, |acc, &l| (acc << 32) | l as u64))
    }
    fn pow(&self, mut e: u64) -> Int {
        let mut base = self.clone();
        let mut out = Int::from_u64(1);
        while e > 0 {
            if e & 1 == 1 {
                out = out.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        out
    }
    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        let mut chunks = Vec::new();
        let mut mag = self.mag.clone();
        while !mag.is_empty() {
            let (q, r) = divmod_small(&mag, 1_000_000_000);
            chunks.push(r);
            mag = q;
        }
        let mut text = String::new();
        if self.neg {
            text.push('-');
        }
        text.push_str(&chunks.pop().unwrap_or(0).to_string());
        while let Some(chunk) = chunks.pop() {
            text.push_str(&format!("{:09}", chunk));
        }
        text
    }
}

// ---------------------------------------------------------------------------------------------
// Fractions, always in lowest terms with a positive denominator.

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rat {
    num: Int,
    den: Int,
}

impl Rat {
    fn int(num: Int) -> Rat {
        Rat { num, den: Int::from_u64(1) }
    }
    fn make(num: Int, den: Int) -> Result<Rat, Failure> {
        if den.is_zero() {
            return Err(Failure::math("division by zero"));
        }
        let g = num.gcd(&den);
        let (mut num, mut den) = if g.is_zero() || g.is_one() {
            (num, den)
        } else {
            (num.divrem(&g).0, den.divrem(&g).0)
        };
        if den.neg {
            num = num.negate();
            den = den.negate();
        }
        Ok(Rat { num, den })
    }
    fn is_int(&self) -> bool {
        self.den.is_one()
    }
    fn to_text(&self) -> String {
        if self.is_int() {
            self.num.to_decimal()
        } else {
            format!("{}/{}", self.num.to_decimal(), self.den.to_decimal())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors.

struct Failure {
    message: String,
    status: i32,
}

impl Failure {
    fn math(message: &str) -> Failure {
        Failure { message: message.to_string(), status: 1 }
    }
    fn syntax(column: usize, message: &str) -> Failure {
        Failure { message: format!("syntax error at column {}: {}", column, message), status: 2 }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and evaluation: a recursive-descent parser that evaluates as it goes.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Exact fractions.
    Exact,
    /// Integers, with `/` truncating as in bash's $(( )).
    Bash,
}

/// How deep an expression may nest: deeper, the parser's recursion runs out of the stack
/// wasmtime gives the guest (at about 700 levels) and crashes it.
const MAX_DEPTH: usize = 256;

struct Parser {
    chars: Vec<char>,
    at: usize,
    mode: Mode,
    /// Operands being read, one inside another.
    depth: usize,
}

impl Parser {
    fn skip_space(&mut self) {
        while self.at < self.chars.len() && self.chars[self.at].is_whitespace() {
            self.at += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.chars.get(self.at).copied().map(|c| match c {
            '−' => '-',
            '×' | '·' => '*',
            '÷' => '/',
            '*' if self.chars.get(self.at + 1) == Some(&'*') => '^',
            other => other,
        })
    }
    fn bump(&mut self) {
        let double = self.chars.get(self.at) == Some(&'*') && self.chars.get(self.at + 1) == Some(&'*');
        self.at += if double { 2 } else { 1 };
    }
    fn column(&self) -> usize {
        self.at + 1
    }

    fn expression(&mut self) -> Result<Rat, Failure> {
        let mut value = self.term()?;
        loop {
            match self.peek() {
                Some('+') => {
                    self.bump();
                    let rhs = self.term()?;
                    value = add(&value, &rhs)?;
                }
                Some('-') => {
                    self.bump();
                    let rhs = self.term()?;
                    value = add(&value, &Rat { num: rhs.num.negate(), den: rhs.den })?;
                }
                _ => return Ok(value),
            }
        }
    }

    fn term(&mut self) -> Result<Rat, Failure> {
        let mut value = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(c) if c == '*' || c == '/' || c == '%' => c,
                _ => return Ok(value),
            };
            self.bump();
            let rhs = self.unary()?;
            value = match op {
                '*' => Rat::make(value.num.mul(&rhs.num), value.den.mul(&rhs.den))?,
                '/' if self.mode == Mode::Bash => {
                    if rhs.num.is_zero() {
                        return Err(Failure::math("division by zero"));
                    }
                    Rat::int(value.num.divrem(&rhs.num).0)
                }
                '/' => Rat::make(value.num.mul(&rhs.den), value.den.mul(&rhs.num))?,
                _ => {
                    if !value.is_int() || !rhs.is_int() {
                        return Err(Failure::math("% takes integers"));
                    }
                    if rhs.num.is_zero() {
                        return Err(Failure::math("division by zero"));
                    }
                    Rat::int(value.num.divrem(&rhs.num).1)
                }
            };
        }
    }

    /// Every operand nested in another is read here, so the depth is kept here.
    fn unary(&mut self) -> Result<Rat, Failure> {
        if self.depth > MAX_DEPTH {
            return Err(Failure::syntax(
                self.column(),
                &format!("nested more than {} deep", MAX_DEPTH),
            ));
        }
        self.depth += 1;
        let value = self.signed();
        self.depth -= 1;
        value
    }

    fn signed(&mut self) -> Result<Rat, Failure> {
        match self.peek() {
            Some('-') => {
                self.bump();
                let value = self.unary()?;
                Ok(Rat { num: value.num.negate(), den: value.den })
            }
            Some('+') => {
                self.bump();
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Rat, Failure> {
        let base = self.atom()?;
        if self.peek() != Some('^') {
            return Ok(base);
        }
        self.bump();
        let column = self.column();
        let exponent = self.unary()?;
        if !exponent.is_int() {
            return Err(Failure::math("^ takes a whole exponent"));
        }
        let e = match exponent.num.abs().to_u64() {
            Some(e) => e,
            None => return Err(Failure::syntax(column, "the exponent is too large")),
        };
        let num = base.num.pow(e);
        let den = base.den.pow(e);
        if exponent.num.neg {
            if self.mode == Mode::Bash {
                return Err(Failure::math("exponent less than 0"));
            }
            Rat::make(den, num)
        } else {
            Rat::make(num, den)
        }
    }

    fn atom(&mut self) -> Result<Rat, Failure> {
        match self.peek() {
            Some('(') => {
                self.bump();
                let value = self.expression()?;
                if self.peek() != Some(')') {
                    return Err(Failure::syntax(self.column(), "expected `)`"));
                }
                self.bump();
                Ok(value)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) => Err(Failure::syntax(self.column(), &format!("unexpected `{}`", c))),
            None => Err(Failure::syntax(self.column(), "expected a number")),
        }
    }

    fn number(&mut self) -> Result<Rat, Failure> {
        let start = self.column();
        let ten = Int::from_u64(10);
        let mut num = Int::zero();
        let mut den = Int::from_u64(1);
        let mut digits = 0;
        let mut point = false;
        while let Some(&c) = self.chars.get(self.at) {
            if c == '.' && !point {
                point = true;
            } else if let Some(d) = c.to_digit(10) {
                num = num.mul(&ten).add(&Int::from_u64(d as u64));
                if point {
                    den = den.mul(&ten);
                }
                digits += 1;
            } else if c == '_' {
            } else {
                break;
            }
            self.at += 1;
        }
        if digits == 0 {
            return Err(Failure::syntax(start, "expected a number"));
        }
        if point && self.mode == Mode::Bash {
            return Err(Failure::syntax(start, "--int takes whole numbers only"));
        }
        Rat::make(num, den)
    }
}

fn add(a: &Rat, b: &Rat) -> Result<Rat, Failure> {
    Rat::make(a.num.mul(&b.den).add(&b.num.mul(&a.den)), a.den.mul(&b.den))
}

fn evaluate(text: &str, mode: Mode) -> Result<Rat, Failure> {
    let mut parser = Parser { chars: text.chars().collect(), at: 0, mode, depth: 0 };
    let value = parser.expression()?;
    match parser.peek() {
        None => Ok(value),
        Some(c) => Err(Failure::syntax(parser.column(), &format!("unexpected `{}`", c))),
    }
}

const HELP: &str = "calc: exact arithmetic on integers and fractions of any size

Usage: calc [-i|--int] [EXPRESSION...]
       calc [-i|--int] < lines

  + - * / % ^ ( )    also − × ÷; ^ (or **) binds tightest, -2^2 is -4
  -i, --int          integers only; / and % as bash's $(( )) does them
  -h, --help         this text

With no expression, each line of standard input is one.
Exit status: 0; 1 for an arithmetic error; 2 for a syntax error.
";

fn main() {
    let mut mode = Mode::Exact;
    let mut words = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-i" | "--int" => mode = Mode::Bash,
            "-h" | "--help" => {
                print!("{}", HELP);
                return;
            }
            // An expression has no letters: a dash before one starts an option, which was read
            // as an expression and refused as a syntax error at its letter.
            option if option.starts_with('-') && option.trim_start_matches('-').starts_with(|c: char| c.is_ascii_alphabetic()) => {
                eprintln!("calc: unknown option '{}'; `calc --help` lists them", option);
                std::process::exit(2);
            }
            _ => words.push(arg),
        }
    }
    let lines: Vec<String> = if words.is_empty() {
        std::io::stdin().lock().lines().filter_map(|l| l.ok()).filter(|l| !l.trim().is_empty()).collect()
    } else {
        vec![words.join(" ")]
    };
    let mut status = 0;
    for line in lines {
        match evaluate(&line, mode) {
            Ok(value) => println!("{}", value.to_text()),
            Err(failure) => {
                eprintln!("calc: {}", failure.message);
                status = status.max(failure.status);
            }
        }
    }
    std::process::exit(status);
}
