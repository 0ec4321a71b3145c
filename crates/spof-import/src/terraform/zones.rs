//! Zones and regions: the zone of each subnet (known, learned from an instance in it, or a
//! placeholder), the region of each resource from its provider configuration, and the
//! placement of components in them.

use super::reading::is_aliased;
use super::{Builder, INSTANCE, SUBNET, Subnet};
use crate::{ComponentDoc, DomainDoc, InstanceDoc};
use indexmap::IndexSet;
use spof_model::DomainKind;

impl<'t, 'a> Builder<'t, 'a> {
    pub(super) fn file_region(&self, file: usize) -> Option<String> {
        self.file_regions.get(file).cloned().flatten()
    }

    /// The region of a file's resources: the provider's, a data source's, an ARN's or a zone's.
    pub(super) fn find_region(&self, file: usize) -> Option<String> {
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

    pub(super) fn ensure_region(&mut self, region: &str) {
        self.regions
            .entry(region.to_string())
            .or_insert_with(|| DomainDoc {
                kind: DomainKind::Region,
                description: Some(format!("AWS region {region}")),
                ..DomainDoc::default()
            });
    }

    pub(super) fn ensure_zone(
        &mut self,
        zone: &str,
        file: usize,
        description: Option<String>,
    ) -> String {
        let region = self.file_region(file);
        self.ensure_zone_in(zone, region, description)
    }

    /// A zone domain, in the region its name says, else in `region`.
    pub(super) fn ensure_zone_in(
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
                    kind: DomainKind::Zone,
                    parent: region,
                    description: description.or_else(|| Some(format!("availability zone {zone}"))),
                    ..DomainDoc::default()
                },
            );
        }
        zone.to_string()
    }

    /// The zone a subnet is in: read from the input, or a placeholder named after the subnet.
    pub(super) fn subnet_zone(&mut self, subnet: &Subnet) -> String {
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
    pub(super) fn subnets(&mut self, i: usize, paths: &[&[&str]], component: &str) -> Vec<Subnet> {
        let link = self.tf.links_any(i, paths, SUBNET);
        self.report_link(i, component, &link, "subnet");
        let mut out: Vec<Subnet> = link.targets.iter().map(|&t| Subnet::Res(t)).collect();
        out.extend(link.unknown.iter().cloned().map(Subnet::Id));
        out
    }

    pub(super) fn zones_of(&mut self, subnets: &[Subnet]) -> Vec<String> {
        let mut zones: IndexSet<String> = IndexSet::new();
        for s in subnets {
            let z = self.subnet_zone(s);
            zones.insert(z);
        }
        zones.into_iter().collect()
    }

    /// Where a resource placed through `subnets` runs: their zones, or, when no subnet is
    /// known, its region (see [`Builder::region_placement`]).
    pub(super) fn zones_or_region(&mut self, i: usize, subnets: &[Subnet]) -> Vec<String> {
        let zones = self.zones_of(subnets);
        if zones.is_empty() {
            self.region_placement(i)
        } else {
            zones
        }
    }

    /// The region of one resource: its own provider configuration's (an aliased provider,
    /// `provider = aws.west`, has its own), else its ARN's, its zone's, or its file's.
    pub(super) fn resource_region(&self, i: usize) -> Option<String> {
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

    pub(super) fn region_placement(&mut self, i: usize) -> Vec<String> {
        match self.resource_region(i) {
            Some(region) => {
                self.ensure_region(&region);
                vec![region]
            }
            None => Vec::new(),
        }
    }

    /// The zones of subnets the input does not place, from the concrete `availability_zone`
    /// of an instance in one subnet (a state or a plan with prior state knows it): a concrete
    /// zone wins over a placeholder `zone-of-SUBNET`.
    pub(super) fn learn_subnet_zones(&mut self) {
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

    /// The zones of a subnet group (RDS or ElastiCache).
    pub(super) fn group_zones(
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

    pub(super) fn note_distinct(&mut self, zones: &[String], component: &str, why: &str) {
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
        self.out.infer(
            component,
            &names.join(", "),
            format!(
                "zones not in the input; {why}, so these are {} different zones",
                names.len()
            ),
            component,
        );
    }

    pub(super) fn component_zones(&self, component: &str) -> Vec<String> {
        let Some(doc) = self.out.model.components.get(component) else {
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

    /// Subnets became zones: say so, and which zones are unknown.
    pub(super) fn subnets_to_zones(&mut self) {
        for s in self.of_type(SUBNET) {
            let zone = self.subnet_zone(&Subnet::Res(s));
            self.map(s, &format!("zone:{zone}"));
        }
    }
}

/// How many zones, in words: none known is said as such, never "0 zone(s)".
pub(super) fn zone_count(n: usize) -> String {
    match n {
        0 => "zones that are not in the input (placed in the region)".into(),
        1 => "1 zone".into(),
        n => format!("{n} zones"),
    }
}

/// The region of an ARN (`arn:aws:rds:eu-west-1:...`).
pub(super) fn region_of_arn(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() > 4 && parts[0] == "arn" && !parts[3].is_empty()).then(|| parts[3].to_string())
}

/// The region of an availability zone name (`us-east-1a` is in `us-east-1`).
pub(super) fn region_of_zone(zone: &str) -> Option<String> {
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
pub(super) fn place_instances(doc: &mut ComponentDoc, per_instance: &[(String, Vec<String>)]) {
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
