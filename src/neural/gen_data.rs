//! `neural gen-data`: scripted sessions drawn from the session grammar, run through the real host and
//! interpreter in parallel, and written as episode files by split. Generation resumes: a session
//! whose file is there is not run again, and each file is written whole or not at all.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::ProgressBar;
use kernel_bridge::Step;
use neural_rt::data::episode::FORMAT;
use neural_rt::data::probe::Problem;
use neural_rt::data::{
    Command, Episode, EpisodeStep, Family, Header, Split, probe_scripts, session_seed,
};
use serde::Serialize;

use super::sandbox_dir::SandboxDir;

/// What to generate.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The dataset's directory (where plan.json is, so not written in it).
    #[serde(skip)]
    pub out: PathBuf,
    /// How many sessions, besides the probe's.
    pub sessions: u64,
    /// The seed sessions are drawn from.
    pub seed: u64,
    /// Screen rows.
    pub rows: u16,
    /// Screen columns.
    pub cols: u16,
    /// Commands per session, at least.
    pub min_commands: usize,
    /// Commands per session, at most.
    pub max_commands: usize,
    /// Make only the sessions of this split (and the probe's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only: Option<Split>,
    /// Draw commands of these families only (all when none are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub families: Option<Vec<Family>>,
}

/// What a generation did.
#[derive(Debug, Default)]
pub struct Report {
    /// Sessions run and written now.
    pub written: usize,
    /// Sessions already there.
    pub kept: usize,
    /// Steps in the sessions written now.
    pub steps: usize,
    /// Sessions that failed twice: seed and why.
    pub failed: Vec<(u64, String)>,
    /// Whether `stop` ended it with sessions left to make.
    pub stopped: bool,
}

/// The seeds of the probe's sessions (split `probe`), apart from any `--seed`.
const PROBE_SEEDS: u64 = 0x7072_6f62_6500_0000;

/// One session to make.
struct Task {
    seed: u64,
    split: Split,
    /// The probe's scripts are fixed; the others are drawn from the seed when the session is made,
    /// so that a plan of many sessions does not hold every script at once.
    probe_script: Option<Vec<Command>>,
}

impl Task {
    fn script(&self, plan: &Plan, held_out: &[Problem]) -> Vec<Command> {
        self.probe_script.clone().unwrap_or_else(|| {
            neural_rt::data::script(
                self.seed,
                plan.min_commands,
                plan.max_commands,
                held_out,
                plan.families.as_deref().unwrap_or(&Family::ALL),
            )
        })
    }
}

fn tasks(plan: &Plan) -> Vec<Task> {
    let probe = probe_scripts()
        .into_iter()
        .enumerate()
        .map(|(k, script)| Task {
            seed: PROBE_SEEDS + k as u64,
            split: Split::Probe,
            probe_script: Some(script),
        });
    let generated = (0..plan.sessions)
        .map(|i| session_seed(plan.seed, i))
        .filter(|seed| plan.only.is_none_or(|only| Split::of_seed(*seed) == only))
        .map(|seed| Task {
            seed,
            split: Split::of_seed(seed),
            probe_script: None,
        });
    probe.chain(generated).collect()
}

/// Runs the plan with `jobs` sessions at a time, counting sessions on `bar`, which also says when a
/// session waits for its sandbox. Once `stop` says so, no session is started; those written are
/// kept, and the same plan makes the rest.
///
/// # Errors
/// When the dataset directory cannot be written.
pub fn generate(
    plan: &Plan,
    jobs: usize,
    bar: &ProgressBar,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Report, String> {
    std::fs::create_dir_all(&plan.out)
        .map_err(|e| format!("cannot make {}: {e}", plan.out.display()))?;
    // A file where a split's directory belongs would fail every session alike: said once, here.
    for split in [Split::Train, Split::Valid, Split::Test, Split::Probe] {
        Episode::files(&plan.out, split).map_err(|e| e.to_string())?;
    }
    let recorded = plan.out.join("plan.json");
    same_sessions(plan, &recorded)?;
    // Written whole or not at all, as the next run reads it.
    let record = serde_json::to_vec_pretty(plan).map_err(|e| e.to_string())?;
    let partial = recorded.with_extension("partial");
    std::fs::write(&partial, record)
        .and_then(|()| std::fs::rename(&partial, &recorded))
        .map_err(|e| format!("cannot write {}: {e}", recorded.display()))?;
    let tasks = tasks(plan);
    let held_out = neural_rt::data::probe::pool();
    let next = AtomicUsize::new(0);
    bar.set_length(tasks.len() as u64);
    let report = Mutex::new(Report::default());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, tasks.len()) {
            scope.spawn(|| {
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = (!stop()).then(|| make(plan, task, &held_out, bar, stop));
                    let mut report = report.lock().unwrap_or_else(|p| p.into_inner());
                    match outcome {
                        None => {
                            report.stopped = true;
                            break;
                        }
                        Some(Ok(None)) => report.kept += 1,
                        Some(Ok(Some(steps))) => {
                            report.written += 1;
                            report.steps += steps;
                        }
                        // Its wait for a sandbox was cut short: the next run makes it.
                        Some(Err(_)) if stop() => report.stopped = true,
                        Some(Err(why)) => report.failed.push((task.seed, why)),
                    }
                    drop(report);
                    bar.inc(1);
                }
            });
        }
    });
    Ok(report.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// Refuses a plan whose sessions would not be those its directory holds (its `plan.json`, when
/// there is one): a dataset of two seeds or two screen sizes would be mixed without a word. More
/// sessions, or fewer, are the same plan's.
fn same_sessions(plan: &Plan, recorded: &Path) -> Result<(), String> {
    let Ok(bytes) = std::fs::read(recorded) else {
        return Ok(());
    };
    let before: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{} is damaged ({e}); if the dataset was made with today's options, remove it and run \
             the command again",
            recorded.display()
        )
    })?;
    let now = serde_json::to_value(plan).map_err(|e| e.to_string())?;
    let differ: Vec<String> = [
        ("seed", "--seed"),
        ("rows", "--rows"),
        ("cols", "--cols"),
        ("min_commands", "--min-commands"),
        ("max_commands", "--max-commands"),
        ("families", "--families"),
    ]
    .into_iter()
    .filter(|(field, _)| before.get(field) != now.get(field))
    .map(|(field, flag)| {
        format!(
            "{flag} {}",
            before.get(field).unwrap_or(&serde_json::Value::Null)
        )
    })
    .collect();
    if differ.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} holds sessions made with {}; give the same to add to it, or another --out",
        plan.out.display(),
        differ.join(", ")
    ))
}

