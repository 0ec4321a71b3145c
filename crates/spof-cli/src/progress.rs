//! A progress bar for long work, on standard error and only when it is a terminal; it shows
//! itself after a moment, so quick runs print nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(400);

pub struct Bar {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Bar {
    /// A bar for `what` (hidden unless standard error is a terminal).
    pub fn new(what: &str) -> Bar {
        let bar = (std::io::stderr().is_terminal()
            && std::env::var_os("SPOF_NO_PROGRESS").is_none())
        .then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{prefix} {msg} [{bar:30}] {pos}/{len} {elapsed}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar.set_prefix(what.to_string());
            bar
        });
        Bar {
            bar,
            started: Instant::now(),
        }
    }

    /// Where the work is: a message, and `done` of `total` units.
    pub fn set(&self, message: &str, done: u64, total: u64) {
        let Some(bar) = &self.bar else { return };
        if bar.is_hidden() && self.started.elapsed() >= DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if bar.length() != Some(total) {
            bar.set_length(total);
        }
        bar.set_position(done);
        if bar.message() != message {
            bar.set_message(message.to_string());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A spinner with the time elapsed, for work that reports no counts (a decision diagram being
/// built); shown after a moment on a terminal only, cleared when dropped.
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    pub fn new(message: &str) -> Spinner {
        let bar = (std::io::stderr().is_terminal()
            && std::env::var_os("SPOF_NO_PROGRESS").is_none())
        .then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("the template is valid"),
            );
            bar.set_message(message.to_string());
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        Spinner { bar }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
