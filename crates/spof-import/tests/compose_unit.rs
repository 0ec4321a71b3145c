//! The compose importer on small files: each mapping rule, inference and report entry. More
//! small files, with the whole model and report they give, are cases in `tests/cases/compose/`.

use spof_import::{Import, SourceFile};

fn import_files(files: &[(&str, &str)]) -> Import {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile {
            path: (*path).into(),
            text: (*text).into(),
        })
        .collect();
    let import = spof_import::compose::import(&files).unwrap_or_else(|e| panic!("{e}"));
    let yaml = import.model.to_yaml("test");
    let parsed = spof_model::parse_model(&yaml, &spof_model::ParseLimits::default());
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != spof_model::Severity::Error),
        "{:#?}\n{yaml}",
        parsed.diagnostics
    );
    import
}

fn import(text: &str) -> Import {
    import_files(&[("compose.yaml", text)])
}

fn edges(import: &Import, component: &str) -> Vec<(String, bool)> {
    import.model.components[component]
        .depends_on
        .iter()
        .map(|d| (d.component.clone(), d.optional == Some(true)))
        .collect()
}

#[test]
fn a_swarm_stack_has_no_host_and_replicas_count() {
    for (path, text) in [
        (
            "docker-stack.yml",
            "services:\n  web:\n    image: example/web\n    deploy:\n      replicas: 3\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: example/web\n    deploy:\n      replicas: 3\n      placement:\n        constraints: [node.role == worker]\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: example/web\n    ports: [\"8080:80\"]\n    deploy:\n      replicas: 3\n",
        ),
    ] {
        let import = import_files(&[(path, text)]);
        assert!(import.model.domains.is_empty(), "{path}: {text}");
        let web = &import.model.components["web"];
        assert_eq!(web.replicas, Some(3));
        assert_eq!(web.health_check, Some(false), "no healthcheck");
        assert_eq!(
            web.restore_time.as_deref(),
            Some("1m"),
            "swarm restarts tasks"
        );
        assert!(
            import
                .report
                .not_modelled
                .iter()
                .any(|n| n.starts_with("swarm placement")),
            "{:#?}",
            import.report.not_modelled
        );
    }
    // deploy.replicas alone is plain compose: still one host.
    let import =
        import("services:\n  web:\n    image: example/web\n    deploy:\n      replicas: 1\n");
    assert_eq!(import.model.components["web"].domains, ["host"]);
}

#[test]
fn journeys_come_from_published_ports_and_background_work() {
    let import = import(
        "services:\n  web:\n    image: example/web\n    ports: [\"8080:80\"]\n    depends_on: [db]\n  worker:\n    image: example/worker\n    depends_on: [db]\n  db:\n    image: postgres:16\n  seed:\n    image: example/seed\n    profiles: [tools]\n    depends_on: [web]\n  tracing:\n    image: jaegertracing/all-in-one\n    ports: [\"16686:16686\"]\n",
    );
    let journeys: Vec<&str> = import.model.journeys.keys().map(String::as_str).collect();
    assert_eq!(journeys, ["web", "worker"]);
    assert_eq!(
        import.model.components["tracing"].kind.as_str(),
        "monitoring"
    );
}

#[test]
fn files_a_service_reads_are_searched_when_given() {
    let import = import_files(&[
        (
            "app/compose.yaml",
            "services:\n  api:\n    image: example/api\n    env_file: api.env\n    configs: [settings]\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\nconfigs:\n  settings:\n    file: ./settings.json\n",
        ),
        ("app/api.env", "# comment\nDATABASE_HOST=db\n"),
        ("app/settings.json", "{\n  \"cache\": \"cache:6379\"\n}\n"),
        ("app/other.json", "{}\n"),
    ]);
    assert_eq!(
        edges(&import, "api"),
        [("cache".to_string(), false), ("db".to_string(), false)]
    );
    let cache = &import.model.components["api"].depends_on[0];
    assert!(
        cache
            .inferred
            .as_deref()
            .unwrap()
            .contains("(app/settings.json:2)"),
        "{cache:?}"
    );
    let unmapped: Vec<&str> = import
        .report
        .unmapped
        .iter()
        .map(|u| u.object.as_str())
        .collect();
    assert_eq!(unmapped, ["app/other.json"]);
    assert_eq!(
        spof_import::compose::referenced_files(&[SourceFile {
            path: "app/compose.yaml".into(),
            text: "services:\n  a:\n    env_file: [../shared.env]\nconfigs:\n  c:\n    file: ./c.json\n".into(),
        }]),
        ["app/c.json", "shared.env"]
    );
}

