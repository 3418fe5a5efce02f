// Scratch diagnosis (not committed): which lines are wrong, open loop, by kind.
use candle_core::Device;
use neural_rt::data::{Episode, Split};
use neural_rt::runtime::Runtime;
use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = Runtime::load(Path::new(&args[1]), &Device::Cpu).unwrap();
    let n: usize = args[3].parse().unwrap();
    let files = Episode::files(Path::new(&args[2]), Split::Valid).unwrap();
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut shown = 0;
    for f in files.iter().take(n) {
        let e = Episode::read(f).unwrap();
        let mut state = runtime.start(1).unwrap();
        for (t, step) in e.steps.iter().enumerate() {
            let before = e.before(t);
            let (mut p, next) = runtime
                .step(&[before], &[step.action.as_str()], &state)
                .unwrap();
            state = next;
            let p = p.pop().unwrap();
            let truth = &step.frame;
            let fam = format!("{:?}", step.family);
            for (i, line) in truth.lines.iter().enumerate() {
                let l = line.trim_end();
                if l.is_empty() {
                    continue;
                }
                // kind: copied (the same text at some row of before), command (prompt + action), prompt, output
                let was = before.lines.iter().any(|b| b.trim_end() == l);
                let kind = if was {
                    "old"
                } else if l.ends_with(&step.action) && l.contains('$') {
                    "command"
                } else if l.ends_with('$') {
                    "prompt"
                } else {
                    "output"
                };
                let key = format!("{fam} {kind}");
                let ent = tally.entry(key).or_default();
                ent.1 += 1;
                let pl = p.lines.get(i).map_or("", |x| x.trim_end());
                if pl == l {
                    ent.0 += 1
                } else if shown < 60 && kind != "old" {
                    shown += 1;
                    println!(
                        "{fam} {kind} t{t} action={:?}\n  true: {l:?}\n  pred: {pl:?}",
                        step.action
                    );
                }
            }
        }
    }
    for (k, (r, n)) in tally {
        println!("{k:30} {r:6}/{n:6} {:.1}%", 100.0 * r as f64 / n as f64);
    }
}
