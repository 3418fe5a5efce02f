//! From TOML text to a checked [`Manifest`].
//!
//! serde reads the tables, so that an unknown or misspelled key is refused by name. Every value is read
//! as a spanned `toml::Value` and typed here rather than by serde, because serde's type errors do not
//! say which field they are about, and ours must.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Spanned, Value};

use super::check::{self, Problem};
use super::{
    ContractExample, Limits, Location, Manifest, ManifestError, Permissions, Position, WasmRef,
};

type Field = Option<Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: Field,
    version: Field,
    description: Field,
    kind: Field,
    wasm: Option<Spanned<RawWasm>>,
    permissions: Option<Spanned<RawPermissions>>,
    limits: Option<Spanned<RawLimits>>,
    #[serde(default)]
    contract: Vec<Spanned<RawContract>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWasm {
    path: Field,
    sha256: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermissions {
    read: Field,
    write: Field,
    env: Field,
    stdin: Field,
    network: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    memory_mb: Field,
    wall_ms: Field,
    fuel: Field,
    max_output_kb: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    args: Field,
    stdin: Field,
    stdout: Field,
    status: Field,
}

/// The text being parsed and where it came from, to place errors.
struct Source<'a> {
    text: &'a str,
    path: Option<&'a Path>,
}

impl Source<'_> {
    fn location(&self, span: Option<Range<usize>>) -> Location {
        Location {
            path: self.path.map(Path::to_path_buf),
            position: span.map(|span| position(self.text, span.start)),
        }
    }

    fn error(&self, span: Option<Range<usize>>, field: &str, problem: Problem) -> ManifestError {
        ManifestError::Field {
            at: self.location(span),
            field: field.to_string(),
            problem: problem.problem,
            fix: problem.fix,
        }
    }

    /// A required value; `table` is where to point when it is missing, `example` how to write it.
    fn required(
        &self,
        value: Field,
        field: &str,
        table: Option<Range<usize>>,
        example: &str,
    ) -> Result<Spanned<Value>, ManifestError> {
        value.ok_or_else(|| {
            self.error(
                table,
                field,
                Problem::new("it is missing", format!("add `{example}`")),
            )
        })
    }

    fn required_string(
        &self,
        value: Field,
        field: &str,
        table: Option<Range<usize>>,
        example: &str,
    ) -> Result<(String, Range<usize>), ManifestError> {
        let value = self.required(value, field, table, example)?;
        self.string(value, field)
    }

    fn wrong_type(&self, value: &Spanned<Value>, field: &str, expected: &str) -> ManifestError {
        let problem = Problem::new(
            format!("expected {expected}, found {}", describe(value.get_ref())),
            format!("write {expected} there"),
        );
        self.error(Some(value.span()), field, problem)
    }

    fn string(
        &self,
        value: Spanned<Value>,
        field: &str,
    ) -> Result<(String, Range<usize>), ManifestError> {
        match value.get_ref() {
            Value::String(text) => Ok((text.clone(), value.span())),
            _ => Err(self.wrong_type(&value, field, "a string")),
        }
    }

    fn boolean(&self, value: Field, field: &str) -> Result<bool, ManifestError> {
        match value {
            None => Ok(false),
            Some(value) => match value.get_ref() {
                Value::Boolean(flag) => Ok(*flag),
                _ => Err(self.wrong_type(&value, field, "true or false")),
            },
        }
    }

    fn integer(
        &self,
        value: &Spanned<Value>,
        field: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<i64, ManifestError> {
        match value.get_ref() {
            Value::Integer(number) => check::in_range(*number, range)
                .map_err(|problem| self.error(Some(value.span()), field, problem)),
            _ => Err(self.wrong_type(value, field, "an integer")),
        }
    }

    fn strings(
        &self,
        value: Field,
        field: &str,
    ) -> Result<Vec<(String, Range<usize>)>, ManifestError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value.get_ref() else {
            return Err(self.wrong_type(&value, field, "a list of strings"));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                // Array elements carry no spans of their own; point at the list.
                Value::String(text) => Ok((text.clone(), value.span())),
                other => {
                    let problem = Problem::new(
                        format!(
                            "expected a list of strings, but item {} is {}",
                            index + 1,
                            describe(other)
                        ),
                        "quote each item",
                    );
                    Err(self.error(Some(value.span()), field, problem))
                }
            })
            .collect()
    }
}

