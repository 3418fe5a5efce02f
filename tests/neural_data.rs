//! `neural gen-data` through the real host and interpreter: scripted sessions recorded as episodes by
//! split, the probe apart, resumable, and the same bytes when a session is made again.

mod common;

use common::Home;
use neural_rt::data::{Episode, Family, Split};

#[test]
fn gen_data_records_real_sessions_by_split_and_resumes() {
    let home = Home::new();
    let out = home.path().join("data");
    let gen_data = format!(
        "neural gen-data --sessions 12 --seed 5 --out {}",
        out.display()
    );
    let (status, said, err) = home.run(&gen_data);
    assert_eq!(status, 0, "{err}");
    assert!(said.contains("22 sessions written"), "{said}");

    let probe = Episode::files(&out, Split::Probe).unwrap();
    assert_eq!(probe.len(), 10);
    // The probe is scored on the row above the prompt that follows each problem: there the true
    // screen shows the exact answer.
    let answers: std::collections::HashMap<String, String> = neural_rt::data::probe::sample()
        .into_iter()
        .map(|(problem, form)| (problem.line(form), problem.answer().to_string()))
        .collect();
    let mut asked = 0;
    for path in &probe {
        for step in Episode::read(path).unwrap().steps {
            if let Some(answer) = answers.get(&step.action) {
                let row = usize::from(step.frame.cursor.0) - 1;
                assert_eq!(&step.frame.lines[row], answer, "`{}`", step.action);
                asked += 1;
            }
        }
    }
    assert_eq!(asked, 100, "every problem of the probe is asked once");
    let mut generated = Vec::new();
    for split in [Split::Train, Split::Valid, Split::Test] {
        generated.extend(Episode::files(&out, split).unwrap());
    }
    assert_eq!(generated.len(), 12);

    let pool = neural_rt::data::probe::pool();
    for path in &generated {
        let episode = Episode::read(path).unwrap();
        let script = neural_rt::data::script(
            episode.header.seed,
            8,
            24,
            &pool,
            &neural_rt::data::Family::ALL,
        );
        let typed: Vec<&str> = script.iter().map(|c| c.line.as_str()).collect();
        let recorded: Vec<&str> = episode.steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(recorded, typed, "{}", path.display());
        assert_eq!(Split::of_seed(episode.header.seed), episode.header.split);
        let prompt = format!("/tmp/nc/{:04x}$", episode.header.seed & 0xffff);
        assert_eq!(episode.first.lines[0], prompt, "{}", path.display());
        // Each arithmetic line's answer is on the screen after it, under the line.
        for (i, step) in episode.steps.iter().enumerate() {
            if step.family != Some(Family::Arithmetic) {
                continue;
            }
            let row = step.frame.cursor.0 as usize;
            let answer = &step.frame.lines[row - 1];
            assert!(
                answer.parse::<i64>().is_ok(),
                "step {i} `{}` shows `{answer}` above the prompt",
                step.action
            );
        }
    }

    // Run again: nothing to do. Remove one: only it is made, and it is the same bytes.
    let (status, said, _) = home.run(&gen_data);
    assert_eq!(status, 0);
    assert!(
        said.contains("0 sessions written (0 steps), 22 already there"),
        "{said}"
    );
    let again = &generated[3];
    let before = std::fs::read(again).unwrap();
    std::fs::remove_file(again).unwrap();
    let (status, said, _) = home.run(&gen_data);
    assert_eq!(status, 0);
    assert!(said.contains("1 session written"), "{said}");
    assert_eq!(std::fs::read(again).unwrap(), before);

    // Sessions of another seed or screen would be mixed into these: refused, and nothing written.
    home.refuses(
        &format!(
            "neural gen-data --sessions 12 --seed 6 --cols 100 --out {}",
            out.display()
        ),
        1,
        "holds sessions made with --seed 5, --cols 80; give the same to add to it",
    );
    let mut now = Vec::new();
    for split in [Split::Train, Split::Valid, Split::Test] {
        now.extend(Episode::files(&out, split).unwrap());
    }
    assert_eq!(now.len(), 12);
}

