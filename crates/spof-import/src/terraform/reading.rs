//! Reading the input: plans, state as shown by `terraform show -json` and raw state files;
//! resource addresses split into module, block and key; the resources of each module with
//! their known values.

use crate::{ImportError, SourceFile};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DocKind {
    Plan,
    State,
    RawState,
}

pub(super) struct Doc {
    pub(super) path: String,
    pub(super) kind: DocKind,
    pub(super) root: Value,
}

pub(super) fn parse_file(file: &SourceFile) -> Result<Doc, ImportError> {
    let error = |line: Option<u32>, column: Option<u32>, message: String| {
        ImportError::new(file.path.clone(), line, column, message)
    };
    let lower = file.path.to_ascii_lowercase();
    if [".tf", ".hcl", ".tfvars", ".tftest.hcl"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Err(error(
            None,
            None,
            "this is Terraform source (HCL); the importer reads JSON: run `terraform show -json PLANFILE > plan.json` on a saved plan (or `terraform show -json > state.json`) and import that".into(),
        ));
    }
    let root: Value = serde_json::from_str(&file.text).map_err(|e| {
        let line = u32::try_from(e.line()).ok().filter(|&l| l > 0);
        let column = u32::try_from(e.column()).ok().filter(|&c| c > 0);
        error(line, column, format!("not valid JSON: {e}"))
    })?;
    let Some(object) = root.as_object() else {
        return Err(error(
            Some(1),
            Some(1),
            "not a Terraform plan or state: the JSON is not an object".into(),
        ));
    };
    let kind = if object.contains_key("planned_values") || object.contains_key("resource_changes") {
        DocKind::Plan
    } else if object
        .get("values")
        .and_then(|v| v.get("root_module"))
        .is_some()
    {
        DocKind::State
    } else if object.get("resources").is_some_and(Value::is_array)
        && object.get("version").and_then(Value::as_u64).is_some()
    {
        DocKind::RawState
    } else if object.contains_key("format_version") {
        // `terraform show -json` of an empty state has only the versions.
        DocKind::State
    } else {
        return Err(error(
            Some(1),
            Some(1),
            "not a Terraform plan or state: expected the output of `terraform show -json` (keys `planned_values`, `resource_changes` or `values`) or a state file (`version` and `resources`)".into(),
        ));
    };
    Ok(Doc {
        path: file.path.clone(),
        kind,
        root,
    })
}

/// An instance key: `[0]` or `["name"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    pub(super) fn render(&self) -> String {
        match self {
            Key::Int(i) => format!("[{i}]"),
            Key::Str(s) => format!("[{}]", Value::String(s.clone())),
        }
    }

    pub(super) fn label(&self) -> String {
        match self {
            Key::Int(i) => i.to_string(),
            Key::Str(s) => s.clone(),
        }
    }
}

/// Splits a Terraform address or reference into its dot-separated steps, keeping `[...]`
/// (with quoted keys that may hold dots) attached to the step before it.
pub(super) fn split_steps(text: &str) -> Vec<String> {
    let mut steps = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '.' if depth == 0 => steps.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    steps.push(current);
    steps
}

/// A step `name[key]` as its name and key.
pub(super) fn step_key(step: &str) -> (&str, Option<Key>) {
    let Some(open) = step.find('[') else {
        return (step, None);
    };
    let name = &step[..open];
    let inner = step[open + 1..]
        .strip_suffix(']')
        .unwrap_or(&step[open + 1..]);
    let key = if let Ok(i) = inner.parse::<i64>() {
        Some(Key::Int(i))
    } else if inner.starts_with('"') {
        serde_json::from_str::<String>(inner).ok().map(Key::Str)
    } else {
        None
    };
    (name, key)
}

