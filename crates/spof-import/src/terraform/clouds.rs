//! Google Cloud and Azure: their main resources beside AWS. Compute instances and groups,
//! managed databases with their high-availability settings, load balancers (on Google Cloud,
//! backend services and target pools, and the front ends of forwarding rules, target proxies
//! and URL maps in front of them), GKE node pools and NAT gateways, each placed in its zones
//! and region as the resource says.

use super::Builder;
use crate::{ComponentDoc, DomainDoc};
use serde_json::Value;
use spof_model::{DomainKind, Kind};

const GCE_INSTANCE: &[&str] = &["google_compute_instance"];
const GCE_ZONAL_GROUP: &[&str] = &["google_compute_instance_group_manager"];
const GCE_REGIONAL_GROUP: &[&str] = &["google_compute_region_instance_group_manager"];
const GCE_BACKEND: &[&str] = &[
    "google_compute_backend_service",
    "google_compute_region_backend_service",
];
const GCE_TARGET_POOL: &[&str] = &["google_compute_target_pool"];
const GCE_FORWARDING_RULE: &[&str] = &[
    "google_compute_global_forwarding_rule",
    "google_compute_forwarding_rule",
];
const GCE_TARGET_PROXY: &[&str] = &[
    "google_compute_target_http_proxy",
    "google_compute_target_https_proxy",
    "google_compute_region_target_http_proxy",
    "google_compute_region_target_https_proxy",
];
const GCE_URL_MAP: &[&str] = &["google_compute_url_map", "google_compute_region_url_map"];
/// Where a URL map names backend services: its default, and each path matcher's default,
/// path rules and route rules.
const URL_MAP_SERVICES: &[&[&str]] = &[
    &["default_service"],
    &["path_matcher", "default_service"],
    &["path_matcher", "path_rule", "service"],
    &["path_matcher", "route_rules", "service"],
];
const CLOUD_SQL: &[&str] = &["google_sql_database_instance"];
const GKE_POOL: &[&str] = &["google_container_node_pool"];
const CLOUD_NAT: &[&str] = &["google_compute_router_nat"];
const AZURE_VM: &[&str] = &[
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_virtual_machine",
];
const AZURE_SCALE_SET: &[&str] = &[
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_windows_virtual_machine_scale_set",
    "azurerm_orchestrated_virtual_machine_scale_set",
];
const AZURE_LB: &[&str] = &["azurerm_lb"];
const AZURE_DB: &[&str] = &[
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
];
const AZURE_NAT: &[&str] = &["azurerm_nat_gateway"];