#[test]
fn gen_data_refuses_bad_arguments_with_the_reason() {
    let home = Home::new();
    home.refuses(
        "neural gen-data --out x --min-commands 9 --max-commands 3",
        1,
        "--min-commands 9 is more than --max-commands 3",
    );
    // Sizes that would exhaust memory or threads are refused before anything runs.
    for flag in [
        "--rows 2",
        "--max-commands 18446744073709551615",
        "--sessions 0",
        "--sessions 1000000000",
        "--jobs 10000000",
    ] {
        let (status, _, err) = home.run(&format!("neural gen-data --out x {flag}"));
        assert_eq!(status, 2, "{flag}");
        let name = flag.split(' ').next().unwrap();
        assert!(err.contains(name), "{flag}: {err}");
    }
    assert!(!home.path().join("x").exists());
    let (status, out, _) = home.run("neural --help");
    assert_eq!(status, 0);
    assert!(out.contains("gen-data"), "{out}");
}

#[test]
fn gen_data_of_chosen_families_records_those_alone_and_keeps_to_them() {
    let home = Home::new();
    let out = home.path().join("sums");
    let gen_data = |families: &str| {
        format!(
            "neural gen-data --sessions 3 --seed 9 --families {families} --out {}",
            out.display()
        )
    };
    let (status, said, err) = home.run(&gen_data("arithmetic"));
    assert_eq!(status, 0, "{err}");
    assert!(said.contains("13 sessions written"), "{said}");
    let mut arithmetic = 0;
    for split in [Split::Train, Split::Valid, Split::Test] {
        for path in Episode::files(&out, split).unwrap() {
            let episode = Episode::read(&path).unwrap();
            let (last, drawn) = episode.steps.split_last().unwrap();
            assert_eq!(last.family, Some(Family::Exit));
            for step in drawn {
                assert_eq!(step.family, Some(Family::Arithmetic), "{}", step.action);
                arithmetic += 1;
            }
        }
    }
    assert!(arithmetic >= 3 * 8, "{arithmetic} arithmetic steps");
    // The same choice spelt another way is the same dataset's; one of other families is not.
    let (status, said, err) = home.run(&gen_data("arithmetic,arithmetic"));
    assert_eq!(status, 0, "{err}");
    assert!(said.contains("13 already there"), "{said}");
    home.refuses(
        &gen_data("arithmetic,echo"),
        1,
        "holds sessions made with --families [\"arithmetic\"]",
    );
    home.refuses(
        "neural gen-data --out x --families arithmetic,nope",
        2,
        "no family is named \"nope\": give one of echo, variable, arithmetic, files, scroll, wrap, \
         clear, error, multiline",
    );
    home.refuses(
        "neural gen-data --out x --families exit",
        2,
        "no family is named \"exit\"",
    );
}

/// The shell does not die of Ctrl-C, so `neural gen-data`, which runs inside it, must stop on it
/// itself: no new session starts, those written are kept, and the prompt comes back.
#[test]
fn ctrl_c_stops_gen_data_and_keeps_what_it_wrote() {
    let home = Home::new();
    let out = home.path().join("data");
    let term = common::Terminal::spawn(home.command(&["--norc"]), 24, 80);
    term.expect_prompt();
    term.line(&format!(
        "neural gen-data --sessions 3000 --seed 7 --jobs 1 --out {}",
        out.display()
    ));
    // Its bar counts sessions as they are written: wait for one at least.
    term.expect("1/3010 sessions");
    term.send("\x03");
    term.expect("stopped by Ctrl-C; the sessions written are kept");
    term.line("echo status=$?");
    term.expect("status=130");
    let mut written = 0;
    for split in [Split::Probe, Split::Train, Split::Valid, Split::Test] {
        written += Episode::files(&out, split).unwrap().len();
    }
    assert!(
        (1..3010).contains(&written),
        "{written} sessions were written"
    );
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}
