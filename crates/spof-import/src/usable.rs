//! What the model reader accepts, made sure of before an import is returned.
//!
//! - Names: importers name components, domains, journeys and DNS records after what the
//!   input calls them, and an input can call them anything; the model reader takes 1 to 256
//!   printable characters, not all blank. A name it would refuse is renamed (control
//!   characters written as escapes, a long name cut, a blank one `unnamed`), kept unique,
//!   and every reference follows. Instance names, any text to the reader, must differ within
//!   a component: a name listed twice gets a ` (2)`.
//! - Counts come from the input too (`replicas`, `num_cache_clusters`, a PodDisruptionBudget):
//!   `replicas` and `min_healthy` are kept within the reader's 1 to 1,000,000 (and
//!   `min_healthy` to the instances there are), a DNS record's address count within 1 to
//!   1,000.
//!
//! Each change is said in the report's `not_modelled`.

use crate::{ComponentDoc, DnsAddressesDoc, Import, InstanceDoc, ModelDoc};
use indexmap::IndexMap;
use spof_model::schema::MAX_REPLICAS;
use std::collections::{HashMap, HashSet};

/// The longest name the model reader takes, in bytes.
const MAX: usize = 256;
/// The most addresses the model reader takes for a DNS record.
const MAX_ADDRESSES: u64 = 1000;

/// Whether the model reader takes `name` as a name.
fn usable(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= MAX && !name.chars().any(char::is_control)
}

impl Import {
    /// Changes what the model reader would refuse; see the module's documentation.
    pub(crate) fn make_usable(&mut self) {
        let notes = &mut self.report.not_modelled;
        let model: &mut ModelDoc = &mut self.model;
        let components = rename(&mut model.components, "component", notes);
        let domains = rename(&mut model.domains, "domain", notes);
        rename(&mut model.journeys, "journey", notes);
        for domain in model.domains.values_mut() {
            if let Some(parent) = &mut domain.parent {
                follow(&domains, parent);
            }
        }
        for (name, component) in &mut model.components {
            distinct_instances(name, &mut component.instances, notes);
            counts_in_range(name, component, notes);
            component
                .domains
                .iter_mut()
                .chain(&mut component.spread)
                .chain(component.instances.iter_mut().flat_map(|i| &mut i.domains))
                .for_each(|d| follow(&domains, d));
            for dependency in &mut component.depends_on {
                follow(&components, &mut dependency.component);
            }
            if let Some(dns) = &mut component.dns {
                rename(&mut dns.records, "DNS record", notes);
                for (record_name, record) in &mut dns.records {
                    match &mut record.addresses {
                        Some(DnsAddressesDoc::Components(targets)) => {
                            targets.iter_mut().for_each(|t| follow(&components, t));
                        }
                        Some(DnsAddressesDoc::Count(count)) => {
                            let what = format!("DNS record `{}` addresses", shown(record_name));
                            clamp(count, 1, MAX_ADDRESSES, name, &what, notes);
                        }
                        None => {}
                    }
                }
            }
        }
        for journey in model.journeys.values_mut() {
            journey.path.iter_mut().for_each(|c| follow(&components, c));
        }
    }
}

/// Renames the keys of `map` that are not usable names, in place and in order; returns the
/// renames.
fn rename<V>(
    map: &mut IndexMap<String, V>,
    what: &str,
    notes: &mut Vec<String>,
) -> HashMap<String, String> {
    if map.keys().all(|k| usable(k)) {
        return HashMap::new();
    }
    let mut taken: HashSet<String> = map.keys().filter(|k| usable(k)).cloned().collect();
    let mut renames = HashMap::new();
    for (name, value) in std::mem::take(map) {
        if usable(&name) {
            map.insert(name, value);
            continue;
        }
        let new = usable_name(&name, &taken);
        notes.push(format!(
            "{what} `{}`: not a usable name (names are 1 to {MAX} printable characters); named `{new}`",
            shown(&name)
        ));
        taken.insert(new.clone());
        renames.insert(name, new.clone());
        map.insert(new, value);
    }
    renames
}

/// `replicas` and `min_healthy` within the reader's range.
fn counts_in_range(name: &str, component: &mut ComponentDoc, notes: &mut Vec<String>) {
    if let Some(replicas) = &mut component.replicas {
        clamp(replicas, 1, MAX_REPLICAS, name, "`replicas`", notes);
    }
    // How many instances the reader will make, as it counts them.
    let instances = if !component.instances.is_empty() {
        component.instances.len() as u64
    } else if let Some(replicas) = component.replicas {
        replicas
    } else if let Some(dns) = component.dns.as_ref().filter(|d| !d.providers.is_empty()) {
        dns.providers.len() as u64
    } else {
        component.spread.len().max(1) as u64
    };
    if let Some(min) = &mut component.min_healthy {
        clamp(
            min,
            1,
            instances.min(MAX_REPLICAS),
            name,
            "`min_healthy`",
            notes,
        );
    }
}

fn clamp(
    value: &mut u64,
    low: u64,
    high: u64,
    component: &str,
    what: &str,
    notes: &mut Vec<String>,
) {
    let fitted = (*value).clamp(low, high);
    if fitted != *value {
        notes.push(format!(
            "component `{}`: {what} {value} is outside what the model takes ({low} to {high}); modelled as {fitted}",
            shown(component)
        ));
        *value = fitted;
    }
}

/// Renames the instances whose name an earlier instance of the component has.
fn distinct_instances(component: &str, instances: &mut [InstanceDoc], notes: &mut Vec<String>) {
    let taken: HashSet<String> = instances.iter().map(|i| i.name.clone()).collect();
    if taken.len() == instances.len() {
        return;
    }
    let mut seen: HashSet<String> = HashSet::new();
    for instance in instances {
        if seen.insert(instance.name.clone()) {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{} ({n})", instance.name);
            if !taken.contains(&candidate) && !seen.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        notes.push(format!(
            "component `{}`: two instances named `{}`; the second is named `{new}`",
            shown(component),
            shown(&instance.name)
        ));
        seen.insert(new.clone());
        instance.name = new;
    }
}

fn follow(renames: &HashMap<String, String>, name: &mut String) {
    if let Some(new) = renames.get(name.as_str()) {
        name.clone_from(new);
    }
}

/// A usable name for `name`, not in `taken`: control characters escaped (`\t`, `\u{7f}`),
/// cut to leave room for a ` (2)`, `unnamed` when blank.
fn usable_name(name: &str, taken: &HashSet<String>) -> String {
    let mut base = String::new();
    for c in name.chars() {
        if c.is_control() {
            base.extend(c.escape_debug());
        } else {
            base.push(c);
        }
    }
    if base.len() > MAX - 16 {
        let mut cut = MAX - 16;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    if base.trim().is_empty() {
        base = "unnamed".into();
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base} ({n})");
        n += 1;
    }
    candidate
}

/// A name as shown in a note: escaped, at most 80 characters.
fn shown(name: &str) -> String {
    let escaped: String = name.chars().flat_map(char::escape_debug).collect();
    if escaped.chars().count() > 80 {
        let cut: String = escaped.chars().take(77).collect();
        format!("{cut}...")
    } else {
        escaped
    }
}
