//! `$RANDOM` once a script seeds it (`RANDOM=42`): the numbers bash gives, in bash's order, from
//! bash's generator (Park and Miller's minimal standard, folded to 15 bits), so that a seeded
//! script repeats itself, and repeats bash (ncsh patch). Unseeded, the numbers are the system's.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// The state of `$RANDOM`. Atomic, because a variable's value is read through a shared
/// reference to the shell.
#[derive(Debug)]
pub struct BashRandom {
    /// The generator's last state, or [`UNSEEDED`].
    state: AtomicU64,
    /// The number given last: bash never gives the same number twice running.
    last: AtomicU32,
}

const UNSEEDED: u64 = u64::MAX;

impl Default for BashRandom {
    fn default() -> Self {
        Self {
            state: AtomicU64::new(UNSEEDED),
            last: AtomicU32::new(0),
        }
    }
}

impl BashRandom {
    /// The state for a subshell: unseeded, as bash seeds a subshell's numbers afresh, so that
    /// `$(echo $RANDOM)` does not repeat its parent's next number.
    pub fn for_subshell(&self) -> Self {
        Self::default()
    }

    /// Seeds the numbers that follow, as `RANDOM=TEXT` does: with the number `TEXT` starts with
    /// (0 where it starts with none; a `-` wraps it), cut to 32 bits, as bash's `strtoul` and its
    /// 32-bit seed.
    pub fn seed(&self, text: &str) {
        let text = text.trim_start();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let digits = &text[..text.bytes().take_while(u8::is_ascii_digit).count()];
        let seed = digits.bytes().fold(0_u32, |seed, digit| {
            seed.wrapping_mul(10).wrapping_add(u32::from(digit - b'0'))
        });
        let seed = if negative { seed.wrapping_neg() } else { seed };
        self.state.store(u64::from(seed), Ordering::Relaxed);
        self.last.store(0, Ordering::Relaxed);
    }

    /// The next number, from 0 to 32767; `None` where nothing seeded them.
    pub fn next(&self) -> Option<u32> {
        let state = self.state.load(Ordering::Relaxed);
        let mut state = u32::try_from(state).ok()?;
        let last = self.last.load(Ordering::Relaxed);
        let number = loop {
            state = park_miller(state);
            let number = ((state >> 16) ^ (state & 0xffff)) & 32767;
            if number != last {
                break number;
            }
        };
        self.state.store(u64::from(state), Ordering::Relaxed);
        self.last.store(number, Ordering::Relaxed);
        Some(number)
    }
}

/// One step of Park and Miller's minimal standard generator, `16807 × x mod (2³¹ − 1)`, computed
/// as bash computes it (Schrage's method); a state of 0 is taken as bash's 123459876.
fn park_miller(state: u32) -> u32 {
    let state = i64::from(if state == 0 { 123_459_876 } else { state });
    let high = state / 127_773;
    let low = state - 127_773 * high;
    let next = 16_807 * low - 2_836 * high;
    let next = if next < 0 { next + 0x7fff_ffff } else { next };
    u32::try_from(next).unwrap_or_default()
}
