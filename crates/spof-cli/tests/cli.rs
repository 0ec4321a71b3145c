//! The command line at its boundary: exit codes, decisions, cycles, explain and whatif errors.

use assert_cmd::Command;

fn run(args: &[&str], model: Option<&str>) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::cargo_bin("spof").unwrap();
    command
        .current_dir(dir.path())
        .args(args)
        .args(["--color", "never"]);
    if args[0] != "schema" {
        command.args(["--today", "2026-11-23"]);
    }
    if let Some(text) = model {
        std::fs::write(dir.path().join("spof.yaml"), text).unwrap();
    }
    let output = command.output().unwrap();
    if let Some(text) = model {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("spof.yaml")).unwrap(),
            text,
            "the model was changed"
        );
    }
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const SINGLE_DB: &str = "components:\n  app:\n    kind: service\n    replicas: 2\n    depends_on: [db]\n  db:\n    kind: database\n    restore_time: 1h\n";

#[test]
fn a_cycle_is_analysed_with_a_located_warning() {
    let model = "components:\n  a:\n    kind: service\n    replicas: 2\n    depends_on: [b]\n  b:\n    kind: service\n    depends_on: [a]\n";
    let (code, stdout, stderr) = run(&["check", "--format", "json"], Some(model));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("dependency cycle: a, b depend on each other"),
        "{stderr}"
    );
    assert!(stderr.contains("spof.yaml:5:18"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["warnings"][0]["code"], "dependency-cycle");
    // b's only instance takes both down; a's replicas do not; the cycle alone fails nothing.
    let events: Vec<&str> = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["b/1"]);
    assert_eq!(
        report["spofs"][0]["components_down"],
        serde_json::json!(["a", "b"])
    );
}

#[test]
fn decisions_cover_findings_until_they_expire_and_stale_ones_are_reported() {
    let accepted = format!(
        "{SINGLE_DB}decisions:\n  - finding: single-instance\n    component: db\n    status: accepted\n    owner: alice\n    reason: managed backups restore in an hour\n    review_by: 2027-01-31\n"
    );
    let (code, stdout, _) = run(&["check"], Some(&accepted));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("decision: accepted by alice"), "{stdout}");

    let expired = accepted.replace("2027-01-31", "2026-01-31");
    let (code, stdout, _) = run(&["check"], Some(&expired));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("EXPIRED"), "{stdout}");

    let stale = format!(
        "{SINGLE_DB}decisions:\n  - finding: SPOF001\n    component: app\n    status: planned\n  - finding: SPOF0001\n    status: accepted\n"
    );
    let (code, stdout, _) = run(
        &["check", "--format", "json", "--fail-on", "never"],
        Some(&stale),
    );
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SPOF022")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("for component `app` matches no finding")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `SPOF001`?")),
        "{messages:?}"
    );
}

