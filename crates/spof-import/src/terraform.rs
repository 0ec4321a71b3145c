//! Terraform JSON to a spof model: plans (`terraform show -json PLANFILE`), state as shown by
//! `terraform show -json`, and raw state files (format version 4). AWS resources are mapped:
//! subnets give zone domains (and their region), instances, auto scaling groups, load
//! balancers with their listeners and target groups, RDS instances and Aurora/Neptune/DocumentDB
//! clusters, ElastiCache, OpenSearch, Lambda, ECS, EKS, NAT gateways with the route tables that
//! choose them, Route 53 zones and records, CloudFront and, when something uses them, managed
//! regional services (S3, SQS, DynamoDB...). The main Google Cloud and Azure resources are
//! mapped too (`clouds.rs`). Each resource is in the region of its own provider
//! configuration.
//!
//! Links between resources are read from known values first (ids, ARNs, names, DNS names) and,
//! where a fresh plan does not know them, from the `configuration` section's expression
//! references, following module variables and outputs. When only `count.index` (or `each.key`)
//! can say which instance of a counted resource is meant, instances are paired by index and the
//! link is reported as inferred. Every resource ends up in the report: mapped (to a component,
//! a part of one, or a zone), or unmapped with the reason, grouped by type.

use crate::{
    ComponentDoc, DependencyDoc, DnsAddressesDoc, DnsDoc, DnsRecordDoc, DomainDoc, Import,
    ImportError, ImportReport, Inferred, InstanceDoc, Mapped, ModelDoc, SourceFile, Unmapped,
    Unresolved,
};
use indexmap::{IndexMap, IndexSet};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod clouds;

/// Reads Terraform JSON plans or state and maps their AWS resources to a model.
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    if files.is_empty() {
        return Err(ImportError {
            file: String::new(),
            line: None,
            column: None,
            message: "no Terraform JSON file given".into(),
        });
    }
    let mut docs = Vec::with_capacity(files.len());
    for file in files {
        docs.push(parse_file(file)?);
    }
    let tf = Tf::new(&docs);
    let mut builder = Builder::new(&tf);
    builder.run();
    let mut import = builder.finish();
    import.make_usable();
    if import.model.components.is_empty() {
        let mut types: Vec<&str> = tf
            .res
            .iter()
            .filter(|r| !r.data)
            .map(|r| r.rtype.as_str())
            .collect();
        types.sort_unstable();
        types.dedup();
        return Err(ImportError {
            file: files[0].path.clone(),
            line: None,
            column: None,
            message: format!(
                "nothing to model: {} resource(s) read, none of a type that serves or stores (instances, auto scaling groups, load balancers, databases, caches, NAT gateways, DNS...){}",
                tf.res.iter().filter(|r| !r.data).count(),
                if types.is_empty() {
                    String::new()
                } else {
                    format!("; types found: {}", types.join(", "))
                }
            ),
        });
    }
    Ok(import)
}

// ---------------------------------------------------------------------------------------------
// Reading the files.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DocKind {
    Plan,
    State,
    RawState,
}

struct Doc {
    path: String,
    kind: DocKind,
    root: Value,
}

