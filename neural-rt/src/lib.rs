//! `neural-rt`: ncsh's learned runtime.
//!
//! It owns frame and action encoding, the model (candle), inference on CPU and (feature `cuda`) GPU,
//! training, evaluation, fidelity (the model following a real session, scored step by step), and
//! rendering frames to images. It never runs commands: the data it learns
//! from is recorded by the binary (`neural gen-data`) from real sessions.

pub mod arithmetic_head;
pub mod batch;
pub mod copy_head;
pub mod data;
pub mod device;
pub mod encode;
pub mod eval;
pub mod fidelity;
mod layers;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod optimizer;
pub mod params;
pub mod predict;
pub mod promotion;
pub mod render;
pub mod runtime;
pub mod shipped;
pub mod train;
pub mod train_arithmetic;

/// The text of a candle error, without the backtrace candle attaches to it when `RUST_BACKTRACE`
/// is set: the error names a damaged or ill-fitting file to a user, and a hundred lines of frames
/// would bury that.
pub fn error_text(error: candle_core::Error) -> String {
    fn plain(error: candle_core::Error) -> candle_core::Error {
        match error {
            candle_core::Error::WithBacktrace { inner, .. } => plain(*inner),
            candle_core::Error::Context { inner, context } => candle_core::Error::Context {
                inner: Box::new(plain(*inner)),
                context,
            },
            candle_core::Error::WithPath { inner, path } => candle_core::Error::WithPath {
                inner: Box::new(plain(*inner)),
                path,
            },
            error => error,
        }
    }
    plain(error).to_string()
}

/// Whether `a` and `b` name one file or directory, however spelled: compared as written where
/// either is not there.
pub fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