/// A resource address as (module path, `[data.]type.name`, key).
pub(super) fn split_address(address: &str) -> Option<(String, String, Option<Key>)> {
    let steps = split_steps(address);
    let mut i = 0;
    let mut module = Vec::new();
    while i + 1 < steps.len() && steps[i] == "module" {
        module.push(format!("module.{}", steps[i + 1]));
        i += 2;
    }
    let (data, rest) = if steps.get(i).map(String::as_str) == Some("data") {
        (true, &steps[i + 1..])
    } else {
        (false, &steps[i..])
    };
    if rest.len() != 2 {
        return None;
    }
    let (name, key) = step_key(&rest[1]);
    let relative = format!("{}{}.{}", if data { "data." } else { "" }, rest[0], name);
    Some((module.join("."), relative, key))
}

/// The module call names of a concrete module path (`module.a[0].module.b` is `[a, b]`).
pub(super) fn call_names(module: &str) -> Vec<String> {
    if module.is_empty() {
        return Vec::new();
    }
    let steps = split_steps(module);
    steps
        .chunks(2)
        .filter_map(|pair| pair.get(1).map(|s| step_key(s).0.to_string()))
        .collect()
}

/// The enclosing module path of a concrete module path, and the call name.
pub(super) fn parent_module(module: &str) -> Option<(String, String)> {
    if module.is_empty() {
        return None;
    }
    let steps = split_steps(module);
    if steps.len() < 2 {
        return None;
    }
    let call = step_key(&steps[steps.len() - 1]).0.to_string();
    Some((steps[..steps.len() - 2].join("."), call))
}

pub(super) fn join_module(module: &str, relative: &str) -> String {
    if module.is_empty() {
        relative.to_string()
    } else {
        format!("{module}.{relative}")
    }
}

pub(super) static NULL: Value = Value::Null;

/// One resource instance.
pub(super) struct Res<'a> {
    pub(super) file: usize,
    pub(super) address: String,
    pub(super) module: String,
    /// `[data.]type.name` inside its module.
    pub(super) relative: String,
    pub(super) data: bool,
    pub(super) rtype: String,
    pub(super) key: Option<Key>,
    pub(super) values: &'a Value,
    pub(super) provider_key: Option<String>,
    /// Its block in `configuration`, when the file has one.
    pub(super) config: Option<&'a Value>,
}

impl Res<'_> {
    /// The address of its block: the address without the instance key.
    pub(super) fn block(&self) -> String {
        join_module(&self.module, &self.relative)
    }

    pub(super) fn str_value(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    pub(super) fn u64_value(&self, key: &str) -> Option<u64> {
        let v = self.values.get(key)?;
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    }

    pub(super) fn bool_value(&self, key: &str) -> Option<bool> {
        let v = self.values.get(key)?;
        v.as_bool().or_else(|| match v.as_str() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        })
    }

    /// A constant from the configuration, when the planned value is unknown.
    pub(super) fn config_constant(&self, path: &[&str]) -> Option<&Value> {
        let expressions = self.config?.get("expressions")?;
        expression_leaves(expressions, path)
            .into_iter()
            .find_map(|leaf| leaf.get("constant_value"))
    }

    pub(super) fn name_tag(&self) -> Option<&str> {
        self.values
            .get("tags")
            .and_then(|t| t.get("Name"))
            .and_then(Value::as_str)
    }
}

/// The values at a path of attribute and block names, through arrays of blocks at each step.
fn nodes_at<'a>(root: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut nodes = vec![root];
    for step in path {
        nodes = nodes
            .into_iter()
            .flat_map(|node| match node {
                Value::Array(items) => items.iter().filter_map(|item| item.get(*step)).collect(),
                Value::Object(map) => map.get(*step).into_iter().collect(),
                _ => Vec::new(),
            })
            .collect();
    }
    nodes
}

/// The expression objects (`{references, constant_value}`) at a path of attribute and block
/// names.
pub(super) fn expression_leaves<'a>(expressions: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let nodes = nodes_at(expressions, path);
    let mut leaves = Vec::new();
    for node in nodes {
        match node {
            Value::Array(items) => leaves.extend(items.iter()),
            other => leaves.push(other),
        }
    }
    leaves
}

