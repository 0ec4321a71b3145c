//! Fuzzes the Kubernetes importer with manifests (YAML or JSON, one or more documents).
//! Any text gives an error located in the file, or an import whose model document the model
//! reader accepts, and the engine analyses that model (see `common.rs`). Nothing may panic,
//! hang or run out of memory.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const PATH: &str = "manifest.yaml";

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let result = spof_import::kubernetes::import(&common::file(PATH, text));
    common::check_import(result, PATH, text);
});
