//! Files a user names, read whole with bounds: a device, a FIFO or a socket is refused before any
//! of it is read (`/dev/zero` filled memory, and a FIFO blocked the daemon for good), and so is a
//! file larger than what it may hold, and one that grows past that as it is read.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

const MIB: u64 = 1024 * 1024;

/// The most ncsh reads of each kind of file.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A capability manifest.
    Manifest,
    /// A WebAssembly module or component.
    Wasm,
    /// A bundle that `gen export` wrote: a generation with every blob it references.
    Bundle,
    /// A public key.
    Key,
    /// A call that `cap record` wrote.
    Record,
    /// An asciicast recording.
    Cast,
    /// What a recorded capability reads on its standard input.
    Input,
}

impl Kind {
    /// The most bytes a file of this kind may hold.
    pub const fn limit(self) -> u64 {
        match self {
            Self::Manifest | Self::Key => MIB,
            Self::Wasm | Self::Input => 256 * MIB,
            Self::Bundle | Self::Record | Self::Cast => 1024 * MIB,
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Self::Manifest => "a manifest",
            Self::Wasm => "a WebAssembly file",
            Self::Bundle => "a bundle",
            Self::Key => "a key",
            Self::Record => "a record",
            Self::Cast => "a recording",
            Self::Input => "a standard input",
        }
    }
}

/// The bytes of the regular file at `path` (a symlink is followed), as long as it holds no more
/// than a file of `kind` may.
///
/// # Errors
/// When it is not a regular file, is larger than that, or cannot be read; the error says which.
pub fn read(path: &Path, kind: Kind) -> std::io::Result<Vec<u8>> {
    // Opened without waiting (a FIFO's open waits for a writer), then looked at: what is looked at
    // is what is read, even where the path is changed in between.
    let file = std::fs::File::options()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)?;
    let file_type = file.metadata()?.file_type();
    if !file_type.is_file() {
        use std::os::unix::fs::FileTypeExt;
        let what = if file_type.is_dir() {
            "a directory"
        } else if file_type.is_fifo() {
            "a FIFO"
        } else if file_type.is_socket() {
            "a socket"
        } else {
            "a device"
        };
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {what}, not a file"),
        ));
    }
    let mut bytes = Vec::new();
    file.take(kind.limit() + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > kind.limit() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "it holds more than {} MiB, the most ncsh reads of {}",
                kind.limit() / MIB,
                kind.name()
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::{Kind, read};

    #[test]
    fn a_file_within_its_limit_is_read_and_others_are_refused_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.toml");
        std::fs::write(&small, "name = \"x\"\n").unwrap();
        assert_eq!(read(&small, Kind::Manifest).unwrap(), b"name = \"x\"\n");
        let large = dir.path().join("large.toml");
        std::fs::write(&large, vec![b'#'; 1024 * 1024 + 1]).unwrap();
        let refused = read(&large, Kind::Manifest).unwrap_err().to_string();
        assert!(refused.contains("more than 1 MiB"), "{refused}");
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        for (path, what) in [
            (fifo.as_path(), "a FIFO"),
            (std::path::Path::new("/dev/zero"), "a device"),
            (dir.path(), "a directory"),
        ] {
            let refused = read(path, Kind::Wasm).unwrap_err().to_string();
            assert_eq!(refused, format!("it is {what}, not a file"));
        }
    }
}
