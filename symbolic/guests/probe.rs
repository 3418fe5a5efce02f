//! probe: a guest for the sandbox's tests. Each subcommand tries one thing and says what happened,
//! so that a test can check what the sandbox allowed.
//!
//! probe read PATH | write PATH | lstat PATH | env NAME | stdin | args | panic | clock | random
//!
//! Built for wasm32-wasi by symbolic's build script with the system's rustc (1.63 on Debian 12),
//! so it keeps to the Rust of that version.

use std::io::{Read, Write};

#[link(wasm_import_module = "ncsh")]
extern "C" {
    fn lstat(path: *const u8, path_len: i32, out: *mut u8, out_cap: i32) -> i32;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map(String::as_str).unwrap_or("");
    let arg = args.get(2).cloned().unwrap_or_default();
    match what {
        "read" => match std::fs::read_to_string(&arg) {
            Ok(text) => print!("read ok: {}", text),
            Err(e) => {
                println!("read denied: {}", e);
                std::process::exit(1);
            }
        },
        "lstat" => {
            let mut buffer = vec![0u8; 512];
            // SAFETY: both buffers are live for the lengths passed.
            let n = unsafe { lstat(arg.as_ptr(), arg.len() as i32, buffer.as_mut_ptr(), buffer.len() as i32) };
            if n < 0 {
                println!("lstat denied: {}", n);
                std::process::exit(1);
            }
            println!("lstat ok: {}", String::from_utf8_lossy(&buffer[..n as usize]));
        }
        "write" => match std::fs::write(&arg, "written by probe\n") {
            Ok(()) => println!("write ok"),
            Err(e) => {
                println!("write denied: {}", e);
                std::process::exit(1);
            }
        },
        "env" => match std::env::var(&arg) {
            Ok(value) => println!("{}={}", arg, value),
            Err(_) => println!("{} unset", arg),
        },
        "stdin" => {
            let mut input = String::new();
            let _ = std::io::stdin().read_to_string(&mut input);
            print!("{}", input.to_uppercase());
        }
        "args" => println!("{:?}", &args[1..]),
        "panic" => panic!("probe was asked to panic"),
        "clock" => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0);
            println!("{}", now);
        }
        "random" => {
            // HashMap's keys are seeded from the random source.
            let mut bytes = [0u8; 8];
            let set: std::collections::HashSet<u32> = (0..8).collect();
            for (i, value) in set.iter().enumerate() {
                bytes[i] = *value as u8;
            }
            println!("{:?}", bytes);
        }
        "flood" => {
            let line = [b'x'; 1023];
            let mut out = std::io::stdout();
            loop {
                if out.write_all(&line).and_then(|_| out.write_all(b"\n")).is_err() {
                    std::process::exit(3);
                }
            }
        }
        _ => {
            eprintln!("probe: unknown request {:?}", what);
            std::process::exit(2);
        }
    }
}
