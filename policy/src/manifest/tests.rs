use super::*;

use std::fs;

use tempfile::TempDir;

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A manifest with every required field; tests append tables or replace lines.
fn base() -> String {
    format!(
        "name = \"bigcalc\"\n\
         version = \"1.0.0\"\n\
         description = \"Exact integer arithmetic\"\n\
         kind = \"component\"\n\
         \n\
         [wasm]\n\
         path = \"bigcalc.wasm\"\n\
         sha256 = \"{SHA}\"\n"
    )
}

/// A temporary directory that serves as the manifest's directory and as HOME, with `notes/` and
/// `scratch/` directories and a plain file `file.txt`.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("notes")).unwrap();
        fs::create_dir(dir.path().join("scratch")).unwrap();
        fs::write(dir.path().join("file.txt"), "not a directory").unwrap();
        Fixture { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn canonical(&self, name: &str) -> PathBuf {
        fs::canonicalize(self.path().join(name)).unwrap()
    }

    fn parse(&self, text: &str) -> Result<Manifest, ManifestError> {
        Manifest::parse_with_home(text, self.path(), Some(self.path()))
    }

    /// Parses `text`, expecting a field error; returns the field and the whole message.
    fn field_error(&self, text: &str) -> (String, String) {
        match self.parse(text) {
            Err(err @ ManifestError::Field { .. }) => {
                let message = err.to_string();
                let ManifestError::Field { field, .. } = err else {
                    unreachable!()
                };
                (field, message)
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    fn toml_error(&self, text: &str) -> String {
        match self.parse(text) {
            Err(err @ ManifestError::Toml { .. }) => err.to_string(),
            other => panic!("expected a TOML error, got {other:?}"),
        }
    }
}

#[test]
fn a_complete_manifest_parses() {
    let fixture = Fixture::new();
    let scratch = fixture.path().join("scratch");
    let text = format!(
        "{}\n\
         [permissions]\n\
         read = [\"~/notes\"]\n\
         write = [\"{}\"]\n\
         env = [\"LANG\", \"_X1\"]\n\
         stdin = true\n\
         network = false\n\
         \n\
         [limits]\n\
         memory_mb = 128\n\
         wall_ms = 5000\n\
         fuel = 1000000000\n\
         max_output_kb = 2048\n\
         \n\
         [[contract]]\n\
         args = [\"1+2\"]\n\
         stdout = \"3\\n\"\n\
         \n\
         [[contract]]\n\
         args = []\n\
         stdin = \"2*3\"\n\
         stdout = \"\"\n\
         status = 2\n",
        base(),
        scratch.display()
    );
    let manifest = fixture.parse(&text).unwrap();

    assert_eq!(manifest.name, "bigcalc");
    assert_eq!(manifest.version, semver::Version::new(1, 0, 0));
    assert_eq!(manifest.description, "Exact integer arithmetic");
    assert_eq!(manifest.kind, Kind::Component);
    assert_eq!(manifest.wasm.path, fixture.path().join("bigcalc.wasm"));
    assert_eq!(manifest.wasm.sha256, SHA);
    assert_eq!(
        manifest.permissions,
        Permissions {
            read: vec![fixture.canonical("notes")],
            write: vec![fixture.canonical("scratch")],
            env: vec!["LANG".to_string(), "_X1".to_string()],
            stdin: true,
            network: false,
        }
    );
    assert_eq!(
        manifest.limits,
        Limits {
            memory_mb: 128,
            wall_ms: 5000,
            fuel: Some(1_000_000_000),
            max_output_kb: 2048,
        }
    );
    assert_eq!(
        manifest.contract,
        vec![
            ContractExample {
                args: vec!["1+2".to_string()],
                stdin: String::new(),
                stdout: "3\n".to_string(),
                status: 0,
            },
            ContractExample {
                args: vec![],
                stdin: "2*3".to_string(),
                stdout: String::new(),
                status: 2,
            },
        ]
    );
}

#[test]
fn left_out_tables_grant_nothing_and_take_default_limits() {
    let fixture = Fixture::new();
    let manifest = fixture
        .parse(&(base().replace("component", "module")))
        .unwrap();
    assert_eq!(manifest.kind, Kind::Module);
    assert_eq!(manifest.permissions, Permissions::default());
    assert!(!manifest.permissions.stdin && !manifest.permissions.network);
    assert_eq!(
        manifest.limits,
        Limits {
            memory_mb: 64,
            wall_ms: 10_000,
            fuel: None,
            max_output_kb: 1024
        }
    );
    assert!(manifest.contract.is_empty());
}

#[test]
fn load_resolves_the_wasm_path_against_the_manifest_directory() {
    let fixture = Fixture::new();
    let caps = fixture.path().join("caps");
    fs::create_dir(&caps).unwrap();
    let path = caps.join("bigcalc.toml");
    fs::write(&path, base().replace("bigcalc.wasm", "bin/bigcalc.wasm")).unwrap();

    let manifest = Manifest::load_with_home(&path, None).unwrap();
    assert_eq!(manifest.wasm.path, caps.join("bin/bigcalc.wasm"));
}

#[test]
fn an_absolute_wasm_path_is_kept_and_a_missing_file_is_not_an_error() {
    let fixture = Fixture::new();
    let manifest = fixture
        .parse(&base().replace("bigcalc.wasm", "/nonexistent/bigcalc.wasm"))
        .unwrap();
    assert_eq!(manifest.wasm.path, Path::new("/nonexistent/bigcalc.wasm"));
}

#[test]
fn load_errors_name_the_manifest_file_line_and_column() {
    let fixture = Fixture::new();
    let path = fixture.path().join("bigcalc.toml");
    fs::write(&path, base().replace("\"1.0.0\"", "\"1.0\"")).unwrap();

    let err = Manifest::load_with_home(&path, None).unwrap_err();
    let ManifestError::Field { at, field, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "version");
    assert_eq!(
        at.position,
        Some(Position {
            line: 2,
            column: 11
        })
    );
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "{}:2:11: manifest field `version`",
            path.display()
        )),
        "{message}"
    );
}