/// Makes one session's episode unless it is there: the number of steps written, or `None`.
fn make(
    plan: &Plan,
    task: &Task,
    held_out: &[Problem],
    bar: &ProgressBar,
    stop: &dyn Fn() -> bool,
) -> Result<Option<usize>, String> {
    let path = Episode::path(&plan.out, task.split, task.seed);
    if path.exists() {
        return Ok(None);
    }
    let script = task.script(plan, held_out);
    let lines: Vec<String> = script.iter().map(|c| c.line.clone()).collect();
    // A session can be cut short by a machine under load; one more try tells that from a script
    // that cannot run.
    let run = || run_in_sandbox(task.seed, &lines, plan, bar, stop);
    let steps = run().or_else(|_| run())?;
    let episode = episode(plan, task, &script, steps);
    let count = episode.steps.len();
    episode.write(&plan.out).map_err(|e| e.to_string())?;
    Ok(Some(count))
}

fn episode(plan: &Plan, task: &Task, script: &[Command], steps: Vec<Step>) -> Episode {
    let first = steps
        .first()
        .map(|s| s.frame_before.clone())
        .unwrap_or_else(|| kernel_bridge::Frame::blank(plan.rows, plan.cols));
    Episode {
        header: Header {
            format: FORMAT.into(),
            seed: task.seed,
            split: task.split,
            rows: plan.rows,
            cols: plan.cols,
            source: "gen-data".into(),
        },
        first,
        steps: steps
            .into_iter()
            .zip(script)
            .map(|(step, command)| EpisodeStep {
                action: step.action,
                family: Some(command.family),
                exit_status: step.exit_status,
                frame: step.frame_after,
            })
            .collect(),
    }
}

/// How long a session waits for its sandbox before saying so: another session of the same run lets
/// it go within a second or two.
const SANDBOX_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs a session in its sandbox, `/tmp/nc/XXXX` (four hex digits of its seed, so that the prompt
/// and `pwd` are short and the same every time the session is made). Sessions that share the name
/// take turns, and a wait is said on `bar`.
fn run_in_sandbox(
    seed: u64,
    lines: &[String],
    plan: &Plan,
    bar: &ProgressBar,
    stop: &dyn Fn() -> bool,
) -> Result<Vec<Step>, String> {
    let name = format!("{:04x}", seed & 0xffff);
    let waiting = |path: &Path| {
        // Above the bar, and on stderr even when the bar is hidden (a log, not a terminal).
        bar.suspend(|| {
            eprintln!(
                "ncsh: a recorded session is waiting for the sandbox {}, which another ncsh holds \
                 (a neural computer's disk, or another gen-data); it goes on when that one ends, \
                 and Ctrl-C stops it",
                path.display()
            );
        });
    };
    let sandbox = SandboxDir::take(&name, SANDBOX_PATIENCE, &waiting, stop)?;
    let shared = sandbox.path().with_file_name(shared_home());
    let steps = super::session::run(sandbox.path(), &shared, lines, plan.rows, plan.cols);
    sandbox.remove()?;
    steps
}

/// The state directory the sessions share (and so one daemon), one per ncsh build: a daemon left by
/// another build may speak another protocol, and its complaint would be recorded on the screen.
fn shared_home() -> String {
    let build = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("{modified:x}-{:x}", m.len())
        })
        .unwrap_or_default();
    format!(".ncsh-home-{build}")
}
