//! The learned runtime's parts that run things: recording scripted sessions through the real shell
//! for its dataset. The model, training and evaluation are `neural-rt`'s.

pub mod gen_data;
mod session;
