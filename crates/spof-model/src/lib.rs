//! The spof system model: what a `spof.yaml` says, parsed with the position of every value,
//! checked as a whole, and turned into a [`Model`] whose types make bad states impossible
//! (no dangling reference, no zero replica count, no instance in two zones).
//!
//! This crate does no I/O: callers hand it the text of a file and its name. Every problem is a
//! [`Diagnostic`] with a location, and all of them are collected, not just the first.

mod date;
mod decode;
mod diagnostic;
mod duration;
mod edit;
mod endpoint;
mod model;
mod node;
pub mod policy;
pub mod schema;
pub mod text_edit;
pub mod validate;

pub use date::Date;
pub use diagnostic::{Diagnostic, Label, Severity, suggest};
pub use duration::{Duration, format_millis, parse_millis};
pub use endpoint::{Endpoint, Scheme};
pub use model::*;

/// Where a value sits in the source text: 1-based line and column, and the byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    pub len: usize,
}

/// A value with the place it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

/// Limits that keep hostile input (YAML bombs, deep nesting, huge files) within bounded time
/// and memory. The defaults admit models far larger than any hand-written one.
#[derive(Clone, Debug)]
pub struct ParseLimits {
    pub max_bytes: usize,
    pub max_nodes: usize,
    pub max_depth: usize,
    /// Upper bound on instances the whole model may expand to (replicas are multiplied out).
    pub max_instances: u64,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_bytes: 64 * 1024 * 1024,
            max_nodes: 5_000_000,
            max_depth: 64,
            max_instances: 5_000_000,
        }
    }
}

/// The outcome of reading a model: the model when it is usable, and every diagnostic
/// (errors and warnings) found on the way. There is a model exactly when no diagnostic is an
/// error.
#[derive(Debug)]
pub struct Parsed {
    pub model: Option<Model>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and validates the text of a model file. `file` is only used in messages.
pub fn parse_model(text: &str, limits: &ParseLimits) -> Parsed {
    let mut diagnostics = Vec::new();
    let Some(root) = node::parse(text, limits, &mut diagnostics) else {
        return Parsed {
            model: None,
            diagnostics,
        };
    };
    let model = decode::decode(&root, limits, &mut diagnostics).map(|mut model| {
        validate::complete(&mut model, &mut diagnostics);
        model
    });
    let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    diagnostics.sort_by_key(|d| (d.primary_span().map(|s| s.offset), d.severity));
    Parsed {
        model: if has_error { None } else { model },
        diagnostics,
    }
}
