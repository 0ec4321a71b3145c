//! The reference resolver: links between resources from known values (ids, ARNs, names, DNS
//! names) or, where a plan does not know them, from the configuration's expression references
//! through module variables and outputs; and the dependencies of compute on what its payload
//! names.

use super::Builder;
use super::reading::{
    Doc, DocKind, Key, NULL, Res, call_names, collect_strings, expression_leaves, join_module,
    module_resources, parent_module, raw_state_resources, split_address, split_steps, step_key,
    value_strings,
};
use crate::Unresolved;
use serde_json::Value;
use spof_model::Kind;
use std::collections::{BTreeSet, HashMap};

/// Values that identify a resource, for links by known value.
pub(super) const IDENTITY_KEYS: &[&str] = &[
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
pub(super) const ENDPOINT_KEYS: &[&str] = &[
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
pub(super) struct Tf<'a> {
    pub(super) docs: &'a [Doc],
    pub(super) res: Vec<Res<'a>>,
    /// (file, block address) to its instances.
    pub(super) by_block: HashMap<(usize, String), Vec<usize>>,
    /// (file, identifying value) to resources.
    pub(super) by_value: HashMap<(usize, String), Vec<usize>>,
    /// (file, concrete module path) of every module instance.
    pub(super) modules: BTreeSet<(usize, String)>,
}

impl<'a> Tf<'a> {
    pub(super) fn new(docs: &'a [Doc]) -> Tf<'a> {
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

    pub(super) fn configuration(&self, file: usize) -> Option<&'a Value> {
        self.docs[file].root.get("configuration")
    }

    /// The configuration of a module (by call names): `root_module` for the root.
    pub(super) fn module_config(&self, file: usize, calls: &[String]) -> Option<&'a Value> {
        let mut module = self.configuration(file)?.get("root_module")?;
        for call in calls {
            module = module.get("module_calls")?.get(call)?.get("module")?;
        }
        Some(module)
    }

    /// The module call block (with its `expressions`) of a module, by call names.
    pub(super) fn module_call(&self, file: usize, calls: &[String]) -> Option<&'a Value> {
        let (last, parents) = calls.split_last()?;
        self.module_config(file, parents)?
            .get("module_calls")?
            .get(last)
    }

    pub(super) fn config_block(&self, i: usize) -> Option<&'a Value> {
        let r = &self.res[i];
        let module = self.module_config(r.file, &call_names(&r.module))?;
        module
            .get("resources")?
            .as_array()?
            .iter()
            .find(|c| c.get("address").and_then(Value::as_str) == Some(r.relative.as_str()))
    }

    pub(super) fn instances(&self, file: usize, block: &str) -> &[usize] {
        self.by_block
            .get(&(file, block.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// The child module instances of `module` made by call `call`.
    pub(super) fn child_modules(&self, file: usize, module: &str, call: &str) -> Vec<String> {
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
    pub(super) fn resolve(
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

    pub(super) fn resolve_leaf(
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

    pub(super) fn lookup(&self, file: usize, value: &str, want: &[&str]) -> Vec<usize> {
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
    pub(super) fn links(&self, r: usize, path: &[&str], want: &[&str]) -> Link {
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
    pub(super) fn links_any(&self, r: usize, paths: &[&[&str]], want: &[&str]) -> Link {
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
    pub(super) fn all_references(&self, r: usize) -> Vec<(String, String)> {
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
    pub(super) fn provider_region(&self, r: usize) -> Option<String> {
        let res = &self.res[r];
        let key = res.provider_key.as_deref().unwrap_or("aws");
        self.provider_config_region(res.file, key)
            .or_else(|| self.provider_config_region(res.file, "aws"))
    }

    /// The region of the provider configuration `key` (`aws`, `aws.west`, `module.m:aws`)
    /// of a file, when its configuration or variables say it.
    pub(super) fn provider_config_region(&self, file: usize, key: &str) -> Option<String> {
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

pub(super) fn collect_references(expression: &Value, out: &mut Vec<String>) {
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

/// How a reference is being followed: through module variables or outputs, and how deep.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Walk {
    pub(super) indirect: bool,
    pub(super) depth: u8,
}

/// What a reference resolved to: instances of one block (or literal strings to look up).
pub(super) struct RefTarget {
    /// The block address, for a reference to a resource.
    pub(super) block: Option<String>,
    pub(super) instances: Vec<usize>,
    /// The reference named one instance (`aws_subnet.a[0]`).
    pub(super) explicit: bool,
    /// Reached through a module variable or output.
    pub(super) indirect: bool,
    pub(super) strings: Vec<String>,
}

/// Where an attribute points.
#[derive(Default)]
pub(super) struct Link {
    pub(super) targets: Vec<usize>,
    /// Values that match no resource in the input (ids of things made elsewhere).
    pub(super) unknown: Vec<String>,
    /// How the link was inferred, when it was not read.
    pub(super) inferred: Vec<String>,
    /// References that cannot be followed: local values (`local.x`), which the JSON does
    /// not contain.
    pub(super) notes: Vec<String>,
}

impl Link {
    pub(super) fn dedup(&mut self) {
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

// Resource types.

impl<'t, 'a> Builder<'t, 'a> {
    /// Compute that names a data store (or another service) in its user data, environment or
    /// task definition depends on it.
    pub(super) fn payload_dependencies(&mut self) {
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
                                .out
                                .report
                                .unresolved
                                .iter()
                                .any(|u| u.reference == entry.reference && u.from == entry.from)
                            {
                                self.out.report.unresolved.push(entry);
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
                                .out
                                .model
                                .components
                                .get(&target)
                                .is_some_and(|c| c.kind != Kind::NatGateway)
                        {
                            self.out.depend_inferred(
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
                            self.out.depend_inferred(
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
                            self.out.report.unresolved.push(Unresolved {
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
}
