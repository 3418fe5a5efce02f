//! `neural`: the learned runtime's data engine, training, evaluation and rendering. (`nc` stays
//! netcat's.)

mod ctrl_c;
mod eval;
mod fidelity;
mod gen_data;
mod import_cast;
mod model;
mod promote;
mod render;
mod status;
mod test_set;
mod train;

use clap::{Parser, Subcommand};

use super::{Builtin, Failure, Io};

/// Sessions to run at once: `asked`, else one per core.
fn jobs(asked: Option<usize>) -> usize {
    asked.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A progress bar on standard error with `template` (indicatif's), hidden where that is no terminal.
fn progress_bar(template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// The learned runtime: record the data it learns from, train it, evaluate it.
#[derive(Parser)]
#[command(name = "neural")]
pub struct Neural {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Run scripted sessions through the real shell and record their steps as a dataset
    /// (train/valid/test by seed, and the arithmetic probe apart). Resumes where it stopped.
    GenData(gen_data::GenData),
    /// Turn asciicast v2 recordings into episodes (steps cut at prompts, or at Enter).
    ImportCast(import_cast::ImportCast),
    /// Train the model on a dataset's train split, with checkpoints; resumes where it stopped.
    Train(train::Train),
    /// Measure a model on held-out sessions: the paper's measures, the arithmetic probe, the closed
    /// loop and step latency.
    Eval(eval::Eval),
    /// Make trained weights the model in use (a new generation), if they measure no worse than the
    /// current model on the fixed test set; a refusal is audited with its reason.
    Promote(promote::Promote),
    /// How well the model predicted your own interactive sessions (the hybrid runtime), by model;
    /// with --computer, how often it drew the exact screen in the neural computer's sessions.
    Fidelity(fidelity::Fidelity),
    /// Write PNG images of a session's true and predicted screens and the cells that differ.
    Render(render::Render),
    /// The model in use, the device, and whether a GPU is there.
    Status(status::Status),
}

impl Builtin for Neural {
    fn run(self, io: &mut Io) -> Result<u8, Failure> {
        match self.action {
            Action::GenData(args) => args.run(io),
            Action::ImportCast(args) => args.run(io),
            Action::Train(args) => args.run(io),
            Action::Eval(args) => args.run(io),
            Action::Promote(args) => args.run(io),
            Action::Fidelity(args) => args.run(io),
            Action::Render(args) => args.run(io),
            Action::Status(args) => args.run(io),
        }
    }
}