/// Parses and checks a manifest. `path` is only for error messages; relative paths resolve against
/// `base_dir`.
pub(super) fn parse(
    text: &str,
    base_dir: &Path,
    path: Option<&Path>,
    home: Option<&Path>,
) -> Result<Manifest, ManifestError> {
    let source = Source { text, path };
    let raw: RawManifest = toml::from_str(text).map_err(|err| ManifestError::Toml {
        at: source.location(err.span()),
        message: err.message().to_string(),
    })?;

    let (name, span) = source.required_string(raw.name, "name", None, "name = \"bigcalc\"")?;
    check::name(&name).map_err(|p| source.error(Some(span), "name", p))?;

    let (version, span) =
        source.required_string(raw.version, "version", None, "version = \"1.0.0\"")?;
    let version = check::version(&version).map_err(|p| source.error(Some(span), "version", p))?;

    let example = "description = \"what it does, in one line\"";
    let (description, span) =
        source.required_string(raw.description, "description", None, example)?;
    check::description(&description).map_err(|p| source.error(Some(span), "description", p))?;

    let (kind, span) = source.required_string(raw.kind, "kind", None, "kind = \"component\"")?;
    let kind = check::kind(&kind).map_err(|p| source.error(Some(span), "kind", p))?;

    let wasm = wasm_ref(&source, raw.wasm, base_dir, home)?;
    let permissions = permissions(&source, raw.permissions, home)?;
    let limits = limits(&source, raw.limits)?;
    let contract = raw
        .contract
        .into_iter()
        .enumerate()
        .map(|(index, example)| contract_example(&source, index, example))
        .collect::<Result<_, _>>()?;

    Ok(Manifest {
        name,
        version,
        description,
        kind,
        wasm,
        permissions,
        limits,
        contract,
    })
}

fn wasm_ref(
    source: &Source,
    raw: Option<Spanned<RawWasm>>,
    base_dir: &Path,
    home: Option<&Path>,
) -> Result<WasmRef, ManifestError> {
    let Some(raw) = raw else {
        let problem = Problem::new(
            "the table is missing",
            "add a [wasm] table with `path` and `sha256`",
        );
        return Err(source.error(None, "wasm", problem));
    };
    let table = Some(raw.span());
    let raw = raw.into_inner();

    let example = "path = \"bigcalc.wasm\"";
    let (written, span) = source.required_string(raw.path, "wasm.path", table.clone(), example)?;
    if written.is_empty() {
        let problem = Problem::new(
            "it is empty",
            "name the wasm file, relative to the manifest",
        );
        return Err(source.error(Some(span), "wasm.path", problem));
    }
    let expanded = check::expand_home(&written, home)
        .map_err(|p| source.error(Some(span.clone()), "wasm.path", p))?;
    // The file need not exist yet: the manifest may be written before the build. Only the name is fixed.
    let path = std::path::absolute(base_dir.join(&expanded)).map_err(|err| {
        let problem = Problem::new(
            format!("cannot make {} absolute: {err}", expanded.display()),
            "write an absolute path",
        );
        source.error(Some(span.clone()), "wasm.path", problem)
    })?;
    check::utf8_path(&path, "move the wasm file")
        .map_err(|p| source.error(Some(span), "wasm.path", p))?;

    let example = "sha256 = \"<64 hex digits>\"";
    let (sha256, span) = source.required_string(raw.sha256, "wasm.sha256", table, example)?;
    check::sha256(&sha256, &written).map_err(|p| source.error(Some(span), "wasm.sha256", p))?;

    Ok(WasmRef { path, sha256 })
}

