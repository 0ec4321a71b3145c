//! The model reference in `docs/model.md` is generated from the same tables the reader checks
//! keys against; this test fails when it is stale. Regenerate with
//! `SPOF_UPDATE_DOCS=1 cargo test -p spof-model --test schema`.

use spof_model::schema::{ALL_OBJECTS, Object, Ty, json_schema};

fn ty_name(ty: &Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Name(what) => format!("{what} name"),
        Ty::Uint { min, max } if min == max => format!("{min}"),
        Ty::Uint { min, max } => format!("whole number {min} to {max}"),
        Ty::Fraction => "number 0 to 1".into(),
        Ty::Money => "number".into(),
        Ty::Bool => "true or false".into(),
        Ty::Duration => "duration (90s, 30m, 3h)".into(),
        Ty::FineDuration => "duration (100ms, 1s, 5m)".into(),
        Ty::Date => "date (YYYY-MM-DD)".into(),
        Ty::Enum(values) => values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Ty::List(item) => format!("list of {}", ty_name(item)),
        Ty::Map(value) => format!("names to {}", ty_name(value)),
        Ty::Obj(object) => format!("[{}](#{})", object.name, object.name.replace(' ', "-")),
        Ty::Either(a, b) => format!("{} or {}", ty_name(a), ty_name(b)),
    }
}

fn reference() -> String {
    let mut out = String::from(
        "# The model reference\n\nGenerated from the tables the model reader checks keys against (`crates/spof-model/src/schema.rs`). `spof schema` prints the same as JSON Schema; `spof init` writes a commented template of every key.\n",
    );
    for object in ALL_OBJECTS {
        out.push_str(&section(object));
    }
    out
}

fn section(object: &Object) -> String {
    let mut out = format!(
        "\n## {}\n\n{}\n\n| key | type | required | meaning |\n| --- | --- | --- | --- |\n",
        object.name, object.doc
    );
    for field in object.fields {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            field.name,
            ty_name(&field.ty).replace('|', "\\|"),
            if field.required { "yes" } else { "" },
            field.doc
        ));
    }
    out
}

#[test]
fn model_reference_is_fresh() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/model.md");
    let text = reference();
    if std::env::var_os("SPOF_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == text,
        "docs/model.md is stale: run SPOF_UPDATE_DOCS=1 cargo test -p spof-model --test schema"
    );
}

#[test]
fn json_schema_lists_every_key() {
    let schema = json_schema();
    for object in ALL_OBJECTS.iter().skip(1) {
        let def = &schema["$defs"][object.name.replace(' ', "_")];
        for field in object.fields {
            assert!(
                def["properties"][field.name].is_object(),
                "{} lacks {}",
                object.name,
                field.name
            );
        }
    }
    assert!(schema["properties"]["components"].is_object());
}
