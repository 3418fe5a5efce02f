//! `neural-rt`: ncsh's learned runtime.
//!
//! It owns frame and action encoding, the model (candle), inference on CPU and (feature `cuda`) GPU,
//! training, evaluation, and rendering frames to images. It never runs commands.
//!
//! Status: not built yet. This crate exports nothing until the neural-runtime issue lands; nothing in
//! ncsh calls it today.