fn permissions(
    source: &Source,
    raw: Option<Spanned<RawPermissions>>,
    home: Option<&Path>,
) -> Result<Permissions, ManifestError> {
    let Some(raw) = raw else {
        return Ok(Permissions::default());
    };
    let raw = raw.into_inner();
    let directories = |value: Field, field: &str| -> Result<Vec<PathBuf>, ManifestError> {
        source
            .strings(value, field)?
            .into_iter()
            .map(|(written, span)| {
                check::expand_home(&written, home)
                    .and_then(|path| check::directory(&path, "remove it from the manifest"))
                    .map_err(|p| source.error(Some(span), field, p))
            })
            .collect()
    };
    let read = directories(raw.read, "permissions.read")?;
    let write = directories(raw.write, "permissions.write")?;
    let env = source
        .strings(raw.env, "permissions.env")?
        .into_iter()
        .map(|(name, span)| {
            check::env_name(&name)
                .map(|()| name)
                .map_err(|p| source.error(Some(span), "permissions.env", p))
        })
        .collect::<Result<_, _>>()?;
    Ok(Permissions {
        read,
        write,
        env,
        stdin: source.boolean(raw.stdin, "permissions.stdin")?,
        network: source.boolean(raw.network, "permissions.network")?,
    })
}

fn limits(source: &Source, raw: Option<Spanned<RawLimits>>) -> Result<Limits, ManifestError> {
    let defaults = Limits::default();
    let Some(raw) = raw else {
        return Ok(defaults);
    };
    let raw = raw.into_inner();
    // The casts below cannot truncate: each range fits the target type.
    let memory_mb = match &raw.memory_mb {
        Some(value) => source.integer(value, "limits.memory_mb", 1..=4096)? as u32,
        None => defaults.memory_mb,
    };
    let wall_ms = match &raw.wall_ms {
        Some(value) => source.integer(value, "limits.wall_ms", 1..=600_000)? as u64,
        None => defaults.wall_ms,
    };
    let fuel = match &raw.fuel {
        Some(value) => Some(source.integer(value, "limits.fuel", 1..=i64::MAX)? as u64),
        None => defaults.fuel,
    };
    let max_output_kb = match &raw.max_output_kb {
        Some(value) => source.integer(value, "limits.max_output_kb", 1..=65_536)? as u32,
        None => defaults.max_output_kb,
    };
    Ok(Limits {
        memory_mb,
        wall_ms,
        fuel,
        max_output_kb,
    })
}

fn contract_example(
    source: &Source,
    index: usize,
    raw: Spanned<RawContract>,
) -> Result<ContractExample, ManifestError> {
    let table = Some(raw.span());
    let raw = raw.into_inner();
    let field = |name: &str| format!("contract[{index}].{name}");

    let args = source
        .strings(raw.args, &field("args"))?
        .into_iter()
        .map(|(arg, _)| arg)
        .collect();
    let stdin = match raw.stdin {
        Some(value) => source.string(value, &field("stdin"))?.0,
        None => String::new(),
    };
    let example = "stdout = \"<the exact output>\"";
    let (stdout, _) = source.required_string(raw.stdout, &field("stdout"), table, example)?;
    let status = match &raw.status {
        Some(value) => source.integer(value, &field("status"), 0..=255)? as u8,
        None => 0,
    };
    Ok(ContractExample {
        args,
        stdin,
        stdout,
        status,
    })
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(text) => format!("the string {text:?}"),
        Value::Integer(number) => format!("the integer {number}"),
        Value::Float(number) => format!("the float {number}"),
        Value::Boolean(flag) => format!("{flag}"),
        Value::Datetime(datetime) => format!("the datetime {datetime}"),
        Value::Array(_) => "a list".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> Position {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    // A manifest with four billion lines was refused long before this; saturate rather than wrap.
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}
