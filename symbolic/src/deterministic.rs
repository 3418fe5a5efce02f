//! Deterministic mode, for replay: no wall clock and no entropy reach the guest, and fuel (counted
//! instructions) stands in for wall time, so the same capability on the same input gives the same
//! bytes and uses the same fuel every time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use wasmtime_wasi::{HostMonotonicClock, HostWallClock};

/// How a deterministic run is set up; recorded with the call so that a replay can set it up again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deterministic {
    /// Seeds the guest's random numbers.
    pub seed: u64,
    /// The fuel the run may use (the wall-time limit does not apply).
    pub fuel: u64,
}

/// A clock that starts at a fixed time and moves 1 ms each time it is read: time passes for the
/// guest (a loop that waits for it ends) but the same reads give the same times.
#[derive(Debug)]
pub struct VirtualClock {
    reads: AtomicU64,
}

/// The virtual wall clock's start: 2026-01-01T00:00:00Z.
const START: Duration = Duration::from_secs(1_767_225_600);

impl VirtualClock {
    /// A clock at its start.
    pub fn new() -> Self {
        Self {
            reads: AtomicU64::new(0),
        }
    }

    fn tick(&self) -> Duration {
        Duration::from_millis(self.reads.fetch_add(1, Ordering::SeqCst))
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl HostWallClock for VirtualClock {
    fn resolution(&self) -> Duration {
        Duration::from_millis(1)
    }

    fn now(&self) -> Duration {
        START + self.tick()
    }
}

impl HostMonotonicClock for VirtualClock {
    fn resolution(&self) -> u64 {
        1_000_000
    }

    fn now(&self) -> u64 {
        u64::try_from(self.tick().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// 4 KiB of bytes drawn from `seed` (splitmix64), which the guest's random sources cycle through.
pub fn random_bytes(seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut bytes = Vec::with_capacity(4096);
    while bytes.len() < 4096 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        bytes.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    bytes
}
