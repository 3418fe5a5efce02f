//! The model in use: the one promoted into a generation with `neural promote`, else the one ncsh
//! ships. The `neural` commands and the hybrid runtime load it from here.

use neural_rt::device::Chosen;
use neural_rt::promotion::Evaluation;
use neural_rt::runtime::Runtime;
use store::BlobHash;

use crate::builtins::Failure;
use crate::daemon::client;

/// Which generation's model.
#[derive(Clone, Copy)]
pub enum Of {
    /// This shell's.
    ThisShell,
    /// The current one, which an update is made from.
    Current,
}

/// The model of generation `of`: the one promoted with `neural promote`, else the shipped one; with
/// its name for reports and its weights' hash (`None` for the shipped model).
pub fn in_use(device: &Chosen, of: Of) -> Result<(Runtime, String, Option<BlobHash>), Failure> {
    match promoted(of)? {
        Some(promoted) => {
            let runtime = Runtime::from_parts(
                promoted.evaluation.options,
                &promoted.weights,
                &device.device,
            )
            .map_err(|e| {
                let e = neural_rt::error_text(e);
                format!("the promoted model cannot be loaded: {e}")
            })?;
            let name = format!("the model of generation {}", promoted.generation);
            Ok((runtime, name, Some(promoted.hash)))
        }
        None => {
            let runtime = neural_rt::shipped::runtime(&device.device)
                .map_err(|e| format!("the shipped model cannot be loaded: {e}"))?;
            Ok((runtime, "the shipped model".to_owned(), None))
        }
    }
}

/// The model's name in the learned runtime's logs: `the shipped model`, or `weights` and the start
/// of their hash. Generations made after a promotion carry the same model, so it is named by its
/// weights, not its generation.
pub fn logged_name(weights: Option<&BlobHash>) -> String {
    weights.map_or_else(
        || "the shipped model".to_owned(),
        |weights| format!("weights {}", weights.short()),
    )
}

/// A model promoted in this shell's generation: its evaluation (options included), its weights, the
/// generation's number and the weights' hash.
struct Promoted {
    evaluation: Evaluation,
    weights: Vec<u8>,
    generation: u64,
    hash: BlobHash,
}

/// The model generation `of` holds, if a store exists and one was promoted.
fn promoted(of: Of) -> Result<Option<Promoted>, Failure> {
    // A user who never updated anything has no store, and needs no daemon for the shipped model.
    if !crate::daemon::store_dir().is_ok_and(|dir| dir.exists()) {
        return Ok(None);
    }
    let generation = match of {
        Of::ThisShell => crate::builtins::pin::this_generation()?,
        Of::Current => client::generation(client::current()?)?,
    };
    let Some(model) = generation.contents.model else {
        return Ok(None);
    };
    let Some(report) = model.eval_report else {
        return Ok(None);
    };
    let evaluation: Evaluation = serde_json::from_slice(&client::blob(report)?)
        .map_err(|e| format!("the promoted model's evaluation cannot be read ({e})"))?;
    Ok(Some(Promoted {
        evaluation,
        weights: client::blob(model.weights)?,
        generation: generation.id,
        hash: model.weights,
    }))
}
