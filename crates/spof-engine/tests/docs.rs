//! The finding documentation in `docs/findings/` is generated from the rules; this test fails
//! when it is stale. Regenerate with `SPOF_UPDATE_DOCS=1 cargo test -p spof-engine --test docs`.

use spof_engine::findings::RULES;
use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/findings")
}

fn expected() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut index = String::from(
        "# Finding codes\n\nEvery kind of finding has a stable code and name; codes are never reused. `spof explain CODE` shows the same pages.\n\n| code | name | finds |\n| --- | --- | --- |\n",
    );
    for rule in RULES {
        index.push_str(&format!(
            "| [{}]({}.md) | {} | {} |\n",
            rule.code, rule.code, rule.name, rule.summary
        ));
        files.push((format!("{}.md", rule.code), rule.markdown()));
    }
    files.push(("README.md".into(), index));
    files
}

#[test]
fn finding_docs_are_fresh() {
    let dir = docs_dir();
    let update = std::env::var_os("SPOF_UPDATE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for (name, text) in expected() {
        let path = dir.join(&name);
        if update {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == text,
            "docs/findings/{name} is stale: run SPOF_UPDATE_DOCS=1 cargo test -p spof-engine --test docs"
        );
    }
    let listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in listed {
        assert!(
            expected().iter().any(|(n, _)| *n == name),
            "docs/findings/{name} belongs to no rule"
        );
    }
}
