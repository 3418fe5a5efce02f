//! `neural eval`: a model measured on held-out sessions with the paper's measures, overall and per
//! command family, with exact-line accuracy also split by kind of line; the arithmetic probe; the
//! closed loop (its own predictions fed back) by horizon; and the latency of one step.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use kernel_bridge::Frame;
use serde::{Deserialize, Serialize};

use crate::batch::still_running;
use crate::data::probe::{FORMS, OPERATIONS, sample};
use crate::data::{Episode, Split};
use crate::metrics::{LineKinds, Scores, score};
use crate::runtime::Runtime;

/// Horizons the closed loop is reported at.
pub const HORIZONS: [usize; 4] = [1, 5, 10, 20];

/// Sessions predicted at once.
const LOCKSTEP: usize = 32;

/// How far an evaluation is: the part under way, and its sessions done and in all.
pub struct Progress<'a> {
    /// `open loop`, `closed loop`, `arithmetic probe` or `latency`.
    pub part: &'a str,
    /// Sessions of it done.
    pub done: usize,
    /// Sessions in it.
    pub of: usize,
}

/// Told how an evaluation goes, after each group of sessions; the evaluation stops, with
/// [`Stopped`], where it gives `false`.
pub type Watch<'a> = dyn FnMut(&Progress) -> bool + 'a;

/// An evaluation stopped by its [`Watch`] before its end.
#[derive(Debug, thiserror::Error)]
#[error("the evaluation was stopped before its end")]
pub struct Stopped;

/// Sums of [`Scores`] over steps.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Steps scored.
    pub steps: usize,
    /// Mean char accuracy.
    pub char_accuracy: f64,
    /// Right lines over lines.
    pub exact_line: f64,
    /// Share of steps with the cursor right.
    pub cursor: f64,
    /// Share of steps with the whole frame right.
    pub frame_exact: f64,
    #[serde(skip)]
    sums: (f64, usize, usize, usize, usize),
}

impl Summary {
    /// Counts one more step.
    pub fn add(&mut self, s: &Scores) {
        self.steps += 1;
        self.sums.0 += s.char_accuracy;
        self.sums.1 += s.lines_right;
        self.sums.2 += s.lines;
        self.sums.3 += usize::from(s.cursor);
        self.sums.4 += usize::from(s.exact);
        let n = self.steps as f64;
        self.char_accuracy = self.sums.0 / n;
        self.exact_line = self.sums.1 as f64 / self.sums.2.max(1) as f64;
        self.cursor = self.sums.3 as f64 / n;
        self.frame_exact = self.sums.4 as f64 / n;
    }
}

/// The probe's result.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Probe {
    /// Problems asked.
    pub asked: usize,
    /// Answered with the exact value by the model alone.
    pub right: usize,
    /// right / asked.
    pub accuracy: f64,
    /// The model alone by operation (`+`, `-`, `*`), in that order; empty in reports from before
    /// it was measured.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_operation: Vec<Share>,
    /// The model alone by the form a problem was typed in
    /// ([`Form::name`](crate::data::Form::name)), in the order of [`FORMS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_form: Vec<Share>,
    /// The same problems asked of the neural computer, where an exact operation checks the model
    /// ([`Verify`]); `None` when nothing was given to check with (and in reports from before it
    /// was measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer: Option<ComputerProbe>,
}

/// The problems of one kind that the model alone answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The kind: an operation or a form.
    pub kind: String,
    /// Problems of it asked.
    pub asked: usize,
    /// Answered with the exact value.
    pub right: usize,
}

impl Share {
    fn of(kind: impl Into<String>) -> Self {
        Share {
            kind: kind.into(),
            ..Share::default()
        }
    }

    fn count(&mut self, right: bool) {
        self.asked += 1;
        self.right += usize::from(right);
    }
}

/// The probe asked of the neural computer (DESIGN.md, "Runtime modes"): the screen shown is the
/// exact one where the line could be checked, and the model's where it could not.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct ComputerProbe {
    /// Answered with the exact value on the screen shown.
    pub right: usize,
    /// Problems whose screen an exact operation gave.
    pub verified: usize,
    /// right / asked.
    pub accuracy: f64,
}

/// The screen an exact operation leaves after the line `action` typed at the screen `before`, as
/// the neural computer shows it in place of the model's; `None` when nothing can check the line.
pub type Verify<'a> = dyn Fn(&Frame, &str) -> Option<Frame> + 'a;

/// Step latency, in milliseconds, one session at a time.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Latency {
    /// Steps timed.
    pub steps: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
}

