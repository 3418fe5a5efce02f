//! The watcher: a thread that owns the host's screen model and recorders.
//!
//! The relay hands it copies of what went by and goes back to relaying, so the vt100 model and the
//! disk run on another core instead of between a read from the PTY and the next one. Output is handed
//! over in batches (whatever arrived before the relay next waits), because waking the thread for every
//! 4 KiB read costs more than the copy. The queue is bounded: when the model falls that far behind,
//! the relay waits for it, because the model must see every byte for its frames to be exact.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::ScreenModel;
use crate::host::Recorders;
use crate::terminal::WindowSize;

/// How many batches the model may lag behind the terminal.
const QUEUE_BATCHES: usize = 16;

/// Output beyond this is handed over even if more is arriving, to bound the lag and the memory.
const MAX_BATCH: usize = 256 * 1024;

/// Something that went through the host, with its time in seconds since the session started.
enum Seen {
    /// Bytes the program wrote to the screen.
    Output(f64, Vec<u8>),
    /// Bytes the user typed.
    Input(f64, Vec<u8>),
    /// The window changed size.
    Resize(f64, WindowSize),
}

/// The handle the relay keeps on the watcher thread.
pub(crate) struct Watcher {
    queue: Option<SyncSender<Seen>>,
    thread: Option<JoinHandle<()>>,
    /// Output not handed over yet, and when its first byte arrived.
    batch: Vec<u8>,
    batch_at: f64,
}

impl Watcher {
    /// Starts the thread. It inherits the caller's signal mask, so the host's blocked signals stay
    /// with the signalfd.
    pub(crate) fn start(screen: ScreenModel, recorders: Recorders) -> std::io::Result<Self> {
        let (queue, seen) = sync_channel(QUEUE_BATCHES);
        let thread = std::thread::Builder::new()
            .name("ncsh-watcher".into())
            .spawn(move || watch(seen, screen, recorders))?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
            batch: Vec::new(),
            batch_at: 0.0,
        })
    }

    /// The program wrote `bytes` to the screen `at` seconds into the session.
    pub(crate) fn output(&mut self, at: f64, bytes: &[u8]) {
        if self.batch.is_empty() {
            self.batch_at = at;
        }
        self.batch.extend_from_slice(bytes);
        if self.batch.len() >= MAX_BATCH {
            self.flush();
        }
    }

    /// The user typed `bytes`.
    pub(crate) fn input(&mut self, at: f64, bytes: &[u8]) {
        self.flush();
        self.send(Seen::Input(at, bytes.to_vec()));
    }

    /// The window changed size.
    pub(crate) fn resize(&mut self, at: f64, size: WindowSize) {
        self.flush();
        self.send(Seen::Resize(at, size));
    }

    /// Whether output is waiting to be handed over.
    pub(crate) fn has_batch(&self) -> bool {
        !self.batch.is_empty()
    }

    /// Hands over the output batched so far; the relay calls this before it waits.
    pub(crate) fn flush(&mut self) {
        if !self.batch.is_empty() {
            let batch = std::mem::take(&mut self.batch);
            self.send(Seen::Output(self.batch_at, batch));
        }
    }

    /// Queues `seen`, waiting while the queue is full. If the thread has died, the session goes on
    /// unwatched; that is logged once.
    fn send(&mut self, seen: Seen) {
        if let Some(queue) = &self.queue
            && queue.send(seen).is_err()
        {
            tracing::error!("the screen model stopped; the rest of the session is not recorded");
            self.queue = None;
        }
    }

    /// Lets the thread take what is queued, finish the recordings, and end.
    pub(crate) fn finish(mut self) {
        self.flush();
        self.queue = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the screen model failed; recordings may be incomplete");
        }
    }
}

fn watch(seen: Receiver<Seen>, mut screen: ScreenModel, mut recorders: Recorders) {
    for event in seen {
        match event {
            Seen::Output(at, bytes) => {
                screen.process(&bytes, at);
                if let Some(cast) = &mut recorders.cast
                    && let Err(e) = cast.output(at, &bytes)
                {
                    tracing::warn!("recording output failed: {e}");
                }
                record_steps(&mut recorders, screen.take_steps());
            }
            Seen::Input(at, bytes) => {
                if let Some(cast) = &mut recorders.cast
                    && let Err(e) = cast.input(at, &bytes)
                {
                    tracing::warn!("recording input failed: {e}");
                }
            }
            Seen::Resize(at, size) => {
                screen.resize(size.rows, size.cols);
                if let Some(cast) = &mut recorders.cast
                    && let Err(e) = cast.resize(at, size.cols, size.rows)
                {
                    tracing::warn!("recording a resize failed: {e}");
                }
            }
        }
    }
    record_steps(&mut recorders, screen.finish());
    if let Some(cast) = &mut recorders.cast
        && let Err(e) = cast.flush()
    {
        tracing::warn!("could not finish the recording: {e}");
    }
}

fn record_steps(recorders: &mut Recorders, steps: Vec<crate::Step>) {
    for step in steps {
        if let Some(writer) = &mut recorders.steps
            && let Err(e) = writer.write(&step)
        {
            tracing::warn!("recording a step failed: {e}");
        }
        if let Some(listener) = &recorders.listener
            && listener.send(step).is_err()
        {
            tracing::warn!("the step listener stopped; it gets no more steps");
            recorders.listener = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listener_gets_each_step_and_a_gone_listener_stops_nothing() {
        let (listener, steps) = std::sync::mpsc::channel();
        let file = tempfile::NamedTempFile::new().unwrap();
        let recorders = Recorders {
            steps: Some(crate::steps_file::StepWriter::new(std::io::BufWriter::new(
                file.reopen().unwrap(),
            ))),
            listener: Some(listener),
            ..Recorders::default()
        };
        let mut watcher = Watcher::start(ScreenModel::new(4, 20), recorders).unwrap();
        let command = |line: &str, out: &str| {
            format!(
                "\x1b]133;A\x07$ \x1b]133;B\x07\x1b]633;E;{line}\x07\x1b]133;C\x07{line}\r\n{out}\r\n\x1b]133;D;0\x07"
            )
        };
        watcher.output(0.0, command("echo hi", "hi").as_bytes());
        watcher.output(0.1, command("echo yo", "yo").as_bytes());
        watcher.output(0.2, b"\x1b]133;A\x07$ \x1b]133;B\x07");
        watcher.flush();
        let next = || {
            steps
                .recv_timeout(std::time::Duration::from_secs(5))
                .unwrap()
        };
        assert_eq!(next().action, "echo hi");
        assert_eq!(next().action, "echo yo");
        drop(steps);
        watcher.output(0.3, command("echo ho", "ho").as_bytes());
        watcher.output(0.4, b"\x1b]133;A\x07$ \x1b]133;B\x07");
        watcher.finish();
        let written =
            crate::steps_file::read_steps(std::io::BufReader::new(file.reopen().unwrap())).unwrap();
        assert_eq!(
            written.len(),
            3,
            "the step file goes on without the listener"
        );
    }
}
