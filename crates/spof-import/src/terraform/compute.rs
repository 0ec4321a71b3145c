//! Compute: instances, auto scaling groups, Lambda functions, ECS services and EKS node
//! groups.

use super::reading::{Key, value_strings};
use super::zones::{place_instances, zone_count};
use super::{ASG, Builder, INSTANCE, LAUNCH};
use crate::ComponentDoc;
use indexmap::{IndexMap, IndexSet};
use serde_json::Value;
use spof_model::Kind;

impl<'t, 'a> Builder<'t, 'a> {
    /// EC2 instances; the instances of one counted block become one component.
    pub(super) fn instances(&mut self) {
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
                kind: Kind::Service,
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
            let name = self.out.add_component(name, doc);
            for &m in &members {
                self.map(m, &name);
            }
            self.compute.insert(name, (members, all_subnets));
        }
    }

    pub(super) fn auto_scaling_groups(&mut self) {
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
                kind: Kind::Service,
                description: Some(description),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.out.add_component(name, doc);
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

    pub(super) fn lambdas_and_containers(&mut self) {
        for i in self.of_type(&["aws_lambda_function"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let subnets = self.subnets(i, &[&["vpc_config", "subnet_ids"]], &name);
            let zones = self.zones_or_region(i, &subnets);
            let r = self.res(i);
            let mut doc = ComponentDoc {
                kind: Kind::Service,
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
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
            self.compute.insert(name, (vec![i], subnets));
        }
        for i in self.of_type(&["aws_ecs_service"]) {
            let r = self.res(i);
            let file = r.file;
            let name = self.name_for(file, &r.address);
            let replicas = r.u64_value("desired_count").filter(|&n| n > 0).unwrap_or(1);
            let subnets = self.subnets(i, &[&["network_configuration", "subnets"]], &name);
            let zones = self.zones_or_region(i, &subnets);
            let r = self.res(i);
            let doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!("ECS service, {replicas} task(s)")),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.out.add_component(name, doc);
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
            let zones = self.zones_or_region(i, &subnets);
            let r = self.res(i);
            let mut doc = ComponentDoc {
                kind: Kind::Service,
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
            let name = self.out.add_component(name, doc);
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
            let zones = self.zones_or_region(i, &subnets);
            let r = self.res(i);
            let doc = ComponentDoc {
                kind: Kind::Service,
                description: Some(format!(
                    "EKS node group, at least {replicas} node(s); the pods it runs are not in the plan"
                )),
                replicas: Some(replicas),
                spread: zones,
                source: Some(self.source_for(file, &r.address)),
                ..ComponentDoc::default()
            };
            let name = self.out.add_component(name, doc);
            self.map(i, &name);
            self.compute.insert(name, (vec![i], subnets));
        }
    }
}