/// The strings at a path of attribute and block names in a resource's values.
pub(super) fn value_strings(values: &Value, path: &[&str]) -> Vec<String> {
    let nodes = nodes_at(values, path);
    let mut out = Vec::new();
    for node in nodes {
        collect_strings(node, &mut out);
    }
    out
}

pub(super) fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(items) => {
            for item in items {
                collect_strings(item, out);
            }
        }
        _ => {}
    }
}

pub(super) fn module_resources<'a>(
    module: &'a Value,
    out: &mut Vec<(String, Option<&'a str>, &'a Value)>,
) {
    let prefix = module
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(resources) = module.get("resources").and_then(Value::as_array) {
        for r in resources {
            let Some(address) = r.get("address").and_then(Value::as_str) else {
                continue;
            };
            // Terraform 0.12 wrote some child module addresses (data sources in `prior_state`)
            // without their module path.
            let address = if prefix.is_empty() || address.starts_with(&format!("{prefix}.")) {
                address.to_string()
            } else {
                format!("{prefix}.{address}")
            };
            let provider = r.get("provider_name").and_then(Value::as_str);
            out.push((
                address,
                provider.filter(|p| !p.contains('/')),
                r.get("values").unwrap_or(&NULL),
            ));
        }
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for child in children {
            module_resources(child, out);
        }
    }
}

pub(super) fn raw_state_resources<'a>(
    root: &'a Value,
    out: &mut Vec<(String, Option<&'a str>, &'a Value)>,
) {
    let Some(resources) = root.get("resources").and_then(Value::as_array) else {
        return;
    };
    for r in resources {
        let (Some(rtype), Some(name)) = (
            r.get("type").and_then(Value::as_str),
            r.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let data = r.get("mode").and_then(Value::as_str) == Some("data");
        let module = r.get("module").and_then(Value::as_str).unwrap_or_default();
        let relative = format!("{}{rtype}.{name}", if data { "data." } else { "" });
        let block = join_module(module, &relative);
        let Some(instances) = r.get("instances").and_then(Value::as_array) else {
            continue;
        };
        for instance in instances {
            let key = match instance.get("index_key") {
                Some(Value::Number(n)) => n.as_i64().map(Key::Int),
                Some(Value::String(s)) => Some(Key::Str(s.clone())),
                _ => None,
            };
            let address = match &key {
                Some(k) => format!("{block}{}", k.render()),
                None => block.clone(),
            };
            out.push((address, None, instance.get("attributes").unwrap_or(&NULL)));
        }
    }
}

/// Whether a provider configuration key names an aliased provider (`aws.west`,
/// `module.m:aws.west`), which has a configuration of its own.
pub(super) fn is_aliased(key: Option<&str>) -> bool {
    key.is_some_and(|k| {
        let local = k.rsplit(':').next().unwrap_or(k);
        local.contains('.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::zones::region_of_zone;

    #[test]
    fn addresses_split_into_module_block_and_key() {
        assert_eq!(
            split_address("module.vpc.aws_subnet.private[0]"),
            Some((
                "module.vpc".into(),
                "aws_subnet.private".into(),
                Some(Key::Int(0))
            ))
        );
        assert_eq!(
            split_address("module.a[\"x.y\"].data.aws_subnet.s[\"k\"]"),
            Some((
                "module.a[\"x.y\"]".into(),
                "data.aws_subnet.s".into(),
                Some(Key::Str("k".into()))
            ))
        );
        assert_eq!(call_names("module.a[0].module.b"), vec!["a", "b"]);
        assert_eq!(
            parent_module("module.a[0].module.b"),
            Some(("module.a[0]".into(), "b".into()))
        );
        assert_eq!(region_of_zone("us-west-2a").as_deref(), Some("us-west-2"));
        assert_eq!(region_of_zone("zone-of-subnet-1"), None);
    }
}
