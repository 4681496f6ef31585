//! Request logging: one line per request on stderr. Lines go through a channel to a
//! dedicated thread with a buffered writer, so a slow terminal or pipe never stalls a
//! request handler; the buffer is flushed whenever the channel runs dry, and when the
//! logger is dropped (the server stopped) the remaining lines are written before it returns,
//! so a stopping binary does not lose its last lines.

use std::io::Write;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

pub struct Logger {
    tx: Option<Sender<String>>,
    thread: Option<JoinHandle<()>>,
}

impl Logger {
    pub fn start() -> Self {
        let (tx, rx) = channel::<String>();
        // If the thread cannot be spawned we simply lose log lines; requests still work.
        let thread = std::thread::Builder::new()
            .name("sandbox-log".into())
            .spawn(move || run(rx))
            .ok();
        Logger {
            tx: Some(tx),
            thread,
        }
    }

    pub fn log(&self, line: String) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(line);
        }
    }
}

impl Drop for Logger {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop once it has written every line.
        self.tx.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(rx: Receiver<String>) {
    // Not `stderr().lock()`: holding the lock for the thread's lifetime would block every
    // other writer to stderr (panics, the binary's own messages).
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr());
    while let Ok(line) = rx.recv() {
        let _ = writeln!(out, "{line}");
        while let Ok(more) = rx.try_recv() {
            let _ = writeln!(out, "{more}");
        }
        let _ = out.flush();
    }
    let _ = out.flush();
}
