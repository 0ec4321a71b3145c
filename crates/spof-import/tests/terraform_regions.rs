//! The Terraform importer across providers and regions: each resource in the region of its
//! own provider configuration, the concrete zones a state writes, and load balancers whose
//! zones are not in the input described as such.

use serde_json::{Value, json};
use spof_import::{Import, SourceFile, terraform};

fn import(text: &str) -> Import {
    let import = terraform::import(&[SourceFile {
        path: "plan.json".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    let yaml = import.model.to_yaml("test");
    let parsed = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default());
    assert!(parsed.model.is_some(), "{:#?}\n{yaml}", parsed.diagnostics);
    import
}

fn resource(address: &str, values: Value) -> Value {
    json!({"address": address, "mode": "managed", "values": values})
}

fn config(address: &str, provider: &str) -> Value {
    json!({"address": address, "mode": "managed", "provider_config_key": provider, "expressions": {}})
}

/// The region domain a component is in (through its zone, or directly).
fn region_of(import: &Import, component: &str) -> Option<String> {
    let c = &import.model.components[component];
    let place = c.domains.first().or(c.spread.first())?;
    let domain = &import.model.domains[place];
    if domain.kind == spof_model::DomainKind::Region {
        return Some(place.clone());
    }
    domain.parent.clone()
}

#[test]
fn an_aliased_provider_gives_its_resources_its_own_region() {
    let text = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            resource("aws_instance.east", json!({"instance_type": "t3.micro"})),
            resource("aws_instance.west", json!({"instance_type": "t3.micro"})),
            resource("aws_db_instance.west_db", json!({"engine": "postgres", "multi_az": false})),
        ]}},
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}},
                "aws.west": {"name": "aws", "alias": "west", "expressions": {"region": {"constant_value": "us-west-2"}}}
            },
            "root_module": {"resources": [
                config("aws_instance.east", "aws"),
                config("aws_instance.west", "aws.west"),
                config("aws_db_instance.west_db", "aws.west"),
            ]}
        }
    })
    .to_string();
    let import = import(&text);
    assert_eq!(
        region_of(&import, "aws_instance.east").as_deref(),
        Some("us-east-1")
    );
    assert_eq!(
        region_of(&import, "aws_instance.west").as_deref(),
        Some("us-west-2")
    );
    assert_eq!(
        region_of(&import, "aws_db_instance.west_db").as_deref(),
        Some("us-west-2")
    );
}

#[test]
fn an_alias_listed_first_does_not_move_the_default_providers_resources() {
    let text = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            resource("aws_instance.replica", json!({})),
            resource("aws_instance.main", json!({})),
        ]}},
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
                "aws.dr": {"name": "aws", "alias": "dr", "expressions": {"region": {"constant_value": "eu-central-1"}}}
            },
            "root_module": {"resources": [
                config("aws_instance.replica", "aws.dr"),
                config("aws_instance.main", "aws"),
            ]}
        }
    })
    .to_string();
    let import = import(&text);
    assert_eq!(
        region_of(&import, "aws_instance.main").as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(
        region_of(&import, "aws_instance.replica").as_deref(),
        Some("eu-central-1")
    );
}

#[test]
fn a_concrete_availability_zone_in_a_state_wins_over_a_placeholder_zone() {
    let text = json!({
        "version": 4,
        "terraform_version": "1.6.0",
        "resources": [
            {"mode": "managed", "type": "aws_instance", "name": "web", "instances": [
                {"attributes": {"id": "i-1", "subnet_id": "subnet-0abc", "availability_zone": "eu-west-1b",
                  "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-1"}}]},
            {"mode": "managed", "type": "aws_lb", "name": "front", "instances": [
                {"attributes": {"id": "lb-1", "load_balancer_type": "application",
                  "subnets": ["subnet-0abc", "subnet-0def"],
                  "arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/front/1"}}]},
        ]
    })
    .to_string();
    let import = import(&text);
    let web = &import.model.components["aws_instance.web"];
    assert_eq!(web.domains, ["eu-west-1b"]);
    assert!(!import.model.domains.contains_key("zone-of-subnet-0abc"));
    // The load balancer's subnet with the instance is in that zone too.
    let front = &import.model.components["aws_lb.front"];
    assert!(
        front.spread.contains(&"eu-west-1b".to_string()),
        "{:?}",
        front.spread
    );
}

#[test]
fn a_load_balancer_whose_zones_are_unknown_is_never_in_0_zones() {
    let text = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            resource("aws_lb.api", json!({"load_balancer_type": "application", "internal": false})),
        ]}},
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": [config("aws_lb.api", "aws")]}
        }
    })
    .to_string();
    let import = import(&text);
    let description = import.model.components["aws_lb.api"]
        .description
        .clone()
        .unwrap();
    assert!(!description.contains("0 zone"), "{description}");
    assert!(
        description.contains("zones that are not in the input"),
        "{description}"
    );
    assert_eq!(
        region_of(&import, "aws_lb.api").as_deref(),
        Some("us-east-1")
    );
}
