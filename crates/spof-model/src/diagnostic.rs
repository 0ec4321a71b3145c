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

/// The longest run without white space that a message repeats whole: a value the user wrote
/// (an unknown kind, a name) is echoed in full up to this, and past it as its start, an
/// ellipsis and its end, so that a 20 MB value does not make a 20 MB message.
const LONGEST_ECHO: usize = 120;

/// `text` with every run of non-white-space characters longer than [`LONGEST_ECHO`] cut to
/// its first 80 and last 20 characters around `…`.
fn elide_long_runs(text: String) -> String {
    if text.len() <= LONGEST_ECHO {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        let count = run.chars().count();
        if count > LONGEST_ECHO {
            out.extend(run.chars().take(80));
            out.push('…');
            out.extend(run.chars().skip(count - 20));
        } else {
            out.push_str(run);
        }
        let spaces = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        out.push_str(&after[..spaces]);
        rest = &after[spaces..];
    }
    out
}

#[cfg(test)]
mod elide_tests {
    use super::elide_long_runs;

    #[test]
    fn a_long_value_is_echoed_as_its_start_and_end() {
        let short = "a component's `kind` `servce` is not known".to_string();
        assert_eq!(elide_long_runs(short.clone()), short);
        let huge = format!("the kind `{}é` is not known", "x".repeat(10_000));
        let shown = elide_long_runs(huge);
        assert!(shown.len() < 200, "{shown}");
        assert!(shown.starts_with("the kind `xxxx") && shown.ends_with("xé` is not known"));
        assert!(shown.contains('…'));
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: elide_long_runs(message.into()),
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
        self.help = Some(elide_long_runs(help.into()));
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
