//! The arithmetic probe: a pool of 1,000 problems `a OP b` (a, b in 0..=99, OP in + − ×) drawn from
//! a fixed seed and never used in training, of which a fixed 100 are asked. A problem is answered
//! right when the frame after it shows the exact value on the row under the command (the row above
//! the prompt that follows it in the true frame).

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

/// The seed the pool is drawn from.
pub const POOL_SEED: u64 = 0x6e63_7368_7072_6f62;
/// How many problems the pool holds.
pub const POOL_SIZE: usize = 1000;
/// How many of them are asked.
pub const SAMPLE_SIZE: usize = 100;
/// The operations a problem may ask.
pub const OPERATIONS: [char; 3] = ['+', '-', '*'];

/// One problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Problem {
    /// The left operand.
    pub a: u32,
    /// `+`, `-` or `*`.
    pub op: char,
    /// The right operand.
    pub b: u32,
}

/// How a problem is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `echo $((a+b))`
    Dollar,
    /// `expr a + b`
    Expr,
    /// `calc 'a+b'`
    Calc,
    /// `a+b`, a bare arithmetic line.
    Bare,
}

/// Every form.
pub const FORMS: [Form; 4] = [Form::Dollar, Form::Expr, Form::Calc, Form::Bare];

impl Form {
    /// The form in a word or two, for tables.
    pub fn name(self) -> &'static str {
        match self {
            Form::Dollar => "$(( ))",
            Form::Expr => "expr",
            Form::Calc => "calc",
            Form::Bare => "bare",
        }
    }
}

impl Problem {
    /// The exact answer.
    pub fn answer(self) -> i64 {
        let (a, b) = (i64::from(self.a), i64::from(self.b));
        match self.op {
            '+' => a + b,
            '-' => a - b,
            _ => a * b,
        }
    }

    /// The command line that asks it in `form`.
    pub fn line(self, form: Form) -> String {
        let Problem { a, op, b } = self;
        match form {
            Form::Dollar => format!("echo $(({a}{op}{b}))"),
            Form::Expr if op == '*' => format!("expr {a} \\* {b}"),
            Form::Expr => format!("expr {a} {op} {b}"),
            Form::Calc => format!("calc '{a}{op}{b}'"),
            Form::Bare => format!("{a}{op}{b}"),
        }
    }
}

/// The 1,000 problems, distinct, in the order drawn.
pub fn pool() -> Vec<Problem> {
    let mut rng = ChaCha8Rng::seed_from_u64(POOL_SEED);
    let mut pool = Vec::with_capacity(POOL_SIZE);
    while pool.len() < POOL_SIZE {
        let problem = Problem {
            a: rng.random_range(0..=99),
            op: OPERATIONS[rng.random_range(0..OPERATIONS.len())],
            b: rng.random_range(0..=99),
        };
        if !pool.contains(&problem) {
            pool.push(problem);
        }
    }
    pool
}

/// The 100 problems asked, each with the form it is asked in.
pub fn sample() -> Vec<(Problem, Form)> {
    let mut pool = pool();
    let mut rng = ChaCha8Rng::seed_from_u64(POOL_SEED + 1);
    pool.shuffle(&mut rng);
    pool.into_iter()
        .take(SAMPLE_SIZE)
        .enumerate()
        .map(|(i, problem)| (problem, FORMS[i % FORMS.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_is_fixed_distinct_and_in_range() {
        let pool = pool();
        assert_eq!(pool, super::pool());
        assert_eq!(pool.len(), POOL_SIZE);
        let distinct: std::collections::BTreeSet<_> = pool.iter().collect();
        assert_eq!(distinct.len(), POOL_SIZE);
        assert!(
            pool.iter()
                .all(|p| p.a <= 99 && p.b <= 99 && "+-*".contains(p.op))
        );
        let sample = sample();
        assert_eq!(sample.len(), SAMPLE_SIZE);
        assert!(sample.iter().all(|(p, _)| pool.contains(p)));
    }

    #[test]
    fn lines_and_answers() {
        let p = Problem {
            a: 7,
            op: '*',
            b: 6,
        };
        assert_eq!(p.answer(), 42);
        assert_eq!(p.line(Form::Expr), "expr 7 \\* 6");
        assert_eq!(p.line(Form::Dollar), "echo $((7*6))");
        assert_eq!(
            Problem {
                a: 3,
                op: '-',
                b: 9
            }
            .answer(),
            -6
        );
    }
}
