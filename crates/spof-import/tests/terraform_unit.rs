//! The Terraform importer on small inline plans and states: instances paired by `count.index`,
//! NAT gateways per zone and one NAT gateway serving two zones, auto scaling groups spread over
//! zones, module variables and outputs, and the indexed references of newer Terraform
//! versions. Multi-AZ and single-AZ databases, Aurora and ElastiCache, links by known values in
//! a state and unmapped resources are cases in `tests/cases/terraform/`.

mod corpus_check;

use corpus_check::{read_model, set, spofs};
use serde_json::{Value, json};
use spof_import::{Import, SourceFile, terraform};
use std::collections::BTreeSet;

fn resource(address: &str, values: Value) -> Value {
    json!({"address": address, "mode": "managed", "values": values})
}

fn plan(resources: Vec<Value>, config: Vec<Value>) -> String {
    json!({
        "format_version": "0.1",
        "planned_values": {"root_module": {"resources": resources}},
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": config}
        }
    })
    .to_string()
}

fn refs(list: &[&str]) -> Value {
    json!({ "references": list })
}

fn config(address: &str, expressions: Value) -> Value {
    json!({"address": address, "mode": "managed", "expressions": expressions})
}

fn import(text: &str) -> Import {
    terraform::import(&[SourceFile {
        path: "plan.json".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The SPOFs of an import, region events left out.
fn spofs_of(import: &Import) -> BTreeSet<String> {
    let model = read_model(&import.model.to_yaml("test"));
    spofs(&model)
        .into_iter()
        .filter(|s| !s.starts_with("region:"))
        .collect()
}

/// Two zones, private and public subnets, an auto scaling group over the private ones, and
/// `nats` NAT gateways (route tables per NAT gateway, as terraform-aws-modules/vpc makes them).
fn network_plan(nats: usize) -> String {
    let mut resources = vec![
        resource(
            "aws_subnet.private[0]",
            json!({"availability_zone": "us-east-1a"}),
        ),
        resource(
            "aws_subnet.private[1]",
            json!({"availability_zone": "us-east-1b"}),
        ),
        resource(
            "aws_subnet.public[0]",
            json!({"availability_zone": "us-east-1a"}),
        ),
        resource(
            "aws_subnet.public[1]",
            json!({"availability_zone": "us-east-1b"}),
        ),
        resource("aws_route_table_association.private[0]", Value::Null),
        resource("aws_route_table_association.private[1]", Value::Null),
        resource(
            "aws_autoscaling_group.app",
            json!({"min_size": 2, "max_size": 4, "health_check_type": "ELB"}),
        ),
    ];
    for i in 0..nats {
        resources.push(resource(&format!("aws_nat_gateway.this[{i}]"), json!({})));
        resources.push(resource(
            &format!("aws_route_table.private[{i}]"),
            json!({}),
        ));
        resources.push(resource(
            &format!("aws_route.private_nat[{i}]"),
            json!({"destination_cidr_block": "0.0.0.0/0"}),
        ));
    }
    let config = vec![
        config(
            "aws_nat_gateway.this",
            json!({"subnet_id": refs(&["aws_subnet.public", "var.single_nat_gateway", "count.index"])}),
        ),
        config(
            "aws_route.private_nat",
            json!({
                "nat_gateway_id": refs(&["aws_nat_gateway.this", "count.index"]),
                "route_table_id": refs(&["aws_route_table.private", "count.index"]),
            }),
        ),
        config(
            "aws_route_table_association.private",
            json!({
                "subnet_id": refs(&["aws_subnet.private", "count.index"]),
                "route_table_id": refs(&["aws_route_table.private", "var.single_nat_gateway", "count.index"]),
            }),
        ),
        config(
            "aws_autoscaling_group.app",
            json!({"vpc_zone_identifier": refs(&["aws_subnet.private"])}),
        ),
    ];
    plan(resources, config)
}

#[test]
fn nat_gateway_per_zone_is_one_component_used_per_zone() {
    let import = import(&network_plan(2));
    let nat = &import.model.components["aws_nat_gateway.this"];
    let zones: Vec<&str> = nat
        .instances
        .iter()
        .map(|i| i.domains[0].as_str())
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    let app = &import.model.components["aws_autoscaling_group.app"];
    assert_eq!(app.replicas, Some(2));
    assert_eq!(app.spread, ["us-east-1a", "us-east-1b"]);
    let dep = &app.depends_on[0];
    assert_eq!(dep.component, "aws_nat_gateway.this");
    assert_eq!(dep.per.as_deref(), Some("zone"));
    assert!(
        dep.inferred
            .as_deref()
            .is_some_and(|e| e.contains("count.index")),
        "{dep:?}"
    );
    // Pairing by count.index is reported as inferred.
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.from == "aws_nat_gateway.this[1]" && i.evidence.contains("count.index")),
        "{:#?}",
        import.report.inferred
    );
    assert_eq!(spofs_of(&import), set(&[]));
}

#[test]
fn one_nat_gateway_serving_two_zones_is_found() {
    let import = import(&network_plan(1));
    let nat = &import.model.components["aws_nat_gateway.this[0]"];
    assert_eq!(nat.domains, ["us-east-1a"]);
    assert!(
        nat.description
            .as_deref()
            .is_some_and(|d| d.contains("serves subnets in 2 zones")),
        "{nat:?}"
    );
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.to == "aws_nat_gateway.this[0]"
                && i.evidence
                    .contains("serves subnets in other zones (us-east-1b)")),
        "{:#?}",
        import.report.inferred
    );
    let app = &import.model.components["aws_autoscaling_group.app"];
    assert_eq!(app.depends_on[0].component, "aws_nat_gateway.this[0]");
    assert_eq!(app.depends_on[0].per, None);
    // Zone a takes the only NAT gateway, hence the app in both zones.
    assert_eq!(spofs_of(&import), set(&["zone:us-east-1a"]));
}