#[test]
fn an_unreadable_manifest_is_a_read_error() {
    let fixture = Fixture::new();
    let path = fixture.path().join("missing.toml");
    let err = Manifest::load(&path).unwrap_err();
    assert!(
        matches!(&err, ManifestError::Read { path: p, .. } if *p == path),
        "{err:?}"
    );
    assert!(err.to_string().contains("missing.toml"));
}

#[test]
fn name_must_be_a_lowercase_command_name() {
    let fixture = Fixture::new();
    for bad in [
        "Calc",
        "1bigcalc",
        "ca lc",
        "",
        "a234567890123456789012345678901234",
    ] {
        let (field, message) =
            fixture.field_error(&base().replace("\"bigcalc\"", &format!("{bad:?}")));
        assert_eq!(field, "name", "{bad}");
        assert!(message.contains("is not a command name"), "{message}");
    }
    // 32 characters is the longest allowed.
    let longest = "a".repeat(32);
    assert_eq!(
        fixture
            .parse(&base().replace("\"bigcalc\"", &format!("{longest:?}")))
            .unwrap()
            .name,
        longest
    );
}

#[test]
fn name_may_not_be_a_builtin_or_keyword() {
    let fixture = Fixture::new();
    for reserved in [
        "cd", "exit", "cap", "gen", "audit", "daemon", "if", "for", "calc", "fs",
    ] {
        let (field, message) =
            fixture.field_error(&base().replace("\"bigcalc\"", &format!("{reserved:?}")));
        assert_eq!(field, "name");
        assert!(
            message.contains("builtin or keyword") && message.contains("pick another name"),
            "{message}"
        );
    }
}

