//! The network: load balancers with their listeners and target groups, NAT gateways with the
//! route tables that choose them, Elastic IPs, CloudFront, Route 53 zones and records, and the
//! managed regional services they point at.

use super::reading::{Key, value_strings};
use super::zones::zone_count;
use super::{
    ASG, Builder, EIP, ELB, INSTANCE, LB_V2, LISTENER, LISTENER_RULE, MANAGED_SERVICES, NAT,
    R53_ZONE, ROUTE_TABLE, SUBNET, Subnet, TARGET_GROUP, TG_ATTACHMENT, VPC,
};
use crate::{
    ComponentDoc, DependencyDoc, DnsAddressesDoc, DnsDoc, DnsRecordDoc, InstanceDoc, Unresolved,
};
use indexmap::IndexMap;
use serde_json::Value;
use spof_model::Kind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

impl<'t, 'a> Builder<'t, 'a> {
    /// Load balancers, their listeners and target groups, and what they send traffic to.
    pub(super) fn load_balancers(&mut self) {
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
                    self.out.report.unresolved.push(Unresolved {
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
                kind: Kind::LoadBalancer,
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
            let name = self.out.add_component(name, doc);
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
                kind: Kind::LoadBalancer,
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
            let name = self.out.add_component(name, doc);
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

    pub(super) fn target_group_health(&self, tg: usize) -> bool {
        let r = self.res(tg);
        match r.values.get("health_check").and_then(|h| h.get(0)) {
            Some(h) => h.get("enabled").and_then(Value::as_bool).unwrap_or(true),
            // Lambda targets have health checks off by default; others on.
            None => r.str_value("target_type") != Some("lambda"),
        }
    }

    pub(super) fn lb_target(
        &mut self,
        lb: &str,
        component: &str,
        checks: bool,
        evidence: Vec<String>,
        via: usize,
    ) {
        if evidence.is_empty() {
            self.out.depend(lb, component, None);
        } else {
            let source = self.source_for(self.res(via).file, &self.res(via).address);
            self.out
                .depend_inferred(lb, component, evidence.join("; "), &source);
        }
        self.health
            .entry(component.to_string())
            .or_default()
            .push(checks);
    }

    /// NAT gateways, and which subnets (hence which components) use which one.
    pub(super) fn nat_gateways(&mut self) {
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
                self.out.infer(
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
                    self.out.infer(
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
                kind: Kind::NatGateway,
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
            let name = self.out.add_component(name, doc);
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
                        self.out.infer(
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
                        kind: Kind::NatGateway,
                        description: Some(description),
                        managed: Some(true),
                        source: Some(self.source_for(file, &r.address)),
                        ..ComponentDoc::default()
                    };
                    doc.domains = match zone {
                        Some(z) => vec![z],
                        None => self.region_placement(n),
                    };
                    self.out.add_component(name, doc)
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
                self.out.depend_inferred(&component, &nat, text, &source);
                if let Some(nat_zones) = self.per_zone_nat.get(&nat).cloned() {
                    let own = self.component_zones(&component);
                    let covered = !own.is_empty() && own.iter().all(|z| nat_zones.contains(z));
                    if let Some(dep) = self.out.dependency_mut(&component, &nat) {
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

    /// Elastic IPs are part of what they are attached to.
    pub(super) fn elastic_ips(&mut self) {
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

    /// A managed regional service, made a component when something uses it.
    pub(super) fn managed_service(&mut self, i: usize) -> Option<String> {
        if let Some(c) = self.mapped_to.get(&i) {
            return Some(c.clone());
        }
        let r = self.res(i);
        let &(_, kind, label) = MANAGED_SERVICES.iter().find(|(t, _, _)| *t == r.rtype)?;
        let file = r.file;
        let name = self.name_for(file, &r.address);
        let domains = self.region_placement(i);
        let doc = ComponentDoc {
            kind,
            description: Some(format!("{label}: a regional service, redundant by design")),
            managed: Some(true),
            domains,
            source: Some(self.source_for(file, &self.res(i).address)),
            ..ComponentDoc::default()
        };
        let name = self.out.add_component(name, doc);
        self.map(i, &name);
        Some(name)
    }

    pub(super) fn cloudfront(&mut self) {
        let origin_types: Vec<&str> = ["aws_lb", "aws_alb", "aws_elb", "aws_instance"]
            .into_iter()
            .chain(MANAGED_SERVICES.iter().map(|(t, _, _)| *t))
            .collect();
        for d in self.of_type(&["aws_cloudfront_distribution"]) {
            let r = self.res(d);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let doc = ComponentDoc {
                kind: Kind::Cdn,
                description: Some("CloudFront distribution: global, managed by AWS".into()),
                managed: Some(true),
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.out.add_component(name, doc);
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
                        self.out.depend(&name, &t, None);
                    } else {
                        let source = self.source_for(file, &self.res(d).address);
                        self.out
                            .depend_inferred(&name, &t, origins.inferred.join("; "), &source);
                    }
                }
            }
            for u in origins.unknown {
                self.out.report.unresolved.push(Unresolved {
                    reference: format!("origin `{u}`"),
                    from: name.clone(),
                    source: self.source_for(file, &self.res(d).address),
                });
            }
        }
    }

    /// Route 53 zones and records: one dns component per hosted zone.
    pub(super) fn route53(&mut self) {
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
                kind: Kind::Dns,
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
            let name = self.out.add_component(name, doc);
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
                        kind: Kind::Dns,
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
                    let name = self.out.add_component(name, doc);
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
                self.out.report.unresolved.push(Unresolved {
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
            if let Some(doc) = self.out.model.components.get_mut(&component)
                && let Some(dns) = doc.dns.as_mut()
            {
                dns.records.insert(record_name.clone(), doc_record);
            }
            let source = self
                .out
                .model
                .components
                .get(&component)
                .and_then(|c| c.source.clone())
                .unwrap_or_default();
            let several = record.targets.len() > 1 && record.checked;
            for t in &record.targets {
                if several {
                    self.out
                        .dependency_or_insert_with(&component, t, || DependencyDoc {
                            component: t.clone(),
                            optional: Some(true),
                            fallback: Some(format!(
                                "Route 53 answers {record_name} with another health-checked record"
                            )),
                            ..DependencyDoc::default()
                        });
                } else if record.evidence.is_empty() {
                    self.out.depend(&component, t, None);
                } else {
                    self.out
                        .depend_inferred(&component, t, record.evidence.join("; "), &source);
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
}
