//! The Terraform importer on Google Cloud and Azure: compute instances and groups, managed
//! databases with their high-availability settings, load balancers, GKE node pools and NAT
//! gateways, each in its zones and region.

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

fn plan(resources: Vec<Value>) -> String {
    json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
    })
    .to_string()
}

fn resource(address: &str, values: Value) -> Value {
    json!({"address": address, "mode": "managed", "type": address.split('.').next().unwrap(), "values": values})
}

#[test]
fn google_cloud_compute_sql_node_pools_load_balancers_and_nat() {
    let text = plan(vec![
        resource(
            "google_compute_instance.bastion",
            json!({"zone": "europe-west1-b", "machine_type": "e2-small"}),
        ),
        resource(
            "google_compute_region_instance_group_manager.web",
            json!({"region": "europe-west1", "target_size": 3,
                   "distribution_policy_zones": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
                   "instance_group": "https://www.googleapis.com/compute/v1/projects/p/regions/europe-west1/instanceGroups/web"}),
        ),
        resource(
            "google_compute_backend_service.web",
            json!({"backend": [{"group": "https://www.googleapis.com/compute/v1/projects/p/regions/europe-west1/instanceGroups/web"}],
                   "health_checks": ["hc"]}),
        ),
        resource(
            "google_sql_database_instance.main",
            json!({"region": "europe-west1", "database_version": "POSTGRES_15",
                   "settings": [{"availability_type": "REGIONAL", "backup_configuration": [{"enabled": true}]}]}),
        ),
        resource(
            "google_sql_database_instance.reports",
            json!({"region": "europe-west1", "database_version": "MYSQL_8_0",
                   "settings": [{"availability_type": "ZONAL", "location_preference": [{"zone": "europe-west1-c"}]}]}),
        ),
        resource(
            "google_container_node_pool.apps",
            json!({"location": "europe-west1", "node_count": 1,
                   "node_locations": ["europe-west1-b", "europe-west1-c"]}),
        ),
        resource(
            "google_compute_router_nat.nat",
            json!({"region": "europe-west1"}),
        ),
    ]);
    let import = import(&text);
    let c = &import.model.components;
    assert_eq!(
        c["google_compute_instance.bastion"].domains,
        ["europe-west1-b"]
    );
    assert_eq!(
        import.model.domains["europe-west1-b"].parent.as_deref(),
        Some("europe-west1")
    );
    let web = &c["google_compute_region_instance_group_manager.web"];
    assert_eq!(web.replicas, Some(3));
    assert_eq!(
        web.spread,
        ["europe-west1-b", "europe-west1-c", "europe-west1-d"]
    );
    let lb = &c["google_compute_backend_service.web"];
    assert_eq!(lb.kind.as_str(), "load_balancer");
    assert_eq!(
        lb.depends_on[0].component,
        "google_compute_region_instance_group_manager.web"
    );
    let main = &c["google_sql_database_instance.main"];
    assert_eq!(
        (main.replicas, main.failover.as_deref()),
        (Some(2), Some("automatic"))
    );
    assert_eq!(main.backups, Some(true));
    let reports = &c["google_sql_database_instance.reports"];
    assert_eq!(
        (reports.replicas, reports.failover.as_deref()),
        (Some(1), None)
    );
    assert_eq!(reports.domains, ["europe-west1-c"]);
    let pool = &c["google_container_node_pool.apps"];
    assert_eq!(pool.replicas, Some(2));
    assert_eq!(pool.spread, ["europe-west1-b", "europe-west1-c"]);
    assert_eq!(
        c["google_compute_router_nat.nat"].kind.as_str(),
        "nat_gateway"
    );
    assert_eq!(c["google_compute_router_nat.nat"].domains, ["europe-west1"]);
}

