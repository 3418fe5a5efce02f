//! The guest's standard output and error: written through to the shell's descriptors as the guest
//! writes (nothing is held back), and counted together against the grant's output limit.

use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};

/// What stdout and stderr share: bytes written so far, the ceiling, and whether it was hit.
#[derive(Debug)]
pub struct Budget {
    written: AtomicU64,
    limit: u64,
    exceeded: AtomicBool,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Arc<Budget> {
        Arc::new(Budget {
            written: AtomicU64::new(0),
            limit,
            exceeded: AtomicBool::new(false),
        })
    }

    /// Whether the guest tried to write past the ceiling.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::SeqCst)
    }

    /// How much of `len` bytes may still be written; marks the budget exceeded when not all.
    fn take(&self, len: usize) -> usize {
        let len = len as u64;
        let before = self
            .written
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |w| {
                Some(w.saturating_add(len).min(self.limit))
            })
            .unwrap_or(self.limit);
        let allowed = self.limit.saturating_sub(before).min(len);
        if allowed < len {
            self.exceeded.store(true, Ordering::SeqCst);
        }
        allowed as usize
    }
}

/// Where a stream's bytes go.
pub enum Sink {
    /// A descriptor of the shell's (a terminal, a pipe, a file), written through.
    File(std::fs::File),
    /// Memory, for contract examples and replays.
    Memory(Arc<Mutex<Vec<u8>>>),
    /// Nowhere.
    Discard,
}

/// One of the guest's output streams.
#[derive(Clone)]
pub struct LimitedOutput {
    sink: Arc<Mutex<Sink>>,
    budget: Arc<Budget>,
}

impl LimitedOutput {
    /// A stream into `sink`, counted against `budget`.
    pub fn new(sink: Sink, budget: Arc<Budget>) -> Self {
        Self {
            sink: Arc::new(Mutex::new(sink)),
            budget,
        }
    }

    /// Writes what the budget allows of `bytes`; an error when it ran out (the guest sees its
    /// stream fail, and the run is reported as stopped by the output limit).
    fn put(&self, bytes: &[u8]) -> std::io::Result<()> {
        let allowed = self.budget.take(bytes.len());
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *sink {
            Sink::File(file) => file.write_all(&bytes[..allowed])?,
            Sink::Memory(buffer) => buffer
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(&bytes[..allowed]),
            Sink::Discard => {}
        }
        if allowed < bytes.len() {
            return Err(std::io::Error::other("output limit reached"));
        }
        Ok(())
    }
}

impl IsTerminal for LimitedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LimitedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Pollable for LimitedOutput {
    async fn ready(&mut self) {}
}

impl OutputStream for LimitedOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.put(&bytes)
            .map_err(|e| StreamError::LastOperationFailed(wasmtime::format_err!(e)))
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        if self.budget.exceeded() {
            return Err(StreamError::Closed);
        }
        Ok(64 * 1024)
    }
}

impl tokio::io::AsyncWrite for LimitedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.put(buf).map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdout_and_stderr_share_one_budget_and_stop_at_it() {
        let budget = Budget::new(10);
        let out = Arc::new(Mutex::new(Vec::new()));
        let err = Arc::new(Mutex::new(Vec::new()));
        let stdout = LimitedOutput::new(Sink::Memory(out.clone()), budget.clone());
        let stderr = LimitedOutput::new(Sink::Memory(err.clone()), budget.clone());
        stdout.put(b"123456").unwrap();
        assert!(stderr.put(b"abcdef").is_err());
        assert!(budget.exceeded());
        assert_eq!(*out.lock().unwrap(), b"123456");
        assert_eq!(*err.lock().unwrap(), b"abcd");
        assert!(stdout.put(b"x").is_err());
    }
}