#[test]
fn explain_and_whatif_errors_suggest_near_names() {
    let (code, _, stderr) = run(&["explain", "dbb"], Some(SINGLE_DB));
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `db`?"), "{stderr}");
    let (code, _, stderr) = run(&["explain", "SPOF999"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("no finding code `SPOF999`"), "{stderr}");
    let (code, _, stderr) = run(&["whatif", "app/3"], Some(SINGLE_DB));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `app/1`?") || stderr.contains("did you mean `app/2`?"),
        "{stderr}"
    );
    let (code, stdout, _) = run(&["whatif", "app/1", "app/2"], Some(SINGLE_DB));
    assert_eq!(code, 0);
    assert!(stdout.contains("system  down until repaired"), "{stdout}");
    let (code, stdout, _) = run(&["explain", "SPOF013"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# SPOF013 shared-nat-gateway"),
        "{stdout}"
    );
}

#[test]
fn missing_model_and_unknown_example() {
    let (code, _, stderr) = run(&["check"], None);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("spof.yaml") && stderr.contains("spof init"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["check", "--example", "three-teir"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `three-tier`?"), "{stderr}");
}

#[test]
fn errors_in_json_mode_are_json_too() {
    let (code, stdout, _) = run(
        &["check", "--format", "json"],
        Some("components:\n  app:\n    kind: servce\n"),
    );
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["errors"][0]["column"], 11);
}

#[test]
fn schema_is_json_schema_and_output_is_deterministic() {
    let (code, stdout, _) = run(&["schema"], None);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let first = run(
        &[
            "check",
            "--example",
            "deploy-and-monitoring",
            "--format",
            "json",
        ],
        None,
    )
    .1;
    for _ in 0..3 {
        assert_eq!(
            run(
                &[
                    "check",
                    "--example",
                    "deploy-and-monitoring",
                    "--format",
                    "json"
                ],
                None
            )
            .1,
            first
        );
    }
}

#[test]
fn explain_a_managed_component_fails_every_place_it_runs() {
    let (code, stdout, _) = run(&["explain", "--example", "nat-gateway", "db"], None);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Losing every place it runs in at once (zone:a, zone:b): browse down"),
        "{stdout}"
    );
    assert!(!stdout.contains("no journey is affected"), "{stdout}");
}

/// Every number in a JSON value, with where it is.
fn numbers(value: &serde_json::Value, at: &str, out: &mut Vec<(String, f64)>) {
    match value {
        serde_json::Value::Number(n) => out.push((at.to_string(), n.as_f64().unwrap())),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                numbers(item, &format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                numbers(item, &format!("{at}.{key}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_negative_zero_in_json_or_text() {
    // The cache is optional: losing it degrades the journey and takes nothing down, so its
    // blast radius is a sum over no journey.
    let model = "components:\n  app:\n    kind: service\n    replicas: 2\n    depends_on:\n      - {component: cache, optional: true}\n  cache:\n    kind: cache\n";
    for args in [
        &["check", "--format", "json"][..],
        &["check"],
        &["whatif", "cache/1", "--format", "json"],
        &["whatif", "cache/1"],
        &["risks", "--format", "json"],
        &["risks"],
        &["plan", "--format", "json"],
        &["plan"],
    ] {
        let (code, stdout, stderr) = run(args, Some(model));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            !stdout.contains("-0"),
            "{args:?} prints a negative zero:\n{stdout}"
        );
        if args.contains(&"json") {
            let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let mut found = Vec::new();
            numbers(&value, "", &mut found);
            for (at, n) in found {
                assert!(!(n == 0.0 && n.is_sign_negative()), "{args:?}: {at} is -0");
            }
        }
    }
    let (_, stdout, _) = run(&["check", "--format", "json"], Some(model));
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["other_effects"][0]["event"], "cache/1");
    assert_eq!(value["other_effects"][0]["blast_radius"].to_string(), "0.0");
}

#[test]
fn risks_max_order_1_reports_only_the_singles() {
    let (code, stdout, stderr) = run(
        &[
            "risks",
            "--example",
            "nat-gateway",
            "--max-order",
            "1",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["max_order"], 1);
    for journey in report["journeys"].as_array().unwrap() {
        assert_eq!(journey["groups"], serde_json::json!([]), "{journey}");
        assert_eq!(
            journey["by_order"].as_array().unwrap().len(),
            2,
            "{journey}"
        );
    }
    assert_eq!(report["journeys"][1]["journey"], "checkout");
    assert_eq!(
        report["journeys"][1]["singles"],
        serde_json::json!(["zone:a", "nat/1"])
    );
    let (code, stdout, _) = run(
        &["risks", "--example", "nat-gateway", "--max-order", "1"],
        None,
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("single points of failure only"), "{stdout}");
    assert!(
        !stdout.contains("risk groups") && !stdout.contains(" + "),
        "{stdout}"
    );
    // The default looks for groups of two: browse's is the loss of both zones.
    let (_, stdout, _) = run(&["risks", "--example", "nat-gateway"], None);
    assert!(stdout.contains("zone:a + zone:b"), "{stdout}");
    let (code, _, stderr) = run(
        &["risks", "--example", "nat-gateway", "--max-order", "0"],
        None,
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--max-order"), "{stderr}");
}

#[test]
fn risks_by_order_1_counts_the_singles() {
    for order in ["1", "2", "3"] {
        let (code, stdout, stderr) = run(
            &[
                "risks",
                "--example",
                "nat-gateway",
                "--max-order",
                order,
                "--format",
                "json",
            ],
            None,
        );
        assert_eq!(code, 0, "{stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        for journey in report["journeys"].as_array().unwrap() {
            let by_order = journey["by_order"].as_array().unwrap();
            assert_eq!(
                by_order[1].as_u64().unwrap() as usize,
                journey["singles"].as_array().unwrap().len(),
                "--max-order {order}: {journey}"
            );
            assert_eq!(
                by_order.len(),
                order.parse::<usize>().unwrap() + 1,
                "{journey}"
            );
        }
        assert_eq!(report["journeys"][1]["by_order"][1], 2, "{stdout}");
    }
}

#[test]
fn importance_figures_are_all_from_one_journey() {
    // `app` takes both journeys down, whose downtime costs differ a hundredfold.
    let model = "components:\n  app:\n    kind: service\n    restore_time: 1h\n  pay:\n    kind: service\n    restore_time: 1h\njourneys:\n  checkout:\n    path: [app, pay]\n    downtime_cost_per_hour: 1000\n  browse:\n    path: [app]\n    downtime_cost_per_hour: 10\n";
    let (_, stdout, stderr) = run(&["check", "--format", "json"], Some(model));
    let report: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    let unavailability = |name: &str| {
        report["journeys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["name"] == name)
            .unwrap()["unavailability"]
            .as_f64()
            .unwrap()
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12);
    let app = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["event"] == "app/1")
        .unwrap();
    let importance = &app["importance"];
    let by_journey = app["importance_by_journey"].as_array().unwrap();
    assert_eq!(by_journey.len(), 2);
    for figures in by_journey.iter().chain([importance]) {
        let journey = figures["journey"].as_str().unwrap();
        let rate = if journey == "checkout" { 1000.0 } else { 10.0 };
        let hours = figures["fussell_vesely"].as_f64().unwrap() * unavailability(journey) * 8760.0;
        let got = figures["downtime_hours_per_year"].as_f64().unwrap();
        assert!(close(got, hours), "{journey}: {got} h, expected {hours}");
        let cost = figures["downtime_cost_per_year"].as_f64().unwrap();
        assert!(
            close(cost, hours * rate),
            "{journey}: {cost}, expected {}",
            hours * rate
        );
    }
    // `importance` is the entry of the journey where the event accounts for the most downtime.
    let hours = |f: &serde_json::Value| f["downtime_hours_per_year"].as_f64().unwrap();
    let most = by_journey
        .iter()
        .max_by(|a, b| hours(a).total_cmp(&hours(b)))
        .unwrap();
    let mut named = importance.clone();
    named
        .as_object_mut()
        .unwrap()
        .remove("redundancy_cost_per_month");
    assert_eq!(hours(&named), hours(most), "{importance}");
    let same = by_journey
        .iter()
        .find(|f| f["journey"] == importance["journey"])
        .unwrap();
    assert_eq!(*same, named);
}

#[test]
fn incomplete_decision_does_not_hide_its_finding_and_is_reported() {
    // Only `finding` and `status`: the critical SPOF must still fail the run.
    let bare = format!("{SINGLE_DB}decisions:\n  - finding: SPOF001\n    status: accepted\n");
    let (code, stdout, stderr) = run(&["check", "--format", "json"], Some(&bare));
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let spof = findings.iter().find(|f| f["code"] == "SPOF001").unwrap();
    assert_eq!(spof["fails_run"], true, "{spof}");
    assert_eq!(spof["decision"]["in_force"], false);
    assert_eq!(
        spof["decision"]["missing"],
        serde_json::json!(["owner", "review_by"])
    );
    let incomplete: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["code"] == "SPOF024").collect();
    assert_eq!(incomplete.len(), 1, "{findings:#?}");
    assert_eq!(
        incomplete[0]["message"],
        "the accepted decision about SPOF001 has no `owner` and no `review_by`: it does not hide the finding it matches"
    );
    assert_eq!(incomplete[0]["components"], serde_json::json!(["db"]));
    assert!(!findings.iter().any(|f| f["code"] == "SPOF022"));
    let (_, stdout, _) = run(&["check"], Some(&bare));
    assert!(
        stdout.contains("INCOMPLETE (no owner, no review_by), does not hide this finding"),
        "{stdout}"
    );

    // With an owner but no date it still hides nothing; with both, it does.
    let owned = bare.replace("status: accepted\n", "status: planned\n    owner: alice\n");
    let (code, stdout, _) = run(&["check"], Some(&owned));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("planned decision about SPOF001 has no `review_by`"),
        "{stdout}"
    );
    let complete = owned.replace(
        "owner: alice\n",
        "owner: alice\n    review_by: 2027-01-31\n",
    );
    let (code, stdout, _) = run(&["check"], Some(&complete));
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("SPOF024"), "{stdout}");
}

#[test]
fn decision_rto_exceeded_does_not_hide_its_finding() {
    // db's loss takes an hour to repair: a decision accepting 30 minutes does not hold.
    let decided = |rto: &str| {
        format!(
            "{SINGLE_DB}decisions:\n  - finding: SPOF001\n    component: db\n    status: accepted\n    owner: alice\n    review_by: 2027-01-31\n    rto: {rto}\n"
        )
    };
    let (code, stdout, stderr) = run(&["check", "--format", "json"], Some(&decided("30m")));
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let spof = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SPOF001")
        .unwrap();
    assert_eq!(spof["fails_run"], true);
    assert_eq!(spof["decision"]["rto"], "30m");
    assert_eq!(spof["decision"]["rto_exceeded"], true);
    assert!(
        spof["message"]
            .as_str()
            .unwrap()
            .ends_with("; recovery takes 1h, over the RTO of 30m that the decision accepts"),
        "{spof}"
    );
    let (_, stdout, _) = run(&["check"], Some(&decided("30m")));
    assert!(stdout.contains("accepted RTO EXCEEDED"), "{stdout}");

    // An hour or more is within what the team accepts.
    for rto in ["1h", "2h"] {
        let (code, stdout, _) = run(&["check"], Some(&decided(rto)));
        assert_eq!(code, 0, "rto {rto}: {stdout}");
    }

    // An unknown recovery time does not meet any accepted RTO.
    let unknown = decided("2h").replace("    restore_time: 1h\n", "");
    let (code, stdout, _) = run(&["check"], Some(&unknown));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("recovery takes an unknown time"),
        "{stdout}"
    );
}

#[test]
fn whatif_and_explain_take_a_positional_model_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("models")).unwrap();
    std::fs::write(dir.path().join("models/shop.yml"), SINGLE_DB).unwrap();
    let spof = |args: &[&str]| {
        let output = Command::cargo_bin("spof")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .args(["--color", "never", "--today", "2026-11-23"])
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    // No spof.yaml here: each run reads the file it is given, wherever it stands.
    for args in [
        &["whatif", "models/shop.yml", "db/1"][..],
        &["whatif", "db/1", "models/shop.yml"],
        &["whatif", "db/1", "-m", "models/shop.yml"],
    ] {
        let (code, stdout, stderr) = spof(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            stdout.contains("system  down until repaired"),
            "{args:?}: {stdout}"
        );
    }
    for args in [
        &["explain", "db", "models/shop.yml"][..],
        &["explain", "models/shop.yml", "db"],
        &["explain", "db", "-m", "models/shop.yml"],
    ] {
        let (code, stdout, stderr) = spof(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            stdout.starts_with("What happens when `db` fails?"),
            "{args:?}: {stdout}"
        );
    }
    // Two models, or a model and no event, are errors that say so.
    let (code, _, stderr) = spof(&["whatif", "db/1", "models/shop.yml", "-m", "models/shop.yml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("two models"), "{stderr}");
    let (code, _, stderr) = spof(&["whatif", "models/shop.yml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no event to fail"), "{stderr}");
    let (code, _, stderr) = spof(&["whatif", "db/1", "models/nope.yml", "-m", "models/shop.yml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("nor is `models/nope.yml` an existing model file"),
        "{stderr}"
    );
    // The help says how the model is told apart.
    let (_, stdout, _) = spof(&["whatif", "--help"]);
    assert!(
        stdout.contains("existing file ending in .yaml or .yml is the model"),
        "{stdout}"
    );
}

#[test]
fn whatif_reports_the_capacity_left_and_an_overload() {
    // SPOF023's example: two zones at 60% each; losing one overloads the other.
    let model = spof_engine::findings::rule("SPOF023").unwrap().example;
    let (code, stdout, _) = run(&["check", "--format", "json"], Some(model));
    assert_eq!(code, 1);
    assert!(stdout.contains("\"SPOF023\""), "{stdout}");

    let (code, stdout, stderr) = run(&["whatif", "zone:a"], Some(model));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("shop  overloaded: `app` (100 left for a load of 120)"),
        "{stdout}"
    );
    assert!(!stdout.contains("no effect"), "{stdout}");
    assert!(
        stdout.contains("app  100 of 200 (1 of 2 instances up) for a load of 120: OVERLOADED"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(&["whatif", "zone:a", "--format", "json"], Some(model));
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        report["capacity"],
        serde_json::json!([{
            "component": "app", "instances": 2, "instances_up": 1, "capacity": 200.0,
            "capacity_left": 100.0, "load": 120.0, "overloaded": true
        }])
    );
    assert_eq!(report["overloaded"], serde_json::json!(["app"]));
    assert_eq!(report["overloaded_journeys"], serde_json::json!(["shop"]));

    // With a third zone, as SPOF023's fix says, losing one leaves enough.
    let fixed = spof_engine::findings::rule("SPOF023").unwrap().fixed;
    let (_, stdout, _) = run(&["whatif", "zone:a", "--format", "json"], Some(fixed));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["capacity"][0]["capacity_left"], 200.0);
    assert_eq!(report["overloaded"], serde_json::json!([]));
    let (_, stdout, _) = run(&["whatif", "zone:a"], Some(fixed));
    assert!(stdout.contains("shop  no effect"), "{stdout}");
    assert!(stdout.contains(": enough"), "{stdout}");
}

#[test]
fn an_overlay_scopes_an_imported_dependency_to_a_journey() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  web:\n    image: nginx\n    depends_on: [api]\n  api:\n    image: myapi\n    environment:\n      DB_HOST: db\n      CAT_HOST: catalogue\n  db:\n    image: postgres\n  catalogue:\n    image: postgres\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("overlay.yaml"),
        "journeys:\n  browse: {path: [web]}\n  checkout: {path: [web]}\ncomponents:\n  api:\n    depends_on:\n      - component: catalogue\n        journeys: [browse]\n",
    )
    .unwrap();
    let output = Command::cargo_bin("spof")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--from",
            "compose:docker-compose.yml",
            "--overlay",
            "overlay.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let catalogue = report["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["event"] == "catalogue/1")
        .expect("catalogue/1 is a SPOF");
    let down: Vec<&str> = catalogue["journeys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["spof"] == true)
        .map(|j| j["journey"].as_str().unwrap())
        .collect();
    assert_eq!(down, vec!["browse"]);
    // What the import read and what the overlay changed are in the report, under `import`.
    assert!(
        report["import"]["overlay_notes"].is_array(),
        "{}",
        report["import"]
    );
}

#[test]
fn explain_and_whatif_say_what_a_startup_dependency_blocks() {
    let model = "domains:\n  a: {kind: zone}\n  b: {kind: zone}\ncomponents:\n  checkout:\n    kind: service\n    replicas: 2\n    spread: [a, b]\n    depends_on:\n      - {component: kafka, startup: true}\n  kafka: {kind: queue, in: [a]}\n";
    let (code, stdout, _) = run(&["explain", "kafka"], Some(model));
    assert_eq!(code, 0);
    assert!(stdout.contains("Needed to start by: checkout"), "{stdout}");
    assert!(stdout.contains("no journey is affected"), "{stdout}");
    let (code, stdout, _) = run(&["whatif", "zone:a"], Some(model));
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "Cannot restart until a start-up dependency is back: checkout (needs kafka to start)"
        ),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["check"], Some(model));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("SPOF034") && stdout.contains("`kafka` down blocks restarts of `checkout`"),
        "{stdout}"
    );
}
