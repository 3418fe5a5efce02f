//! The `calc` guest, built from `guests/calc.rs`, run in the real sandbox and checked against
//! oracles: Python's exact integers and fractions, and bash's `$(( ))`.

use std::process::Command;
use std::sync::{Arc, Mutex};

use policy::Grant;
use policy::manifest::{Kind, Limits, Permissions};
use symbolic::{Executor, Input, Invocation, Sink};

/// (status, stdout, stderr) of `calc ARGS` with `stdin`.
fn calc(args: &[&str], stdin: &str) -> (i32, String, String) {
    let executor = Executor::get().unwrap();
    let program = executor
        .compile(symbolic::guests::CALC, Kind::Module)
        .unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let err = Arc::new(Mutex::new(Vec::new()));
    let invocation = Invocation {
        name: "calc".into(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        stdin: Input::Bytes(stdin.as_bytes().to_vec()),
        stdout: Sink::Memory(out.clone()),
        stderr: Sink::Memory(err.clone()),
        env: vec![],
        deterministic: None,
    };
    let grant = Grant::from(Permissions {
        stdin: true,
        ..Permissions::default()
    });
    let outcome = executor
        .run(&program, invocation, &grant, &Limits::default())
        .unwrap();
    let text = |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
    (outcome.status, text(&out), text(&err))
}

/// A small deterministic generator, so that a failure can be repeated.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn number(&mut self) -> String {
        let digits = 1 + self.below(40);
        let mut text: String = (0..digits)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect();
        while text.len() > 1 && text.starts_with('0') {
            text.remove(0);
        }
        text
    }
}

#[test]
fn exact_results_match_pythons_integers_and_fractions() {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut expressions = Vec::new();
    for _ in 0..200 {
        let (a, b, c) = (random.number(), random.number(), random.number());
        let ops = ["+", "-", "*", "/"];
        let (x, y) = (ops[random.below(4) as usize], ops[random.below(4) as usize]);
        if (x == "/" && b.chars().all(|d| d == '0')) || (y == "/" && c.chars().all(|d| d == '0')) {
            continue;
        }
        expressions.push(format!("({a} {x} -{b}) {y} {c}"));
    }
    expressions.push("2^200".into());
    expressions.push("(3+4)*5 - 2^10 / 3".into());
    let script = "import sys\nfrom fractions import Fraction as F\nimport re\n\
        for line in sys.stdin:\n    e = re.sub(r'(\\d+)', r'F(\\1)', line.strip()).replace('^', '**')\n    v = eval(e)\n    \
        print(v.numerator if v.denominator == 1 else f'{v.numerator}/{v.denominator}')\n";
    let input = expressions.join("\n") + "\n";
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is the oracle (.ci/run installs it)");
    std::io::Write::write_all(python.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let expected = String::from_utf8(python.wait_with_output().unwrap().stdout).unwrap();
    let (status, got, err) = calc(&[], &input);
    assert_eq!(status, 0, "{err}");
    for ((expression, want), have) in expressions.iter().zip(expected.lines()).zip(got.lines()) {
        assert_eq!(have, want, "calc '{expression}'");
    }
    assert_eq!(got.lines().count(), expressions.len());
}

#[test]
fn integer_mode_divides_and_takes_remainders_as_bash_does() {
    for (a, b) in [
        (7, 2),
        (-7, 2),
        (7, -2),
        (-7, -2),
        (0, 5),
        (123456789, 1000),
    ] {
        for op in ["/", "%"] {
            let expression = format!("{a} {op} {b}");
            let bash = Command::new("bash")
                .args(["-c", &format!("echo $(( {expression} ))")])
                .output()
                .unwrap();
            let (status, out, _) = calc(&["--int", &expression], "");
            assert_eq!(status, 0);
            assert_eq!(
                out,
                String::from_utf8_lossy(&bash.stdout),
                "calc -i '{expression}'"
            );
        }
    }
}

#[test]
fn two_to_the_two_hundred_is_exact_and_mistakes_are_named() {
    let (status, out, _) = calc(&["2^200"], "");
    assert_eq!(status, 0);
    assert_eq!(
        out,
        "1606938044258990275541962092341162602522202993782792835301376\n"
    );
    assert_eq!(calc(&["1/3", "+", "1/6"], "").1, "1/2\n");
    assert_eq!(calc(&["6 × 7 − 2"], "").1, "40\n");
    assert_eq!(calc(&["-2^2"], "").1, "-4\n");
    let (status, _, err) = calc(&["1/0"], "");
    assert_eq!((status, err.as_str()), (1, "calc: division by zero\n"));
    let (status, _, err) = calc(&["3 +"], "");
    assert_eq!(
        (status, err.as_str()),
        (2, "calc: syntax error at column 4: expected a number\n")
    );
    let (status, _, err) = calc(&["(1+2"], "");
    assert_eq!(
        (status, err.as_str()),
        (2, "calc: syntax error at column 5: expected `)`\n")
    );
    let (status, _, err) = calc(&["--int", "2^-1"], "");
    assert_eq!((status, err.as_str()), (1, "calc: exponent less than 0\n"));
}
