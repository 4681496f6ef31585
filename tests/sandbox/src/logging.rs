//! Request logging: one line per request on stderr. Lines go through a channel to a
//! dedicated thread with a buffered writer, so a slow terminal or pipe never stalls a
//! request handler; the buffer is flushed whenever the channel runs dry.

use std::io::Write;
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Logger {
    tx: Sender<String>,
}

impl Logger {
    pub fn start() -> Self {
        let (tx, rx) = channel::<String>();
        // If the thread cannot be spawned we simply lose log lines; requests still work.
        let _ = std::thread::Builder::new()
            .name("sandbox-log".into())
            .spawn(move || run(rx));
        Logger { tx }
    }

    pub fn log(&self, line: String) {
        let _ = self.tx.send(line);
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
