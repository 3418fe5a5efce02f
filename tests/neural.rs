//! `neural train`, `eval`, `status` and `import-cast` through real ncsh processes on a dataset that
//! `neural gen-data` records from the real shell: a small model trains, resumes, is evaluated with
//! every measure, and bad inputs are named.

mod common;

use common::Home;
use neural_rt::data::{Episode, Split};

const TINY: &str = "--dim 16 --layers 1 --batch 4 --checkpoint-every 1";

/// A small dataset that `neural gen-data` records in `home`, short sessions for quick training.
fn small_dataset(home: &Home) -> std::path::PathBuf {
    let data = home.path().join("data");
    let (status, _, err) = home.run(&format!(
        "neural gen-data --sessions 30 --seed 2 --min-commands 4 --max-commands 6 --out {}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    data
}

/// An asciicast recording on a screen of `rows` × `cols`: `steps` commands `echo K`, each answered
/// with K and a prompt `$ `.
fn echo_cast(rows: u16, cols: u16, steps: u32) -> String {
    let mut cast = format!("{{\"version\":2,\"width\":{cols},\"height\":{rows}}}\n");
    cast += "[0.0,\"o\",\"$ \"]\n";
    for k in 0..steps {
        let t = f64::from(k);
        cast += &format!(
            "[{},\"i\",\"echo {k}\\r\"]\n[{},\"o\",\"echo {k}\\r\\n{k}\\r\\n$ \"]\n",
            t + 0.1,
            t + 0.2
        );
    }
    cast
}

/// Asserts that each of `names` in `home` is a PNG file.
fn assert_pngs(home: &Home, names: &[&str]) {
    for png in names {
        let bytes = std::fs::read(home.path().join(png)).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{png}");
    }
}

#[test]
fn a_model_trains_resumes_and_is_evaluated_on_every_measure() {
    let home = Home::new();
    let data = small_dataset(&home);
    let tests = Episode::files(&data, Split::Test).unwrap().len();
    assert!(tests > 0, "seed 2 gives test sessions");

    let train = format!("neural train --data {} --out ck {TINY}", data.display());
    let at = format!("cd '{}' && ", home.path().display());
    let (status, first, err) = home.run(&format!("{at}{train}"));
    assert_eq!(status, 0, "{err}");
    assert!(first.starts_with("trained on "), "{first}");
    for file in ["model.safetensors", "options.json", "position.json"] {
        assert!(home.path().join("ck").join(file).exists(), "{file}");
    }
    // Done already: the same command resumes from the checkpoint and has nothing left to do, and
    // says so rather than report a run it did not make.
    let (status, again, _) = home.run(&format!("{at}{train}"));
    assert_eq!(status, 0);
    assert!(
        again.contains("has trained its 1 epoch(s) already") && again.contains("--from"),
        "{again}"
    );
    // On another train split, a finished run is refused, not told that it has nothing to do.
    let fewer = home.path().join("fewer");
    std::fs::create_dir_all(fewer.join("train")).unwrap();
    for file in Episode::files(&data, Split::Train).unwrap().iter().skip(1) {
        std::fs::copy(file, fewer.join("train").join(file.file_name().unwrap())).unwrap();
    }
    home.refuses(
        &format!("{at}neural train --data fewer --out ck {TINY}"),
        1,
        "was made with another train split (it learned from ",
    );
    home.refuses(
        &format!("{at}{train} --learning-rate 0.5"),
        1,
        "was made with another --learning-rate;",
    );
    home.refuses(
        &format!("{at}{train} --learning-rate nan"),
        1,
        "must be a number above 0",
    );
    home.refuses(
        &format!("{at}{train} --feed-predictions 2"),
        1,
        "--feed-predictions 2 is not a share of steps: give a number from 0 to 1",
    );
    home.refuses(
        &format!("{at}{train} --true-targets"),
        2,
        "--feed-predictions <SHARE>",
    );
    // A second run goes on from the first's checkpoint with a falling learning rate, fed its own
    // screens at a tenth of its steps (10%, which binary floating point makes 10.000000000000002).
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out annealed --from ck --schedule cosine --feed-predictions 0.1 --true-targets {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    let options = std::fs::read_to_string(home.path().join("annealed/options.json")).unwrap();
    assert!(options.contains("\"schedule\": \"cosine\""), "{options}");
    assert!(options.contains("\"feed_predictions\": 0.1"), "{options}");
    assert!(options.contains("\"true_targets\": true"), "{options}");
    assert!(!err.contains("AdamW starts afresh"), "{err}");
    // A checkpoint without AdamW's moments (as the shipped model's directory is) is said to start
    // them afresh.
    let bare = home.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    for file in ["model.safetensors", "options.json", "position.json"] {
        std::fs::copy(home.path().join("ck").join(file), bare.join(file)).unwrap();
    }
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out from-bare --from bare {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("bare: AdamW starts afresh (the checkpoint kept no moments)"),
        "{err}"
    );
    // Under a falling rate, more epochs would be another run: the rate would jump.
    home.refuses(&format!(
        "{at}neural train --data {} --out annealed --from ck --schedule cosine --feed-predictions 0.1 --true-targets --epochs 2 {TINY}",
        data.display()
    ), 1, "another --epochs");
    home.refuses(
        &format!("{at}{train} --schedule linear"),
        2,
        "give constant or cosine",
    );
    // A file where a model's directory would be is named so.
    std::fs::write(home.path().join("a-file"), "not a model\n").unwrap();
    home.refuses(
        &format!(
            "{at}neural train --data {} --out a-file {TINY}",
            data.display()
        ),
        1,
        "a-file is a file, where the run keeps its checkpoint (a directory)",
    );
    home.refuses(
        &format!("{at}neural status --model a-file"),
        1,
        "a-file is a file, where a model is a directory",
    );
    // A run from a checkpoint that saw shorter actions grows it, and says so; the checkpoint itself
    // goes on only with its own sizes, which the refusal names.
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out longer --from ck --action-len 256 {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("ck saw actions of up to 192 characters and this run's model sees 256")
            && err.contains("it keeps what it learned and its AdamW moments"),
        "{err}"
    );
    let options = std::fs::read_to_string(home.path().join("longer/options.json")).unwrap();
    assert!(options.contains("\"action_len\": 256"), "{options}");
    // A checkpoint without AdamW's moments (as the shipped model's directory is) grows with fresh
    // ones, and says so.
    std::fs::remove_file(home.path().join("longer/optimizer.safetensors")).unwrap();
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out longest --from longer --action-len 300 {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "it keeps what it learned (AdamW starts afresh: the checkpoint kept no moments)"
        ),
        "{err}"
    );
    home.refuses(
        &format!("{at}{train} --action-len 64"),
        1,
        "actions of up to 192 characters; --dim, --layers, --action-len, --copy, --pointer-only, --arithmetic and --listing set them",
    );
    // So does one that adds a copy head's pointer, and one that adds its gate after; a checkpoint
    // with one goes on only with --copy.
    home.refuses(
        &format!("{at}{train} --pointer-only"),
        2,
        "required arguments were not provided",
    );
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out pointing --from ck --copy --pointer-only {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "ck has no copy head and this run's model has a copy head's pointer alone \
             (--copy --pointer-only)"
        ) && err.contains(
            "learns the copy head's pointer from scratch; leave out --copy and --pointer-only"
        ),
        "{err}"
    );
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out copying --from pointing --copy {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "pointing has a copy head's pointer alone and this run's model has a copy head (--copy)"
        ) && err.contains("learns the copy head's gate from scratch; give --pointer-only"),
        "{err}"
    );
    let options = std::fs::read_to_string(home.path().join("copying/options.json")).unwrap();
    assert!(
        options.contains("\"copy\": true") && options.contains("\"pointer_only\": false"),
        "{options}"
    );
    home.refuses(
        &format!(
            "{at}neural train --data {} --out shed --from copying {TINY}",
            data.display()
        ),
        1,
        "with a copy head, actions of up to 192 characters) than the one to train",
    );

    // An arithmetic head is trained alone, on a trained model only, and the model grows one.
    home.refuses(
        &format!(
            "{at}neural train --data {} --out counting --arithmetic {TINY}",
            data.display()
        ),
        1,
        "--arithmetic trains the arithmetic head alone, with the rest of a trained model held as it \
         is: give that model's checkpoint with --from",
    );
    home.refuses(
        &format!(
            "{at}neural train --data {} --data {}/ --out counting --from ck {TINY}",
            data.display(),
            data.display()
        ),
        1,
        "/ is given twice: its sessions would be learned twice as often as the rest",
    );
    let (status, said, err) = home.run(&format!(
        "{at}neural train --data {} --data fewer --out counting --from ck --arithmetic {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains("ck has no arithmetic head and this run's model has one (--arithmetic)")
            && err.contains("learns the arithmetic head from scratch; leave out --arithmetic"),
        "{err}"
    );
    assert!(said.contains("the model is in"), "{said}");
    // A head trained alone grows nothing else: a part added beside it would stay as drawn.
    home.refuses(
        &format!(
            "{at}neural train --data {} --out counting-longer --from ck --arithmetic --action-len 256 {TINY}",
            data.display()
        ),
        1,
        "holds a model of other sizes",
    );
    home.refuses(
        &format!("{at}{train} --arithmetic --feed-predictions 0.5"),
        2,
        "cannot be used with",
    );
    let options = std::fs::read_to_string(home.path().join("counting/options.json")).unwrap();
    assert!(options.contains("\"arithmetic\": true"), "{options}");
    home.refuses(
        &format!(
            "{at}neural train --data {} --out uncounting --from counting {TINY}",
            data.display()
        ),
        1,
        "an arithmetic head) than the one to train",
    );
    // A listing is part of a head, and grows on one.
    home.refuses(
        &format!("{at}{train} --listing"),
        2,
        "required arguments were not provided",
    );
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out listing --from counting --arithmetic --listing {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "counting's arithmetic head has no listing and this run's has one (--listing)"
        ) && err.contains("learns the listing from scratch; leave out --listing"),
        "{err}"
    );
    let (status, _, err) = home.run(&format!(
        "{at}neural train --data {} --out listing-at-once --from ck --arithmetic --listing {TINY}",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        err.contains(
            "ck has no arithmetic head and this run's model has one (--arithmetic --listing)"
        ) && err.contains(
            "learns the arithmetic head with its listing from scratch; leave out --arithmetic \
                 and --listing"
        ),
        "{err}"
    );
    home.refuses(
        &format!(
            "{at}neural train --data {} --out unlisting --from listing --arithmetic {TINY}",
            data.display()
        ),
        1,
        "an arithmetic head with a listing) than the one to train",
    );

    let (status, json, err) = home.run(&format!(
        "{at}neural eval --model ck --data {} --json",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["sessions"], tests);
    let char_accuracy = report["overall"]["char_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&char_accuracy), "{char_accuracy}");
    assert_eq!(report["probe"]["asked"], 100);
    // By operation and by form, the problems the sample asks of each, none of them answered.
    let shares = |part: &str| -> Vec<(String, u64, u64)> {
        report["probe"][part]
            .as_array()
            .unwrap_or_else(|| panic!("no {part}: {json}"))
            .iter()
            .map(|s| {
                let count = |field: &str| s[field].as_u64().unwrap();
                (
                    s["kind"].as_str().unwrap().to_owned(),
                    count("asked"),
                    count("right"),
                )
            })
            .collect()
    };
    let sample = neural_rt::data::probe::sample();
    let of_operation = |op: char| sample.iter().filter(|(p, _)| p.op == op).count() as u64;
    assert_eq!(
        shares("by_operation"),
        ['+', '-', '*'].map(|op| (op.to_string(), of_operation(op), 0))
    );
    assert_eq!(
        shares("by_form"),
        ["$(( ))", "expr", "calc", "bare"].map(|form| (form.to_owned(), 25, 0))
    );
    // A model trained for seconds answers none, but the neural computer shows calc's exact screen
    // in place of the model's, with the answer where the true screen has it.
    assert_eq!(
        (
            &report["probe"]["computer"]["verified"],
            &report["probe"]["computer"]["right"]
        ),
        (&100.into(), &100.into()),
        "{json}"
    );
    let horizons: Vec<u64> = report["closed_loop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_u64().unwrap())
        .collect();
    assert_eq!(horizons, [1, 5, 10, 20]);
    assert!(report["latency"]["steps"].as_u64().unwrap() > 0);
    assert!(report["families"].as_object().unwrap().contains_key("exit"));
    // Exact-line accuracy split by kind of line shares out the same lines, overall and in each
    // family, and each family's lines add up to all.
    let share = |kinds: &serde_json::Value| -> (u64, u64) {
        ["kept", "command", "output"]
            .iter()
            .fold((0, 0), |(r, n), kind| {
                (
                    r + kinds[kind]["right"].as_u64().unwrap(),
                    n + kinds[kind]["lines"].as_u64().unwrap(),
                )
            })
    };
    for kind in ["kept", "command", "output"] {
        assert!(
            report["line_kinds"][kind]["lines"].as_u64().unwrap() > 0,
            "{kind}: {json}"
        );
    }
    let (right, lines) = share(&report["line_kinds"]);
    assert!(lines > 0, "{json}");
    let exact_line = report["overall"]["exact_line"].as_f64().unwrap();
    assert!(
        (right as f64 / lines as f64 - exact_line).abs() < 1e-12,
        "{json}"
    );
    let family_lines = report["family_line_kinds"].as_object().unwrap();
    let summed = family_lines
        .values()
        .map(share)
        .fold((0, 0), |(r, n), (fr, fn_)| (r + fr, n + fn_));
    assert_eq!(summed, (right, lines));
    for (family, kinds) in family_lines {
        let (right, lines) = share(kinds);
        let exact_line = report["families"][family]["exact_line"].as_f64().unwrap();
        assert!(
            (right as f64 / lines.max(1) as f64 - exact_line).abs() < 1e-12,
            "{family}"
        );
    }

    // Checkpoints are chosen on the valid split, so that no choice has seen the test split.
    let valid = Episode::files(&data, Split::Valid).unwrap().len();
    assert!(valid > 0, "seed 2 gives valid sessions");
    let (status, json, err) = home.run(&format!(
        "{at}neural eval --model ck --data {} --split valid --json",
        data.display()
    ));
    assert_eq!(status, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["sessions"], valid);
    std::fs::create_dir(home.path().join("empty")).unwrap();
    home.refuses(
        &format!("{at}neural eval --model ck --data empty --split valid"),
        1,
        "empty/valid/*.episode.gz); make a dataset there with `neural gen-data --out ",
    );
    // Made again as it was, a dataset gets no new sessions: only more sessions give it a split.
    let only_train = home.path().join("only-train/train");
    std::fs::create_dir_all(&only_train).unwrap();
    let episode = &Episode::files(&data, Split::Train).unwrap()[0];
    std::fs::copy(episode, only_train.join(episode.file_name().unwrap())).unwrap();
    home.refuses(
        &format!("{at}neural eval --model ck --data only-train"),
        1,
        "only-train --sessions N` with N above the 1 it holds, and the --seed it was made with",
    );

    let (status, table, _) = home.run(&format!(
        "{at}neural eval --model ck --data {} --limit 1",
        data.display()
    ));
    assert_eq!(status, 0);
    assert!(
        table.contains("char accuracy")
            && table.contains("exact-line by kind")
            && table.contains("closed loop")
            && table.contains("arithmetic probe, the neural computer")
            && table.contains("by operation: + 0/")
            && table.contains("; by form: $(( )) 0/25, expr 0/25, calc 0/25, bare 0/25")
            && table.contains("100/100 = 100.00%, 100 of them checked by calc"),
        "{table}"
    );
    let episode = &Episode::files(&data, Split::Test).unwrap()[0];
    let (status, said, err) = home.run(&format!(
        "{at}neural render --model ck {} --out whole.png && neural render --model ck {} --step 1 --out one.png",
        episode.display(),
        episode.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        said.contains("1 step(s): true | predicted | differing cells"),
        "{said}"
    );
    assert_pngs(&home, &["whole.png", "one.png"]);
    home.refuses(
        &format!(
            "{at}neural render --model ck {} --step 999 --out x.png",
            episode.display()
        ),
        1,
        "past the session's last step",
    );
    let kept = std::fs::read(episode).unwrap();
    home.refuses(
        &format!(
            "{at}neural render --model ck {} --out {}",
            episode.display(),
            episode.display()
        ),
        1,
        "is the session it would draw",
    );
    assert_eq!(std::fs::read(episode).unwrap(), kept, "the session is kept");
    // A file that is neither is named so, and not called a damaged episode to remove.
    std::fs::write(home.path().join("notes.txt"), "notes\n").unwrap();
    home.refuses(
        &format!("{at}neural render --model ck notes.txt --out n.png"),
        1,
        "notes.txt is neither an episode (NAME.episode.gz",
    );
    // A file that is not there is said to be missing.
    home.refuses(
        &format!("{at}neural render --model ck gone.cast --out g.png"),
        1,
        "gone.cast: no such file; give an episode (NAME.episode.gz) or a recording (NAME.cast)",
    );
    // A recording's screen can be of any size: one too large to draw is refused, and no file made.
    std::fs::write(
        home.path().join("wide.cast"),
        "{\"version\":2,\"width\":1000,\"height\":1000}\n[0.0,\"o\",\"$ \"]\n\
         [0.1,\"i\",\"echo hi\\r\"]\n[0.2,\"o\",\"echo hi\\r\\nhi\\r\\n$ \"]\n",
    )
    .unwrap();
    home.refuses(
        &format!("{at}neural render --model ck wide.cast --out wide.png"),
        1,
        "screen is too large to draw",
    );
    assert!(!home.path().join("wide.png").exists());
    // A session too long for one picture is drawn in several, each as full as fits: on a screen of
    // 200 rows, 20 steps.
    std::fs::write(home.path().join("tall.cast"), echo_cast(200, 10, 25)).unwrap();
    let (status, said, err) = home.run(&format!(
        "{at}neural render --model ck tall.cast --out tall.png"
    ));
    assert_eq!(status, 0, "{err}");
    assert!(
        said.contains("tall-1.png: steps 0 to 19 of the session's 25"),
        "{said}"
    );
    assert!(
        said.contains("tall-2.png: steps 20 to 24 of the session's 25"),
        "{said}"
    );
    assert_pngs(&home, &["tall-1.png", "tall-2.png"]);
    assert!(!home.path().join("tall.png").exists());

    let (status, said, _) = home.run(&format!("{at}neural status --model ck"));
    assert_eq!(status, 0);
    assert!(said.contains("running on the CPU"), "{said}");
    let (status, said, _) = home.run(&format!("{at}neural status --model annealed"));
    assert_eq!(status, 0);
    assert!(
        said.contains(
            "(cosine), fed its own screens at 10% of steps (targets against the true screens), going on from"
        ),
        "{said}"
    );

    // Promotion is an update: refused (and audited) when the model measures worse than the one in
    // use beyond the tolerance; made a generation when it does not.
    let promote = format!("{at}neural promote ck --data {}", data.display());
    // A tolerance out of range is refused before either model is measured.
    for bad in ["5", "nan"] {
        home.refuses(
            &format!("{promote} --tolerance {bad}"),
            2,
            "a tolerance is between -1 and 1",
        );
    }
    home.refuses(
        &format!("{promote} --tolerance=-1"),
        1,
        "worse than the current model's",
    );
    let (status, said, err) = home.run(&format!("{promote} --tolerance 1"));
    assert_eq!(status, 0, "{err}");
    assert!(said.contains("promoted the model: generation 2"), "{said}");
    assert!(err.contains("too few to judge a model by"), "{err}");
    // The same weights again change nothing, and make no generation.
    let (status, _, err) = home.run(&format!("{promote} --tolerance 1"));
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("nothing to change"), "{err}");
    let (_, log, _) = home.run("audit log");
    assert!(
        log.lines()
            .any(|l| l.contains("refused") && l.contains("promote-model")),
        "{log}"
    );
    let (status, said, _) = home.run("neural status");
    assert_eq!(status, 0);
    assert!(said.contains("the model of generation 2"), "{said}");
    // A new interactive session follows with the promoted model, named by its weights, since later
    // generations carry the same model.
    home.session(&[], &[], &[("echo hi", "\nhi\n")], true);
    let weights = std::fs::read(home.path().join("ck/model.safetensors")).unwrap();
    let (status, fidelity, err) = home.run("neural fidelity --json");
    assert_eq!(status, 0, "{err}");
    let fidelity: serde_json::Value = serde_json::from_str(&fidelity).unwrap();
    assert_eq!(
        fidelity[0]["model"],
        format!("weights {}", store::BlobHash::of(&weights).short())
    );
    let (status, _, err) = home.run("gen rollback && neural status");
    assert_eq!(status, 0, "{err}");
}

#[test]
fn recordings_from_elsewhere_become_episodes_and_bad_inputs_are_named() {
    let home = Home::new();
    let cast = home.path().join("session.cast");
    std::fs::write(
        &cast,
        "{\"version\":2,\"width\":40,\"height\":6}\n[0.0,\"o\",\"$ \"]\n[0.1,\"i\",\"echo hi\\r\"]\n\
         [0.2,\"o\",\"echo hi\\r\\nhi\\r\\n$ \"]\n[0.3,\"i\",\"ls\\r\"]\n[0.4,\"o\",\"ls\\r\\nx\\r\\n$ \"]\n",
    )
    .unwrap();
    let out = home.path().join("imported");
    let (status, said, err) = home.run(&format!(
        "neural import-cast {} --out {} --split valid",
        cast.display(),
        out.display()
    ));
    assert_eq!(status, 0, "{err}");
    assert!(said.contains("2 steps"), "{said}");
    let files = Episode::files(&out, Split::Valid).unwrap();
    let episode = Episode::read(&files[0]).unwrap();
    let actions: Vec<&str> = episode.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["echo hi", "ls"]);
    assert_eq!((episode.header.rows, episode.header.cols), (6, 40));
    // Imported again into another split, it would be tested on what was trained on.
    home.refuses(
        &format!(
            "neural import-cast {} --out {} --split train",
            cast.display(),
            out.display()
        ),
        1,
        "is in another split of",
    );
    assert!(Episode::files(&out, Split::Train).unwrap().is_empty());

    home.refuses(
        &format!("neural eval --casts {} --split valid", cast.display()),
        2,
        "--split",
    );
    let (status, json, err) = home.run(&format!("neural eval --casts {} --json", cast.display()));
    assert_eq!(
        status, 0,
        "the shipped model runs on a 6 × 40 recording: {err}"
    );
    // Two steps: horizon 1 is measured, and horizon 5 is not, which is not 0%.
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(report["closed_loop"][0][1].is_number(), "{json}");
    assert!(report["closed_loop"][1][1].is_null(), "{json}");
    // Its lines by kind: `$ echo hi` and `$ ls` typed; `hi` and `x` printed; the rest kept.
    let lines = |kind: &str| report["line_kinds"][kind]["lines"].as_u64().unwrap();
    assert_eq!(
        (lines("kept"), lines("command"), lines("output")),
        (4, 2, 2),
        "{json}"
    );

    std::fs::write(home.path().join("bad.cast"), "not a recording").unwrap();
    home.refuses(
        &format!(
            "neural import-cast {}/bad.cast --out x",
            home.path().display()
        ),
        1,
        "bad.cast",
    );
    let huge = home.path().join("huge.cast");
    std::fs::write(&huge, "{\"version\":2,\"width\":65535,\"height\":65535}\n").unwrap();
    home.refuses(
        &format!("neural eval --casts {}", huge.display()),
        1,
        "each side must be 1 to 1000",
    );
    home.refuses("neural eval --limit 0", 2, "--limit");
    // A damaged options.json is named, whatever it says.
    let damaged = home.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("neural-rt/model");
    for file in ["model.safetensors", "options.json", "position.json"] {
        std::fs::copy(shipped.join(file), damaged.join(file)).unwrap();
    }
    let options = std::fs::read_to_string(damaged.join("options.json")).unwrap();
    let eval_damaged = format!("neural eval --model {}", damaged.display());
    // Each line: options.json's text changed from, to, and what the refusal says.
    for (from, to, reason) in [
        (
            "\"heads\": 4",
            "\"heads\": 0",
            "options.json is damaged: heads is 0, not 1 to 64",
        ),
        // Weights that other options would need, or of other shapes, are named too.
        (
            "\"layers\": 3",
            "\"layers\": 4",
            "do not fit its options.json (tensor `block3.norm_q.alpha` not found)",
        ),
        (
            "\"cell_dim\": 64",
            "\"cell_dim\": 32",
            "do not fit its options.json (shape mismatch for ",
        ),
        (
            "\"layers\": 3",
            "\"layers\": 2",
            "weights the model has no use for, such as `block2.",
        ),
        (
            "\"listing\": true",
            "\"listing\": false",
            "weights the model has no use for, such as `arithmetic.above.",
        ),
    ] {
        assert!(
            options.contains(from),
            "the shipped options.json has no {from}"
        );
        std::fs::write(damaged.join("options.json"), options.replace(from, to)).unwrap();
        home.refuses(&eval_damaged, 1, reason);
    }
    // RUST_BACKTRACE, which a Rust developer may keep set, adds no frames to the refusal.
    let other_shapes = options.replace("\"cell_dim\": 64", "\"cell_dim\": 32");
    std::fs::write(damaged.join("options.json"), other_shapes).unwrap();
    let refused = home
        .command(&["-c", &eval_damaged])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("shape mismatch for "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // And weights cut short.
    std::fs::write(damaged.join("options.json"), &options).unwrap();
    let weights = std::fs::read(damaged.join("model.safetensors")).unwrap();
    std::fs::write(
        damaged.join("model.safetensors"),
        &weights[..weights.len() / 2],
    )
    .unwrap();
    home.refuses(
        &eval_damaged,
        1,
        "model.safetensors are damaged or do not fit its options.json (incomplete metadata",
    );
    // And files gone.
    for file in ["model.safetensors", "options.json"] {
        std::fs::remove_file(damaged.join(file)).unwrap();
        home.refuses(
            &eval_damaged,
            1,
            &format!("has a position.json but no {file}, so its checkpoint is not whole"),
        );
    }
    home.refuses(
        "neural eval --model /nonexistent",
        1,
        "no model in /nonexistent",
    );
    home.refuses(
        &format!(
            "neural train --data {}/empty --out y",
            home.path().display()
        ),
        1,
        "has no train sessions",
    );
}

/// The shell does not die of Ctrl-C, so `neural train`, which runs inside it, must stop on it itself:
/// after the batch under way, with its checkpoint written there.
#[test]
fn ctrl_c_stops_training_with_its_place_kept() {
    let home = Home::new();
    let data = small_dataset(&home);
    let out = home.path().join("ck");
    let term = common::Terminal::spawn(home.command(&["--norc"]), 24, 120);
    term.expect_prompt();
    // More epochs than any test could wait for: only Ctrl-C ends it.
    term.line(&format!(
        "neural train --data {} --out {} {TINY} --epochs 100000",
        data.display(),
        out.display()
    ));
    term.expect(" updates  loss ");
    term.send("\x03");
    term.expect("the same command to go on");
    term.line("echo status=$?");
    term.expect("status=130");
    let position: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("position.json")).unwrap()).unwrap();
    let updates = position["updates"].as_u64().unwrap();
    assert!(updates > 0, "{position}");
    assert!(position["epoch"].as_u64().unwrap() < 100_000, "{position}");
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}

/// `neural render` of a long recording predicts for a while, with a bar; Ctrl-C stops it before any
/// picture is written.
#[test]
fn ctrl_c_stops_a_long_render_with_no_picture_written() {
    let home = Home::new();
    std::fs::write(home.path().join("long.cast"), echo_cast(24, 80, 20_000)).unwrap();
    let term = common::Terminal::spawn(home.command(&["--norc"]), 24, 120);
    term.expect_prompt();
    term.line(&format!(
        "cd {} && neural render long.cast --out long.png",
        home.path().display()
    ));
    // Reading 20,000 steps and the model takes a debug build a while, the longer on a loaded
    // machine (it took more than the usual patience in a CI run beside other builds).
    term.wait_for_within(4 * common::PATIENCE, "the render's progress", |screen| {
        screen.contains("/20000 steps")
    });
    term.send("\x03");
    term.expect("stopped by Ctrl-C; no picture was written");
    term.line("echo status=$?");
    term.expect("status=130");
    let pictures = std::fs::read_dir(home.path())
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".png")
        })
        .count();
    assert_eq!(pictures, 0);
    term.line("exit");
    assert_eq!(term.wait_exit(), 0);
}
