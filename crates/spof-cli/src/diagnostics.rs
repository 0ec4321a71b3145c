//! Model diagnostics on the terminal, with the source line and a caret, through miette.

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    NamedSource, SourceSpan,
};
use spof_model::{Diagnostic, Severity};
use std::fmt;

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
    text_len: usize,
    /// Whether the source excerpt is shown (see `fits`).
    snippet: bool,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Shown<'_> {
    fn span(&self, span: spof_model::Span) -> SourceSpan {
        let offset = span.offset.min(self.text_len);
        let len = span
            .len
            .min(self.text_len - offset)
            .max(usize::from(offset < self.text_len));
        SourceSpan::new(offset.into(), len)
    }
}

impl MietteDiagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic
            .span
            .filter(|_| self.snippet)
            .map(|_| self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = self.diagnostic.span.filter(|_| self.snippet)?;
        let label = if self.diagnostic.label.is_empty() {
            None
        } else {
            Some(self.diagnostic.label.clone())
        };
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            label,
            self.span(primary),
        )];
        for related in &self.diagnostic.related {
            labels.push(LabeledSpan::new_with_span(
                Some(related.message.clone()),
                self.span(related.span),
            ));
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// Renders diagnostics as text: the message, then the source excerpt headed by
/// `[file:line:column]`, the label and the help. A problem with no place in the file gets a
/// `file:` prefix instead.
pub fn render(diagnostics: &[Diagnostic], file: &str, text: &str, color: bool) -> String {
    let source = NamedSource::new(file, text.to_string());
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let shown = Shown {
            diagnostic,
            source: &source,
            text_len: text.len(),
            snippet: fits(diagnostic, text),
        };
        match diagnostic.span {
            None => out.push_str(&format!("{file}: ")),
            Some(span) if !shown.snippet => {
                out.push_str(&format!("{file}:{}:{}: ", span.line, span.column))
            }
            Some(_) => {}
        }
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &shown).is_ok() {
            out.push_str(&rendered);
        }
        out.push('\n');
    }
    out
}

/// Source lines longer than this are not shown: the renderer prints a line whole (all of a
/// 20 MB scalar), and panics on a label past column 65,535.
const MAX_SHOWN_LINE: usize = 1000;

/// Whether the excerpt of every labelled place (its lines and one on each side) is short
/// enough to show. When not, the diagnostic is shown as `file:line:column:` and the message.
fn fits(diagnostic: &Diagnostic, text: &str) -> bool {
    let mut spans = diagnostic
        .span
        .iter()
        .chain(diagnostic.related.iter().map(|l| &l.span));
    spans.all(|span| {
        let start = span.offset.min(text.len());
        let end = start.saturating_add(span.len).min(text.len());
        if end - start > MAX_SHOWN_LINE {
            return false;
        }
        // Two line breaks back and forward at most: the context line on each side.
        let mut before = text.as_bytes()[..start]
            .iter()
            .rev()
            .take(2 * MAX_SHOWN_LINE + 2);
        let mut after = text.as_bytes()[end..].iter().take(2 * MAX_SHOWN_LINE + 2);
        let short = |bytes: &mut dyn Iterator<Item = &u8>| {
            let (mut breaks, mut run) = (0, 0);
            for &b in bytes {
                if b == b'\n' {
                    breaks += 1;
                    run = 0;
                    if breaks == 2 {
                        return true;
                    }
                } else {
                    run += 1;
                    if run > MAX_SHOWN_LINE {
                        return false;
                    }
                }
            }
            true
        };
        short(&mut before) && short(&mut after)
    })
}
