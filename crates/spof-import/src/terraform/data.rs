//! Data stores: RDS instances and Aurora, Neptune and DocumentDB clusters, ElastiCache,
//! OpenSearch domains and EBS volumes.

use super::reading::{Key, value_strings};
use super::{Builder, CACHE_SUBNET_GROUP, DB_CLUSTERS, DB_SUBNET_GROUP, INSTANCE};
use crate::{ComponentDoc, InstanceDoc};
use serde_json::Value;
use spof_model::Kind;

impl<'t, 'a> Builder<'t, 'a> {
    pub(super) fn databases(&mut self) {
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
                kind: Kind::Database,
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
                    self.out.infer(
                        &name,
                        &name,
                        "restore_time 1h assumed: a single-AZ instance comes back by a restore from its automated backups (adjust in an overlay)".into(),
                        &source,
                    );
                }
            }
            let name = self.out.add_component(name, doc);
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
                    kind: Kind::Database,
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
                let name = self.out.add_component(name, doc);
                self.map(c, &name);
                for &m in &members {
                    self.map(m, &name);
                }
            }
        }
    }

    pub(super) fn caches(&mut self) {
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
                kind: Kind::Cache,
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
            let name = self.out.add_component(name, doc);
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
                kind: Kind::Cache,
                description: Some(format!("ElastiCache {engine} cluster, {nodes} node(s)")),
                replicas: Some(nodes),
                spread: zones,
                source: Some(self.source_for(file, &self.res(i).address)),
                ..ComponentDoc::default()
            };
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
        }
    }

    pub(super) fn search_domains(&mut self) {
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
                kind: Kind::Search,
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
            let name = self.out.add_component(name, doc);
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

    pub(super) fn volumes(&mut self) {
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
}