impl Latency {
    /// The percentiles of `times`, in milliseconds.
    pub fn of(mut times: Vec<f64>) -> Self {
        times.sort_by(f64::total_cmp);
        let at = |q: f64| {
            times
                .get(((times.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        Self {
            steps: times.len(),
            p50_ms: at(0.5),
            p99_ms: at(0.99),
        }
    }
}

/// Everything `neural eval` reports.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Report {
    /// The sessions evaluated.
    pub sessions: usize,
    /// Open loop (each step from the true screen before it), overall.
    pub overall: Summary,
    /// The same, per command family.
    pub families: BTreeMap<String, Summary>,
    /// Open loop, exact-line accuracy by kind of line (kept, command, output), overall. Reports
    /// from before it was measured (a promoted model's, kept in the store) read as none.
    #[serde(default)]
    pub line_kinds: LineKinds,
    /// The same, per command family.
    #[serde(default)]
    pub family_line_kinds: BTreeMap<String, LineKinds>,
    /// The arithmetic probe, the model alone and, when there was a [`Verify`], the neural
    /// computer; `None` without probe sessions.
    pub probe: Option<Probe>,
    /// Closed loop: (horizon, exact-line accuracy at that step, sessions that long); the accuracy
    /// is `None` where no session is that long, as nothing was measured.
    pub closed_loop: Vec<(usize, Option<f64>, usize)>,
    /// Latency of one step of one session.
    pub latency: Latency,
    /// Where it ran.
    pub device: String,
}

/// Predicts `episodes` in lockstep, as the `part` of an evaluation that `watch` is told of; `closed`
/// feeds each prediction back as the next screen before. Calls `seen(episode, step, predicted)` for
/// each step.
fn predict(
    runtime: &Runtime,
    episodes: &[Episode],
    closed: bool,
    max_steps: usize,
    seen: &mut dyn FnMut(usize, usize, &Frame),
    (part, watch): (&str, &mut Watch),
) -> Result<(), Box<dyn std::error::Error>> {
    let of = episodes.len();
    for (group_index, group) in episodes.chunks(LOCKSTEP).enumerate() {
        let base = group_index * LOCKSTEP;
        if !watch(&Progress {
            part,
            done: base,
            of,
        }) {
            return Err(Stopped.into());
        }
        let longest = group
            .iter()
            .map(|e| e.steps.len())
            .max()
            .unwrap_or(0)
            .min(max_steps);
        let mut state = runtime.start(group.len())?;
        let mut befores: Vec<Frame> = group.iter().map(|e| e.first.clone()).collect();
        // The group's sessions still running, in the order of the state's rows.
        let mut running: Vec<usize> = (0..group.len()).collect();
        for t in 0..longest {
            (running, state) = still_running(running, state, |&i| t < group[i].steps.len())?;
            let actions: Vec<&str> = running
                .iter()
                .map(|&i| group[i].steps[t].action.as_str())
                .collect();
            let refs: Vec<&Frame> = running.iter().map(|&i| &befores[i]).collect();
            let (predicted, next) = runtime.step(&refs, &actions, &state)?;
            state = next;
            for (&i, predicted) in running.iter().zip(predicted) {
                seen(base + i, t, &predicted);
                befores[i] = if closed {
                    predicted
                } else {
                    group[i].steps[t].frame.clone()
                };
            }
        }
    }
    Ok(())
}

/// Evaluates `runtime` on a split of `data` (at most `limit` sessions) and its probe, which
/// `verify` also asks of the neural computer.
///
/// # Errors
/// When the split has no sessions, an episode cannot be read or the model fails.
pub fn evaluate(
    runtime: &Runtime,
    data: &Path,
    split: Split,
    limit: Option<usize>,
    device: &str,
    verify: Option<&Verify>,
    watch: &mut Watch,
) -> Result<Report, Box<dyn std::error::Error>> {
    let mut files = Episode::files(data, split)?;
    if files.is_empty() {
        return Err(Episode::none_in(data, split).into());
    }
    files.truncate(limit.unwrap_or(usize::MAX));
    let episodes: Vec<Episode> = files
        .iter()
        .map(|p| Episode::read(p))
        .collect::<Result<_, _>>()?;
    evaluate_episodes(
        runtime,
        &episodes,
        (&Episode::files(data, Split::Probe)?, verify),
        device,
        watch,
    )
}

/// Evaluates `runtime` on `episodes` and the probe sessions in `probe_files`, which `verify` also
/// asks of the neural computer.
///
/// # Errors
/// When an episode cannot be read or the model fails.
pub fn evaluate_episodes(
    runtime: &Runtime,
    episodes: &[Episode],
    (probe_files, verify): (&[std::path::PathBuf], Option<&Verify>),
    device: &str,
    watch: &mut Watch,
) -> Result<Report, Box<dyn std::error::Error>> {
    let mut report = Report {
        sessions: episodes.len(),
        device: device.to_owned(),
        ..Report::default()
    };
    predict(
        runtime,
        episodes,
        false,
        usize::MAX,
        &mut |e, t, predicted| {
            let step = &episodes[e].steps[t];
            let scores = score(predicted, &step.frame);
            report.overall.add(&scores);
            let family = step.family.map_or("unknown", |f| f.name());
            report
                .families
                .entry(family.to_owned())
                .or_default()
                .add(&scores);
            let kinds = LineKinds::of(episodes[e].before(t), &step.action, predicted, &step.frame);
            report.line_kinds.add(&kinds);
            report
                .family_line_kinds
                .entry(family.to_owned())
                .or_default()
                .add(&kinds);
        },
        ("open loop", watch),
    )?;

    let mut by_horizon = [(0usize, 0usize, 0usize); 20];
    predict(
        runtime,
        episodes,
        true,
        20,
        &mut |e, t, predicted| {
            let s = score(predicted, &episodes[e].steps[t].frame);
            by_horizon[t].0 += s.lines_right;
            by_horizon[t].1 += s.lines;
            by_horizon[t].2 += 1;
        },
        ("closed loop", watch),
    )?;
    report.closed_loop = HORIZONS
        .iter()
        .map(|&h| {
            let (right, lines, sessions) = by_horizon[h - 1];
            let accuracy = (sessions > 0).then(|| right as f64 / lines.max(1) as f64);
            (h, accuracy, sessions)
        })
        .collect();

    if !probe_files.is_empty() {
        let probe: Vec<Episode> = probe_files
            .iter()
            .map(|p| Episode::read(p))
            .collect::<Result<_, _>>()?;
        let asked: std::collections::HashMap<String, (String, usize, usize)> = sample()
            .into_iter()
            .map(|(problem, form)| {
                let operation = OPERATIONS.iter().position(|&op| op == problem.op);
                let form_at = FORMS.iter().position(|&f| f == form);
                (
                    problem.line(form),
                    (
                        problem.answer().to_string(),
                        operation.unwrap_or_default(),
                        form_at.unwrap_or_default(),
                    ),
                )
            })
            .collect();
        let mut result = Probe {
            by_operation: OPERATIONS.iter().map(|op| Share::of(*op)).collect(),
            by_form: FORMS.iter().map(|form| Share::of(form.name())).collect(),
            ..Probe::default()
        };
        let mut computer = ComputerProbe::default();
        predict(
            runtime,
            &probe,
            false,
            usize::MAX,
            &mut |e, t, predicted| {
                let truth = &probe[e].steps[t];
                let Some((answer, operation, form)) = asked.get(&truth.action) else {
                    return;
                };
                // The answer's row is the one above the prompt that follows it.
                let row = usize::from(truth.frame.cursor.0).saturating_sub(1);
                let answers = |screen: &Frame| {
                    usize::from(screen.lines.get(row).map_or("", |l| l.trim_end()) == answer)
                };
                result.asked += 1;
                let right = answers(predicted);
                result.right += right;
                result.by_operation[*operation].count(right == 1);
                result.by_form[*form].count(right == 1);
                let exact = verify.and_then(|verify| verify(probe[e].before(t), &truth.action));
                computer.verified += usize::from(exact.is_some());
                computer.right += answers(exact.as_ref().unwrap_or(predicted));
            },
            ("arithmetic probe", watch),
        )?;
        let asked = result.asked.max(1) as f64;
        result.accuracy = result.right as f64 / asked;
        computer.accuracy = computer.right as f64 / asked;
        result.computer = verify.is_some().then_some(computer);
        report.probe = Some(result);
    }

    let part = "latency";
    if !watch(&Progress {
        part,
        done: 0,
        of: 1,
    }) {
        return Err(Stopped.into());
    }
    report.latency = latency(runtime, episodes)?;
    Ok(report)
}

/// Times single steps of single sessions (the first 200 steps of `episodes`).
fn latency(runtime: &Runtime, episodes: &[Episode]) -> candle_core::Result<Latency> {
    let mut times = Vec::new();
    'sessions: for episode in episodes {
        let mut state = runtime.start(1)?;
        for (t, step) in episode.steps.iter().enumerate() {
            let start = Instant::now();
            let (_, next) = runtime.step(&[episode.before(t)], &[step.action.as_str()], &state)?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            state = next;
            if times.len() >= 200 {
                break 'sessions;
            }
        }
    }
    Ok(Latency::of(times))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A promoted model's evaluation is kept in the store; one made before lines were split by
    /// kind must still be read.
    #[test]
    fn a_report_from_before_line_kinds_still_reads() {
        let mut json = serde_json::to_value(Report::default()).unwrap();
        let fields = json.as_object_mut().unwrap();
        assert!(fields.remove("line_kinds").is_some());
        assert!(fields.remove("family_line_kinds").is_some());
        let report: Report = serde_json::from_value(json).unwrap();
        assert_eq!(report.line_kinds, LineKinds::default());
    }
}
