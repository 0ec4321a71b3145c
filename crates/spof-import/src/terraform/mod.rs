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

use crate::builder::ModelBuilder;
use crate::{DomainDoc, Import, ImportError, SourceFile, Unmapped, Unresolved};
use indexmap::IndexMap;
use spof_model::Kind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod clouds;
mod compute;
mod data;
mod network;
mod reading;
mod references;
mod zones;

use reading::{DocKind, Res, parse_file};
use references::{Link, Tf};

/// Reads Terraform JSON plans or state and maps their AWS resources to a model.
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    if files.is_empty() {
        return Err(ImportError::new(
            String::new(),
            None,
            None,
            "no Terraform JSON file given".into(),
        ));
    }
    // Every file is read before giving up, so that all their problems are told at once.
    let mut docs = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for file in files {
        match parse_file(file) {
            Ok(doc) => docs.push(doc),
            Err(e) => problems.push(e),
        }
    }
    if let Some(error) = ImportError::collected(problems) {
        return Err(error);
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
        return Err(ImportError::new(
            files[0].path.clone(),
            None,
            None,
            format!(
                "nothing to model: {} resource(s) read, none of a type that serves or stores (instances, auto scaling groups, load balancers, databases, caches, NAT gateways, DNS...){}",
                tf.res.iter().filter(|r| !r.data).count(),
                if types.is_empty() {
                    String::new()
                } else {
                    format!("; types found: {}", types.join(", "))
                }
            ),
        ));
    }
    Ok(import)
}

/// Resource types read by several passes.
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
const MANAGED_SERVICES: &[(&str, Kind, &str)] = &[
    ("aws_s3_bucket", Kind::ObjectStorage, "S3 bucket"),
    ("aws_sqs_queue", Kind::Queue, "SQS queue"),
    ("aws_sns_topic", Kind::Queue, "SNS topic"),
    ("aws_dynamodb_table", Kind::Database, "DynamoDB table"),
    ("aws_kinesis_stream", Kind::Queue, "Kinesis stream"),
    (
        "aws_secretsmanager_secret",
        Kind::Secrets,
        "Secrets Manager secret",
    ),
    ("aws_ssm_parameter", Kind::Config, "SSM parameter"),
    ("aws_efs_file_system", Kind::FileStorage, "EFS file system"),
    (
        "aws_api_gateway_rest_api",
        Kind::ApiGateway,
        "API Gateway REST API",
    ),
    ("aws_apigatewayv2_api", Kind::ApiGateway, "API Gateway API"),
    ("aws_cognito_user_pool", Kind::Identity, "Cognito user pool"),
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

/// A subnet: a resource in the input or an id of one made elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Subnet {
    Res(usize),
    Id(String),
}

struct Builder<'t, 'a> {
    tf: &'t Tf<'a>,
    out: ModelBuilder,
    /// Resource to the component (or `zone:NAME`) it was mapped to.
    mapped_to: HashMap<usize, String>,
    /// Resources left out on purpose with a specific reason.
    reasons: HashMap<usize, String>,
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
            out: ModelBuilder::new("terraform"),
            mapped_to: HashMap::new(),
            reasons: HashMap::new(),
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
        let source = self.source_for(r.file, &r.address);
        self.out.map(r.address.clone(), component, source);
    }

    fn report_link(&mut self, i: usize, component: &str, link: &Link, what: &str) {
        let source = self.source_for(self.res(i).file, &self.res(i).address);
        for evidence in &link.inferred {
            let targets: Vec<String> = link
                .targets
                .iter()
                .map(|&t| self.res(t).address.clone())
                .collect();
            self.out.infer(
                component,
                &targets.join(", "),
                format!("{what}: {evidence}"),
                &source,
            );
        }
        for reference in &link.notes {
            self.out.report.unresolved.push(Unresolved {
                reference: reference.clone(),
                from: component.to_string(),
                source: format!(
                    "the {what} of {} is `{reference}`, a local value: `terraform show -json` writes no local values and the plan does not know the {what} yet ({source})",
                    self.res(i).address
                ),
            });
        }
    }

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

    fn finish(mut self) -> Import {
        // Health checks of the load balancers in front of active-active components.
        for (component, checks) in std::mem::take(&mut self.health) {
            if let Some(doc) = self.out.model.components.get_mut(&component)
                && doc.failover.is_none()
                && doc.mode.is_none()
                && doc.managed != Some(true)
            {
                doc.health_check = Some(checks.iter().all(|&c| c));
            }
        }
        self.out.write_dependencies();
        // Domains: regions, then zones.
        for (name, doc) in std::mem::take(&mut self.regions) {
            self.out.model.domains.insert(name, doc);
        }
        for (name, doc) in std::mem::take(&mut self.zones) {
            self.out.model.domains.insert(name, doc);
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
            self.out.unmapped_together(rtype, why, &addresses);
        }
        if !data_sources.is_empty() {
            let addresses: Vec<String> = data_sources
                .iter()
                .map(|&i| self.source_for(self.res(i).file, &self.res(i).address))
                .collect();
            self.out.report.unmapped.push(Unmapped {
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
            self.out.report.not_modelled.push(format!(
                "zone `{zone}`: {what}; {}",
                if distinct {
                    "known to differ from the other zones of the same load balancer"
                } else {
                    "assumed to be a zone of its own (name it in an overlay if it shares a zone)"
                }
            ));
        }
        self.out
            .report
            .not_modelled
            .extend(std::mem::take(&mut self.notes));
        self.out.report.not_modelled.push(
            "journeys: Terraform does not say which requests go where; the whole system is one journey until an overlay names them".into(),
        );
        self.out.report.not_modelled.push(
            "hard or optional calls: dependencies read from references (user data, environment) are assumed hard".into(),
        );
        self.out.report.not_modelled.push(
            "restore times: the plan does not say how long a rebuild or restore takes (set `restore_time` in an overlay)".into(),
        );
        let paths: Vec<&str> = self.tf.docs.iter().map(|d| d.path.as_str()).collect();
        self.out.model.name = Some(format!("terraform {}", paths.join(", ")));
        let kinds: BTreeSet<&str> = self
            .tf
            .docs
            .iter()
            .map(|d| match d.kind {
                DocKind::Plan => "plan",
                DocKind::State | DocKind::RawState => "state",
            })
            .collect();
        self.out.model.description = Some(format!(
            "Imported from Terraform JSON ({}); {} resources read",
            kinds.into_iter().collect::<Vec<_>>().join(" and "),
            self.tf.res.len()
        ));
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