/// The last part of a URL or path (`.../zones/europe-west1-b` is `europe-west1-b`).
fn last_part(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// The region of a Google Cloud zone (`europe-west1-b` is in `europe-west1`).
fn gcp_region_of_zone(zone: &str) -> Option<String> {
    let (region, suffix) = zone.rsplit_once('-')?;
    (suffix.len() == 1 && suffix.bytes().all(|b| b.is_ascii_lowercase()) && region.contains('-'))
        .then(|| region.to_string())
}

/// The first item of a nested block list (`settings[0]`), or the value itself.
fn block(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(last_part(s).to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn count(value: Option<&Value>) -> Option<u64> {
    let v = value?;
    v.as_u64().or_else(|| v.as_str()?.parse().ok())
}

impl Builder<'_, '_> {
    /// A region domain of a cloud other than AWS.
    fn cloud_region(&mut self, cloud: &str, region: &str) -> String {
        self.regions
            .entry(region.to_string())
            .or_insert_with(|| DomainDoc {
                kind: DomainKind::Region,
                description: Some(format!("{cloud} region {region}")),
                ..DomainDoc::default()
            });
        region.to_string()
    }

    /// A zone domain of a cloud other than AWS, in its region.
    fn cloud_zone(&mut self, cloud: &str, zone: &str, region: Option<&str>) -> String {
        if let Some(region) = region {
            self.cloud_region(cloud, region);
        }
        self.zones
            .entry(zone.to_string())
            .or_insert_with(|| DomainDoc {
                kind: DomainKind::Zone,
                parent: region.map(str::to_string),
                description: Some(format!("{cloud} zone {zone}")),
                ..DomainDoc::default()
            });
        zone.to_string()
    }

    /// Placement over zones: one zone `in`, several `spread`, none the region.
    fn place(doc: &mut ComponentDoc, zones: Vec<String>, region: Option<String>) {
        match zones.len() {
            0 => doc.domains = region.into_iter().collect(),
            1 => doc.domains = zones,
            _ => doc.spread = zones,
        }
    }

    /// Google Cloud and Azure resources.
    pub(super) fn other_clouds(&mut self) {
        self.google();
        self.azure();
    }

    fn google(&mut self) {
        const CLOUD: &str = "Google Cloud";
        let gcp_zone = |b: &mut Self, zone: &str| {
            let zone = last_part(zone).to_string();
            let region = gcp_region_of_zone(&zone);
            b.cloud_zone(CLOUD, &zone, region.as_deref())
        };
        for i in self.of_type(GCE_INSTANCE) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let zone = r.str_value("zone").map(str::to_string);
            let mut doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!(
                    "Compute Engine instance ({})",
                    r.str_value("machine_type")
                        .map_or("machine type not given", last_part)
                )),
                replicas: Some(1),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            if let Some(zone) = zone {
                doc.domains = vec![gcp_zone(self, &zone)];
            }
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for (types, regional) in [(GCE_ZONAL_GROUP, false), (GCE_REGIONAL_GROUP, true)] {
            for i in self.of_type(types) {
                let r = self.res(i);
                let name = self.name_for(r.file, &r.address);
                let size = r.u64_value("target_size").unwrap_or(1).max(1);
                let mut zones: Vec<String> = Vec::new();
                let mut region = None;
                if regional {
                    region = r.str_value("region").map(|s| last_part(s).to_string());
                    for z in strings(r.values.get("distribution_policy_zones")) {
                        zones.push(gcp_zone(self, &z));
                    }
                } else if let Some(z) = r.str_value("zone") {
                    zones.push(gcp_zone(self, z));
                }
                let region = region.map(|reg| self.cloud_region(CLOUD, &reg));
                let r = self.res(i);
                let mut doc = ComponentDoc {
                    kind: Kind::Service,
                    description: Some(format!(
                        "{} managed instance group of {size}: it recreates lost instances by itself",
                        if regional { "regional" } else { "zonal" }
                    )),
                    replicas: Some(size),
                    restore_time: Some("5m".into()),
                    source: Some(self.source_for(r.file, &r.address)),
                    ..ComponentDoc::default()
                };
                if regional && zones.is_empty() && size > 1 {
                    self.notes.push(format!(
                        "`{}`: a regional instance group spreads its instances over the region's zones, which the input does not name; placed in the region",
                        r.address
                    ));
                }
                let zones = if zones.len() > 1 {
                    zones.into_iter().take(size as usize).collect()
                } else {
                    zones
                };
                Self::place(&mut doc, zones, region);
                let name = self.out.add_component(name, doc);
                self.map(i, &name);
            }
        }
        for i in self.of_type(CLOUD_SQL) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let settings = block(r.values.get("settings"));
            let availability = settings
                .and_then(|s| s.get("availability_type"))
                .and_then(Value::as_str)
                .unwrap_or("ZONAL");
            let zone = settings
                .and_then(|s| block(s.get("location_preference")))
                .and_then(|l| l.get("zone"))
                .and_then(Value::as_str)
                .filter(|z| !z.is_empty())
                .map(str::to_string)
                .or_else(|| r.str_value("gce_zone").map(str::to_string));
            let backups = settings
                .and_then(|s| block(s.get("backup_configuration")))
                .and_then(|b| b.get("enabled"))
                .and_then(Value::as_bool);
            let region = r.str_value("region").map(str::to_string);
            let version = r
                .str_value("database_version")
                .unwrap_or("database")
                .to_string();
            let region = region.map(|reg| self.cloud_region(CLOUD, &reg));
            let mut doc = ComponentDoc {
                kind: Kind::Database,
                managed: Some(true),
                backups,
                source: Some(self.source_for(self.res(i).file, &self.res(i).address)),
                ..ComponentDoc::default()
            };
            if availability.eq_ignore_ascii_case("REGIONAL") {
                doc.description = Some(format!(
                    "Cloud SQL {version}, regional (high availability): a standby in another zone takes over by itself"
                ));
                doc.replicas = Some(2);
                doc.failover = Some("automatic".into());
                doc.domains = region.into_iter().collect();
            } else {
                doc.description = Some(format!(
                    "Cloud SQL {version}, zonal: one instance, no standby"
                ));
                doc.replicas = Some(1);
                let zones = zone.map(|z| vec![gcp_zone(self, &z)]).unwrap_or_default();
                Self::place(&mut doc, zones, region);
            }
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(GKE_POOL) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let nodes = r
                .u64_value("node_count")
                .or_else(|| {
                    block(r.values.get("autoscaling")).and_then(|a| {
                        count(a.get("total_min_node_count"))
                            .or_else(|| count(a.get("min_node_count")))
                    })
                })
                .or_else(|| r.u64_value("initial_node_count"))
                .unwrap_or(1)
                .max(1);
            let location = r.str_value("location").map(|l| last_part(l).to_string());
            let mut zones: Vec<String> = Vec::new();
            for z in strings(r.values.get("node_locations")) {
                zones.push(gcp_zone(self, &z));
            }
            let region = match &location {
                Some(l) if gcp_region_of_zone(l).is_some() => {
                    if zones.is_empty() {
                        zones.push(gcp_zone(self, l));
                    }
                    gcp_region_of_zone(l)
                }
                Some(l) => Some(l.clone()),
                None => None,
            };
            let region = region.map(|reg| self.cloud_region(CLOUD, &reg));
            let r = self.res(i);
            let mut doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!(
                    "GKE node pool of {nodes} node{} (per zone when the pool is regional); workloads are not in the plan",
                    if nodes == 1 { "" } else { "s" }
                )),
                replicas: Some(nodes.saturating_mul(zones.len().max(1) as u64)),
                restore_time: Some("5m".into()),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            Self::place(&mut doc, zones, region);
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(GCE_BACKEND) {
            let regional = self.res(i).rtype == "google_compute_region_backend_service";
            let description = format!(
                "{} load balancer (backend service), run by Google Cloud across zones",
                if regional { "regional" } else { "global" }
            );
            let name = self.gcp_regional(i, Kind::LoadBalancer, description);
            let mut want: Vec<&str> = GCE_ZONAL_GROUP.to_vec();
            want.extend(GCE_REGIONAL_GROUP);
            let link = self.tf.links(i, &["backend", "group"], &want);
            self.report_link(i, &name, &link, "backend");
            self.balance(i, &name, link.targets, "backend group of");
        }
        // A target pool: the network load balancer of a forwarding rule, over the instances it
        // lists (self links, references, or `ZONE/NAME`).
        let instances = self.of_type(GCE_INSTANCE);
        for i in self.of_type(GCE_TARGET_POOL) {
            let name = self.gcp_regional(
                i,
                Kind::LoadBalancer,
                "network load balancer (target pool), run by Google Cloud across the region's zones"
                    .into(),
            );
            let mut link = self.tf.links(i, &["instances"], GCE_INSTANCE);
            // `ZONE/NAME`, as the provider also takes them: the instance of that name there.
            let mut still_unknown = Vec::new();
            for text in std::mem::take(&mut link.unknown) {
                let found = text.split_once('/').and_then(|(zone, instance)| {
                    instances.iter().copied().find(|&x| {
                        let v = self.res(x);
                        v.str_value("name") == Some(instance)
                            && v.str_value("zone").map(last_part) == Some(zone)
                    })
                });
                match found {
                    Some(x) => link.targets.push(x),
                    None => still_unknown.push(text),
                }
            }
            link.unknown = still_unknown;
            link.dedup();
            self.report_link(i, &name, &link, "instance");
            self.balance(i, &name, link.targets, "instance of target pool");
        }
        self.gcp_front_ends();
        for i in self.of_type(CLOUD_NAT) {
            self.gcp_regional(
                i,
                Kind::NatGateway,
                "Cloud NAT: software-defined, run by Google Cloud across the region's zones".into(),
            );
        }
    }

    /// Load balancer front ends: forwarding rules, through a target HTTP(S) proxy and its URL
    /// map or straight to a target pool or a backend service, in front of the backend services
    /// and target pools mapped already. The forwarding rules that reach the same URL map (or
    /// target pool, or backend service) are one front end with their proxies and URL map: a
    /// load balancer Google Cloud runs, in the region of a regional forwarding rule (or of its
    /// backends) and global otherwise, that depends on each backend.
    fn gcp_front_ends(&mut self) {
        let mut want: Vec<&str> = GCE_TARGET_PROXY.to_vec();
        want.extend(GCE_TARGET_POOL);
        // The end of each rule's chain (URL map, target pool, backend service or proxy) to
        // the rules, the parts on the way, and the backends with how each is reached.
        let mut front_ends: Vec<(usize, FrontEnd)> = Vec::new();
        for i in self.of_type(GCE_FORWARDING_RULE) {
            let target = self.tf.links(i, &["target"], &want);
            let direct = self.tf.links(i, &["backend_service"], GCE_BACKEND);
            let address = self.res(i).address.clone();
            let mut end = None;
            let mut parts = Vec::new();
            let mut backends: Vec<(usize, String)> = direct
                .targets
                .iter()
                .map(|&b| (b, format!("backend service of forwarding rule {address}")))
                .collect();
            if let Some(&b) = direct.targets.first() {
                end = Some(b);
            }
            for &t in &target.targets {
                let proxy = self.res(t).address.clone();
                if GCE_TARGET_POOL.contains(&self.res(t).rtype.as_str()) {
                    end.get_or_insert(t);
                    backends.push((t, format!("target of forwarding rule {address}")));
                    continue;
                }
                parts.push(t);
                let maps = self.tf.links(t, &["url_map"], GCE_URL_MAP);
                end.get_or_insert(maps.targets.first().copied().unwrap_or(t));
                for &m in &maps.targets {
                    parts.push(m);
                    let map = self.res(m).address.clone();
                    let services = self.tf.links_any(m, URL_MAP_SERVICES, GCE_BACKEND);
                    backends.extend(services.targets.into_iter().map(|b| {
                        (
                            b,
                            format!(
                                "forwarding rule {address}, target proxy {proxy}, URL map {map}"
                            ),
                        )
                    }));
                }
            }
            let Some(end) = end else {
                if target.targets.is_empty() && direct.targets.is_empty() {
                    self.reasons.insert(
                        i,
                        "a forwarding rule whose target is not in the input (or not a target proxy, target pool or backend service)".into(),
                    );
                }
                continue;
            };
            let links = [(i, target), (i, direct)];
            match front_ends.iter_mut().find(|(e, _)| *e == end) {
                Some((_, front)) => {
                    front.rules.push(i);
                    front.parts.extend(parts);
                    front.backends.extend(backends);
                    front.links.extend(links);
                }
                None => front_ends.push((
                    end,
                    FrontEnd {
                        rules: vec![i],
                        parts,
                        backends,
                        links: links.into(),
                    },
                )),
            }
        }
        for (_, front) in front_ends {
            self.gcp_front_end(front);
        }
        let mut parts = self.of_type(GCE_TARGET_PROXY);
        parts.extend(self.of_type(GCE_URL_MAP));
        for i in parts {
            if !self.mapped_to.contains_key(&i) && !self.reasons.contains_key(&i) {
                self.reasons.insert(
                    i,
                    "part of a load balancer front end that no forwarding rule in the input reaches"
                        .into(),
                );
            }
        }
    }

    /// One load balancer front end: its component, its parts mapped to it, and a dependency
    /// on each backend.
    fn gcp_front_end(&mut self, front: FrontEnd) {
        let mut backends: Vec<(String, String)> = Vec::new();
        for (b, how) in &front.backends {
            if let Some(component) = self.mapped_to.get(b)
                && !backends.iter().any(|(c, _)| c == component)
            {
                backends.push((component.clone(), how.clone()));
            }
        }
        if backends.is_empty() {
            // Nothing behind it to model (a redirect from HTTP to HTTPS, or backends made
            // elsewhere): said in the report, not a component that depends on nothing.
            for &i in front.rules.iter().chain(&front.parts) {
                self.reasons.insert(
                    i,
                    "part of a load balancer front end with no backend service or target pool in the input (an HTTP-to-HTTPS redirect, or backends made elsewhere)".into(),
                );
            }
            return;
        }
        let first = front.rules[0];
        let r = self.res(first);
        let name = self.name_for(r.file, &r.address);
        let global = front
            .rules
            .iter()
            .all(|&i| self.res(i).rtype == "google_compute_global_forwarding_rule");
        // The region: the rule's own, or the one all its backends are in.
        let region = if global {
            None
        } else {
            let own = front
                .rules
                .iter()
                .find_map(|&i| self.res(i).str_value("region"))
                .map(|s| last_part(s).to_string());
            own.or_else(|| {
                let mut regions = backends.iter().map(|(c, _)| {
                    self.out
                        .model
                        .components
                        .get(c)
                        .and_then(|d| d.domains.first().cloned())
                });
                let first = regions.next().flatten()?;
                regions
                    .all(|r| r.as_deref() == Some(first.as_str()))
                    .then_some(first)
            })
        };
        let region = region.map(|reg| self.cloud_region("Google Cloud", &reg));
        let mut chain: Vec<&str> = vec!["forwarding rule"];
        for &p in &front.parts {
            let what = if GCE_URL_MAP.contains(&self.res(p).rtype.as_str()) {
                "URL map"
            } else {
                "target proxy"
            };
            if !chain.contains(&what) {
                chain.push(what);
            }
        }
        let description = format!(
            "{} load balancer front end ({}), run by Google Cloud {}",
            if global { "global" } else { "regional" },
            chain.join(", "),
            if global {
                "at its edge, in no one region"
            } else {
                "across the region's zones"
            }
        );
        let r = self.res(first);
        let doc = ComponentDoc {
            kind: Kind::LoadBalancer,
            description: Some(description),
            managed: Some(true),
            domains: region.into_iter().collect(),
            source: Some(self.source_for(r.file, &r.address)),
            ..ComponentDoc::default()
        };
        let name = self.out.add_component(name, doc);
        for &i in front.rules.iter().chain(&front.parts) {
            self.map(i, &name);
        }
        for (rule, link) in &front.links {
            self.report_link(*rule, &name, link, "target");
        }
        let source = self.source_for(r.file, &r.address);
        for (backend, how) in backends {
            self.out.depend_inferred(&name, &backend, how, &source);
        }
    }

    /// A service Google Cloud runs across the zones of the resource's `region` (or globally,
    /// without one): a managed component of `kind`, mapped from resource `i`; its name.
    fn gcp_regional(&mut self, i: usize, kind: Kind, description: String) -> String {
        let r = self.res(i);
        let name = self.name_for(r.file, &r.address);
        let region = r.str_value("region").map(|s| last_part(s).to_string());
        let region = region.map(|reg| self.cloud_region("Google Cloud", &reg));
        let r = self.res(i);
        let doc = ComponentDoc {
            kind,
            description: Some(description),
            managed: Some(true),
            domains: region.into_iter().collect(),
            source: Some(self.source_for(r.file, &r.address)),
            ..ComponentDoc::default()
        };
        let name = self.out.add_component(name, doc);
        self.map(i, &name);
        name
    }

    /// Load balancer `lb` (from resource `i`) over `targets`: a dependency on each, with its
    /// evidence, health-checked when `i` has `health_checks`.
    fn balance(&mut self, i: usize, lb: &str, targets: Vec<usize>, what: &str) {
        let checked = self
            .res(i)
            .values
            .get("health_checks")
            .and_then(Value::as_array)
            .is_some_and(|h| !h.is_empty());
        for t in targets {
            if let Some(target) = self.mapped_to.get(&t).cloned() {
                let evidence = format!("{what} {}", self.res(i).address);
                let source = self.source_for(self.res(i).file, &self.res(i).address);
                self.out.depend_inferred(lb, &target, evidence, &source);
                self.health.entry(target).or_default().push(checked);
            }
        }
    }

    fn azure(&mut self) {
        const CLOUD: &str = "Azure";
        // Azure zones are numbers within a region: `westeurope-1`.
        let az_zone = |b: &mut Self, region: Option<&str>, zone: &str| {
            let name = match region {
                Some(region) => format!("{region}-{zone}"),
                None => format!("zone-{zone}"),
            };
            b.cloud_zone(CLOUD, &name, region)
        };
        let location = |b: &Self, i: usize| b.res(i).str_value("location").map(str::to_string);
        for i in self.of_type(AZURE_VM) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let region = location(self, i);
            let zone = r
                .str_value("zone")
                .map(str::to_string)
                .or_else(|| strings(r.values.get("zones")).into_iter().next());
            let size = r
                .str_value("size")
                .or(r.str_value("vm_size"))
                .unwrap_or("size not given")
                .to_string();
            let mut doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!("Azure virtual machine ({size})")),
                replicas: Some(1),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            let region_domain = region.as_deref().map(|reg| self.cloud_region(CLOUD, reg));
            let zones = zone
                .map(|z| vec![az_zone(self, region.as_deref(), &z)])
                .unwrap_or_default();
            Self::place(&mut doc, zones, region_domain);
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(AZURE_SCALE_SET) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let region = location(self, i);
            let size = r.u64_value("instances").unwrap_or(1).max(1);
            let zone_names = strings(r.values.get("zones"));
            let mut doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!(
                    "Azure virtual machine scale set of {size}{}",
                    if zone_names.len() > 1 {
                        ", spread over zones"
                    } else {
                        ""
                    }
                )),
                replicas: Some(size),
                restore_time: Some("5m".into()),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            let region_domain = region.as_deref().map(|reg| self.cloud_region(CLOUD, reg));
            let mut zones = Vec::new();
            for z in zone_names.iter().take(size as usize) {
                zones.push(az_zone(self, region.as_deref(), z));
            }
            Self::place(&mut doc, zones, region_domain);
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(AZURE_DB) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let region = location(self, i);
            let engine = if r.rtype.contains("postgresql") {
                "PostgreSQL"
            } else {
                "MySQL"
            };
            let ha = block(r.values.get("high_availability"));
            let mode = ha
                .and_then(|h| h.get("mode"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let standby_zone = ha
                .and_then(|h| h.get("standby_availability_zone"))
                .and_then(Value::as_str)
                .filter(|z| !z.is_empty())
                .map(str::to_string);
            let zone = r.str_value("zone").map(str::to_string);
            let region_domain = region.as_deref().map(|reg| self.cloud_region(CLOUD, reg));
            let mut doc = ComponentDoc {
                kind: Kind::Database,
                managed: Some(true),
                source: Some(self.source_for(self.res(i).file, &self.res(i).address)),
                ..ComponentDoc::default()
            };
            match mode.as_deref() {
                Some(mode @ ("ZoneRedundant" | "SameZone")) => {
                    doc.description = Some(format!(
                        "Azure Database for {engine} flexible server, high availability {mode}: a standby takes over by itself"
                    ));
                    doc.replicas = Some(2);
                    doc.failover = Some("automatic".into());
                    let mut zones = Vec::new();
                    if let Some(z) = &zone {
                        zones.push(az_zone(self, region.as_deref(), z));
                    }
                    if mode == "ZoneRedundant"
                        && let Some(z) = &standby_zone
                    {
                        zones.push(az_zone(self, region.as_deref(), z));
                    }
                    zones.dedup();
                    if mode == "SameZone" && zones.len() == 1 {
                        doc.domains = zones;
                    } else if zones.len() == 2 {
                        doc.spread = zones;
                    } else {
                        doc.domains = region_domain.into_iter().collect();
                    }
                }
                _ => {
                    doc.description = Some(format!(
                        "Azure Database for {engine} flexible server without high availability: one server, no standby"
                    ));
                    doc.replicas = Some(1);
                    let zones = zone
                        .map(|z| vec![az_zone(self, region.as_deref(), &z)])
                        .unwrap_or_default();
                    Self::place(&mut doc, zones, region_domain);
                }
            }
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(AZURE_LB) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let region = location(self, i);
            let sku = r.str_value("sku").unwrap_or("Standard").to_string();
            let frontend_zones: Vec<String> = r
                .values
                .get("frontend_ip_configuration")
                .and_then(Value::as_array)
                .map(|f| f.iter().flat_map(|c| strings(c.get("zones"))).collect())
                .unwrap_or_default();
            let region_domain = region.as_deref().map(|reg| self.cloud_region(CLOUD, reg));
            let mut doc = ComponentDoc {
                kind: Kind::LoadBalancer,
                description: Some(format!(
                    "Azure load balancer ({sku}), {}",
                    match frontend_zones.len() {
                        0 => "zones of its frontend not in the input".to_string(),
                        1 => "zonal frontend (one zone)".to_string(),
                        _ => "zone-redundant frontend".to_string(),
                    }
                )),
                managed: Some(true),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            let mut zones = Vec::new();
            if frontend_zones.len() == 1 {
                zones.push(az_zone(self, region.as_deref(), &frontend_zones[0]));
            }
            Self::place(&mut doc, zones, region_domain);
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
        for i in self.of_type(AZURE_NAT) {
            let r = self.res(i);
            let name = self.name_for(r.file, &r.address);
            let region = location(self, i);
            let zones_named = strings(r.values.get("zones"));
            let region_domain = region.as_deref().map(|reg| self.cloud_region(CLOUD, reg));
            let mut doc = ComponentDoc {
                kind: Kind::NatGateway,
                description: Some(match zones_named.first() {
                    Some(z) => format!("Azure NAT gateway in zone {z}: a zonal resource"),
                    None => "Azure NAT gateway with no zone: Azure places it in one zone of the region, which the input does not say".into(),
                }),
                managed: Some(true),
                source: Some(self.source_for(r.file, &r.address)),
                ..ComponentDoc::default()
            };
            let zones = zones_named
                .first()
                .map(|z| vec![az_zone(self, region.as_deref(), z)])
                .unwrap_or_default();
            Self::place(&mut doc, zones, region_domain);
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
    }
}

/// The forwarding rules that reach one URL map, target pool or backend service.
struct FrontEnd {
    rules: Vec<usize>,
    /// Target proxies and URL maps on the way.
    parts: Vec<usize>,
    /// Backend services and target pools, with how each is reached.
    backends: Vec<(usize, String)>,
    /// The links read from each rule: its target, and its backend service.
    links: Vec<(usize, super::Link)>,
}
