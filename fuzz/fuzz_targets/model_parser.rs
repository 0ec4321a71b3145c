//! Fuzzes the model reader with arbitrary bytes, and every command's engine work (`check`,
//! `whatif`, `risks`, `plan`) with every valid model the fuzzer comes across. Neither may panic, hang or run out of memory on any input: the
//! reader's limits (`ParseLimits::default()`) are the same the CLI uses.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use spof_model::{ParseLimits, Severity, parse_model};

fuzz_target!(|data: &[u8]| {
    // The CLI refuses non-UTF-8 files before parsing, so only text reaches the reader.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_model(text, &ParseLimits::default());
    let has_error = parsed
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    // The contract of `Parsed`: a model exactly when no diagnostic is an error.
    assert_eq!(
        parsed.model.is_some(),
        !has_error,
        "model/diagnostics mismatch"
    );
    for d in &parsed.diagnostics {
        if let Some(span) = d.span {
            // Spans point inside the text (the CLI slices the source with them).
            assert!(span.offset <= text.len(), "span offset past the end: {d:?}");
            assert!(
                span.offset + span.len <= text.len(),
                "span past the end: {d:?}"
            );
            assert!(
                text.is_char_boundary(span.offset),
                "span inside a character: {d:?}"
            );
        }
    }
    if let Some(model) = parsed.model {
        common::every_command(&model);
    }
});
