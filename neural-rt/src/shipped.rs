//! The model ncsh ships with, built into the binary so that a fresh install has a working learned
//! runtime without training. `model/README.md` says how it was trained and how it measures.

use candle_core::Device;

use crate::runtime::Runtime;
use crate::train::Options;

/// The options it was trained with.
const OPTIONS: &str = include_str!("../model/options.json");
/// Its weights (safetensors).
const WEIGHTS: &[u8] = include_bytes!("../model/model.safetensors");

/// The shipped model on `device`.
///
/// # Errors
/// When the files built in do not make a model (a broken build).
pub fn runtime(device: &Device) -> Result<Runtime, String> {
    let options: Options = serde_json::from_str(OPTIONS).map_err(|e| e.to_string())?;
    Runtime::from_parts(options, WEIGHTS, device).map_err(|e| e.to_string())
}