fn parse_file(file: &SourceFile) -> Result<Doc, ImportError> {
    let error = |line: Option<u32>, column: Option<u32>, message: String| ImportError {
        file: file.path.clone(),
        line,
        column,
        message,
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
enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    fn render(&self) -> String {
        match self {
            Key::Int(i) => format!("[{i}]"),
            Key::Str(s) => format!("[{}]", Value::String(s.clone())),
        }
    }

    fn label(&self) -> String {
        match self {
            Key::Int(i) => i.to_string(),
            Key::Str(s) => s.clone(),
        }
    }
}

/// Splits a Terraform address or reference into its dot-separated steps, keeping `[...]`
/// (with quoted keys that may hold dots) attached to the step before it.
fn split_steps(text: &str) -> Vec<String> {
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
fn step_key(step: &str) -> (&str, Option<Key>) {
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
fn split_address(address: &str) -> Option<(String, String, Option<Key>)> {
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
fn call_names(module: &str) -> Vec<String> {
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
fn parent_module(module: &str) -> Option<(String, String)> {
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

fn join_module(module: &str, relative: &str) -> String {
    if module.is_empty() {
        relative.to_string()
    } else {
        format!("{module}.{relative}")
    }
}

static NULL: Value = Value::Null;

/// One resource instance.
struct Res<'a> {
    file: usize,
    address: String,
    module: String,
    /// `[data.]type.name` inside its module.
    relative: String,
    data: bool,
    rtype: String,
    key: Option<Key>,
    values: &'a Value,
    provider_key: Option<String>,
    /// Its block in `configuration`, when the file has one.
    config: Option<&'a Value>,
}

impl Res<'_> {
    /// The address of its block: the address without the instance key.
    fn block(&self) -> String {
        join_module(&self.module, &self.relative)
    }

    fn str_value(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    fn u64_value(&self, key: &str) -> Option<u64> {
        let v = self.values.get(key)?;
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    }

    fn bool_value(&self, key: &str) -> Option<bool> {
        let v = self.values.get(key)?;
        v.as_bool().or_else(|| match v.as_str() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        })
    }

    /// A constant from the configuration, when the planned value is unknown.
    fn config_constant(&self, path: &[&str]) -> Option<&Value> {
        let expressions = self.config?.get("expressions")?;
        expression_leaves(expressions, path)
            .into_iter()
            .find_map(|leaf| leaf.get("constant_value"))
    }

    fn name_tag(&self) -> Option<&str> {
        self.values
            .get("tags")
            .and_then(|t| t.get("Name"))
            .and_then(Value::as_str)
    }
}

/// The expression objects (`{references, constant_value}`) at a path of attribute and block
/// names.
fn expression_leaves<'a>(expressions: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut nodes = vec![expressions];
    for step in path {
        let mut next = Vec::new();
        for node in nodes {
            match node {
                Value::Array(items) => {
                    next.extend(items.iter().filter_map(|item| item.get(*step)));
                }
                Value::Object(map) => next.extend(map.get(*step)),
                _ => {}
            }
        }
        nodes = next;
    }
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
fn value_strings(values: &Value, path: &[&str]) -> Vec<String> {
    let mut nodes = vec![values];
    for step in path {
        let mut next = Vec::new();
        for node in nodes {
            match node {
                Value::Array(items) => {
                    next.extend(items.iter().filter_map(|item| item.get(*step)));
                }
                Value::Object(map) => next.extend(map.get(*step)),
                _ => {}
            }
        }
        nodes = next;
    }
    let mut out = Vec::new();
    for node in nodes {
        collect_strings(node, &mut out);
    }
    out
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
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

/// Values that identify a resource, for links by known value.
const IDENTITY_KEYS: &[&str] = &[
    "id",
    "arn",
    "name",
    "dns_name",
    "endpoint",
    "address",
    "primary_endpoint_address",
    "reader_endpoint_address",
    "configuration_endpoint_address",
    "reader_endpoint",
    "public_ip",
    "private_ip",
    "public_dns",
    "private_dns",
    "bucket",
    "bucket_regional_domain_name",
    "bucket_domain_name",
    "domain_name",
    "cluster_identifier",
    "replication_group_id",
    "identifier",
    "url",
    "zone_id",
    "allocation_id",
    "function_name",
    "self_link",
    "instance_group",
];

/// Values worth finding inside strings (user data, environment): endpoints and addresses.
const ENDPOINT_KEYS: &[&str] = &[
    "dns_name",
    "endpoint",
    "address",
    "primary_endpoint_address",
    "reader_endpoint_address",
    "configuration_endpoint_address",
    "reader_endpoint",
    "public_ip",
    "private_ip",
    "public_dns",
    "private_dns",
    "bucket_regional_domain_name",
    "url",
];

/// The whole input, indexed.
struct Tf<'a> {
    docs: &'a [Doc],
    res: Vec<Res<'a>>,
    /// (file, block address) to its instances.
    by_block: HashMap<(usize, String), Vec<usize>>,
    /// (file, identifying value) to resources.
    by_value: HashMap<(usize, String), Vec<usize>>,
    /// (file, concrete module path) of every module instance.
    modules: BTreeSet<(usize, String)>,
}

impl<'a> Tf<'a> {
    fn new(docs: &'a [Doc]) -> Tf<'a> {
        let mut res: Vec<Res<'a>> = Vec::new();
        let mut seen: HashMap<(usize, String), usize> = HashMap::new();
        for (file, doc) in docs.iter().enumerate() {
            let mut raw: Vec<(String, Option<&'a str>, &'a Value)> = Vec::new();
            match doc.kind {
                DocKind::Plan => {
                    if let Some(root) = doc
                        .root
                        .get("planned_values")
                        .and_then(|v| v.get("root_module"))
                    {
                        module_resources(root, &mut raw);
                    }
                    // Without planned values, what each change leaves behind.
                    if raw.is_empty()
                        && let Some(changes) =
                            doc.root.get("resource_changes").and_then(Value::as_array)
                    {
                        for change in changes {
                            let Some(address) = change.get("address").and_then(Value::as_str)
                            else {
                                continue;
                            };
                            let actions = change
                                .get("change")
                                .and_then(|c| c.get("actions"))
                                .and_then(Value::as_array);
                            let deleted = actions
                                .is_some_and(|a| a.len() == 1 && a[0].as_str() == Some("delete"));
                            if deleted {
                                continue;
                            }
                            raw.push((
                                address.to_string(),
                                None,
                                change
                                    .get("change")
                                    .and_then(|c| c.get("after"))
                                    .unwrap_or(&NULL),
                            ));
                        }
                    }
                    // Data sources read before the plan keep values (subnet zones, ids).
                    if let Some(root) = doc
                        .root
                        .get("prior_state")
                        .and_then(|s| s.get("values"))
                        .and_then(|v| v.get("root_module"))
                    {
                        let mut prior = Vec::new();
                        module_resources(root, &mut prior);
                        raw.extend(prior.into_iter().filter(|(address, _, _)| {
                            split_address(address)
                                .is_some_and(|(_, rel, _)| rel.starts_with("data."))
                        }));
                    }
                }
                DocKind::State => {
                    if let Some(root) = doc.root.get("values").and_then(|v| v.get("root_module")) {
                        module_resources(root, &mut raw);
                    }
                }
                DocKind::RawState => raw_state_resources(&doc.root, &mut raw),
            }
            for (address, provider, values) in raw {
                if seen.contains_key(&(file, address.clone())) {
                    continue;
                }
                let Some((module, relative, key)) = split_address(&address) else {
                    continue;
                };
                let data = relative.starts_with("data.");
                let rtype = relative
                    .trim_start_matches("data.")
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                seen.insert((file, address.clone()), res.len());
                res.push(Res {
                    file,
                    address,
                    module,
                    relative,
                    data,
                    rtype,
                    key,
                    values,
                    provider_key: provider.map(str::to_string),
                    config: None,
                });
            }
        }
        let mut tf = Tf {
            docs,
            res,
            by_block: HashMap::new(),
            by_value: HashMap::new(),
            modules: BTreeSet::new(),
        };
        for i in 0..tf.res.len() {
            let config = tf.config_block(i);
            let r = &mut tf.res[i];
            r.config = config;
            if r.provider_key.is_none() {
                r.provider_key = config
                    .and_then(|c| c.get("provider_config_key"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            let r = &tf.res[i];
            tf.by_block.entry((r.file, r.block())).or_default().push(i);
            for key in IDENTITY_KEYS {
                if let Some(v) = r.values.get(*key).and_then(Value::as_str)
                    && !v.is_empty()
                {
                    let list = tf.by_value.entry((r.file, v.to_string())).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
            let mut module = r.module.clone();
            while !module.is_empty() {
                tf.modules.insert((r.file, module.clone()));
                module = parent_module(&module).map(|(p, _)| p).unwrap_or_default();
            }
        }
        tf
    }

    fn configuration(&self, file: usize) -> Option<&'a Value> {
        self.docs[file].root.get("configuration")
    }

    /// The configuration of a module (by call names): `root_module` for the root.
    fn module_config(&self, file: usize, calls: &[String]) -> Option<&'a Value> {
        let mut module = self.configuration(file)?.get("root_module")?;
        for call in calls {
            module = module.get("module_calls")?.get(call)?.get("module")?;
        }
        Some(module)
    }

    /// The module call block (with its `expressions`) of a module, by call names.
    fn module_call(&self, file: usize, calls: &[String]) -> Option<&'a Value> {
        let (last, parents) = calls.split_last()?;
        self.module_config(file, parents)?
            .get("module_calls")?
            .get(last)
    }

    fn config_block(&self, i: usize) -> Option<&'a Value> {
        let r = &self.res[i];
        let module = self.module_config(r.file, &call_names(&r.module))?;
        module
            .get("resources")?
            .as_array()?
            .iter()
            .find(|c| c.get("address").and_then(Value::as_str) == Some(r.relative.as_str()))
    }

    fn instances(&self, file: usize, block: &str) -> &[usize] {
        self.by_block
            .get(&(file, block.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// The child module instances of `module` made by call `call`.
    fn child_modules(&self, file: usize, module: &str, call: &str) -> Vec<String> {
        self.modules
            .iter()
            .filter(|(f, m)| {
                *f == file
                    && parent_module(m)
                        .is_some_and(|(parent, name)| parent == module && name == call)
            })
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Resolves one reference of an expression written in `module`.
    fn resolve(
        &self,
        file: usize,
        module: &str,
        reference: &str,
        walk: Walk,
        out: &mut Vec<RefTarget>,
        notes: &mut Vec<String>,
    ) {
        let Walk { indirect, depth } = walk;
        if depth > 12 {
            return;
        }
        let steps = split_steps(reference);
        let first = step_key(&steps[0]).0;
        match first {
            "count" | "each" | "path" | "terraform" | "self" => {}
            // `terraform show -json` writes no local values (a module's configuration has its
            // outputs, resources, module calls and variables): what one names is not known.
            "local" => notes.push(reference.to_string()),
            "var" => {
                let Some(name) = steps.get(1).map(|s| step_key(s).0) else {
                    return;
                };
                match parent_module(module) {
                    None => {
                        let mut strings = Vec::new();
                        if let Some(v) = self.docs[file]
                            .root
                            .get("variables")
                            .and_then(|v| v.get(name))
                            .and_then(|v| v.get("value"))
                        {
                            collect_strings(v, &mut strings);
                        }
                        if !strings.is_empty() {
                            out.push(RefTarget {
                                block: None,
                                instances: Vec::new(),
                                explicit: true,
                                indirect: true,
                                strings,
                            });
                        }
                    }
                    Some((parent, _)) => {
                        let calls = call_names(module);
                        let Some(expression) = self
                            .module_call(file, &calls)
                            .and_then(|c| c.get("expressions"))
                            .and_then(|e| e.get(name))
                        else {
                            return;
                        };
                        for leaf in expression_leaves(expression, &[]) {
                            self.resolve_leaf(file, &parent, leaf, depth + 1, out, notes);
                        }
                    }
                }
            }
            "module" => {
                let (Some(call), Some(output)) = (
                    steps.get(1).map(|s| step_key(s).0),
                    steps.get(2).map(|s| step_key(s).0),
                ) else {
                    return;
                };
                for child in self.child_modules(file, module, call) {
                    let Some(expression) = self
                        .module_config(file, &call_names(&child))
                        .and_then(|m| m.get("outputs"))
                        .and_then(|o| o.get(output))
                        .and_then(|o| o.get("expression"))
                    else {
                        continue;
                    };
                    for leaf in expression_leaves(expression, &[]) {
                        self.resolve_leaf(file, &child, leaf, depth + 1, out, notes);
                    }
                }
            }
            _ => {
                let (relative, key) = if first == "data" {
                    let (Some(t), Some(n)) = (steps.get(1), steps.get(2)) else {
                        return;
                    };
                    let (name, key) = step_key(n);
                    (format!("data.{t}.{name}"), key)
                } else {
                    let Some(n) = steps.get(1) else {
                        return;
                    };
                    let (name, key) = step_key(n);
                    (format!("{first}.{name}"), key)
                };
                let block = join_module(module, &relative);
                let all = self.instances(file, &block);
                if all.is_empty() {
                    return;
                }
                let instances: Vec<usize> = match &key {
                    Some(k) => all
                        .iter()
                        .copied()
                        .filter(|&i| self.res[i].key.as_ref() == Some(k))
                        .collect(),
                    None => all.to_vec(),
                };
                out.push(RefTarget {
                    block: Some(block),
                    instances,
                    explicit: key.is_some(),
                    indirect,
                    strings: Vec::new(),
                });
            }
        }
    }

    fn resolve_leaf(
        &self,
        file: usize,
        module: &str,
        leaf: &Value,
        depth: u8,
        out: &mut Vec<RefTarget>,
        notes: &mut Vec<String>,
    ) {
        if let Some(refs) = leaf.get("references").and_then(Value::as_array) {
            for r in refs.iter().filter_map(Value::as_str) {
                self.resolve(
                    file,
                    module,
                    r,
                    Walk {
                        indirect: true,
                        depth,
                    },
                    out,
                    notes,
                );
            }
        }
        if let Some(c) = leaf.get("constant_value") {
            let mut strings = Vec::new();
            collect_strings(c, &mut strings);
            if !strings.is_empty() {
                out.push(RefTarget {
                    block: None,
                    instances: Vec::new(),
                    explicit: true,
                    indirect: true,
                    strings,
                });
            }
        }
    }

    fn lookup(&self, file: usize, value: &str, want: &[&str]) -> Vec<usize> {
        self.by_value
            .get(&(file, value.to_string()))
            .map(|list| {
                list.iter()
                    .copied()
                    .filter(|&i| want.contains(&self.res[i].rtype.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The resources of the wanted types that attribute `path` of resource `r` points at.
    fn links(&self, r: usize, path: &[&str], want: &[&str]) -> Link {
        let res = &self.res[r];
        let mut link = Link::default();
        let strings = value_strings(res.values, path);
        if !strings.is_empty() {
            for s in strings {
                let found = self.lookup(res.file, &s, want);
                if found.is_empty() {
                    link.unknown.push(s);
                } else {
                    link.targets.extend(found);
                }
            }
            link.dedup();
            return link;
        }
        let Some(expressions) = res.config.and_then(|c| c.get("expressions")) else {
            return link;
        };
        let leaves = expression_leaves(expressions, path);
        let mut refs: Vec<&str> = Vec::new();
        for leaf in &leaves {
            if let Some(list) = leaf.get("references").and_then(Value::as_array) {
                refs.extend(list.iter().filter_map(Value::as_str));
            }
            if let Some(c) = leaf.get("constant_value") {
                let mut strings = Vec::new();
                collect_strings(c, &mut strings);
                for s in strings {
                    let found = self.lookup(res.file, &s, want);
                    if found.is_empty() {
                        link.unknown.push(s);
                    } else {
                        link.targets.extend(found);
                    }
                }
            }
        }
        let by_count = refs.contains(&"count.index");
        let by_each = refs.iter().any(|r| r.starts_with("each."));
        let mut targets = Vec::new();
        for reference in &refs {
            self.resolve(
                res.file,
                &res.module,
                reference,
                Walk::default(),
                &mut targets,
                &mut link.notes,
            );
        }
        let attribute = path.join(".");
        // Newer Terraform lists `aws_x.y[0]` and also `aws_x.y`: the indexed one says which.
        let explicit_blocks: BTreeSet<String> = targets
            .iter()
            .filter(|t| t.explicit)
            .filter_map(|t| t.block.clone())
            .collect();
        targets.retain(|t| {
            t.explicit
                || t.block
                    .as_ref()
                    .is_none_or(|b| !explicit_blocks.contains(b))
        });
        for target in targets {
            for s in &target.strings {
                let found = self.lookup(res.file, s, want);
                if found.is_empty() {
                    link.unknown.push(s.clone());
                } else {
                    link.targets.extend(found);
                }
            }
            let mut wanted = Vec::new();
            for &i in &target.instances {
                let t = &self.res[i];
                if want.contains(&t.rtype.as_str()) {
                    wanted.push(i);
                } else if t.data {
                    // A data source of ids (`data.aws_subnet_ids.x`): its values name them.
                    let mut ids = value_strings(t.values, &["ids"]);
                    if ids.is_empty() {
                        ids = value_strings(t.values, &["id"]);
                    }
                    for s in ids {
                        let found = self.lookup(res.file, &s, want);
                        if found.is_empty() {
                            link.unknown.push(s);
                        } else {
                            link.targets.extend(found);
                        }
                    }
                }
            }
            if wanted.is_empty() {
                continue;
            }
            let block = self.res[wanted[0]].block();
            let counted = wanted.len() > 1 || self.res[wanted[0]].key.is_some();
            if target.explicit || !counted {
                link.targets.extend(wanted);
                continue;
            }
            if target.indirect {
                if wanted.len() > 1 {
                    link.inferred.push(format!(
                        "`{attribute}` reaches `{block}` through a module variable or output: all its {} instances are assumed",
                        wanted.len()
                    ));
                }
                link.targets.extend(wanted);
                continue;
            }
            let own = res.key.as_ref();
            let paired = match own {
                Some(Key::Int(_)) if by_count => wanted
                    .iter()
                    .copied()
                    .find(|&i| self.res[i].key.as_ref() == own),
                Some(Key::Str(_)) if by_each => wanted
                    .iter()
                    .copied()
                    .find(|&i| self.res[i].key.as_ref() == own),
                _ => None,
            };
            match paired {
                Some(i) => {
                    link.inferred.push(format!(
                        "`{attribute}` references `{block}` with {}: paired `{}` with `{}`",
                        if by_count { "count.index" } else { "each.key" },
                        res.address,
                        self.res[i].address
                    ));
                    link.targets.push(i);
                }
                None if (by_count || by_each) && wanted.len() == 1 => {
                    link.inferred.push(format!(
                        "`{attribute}` references `{block}` by index; it has one instance, `{}`",
                        self.res[wanted[0]].address
                    ));
                    link.targets.push(wanted[0]);
                }
                None if by_count || by_each => {
                    link.inferred.push(format!(
                        "`{attribute}` references `{block}` by an index the plan does not resolve: all its {} instances are assumed",
                        wanted.len()
                    ));
                    link.targets.extend(wanted);
                }
                // A whole counted resource (a splat): all its instances.
                None => link.targets.extend(wanted),
            }
        }
        link.dedup();
        link
    }

    /// Links over several attribute paths, merged.
    fn links_any(&self, r: usize, paths: &[&[&str]], want: &[&str]) -> Link {
        let mut link = Link::default();
        for path in paths {
            let l = self.links(r, path, want);
            link.targets.extend(l.targets);
            link.unknown.extend(l.unknown);
            link.inferred.extend(l.inferred);
            link.notes.extend(l.notes);
        }
        link.dedup();
        link
    }

    /// Every reference (top-level attribute, reference) in a resource's configuration.
    fn all_references(&self, r: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(Value::Object(map)) = self.res[r].config.and_then(|c| c.get("expressions")) {
            for (attribute, expression) in map {
                let mut refs = Vec::new();
                collect_references(expression, &mut refs);
                for reference in refs {
                    out.push((attribute.clone(), reference));
                }
            }
        }
        out
    }

    /// The region of a resource's provider, when the configuration or variables say it.
    fn provider_region(&self, r: usize) -> Option<String> {
        let res = &self.res[r];
        let key = res.provider_key.as_deref().unwrap_or("aws");
        self.provider_config_region(res.file, key)
            .or_else(|| self.provider_config_region(res.file, "aws"))
    }

    /// The region of the provider configuration `key` (`aws`, `aws.west`, `module.m:aws`)
    /// of a file, when its configuration or variables say it.
    fn provider_config_region(&self, file: usize, key: &str) -> Option<String> {
        let provider = self.configuration(file)?.get("provider_config")?.get(key)?;
        let region = provider.get("expressions")?.get("region")?;
        if let Some(s) = region.get("constant_value").and_then(Value::as_str) {
            return Some(s.to_string());
        }
        let refs = region.get("references")?.as_array()?;
        for r in refs.iter().filter_map(Value::as_str) {
            if let Some(name) = r.strip_prefix("var.")
                && let Some(s) = self.docs[file]
                    .root
                    .get("variables")
                    .and_then(|v| v.get(name))
                    .and_then(|v| v.get("value"))
                    .and_then(Value::as_str)
            {
                return Some(s.to_string());
            }
        }
        None
    }
}

fn collect_references(expression: &Value, out: &mut Vec<String>) {
    match expression {
        Value::Array(items) => {
            for item in items {
                collect_references(item, out);
            }
        }
        Value::Object(map) => {
            if let Some(refs) = map.get("references").and_then(Value::as_array) {
                out.extend(refs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            for (key, value) in map {
                if key != "references" && key != "constant_value" {
                    collect_references(value, out);
                }
            }
        }
        _ => {}
    }
}

fn module_resources<'a>(module: &'a Value, out: &mut Vec<(String, Option<&'a str>, &'a Value)>) {
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

fn raw_state_resources<'a>(root: &'a Value, out: &mut Vec<(String, Option<&'a str>, &'a Value)>) {
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

/// How a reference is being followed: through module variables or outputs, and how deep.
#[derive(Clone, Copy, Debug, Default)]
struct Walk {
    indirect: bool,
    depth: u8,
}

/// What a reference resolved to: instances of one block (or literal strings to look up).
struct RefTarget {
    /// The block address, for a reference to a resource.
    block: Option<String>,
    instances: Vec<usize>,
    /// The reference named one instance (`aws_subnet.a[0]`).
    explicit: bool,
    /// Reached through a module variable or output.
    indirect: bool,
    strings: Vec<String>,
}

/// Where an attribute points.
#[derive(Default)]
struct Link {
    targets: Vec<usize>,
    /// Values that match no resource in the input (ids of things made elsewhere).
    unknown: Vec<String>,
    /// How the link was inferred, when it was not read.
    inferred: Vec<String>,
    /// References that cannot be followed: local values (`local.x`), which the JSON does
    /// not contain.
    notes: Vec<String>,
}

impl Link {
    fn dedup(&mut self) {
        let mut seen = BTreeSet::new();
        self.targets.retain(|t| seen.insert(*t));
        let mut seen = BTreeSet::new();
        self.unknown.retain(|t| seen.insert(t.clone()));
        let mut seen = BTreeSet::new();
        self.inferred.retain(|t| seen.insert(t.clone()));
        let mut seen = BTreeSet::new();
        self.notes.retain(|t| seen.insert(t.clone()));
    }
}

// ---------------------------------------------------------------------------------------------
// Resource types.

const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];
const INSTANCE: &[&str] = &["aws_instance", "aws_spot_instance_request"];
const ASG: &[&str] = &["aws_autoscaling_group"];
const LAUNCH: &[&str] = &["aws_launch_template", "aws_launch_configuration"];
const LB_V2: &[&str] = &["aws_lb", "aws_alb"];
const ELB: &[&str] = &["aws_elb"];
const LISTENER: &[&str] = &["aws_lb_listener", "aws_alb_listener"];
const LISTENER_RULE: &[&str] = &["aws_lb_listener_rule", "aws_alb_listener_rule"];
const TARGET_GROUP: &[&str] = &["aws_lb_target_group", "aws_alb_target_group"];
const TG_ATTACHMENT: &[&str] = &[
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
];
const NAT: &[&str] = &["aws_nat_gateway"];
const ROUTE_TABLE: &[&str] = &["aws_route_table", "aws_default_route_table"];
const R53_ZONE: &[&str] = &["aws_route53_zone"];
const EIP: &[&str] = &["aws_eip"];
const DB_SUBNET_GROUP: &[&str] = &["aws_db_subnet_group"];
const CACHE_SUBNET_GROUP: &[&str] = &["aws_elasticache_subnet_group"];
const VPC: &[&str] = &["aws_vpc", "aws_default_vpc"];

/// Clusters of database instances: (cluster type, instance type, engine label).
const DB_CLUSTERS: &[(&str, &str, &str)] = &[
    (
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "Aurora/RDS cluster",
    ),
    (
        "aws_neptune_cluster",
        "aws_neptune_cluster_instance",
        "Neptune cluster",
    ),
    (
        "aws_docdb_cluster",
        "aws_docdb_cluster_instance",
        "DocumentDB cluster",
    ),
];

/// Regional managed services, mapped only when something in the input uses them.
const MANAGED_SERVICES: &[(&str, &str, &str)] = &[
    ("aws_s3_bucket", "object_storage", "S3 bucket"),
    ("aws_sqs_queue", "queue", "SQS queue"),
    ("aws_sns_topic", "queue", "SNS topic"),
    ("aws_dynamodb_table", "database", "DynamoDB table"),
    ("aws_kinesis_stream", "queue", "Kinesis stream"),
    (
        "aws_secretsmanager_secret",
        "secrets",
        "Secrets Manager secret",
    ),
    ("aws_ssm_parameter", "config", "SSM parameter"),
    ("aws_efs_file_system", "file_storage", "EFS file system"),
    (
        "aws_api_gateway_rest_api",
        "api_gateway",
        "API Gateway REST API",
    ),
    ("aws_apigatewayv2_api", "api_gateway", "API Gateway API"),
    ("aws_cognito_user_pool", "identity", "Cognito user pool"),
];

/// Why a type is not a component, for the report.
fn unmapped_reason(rtype: &str) -> &'static str {
    let starts = |p: &str| rtype.starts_with(p);
    if starts("aws_iam_") {
        "access control: configuration, not on a request path"
    } else if starts("aws_security_group")
        || starts("aws_network_acl")
        || starts("aws_vpc_security_group")
        || starts("aws_default_security_group")
        || starts("aws_default_network_acl")
    {
        "firewall rules: configuration, not a failure point of their own"
    } else if starts("aws_kms_") {
        "encryption keys: configuration of a regional managed service"
    } else if matches!(
        rtype,
        "aws_vpc"
            | "aws_default_vpc"
            | "aws_internet_gateway"
            | "aws_egress_only_internet_gateway"
            | "aws_vpn_gateway"
            | "aws_vpc_dhcp_options"
            | "aws_vpc_dhcp_options_association"
            | "aws_vpc_endpoint"
            | "aws_vpc_ipv4_cidr_block_association"
    ) {
        "AWS-managed network object, horizontally scaled: not a failure point of its own"
    } else if matches!(
        rtype,
        "aws_route_table"
            | "aws_default_route_table"
            | "aws_route"
            | "aws_route_table_association"
            | "aws_main_route_table_association"
    ) {
        "routing (logical); read to find which subnets use which NAT gateway; this one routes to none"
    } else if starts("aws_cloudwatch_") || rtype == "aws_flow_log" || starts("aws_sns_topic_") {
        "monitoring and logging configuration: not on a request path"
    } else if starts("aws_s3_bucket_") || rtype == "aws_s3_object" {
        "configuration or content of a bucket"
    } else if matches!(
        rtype,
        "aws_ebs_snapshot" | "aws_db_snapshot" | "aws_db_cluster_snapshot"
    ) || rtype.ends_with("_snapshot")
    {
        "a backup copy: not on a request path"
    } else if starts("aws_ecr_") {
        "an image registry: used when deploying, not when serving"
    } else if starts("aws_acm_") {
        "a certificate issued and renewed by AWS"
    } else if matches!(
        rtype,
        "null_resource" | "terraform_data" | "local_file" | "local_sensitive_file"
    ) || starts("random_")
        || starts("time_")
        || starts("tls_")
    {
        "not infrastructure (a helper of the Terraform run)"
    } else if rtype.ends_with("_policy")
        || rtype.ends_with("_parameter_group")
        || rtype.ends_with("_option_group")
        || rtype.ends_with("_subnet_group")
    {
        "configuration of another resource"
    } else if !rtype.starts_with("aws_") {
        "provider or type not supported yet (the importer reads AWS resources and the main Google Cloud and Azure ones)"
    } else {
        "type not mapped by the importer yet"
    }
}

// ---------------------------------------------------------------------------------------------
// Building the model.

/// A subnet: a resource in the input or an id of one made elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Subnet {
    Res(usize),
    Id(String),
}

struct Builder<'t, 'a> {
    tf: &'t Tf<'a>,
    model: ModelDoc,
    report: ImportReport,
    /// Resource to the component (or `zone:NAME`) it was mapped to.
    mapped_to: HashMap<usize, String>,
    /// Resources left out on purpose with a specific reason.
    reasons: HashMap<usize, String>,
    deps: IndexMap<(String, String), DependencyDoc>,
    /// Target component to whether each load balancer in front of it checks health.
    health: IndexMap<String, Vec<bool>>,
    /// Compute component to its resources and subnets.
    compute: IndexMap<String, (Vec<usize>, Vec<Subnet>)>,
    zones: BTreeMap<String, DomainDoc>,
    regions: BTreeMap<String, DomainDoc>,
    /// Placeholder zones for subnets whose zone is not in the input, with what is known.
    unknown_zones: BTreeMap<String, String>,
    /// Pairs of placeholder zones known to differ (subnets of one load balancer).
    distinct_zones: BTreeSet<(String, String)>,
    /// Per-zone NAT component name to its zones.
    per_zone_nat: HashMap<String, Vec<String>>,
    /// NAT resource to its component.
    nat_component: HashMap<usize, String>,
    notes: Vec<String>,
    prefix_files: bool,
    file_regions: Vec<Option<String>>,
    /// Zones of subnets that are not in the input (or whose zone is unknown there), learned
    /// from the concrete `availability_zone` of an instance in them: subnet id or address to
    /// zone.
    learned_zones: HashMap<String, String>,
}

impl<'t, 'a> Builder<'t, 'a> {
    fn new(tf: &'t Tf<'a>) -> Self {
        Builder {
            tf,
            model: ModelDoc {
                version: 1,
                ..ModelDoc::default()
            },
            report: ImportReport {
                format: "terraform".into(),
                ..ImportReport::default()
            },
            mapped_to: HashMap::new(),
            reasons: HashMap::new(),
            deps: IndexMap::new(),
            health: IndexMap::new(),
            compute: IndexMap::new(),
            zones: BTreeMap::new(),
            regions: BTreeMap::new(),
            unknown_zones: BTreeMap::new(),
            distinct_zones: BTreeSet::new(),
            per_zone_nat: HashMap::new(),
            nat_component: HashMap::new(),
            notes: Vec::new(),
            prefix_files: tf.docs.len() > 1,
            file_regions: Vec::new(),
            learned_zones: HashMap::new(),
        }
    }

    fn res(&self, i: usize) -> &'t Res<'a> {
        &self.tf.res[i]
    }

    fn of_type(&self, types: &[&str]) -> Vec<usize> {
        (0..self.tf.res.len())
            .filter(|&i| !self.tf.res[i].data && types.contains(&self.tf.res[i].rtype.as_str()))
            .collect()
    }

    /// The component name for a resource address (prefixed by the file when several are read).
    fn name_for(&self, file: usize, address: &str) -> String {
        if self.prefix_files {
            let path = &self.tf.docs[file].path;
            let stem = path
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or(path)
                .trim_end_matches(".json");
            format!("{stem}.{address}")
        } else {
            address.to_string()
        }
    }

    fn source_for(&self, file: usize, address: &str) -> String {
        if self.prefix_files {
            format!("{}: {address}", self.tf.docs[file].path)
        } else {
            address.to_string()
        }
    }

    fn map(&mut self, i: usize, component: &str) {
        if self.mapped_to.contains_key(&i) {
            return;
        }
        self.mapped_to.insert(i, component.to_string());
        let r = self.res(i);
        self.report.mapped.push(Mapped {
            object: r.address.clone(),
            component: component.to_string(),
            source: self.source_for(r.file, &r.address),
        });
    }

    fn infer(&mut self, from: &str, to: &str, evidence: String, source: &str) {
        self.report.inferred.push(Inferred {
            from: from.to_string(),
            to: to.to_string(),
            evidence,
            source: source.to_string(),
        });
    }

    fn add_component(&mut self, name: String, doc: ComponentDoc) -> String {
        self.model.components.insert(name.clone(), doc);
        name
    }

    fn depend(&mut self, from: &str, to: &str, inferred: Option<String>) {
        if from == to || !self.model.components.contains_key(to) {
            return;
        }
        let key = (from.to_string(), to.to_string());
        let entry = self.deps.entry(key).or_insert_with(|| DependencyDoc {
            component: to.to_string(),
            ..DependencyDoc::default()
        });
        // A link read anywhere makes the dependency read.
        match (&entry.inferred, inferred) {
            (Some(_), None) => entry.inferred = None,
            (None, _) => {}
            (Some(_), Some(_)) => {}
        }
    }

    fn depend_inferred(&mut self, from: &str, to: &str, evidence: String, source: &str) {
        if from == to || !self.model.components.contains_key(to) {
            return;
        }
        let key = (from.to_string(), to.to_string());
        if self.deps.contains_key(&key) {
            return;
        }
        self.deps.insert(
            key,
            DependencyDoc {
                component: to.to_string(),
                inferred: Some(evidence.clone()),
                ..DependencyDoc::default()
            },
        );
        self.infer(from, to, evidence, source);
    }

    // --- Zones and regions. ---

    fn file_region(&self, file: usize) -> Option<String> {
        self.file_regions.get(file).cloned().flatten()
    }

    /// The region of a file's resources: the provider's, a data source's, an ARN's or a zone's.
    fn find_region(&self, file: usize) -> Option<String> {
        let in_file: Vec<usize> = (0..self.tf.res.len())
            .filter(|&i| self.tf.res[i].file == file)
            .collect();
        // The default provider configuration's region; an aliased one (`provider =
        // aws.west`) is the region of its own resources only.
        if let Some(region) = self.tf.provider_config_region(file, "aws") {
            return Some(region);
        }
        if let Some(&first) = in_file
            .iter()
            .find(|&&i| !self.tf.res[i].data && !is_aliased(self.tf.res[i].provider_key.as_deref()))
            && let Some(region) = self.tf.provider_region(first)
        {
            return Some(region);
        }
        for &i in &in_file {
            let r = self.res(i);
            if r.rtype == "aws_region"
                && r.data
                && let Some(name) = r.str_value("name")
            {
                return Some(name.to_string());
            }
        }
        for &i in &in_file {
            if let Some(arn) = self.res(i).str_value("arn") {
                let parts: Vec<&str> = arn.split(':').collect();
                if parts.len() > 4 && parts[0] == "arn" && !parts[3].is_empty() {
                    return Some(parts[3].to_string());
                }
            }
        }
        for &i in &in_file {
            if let Some(zone) = self.res(i).str_value("availability_zone")
                && let Some(region) = region_of_zone(zone)
            {
                return Some(region);
            }
        }
        None
    }

    fn ensure_region(&mut self, region: &str) {
        self.regions
            .entry(region.to_string())
            .or_insert_with(|| DomainDoc {
                kind: "region".into(),
                description: Some(format!("AWS region {region}")),
                ..DomainDoc::default()
            });
    }

    fn ensure_zone(&mut self, zone: &str, file: usize, description: Option<String>) -> String {
        let region = self.file_region(file);
        self.ensure_zone_in(zone, region, description)
    }

    /// A zone domain, in the region its name says, else in `region`.
    fn ensure_zone_in(
        &mut self,
        zone: &str,
        region: Option<String>,
        description: Option<String>,
    ) -> String {
        if !self.zones.contains_key(zone) {
            let region = region_of_zone(zone).or(region);
            if let Some(region) = &region {
                self.ensure_region(region);
            }
            self.zones.insert(
                zone.to_string(),
                DomainDoc {
                    kind: "zone".into(),
                    parent: region,
                    description: description.or_else(|| Some(format!("availability zone {zone}"))),
                    ..DomainDoc::default()
                },
            );
        }
        zone.to_string()
    }

    /// The zone a subnet is in: read from the input, or a placeholder named after the subnet.
    fn subnet_zone(&mut self, subnet: &Subnet) -> String {
        match subnet {
            Subnet::Res(i) => {
                let r = self.res(*i);
                let region = self.resource_region(*i);
                if let Some(zone) = r
                    .str_value("availability_zone")
                    .or_else(|| r.str_value("availability_zone_id"))
                {
                    let zone = zone.to_string();
                    return self.ensure_zone_in(&zone, region, None);
                }
                let address = r.address.clone();
                if let Some(zone) = self.learned_zones.get(&address).cloned() {
                    return self.ensure_zone_in(&zone, region, None);
                }
                let name = format!("zone-of-{address}");
                self.unknown_zones.entry(name.clone()).or_insert_with(|| {
                    format!("the zone of subnet `{address}` (unknown until applied)")
                });
                self.ensure_zone_in(
                    &name,
                    region,
                    Some(format!("the zone of subnet {address}: not in the input")),
                )
            }
            Subnet::Id(id) => {
                if let Some(zone) = self.learned_zones.get(id).cloned() {
                    return self.ensure_zone(&zone, 0, None);
                }
                let name = format!("zone-of-{id}");
                self.unknown_zones.entry(name.clone()).or_insert_with(|| {
                    format!("the zone of subnet `{id}` (made outside this input)")
                });
                // The file does not matter for a placeholder beyond its region.
                self.ensure_zone(
                    &name,
                    0,
                    Some(format!("the zone of subnet {id}: not in the input")),
                )
            }
        }
    }

    /// Subnets an attribute of a resource names, with the report of inferred links.
    fn subnets(&mut self, i: usize, paths: &[&[&str]], component: &str) -> Vec<Subnet> {
        let link = self.tf.links_any(i, paths, SUBNET);
        self.report_link(i, component, &link, "subnet");
        let mut out: Vec<Subnet> = link.targets.iter().map(|&t| Subnet::Res(t)).collect();
        out.extend(link.unknown.iter().cloned().map(Subnet::Id));
        out
    }

    fn report_link(&mut self, i: usize, component: &str, link: &Link, what: &str) {
        let source = self.source_for(self.res(i).file, &self.res(i).address);
        for evidence in &link.inferred {
            let targets: Vec<String> = link
                .targets
                .iter()
                .map(|&t| self.res(t).address.clone())
                .collect();
            self.infer(
                component,
                &targets.join(", "),
                format!("{what}: {evidence}"),
                &source,
            );
        }
        for reference in &link.notes {
            self.report.unresolved.push(Unresolved {
                reference: reference.clone(),
                from: component.to_string(),
                source: format!(
                    "the {what} of {} is `{reference}`, a local value: `terraform show -json` writes no local values and the plan does not know the {what} yet ({source})",
                    self.res(i).address
                ),
            });
        }
    }

    fn zones_of(&mut self, subnets: &[Subnet]) -> Vec<String> {
        let mut zones: IndexSet<String> = IndexSet::new();
        for s in subnets {
            let z = self.subnet_zone(s);
            zones.insert(z);
        }
        zones.into_iter().collect()
    }

    /// The region of one resource: its own provider configuration's (an aliased provider,
    /// `provider = aws.west`, has its own), else its ARN's, its zone's, or its file's.
    fn resource_region(&self, i: usize) -> Option<String> {
        let r = self.res(i);
        if is_aliased(r.provider_key.as_deref())
            && let Some(region) = self.tf.provider_region(i)
        {
            return Some(region);
        }
        if let Some(region) = r
            .str_value("arn")
            .and_then(region_of_arn)
            .or_else(|| r.str_value("availability_zone").and_then(region_of_zone))
        {
            return Some(region);
        }
        self.file_region(r.file)
    }

    fn region_placement(&mut self, i: usize) -> Vec<String> {
        match self.resource_region(i) {
            Some(region) => {
                self.ensure_region(&region);
                vec![region]
            }
            None => Vec::new(),
        }
    }

    // --- The pass. ---

    fn run(&mut self) {
        self.file_regions = (0..self.tf.docs.len())
            .map(|f| self.find_region(f))
            .collect();
        self.learn_subnet_zones();
        self.instances();
        self.auto_scaling_groups();
        self.lambdas_and_containers();
        self.databases();
        self.caches();
        self.search_domains();
        self.load_balancers();
        self.nat_gateways();
        self.elastic_ips();
        self.volumes();
        self.cloudfront();
        self.route53();
        self.other_clouds();
        self.payload_dependencies();
        self.subnets_to_zones();
    }

    /// The zones of subnets the input does not place, from the concrete `availability_zone`
    /// of an instance in one subnet (a state or a plan with prior state knows it): a concrete
    /// zone wins over a placeholder `zone-of-SUBNET`.
    fn learn_subnet_zones(&mut self) {
        for i in self.of_type(INSTANCE) {
            let Some(zone) = self
                .res(i)
                .str_value("availability_zone")
                .filter(|z| !z.is_empty())
            else {
                continue;
            };
            let link = self.tf.links_any(i, &[&["subnet_id"]], SUBNET);
            let mut subnets: Vec<String> = link
                .targets
                .iter()
                .filter(|&&t| {
                    let r = self.res(t);
                    r.str_value("availability_zone").is_none()
                        && r.str_value("availability_zone_id").is_none()
                })
                .map(|&t| self.res(t).address.clone())
                .collect();
            subnets.extend(link.unknown.iter().cloned());
            if link.targets.len() + link.unknown.len() != 1 {
                continue;
            }
            for subnet in subnets {
                if self
                    .learned_zones
                    .insert(subnet.clone(), zone.to_string())
                    .is_none()
                {
                    self.notes.push(format!(
                        "subnet `{subnet}` is not placed in the input; instance `{}` in it is in {zone}, so the subnet is too",
                        self.res(i).address
                    ));
                }
            }
        }
    }

    /// EC2 instances; the instances of one counted block become one component.
    fn instances(&mut self) {
        let mut blocks: IndexMap<(usize, String), Vec<usize>> = IndexMap::new();
        for i in self.of_type(INSTANCE) {
            let r = self.res(i);
            blocks.entry((r.file, r.block())).or_default().push(i);
        }
        for ((file, block), members) in blocks {
            let counted = members.len() > 1 || self.res(members[0]).key.is_some();
            let address = if counted {
                block.clone()
            } else {
                self.res(members[0]).address.clone()
            };
            let name = self.name_for(file, &address);
            let mut per_instance: Vec<(String, Vec<String>)> = Vec::new();
            let mut all_subnets = Vec::new();
            for &m in &members {
                let subnets = self.subnets(m, &[&["subnet_id"]], &name);
                let mut zones = self.zones_of(&subnets);
                if zones.len() > 1
                    && let Some(z) = self.res(m).str_value("availability_zone")
                {
                    // An instance is in one subnet; its own zone, when known, says which.
                    let z = z.to_string();
                    zones = vec![self.ensure_zone(&z, file, None)];
                }
                if zones.len() > 1 {
                    // A `subnet_id` naming subnets in several zones (a conditional) leaves
                    // the instance's zone unknown.
                    self.notes.push(format!(
                        "`{}`: `subnet_id` names subnets in {} zones ({}); the instance is in one of them, not known which: placed in the region only",
                        self.res(m).address,
                        zones.len(),
                        zones.join(", ")
                    ));
                    let regions: IndexSet<Option<String>> = zones
                        .iter()
                        .map(|z| self.zones.get(z).and_then(|d| d.parent.clone()))
                        .collect();
                    zones = match regions.first() {
                        Some(Some(region)) if regions.len() == 1 => vec![region.clone()],
                        _ => self.region_placement(m),
                    };
                }
                if zones.is_empty()
                    && let Some(z) = self.res(m).str_value("availability_zone")
                {
                    let z = z.to_string();
                    zones.push(self.ensure_zone(&z, file, None));
                }
                if zones.is_empty() {
                    zones = self.region_placement(m);
                    if !zones.is_empty() {
                        self.notes.push(format!(
                            "`{}`: no subnet or zone in the input; placed in the region only",
                            self.res(m).address
                        ));
                    }
                }
                let label = self
                    .res(m)
                    .key
                    .as_ref()
                    .map_or_else(|| "1".to_string(), Key::label);
                per_instance.push((label, zones));
                all_subnets.extend(subnets);
            }
            let r = self.res(members[0]);
            let itype = r
                .str_value("instance_type")
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let mut doc = ComponentDoc {
                kind: "service".into(),
                description: Some(if counted {
                    format!(
                        "{} EC2 instances{itype}, no auto scaling group to replace them",
                        members.len()
                    )
                } else {
                    format!("one EC2 instance{itype}, no auto scaling group to replace it")
                }),
                source: Some(self.source_for(file, &address)),
                ..ComponentDoc::default()
            };
            place_instances(&mut doc, &per_instance);
            let name = self.add_component(name, doc);
            for &m in &members {
                self.map(m, &name);
            }
            self.compute.insert(name, (members, all_subnets));
        }
    }

    fn auto_scaling_groups(&mut self) {
        for i in self.of_type(ASG) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let min = r.u64_value("min_size");
            let max = r.u64_value("max_size");
            let desired = r.u64_value("desired_capacity");
            let replicas = match (min, desired) {
                (Some(m), _) if m > 0 => m,
                (_, Some(d)) if d > 0 => d,
                _ => 1,
            };
            if min == Some(0) {
                self.notes.push(format!(
                    "`{}`: min_size is 0; modelled with {replicas} instance(s) (desired capacity or one)",
                    r.address
                ));
            }
            let health_type = r
                .str_value("health_check_type")
                .unwrap_or("EC2")
                .to_string();
            let mut subnets = self.subnets(i, &[&["vpc_zone_identifier"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                for z in value_strings(self.res(i).values, &["availability_zones"]) {
                    zones.push(self.ensure_zone(&z, file, None));
                }
            }
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let r = self.res(i);
            let sizes = format!(
                "min {}, max {}, desired {}",
                min.map_or("?".into(), |v| v.to_string()),
                max.map_or("?".into(), |v| v.to_string()),
                desired.map_or("?".into(), |v| v.to_string())
            );
            let mut description = format!(
                "Auto Scaling group ({sizes}) over {}; it replaces lost instances by itself",
                zone_count(zones.len())
            );
            if health_type == "EC2" {
                description.push_str(
                    "; health check type EC2: an instance whose application fails is not replaced",
                );
            }
            if max == Some(replicas) {
                description.push_str("; max_size leaves no room for a spare");
            }
            let doc = ComponentDoc {
                kind: "service".into(),
                description: Some(description),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(i, &name);
            // Its launch template or configuration is part of it.
            let launch = self.tf.links_any(
                i,
                &[
                    &["launch_configuration"],
                    &["launch_template", "id"],
                    &["launch_template", "name"],
                    &[
                        "mixed_instances_policy",
                        "launch_template",
                        "launch_template_specification",
                        "launch_template_id",
                    ],
                    &[
                        "mixed_instances_policy",
                        "launch_template",
                        "launch_template_specification",
                        "launch_template_name",
                    ],
                ],
                LAUNCH,
            );
            let mut members = vec![i];
            for &t in &launch.targets {
                self.map(t, &name);
                members.push(t);
            }
            subnets.dedup();
            self.compute.insert(name, (members, subnets));
        }
    }

    fn lambdas_and_containers(&mut self) {
        for i in self.of_type(&["aws_lambda_function"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let subnets = self.subnets(i, &[&["vpc_config", "subnet_ids"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let r = self.res(i);
            let mut doc = ComponentDoc {
                kind: "service".into(),
                description: Some("Lambda function: AWS runs it across the region's zones".into()),
                managed: Some(true),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            if zones.len() > 1 {
                doc.spread = zones;
            } else {
                doc.domains = zones;
            }
            let name = self.add_component(name, doc);
            self.map(i, &name);
            self.compute.insert(name, (vec![i], subnets));
        }
        for i in self.of_type(&["aws_ecs_service"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let replicas = r.u64_value("desired_count").filter(|&n| n > 0).unwrap_or(1);
            let subnets = self.subnets(i, &[&["network_configuration", "subnets"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let r = self.res(i);
            let doc = ComponentDoc {
                kind: "service".into(),
                description: Some(format!("ECS service, {replicas} task(s)")),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(i, &name);
            let mut members = vec![i];
            let task = self
                .tf
                .links(i, &["task_definition"], &["aws_ecs_task_definition"]);
            for &t in &task.targets {
                self.map(t, &name);
                members.push(t);
            }
            self.compute.insert(name, (members, subnets));
        }
        for i in self.of_type(&["aws_eks_cluster"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let subnets = self.subnets(i, &[&["vpc_config", "subnet_ids"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let r = self.res(i);
            let mut doc = ComponentDoc {
                kind: "service".into(),
                description: Some(format!(
                    "EKS control plane, managed by AWS across the cluster's subnets ({}); workloads are not in the plan",
                    zone_count(zones.len())
                )),
                managed: Some(true),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            if zones.len() > 1 {
                doc.spread = zones;
            } else {
                doc.domains = zones;
            }
            let name = self.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(&["aws_eks_node_group"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let size = |k: &str| {
                r.values
                    .get("scaling_config")
                    .and_then(|s| s.get(0))
                    .and_then(|s| s.get(k))
                    .and_then(Value::as_u64)
            };
            let replicas = size("min_size")
                .filter(|&n| n > 0)
                .or(size("desired_size"))
                .unwrap_or(1)
                .max(1);
            let subnets = self.subnets(i, &[&["subnet_ids"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let r = self.res(i);
            let doc = ComponentDoc {
                kind: "service".into(),
                description: Some(format!(
                    "EKS node group, at least {replicas} node(s); the pods it runs are not in the plan"
                )),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(i, &name);
            self.compute.insert(name, (vec![i], subnets));
        }
    }

    /// The zones of a subnet group (RDS or ElastiCache).
    fn group_zones(
        &mut self,
        i: usize,
        attribute: &str,
        group_types: &[&str],
        component: &str,
    ) -> Vec<String> {
        let groups = self.tf.links(i, &[attribute], group_types);
        let mut zones = IndexSet::new();
        for &g in &groups.targets {
            self.map(g, component);
            let subnets = self.subnets(g, &[&["subnet_ids"]], component);
            for z in self.zones_of(&subnets) {
                zones.insert(z);
            }
        }
        zones.into_iter().collect()
    }

    fn databases(&mut self) {
        for i in self.of_type(&["aws_db_instance"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let engine = r.str_value("engine").unwrap_or("database").to_string();
            let multi_az = r
                .bool_value("multi_az")
                .or_else(|| r.config_constant(&["multi_az"]).and_then(Value::as_bool))
                .unwrap_or(false);
            let retention = r.u64_value("backup_retention_period").or_else(|| {
                r.config_constant(&["backup_retention_period"])
                    .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            });
            let replica_of = r.str_value("replicate_source_db").map(str::to_string);
            let zone = r.str_value("availability_zone").map(str::to_string);
            for helper in ["parameter_group_name", "option_group_name"] {
                let link = self.tf.links(
                    i,
                    &[helper],
                    &["aws_db_parameter_group", "aws_db_option_group"],
                );
                for t in link.targets {
                    self.map(t, &name);
                }
            }
            let group_zones = self.group_zones(i, "db_subnet_group_name", DB_SUBNET_GROUP, &name);
            let mut doc = ComponentDoc {
                kind: "database".into(),
                source: Some(self.source_for(file, &self.res(i).address)),
                backups: retention.map(|n| n > 0),
                ..ComponentDoc::default()
            };
            let primary = zone.as_ref().map(|z| self.ensure_zone(z, file, None));
            if multi_az {
                let mut zones: Vec<String> = primary.iter().cloned().collect();
                for z in &group_zones {
                    if zones.len() < 2 && !zones.contains(z) {
                        zones.push(z.clone());
                    }
                }
                doc.description = Some(format!(
                    "RDS {engine}, Multi-AZ: a standby in another zone takes over by itself"
                ));
                doc.managed = Some(true);
                doc.failover = Some("automatic".into());
                doc.replicas = Some(2);
                if zones.len() == 2 {
                    doc.spread = zones;
                } else {
                    doc.domains = self.region_placement(i);
                    self.notes.push(format!(
                        "`{}`: Multi-AZ, but the zones of primary and standby are not in the input; placed in the region",
                        self.res(i).address
                    ));
                }
            } else {
                doc.description = Some(format!(
                    "RDS {engine}, single-AZ: one instance, no standby{}",
                    match retention {
                        Some(0) => "; no automated backups (backup_retention_period = 0)",
                        _ => "",
                    }
                ));
                if let Some(source_db) = &replica_of {
                    doc.description = Some(format!(
                        "RDS {engine} read replica of {source_db}: one instance"
                    ));
                }
                match primary {
                    Some(z) => doc.domains = vec![z],
                    None => {
                        doc.domains = self.region_placement(i);
                        let choices = if group_zones.is_empty() {
                            String::new()
                        } else {
                            format!(" (one of {})", group_zones.join(", "))
                        };
                        self.notes.push(format!(
                            "`{}`: the zone of the single instance is not in the input{choices}; placed in the region",
                            self.res(i).address
                        ));
                    }
                }
                if retention.is_some_and(|n| n > 0) {
                    doc.restore_time = Some("1h".into());
                    let source = self.source_for(file, &self.res(i).address);
                    self.infer(
                        &name,
                        &name,
                        "restore_time 1h assumed: a single-AZ instance comes back by a restore from its automated backups (adjust in an overlay)".into(),
                        &source,
                    );
                }
            }
            let name = self.add_component(name, doc);
            self.map(i, &name);
        }
        for &(cluster_type, instance_type, label) in DB_CLUSTERS {
            let instances = self.of_type(&[instance_type]);
            for c in self.of_type(&[cluster_type]) {
                let r = self.res(c);
                let file = r.file;
                let name = self.name_for(file, &r.address);
                let members: Vec<usize> = instances
                    .iter()
                    .copied()
                    .filter(|&m| {
                        self.tf
                            .links(m, &["cluster_identifier"], &[cluster_type])
                            .targets
                            .contains(&c)
                    })
                    .collect();
                let serverless = r.str_value("engine_mode") == Some("serverless");
                let mut zones: Vec<String> = Vec::new();
                for &m in &members {
                    if let Some(z) = self.res(m).str_value("availability_zone") {
                        let z = z.to_string();
                        zones.push(self.ensure_zone(&z, file, None));
                    }
                }
                let mut cluster_zones: Vec<String> = Vec::new();
                for z in value_strings(self.res(c).values, &["availability_zones"]) {
                    cluster_zones.push(self.ensure_zone(&z, file, None));
                }
                if cluster_zones.is_empty() {
                    cluster_zones =
                        self.group_zones(c, "db_subnet_group_name", DB_SUBNET_GROUP, &name);
                }
                let count = members.len() as u64;
                let r = self.res(c);
                let engine = r.str_value("engine").unwrap_or(label).to_string();
                let mut doc = ComponentDoc {
                    kind: "database".into(),
                    source: Some(self.source_for(file, &r.address)),
                    backups: r.u64_value("backup_retention_period").map(|n| n > 0),
                    ..ComponentDoc::default()
                };
                if serverless {
                    doc.description =
                        Some(format!("{label} ({engine}), serverless: managed by AWS"));
                    doc.managed = Some(true);
                    doc.domains = self.region_placement(c);
                } else if count >= 2 {
                    doc.description = Some(format!(
                        "{label} ({engine}), {count} instances: a replica is promoted by itself when the writer fails"
                    ));
                    doc.replicas = Some(count);
                    doc.failover = Some("automatic".into());
                    let placed = if zones.len() == members.len() {
                        zones.clone()
                    } else {
                        cluster_zones.clone()
                    };
                    if placed.len() == members.len() && !placed.is_empty() {
                        doc.instances = members
                            .iter()
                            .zip(&placed)
                            .map(|(&m, z)| InstanceDoc {
                                name: self
                                    .res(m)
                                    .key
                                    .as_ref()
                                    .map_or_else(|| self.res(m).relative.clone(), Key::label),
                                domains: vec![z.clone()],
                                role: None,
                            })
                            .collect();
                        doc.replicas = None;
                    } else if !placed.is_empty() {
                        doc.spread = placed;
                    } else {
                        doc.domains = self.region_placement(c);
                    }
                } else {
                    doc.description = Some(if count == 1 {
                        format!(
                            "{label} ({engine}) with one instance: no replica to fail over to; AWS recreates the instance"
                        )
                    } else {
                        format!("{label} ({engine}) with no instance in the input")
                    });
                    doc.replicas = Some(1);
                    match zones.first() {
                        Some(z) => doc.domains = vec![z.clone()],
                        None => {
                            doc.domains = self.region_placement(c);
                            self.notes.push(format!(
                                "`{}`: the zone of its instance is not in the input; placed in the region",
                                self.res(c).address
                            ));
                        }
                    }
                }
                let name = self.add_component(name, doc);
                self.map(c, &name);
                for &m in &members {
                    self.map(m, &name);
                }
            }
        }
    }

    fn caches(&mut self) {
        for i in self.of_type(&["aws_elasticache_replication_group"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let shards = r
                .u64_value("num_node_groups")
                .or_else(|| {
                    r.values
                        .get("cluster_mode")
                        .and_then(|c| c.get(0))
                        .and_then(|c| c.get("num_node_groups"))
                        .and_then(Value::as_u64)
                })
                .unwrap_or(1)
                .max(1);
            let per_shard = r
                .u64_value("replicas_per_node_group")
                .or_else(|| {
                    r.values
                        .get("cluster_mode")
                        .and_then(|c| c.get(0))
                        .and_then(|c| c.get("replicas_per_node_group"))
                        .and_then(Value::as_u64)
                })
                .map(|n| n + 1);
            let nodes = r
                .u64_value("num_cache_clusters")
                .or_else(|| r.u64_value("number_cache_clusters"))
                .filter(|_| shards == 1 || per_shard.is_none())
                .or(per_shard)
                .unwrap_or(1)
                .max(1);
            let automatic = r.bool_value("automatic_failover_enabled").unwrap_or(false);
            let mut zones: Vec<String> = Vec::new();
            for key in ["preferred_cache_cluster_azs", "availability_zones"] {
                for z in value_strings(self.res(i).values, &[key]) {
                    zones.push(self.ensure_zone(&z, file, None));
                }
            }
            if zones.is_empty() {
                zones = self.group_zones(i, "subnet_group_name", CACHE_SUBNET_GROUP, &name);
            }
            let r = self.res(i);
            let engine = r.str_value("engine").unwrap_or("redis").to_string();
            let mut doc = ComponentDoc {
                kind: "cache".into(),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let sharding = if shards > 1 {
                format!(", {shards} shards (nodes counted per shard)")
            } else {
                String::new()
            };
            if nodes >= 2 {
                doc.replicas = Some(nodes);
                doc.failover = Some(if automatic { "automatic" } else { "manual" }.into());
                doc.description = Some(format!(
                    "ElastiCache {engine} replication group, {nodes} nodes{sharding}; automatic failover {}",
                    if automatic {
                        "on"
                    } else {
                        "off: promoting a replica is a manual step"
                    }
                ));
            } else {
                doc.replicas = Some(1);
                doc.description = Some(format!(
                    "ElastiCache {engine} replication group with one node{sharding}: no replica"
                ));
            }
            if zones.len() >= 2 && nodes >= 2 {
                doc.spread = zones;
            } else if let Some(z) = zones.first() {
                doc.domains = vec![z.clone()];
            } else {
                doc.domains = self.region_placement(i);
            }
            let name = self.add_component(name, doc);
            self.map(i, &name);
            for p in self
                .tf
                .links(
                    i,
                    &["parameter_group_name"],
                    &["aws_elasticache_parameter_group"],
                )
                .targets
            {
                self.map(p, &name);
            }
        }
        for i in self.of_type(&["aws_elasticache_cluster"]) {
            let r = self.res(i);
            let file = r.file;
            let group = self.tf.links(
                i,
                &["replication_group_id"],
                &["aws_elasticache_replication_group"],
            );
            if let Some(&g) = group.targets.first()
                && let Some(component) = self.mapped_to.get(&g).cloned()
            {
                self.map(i, &component);
                continue;
            }
            let name = self.name_for(file, &r.address);
            let nodes = r.u64_value("num_cache_nodes").unwrap_or(1).max(1);
            let engine = r.str_value("engine").unwrap_or("cache").to_string();
            let mut zones: Vec<String> = Vec::new();
            for key in ["availability_zone", "preferred_availability_zones"] {
                for z in value_strings(self.res(i).values, &[key]) {
                    zones.push(self.ensure_zone(&z, file, None));
                }
            }
            if zones.is_empty() {
                zones = self.group_zones(i, "subnet_group_name", CACHE_SUBNET_GROUP, &name);
                zones.truncate(1);
            }
            if zones.is_empty() {
                zones = self.region_placement(i);
            }
            let doc = ComponentDoc {
                kind: "cache".into(),
                description: Some(format!("ElastiCache {engine} cluster, {nodes} node(s)")),
                replicas: Some(nodes),
                spread: zones,
                source: Some(self.source_for(file, &self.res(i).address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(i, &name);
        }
    }

    fn search_domains(&mut self) {
        for i in self.of_type(&["aws_elasticsearch_domain", "aws_opensearch_domain"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let config = r.values.get("cluster_config").and_then(|c| c.get(0));
            let count = config
                .and_then(|c| c.get("instance_count"))
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1);
            let zone_aware = config
                .and_then(|c| c.get("zone_awareness_enabled"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let subnets = self.subnets(i, &[&["vpc_options", "subnet_ids"]], &name);
            let zones = self.zones_of(&subnets);
            let mut doc = ComponentDoc {
                kind: "search".into(),
                description: Some(format!(
                    "search domain, {count} data node(s), zone awareness {}",
                    if zone_aware { "on" } else { "off" }
                )),
                replicas: Some(count),
                source: Some(self.source_for(file, &self.res(i).address)),
                ..ComponentDoc::default()
            };
            if zone_aware && zones.len() >= 2 {
                doc.spread = zones;
            } else if zones.len() == 1 {
                doc.domains = zones;
            } else {
                doc.domains = self.region_placement(i);
            }
            let name = self.add_component(name, doc);
            self.map(i, &name);
            for p in self.of_type(&[
                "aws_elasticsearch_domain_policy",
                "aws_opensearch_domain_policy",
            ]) {
                let link = self.tf.links(
                    p,
                    &["domain_name"],
                    &["aws_elasticsearch_domain", "aws_opensearch_domain"],
                );
                if link.targets.contains(&i) {
                    self.map(p, &name);
                }
            }
        }
    }

    /// Load balancers, their listeners and target groups, and what they send traffic to.
    fn load_balancers(&mut self) {
        // Target group to the components behind it.
        let mut behind: IndexMap<usize, Vec<(String, Vec<String>)>> = IndexMap::new();
        let mut add_behind = |tg: usize, component: String, evidence: Vec<String>| {
            let list = behind.entry(tg).or_default();
            if !list.iter().any(|(c, _)| *c == component) {
                list.push((component, evidence));
            }
        };
        for a in self.of_type(TG_ATTACHMENT) {
            let tgs = self.tf.links(a, &["target_group_arn"], TARGET_GROUP);
            let targets = self.tf.links(
                a,
                &["target_id"],
                &[
                    "aws_instance",
                    "aws_lambda_function",
                    "aws_spot_instance_request",
                ],
            );
            let mut components = Vec::new();
            for &t in &targets.targets {
                if let Some(c) = self.mapped_to.get(&t) {
                    components.push(c.clone());
                }
            }
            if !targets.unknown.is_empty() {
                let source = self.source_for(self.res(a).file, &self.res(a).address);
                for u in &targets.unknown {
                    self.report.unresolved.push(Unresolved {
                        reference: format!("target `{u}`"),
                        from: self.res(a).address.clone(),
                        source: source.clone(),
                    });
                }
            }
            for &tg in &tgs.targets {
                for c in &components {
                    let mut evidence = tgs.inferred.clone();
                    evidence.extend(targets.inferred.clone());
                    add_behind(tg, c.clone(), evidence);
                }
            }
            if let Some(c) = components.first() {
                let c = c.clone();
                self.map(a, &c);
            }
        }
        for (component, (members, _)) in self.compute.clone() {
            for &m in &members {
                if !ASG.contains(&self.res(m).rtype.as_str())
                    && self.res(m).rtype != "aws_ecs_service"
                {
                    continue;
                }
                let tgs = self.tf.links_any(
                    m,
                    &[
                        &["target_group_arns"],
                        &["load_balancer", "target_group_arn"],
                    ],
                    TARGET_GROUP,
                );
                for &tg in &tgs.targets {
                    add_behind(tg, component.clone(), tgs.inferred.clone());
                }
            }
        }
        for a in self.of_type(&["aws_autoscaling_attachment"]) {
            let asgs = self.tf.links(a, &["autoscaling_group_name"], ASG);
            let tgs = self.tf.links_any(
                a,
                &[&["lb_target_group_arn"], &["alb_target_group_arn"]],
                TARGET_GROUP,
            );
            for &g in &asgs.targets {
                if let Some(c) = self.mapped_to.get(&g).cloned() {
                    for &tg in &tgs.targets {
                        add_behind(tg, c.clone(), tgs.inferred.clone());
                    }
                    self.map(a, &c);
                }
            }
        }
        // Listeners and rules tie target groups to load balancers.
        let mut lb_groups: IndexMap<usize, Vec<(usize, Vec<String>)>> = IndexMap::new();
        let mut lb_parts: IndexMap<usize, Vec<usize>> = IndexMap::new();
        let listeners = self.of_type(LISTENER);
        for &l in &listeners {
            let lbs = self.tf.links(l, &["load_balancer_arn"], LB_V2);
            let tgs = self.tf.links_any(
                l,
                &[
                    &["default_action", "target_group_arn"],
                    &["default_action", "forward", "target_group", "arn"],
                ],
                TARGET_GROUP,
            );
            for &lb in &lbs.targets {
                lb_parts.entry(lb).or_default().push(l);
                for &tg in &tgs.targets {
                    lb_groups
                        .entry(lb)
                        .or_default()
                        .push((tg, tgs.inferred.clone()));
                }
            }
        }
        for rule in self.of_type(LISTENER_RULE) {
            let ls = self.tf.links(rule, &["listener_arn"], LISTENER);
            let tgs = self.tf.links_any(
                rule,
                &[
                    &["action", "target_group_arn"],
                    &["action", "forward", "target_group", "arn"],
                ],
                TARGET_GROUP,
            );
            for &l in &ls.targets {
                let lbs = self.tf.links(l, &["load_balancer_arn"], LB_V2);
                for &lb in &lbs.targets {
                    lb_parts.entry(lb).or_default().push(rule);
                    for &tg in &tgs.targets {
                        lb_groups
                            .entry(lb)
                            .or_default()
                            .push((tg, tgs.inferred.clone()));
                    }
                }
            }
        }
        for lb in self.of_type(LB_V2) {
            let r = self.res(lb);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let lb_type = r
                .str_value("load_balancer_type")
                .unwrap_or("application")
                .to_string();
            let internal = r.bool_value("internal").unwrap_or(false);
            let subnets =
                self.subnets(lb, &[&["subnets"], &["subnet_mapping", "subnet_id"]], &name);
            let zones = self.zones_of(&subnets);
            self.note_distinct(&zones, &name, &format!("the subnets of a load balancer (type {lb_type}) are in distinct zones, as AWS requires"));
            let mut doc = ComponentDoc {
                kind: "load_balancer".into(),
                description: Some(format!(
                    "{}{} load balancer, managed by AWS in {}",
                    if internal { "internal " } else { "" },
                    lb_type,
                    zone_count(zones.len())
                )),
                managed: Some(true),
                source: Some(self.source_for(file, &self.res(lb).address)),
                ..ComponentDoc::default()
            };
            match zones.len() {
                0 => doc.domains = self.region_placement(lb),
                1 => doc.domains = zones,
                _ => doc.spread = zones,
            }
            let name = self.add_component(name, doc);
            self.map(lb, &name);
            for part in lb_parts.get(&lb).cloned().unwrap_or_default() {
                self.map(part, &name);
            }
            for (tg, evidence) in lb_groups.get(&lb).cloned().unwrap_or_default() {
                self.map(tg, &name);
                let checks = self.target_group_health(tg);
                for (component, more) in behind.get(&tg).cloned().unwrap_or_default() {
                    let mut all = evidence.clone();
                    all.extend(more);
                    self.lb_target(&name, &component, checks, all, tg);
                }
            }
        }
        // Classic load balancers.
        let mut elb_targets: IndexMap<usize, Vec<(String, Vec<String>)>> = IndexMap::new();
        for a in self.of_type(&["aws_elb_attachment"]) {
            let elbs = self.tf.links(a, &["elb"], ELB);
            let targets = self.tf.links(a, &["instance"], INSTANCE);
            for &e in &elbs.targets {
                for &t in &targets.targets {
                    if let Some(c) = self.mapped_to.get(&t).cloned() {
                        elb_targets
                            .entry(e)
                            .or_default()
                            .push((c.clone(), targets.inferred.clone()));
                        self.map(a, &c);
                    }
                }
            }
        }
        for (component, (members, _)) in self.compute.clone() {
            for &m in &members {
                if !ASG.contains(&self.res(m).rtype.as_str())
                    && self.res(m).rtype != "aws_ecs_service"
                {
                    continue;
                }
                let elbs = self.tf.links_any(
                    m,
                    &[&["load_balancers"], &["load_balancer", "elb_name"]],
                    ELB,
                );
                for &e in &elbs.targets {
                    elb_targets
                        .entry(e)
                        .or_default()
                        .push((component.clone(), elbs.inferred.clone()));
                }
            }
        }
        for a in self.of_type(&["aws_autoscaling_attachment"]) {
            let asgs = self.tf.links(a, &["autoscaling_group_name"], ASG);
            let elbs = self.tf.links(a, &["elb"], ELB);
            for &g in &asgs.targets {
                if let Some(c) = self.mapped_to.get(&g).cloned() {
                    for &e in &elbs.targets {
                        elb_targets
                            .entry(e)
                            .or_default()
                            .push((c.clone(), elbs.inferred.clone()));
                    }
                }
            }
        }
        for e in self.of_type(ELB) {
            let r = self.res(e);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let subnets = self.subnets(e, &[&["subnets"]], &name);
            let mut zones = self.zones_of(&subnets);
            if zones.is_empty() {
                for z in value_strings(self.res(e).values, &["availability_zones"]) {
                    zones.push(self.ensure_zone(&z, file, None));
                }
            }
            let r = self.res(e);
            // A classic load balancer always checks its instances (TCP on the instance port
            // unless a health_check block says otherwise).
            let checks = true;
            let mut doc = ComponentDoc {
                kind: "load_balancer".into(),
                description: Some(format!(
                    "classic load balancer, managed by AWS in {}",
                    zone_count(zones.len())
                )),
                managed: Some(true),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            match zones.len() {
                0 => doc.domains = self.region_placement(e),
                1 => doc.domains = zones,
                _ => doc.spread = zones,
            }
            let name = self.add_component(name, doc);
            self.map(e, &name);
            let direct = self.tf.links(e, &["instances"], INSTANCE);
            let mut targets = elb_targets.get(&e).cloned().unwrap_or_default();
            for &t in &direct.targets {
                if let Some(c) = self.mapped_to.get(&t).cloned() {
                    targets.push((c, direct.inferred.clone()));
                }
            }
            for (component, evidence) in targets {
                self.lb_target(&name, &component, checks, evidence, e);
            }
        }
        for tg in self.of_type(TARGET_GROUP) {
            if !self.mapped_to.contains_key(&tg) {
                self.reasons.insert(
                    tg,
                    "a target group that no listener in the input uses".into(),
                );
            }
        }
    }

    fn target_group_health(&self, tg: usize) -> bool {
        let r = self.res(tg);
        match r.values.get("health_check").and_then(|h| h.get(0)) {
            Some(h) => h.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            // Lambda targets have health checks off by default; others on.
            None => r.str_value("target_type") != Some("lambda"),
        }
    }

    fn lb_target(
        &mut self,
        lb: &str,
        component: &str,
        checks: bool,
        evidence: Vec<String>,
        via: usize,
    ) {
        if evidence.is_empty() {
            self.depend(lb, component, None);
        } else {
            let source = self.source_for(self.res(via).file, &self.res(via).address);
            self.depend_inferred(lb, component, evidence.join("; "), &source);
        }
        self.health
            .entry(component.to_string())
            .or_default()
            .push(checks);
    }

    fn note_distinct(&mut self, zones: &[String], component: &str, why: &str) {
        let unknown: Vec<&String> = zones
            .iter()
            .filter(|z| self.unknown_zones.contains_key(*z))
            .collect();
        if unknown.len() < 2 {
            return;
        }
        for (a, b) in unknown.iter().zip(unknown.iter().skip(1)) {
            self.distinct_zones.insert(((*a).clone(), (*b).clone()));
        }
        let names: Vec<String> = unknown.iter().map(|z| (*z).clone()).collect();
        self.infer(
            component,
            &names.join(", "),
            format!(
                "zones not in the input; {why}, so these are {} different zones",
                names.len()
            ),
            component,
        );
    }

    /// NAT gateways, and which subnets (hence which components) use which one.
    fn nat_gateways(&mut self) {
        let nats = self.of_type(NAT);
        if nats.is_empty() {
            return;
        }
        // Route table to the NAT gateways it routes to.
        let mut table_nats: IndexMap<usize, Vec<(usize, Vec<String>, usize)>> = IndexMap::new();
        for route in self.of_type(&["aws_route"]) {
            let to = self.tf.links(route, &["nat_gateway_id"], NAT);
            if to.targets.is_empty() {
                continue;
            }
            let tables = self.tf.links(route, &["route_table_id"], ROUTE_TABLE);
            for &t in &tables.targets {
                for &n in &to.targets {
                    let mut evidence = to.inferred.clone();
                    evidence.extend(tables.inferred.clone());
                    table_nats.entry(t).or_default().push((n, evidence, route));
                }
            }
        }
        for table in self.of_type(ROUTE_TABLE) {
            let to = self.tf.links(table, &["route", "nat_gateway_id"], NAT);
            for &n in &to.targets {
                table_nats
                    .entry(table)
                    .or_default()
                    .push((n, to.inferred.clone(), table));
            }
        }
        // Subnet to the NAT gateways its route table uses.
        let mut subnet_nats: BTreeMap<Subnet, Vec<(usize, Vec<String>)>> = BTreeMap::new();
        let mut routing_parts: HashMap<usize, Vec<usize>> = HashMap::new();
        for assoc in self.of_type(&["aws_route_table_association"]) {
            let tables = self.tf.links(assoc, &["route_table_id"], ROUTE_TABLE);
            let subnets = self.tf.links(assoc, &["subnet_id"], SUBNET);
            let mut subnet_list: Vec<Subnet> =
                subnets.targets.iter().map(|&s| Subnet::Res(s)).collect();
            subnet_list.extend(subnets.unknown.iter().cloned().map(Subnet::Id));
            for &t in &tables.targets {
                let Some(list) = table_nats.get(&t) else {
                    continue;
                };
                for (n, evidence, route) in list {
                    routing_parts
                        .entry(*n)
                        .or_default()
                        .extend([t, *route, assoc]);
                    for s in &subnet_list {
                        let mut all = evidence.clone();
                        all.extend(tables.inferred.clone());
                        all.extend(subnets.inferred.clone());
                        subnet_nats.entry(s.clone()).or_default().push((*n, all));
                    }
                }
            }
        }
        for (subnet, list) in &subnet_nats {
            for (n, evidence) in list {
                if evidence.is_empty() {
                    continue;
                }
                let from = match subnet {
                    Subnet::Res(i) => self.res(*i).address.clone(),
                    Subnet::Id(id) => id.clone(),
                };
                let to = self.res(*n).address.clone();
                let source = self.source_for(self.res(*n).file, &to);
                let mut seen = BTreeSet::new();
                let text: Vec<&String> = evidence.iter().filter(|e| seen.insert(*e)).collect();
                let text: Vec<&str> = text.into_iter().map(String::as_str).collect();
                self.infer(
                    &from,
                    &to,
                    format!("route to the NAT gateway: {}", text.join("; ")),
                    &source,
                );
            }
        }
        // Each NAT gateway's zone and the zones of the subnets it serves.
        let mut nat_zone: HashMap<usize, String> = HashMap::new();
        let mut nat_vpc: HashMap<usize, String> = HashMap::new();
        for &n in &nats {
            let subnet_link = self.tf.links(n, &["subnet_id"], SUBNET);
            let address = self.res(n).address.clone();
            self.report_link(n, &address, &subnet_link, "subnet");
            let mut subnets: Vec<Subnet> = subnet_link
                .targets
                .iter()
                .map(|&s| Subnet::Res(s))
                .collect();
            subnets.extend(subnet_link.unknown.iter().cloned().map(Subnet::Id));
            let mut zone = subnets.first().map(|s| self.subnet_zone(s));
            if zone
                .as_ref()
                .is_none_or(|z| self.unknown_zones.contains_key(z))
            {
                // The Name tag often names the zone (terraform-aws-modules/vpc does).
                let known: Vec<String> = self
                    .zones
                    .keys()
                    .filter(|z| !self.unknown_zones.contains_key(*z))
                    .cloned()
                    .collect();
                if let Some(tag) = self.res(n).name_tag()
                    && let Some(z) = known.iter().find(|z| tag.contains(z.as_str()))
                {
                    let source = self.source_for(self.res(n).file, &address);
                    self.infer(
                        &address,
                        z,
                        format!("zone read from the Name tag `{tag}`"),
                        &source,
                    );
                    zone = Some(z.clone());
                }
            }
            if let Some(z) = zone {
                nat_zone.insert(n, z);
            }
            let vpc = subnet_link
                .targets
                .first()
                .map(|&s| {
                    let l = self.tf.links(s, &["vpc_id"], VPC);
                    l.targets
                        .first()
                        .map(|&v| self.res(v).address.clone())
                        .or_else(|| l.unknown.first().cloned())
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            nat_vpc.insert(n, vpc);
        }
        let mut served: HashMap<usize, Vec<(Subnet, String)>> = HashMap::new();
        for (subnet, list) in subnet_nats.clone() {
            let zone = self.subnet_zone(&subnet);
            for (n, _) in list {
                let entry = served.entry(n).or_default();
                if !entry.iter().any(|(s, _)| *s == subnet) {
                    entry.push((subnet.clone(), zone.clone()));
                }
            }
        }
        // Zone-local gateways of one VPC in distinct zones become one component per zone.
        let mut groups: IndexMap<(usize, String), Vec<usize>> = IndexMap::new();
        for &n in &nats {
            let zone = nat_zone.get(&n);
            // Serving only its own zone; or serving no subnet the input shows (its routes
            // cannot be read), which one gateway per zone is taken to mean.
            let local = zone.is_some()
                && served
                    .get(&n)
                    .is_none_or(|s| s.iter().all(|(_, z)| Some(z) == zone));
            if local {
                groups
                    .entry((
                        self.res(n).file,
                        nat_vpc.get(&n).cloned().unwrap_or_default(),
                    ))
                    .or_default()
                    .push(n);
            }
        }
        let mut merged: HashMap<usize, String> = HashMap::new();
        for ((file, vpc), members) in groups {
            let zones: Vec<String> = members
                .iter()
                .filter_map(|n| nat_zone.get(n).cloned())
                .collect();
            let distinct: BTreeSet<&String> = zones.iter().collect();
            if members.len() < 2 || distinct.len() != members.len() {
                continue;
            }
            let blocks: BTreeSet<String> = members.iter().map(|&n| self.res(n).block()).collect();
            let address = if blocks.len() == 1 {
                blocks.iter().next().cloned().unwrap_or_default()
            } else if vpc.is_empty() {
                "aws_nat_gateway (one per zone)".to_string()
            } else {
                format!("{vpc} NAT gateways")
            };
            let name = self.name_for(file, &address);
            let doc = ComponentDoc {
                kind: "nat_gateway".into(),
                description: Some(format!(
                    "{} NAT gateways, one per zone ({}); each zone's private subnets route through their own zone's gateway",
                    members.len(),
                    zones.join(", ")
                )),
                managed: Some(true),
                instances: members
                    .iter()
                    .zip(&zones)
                    .map(|(&n, z)| InstanceDoc {
                        name: self
                            .res(n)
                            .key
                            .as_ref()
                            .map_or_else(|| self.res(n).relative.clone(), Key::label),
                        domains: vec![z.clone()],
                        role: None,
                    })
                    .collect(),
                source: Some(self.source_for(file, &address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            let unread: Vec<String> = members
                .iter()
                .filter(|n| served.get(n).is_none_or(Vec::is_empty))
                .map(|&n| self.res(n).address.clone())
                .collect();
            if !unread.is_empty() {
                self.notes.push(format!(
                    "`{name}`: which subnets use {} is not readable from the input; one NAT gateway per zone, each serving its own zone, is assumed",
                    unread.join(", ")
                ));
            }
            self.per_zone_nat.insert(name.clone(), zones.clone());
            for &n in &members {
                merged.insert(n, name.clone());
            }
        }
        for &n in &nats {
            let r = self.res(n);
            let file = r.file;
            let name = match merged.get(&n) {
                Some(name) => name.clone(),
                None => {
                    let name = self.name_for(file, &r.address);
                    let zone = nat_zone.get(&n).cloned();
                    let serves: BTreeSet<String> = served
                        .get(&n)
                        .map(|s| s.iter().map(|(_, z)| z.clone()).collect())
                        .unwrap_or_default();
                    let mut description = format!(
                        "NAT gateway in {} (redundant within its zone, managed by AWS)",
                        zone.as_deref().unwrap_or("an unknown zone")
                    );
                    let foreign: Vec<&String> = serves
                        .iter()
                        .filter(|z| Some(*z) != zone.as_ref())
                        .collect();
                    if !foreign.is_empty() {
                        let all: Vec<&String> = serves.iter().collect();
                        description = format!(
                            "{description}; serves subnets in {} zones ({}): losing {} cuts outbound traffic for all of them",
                            all.len(),
                            all.iter()
                                .map(|z| z.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            zone.as_deref().unwrap_or("its zone")
                        );
                        let source = self.source_for(file, &r.address);
                        let foreign_list: Vec<String> =
                            foreign.iter().map(|z| (*z).clone()).collect();
                        self.infer(
                            &format!("subnets in {}", foreign_list.join(", ")),
                            &name,
                            format!(
                                "NAT gateway `{}` in {} serves subnets in other zones ({}): a cross-zone dependency",
                                r.address,
                                zone.as_deref().unwrap_or("an unknown zone"),
                                foreign_list.join(", ")
                            ),
                            &source,
                        );
                    }
                    if served.get(&n).is_none_or(Vec::is_empty) {
                        description.push_str("; no route table in the input sends traffic to it");
                    }
                    let mut doc = ComponentDoc {
                        kind: "nat_gateway".into(),
                        description: Some(description),
                        managed: Some(true),
                        source: Some(self.source_for(file, &r.address)),
                        ..ComponentDoc::default()
                    };
                    doc.domains = match zone {
                        Some(z) => vec![z],
                        None => self.region_placement(n),
                    };
                    self.add_component(name, doc)
                }
            };
            self.map(n, &name);
            self.nat_component.insert(n, name.clone());
            for part in routing_parts.get(&n).cloned().unwrap_or_default() {
                self.map(part, &name);
            }
        }
        // Components in subnets that route through a NAT gateway depend on it.
        for (component, (members, subnets)) in self.compute.clone() {
            let mut used: IndexMap<String, Vec<String>> = IndexMap::new();
            for s in &subnets {
                for (n, evidence) in subnet_nats.get(s).cloned().unwrap_or_default() {
                    if let Some(c) = self.nat_component.get(&n).cloned() {
                        let subnet = match s {
                            Subnet::Res(i) => format!("`{}`", self.res(*i).address),
                            Subnet::Id(id) => format!("`{id}`"),
                        };
                        let mut text = format!(
                            "subnet {subnet}'s route table sends outbound traffic to `{}`",
                            self.res(n).address
                        );
                        if !evidence.is_empty() {
                            text.push_str(&format!(" ({})", evidence.join("; ")));
                        }
                        let e = used.entry(c).or_default();
                        if !e.contains(&text) {
                            e.push(text);
                        }
                    }
                }
            }
            let source = members
                .first()
                .map(|&m| self.source_for(self.res(m).file, &self.res(m).address))
                .unwrap_or_default();
            for (nat, evidence) in used {
                let text = evidence.join("; ");
                self.depend_inferred(&component, &nat, text, &source);
                if let Some(nat_zones) = self.per_zone_nat.get(&nat).cloned() {
                    let own = self.component_zones(&component);
                    let covered = !own.is_empty() && own.iter().all(|z| nat_zones.contains(z));
                    if let Some(dep) = self.deps.get_mut(&(component.clone(), nat.clone())) {
                        if covered {
                            dep.per = Some("zone".into());
                        } else {
                            self.notes.push(format!(
                                "`{component}` runs in zones without a NAT gateway of `{nat}`: its dependency is not scoped to the zone"
                            ));
                        }
                    }
                }
            }
        }
    }

    fn component_zones(&self, component: &str) -> Vec<String> {
        let Some(doc) = self.model.components.get(component) else {
            return Vec::new();
        };
        let mut zones: Vec<String> = doc.domains.clone();
        zones.extend(doc.spread.clone());
        for i in &doc.instances {
            zones.extend(i.domains.clone());
        }
        zones.retain(|z| self.zones.contains_key(z));
        zones.sort();
        zones.dedup();
        zones
    }

    /// Elastic IPs are part of what they are attached to.
    fn elastic_ips(&mut self) {
        for e in self.of_type(EIP) {
            let instance = self.tf.links(e, &["instance"], INSTANCE);
            if let Some(c) = instance
                .targets
                .first()
                .and_then(|t| self.mapped_to.get(t))
                .cloned()
            {
                self.map(e, &c);
                continue;
            }
            let mut owner = None;
            let mut through_locals = false;
            let mut nats: Vec<(usize, String)> = self
                .nat_component
                .iter()
                .map(|(&n, c)| (n, c.clone()))
                .collect();
            nats.sort();
            for (n, c) in nats {
                let allocation = self.tf.links(n, &["allocation_id"], EIP);
                through_locals |= !allocation.notes.is_empty();
                if allocation.targets.contains(&e) {
                    owner = Some(c);
                    break;
                }
            }
            if owner.is_none() {
                for a in self.of_type(&["aws_eip_association"]) {
                    let eips = self
                        .tf
                        .links_any(a, &[&["allocation_id"], &["public_ip"]], EIP);
                    if eips.targets.contains(&e) {
                        let inst = self.tf.links(a, &["instance_id"], INSTANCE);
                        if let Some(c) = inst.targets.first().and_then(|t| self.mapped_to.get(t)) {
                            owner = Some(c.clone());
                            let c = c.clone();
                            self.map(a, &c);
                        }
                    }
                }
            }
            match owner {
                Some(c) => self.map(e, &c),
                None => {
                    self.reasons.insert(
                        e,
                        if through_locals {
                            "an Elastic IP whose attachment the input does not say (a NAT gateway takes its allocation through a local value, which the JSON does not contain); an address is part of what it is attached to".into()
                        } else {
                            "an Elastic IP attached to nothing in the input; an address is part of what it is attached to".into()
                        },
                    );
                }
            }
        }
    }

    fn volumes(&mut self) {
        for a in self.of_type(&["aws_volume_attachment"]) {
            let instance = self.tf.links(a, &["instance_id"], INSTANCE);
            let volume = self.tf.links(a, &["volume_id"], &["aws_ebs_volume"]);
            if let Some(c) = instance
                .targets
                .first()
                .and_then(|t| self.mapped_to.get(t))
                .cloned()
            {
                self.map(a, &c);
                for &v in &volume.targets {
                    self.map(v, &c);
                }
            }
        }
        for v in self.of_type(&["aws_ebs_volume"]) {
            if !self.mapped_to.contains_key(&v) {
                self.reasons
                    .insert(v, "a volume attached to nothing in the input".into());
            }
        }
        for n in self.of_type(&["aws_network_interface"]) {
            let instance = self.tf.links(n, &["attachment", "instance"], INSTANCE);
            if let Some(c) = instance
                .targets
                .first()
                .and_then(|t| self.mapped_to.get(t))
                .cloned()
            {
                self.map(n, &c);
            } else {
                self.reasons.insert(
                    n,
                    "a network interface attached to nothing in the input".into(),
                );
            }
        }
    }

    /// A managed regional service, made a component when something uses it.
    fn managed_service(&mut self, i: usize) -> Option<String> {
        if let Some(c) = self.mapped_to.get(&i) {
            return Some(c.clone());
        }
        let r = self.res(i);
        let &(_, kind, label) = MANAGED_SERVICES.iter().find(|(t, _, _)| *t == r.rtype)?;
        let file = r.file;
        let name = self.name_for(file, &r.address);
        let domains = self.region_placement(i);
        let doc = ComponentDoc {
            kind: kind.into(),
            description: Some(format!("{label}: a regional service, redundant by design")),
            managed: Some(true),
            domains,
            source: Some(self.source_for(file, &self.res(i).address)),
            ..ComponentDoc::default()
        };
        let name = self.add_component(name, doc);
        self.map(i, &name);
        Some(name)
    }

    fn cloudfront(&mut self) {
        let origin_types: Vec<&str> = ["aws_lb", "aws_alb", "aws_elb", "aws_instance"]
            .into_iter()
            .chain(MANAGED_SERVICES.iter().map(|(t, _, _)| *t))
            .collect();
        for d in self.of_type(&["aws_cloudfront_distribution"]) {
            let r = self.res(d);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let doc = ComponentDoc {
                kind: "cdn".into(),
                description: Some("CloudFront distribution: global, managed by AWS".into()),
                managed: Some(true),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(d, &name);
            let origins = self.tf.links(d, &["origin", "domain_name"], &origin_types);
            for &o in &origins.targets {
                let target = self
                    .mapped_to
                    .get(&o)
                    .cloned()
                    .or_else(|| self.managed_service(o));
                if let Some(t) = target {
                    if origins.inferred.is_empty() {
                        self.depend(&name, &t, None);
                    } else {
                        let source = self.source_for(file, &self.res(d).address);
                        self.depend_inferred(&name, &t, origins.inferred.join("; "), &source);
                    }
                }
            }
            for u in origins.unknown {
                self.report.unresolved.push(Unresolved {
                    reference: format!("origin `{u}`"),
                    from: name.clone(),
                    source: self.source_for(file, &self.res(d).address),
                });
            }
        }
    }

    /// Route 53 zones and records: one dns component per hosted zone.
    fn route53(&mut self) {
        let mut zone_component: HashMap<String, String> = HashMap::new();
        for z in self.of_type(R53_ZONE) {
            let r = self.res(z);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let private = r
                .values
                .get("vpc")
                .is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty()));
            let doc = ComponentDoc {
                kind: "dns".into(),
                description: Some(format!(
                    "Route 53 {}hosted zone {}",
                    if private { "private " } else { "" },
                    r.str_value("name").unwrap_or_default()
                )),
                managed: Some(true),
                dns: Some(DnsDoc {
                    providers: vec!["route53".into()],
                    records: IndexMap::new(),
                }),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.add_component(name, doc);
            self.map(z, &name);
            zone_component.insert(format!("res:{z}"), name);
        }
        let target_types: Vec<&str> = [
            "aws_lb",
            "aws_alb",
            "aws_elb",
            "aws_cloudfront_distribution",
            "aws_instance",
            "aws_eip",
        ]
        .into_iter()
        .chain(MANAGED_SERVICES.iter().map(|(t, _, _)| *t))
        .collect();
        // (zone component, record name) to (targets, health checked, address count, ttl, routed).
        struct Record {
            targets: Vec<String>,
            checked: bool,
            count: u64,
            ttl: Option<u64>,
            sets: u32,
            evidence: Vec<String>,
        }
        let mut records: IndexMap<(String, String), Record> = IndexMap::new();
        for rec in self.of_type(&["aws_route53_record"]) {
            let r = self.res(rec);
            let file = r.file;
            let zone_link = self.tf.links(rec, &["zone_id"], R53_ZONE);
            let (key, label, zone_name) =
                match (zone_link.targets.first(), zone_link.unknown.first()) {
                    (Some(&z), _) => {
                        let zr = self.res(z);
                        (
                            format!("res:{z}"),
                            zr.str_value("name")
                                .unwrap_or(&zr.address)
                                .trim_end_matches('.')
                                .to_string(),
                            zr.str_value("name")
                                .map(|s| s.trim_end_matches('.').to_string()),
                        )
                    }
                    (None, Some(id)) => (format!("id:{id}"), id.clone(), None),
                    (None, None) => ("unknown".to_string(), "(unknown zone)".to_string(), None),
                };
            let component = match zone_component.get(&key) {
                Some(c) => c.clone(),
                None => {
                    let name = self.name_for(file, &format!("route53 zone {label}"));
                    let doc = ComponentDoc {
                        kind: "dns".into(),
                        description: Some(format!(
                            "Route 53 hosted zone {label} (the zone itself is not managed in this input)"
                        )),
                        managed: Some(true),
                        dns: Some(DnsDoc {
                            providers: vec!["route53".into()],
                            records: IndexMap::new(),
                        }),
                        source: Some(self.source_for(file, &self.res(rec).address)),
                        ..ComponentDoc::default()
                    };
                    let name = self.add_component(name, doc);
                    if let Some(&z) = zone_link.targets.first() {
                        self.map(z, &name);
                    }
                    zone_component.insert(key.clone(), name.clone());
                    name
                }
            };
            self.map(rec, &component);
            let r = self.res(rec);
            let record_name = r
                .str_value("fqdn")
                .map(str::to_string)
                .or_else(|| {
                    r.str_value("name").map(|n| match &zone_name {
                        Some(z) if !n.ends_with(z.as_str()) => format!("{n}.{z}"),
                        _ => n.to_string(),
                    })
                })
                .unwrap_or_else(|| r.address.clone());
            let alias = self.tf.links(rec, &["alias", "name"], &target_types);
            let listed = self.tf.links(rec, &["records"], &target_types);
            let mut targets = Vec::new();
            let mut evidence = alias.inferred.clone();
            evidence.extend(listed.inferred.clone());
            for &t in alias.targets.iter().chain(&listed.targets) {
                let c = self
                    .mapped_to
                    .get(&t)
                    .cloned()
                    .or_else(|| self.managed_service(t));
                if let Some(c) = c
                    && !targets.contains(&c)
                {
                    targets.push(c);
                }
            }
            let r = self.res(rec);
            let evaluate = r
                .values
                .get("alias")
                .and_then(|a| a.get(0))
                .and_then(|a| a.get("evaluate_target_health"))
                .and_then(Value::as_bool)
                .or_else(|| {
                    r.config_constant(&["alias", "evaluate_target_health"])
                        .and_then(Value::as_bool)
                })
                .unwrap_or(false);
            let has_alias = r
                .values
                .get("alias")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
                || r.config
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get("alias"))
                    .is_some();
            let health_id = r.str_value("health_check_id").is_some()
                || r.config
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get("health_check_id"))
                    .is_some();
            let count = value_strings(r.values, &["records"]).len() as u64;
            let checked = (has_alias && evaluate) || health_id;
            for h in self
                .tf
                .links(rec, &["health_check_id"], &["aws_route53_health_check"])
                .targets
            {
                self.map(h, &component);
            }
            let entry = records
                .entry((component.clone(), record_name))
                .or_insert(Record {
                    targets: Vec::new(),
                    checked: true,
                    count: 0,
                    ttl: None,
                    sets: 0,
                    evidence: Vec::new(),
                });
            for t in targets {
                if !entry.targets.contains(&t) {
                    entry.targets.push(t);
                }
            }
            entry.checked &= checked;
            entry.count += if has_alias { 1 } else { count };
            entry.sets += 1;
            entry.evidence.extend(evidence);
            if let Some(ttl) = r.u64_value("ttl").filter(|&t| t > 0) {
                entry.ttl = Some(entry.ttl.map_or(ttl, |old: u64| old.min(ttl)));
            }
            for u in alias.unknown.iter() {
                self.report.unresolved.push(Unresolved {
                    reference: format!("alias target `{u}`"),
                    from: component.clone(),
                    source: self.source_for(file, &r.address),
                });
            }
        }
        for ((component, record_name), record) in records {
            let doc_record = DnsRecordDoc {
                addresses: if !record.targets.is_empty() {
                    Some(DnsAddressesDoc::Components(record.targets.clone()))
                } else if record.count > 0 {
                    Some(DnsAddressesDoc::Count(record.count))
                } else {
                    None
                },
                health_check: Some(record.checked),
                ttl: record.ttl.map(|t| format!("{t}s")),
            };
            if let Some(doc) = self.model.components.get_mut(&component)
                && let Some(dns) = doc.dns.as_mut()
            {
                dns.records.insert(record_name.clone(), doc_record);
            }
            let source = self
                .model
                .components
                .get(&component)
                .and_then(|c| c.source.clone())
                .unwrap_or_default();
            let several = record.targets.len() > 1 && record.checked;
            for t in &record.targets {
                if several {
                    let key = (component.clone(), t.clone());
                    self.deps.entry(key).or_insert_with(|| DependencyDoc {
                        component: t.clone(),
                        optional: Some(true),
                        fallback: Some(format!(
                            "Route 53 answers {record_name} with another health-checked record"
                        )),
                        ..DependencyDoc::default()
                    });
                } else if record.evidence.is_empty() {
                    self.depend(&component, t, None);
                } else {
                    self.depend_inferred(&component, t, record.evidence.join("; "), &source);
                }
            }
            if several {
                self.notes.push(format!(
                    "`{record_name}` routes to {} with health checks: modelled as optional dependencies of `{component}` (the model has no either-or dependency)",
                    record.targets.join(", ")
                ));
            }
        }
    }

    /// Compute that names a data store (or another service) in its user data, environment or
    /// task definition depends on it.
    fn payload_dependencies(&mut self) {
        const PAYLOAD: &[&str] = &[
            "user_data",
            "user_data_base64",
            "environment",
            "container_definitions",
            "variables",
        ];
        // Endpoint strings of mapped resources, for matching inside known values.
        let mut endpoints: Vec<(String, usize)> = Vec::new();
        for (i, r) in self.tf.res.iter().enumerate() {
            if r.data {
                continue;
            }
            for key in ENDPOINT_KEYS {
                if let Some(v) = r.str_value(key)
                    && v.len() >= 7
                {
                    endpoints.push((v.split(':').next().unwrap_or(v).to_string(), i));
                }
            }
        }
        for (component, (members, _)) in self.compute.clone() {
            let source = members
                .first()
                .map(|&m| self.source_for(self.res(m).file, &self.res(m).address))
                .unwrap_or_default();
            for &m in &members {
                let r = self.res(m);
                for (attribute, reference) in self.tf.all_references(m) {
                    if !PAYLOAD.contains(&attribute.as_str()) {
                        continue;
                    }
                    let mut out = Vec::new();
                    let mut notes = Vec::new();
                    self.tf.resolve(
                        r.file,
                        &r.module,
                        &reference,
                        Walk::default(),
                        &mut out,
                        &mut notes,
                    );
                    let mut targets: Vec<usize> =
                        out.into_iter().flat_map(|t| t.instances).collect();
                    // A rendered template (`data.template_file.x.rendered`): what it references.
                    for d in targets.clone() {
                        if !self.res(d).data {
                            continue;
                        }
                        for (_, inner) in self.tf.all_references(d) {
                            let mut more = Vec::new();
                            let dr = self.res(d);
                            self.tf.resolve(
                                dr.file,
                                &dr.module,
                                &inner,
                                Walk::default(),
                                &mut more,
                                &mut notes,
                            );
                            targets.extend(more.into_iter().flat_map(|t| t.instances));
                        }
                    }
                    // A local value in an attribute the plan knows is in that value, read
                    // below; in one it does not know yet, what it names is not known.
                    if r.values.get(&attribute).is_none_or(Value::is_null) {
                        for local in &notes {
                            let entry = Unresolved {
                                reference: local.clone(),
                                from: component.clone(),
                                source: format!(
                                    "`{attribute}` of {} uses `{local}`, a local value: `terraform show -json` writes no local values and the plan does not know `{attribute}` yet, so what it names is not known ({source})",
                                    r.address
                                ),
                            };
                            if !self
                                .report
                                .unresolved
                                .iter()
                                .any(|u| u.reference == entry.reference && u.from == entry.from)
                            {
                                self.report.unresolved.push(entry);
                            }
                        }
                    }
                    for t in targets {
                        let target = self
                            .mapped_to
                            .get(&t)
                            .cloned()
                            .or_else(|| self.managed_service(t));
                        if let Some(target) = target
                            && target != component
                            && !self.per_zone_nat.contains_key(&target)
                            && self
                                .model
                                .components
                                .get(&target)
                                .is_some_and(|c| c.kind != "nat_gateway")
                        {
                            self.depend_inferred(
                                &component,
                                &target,
                                format!("`{attribute}` references `{reference}`"),
                                &source,
                            );
                        }
                    }
                }
                // Known values: an endpoint inside user data or an environment value.
                let mut texts: Vec<(String, String)> = Vec::new();
                for key in ["user_data", "container_definitions"] {
                    if let Some(v) = r.str_value(key) {
                        texts.push((key.to_string(), v.to_string()));
                    }
                }
                let variables = r
                    .values
                    .get("environment")
                    .and_then(|e| e.get(0))
                    .and_then(|e| e.get("variables"))
                    .and_then(Value::as_object);
                if let Some(vars) = variables {
                    for (k, v) in vars {
                        if let Some(s) = v.as_str() {
                            texts.push((format!("environment {k}"), format!("{k}={s}")));
                        }
                    }
                }
                let mut matched_keys = BTreeSet::new();
                for (what, text) in &texts {
                    for (endpoint, t) in &endpoints {
                        if !text.contains(endpoint.as_str()) {
                            continue;
                        }
                        let target = self
                            .mapped_to
                            .get(t)
                            .cloned()
                            .or_else(|| self.managed_service(*t));
                        if let Some(target) = target
                            && target != component
                        {
                            matched_keys.insert(what.clone());
                            self.depend_inferred(
                                &component,
                                &target,
                                format!(
                                    "{what} contains `{endpoint}`, the address of `{}`",
                                    self.res(*t).address
                                ),
                                &source,
                            );
                        }
                    }
                }
                // Environment values that name a service the input does not contain.
                if let Some(vars) = variables {
                    for (k, v) in vars {
                        let upper = k.to_ascii_uppercase();
                        let hosty = [
                            "HOST", "HOSTNAME", "PORT", "URL", "URI", "ENDPOINT", "ADDR",
                            "ADDRESS", "DSN", "SERVER", "SERVERS", "BROKERS",
                        ]
                        .iter()
                        .any(|s| upper.ends_with(&format!("_{s}")) || upper == *s);
                        if hosty && !matched_keys.contains(&format!("environment {k}")) {
                            let value = v
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string());
                            self.report.unresolved.push(Unresolved {
                                reference: format!(
                                    "environment {k}={value}: a service the input does not contain"
                                ),
                                from: component.clone(),
                                source: source.clone(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// Subnets became zones: say so, and which zones are unknown.
    fn subnets_to_zones(&mut self) {
        for s in self.of_type(SUBNET) {
            let zone = self.subnet_zone(&Subnet::Res(s));
            self.map(s, &format!("zone:{zone}"));
        }
    }

    fn finish(mut self) -> Import {
        // Health checks of the load balancers in front of active-active components.
        for (component, checks) in std::mem::take(&mut self.health) {
            if let Some(doc) = self.model.components.get_mut(&component)
                && doc.failover.is_none()
                && doc.mode.is_none()
                && doc.managed != Some(true)
            {
                doc.health_check = Some(checks.iter().all(|&c| c));
            }
        }
        for ((from, _), dep) in std::mem::take(&mut self.deps) {
            if let Some(doc) = self.model.components.get_mut(&from) {
                doc.depends_on.push(dep);
            }
        }
        // Domains: regions, then zones.
        for (name, doc) in std::mem::take(&mut self.regions) {
            self.model.domains.insert(name, doc);
        }
        for (name, doc) in std::mem::take(&mut self.zones) {
            self.model.domains.insert(name, doc);
        }
        // Unmapped, grouped by type and reason.
        let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let mut data_sources: Vec<usize> = Vec::new();
        for i in 0..self.tf.res.len() {
            if self.mapped_to.contains_key(&i) {
                continue;
            }
            let r = self.res(i);
            if r.data {
                data_sources.push(i);
                continue;
            }
            let why = self
                .reasons
                .get(&i)
                .cloned()
                .or_else(|| {
                    MANAGED_SERVICES.iter().find(|(t, _, _)| *t == r.rtype).map(|(_, _, label)| {
                        format!("{label}: a regional managed service that nothing in the input uses (add it with an overlay if a journey does)")
                    })
                })
                .or_else(|| {
                    DB_CLUSTERS.iter().find(|(_, t, _)| *t == r.rtype).map(|_| {
                        "a cluster instance whose cluster is not in the input".to_string()
                    })
                })
                .unwrap_or_else(|| unmapped_reason(&r.rtype).to_string());
            groups.entry((r.rtype.clone(), why)).or_default().push(i);
        }
        for ((rtype, why), members) in groups {
            let addresses: Vec<String> = members
                .iter()
                .map(|&i| self.source_for(self.res(i).file, &self.res(i).address))
                .collect();
            self.report.unmapped.push(Unmapped {
                object: if members.len() == 1 {
                    rtype
                } else {
                    format!("{rtype} ({})", members.len())
                },
                why,
                source: addresses.join(", "),
                runs: false,
            });
        }
        if !data_sources.is_empty() {
            let addresses: Vec<String> = data_sources
                .iter()
                .map(|&i| self.source_for(self.res(i).file, &self.res(i).address))
                .collect();
            self.report.unmapped.push(Unmapped {
                object: format!("data sources ({})", data_sources.len()),
                why: "read for their values (subnet zones, ids, names); not components".into(),
                source: addresses.join(", "),
                runs: false,
            });
        }
        // What the format cannot say.
        let unknown: Vec<(String, String)> = self
            .unknown_zones
            .iter()
            .map(|(z, what)| (z.clone(), what.clone()))
            .collect();
        for (zone, what) in &unknown {
            let distinct = self
                .distinct_zones
                .iter()
                .any(|(a, b)| a == zone || b == zone);
            self.report.not_modelled.push(format!(
                "zone `{zone}`: {what}; {}",
                if distinct {
                    "known to differ from the other zones of the same load balancer"
                } else {
                    "assumed to be a zone of its own (name it in an overlay if it shares a zone)"
                }
            ));
        }
        self.report
            .not_modelled
            .extend(std::mem::take(&mut self.notes));
        self.report.not_modelled.push(
            "journeys: Terraform does not say which requests go where; the whole system is one journey until an overlay names them".into(),
        );
        self.report.not_modelled.push(
            "hard or optional calls: dependencies read from references (user data, environment) are assumed hard".into(),
        );
        self.report.not_modelled.push(
            "restore times: the plan does not say how long a rebuild or restore takes (set `restore_time` in an overlay)".into(),
        );
        let paths: Vec<&str> = self.tf.docs.iter().map(|d| d.path.as_str()).collect();
        self.model.name = Some(format!("terraform {}", paths.join(", ")));
        let kinds: BTreeSet<&str> = self
            .tf
            .docs
            .iter()
            .map(|d| match d.kind {
                DocKind::Plan => "plan",
                DocKind::State | DocKind::RawState => "state",
            })
            .collect();
        self.model.description = Some(format!(
            "Imported from Terraform JSON ({}); {} resources read",
            kinds.into_iter().collect::<Vec<_>>().join(" and "),
            self.tf.res.len()
        ));
        Import {
            model: self.model,
            report: self.report,
        }
    }
}

/// How many zones, in words: none known is said as such, never "0 zone(s)".
fn zone_count(n: usize) -> String {
    match n {
        0 => "zones that are not in the input (placed in the region)".into(),
        1 => "1 zone".into(),
        n => format!("{n} zones"),
    }
}

/// Whether a provider configuration key names an aliased provider (`aws.west`,
/// `module.m:aws.west`), which has a configuration of its own.
fn is_aliased(key: Option<&str>) -> bool {
    key.is_some_and(|k| {
        let local = k.rsplit(':').next().unwrap_or(k);
        local.contains('.')
    })
}

/// The region of an ARN (`arn:aws:rds:eu-west-1:...`).
fn region_of_arn(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() > 4 && parts[0] == "arn" && !parts[3].is_empty()).then(|| parts[3].to_string())
}

/// The region of an availability zone name (`us-east-1a` is in `us-east-1`).
fn region_of_zone(zone: &str) -> Option<String> {
    let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
    let suffix = &zone[trimmed.len()..];
    let parts: Vec<&str> = trimmed.split('-').collect();
    if suffix.len() == 1
        && trimmed.ends_with(|c: char| c.is_ascii_digit())
        && parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
    {
        Some(trimmed.to_string())
    } else {
        None
    }
}

/// Places instances given the zones of each: one zone for all, zones in turn, or one by one.
fn place_instances(doc: &mut ComponentDoc, per_instance: &[(String, Vec<String>)]) {
    let n = per_instance.len();
    let first: Vec<String> = per_instance
        .iter()
        .map(|(_, z)| z.first().cloned().unwrap_or_default())
        .collect();
    if per_instance.iter().all(|(_, z)| z.len() <= 1) {
        let distinct: Vec<String> = first.iter().fold(Vec::new(), |mut acc, z| {
            if !acc.contains(z) {
                acc.push(z.clone());
            }
            acc
        });
        if distinct.iter().all(String::is_empty) {
            if n > 1 {
                doc.replicas = Some(n as u64);
            }
            return;
        }
        if distinct.len() == 1 {
            doc.domains = distinct;
            if n > 1 {
                doc.replicas = Some(n as u64);
            }
            return;
        }
        if !distinct.iter().any(String::is_empty)
            && first
                .iter()
                .enumerate()
                .all(|(i, z)| *z == distinct[i % distinct.len()])
        {
            doc.spread = distinct;
            doc.replicas = Some(n as u64);
            return;
        }
    }
    doc.instances = per_instance
        .iter()
        .map(|(name, zones)| InstanceDoc {
            name: name.clone(),
            domains: zones.clone(),
            role: None,
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn hcl_and_broken_json_are_located_errors() {
        let e = import(&[SourceFile {
            path: "main.tf".into(),
            text: "resource \"x\" \"y\" {}".into(),
        }])
        .unwrap_err();
        assert!(e.message.contains("terraform show -json"), "{e}");
        let e = import(&[SourceFile {
            path: "plan.json".into(),
            text: "{\n  \"planned_values\": [1,\n}".into(),
        }])
        .unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = import(&[SourceFile {
            path: "x.json".into(),
            text: "{\"a\": 1}".into(),
        }])
        .unwrap_err();
        assert!(e.message.contains("not a Terraform plan"), "{e}");
    }
}
