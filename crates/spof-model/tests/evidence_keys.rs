//! The keys of live evidence, `endpoints` and `drills`: each read as documented in
//! docs/model.md, and every mistake in them a located diagnostic with a near name.

use spof_model::{
    DrillAction, DrillTarget, ParseLimits, ProbeCheck, Scheme, Severity, SignalTarget, parse_model,
};

const BASE: &str = "components:
  lb:
    kind: load_balancer
    endpoints: [\"https://shop.example.com/health\", \"127.0.0.1:8443\"]
    depends_on: [app]
  app:
    kind: service
    instances: [app-a, app-b]
  dns:
    kind: dns
    dns:
      providers: [route53]
      records:
        shop.example.com: {addresses: [lb], endpoints: [shop.example.com]}
domains:
  zone-a: {kind: zone}
journeys:
  checkout: {path: [dns, lb], rto_target: 1m}
";

fn errors(yaml: &str) -> Vec<(u32, u32, String, String)> {
    let parsed = parse_model(yaml, &ParseLimits::default());
    parsed
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let span = d.span.unwrap_or_default();
            (
                span.line,
                span.column,
                d.message,
                d.help.unwrap_or_default(),
            )
        })
        .collect()
}

fn with_drills(drills: &str) -> String {
    format!("{BASE}drills:\n{drills}")
}

#[test]
fn endpoints_are_read_on_components_and_records() {
    let model = parse_model(BASE, &ParseLimits::default())
        .model
        .expect("a model");
    let lb = &model.components[model.component("lb").unwrap()];
    let schemes: Vec<Scheme> = lb.endpoints.iter().map(|e| e.value.scheme).collect();
    assert_eq!(schemes, [Scheme::Https, Scheme::Tls]);
    assert_eq!(lb.endpoints[0].span.line, 4);
    let dns = &model.components[model.component("dns").unwrap()];
    let record = &dns.dns.as_ref().unwrap().records[0];
    assert_eq!(record.endpoints[0].value.scheme, Scheme::Dns);
}

#[test]
fn a_bad_endpoint_is_located() {
    let yaml = BASE.replace("\"127.0.0.1:8443\"", "\"ftp://files\"");
    let errs = errors(&yaml);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!((errs[0].0, errs[0].1), (4, 52));
    assert!(errs[0].2.contains("`ftp://` is not probed"), "{errs:#?}");
    // A component's endpoint needs a port or a scheme; a record's may be a bare name.
    let errs = errors(&BASE.replace("\"127.0.0.1:8443\"", "shop.example.com"));
    assert!(errs[0].2.contains("give a URL"), "{errs:#?}");
}

#[test]
fn a_drill_is_read_with_its_defaults() {
    let yaml = with_drills(
        "  lb-down:\n    target: lb\n    fail: \"systemctl stop haproxy\"\n    restore: \"systemctl start haproxy\"\n    probe: {url: \"http://127.0.0.1:8080/\", every: 100ms, timeout: 1s}\n    hold: 30s\n    max_duration: 5m\n    abort_after_down: 60s\n  app-b-down:\n    target: app/app-b\n    fail: \"kill b\"\n    restore: \"start b\"\n    probe: {url: \"http://127.0.0.1:8080/\"}\n    journey: checkout\n  zone-down:\n    target: zone-a\n    fail: a\n    restore: b\n    probe: {url: \"http://127.0.0.1/\"}\n",
    );
    let model = parse_model(&yaml, &ParseLimits::default())
        .model
        .expect("a model");
    let [lb, app, zone] = &model.drills[..] else {
        panic!("three drills")
    };
    assert_eq!(
        lb.target,
        DrillTarget::Component(model.component("lb").unwrap())
    );
    assert_eq!(
        (
            lb.probe.every_ms,
            lb.probe.timeout_ms,
            lb.hold_ms,
            lb.max_duration_ms
        ),
        (100, 1000, 30_000, 300_000)
    );
    assert_eq!(lb.abort_after_down_ms, Some(60_000));
    assert_eq!(
        lb.fail.value,
        DrillAction::Command("systemctl stop haproxy".into())
    );
    assert_eq!(
        app.target,
        DrillTarget::Instance {
            component: model.component("app").unwrap(),
            instance: 1
        }
    );
    assert_eq!(app.journey, Some(0));
    assert_eq!(app.abort_after_down_ms, None);
    assert_eq!(app.hold_ms, 30_000);
    assert_eq!(zone.target, DrillTarget::Domain(0));
    assert_eq!(zone.target_name(&model), "zone-a");
    assert_eq!(app.target_name(&model), "app/app-b");
}

#[test]
fn an_unknown_target_suggests_the_near_name() {
    let errs = errors(&with_drills(
        "  d:\n    target: lbb\n    fail: a\n    restore: b\n    probe: {url: \"http://127.0.0.1/\"}\n",
    ));
    assert_eq!(
        errs,
        [(
            21,
            13,
            "no component, instance or domain `lbb` to drill".to_string(),
            "did you mean `lb`?".to_string()
        )]
    );
    let errs = errors(&with_drills(
        "  d:\n    target: app/app-c\n    fail: a\n    restore: b\n    probe: {url: \"http://127.0.0.1/\"}\n",
    ));
    assert_eq!(errs[0].2, "component `app` has no instance `app-c`");
    assert_eq!(errs[0].3, "did you mean `app-a`?");
}

