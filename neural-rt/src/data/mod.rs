//! The data engine's pure parts: the session grammar that scripts are drawn from, the arithmetic
//! probe held out of training, and the episode files a dataset is made of. Running the scripts
//! through a real shell is the binary's (`neural gen-data`), since this crate runs no commands.

pub mod episode;
pub mod grammar;
pub mod probe;
mod sandbox;

pub use episode::{Episode, EpisodeError, EpisodeStep, Header, Split};
pub use grammar::{Command, Family, script};
pub use probe::{Form, Problem};

/// The seed of session `index` of a dataset drawn from `base` (SplitMix64 of their mix), so that
/// any one session can be made again alone.
pub fn session_seed(base: u64, index: u64) -> u64 {
    let mut z = base
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(index.wrapping_add(1).wrapping_mul(0xbf58_476d_1ce4_e5b9));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The probe's sessions: its 100 problems, ten to a session, each session ending with `exit`.
pub fn probe_scripts() -> Vec<Vec<Command>> {
    probe::sample()
        .chunks(10)
        .map(|chunk| {
            chunk
                .iter()
                .map(|(problem, form)| Command {
                    line: problem.line(*form),
                    family: Family::Arithmetic,
                })
                .chain(std::iter::once(Command {
                    line: "exit".into(),
                    family: Family::Exit,
                }))
                .collect()
        })
        .collect()
}