#[test]
fn several_files_override_like_compose_does() {
    let import = import_files(&[
        (
            "compose.yaml",
            "services:\n  api:\n    image: example/api\n    depends_on: [db]\n  db:\n    image: postgres:16\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  api:\n    deploy:\n      replicas: 2\n    healthcheck:\n      test: [CMD, curl, -f, http://localhost]\n",
        ),
    ]);
    let api = &import.model.components["api"];
    assert_eq!(api.replicas, Some(2));
    assert_eq!(api.health_check, None);
    assert_eq!(edges(&import, "api"), [("db".to_string(), false)]);
}

#[test]
fn broken_files_are_located_errors() {
    let error = spof_import::compose::import(&[SourceFile {
        path: "compose.yaml".into(),
        text: "services:\n  a:\n    image: [x\n".into(),
    }])
    .unwrap_err();
    assert_eq!(
        (error.file.as_str(), error.line.is_some()),
        ("compose.yaml", true)
    );
    let error = spof_import::compose::import(&[SourceFile {
        path: "compose.yaml".into(),
        text: "services: [a, b]\n".into(),
    }])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "compose.yaml:1:1: `services` must be a mapping of service names to definitions"
    );
}

/// A service name the model reader refuses (a control character) is renamed, and the edges
/// and journeys that name it follow.
#[test]
fn names_the_model_reader_refuses_are_renamed_with_their_references() {
    let import = import(
        "services:\n  \"we\\tb\":\n    image: nginx:1\n    ports: [\"80:80\"]\n    depends_on: [\"d\\u007fb\"]\n  \"d\\u007fb\":\n    image: postgres:16\n",
    );
    assert_eq!(edges(&import, "we\\tb"), [("d\\u{7f}b".to_string(), false)]);
    assert!(
        import.model.journeys.values().any(|j| j.path == ["we\\tb"]),
        "{:#?}",
        import.model.journeys
    );
}

#[test]
fn extends_in_the_same_file_inherits_all_but_dependencies() {
    let import = import(
        "services:
  base:
    image: example/app:1
    environment:
      CACHE_URL: redis://cache:6379
    depends_on: [db]
  web:
    extends:
      service: base
    ports: ['80:80']
  worker:
    extends: base
  cache:
    image: redis:7
  db:
    image: postgres:16
",
    );
    // The base is a service of the project too; what it names by depends_on is its own.
    assert_eq!(
        edges(&import, "base"),
        [("cache".into(), false), ("db".into(), false)]
    );
    assert_eq!(edges(&import, "web"), [("cache".into(), false)]);
    assert_eq!(edges(&import, "worker"), [("cache".into(), false)]);
    assert!(
        import
            .report
            .inferred
            .iter()
            .any(|i| i.from == "web" && i.to == "extends base" && i.source == "compose.yaml:8"),
        "{:#?}",
        import.report.inferred
    );
}

#[test]
fn extends_from_another_file_takes_only_the_service_extended() {
    let import = import_files(&[
        (
            "app/compose.yaml",
            "services:
  web:
    extends:
      file: ../common/services.yml
      service: webapp
    ports: ['8080:80']
  api:
    image: example/api:1
",
        ),
        (
            "common/services.yml",
            "services:
  webapp:
    image: example/web:1
    environment:
      - API_URL=http://api:8080
  tools:
    image: example/tools:1
",
        ),
    ]);
    let names: Vec<&str> = import.model.components.keys().map(String::as_str).collect();
    assert_eq!(names, ["web", "api"]);
    let web = &import.model.components["web"];
    assert_eq!(web.source.as_deref(), Some("app/compose.yaml:2"));
    let evidence = web.depends_on[0].inferred.as_deref().unwrap();
    assert!(evidence.contains("common/services.yml:5"), "{evidence}");
    let unmapped: Vec<(&str, &str)> = import
        .report
        .unmapped
        .iter()
        .map(|u| (u.object.as_str(), u.why.as_str()))
        .collect();
    assert!(
        unmapped.contains(&(
            "service tools",
            "defined in a file the project only extends from, and no service extends it"
        )),
        "{unmapped:#?}"
    );
    assert!(
        unmapped.iter().any(|(o, why)| *o == "service webapp"
            && why.contains("part of service web, which extends it")),
        "{unmapped:#?}"
    );
}

