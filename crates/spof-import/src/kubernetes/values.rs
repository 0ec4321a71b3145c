//! The values in which host names are looked for: environment variables (also through
//! ConfigMap and Secret keys), arguments, commands and mounted ConfigMaps, with variable
//! expansion and base64 decoding.

use super::{Importer, Object, Scanned};
use crate::{Yaml, infer};
use std::collections::HashMap;

impl Importer {
    /// The values of a container in which host names are looked for.
    pub(super) fn container_values(
        &self,
        o: &Object,
        container: &Yaml,
        namespace: &str,
        values: &mut Vec<Scanned>,
        used: &mut Vec<usize>,
        missing: &mut Vec<String>,
    ) {
        for env in container.get("env").map(Yaml::items).unwrap_or_default() {
            let Some(var) = env.get("name").and_then(Yaml::text) else {
                continue;
            };
            if let Some(value) = env.get("value") {
                if let Some(text) = value.text() {
                    let found = infer::hosts_in(&text, true);
                    if found.is_empty() {
                        continue;
                    }
                    values.push(Scanned {
                        label: format!("env {var}"),
                        found,
                        hint: infer::names_an_address(&var),
                        whole: true,
                        report: true,
                        secret: false,
                        text,
                        place: o.at(value),
                    });
                }
                continue;
            }
            for (kind, key_ref) in [("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")] {
                let Some(reference) = env.at(&["valueFrom", key_ref]) else {
                    continue;
                };
                let object = reference
                    .get("name")
                    .and_then(Yaml::text)
                    .unwrap_or_default();
                let key = reference
                    .get("key")
                    .and_then(Yaml::text)
                    .unwrap_or_default();
                let found = self.find(kind, &object, namespace);
                let entry = found.and_then(|i| {
                    data_entries(&self.objects[i])
                        .into_iter()
                        .find(|(k, _, _)| *k == key)
                        .map(|e| (i, e))
                });
                match entry {
                    Some((i, (_, text, line))) => {
                        used.push(i);
                        let found = infer::hosts_in(&text, true);
                        if found.is_empty() {
                            continue;
                        }
                        values.push(Scanned {
                            label: format!("env {var} from {kind} {object} key {key}"),
                            found,
                            hint: infer::names_an_address(&var) || infer::names_an_address(&key),
                            whole: true,
                            report: true,
                            secret: kind == "Secret",
                            text,
                            place: format!("{}:{line}", self.objects[i].file),
                        });
                    }
                    None if infer::names_an_address(&var) || infer::names_an_address(&key) => {
                        if let Some(i) = found {
                            used.push(i);
                        }
                        missing.push(format!(
                            "env {var} reads key {key} of {kind} {object}, which {} ({}); if it names a service, the address is the program's default and the dependency is not in the input",
                            if found.is_some() { "does not set it" } else { "is not in the input" },
                            o.at(env)
                        ));
                    }
                    None => {
                        if let Some(i) = found {
                            used.push(i);
                        }
                    }
                }
            }
        }
        for env_from in container
            .get("envFrom")
            .map(Yaml::items)
            .unwrap_or_default()
        {
            let prefix = env_from
                .get("prefix")
                .and_then(Yaml::text)
                .unwrap_or_default();
            for (kind, key_ref) in [("ConfigMap", "configMapRef"), ("Secret", "secretRef")] {
                let Some(object) = env_from.at(&[key_ref, "name"]).and_then(Yaml::text) else {
                    continue;
                };
                let Some(i) = self.find(kind, &object, namespace) else {
                    continue;
                };
                used.push(i);
                for (key, text, line) in data_entries(&self.objects[i]) {
                    let found = infer::hosts_in(&text, true);
                    if found.is_empty() {
                        continue;
                    }
                    values.push(Scanned {
                        label: format!("env {prefix}{key} from {kind} {object}"),
                        found,
                        hint: infer::names_an_address(&key),
                        whole: true,
                        report: true,
                        secret: kind == "Secret",
                        text,
                        place: format!("{}:{line}", self.objects[i].file),
                    });
                }
            }
        }
        // `$(VAR)` in a command or its arguments is the container's variable, as Kubernetes
        // expands it.
        let literal_env: HashMap<String, String> = container
            .get("env")
            .map(Yaml::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                Some((
                    e.get("name").and_then(Yaml::text)?,
                    e.get("value").and_then(Yaml::text)?,
                ))
            })
            .collect();
        for key in ["command", "args"] {
            let mut host_flag = false;
            for item in container.get(key).map(Yaml::items).unwrap_or_default() {
                let Some(text) = item.text() else { continue };
                let text = expand_variables(&text, &literal_env);
                let multi_line = text.contains('\n');
                if multi_line {
                    push_lines(values, key, &text, item.line, &o.file, false);
                    host_flag = false;
                    continue;
                }
                // `--redis=host:6379`: the value after `=` is a whole value.
                let (flag, value) = match text.split_once('=') {
                    Some((flag, value)) if flag.starts_with('-') && !multi_line => {
                        (Some(flag.to_string()), value.to_string())
                    }
                    _ => (None, text.clone()),
                };
                let flag_hint = flag.as_deref().is_some_and(infer::is_host_flag);
                let whole = !multi_line && (host_flag || flag_hint);
                let found = infer::hosts_in(&value, whole);
                let next_flag = !multi_line && flag.is_none() && infer::is_host_flag(&text);
                if found.is_empty() {
                    host_flag = next_flag;
                    continue;
                }
                values.push(Scanned {
                    label: key.to_string(),
                    found,
                    hint: host_flag || flag_hint,
                    whole,
                    report: !multi_line,
                    secret: false,
                    text: value,
                    place: o.at(item),
                });
                host_flag = next_flag;
            }
        }
    }
}