/// Module variables and outputs are followed; an indexed reference wins over the bare one
/// newer Terraform lists beside it.
#[test]
fn module_variables_outputs_and_indexed_references() {
    let text = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [
                resource("aws_subnet.s[0]", json!({"availability_zone": "us-west-2a"})),
                resource("aws_subnet.s[1]", json!({"availability_zone": "us-west-2b"})),
                resource("aws_instance.pinned", json!({"instance_type": "t3.micro"})),
            ],
            "child_modules": [{"address": "module.app", "resources": [
                resource("module.app.aws_instance.web", json!({"instance_type": "t3.micro"})),
                resource("module.app.aws_db_instance.db", json!({"engine": "postgres", "multi_az": false,
                    "availability_zone": "us-west-2b"})),
            ]}]
        }},
        "configuration": {"root_module": {
            "resources": [config("aws_instance.pinned", json!({
                "subnet_id": refs(&["aws_subnet.s[1].id", "aws_subnet.s[1]", "aws_subnet.s"]),
                "user_data": refs(&["module.app.db_address", "module.app"]),
            }))],
            "module_calls": {"app": {
                "expressions": {"subnet": refs(&["aws_subnet.s[0].id", "aws_subnet.s[0]", "aws_subnet.s"])},
                "module": {
                    "resources": [config("aws_instance.web", json!({
                        "subnet_id": refs(&["var.subnet"]),
                        "user_data": refs(&["aws_db_instance.db.address", "aws_db_instance.db"]),
                    }))],
                    "outputs": {"db_address": {"expression": refs(&["aws_db_instance.db.address", "aws_db_instance.db"])}}
                }
            }}
        }}
    })
    .to_string();
    let import = import(&text);
    let web = &import.model.components["module.app.aws_instance.web"];
    assert_eq!(web.domains, ["us-west-2a"]);
    assert_eq!(web.depends_on[0].component, "module.app.aws_db_instance.db");
    let pinned = &import.model.components["aws_instance.pinned"];
    assert_eq!(pinned.domains, ["us-west-2b"]);
    assert_eq!(
        pinned.depends_on[0].component,
        "module.app.aws_db_instance.db"
    );
}

/// A raw state file (format version 4) reads like `terraform show -json`.
#[test]
fn raw_state_file() {
    let text = json!({
        "version": 4,
        "terraform_version": "1.5.0",
        "resources": [
            {"mode": "managed", "type": "aws_subnet", "name": "a", "instances": [
                {"attributes": {"id": "subnet-1", "availability_zone": "ap-south-1a"}}]},
            {"mode": "managed", "type": "aws_instance", "name": "box", "instances": [
                {"index_key": 0, "attributes": {"id": "i-1", "subnet_id": "subnet-1"}},
                {"index_key": 1, "attributes": {"id": "i-2", "subnet_id": "subnet-1"}}]},
        ]
    })
    .to_string();
    let import = import(&text);
    let boxes = &import.model.components["aws_instance.box"];
    assert_eq!(boxes.replicas, Some(2));
    assert_eq!(boxes.domains, ["ap-south-1a"]);
    assert_eq!(spofs_of(&import), set(&["zone:ap-south-1a"]));
}