#[test]
fn drill_mistakes_are_all_reported_with_places() {
    let errs = errors(&with_drills(
        "  d:\n    target: lb\n    fial: a\n    restore: \"\"\n    probe: {url: \"127.0.0.1:80\", every: 1ms, timout: 1s}\n    hold: 10m\n    max_duration: 5m\n    journey: chekout\n",
    ));
    let messages: Vec<&str> = errors_text(&errs);
    assert!(
        messages.contains(&"unknown key `fial` in drill `d`"),
        "{errs:#?}"
    );
    assert!(messages.contains(&"Drill `d` has no `fail`"), "{errs:#?}");
    assert!(
        messages.contains(&"`restore` of drill `d` is empty"),
        "{errs:#?}"
    );
    assert!(
        messages.contains(&"unknown key `timout` in `probe` of drill `d`"),
        "{errs:#?}"
    );
    assert!(
        messages.contains(&"the `url` of `probe` of drill `d` is not a URL"),
        "{errs:#?}"
    );
    assert!(messages.contains(&"no journey `chekout`"), "{errs:#?}");
    assert!(
        messages.contains(&"drill `d` holds the target failed for 10m but may last only 5m"),
        "{errs:#?}"
    );
    let near = errs
        .iter()
        .find(|e| e.2 == "unknown key `fial` in drill `d`")
        .unwrap();
    assert_eq!((near.0, near.3.as_str()), (22, "did you mean `fail`?"));
    let journey = errs.iter().find(|e| e.2 == "no journey `chekout`").unwrap();
    assert_eq!(journey.3, "did you mean `checkout`?");
    let errs = errors(&with_drills(
        "  d:\n    target: lb\n    fail: a\n    restore: b\n    probe: {url: \"http://x/\", every: 1ms}\n",
    ));
    assert_eq!(
        errs[0].2,
        "`every` of `probe` of drill `d` `1ms` is too short; it must be at least 10ms"
    );
}

fn errors_text(errs: &[(u32, u32, String, String)]) -> Vec<&str> {
    errs.iter().map(|e| e.2.as_str()).collect()
}

#[test]
fn signal_container_and_command_forms_are_read() {
    let yaml = with_drills(
        "  freeze:\n    target: app/app-a\n    fail: {signal: STOP, pid_file: /run/a.pid}\n    restore: {signal: sigcont, pid: 4242}\n    probe: {tcp: \"127.0.0.1:6379\", every: 50ms}\n  boxed:\n    target: lb\n    fail: {container: lb-1}\n    restore: {container: lb-1, signal: SIGHUP}\n    probe: {command: \"redis-cli PING\"}\n  named:\n    target: lb\n    fail: {signal: TERM, process: haproxy}\n    restore: {command: \"systemctl start haproxy\"}\n    probe: {url: \"http://127.0.0.1/\"}\n",
    );
    let parsed = parse_model(&yaml, &ParseLimits::default());
    let model = parsed.model.expect("a model");
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    let [freeze, boxed, named] = &model.drills[..] else {
        panic!("three drills")
    };
    assert_eq!(
        freeze.fail.value,
        DrillAction::Signal {
            signal: "STOP".into(),
            process: SignalTarget::PidFile("/run/a.pid".into())
        }
    );
    assert_eq!(freeze.fail.span.line, 22);
    assert_eq!(
        freeze.restore.value,
        DrillAction::Signal {
            signal: "CONT".into(),
            process: SignalTarget::Pid(4242)
        }
    );
    let ProbeCheck::Tcp(address) = &freeze.probe.check.value else {
        panic!("a TCP probe: {:?}", freeze.probe.check)
    };
    assert_eq!((address.host.as_str(), address.port), ("127.0.0.1", 6379));
    assert_eq!(freeze.probe.every_ms, 50);
    assert_eq!(
        boxed.fail.value,
        DrillAction::Container {
            name: "lb-1".into(),
            signal: None
        }
    );
    assert_eq!(
        boxed.restore.value,
        DrillAction::Container {
            name: "lb-1".into(),
            signal: Some("HUP".into())
        }
    );
    assert_eq!(
        boxed.probe.check.value,
        ProbeCheck::Command("redis-cli PING".into())
    );
    assert_eq!(
        named.fail.value,
        DrillAction::Signal {
            signal: "TERM".into(),
            process: SignalTarget::Process("haproxy".into())
        }
    );
    assert_eq!(
        named.restore.value,
        DrillAction::Command("systemctl start haproxy".into())
    );
}

/// One drill `d` on `lb` with these `fail`, `restore` and `probe` lines; its `fail` is on
/// line 22, `restore` on 23 and `probe` on 24.
fn drill_errors(fail: &str, restore: &str, probe: &str) -> Vec<(u32, u32, String, String)> {
    errors(&with_drills(&format!(
        "  d:\n    target: lb\n    fail: {fail}\n    restore: {restore}\n    probe: {probe}\n"
    )))
}