/// The entries of a ConfigMap (`data`) or Secret (`stringData`, and `data` decoded from
/// base64 when it is text): key, value and line.
pub(super) fn data_entries(o: &Object) -> Vec<(String, String, u32)> {
    let mut entries = Vec::new();
    for key in ["data", "stringData"] {
        let decode = o.kind == "Secret" && key == "data";
        for (k, v) in o.node.get(key).map(Yaml::entries).unwrap_or_default() {
            let (Some(name), Some(text)) = (k.text(), v.text()) else {
                continue;
            };
            let text = if decode {
                match base64_text(&text) {
                    Some(t) => t,
                    None => continue,
                }
            } else {
                text
            };
            entries.push((name, text, k.line));
        }
    }
    entries
}

/// Decodes base64 text; `None` when it is not base64 or not UTF-8 text.
pub(super) fn base64_text(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

/// The lines of a script or a file, each scanned on its own with its line (block scalars start
/// on the line after their key).
pub(super) fn push_lines(
    values: &mut Vec<Scanned>,
    label: &str,
    text: &str,
    line: u32,
    file: &str,
    secret: bool,
) {
    for (i, content) in text.lines().enumerate() {
        let found = infer::hosts_in(content.trim(), false);
        if found.is_empty() {
            continue;
        }
        values.push(Scanned {
            label: label.to_string(),
            found,
            hint: false,
            whole: false,
            report: false,
            secret,
            text: content.trim().to_string(),
            place: format!("{file}:{}", line as usize + 1 + i),
        });
    }
}

/// `$(NAME)` replaced by the variable's value where the container sets it; `$$(NAME)` is
/// kept as `$(NAME)`, and a variable it does not set is left as written (Kubernetes' rules).
pub(super) fn expand_variables(text: &str, env: &HashMap<String, String>) -> String {
    if !text.contains("$(") || env.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("$(") {
        // A hostile input (a large value referenced many times) is not expanded without end.
        if out.len() > 100_000 {
            break;
        }
        if rest[..i].ends_with('$') {
            out.push_str(&rest[..i - 1]);
            out.push_str("$(");
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(')') {
            Some(end) if env.contains_key(&after[..end]) => {
                out.push_str(&env[&after[..end]]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
