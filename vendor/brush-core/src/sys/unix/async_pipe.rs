//! Async pipe reading utilities for Unix.

use std::io;
use std::os::unix::io::OwnedFd;

use tokio::net::unix::pipe;

pub(crate) struct AsyncPipeReader(pipe::Receiver);

impl AsyncPipeReader {
    pub(crate) fn new(reader: std::io::PipeReader) -> io::Result<Self> {
        Ok(Self(pipe::Receiver::from_file(std::fs::File::from(
            OwnedFd::from(reader),
        ))?))
    }

    /// Everything the pipe gives, as text (ncsh patch): bytes that are not UTF-8 become U+FFFD.
    /// Bash keeps them; brush failed the whole command (`x=$(printf 'caf\xe9')` abandoned the
    /// line with "incomplete utf-8 byte sequence").
    pub(crate) async fn read_to_string(&mut self) -> io::Result<String> {
        use tokio::io::AsyncReadExt;
        let mut bytes = vec![];
        self.0.read_to_end(&mut bytes).await?;
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned()))
    }
}
