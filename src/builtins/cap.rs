//! `cap`: install, upgrade, list, show and remove capabilities (sandboxed WASM commands); record and
//! replay their calls; and the keys their signatures are checked against.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use policy::{Grant, Manifest};
use store::{BlobHash, Generation};

use super::listing::{limits, permissions, table};
use super::pin;
use super::record::{Record, Replay};
use super::trust::Trust;
use super::{Builtin, Failure, Io};
use crate::daemon::client;
use crate::daemon::protocol::ManifestText;

/// Install, upgrade, list, show and remove capabilities: WASM commands that run in a sandbox with
/// only the permissions you grant. Each change is a new generation (see `gen`).
#[derive(Parser)]
#[command(name = "cap")]
pub struct Cap {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Verify a capability and install it: a new generation, made from current, that becomes
    /// current (and this shell's).
    Install(Source),
    /// Replace a capability of current with another version of it.
    Upgrade(Source),
    /// The capabilities of this shell's generation.
    List,
    /// One capability: its manifest, grant, limits and hashes.
    Show {
        /// The capability's name.
        name: String,
    },
    /// Remove a capability: a new generation, current without it.
    Remove {
        /// The capability's name.
        name: String,
    },
    /// Run a capability deterministically (virtual clock, seeded randomness, fuel) and keep the call,
    /// with what it was given and what it gave, for `cap replay`.
    Record(Record),
    /// Run a recorded call again and check that it gives the same bytes, status and fuel.
    Replay(Replay),
    /// The keys whose signatures policy trusts, and whether it requires them.
    Trust {
        #[command(subcommand)]
        action: Trust,
    },
}

#[derive(Args)]
struct Source {
    /// A manifest (TOML; see the README), or a bare .wasm, installed with no permissions and named
    /// after the file.
    #[arg(value_name = "MANIFEST|WASM")]
    path: PathBuf,
    /// Also grant reading this directory (repeatable).
    #[arg(long = "allow-read", value_name = "DIR")]
    allow_read: Vec<PathBuf>,
    /// Also grant reading and writing this directory (repeatable).
    #[arg(long = "allow-write", value_name = "DIR")]
    allow_write: Vec<PathBuf>,
    /// Grant the permissions without asking: needed where there is no terminal to ask on (a
    /// script, `-c`, a background job).
    #[arg(long, short = 'y')]
    yes: bool,
}

impl Builtin for Cap {
    fn run(self, io: &mut Io) -> Result<u8, Failure> {
        match self.action {
            Action::Install(source) => put(io, &source, false),
            Action::Upgrade(source) => put(io, &source, true),
            Action::List => list(io),
            Action::Show { name } => show(io, &name),
            Action::Remove { name } => {
                let generation = client::remove(name.clone())?;
                say_updated(io, &format!("removed {name}"), &generation)
            }
            Action::Record(record) => record.run(io),
            Action::Replay(replay) => replay.run(io),
            Action::Trust { action } => action.run(io),
        }
    }
}

/// Reports the generation an update made, and moves this shell to it.
pub(super) fn say_updated(io: &mut Io, what: &str, generation: &Generation) -> Result<u8, Failure> {
    pin::set(generation.id);
    let parent = generation
        .parent
        .map_or_else(String::new, |p| format!(" (from {p})"));
    writeln!(
        io.out,
        "{what}: generation {}{parent} is current, and this shell uses it",
        generation.id
    )?;
    Ok(0)
}

fn put(io: &mut Io, source: &Source, upgrade: bool) -> Result<u8, Failure> {
    let path = io.path(&source.path);
    let (manifest, text) = load(&path)?;
    // Capabilities run for commands not found, so one named after a program never would.
    if let Some(program) = io.program_on_path(&manifest.name) {
        return Err(format!(
            "the capability would never run: `{}` runs {}, which the shell finds on PATH before \
             it looks for a capability; give it another name (`name = \"...\"` in its manifest, or \
             rename the .wasm)",
            manifest.name,
            program.display()
        )
        .into());
    }
    let mut grant = Grant::from_manifest(&manifest);
    for dir in &source.allow_read {
        grant = grant.with_extra_read(&io.path(dir))?;
    }
    for dir in &source.allow_write {
        grant = grant.with_extra_write(&io.path(dir))?;
    }
    if !source.yes && !confirmed(io, &manifest, &grant, upgrade)? {
        writeln!(io.err, "cap: not confirmed; nothing was installed")?;
        return Ok(1);
    }
    let what = format!("{} {}", manifest.name, manifest.version);
    let generation = client::put_capability(text, grant, upgrade)?;
    let verb = if upgrade { "upgraded to" } else { "installed" };
    say_updated(io, &format!("{verb} {what}"), &generation)
}