#[test]
fn a_bad_signal_is_located_with_the_near_name() {
    let errs = drill_errors(
        "{signal: STPO, pid: 12}",
        "{signal: CONT, pid: 12}",
        "{url: \"http://127.0.0.1/\"}",
    );
    assert_eq!(
        errs,
        [(
            22,
            20,
            "`signal` of `fail` of drill `d` `STPO` is not a signal a drill sends".to_string(),
            format!(
                "did you mean `STOP`? Expected one of: {}",
                spof_model::SIGNALS.join(", ")
            )
        )]
    );
}

#[test]
fn signal_and_container_mistakes_are_all_reported_with_places() {
    // A process and no signal; a signal and no process.
    let errs = drill_errors(
        "{pid_file: /run/a.pid}",
        "{signal: CONT}",
        "{url: \"http://127.0.0.1/\"}",
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (
            22,
            11,
            "`fail` of drill `d` names a process but no `signal` to send it"
        )
    );
    assert!(
        errs[0].3.starts_with("add `signal:`, one of HUP"),
        "{errs:#?}"
    );
    assert_eq!(
        (errs[1].0, errs[1].1, errs[1].2.as_str()),
        (
            23,
            14,
            "`restore` of drill `d` says neither what to run nor what to signal"
        )
    );
    // Two forms at once: the second is pointed at.
    let errs = drill_errors(
        "{signal: STOP, pid: 1, pid_file: /run/a.pid}",
        "{container: web, command: \"true\"}",
        "{url: \"http://127.0.0.1/\"}",
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (
            22,
            34,
            "`fail` of drill `d` has both `pid` and `pid_file`; give one"
        )
    );
    assert_eq!(
        (errs[1].0, errs[1].1, errs[1].2.as_str()),
        (
            23,
            15,
            "`restore` of drill `d` has both `command` and `container`; give one"
        )
    );
    // A pid that is no process id, an empty container name, a command with a signal, an
    // unknown key, a number for a command.
    let errs = drill_errors(
        "{signal: STOP, pid: 0}",
        "{container: \"\"}",
        "{url: \"http://127.0.0.1/\"}",
    );
    assert_eq!((errs[0].0, errs[0].1), (22, 31), "{errs:#?}");
    assert!(
        errs[0].2.starts_with("`pid` of `fail` of drill `d`"),
        "{errs:#?}"
    );
    assert_eq!(
        (errs[1].0, errs[1].1, errs[1].2.as_str()),
        (23, 26, "`container` of `restore` of drill `d` is empty")
    );
    let errs = drill_errors(
        "{command: \"kill 1\", signal: KILL}",
        "{containr: web}",
        "{url: \"http://127.0.0.1/\"}",
    );
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (
            22,
            39,
            "`fail` of drill `d` runs a command: it sends no signal"
        )
    );
    // The misspelt key, and so no form at all.
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert_eq!(
        errs[1].2,
        "`restore` of drill `d` says neither what to run nor what to signal"
    );
    assert_eq!(
        (errs[2].0, errs[2].1, errs[2].2.as_str(), errs[2].3.as_str()),
        (
            23,
            15,
            "unknown key `containr` in `restore` of drill `d`",
            "did you mean `container`?"
        )
    );
    let errs = drill_errors("42", "b", "{url: \"http://127.0.0.1/\"}");
    assert_eq!((errs[0].0, errs[0].1), (22, 11), "{errs:#?}");
    assert!(errs[0].2.contains("should be a mapping"), "{errs:#?}");
}

#[test]
fn probe_form_mistakes_are_reported_with_places() {
    let errs = drill_errors(
        "a",
        "b",
        "{url: \"http://127.0.0.1/\", tcp: \"127.0.0.1:80\"}",
    );
    assert_eq!(
        errs,
        [(
            24,
            39,
            "`probe` of drill `d` has both `url` and `tcp`; give one".to_string(),
            "give one of `url: http://...`, `tcp: host:port` or `command: \"...\"` (exit 0 is a good probe)".to_string()
        )]
    );
    let errs = drill_errors("a", "b", "{every: 100ms}");
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (24, 12, "`probe` of drill `d` says nothing to check")
    );
    let errs = drill_errors("a", "b", "{tcp: \"http://127.0.0.1/\"}");
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (
            24,
            18,
            "the `tcp` of `probe` of drill `d` is a URL, not `host:port`"
        )
    );
    let errs = drill_errors("a", "b", "{tcp: \"127.0.0.1\"}");
    assert_eq!((errs[0].0, errs[0].1), (24, 18), "{errs:#?}");
    assert!(
        errs[0]
            .2
            .starts_with("probe address `127.0.0.1` is not usable"),
        "{errs:#?}"
    );
    let errs = drill_errors("a", "b", "{command: \" \", timeout: 1s}");
    assert_eq!(
        (errs[0].0, errs[0].1, errs[0].2.as_str()),
        (24, 22, "`command` of `probe` of drill `d` is empty")
    );
}