#[test]
fn included_files_are_part_of_the_project_with_their_own_folders() {
    let import = import_files(&[
        (
            "compose.yaml",
            "include:
  - db/compose.yaml
  - path: cache.yaml
services:
  web:
    image: example/web:1
    environment:
      DB: postgres://db:5432/app
      CACHE: cache:6379
    env_file: web.env
",
        ),
        (
            "db/compose.yaml",
            "services:
  db:
    image: postgres:16
    env_file: db.env
",
        ),
        ("cache.yaml", "services:\n  cache:\n    image: redis:7\n"),
        ("db/db.env", "REPLICA_OF=cache:6379\n"),
    ]);
    let names: Vec<&str> = import.model.components.keys().map(String::as_str).collect();
    assert_eq!(names, ["db", "cache", "web"]);
    assert_eq!(
        import.model.components["db"].source.as_deref(),
        Some("db/compose.yaml:2")
    );
    assert_eq!(
        edges(&import, "web"),
        [("cache".into(), false), ("db".into(), false)]
    );
    // The included file's env_file is its own folder's.
    assert_eq!(edges(&import, "db"), [("cache".into(), false)]);
}

#[test]
fn what_a_compose_file_points_at_and_is_not_there_is_unresolved() {
    let import = import_files(&[(
        "compose.yaml",
        "include:
  - missing.yaml
  - oci://registry.example.com/stack:1
services:
  web:
    extends:
      file: gone.yml
      service: webapp
    image: example/web:1
  api:
    extends:
      service: nothing
    image: example/api:1
",
    )]);
    let unresolved: Vec<(&str, &str)> = import
        .report
        .unresolved
        .iter()
        .map(|u| (u.reference.as_str(), u.source.as_str()))
        .collect();
    assert_eq!(unresolved.len(), 4, "{unresolved:#?}");
    assert!(
        unresolved[0]
            .1
            .starts_with("include missing.yaml (compose.yaml:2): the file is not among the inputs"),
        "{unresolved:#?}"
    );
    assert!(
        unresolved[1].1.contains("a remote file, not fetched"),
        "{unresolved:#?}"
    );
    assert!(
        unresolved[2]
            .1
            .starts_with("extends in service web gone.yml (compose.yaml:6)"),
        "{unresolved:#?}"
    );
    assert!(
        unresolved[3].1.contains(
            "extends service nothing of compose.yaml (compose.yaml:11), which has no such service"
        ),
        "{unresolved:#?}"
    );
    // The services are still imported, with what they say themselves.
    assert!(import.model.components.contains_key("web"));
    assert!(import.model.components.contains_key("api"));
}

/// A monitor that scrapes services depends on them optionally and leaves them on their own
/// journeys; a load generator is on no journey and what calls it does not need it.
#[test]
fn a_scraping_monitor_and_a_load_generator_stay_off_the_user_journeys() {
    let import = import(
        "services:\n  web:\n    image: example/web:1\n    ports: ['80:80']\n    environment:\n      - LOADGEN_UI=http://locust:8089\n  worker:\n    image: example/worker:1\n  prometheus:\n    image: prom/prometheus:v2\n    command: ['--web.listen-address=:9090']\n    environment:\n      - TARGETS=web:80,worker:9100\n  locust:\n    image: locustio/locust:2\n    ports: ['8089:8089']\n    environment:\n      - TARGET_URL=http://web:80\n",
    );
    let c = &import.model.components;
    assert!(
        c["prometheus"]
            .depends_on
            .iter()
            .all(|d| d.optional == Some(true))
    );
    assert_eq!(c["prometheus"].depends_on.len(), 2);
    let to_locust = c["web"]
        .depends_on
        .iter()
        .find(|d| d.component == "locust")
        .unwrap();
    assert_eq!(to_locust.optional, Some(true));
    let journeys = &import.model.journeys;
    assert!(journeys.contains_key("web"));
    assert!(journeys.contains_key("worker"), "{journeys:#?}");
    assert!(!journeys.contains_key("locust"));
    assert!(
        journeys
            .values()
            .all(|j| !j.path.contains(&"locust".to_string()))
    );
    assert_eq!(import.report.entry_points, ["web"]);
}