#[test]
fn a_missing_required_field_is_named() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&base().replace("name = \"bigcalc\"\n", ""));
    assert_eq!(field, "name");
    assert!(
        message.contains("it is missing; add `name = \"bigcalc\"`"),
        "{message}"
    );

    let (field, _) = fixture.field_error(&base().replace(&format!("sha256 = \"{SHA}\"\n"), ""));
    assert_eq!(field, "wasm.sha256");

    let without_wasm = base().split("[wasm]").next().unwrap().to_string();
    let (field, _) = fixture.field_error(&without_wasm);
    assert_eq!(field, "wasm");
}

#[test]
fn version_must_be_semver() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&base().replace("\"1.0.0\"", "\"1.0\""));
    assert_eq!(field, "version");
    assert!(
        message.contains("\"1.0\" is not a semantic version"),
        "{message}"
    );
}

#[test]
fn description_must_be_one_short_nonempty_line() {
    let fixture = Fixture::new();
    let too_long = format!("\"{}\"", "x".repeat(201));
    for (bad, expected) in [
        ("\"\"", "it is empty"),
        ("\"   \"", "it is empty"),
        ("\"two\\nlines\"", "line break"),
        (too_long.as_str(), "201 characters"),
    ] {
        let (field, message) =
            fixture.field_error(&base().replace("\"Exact integer arithmetic\"", bad));
        assert_eq!(field, "description");
        assert!(message.contains(expected), "{message}");
    }
    let longest = format!("\"{}\"", "x".repeat(200));
    assert!(
        fixture
            .parse(&base().replace("\"Exact integer arithmetic\"", &longest))
            .is_ok()
    );
}

#[test]
fn kind_must_be_component_or_module() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&base().replace("\"component\"", "\"library\""));
    assert_eq!(field, "kind");
    assert!(message.contains("\"library\" is not a kind"), "{message}");
}

#[test]
fn a_value_of_the_wrong_type_names_its_field() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&base().replace("\"component\"", "3"));
    assert_eq!(field, "kind");
    assert!(
        message.contains("expected a string, found the integer 3"),
        "{message}"
    );
}

#[test]
fn wasm_sha256_must_be_64_lowercase_hex_digits() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&base().replace(SHA, "abc"));
    assert_eq!(field, "wasm.sha256");
    assert!(
        message.contains(
            "\"abc\" is not 64 hex digits; run `sha256sum bigcalc.wasm` and paste the first column"
        ),
        "{message}"
    );

    let (field, message) = fixture.field_error(&base().replace(SHA, &SHA.replace('f', "g")));
    assert_eq!(field, "wasm.sha256");
    assert!(message.contains("is not 64 hex digits"), "{message}");

    let (field, message) = fixture.field_error(&base().replace(SHA, &SHA.to_uppercase()));
    assert_eq!(field, "wasm.sha256");
    assert!(message.contains("uppercase"), "{message}");
}

#[test]
fn wasm_path_may_not_be_empty() {
    let fixture = Fixture::new();
    let (field, _) = fixture.field_error(&base().replace("\"bigcalc.wasm\"", "\"\""));
    assert_eq!(field, "wasm.path");
}

fn with_permissions(lines: &str) -> String {
    format!("{}\n[permissions]\n{lines}\n", base())
}

#[test]
fn permission_directories_must_exist() {
    let fixture = Fixture::new();
    let missing = fixture.path().join("no/such/dir");
    for key in ["read", "write"] {
        let text = with_permissions(&format!("{key} = [\"{}\"]", missing.display()));
        let (field, message) = fixture.field_error(&text);
        assert_eq!(field, format!("permissions.{key}"));
        assert!(
            message.contains(&format!(
                "`{}`: {} does not exist; create it or remove it from the manifest",
                field,
                missing.display()
            )),
            "{message}"
        );
    }
}

#[test]
fn permission_directories_must_be_directories() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&with_permissions("write = [\"~/file.txt\"]"));
    assert_eq!(field, "permissions.write");
    assert!(message.contains("is not a directory"), "{message}");
}

#[test]
fn permission_directories_must_be_absolute() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&with_permissions("read = [\"notes\"]"));
    assert_eq!(field, "permissions.read");
    assert!(
        message.contains("notes is not an absolute path"),
        "{message}"
    );
}