/// The manifest at `path`, or one made for a bare wasm (named after the file, version 0.1.0, no
/// permissions, default limits); with its text, which the daemon checks again.
fn load(path: &Path) -> Result<(Manifest, ManifestText), Failure> {
    let bytes = policy::input_file::read(path, policy::input_file::Kind::Wasm).map_err(|e| {
        format!(
            "cannot read {}: {e}; give the path of a manifest or a .wasm",
            path.display()
        )
    })?;
    let dir = path.parent().unwrap_or(Path::new("/")).to_owned();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let Some(kind) = wasm_kind(&bytes) else {
        if path.extension().is_some_and(|e| e == "wasm") {
            return Err(format!(
                "{} is not WebAssembly: it does not start with the bytes `\\0asm` and a version \
                 (is it damaged, or another kind of file?); give a WebAssembly module or \
                 component, or a manifest",
                path.display()
            )
            .into());
        }
        let manifest = Manifest::load(path)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return Ok((
            manifest,
            ManifestText {
                text,
                base_dir: dir,
                home,
            },
        ));
    };
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = format!(
        "name = {name:?}\nversion = \"0.1.0\"\ndescription = {:?}\nkind = \"{kind}\"\n\
         [wasm]\npath = {:?}\nsha256 = \"{}\"\n",
        format!("installed from {}", path.display()),
        path.display().to_string(),
        BlobHash::of(&bytes)
    );
    let manifest = Manifest::parse(&text, &dir).map_err(|e| {
        Failure::from(format!(
            "cannot install {} under its file name ({e}); write a manifest for it (see the README)",
            path.display()
        ))
    })?;
    Ok((
        manifest,
        ManifestText {
            text,
            base_dir: dir,
            home,
        },
    ))
}

/// `module` or `component` for a wasm binary, by its preamble; `None` for anything else.
fn wasm_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes.get(..8)? {
        [0, b'a', b's', b'm', 1, 0, 0, 0] => Some("module"),
        [0, b'a', b's', b'm', _, _, 1, 0] => Some("component"),
        _ => None,
    }
}

/// Shows what the capability will be granted and asks; refuses to guess without a terminal.
fn confirmed(
    io: &mut Io,
    manifest: &Manifest,
    grant: &Grant,
    upgrade: bool,
) -> Result<bool, Failure> {
    if !io.input_is_terminal {
        return Err(format!(
            "{} {} asks for: {}; there is no terminal to confirm on (or it runs in the background), so add --yes to grant it",
            manifest.name,
            manifest.version,
            permissions(grant)
        )
        .into());
    }
    let verb = if upgrade { "Upgrade to" } else { "Install" };
    write!(
        io.err,
        "{verb} {} {} ({}, sha256 {}…)?\n  grants: {}\n  limits: {}\nProceed? [y/N] ",
        manifest.name,
        manifest.version,
        manifest.kind,
        &manifest.wasm.sha256[..12],
        permissions(grant),
        limits(manifest)
    )?;
    io.err.flush()?;
    let mut answer = String::new();
    BufReader::new(&mut io.input).read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// Capability `name` in `generation`, with its manifest and grant.
fn records<'g>(
    generation: &'g Generation,
    name: &str,
) -> Result<(&'g store::CapabilityRef, Manifest, Grant), Failure> {
    let Some(capability) = generation.contents.capabilities.get(name) else {
        return Err(format!(
            "no capability `{name}` in generation {} (this shell's); `cap list` shows those there are",
            generation.id
        )
        .into());
    };
    let manifest = decode(&client::blob(capability.manifest)?, "manifest", name)?;
    let grant = decode(&client::blob(capability.grant)?, "grant", name)?;
    Ok((capability, manifest, grant))
}

fn decode<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
    name: &str,
) -> Result<T, Failure> {
    serde_json::from_slice(bytes).map_err(|e| {
        Failure::from(format!(
            "the stored {what} of `{name}` cannot be read ({e}); reinstall it"
        ))
    })
}

fn list(io: &mut Io) -> Result<u8, Failure> {
    let generation = pin::this_generation()?;
    let id = generation.id;
    if generation.contents.capabilities.is_empty() {
        writeln!(
            io.out,
            "no capabilities in generation {id}; `cap install MANIFEST` adds one"
        )?;
        return Ok(0);
    }
    let mut rows = Vec::new();
    for name in generation.contents.capabilities.keys() {
        let (_, manifest, grant) = records(&generation, name)?;
        rows.push(vec![
            name.clone(),
            manifest.version.to_string(),
            manifest.kind.to_string(),
            permissions(&grant),
            manifest.description.clone(),
        ]);
    }
    writeln!(io.out, "capabilities of generation {id} (this shell's):")?;
    write!(
        io.out,
        "{}",
        table(&["name", "version", "kind", "granted", "description"], rows)
    )?;
    Ok(0)
}

fn show(io: &mut Io, name: &str) -> Result<u8, Failure> {
    let generation = pin::this_generation()?;
    let (capability, manifest, grant) = records(&generation, name)?;
    let rows = [
        ("name", manifest.name.clone()),
        ("version", manifest.version.to_string()),
        ("description", manifest.description.clone()),
        ("kind", manifest.kind.to_string()),
        ("generation", generation.id.to_string()),
        ("granted", permissions(&grant)),
        ("limits", limits(&manifest)),
        ("contract examples", manifest.contract.len().to_string()),
        ("signature", signature(&generation, name, &capability.wasm)),
        ("wasm sha256", capability.wasm.to_string()),
        ("manifest sha256", capability.manifest.to_string()),
        ("grant sha256", capability.grant.to_string()),
    ];
    for (key, value) in rows {
        writeln!(io.out, "{key:>18}  {value}")?;
    }
    Ok(0)
}

/// What the signature of capability `name` says under its generation's policy.
fn signature(generation: &Generation, name: &str, wasm: &BlobHash) -> String {
    use policy::signature::{Signature, check};
    let Ok(bytes) = client::blob(*wasm) else {
        return "(the daemon did not answer)".to_owned();
    };
    match check(name, &bytes, &generation.contents.policy_rules) {
        Ok(Signature::By(key)) => format!("signed by {key}"),
        Ok(Signature::Unsigned) => "unsigned".to_owned(),
        Ok(Signature::Unchecked) => "signed; no trusted key to check it".to_owned(),
        Err(_) => "does not verify under the keys trusted now".to_owned(),
    }
}
