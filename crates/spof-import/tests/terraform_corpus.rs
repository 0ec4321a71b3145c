//! The Terraform importer on the corpus (`shared/corpus/terraform`): every data set imports
//! without error into a model the reader accepts, and the SPOFs the engine finds are compared
//! with the data set's EXPECTED.md twice: from the import alone (recall and precision recorded
//! in docs/importers.md, asserted only where they are a
//! guarantee) and with the data set's overlay (tests/overlays), which must match exactly.
//!
//! Region events are compared apart: every single-region plan has its region as a SPOF, and
//! the EXPECTED files treat that as a risk to report (terragoat: "single_region"), not as one of
//! the listed SPOFs, so the sets below leave `region:` events out and the tests check them
//! separately.

mod corpus_check;

use corpus_check::{
    corpus, model_yaml, model_yaml_local, overlay, read_dir, read_model, recall_precision, set,
    spofs,
};
use std::collections::BTreeSet;

struct Run {
    found: BTreeSet<String>,
    regions: BTreeSet<String>,
}

fn run(dataset: &str, overlay_text: Option<&str>) -> Option<(spof_import::Import, Run)> {
    let dir = corpus()?.join("terraform").join(dataset);
    let files = read_dir(&dir);
    let import = spof_import::terraform::import(&files)
        .unwrap_or_else(|e| panic!("{dataset} does not import: {e}"));
    let yaml = model_yaml(&import, overlay_text);
    // Deterministic: the same input gives the same text.
    let again = spof_import::terraform::import(&files).expect("imports again");
    assert_eq!(
        yaml,
        model_yaml(&again, overlay_text),
        "{dataset}: output differs between runs"
    );
    if std::env::var_os("SPOF_IMPORT_DEBUG").is_some() {
        debug(dataset, &yaml, &import);
    }
    let model = read_model(&yaml);
    let all = spofs(&model);
    let (regions, found): (BTreeSet<String>, BTreeSet<String>) =
        all.into_iter().partition(|s| s.starts_with("region:"));
    Some((import, Run { found, regions }))
}

/// The overlay means the same under the simple local merge (components' keys override).
fn local_merge_agrees(dataset: &str, import: &spof_import::Import, expected: &BTreeSet<String>) {
    let yaml = model_yaml_local(import, &overlay(dataset));
    let found: BTreeSet<String> = spofs(&read_model(&yaml))
        .into_iter()
        .filter(|s| !s.starts_with("region:"))
        .collect();
    assert_eq!(&found, expected, "{dataset}: local merge");
}

// Printing is the point of the debug switch (SPOF_IMPORT_DEBUG=1), for someone looking at an
// import by hand; tests stay silent otherwise.
#[allow(clippy::print_stderr)]
fn debug(dataset: &str, yaml: &str, import: &spof_import::Import) {
    eprintln!("===== {dataset}\n{yaml}");
    eprintln!(
        "{}",
        serde_json::to_string_pretty(&import.report).unwrap_or_default()
    );
}

// The corpus is a sibling checkout; without it these tests have nothing to read and say so.
#[allow(clippy::print_stderr)]
fn skip() {
    eprintln!("shared/corpus not found next to the repository: Terraform corpus tests skipped");
}

#[test]
fn terragoat_plan() {
    let expected = set(&[
        "aws_instance.web_host",
        "aws_db_instance.default",
        "aws_instance.db_app",
        "aws_elasticsearch_domain.monitoring-framework",
        // aws_neptune_cluster_instance.default[0] is the cluster's only instance: the cluster.
        "aws_neptune_cluster.default",
        "zone:us-west-2a",
    ]);
    let Some((import, alone)) = run("terragoat-plan", None) else {
        return skip();
    };
    let (recall, precision) = recall_precision(&alone.found, &expected);
    assert_eq!((recall, precision), (1.0, 1.0), "{:?}", alone.found);
    assert_eq!(alone.regions, set(&["region:us-west-2"]));
    // Unmapped types are listed with a reason, grouped.
    let unmapped: Vec<&str> = import
        .report
        .unmapped
        .iter()
        .map(|u| u.object.as_str())
        .collect();
    for t in ["aws_flow_log", "aws_kms_alias", "null_resource"] {
        assert!(
            unmapped.iter().any(|u| u.starts_with(t)),
            "{t} not reported: {unmapped:?}"
        );
    }
    // Links come from configuration references: the ELB in one subnet, in front of web_host.
    let elb = &import.model.components["aws_elb.weblb"];
    assert_eq!(elb.domains, vec!["us-west-2a"]);
    assert_eq!(elb.depends_on[0].component, "aws_instance.web_host");
    let (_, with) = run("terragoat-plan", Some(&overlay("terragoat-plan"))).expect("corpus");
    assert_eq!(with.found, expected);
    local_merge_agrees("terragoat-plan", &import, &expected);
}

#[test]
fn alb_asg_route53() {
    let expected = set(&[
        "module.myapp-asg.aws_autoscaling_group.asg",
        // The zone the single instance runs in: its name is not in the plan.
        "zone:zone-of-subnet-13f44a58",
    ]);
    let Some((import, alone)) = run("alb-asg-route53", None) else {
        return skip();
    };
    let (recall, precision) = recall_precision(&alone.found, &expected);
    assert_eq!((recall, precision), (1.0, 1.0), "{:?}", alone.found);
    assert_eq!(alone.regions, set(&["region:us-east-1"]));
    // Zones unknown, and known to be two because an ALB needs two.
    assert!(
        import
            .report
            .not_modelled
            .iter()
            .any(|n| n.contains("zone-of-subnet-9918eec4") && n.contains("known to differ")),
        "{:#?}",
        import.report.not_modelled
    );
    // The Lambda's database is not in the plan: unresolved, not invented.
    assert!(
        import
            .report
            .unresolved
            .iter()
            .any(|u| u.reference.contains("DB_PORT=5432")),
        "{:#?}",
        import.report.unresolved
    );
    let (_, with) = run("alb-asg-route53", Some(&overlay("alb-asg-route53"))).expect("corpus");
    assert_eq!(with.found, expected);
    local_merge_agrees("alb-asg-route53", &import, &expected);
}

#[test]
fn vpc_nat_per_az() {
    let expected = set(&[]);
    let Some((import, alone)) = run("vpc-nat-per-az", None) else {
        return skip();
    };
    let (recall, precision) = recall_precision(&alone.found, &expected);
    assert_eq!((recall, precision), (1.0, 1.0), "{:?}", alone.found);
    assert_eq!(alone.regions, set(&["region:eu-west-1"]));
    // One NAT component with one instance per zone, paired by count.index and said so.
    let nat = &import.model.components["module.vpc.aws_nat_gateway.this"];
    let zones: Vec<&str> = nat
        .instances
        .iter()
        .map(|i| i.domains[0].as_str())
        .collect();
    assert_eq!(zones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.evidence.contains("count.index")),
        "{:#?}",
        import.report.inferred
    );
    let (_, with) = run("vpc-nat-per-az", Some(&overlay("vpc-nat-per-az"))).expect("corpus");
    assert_eq!(with.found, expected);
    local_merge_agrees("vpc-nat-per-az", &import, &expected);
}