#[test]
fn tilde_needs_a_home_and_means_only_our_own() {
    let fixture = Fixture::new();
    let text = with_permissions("read = [\"~/notes\"]");
    let err = Manifest::parse_with_home(&text, fixture.path(), None).unwrap_err();
    assert!(
        matches!(&err, ManifestError::Field { field, .. } if field == "permissions.read"),
        "{err:?}"
    );
    assert!(err.to_string().contains("HOME is not set"), "{err}");

    let (field, message) = fixture.field_error(&with_permissions("read = [\"~root/notes\"]"));
    assert_eq!(field, "permissions.read");
    assert!(message.contains("another user's home"), "{message}");
}

#[test]
fn permission_directories_are_stored_canonical() {
    let fixture = Fixture::new();
    std::os::unix::fs::symlink(fixture.path().join("notes"), fixture.path().join("link")).unwrap();
    let manifest = fixture
        .parse(&with_permissions(
            "read = [\"~/link/../notes\", \"~/link\"]",
        ))
        .unwrap();
    assert_eq!(
        manifest.permissions.read,
        vec![fixture.canonical("notes"), fixture.canonical("notes")]
    );
}

#[test]
fn env_names_must_be_variable_names() {
    let fixture = Fixture::new();
    for bad in ["1BAD", "A-B", "", "A B"] {
        let (field, message) = fixture.field_error(&with_permissions(&format!("env = [{bad:?}]")));
        assert_eq!(field, "permissions.env");
        assert!(
            message.contains("is not an environment variable name"),
            "{message}"
        );
    }
}

#[test]
fn list_items_must_be_strings() {
    let fixture = Fixture::new();
    let (field, message) = fixture.field_error(&with_permissions("env = [\"LANG\", 1]"));
    assert_eq!(field, "permissions.env");
    assert!(message.contains("item 2 is the integer 1"), "{message}");
}

#[test]
fn permission_flags_must_be_booleans() {
    let fixture = Fixture::new();
    let (field, _) = fixture.field_error(&with_permissions("network = \"yes\""));
    assert_eq!(field, "permissions.network");
}

#[test]
fn limits_out_of_range_are_refused() {
    let fixture = Fixture::new();
    for (line, field, fix) in [
        ("memory_mb = 0", "limits.memory_mb", "from 1 to 4096"),
        ("memory_mb = 4097", "limits.memory_mb", "from 1 to 4096"),
        ("wall_ms = 600001", "limits.wall_ms", "from 1 to 600000"),
        ("wall_ms = -5", "limits.wall_ms", "from 1 to 600000"),
        ("fuel = 0", "limits.fuel", "from 1 to"),
        (
            "max_output_kb = 65537",
            "limits.max_output_kb",
            "from 1 to 65536",
        ),
    ] {
        let (got, message) = fixture.field_error(&format!("{}\n[limits]\n{line}\n", base()));
        assert_eq!(got, field, "{line}");
        assert!(
            message.contains("is out of range") && message.contains(fix),
            "{message}"
        );
    }
    let edges = "[limits]\nmemory_mb = 4096\nwall_ms = 600000\nmax_output_kb = 65536\nfuel = 1\n";
    let limits = fixture
        .parse(&format!("{}\n{edges}", base()))
        .unwrap()
        .limits;
    assert_eq!(
        (
            limits.memory_mb,
            limits.wall_ms,
            limits.max_output_kb,
            limits.fuel
        ),
        (4096, 600_000, 65_536, Some(1))
    );
}

#[test]
fn a_contract_example_needs_stdout() {
    let fixture = Fixture::new();
    let text = format!(
        "{}\n[[contract]]\nargs = [\"1\"]\nstdout = \"1\\n\"\n\n[[contract]]\nargs = [\"2\"]\n",
        base()
    );
    let (field, message) = fixture.field_error(&text);
    assert_eq!(field, "contract[1].stdout");
    assert!(message.contains("it is missing"), "{message}");
}