/// Found by fuzzing: an instance whose `subnet_id` names subnets in two zones (as a
/// conditional does) was placed in both zones at once, which the model reader refuses.
#[test]
fn an_instance_whose_subnet_may_be_in_two_zones_is_placed_in_the_region() {
    let subnets = || {
        vec![
            resource(
                "aws_subnet.s[0]",
                json!({"availability_zone": "us-west-2a"}),
            ),
            resource(
                "aws_subnet.s[1]",
                json!({"availability_zone": "us-west-2b"}),
            ),
        ]
    };
    let either = || {
        vec![config(
            "aws_instance.pinned",
            json!({"subnet_id": refs(&["aws_subnet.s[0].id", "aws_subnet.s[1]", "aws_subnet.s"])}),
        )]
    };
    let mut resources = subnets();
    resources.push(resource(
        "aws_instance.pinned",
        json!({"instance_type": "t3.micro"}),
    ));
    let unknown = import(&plan(resources, either()));
    let pinned = &unknown.model.components["aws_instance.pinned"];
    assert_eq!(pinned.domains, ["us-west-2"]);
    assert!(
        unknown
            .report
            .not_modelled
            .iter()
            .any(|n| n.contains("names subnets in 2 zones (us-west-2a, us-west-2b)")),
        "{:#?}",
        unknown.report.not_modelled
    );
    read_model(&unknown.model.to_yaml("test"));
    // The instance's own zone, when the plan knows it, says which subnet.
    let mut resources = subnets();
    resources.push(resource(
        "aws_instance.pinned",
        json!({"instance_type": "t3.micro", "availability_zone": "us-west-2b"}),
    ));
    let known = import(&plan(resources, either()));
    assert_eq!(
        known.model.components["aws_instance.pinned"].domains,
        ["us-west-2b"]
    );
}

/// Found by fuzzing: in a (malformed) state, an instance without `index_key` and one with
/// `index_key: 1` were both named `1`, which the model reader refuses.
#[test]
fn instances_with_the_same_label_get_distinct_names() {
    let text = json!({
        "version": 4,
        "resources": [
            {"mode": "managed", "type": "aws_instance", "name": "box", "instances": [
                {"attributes": {"id": "i-1"}},
                {"index_key": 1, "attributes": {"id": "i-2", "subnet_id": "subnet-0"}}]},
        ]
    })
    .to_string();
    let import = import(&text);
    let names: Vec<&str> = import.model.components["aws_instance.box"]
        .instances
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(names, ["1", "1 (2)"]);
    read_model(&import.model.to_yaml("test"));
}

/// Found by fuzzing: a node count beyond what the model reader takes (1 to 1,000,000
/// replicas) went into the model as it was.
#[test]
fn counts_beyond_the_model_are_kept_within_it() {
    let group = |count: u64| {
        plan(
            vec![resource(
                "aws_elasticache_replication_group.cache",
                json!({"engine": "redis", "num_cache_clusters": count,
                       "automatic_failover_enabled": false}),
            )],
            vec![],
        )
    };
    let huge = import(&group(199_999_999_979));
    assert_eq!(
        huge.model.components["aws_elasticache_replication_group.cache"].replicas,
        Some(1_000_000)
    );
    assert!(
        huge.report.not_modelled.iter().any(|n| n
            .contains("`replicas` 199999999979 is outside what the model takes (1 to 1000000)")),
        "{:#?}",
        huge.report.not_modelled
    );
    read_model(&huge.model.to_yaml("test"));
    read_model(&import(&group(0)).model.to_yaml("test"));
}

#[test]
fn local_values_the_plan_does_not_write_are_unresolved() {
    // `terraform show -json` writes no local values: where a link or a payload goes through
    // one and the plan does not know the value yet, it is reported, not guessed.
    let text = plan(
        vec![
            resource(
                "aws_subnet.a",
                json!({"id": "subnet-a", "availability_zone": "us-east-1a"}),
            ),
            resource("aws_instance.web", json!({"instance_type": "t3.micro"})),
            resource(
                "aws_instance.known",
                json!({"subnet_id": "subnet-a", "user_data": "echo db.internal:5432"}),
            ),
        ],
        vec![
            config(
                "aws_instance.web",
                json!({
                    "subnet_id": refs(&["local.subnet_id"]),
                    "user_data": refs(&["local.script"]),
                }),
            ),
            config(
                "aws_instance.known",
                json!({
                    "subnet_id": refs(&["local.subnet_id"]),
                    "user_data": refs(&["local.script"]),
                }),
            ),
        ],
    );
    let import = import(&text);
    let unresolved: Vec<(&str, &str, &str)> = import
        .report
        .unresolved
        .iter()
        .map(|u| (u.reference.as_str(), u.from.as_str(), u.source.as_str()))
        .collect();
    let web: Vec<&(&str, &str, &str)> = unresolved
        .iter()
        .filter(|u| u.1 == "aws_instance.web")
        .collect();
    assert_eq!(web.len(), 2, "{unresolved:#?}");
    assert!(
        web.iter().any(|u| u.0 == "local.subnet_id"
            && u.2
                .starts_with("the subnet of aws_instance.web is `local.subnet_id`, a local value")),
        "{unresolved:#?}"
    );
    assert!(
        web.iter().any(|u| u.0 == "local.script"
            && u.2
                .starts_with("`user_data` of aws_instance.web uses `local.script`, a local value")),
        "{unresolved:#?}"
    );
    // Known values are read: the locals they came from do not matter.
    assert!(
        unresolved.iter().all(|u| u.1 != "aws_instance.known"),
        "{unresolved:#?}"
    );
}
