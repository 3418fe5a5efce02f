//! The learned runtime's parts that run things: recording scripted sessions through the real shell
//! for its dataset, and following an interactive session in the hybrid runtime. The model,
//! training and evaluation are `neural-rt`'s.

pub mod computer;
pub mod gen_data;
pub mod hybrid;
pub mod model;
mod sandbox_dir;
mod session;
pub mod state_log;
