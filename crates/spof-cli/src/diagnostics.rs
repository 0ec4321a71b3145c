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
            .map(|_| self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = self.diagnostic.span?;
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
        };
        if diagnostic.span.is_none() {
            out.push_str(&format!("{file}: "));
        }
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &shown).is_ok() {
            out.push_str(&rendered);
        }
        out.push('\n');
    }
    out
}
