//! A real login: a user whose shell in /etc/passwd is ncsh, entered with `su - USER`. It needs root
//! (to create the user) and `su`; elsewhere it says why it is skipped.

mod common;

use std::process::Command;

use common::Terminal;

const USER: &str = "ncsh-login-test";

fn why_skipped() -> Option<String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Some("not running as root, cannot create a login user".into());
    }
    for tool in ["su", "useradd", "usermod"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

/// Makes USER exist with ncsh (this build) as login shell and a fresh home.
fn login_user_with_ncsh() -> std::path::PathBuf {
    let shell = env!("CARGO_BIN_EXE_ncsh");
    let home = std::path::PathBuf::from(format!("/tmp/{USER}-home"));
    let _ = std::fs::remove_dir_all(&home);
    let exists = Command::new("id")
        .arg(USER)
        .output()
        .unwrap()
        .status
        .success();
    let (tool, create) = if exists {
        ("usermod", None)
    } else {
        ("useradd", Some("-M"))
    };
    let mut command = Command::new(tool);
    command.args(["-s", shell, "-d", home.to_str().unwrap()]);
    command.args(create);
    let status = command.arg(USER).status().unwrap();
    assert!(status.success(), "{tool} failed");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".profile"), "PS1='$ '\necho PROFILE-OF-$USER\n").unwrap();
    let status = Command::new("chown")
        .args(["-R", USER, home.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    home
}

#[test]
fn su_dash_enters_ncsh_as_a_login_shell() {
    if let Some(reason) = why_skipped() {
        println!("skipped: {reason}");
        return;
    }
    login_user_with_ncsh();
    let mut su = Command::new("su");
    su.args(["-", USER]).env("TERM", "xterm");
    let term = Terminal::spawn(su, 24, 80);
    term.expect(&format!("PROFILE-OF-{USER}"));
    term.expect_prompt();
    term.line("echo \"zero=$0 user=$(id -un)\"; shopt -q login_shell && echo is-login");
    term.expect(&format!("zero=-ncsh user={USER}\nis-login"));
    term.line("exit 4");
    assert_eq!(term.wait_exit(), 4);
}