#[test]
fn azure_vms_scale_sets_flexible_servers_load_balancers_and_nat() {
    let text = plan(vec![
        resource(
            "azurerm_linux_virtual_machine.jump",
            json!({"location": "westeurope", "zone": "1", "size": "Standard_B1s"}),
        ),
        resource(
            "azurerm_linux_virtual_machine_scale_set.app",
            json!({"location": "westeurope", "instances": 3, "zones": ["1", "2", "3"]}),
        ),
        resource(
            "azurerm_postgresql_flexible_server.db",
            json!({"location": "westeurope", "zone": "1",
                   "high_availability": [{"mode": "ZoneRedundant", "standby_availability_zone": "2"}]}),
        ),
        resource(
            "azurerm_mysql_flexible_server.legacy",
            json!({"location": "westeurope", "zone": "2"}),
        ),
        resource(
            "azurerm_lb.front",
            json!({"location": "westeurope", "sku": "Standard",
                   "frontend_ip_configuration": [{"name": "fe", "zones": ["1", "2", "3"]}]}),
        ),
        resource(
            "azurerm_nat_gateway.egress",
            json!({"location": "westeurope", "zones": ["1"]}),
        ),
    ]);
    let import = import(&text);
    let c = &import.model.components;
    assert_eq!(
        c["azurerm_linux_virtual_machine.jump"].domains,
        ["westeurope-1"]
    );
    assert_eq!(
        import.model.domains["westeurope-1"].parent.as_deref(),
        Some("westeurope")
    );
    let app = &c["azurerm_linux_virtual_machine_scale_set.app"];
    assert_eq!(app.replicas, Some(3));
    assert_eq!(app.spread, ["westeurope-1", "westeurope-2", "westeurope-3"]);
    let db = &c["azurerm_postgresql_flexible_server.db"];
    assert_eq!(
        (db.replicas, db.failover.as_deref()),
        (Some(2), Some("automatic"))
    );
    assert_eq!(db.spread, ["westeurope-1", "westeurope-2"]);
    let legacy = &c["azurerm_mysql_flexible_server.legacy"];
    assert_eq!(
        (legacy.replicas, legacy.domains.clone()),
        (Some(1), vec!["westeurope-2".to_string()])
    );
    let lb = &c["azurerm_lb.front"];
    assert!(
        lb.description
            .as_deref()
            .unwrap()
            .contains("zone-redundant")
    );
    assert_eq!(lb.domains, ["westeurope"]);
    assert_eq!(c["azurerm_nat_gateway.egress"].domains, ["westeurope-1"]);
}

#[test]
fn counts_beyond_the_model_never_overflow_and_are_kept_within_it() {
    let text = plan(vec![
        resource(
            "google_container_node_pool.huge",
            json!({"location": "europe-west1", "node_count": u64::MAX,
                   "node_locations": ["europe-west1-b", "europe-west1-c"]}),
        ),
        resource(
            "azurerm_linux_virtual_machine_scale_set.huge",
            json!({"location": "westeurope", "instances": u64::MAX, "zones": ["1", "2"]}),
        ),
        resource(
            "google_compute_region_instance_group_manager.odd",
            json!({"region": 7, "target_size": "many", "distribution_policy_zones": [1, null, "x"]}),
        ),
    ]);
    let import = import(&text);
    for component in import.model.components.values() {
        assert!(
            component.replicas.unwrap_or(1) <= 1_000_000,
            "{component:?}"
        );
    }
}

#[test]
fn google_target_pool_balances_the_instances_it_lists() {
    let vm = |name: &str, zone: &str| {
        resource(
            &format!("google_compute_instance.{name}"),
            json!({"name": name, "zone": zone, "machine_type": "e2-small",
                   "self_link": format!("https://www.googleapis.com/compute/v1/projects/p/zones/{zone}/instances/{name}")}),
        )
    };
    let text = plan(vec![
        vm("web-a", "europe-west1-b"),
        vm("web-b", "europe-west1-c"),
        resource(
            "google_compute_target_pool.web",
            json!({"region": "europe-west1", "health_checks": ["hc"],
            "instances": [
                "europe-west1-b/web-a",
                "https://www.googleapis.com/compute/v1/projects/p/zones/europe-west1-c/instances/web-b"
            ]}),
        ),
        resource(
            "google_compute_forwarding_rule.web",
            json!({"region": "europe-west1", "target": "web-pool"}),
        ),
    ]);
    let import = import(&text);
    let c = &import.model.components;
    let pool = &c["google_compute_target_pool.web"];
    assert_eq!(pool.kind.as_str(), "load_balancer");
    assert_eq!(pool.managed, Some(true));
    assert_eq!(pool.domains, ["europe-west1"]);
    let mut targets: Vec<&str> = pool
        .depends_on
        .iter()
        .map(|d| d.component.as_str())
        .collect();
    targets.sort_unstable();
    assert_eq!(
        targets,
        [
            "google_compute_instance.web-a",
            "google_compute_instance.web-b"
        ]
    );
    // The health checks reach the instances.
    let yaml = import.model.to_yaml("test");
    assert!(
        yaml.contains("target pool google_compute_target_pool.web"),
        "{yaml}"
    );
}