#[test]
fn a_contract_status_is_an_exit_status() {
    let fixture = Fixture::new();
    let text = format!("{}\n[[contract]]\nstdout = \"\"\nstatus = 256\n", base());
    let (field, _) = fixture.field_error(&text);
    assert_eq!(field, "contract[0].status");
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    let fixture = Fixture::new();
    let message = fixture.toml_error(&base().replace("name =", "nmae ="));
    assert!(message.contains("`nmae`"), "{message}");
    assert!(
        message.starts_with("line 1, column 1: not a valid manifest"),
        "{message}"
    );

    let message = fixture.toml_error(&format!("{}\n[limits]\nmemory = 1\n", base()));
    assert!(message.contains("`memory`"), "{message}");

    let message = fixture.toml_error(&format!(
        "{}\n[[contract]]\nstdout = \"\"\nexit = 1\n",
        base()
    ));
    assert!(message.contains("`exit`"), "{message}");
}

#[test]
fn a_toml_syntax_error_says_where() {
    let fixture = Fixture::new();
    let err = fixture
        .parse(&base().replace("version = \"1.0.0\"", "version = "))
        .unwrap_err();
    let ManifestError::Toml { at, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(at.position.map(|p| p.line), Some(2), "{err}");
}

#[test]
fn canonical_bytes_are_deterministic_and_round_trip() {
    let fixture = Fixture::new();
    let text = format!(
        "{}\n[permissions]\nread = [\"~/notes\"]\n[[contract]]\nstdout = \"x\"\n",
        base()
    );
    let first = fixture.parse(&text).unwrap();
    let second = fixture.parse(&text).unwrap();
    assert_eq!(first.canonical_bytes(), second.canonical_bytes());

    let changed = fixture.parse(&text.replace("1.0.0", "1.0.1")).unwrap();
    assert_ne!(first.canonical_bytes(), changed.canonical_bytes());

    let decoded: Manifest = serde_json::from_slice(&first.canonical_bytes()).unwrap();
    assert_eq!(decoded, first);
}

#[test]
fn a_grant_starts_as_the_manifest_request() {
    let fixture = Fixture::new();
    let text =
        with_permissions("read = [\"~/notes\"]\nenv = [\"LANG\"]\nstdin = true\nnetwork = true");
    let manifest = fixture.parse(&text).unwrap();
    let grant = Grant::from_manifest(&manifest);
    assert_eq!(
        grant,
        Grant::from(Permissions {
            read: vec![fixture.canonical("notes")],
            write: vec![],
            env: vec!["LANG".to_string()],
            stdin: true,
            network: true,
        })
    );
    let decoded: Grant = serde_json::from_slice(&grant.canonical_bytes()).unwrap();
    assert_eq!(decoded, grant);
}

#[test]
fn a_grant_can_add_directories_checked_like_the_manifest() {
    let fixture = Fixture::new();
    let manifest = fixture
        .parse(&with_permissions("read = [\"~/notes\"]"))
        .unwrap();
    let grant = Grant::from_manifest(&manifest)
        .with_extra_read(&fixture.path().join("notes/../notes"))
        .unwrap()
        .with_extra_write(&fixture.path().join("scratch"))
        .unwrap();
    // Adding a directory already granted does not repeat it.
    assert_eq!(grant.read, vec![fixture.canonical("notes")]);
    assert_eq!(grant.write, vec![fixture.canonical("scratch")]);

    let err = Grant::default()
        .with_extra_read(&fixture.path().join("absent"))
        .unwrap_err();
    assert!(
        matches!(err, ManifestError::Grant { field: "read", .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("does not exist; create it or leave it out of the grant"),
        "{err}"
    );

    let err = Grant::default()
        .with_extra_write(Path::new("scratch"))
        .unwrap_err();
    assert!(
        matches!(err, ManifestError::Grant { field: "write", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("is not an absolute path"), "{err}");

    let err = Grant::default()
        .with_extra_write(&fixture.path().join("file.txt"))
        .unwrap_err();
    assert!(err.to_string().contains("is not a directory"), "{err}");
}
