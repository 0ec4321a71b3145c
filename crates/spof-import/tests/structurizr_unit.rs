//! The Structurizr importer on small inline workspaces: replicas as the product of nested
//! deployment nodes' instances, zones, regions and providers from deployment nodes, shared
//! hosts, infrastructure nodes and deployment relationships, hierarchical identifiers, a
//! workspace without deployment, and located errors.

mod corpus_check;

use corpus_check::{read_model, set, spofs};
use spof_import::{Import, SourceFile, structurizr};

fn import(text: &str) -> Import {
    structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|e| panic!("{e}"))
}

const AWS: &str = r#"
workspace "shop" {
    !identifiers hierarchical
    model {
        user = person "User"
        shop = softwareSystem "Shop" {
            web = container "Web" "" "Java"
            db = container "Database" "" "PostgreSQL" "Database"
            web -> db "reads" "JDBC"
        }
        user -> shop.web "uses"
        pay = softwareSystem "Payments" "" "External"
        shop.web -> pay "charges"

        live = deploymentEnvironment "Production" {
            deploymentNode "Amazon Web Services" {
                region = deploymentNode "US-East-1" {
                    dns = infrastructureNode "DNS" "" "Route 53"
                    lb = infrastructureNode "LB" "" "Elastic Load Balancer"
                    deploymentNode "us-east-1a" {
                        deploymentNode "Autoscaling group" "" "EC2" "" 2 {
                            deploymentNode "Server" "" "Ubuntu" {
                                deploymentNode "Tomcat" "" "Tomcat" "" 3 {
                                    webA = containerInstance shop.web
                                }
                            }
                        }
                        deploymentNode "db-host" "" "Ubuntu" {
                            containerInstance shop.db
                            healthCheck "db" "https://db/health"
                        }
                    }
                    deploymentNode "us-east-1b" {
                        deploymentNode "web-b" "" "EC2" "" 2 {
                            webB = containerInstance shop.web
                        }
                    }
                    dns -> lb "forwards to"
                    lb -> webA "forwards to"
                    lb -> webB "forwards to"
                }
            }
        }
        deploymentEnvironment "Staging" {
            deploymentNode "box" {
                containerInstance shop.web
            }
        }
    }
    views {
        systemLandscape { include * }
    }
}
"#;

#[test]
fn replicas_are_the_product_of_nested_instances() {
    let import = import(AWS);
    let web = &import.model.components["web"];
    // 2 x 1 x 3 in us-east-1a, 2 in us-east-1b: named one by one with their zones.
    assert_eq!(web.instances.len(), 8);
    let in_a = web
        .instances
        .iter()
        .filter(|i| i.domains == ["us-east-1a"])
        .count();
    assert_eq!(in_a, 6);
    assert_eq!(
        web.depends_on
            .iter()
            .map(|d| d.component.as_str())
            .collect::<Vec<_>>(),
        ["db", "pay"]
    );
    // Provider > region > zone, nested.
    let zone = &import.model.domains["us-east-1a"];
    assert_eq!(
        (zone.kind.as_str(), zone.parent.as_deref()),
        ("zone", Some("US-East-1"))
    );
    let region = &import.model.domains["US-East-1"];
    assert_eq!(region.parent.as_deref(), Some("Amazon Web Services"));
    // Infrastructure nodes named after managed services, and deployment relationships.
    let dns = &import.model.components["dns"];
    assert_eq!((dns.kind.as_str(), dns.managed), ("dns", Some(true)));
    assert_eq!(dns.depends_on[0].component, "lb");
    let lb = &import.model.components["lb"];
    assert_eq!(lb.kind.as_str(), "load_balancer");
    assert_eq!(lb.depends_on[0].component, "web");
    // The external system used by the deployed web is a component; the staging environment is
    // listed, not mapped.
    assert_eq!(import.model.components["pay"].kind.as_str(), "external");
    assert!(
        import
            .report
            .unmapped
            .iter()
            .any(|u| u.object == "deployment environment Staging")
    );
    let found = spofs(&read_model(&import.model.to_yaml("test")));
    assert_eq!(
        found,
        set(&[
            "db",
            "pay",
            "zone:us-east-1a",
            "region:US-East-1",
            "provider:Amazon Web Services"
        ])
    );
}

#[test]
fn a_host_shared_by_two_components_is_a_domain() {
    let import = import(
        r#"workspace {
    model {
        s = softwareSystem "S" {
            a = container "A"
            b = container "B"
            a -> b
        }
        deploymentEnvironment "Live" {
            deploymentNode "box-1" {
                containerInstance a
                containerInstance b
            }
            deploymentNode "box-2" {
                containerInstance a
                containerInstance b
            }
        }
    }
}"#,
    );
    assert_eq!(import.model.domains["box-1"].kind.as_str(), "host");
    let a = &import.model.components["a"];
    let hosts: Vec<&str> = a.instances.iter().map(|i| i.domains[0].as_str()).collect();
    assert_eq!(hosts, ["box-1", "box-2"]);
    assert_eq!(spofs(&read_model(&import.model.to_yaml("test"))), set(&[]));
}

#[test]
fn without_deployment_containers_are_single_instances_and_said_so() {
    let import = import(
        r#"workspace {
    model {
        s = softwareSystem "S" {
            spa = container "SPA" "" "Angular" "Web Browser"
            api = container "API"
            spa -> api
        }
    }
}"#,
    );
    assert!(import.model.components.contains_key("api"));
    assert!(!import.model.components.contains_key("spa"));
    assert!(
        import
            .report
            .not_modelled
            .iter()
            .any(|n| n.starts_with("deployment:"))
    );
}

#[test]
fn include_and_unbalanced_blocks_are_located_errors() {
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "workspace {\n    model {\n        !include people.dsl\n    }\n}\n".into(),
    }])
    .unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        ("w.dsl", Some(3), Some(9))
    );
    assert!(e.message.contains("!include"), "{e}");
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "workspace {\n    model {\n}\n}\n}\n".into(),
    }])
    .unwrap_err();
    assert_eq!(e.line, Some(5));
    let e = structurizr::import(&[SourceFile {
        path: "w.dsl".into(),
        text: "model {\n}\n".into(),
    }])
    .unwrap_err();
    assert!(e.message.contains("no `workspace"), "{e}");
}

/// Found by fuzzing: two instances not tagged `Failover` beside a standby were both made
/// primaries, and an active-passive component has one.
#[test]
fn one_primary_when_several_instances_are_not_standbys() {
    let import = import(
        r#"workspace {
    model {
        s = softwareSystem "S" {
            db = container "DB" "" "PostgreSQL" "Database"
        }
        deploymentEnvironment "Live" {
            deploymentNode "db-a" {
                containerInstance db
            }
            deploymentNode "db-b" {
                containerInstance db
            }
            deploymentNode "db-c" "" "" "Failover" {
                containerInstance db
            }
        }
    }
}"#,
    );
    let roles: Vec<Option<&str>> = import.model.components["db"]
        .instances
        .iter()
        .map(|i| i.role.as_deref())
        .collect();
    assert_eq!(roles, [Some("primary"), None, Some("standby")]);
    assert!(
        import
            .report
            .not_modelled
            .iter()
            .any(|n| n.contains("2 instances are not tagged `Failover`")),
        "{:#?}",
        import.report.not_modelled
    );
    read_model(&import.model.to_yaml("test"));
}
