//! Problems found in a model: a message, where it is, what was expected and a suggestion.
//! Renderers (terminal, JSON) live elsewhere; this is only the data.

use crate::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary place worth showing ("declared here", "also depends on").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable short code for the kind of problem (`unknown-key`, `dangling-reference`...).
    pub code: &'static str,
    pub message: String,
    /// The primary place, when the problem has one.
    pub span: Option<Span>,
    /// What the primary label says at that place.
    pub label: String,
    pub related: Vec<Label>,
    /// What to do: the expected form, or the near name for a typo.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.span
    }
}

/// The candidate nearest to `name`, when it is near enough to be a likely typo.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Names are at most 256 characters and keywords are short: a longer value (a 20 MB
    // scalar) is no typo of any of them, and comparing it would cost its length times each
    // candidate's.
    if name.len() > 1024 {
        return None;
    }
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = strsim::jaro_winkler(name, candidate);
        let close_edit = strsim::levenshtein(name, candidate) <= (name.len().max(3) / 3).max(1);
        if (score >= 0.85 || close_edit) && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" when there is a near name.
pub(crate) fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    suggest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(suggest("dbb", ["db", "app", "lb"]), Some("db"));
        assert_eq!(suggest("replica", ["replicas", "kind"]), Some("replicas"));
        assert_eq!(suggest("zzzz", ["db", "app"]), None);
        assert_eq!(suggest("db", ["db"]), None);
    }
}
