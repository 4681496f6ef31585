//! What the person running the import sees while it sends: on a terminal, a bar with rows done
//! and failed, the rate and the time left; otherwise (a log, CI) each failure as a line and a
//! summary at the end — a bar redrawn into a file is noise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    terminal: bool,
    failed: std::sync::atomic::AtomicUsize,
}

impl Progress {
    pub fn new(rows: usize, terminal: bool) -> Progress {
        let bar = if terminal {
            let bar =
                ProgressBar::with_draw_target(Some(rows as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:30.cyan/blue} {pos}/{len} rows · {msg} · {per_sec} · ETA {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("0 failed");
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            terminal,
            failed: 0.into(),
        }
    }

    pub fn done(&self) {
        self.bar.inc(1);
    }

    pub fn failed(&self, message: &str) {
        let failed = self
            .failed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        self.bar.set_message(format!("{failed} failed"));
        self.bar.inc(1);
        self.say(message);
    }

    /// A line above the bar (or on stderr without one).
    pub fn say(&self, message: &str) {
        if self.terminal {
            self.bar.println(message);
        } else {
            eprintln!("{message}");
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
