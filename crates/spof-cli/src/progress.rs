//! A progress bar for long work, on standard error and only when it is a terminal; it shows
//! itself after a moment, so quick runs print nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::Cell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_millis(400);

pub struct Bar {
    bar: Option<ProgressBar>,
    started: Instant,
    /// Whether the counts are shown (there was something to count).
    counting: Cell<bool>,
}

/// The bar while there are units to count: `done/total` of them.
fn counting_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix} {msg} [{bar:30}] {pos}/{len} {elapsed}")
        .expect("the template is valid")
        .progress_chars("=> ")
}

/// The bar while there is nothing to count: the message alone.
fn plain_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix} {msg} {elapsed}").expect("the template is valid")
}

impl Bar {
    /// A bar for `what` (hidden unless standard error is a terminal).
    pub fn new(what: &str) -> Bar {
        let bar = (std::io::stderr().is_terminal()
            && std::env::var_os("SPOF_NO_PROGRESS").is_none())
        .then(|| Bar::hidden_bar(what));
        Bar {
            bar,
            started: Instant::now(),
            counting: Cell::new(false),
        }
    }

    fn hidden_bar(what: &str) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(plain_style());
        bar.set_prefix(what.to_string());
        bar
    }

    /// Where the work is: a message, and `done` of `total` units. The counts change together
    /// (a drawing never pairs a new total with the old count), `done` never shows above
    /// `total`, and a total of zero (nothing to count) shows the message alone.
    pub fn set(&self, message: &str, done: u64, total: u64) {
        let Some(bar) = &self.bar else { return };
        if bar.is_hidden() && self.started.elapsed() >= DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let counting = total > 0;
        // Each call below may draw: the counts change before a style shows them, and a style
        // that hides them comes before they go to zero.
        if !counting && self.counting.replace(false) {
            bar.set_style(plain_style());
        }
        if bar.message() != message {
            bar.set_message(message.to_string());
        }
        bar.update(|state| {
            state.set_len(total);
            state.set_pos(done.min(total));
        });
        if counting && !self.counting.replace(true) {
            bar.set_style(counting_style());
        }
    }

    /// Shows the bar after the delay even when no count comes meanwhile, with the time
    /// ticking: for work of a few long stages.
    pub fn tick_after_delay(&self) {
        if let Some(bar) = &self.bar {
            reveal_after_delay(bar);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Draws `bar` on standard error after the delay, with the time ticking, unless it is
/// finished by then.
fn reveal_after_delay(bar: &ProgressBar) {
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(DELAY);
        if !shown.is_finished() {
            shown.set_draw_target(ProgressDrawTarget::stderr());
            shown.enable_steady_tick(Duration::from_millis(120));
        }
    });
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
            reveal_after_delay(&bar);
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

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::{Arc, Mutex};

    /// A terminal that keeps every line drawn on it.
    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.trim().is_empty() {
                self.0.lock().unwrap().push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The `done/total` counts of a drawn line, if it shows any.
    fn counts(line: &str) -> Option<(u64, u64)> {
        line.split_whitespace().find_map(|word| {
            let (done, total) = word.split_once('/')?;
            Some((done.parse().ok()?, total.parse().ok()?))
        })
    }

    #[test]
    fn plan_progress_never_shows_more_done_than_total() {
        // What `spof plan` reports on a real model, then a step with no candidate left.
        let example = crate::examples::find("three-tier").unwrap();
        let model = spof_model::parse_model(example.text, &Default::default())
            .model
            .unwrap();
        let calls = Mutex::new(Vec::new());
        spof_engine::plan::plan(&model, &Default::default(), &|step, done, total| {
            calls
                .lock()
                .unwrap()
                .push((step, done as u64, total as u64));
        });
        let mut calls = calls.into_inner().unwrap();
        let last = calls.last().unwrap().0;
        calls.push((last + 1, 0, 0));
        assert!(calls.iter().any(|&(_, done, _)| done >= 2), "{calls:?}");

        let recorder = Recorder::default();
        let bar = Bar {
            bar: Some(Bar::hidden_bar("planning")),
            started: Instant::now(),
            counting: Cell::new(false),
        };
        bar.bar
            .as_ref()
            .unwrap()
            .set_draw_target(ProgressDrawTarget::term_like(Box::new(recorder.clone())));
        for &(step, done, total) in &calls {
            bar.set(&format!("fix {}", step + 1), done, total);
        }
        let lines = recorder.0.lock().unwrap().clone();
        assert!(lines.len() >= calls.len() / 2, "{lines:?}");
        for line in &lines {
            if let Some((done, total)) = counts(line) {
                assert!(total > 0 && done <= total, "drawn: {line}");
            }
        }
        assert!(
            lines.last().is_some_and(|l| counts(l).is_none()),
            "{lines:?}"
        );
    }
}
