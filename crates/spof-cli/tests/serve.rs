//! `spof serve` over HTTP, without a browser (tests/browser drives one): it binds 127.0.0.1
//! by default, answers a click with the JSON of `spof whatif`, refuses requests that name
//! another host, reads a model with errors as the page's located errors, and says so first
//! when the model does not read at all. Also `spof check --format html`.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("spof"))
        .arg("serve")
        .args(["--port", "0", "--today", "2026-11-23"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .strip_prefix("spof serve: ")
        .unwrap_or_else(|| panic!("{line}"));
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    let port = url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    Server { child, port }
}

/// A GET with the given Host header: the status and the body.
fn get(server: &Server, path: &str, host: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

fn local(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port)
}

#[test]
fn a_click_is_answered_as_whatif_answers() {
    let server = serve(&["--example", "ecommerce-2009"]);
    let (status, page) = get(&server, "/", &local(&server));
    assert_eq!(status, 200);
    assert!(page.contains("<svg") && page.contains("spof-data"));
    let (status, view) = get(&server, "/api/view", &local(&server));
    assert_eq!(status, 200);
    let view: serde_json::Value = serde_json::from_str(&view).unwrap();
    assert_eq!(view["mode"], "live");
    assert_eq!(view["report"]["spofs"].as_array().unwrap().len(), 4);
    for events in [vec!["lb/1"], vec!["app/1", "app/2"], vec!["db"]] {
        let query: Vec<String> = events.iter().map(|e| format!("event={e}")).collect();
        let (status, body) = get(
            &server,
            &format!("/api/whatif?{}", query.join("&")),
            &local(&server),
        );
        assert_eq!(status, 200, "{body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        let cli = Command::cargo_bin("spof")
            .unwrap()
            .args(["whatif", "--example", "ecommerce-2009", "--format", "json"])
            .args(&events)
            .args(["--today", "2026-11-23"])
            .output()
            .unwrap();
        let whatif: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
        assert_eq!(answer["whatif"], whatif, "{events:?}");
    }
    let (_, body) = get(&server, "/api/whatif?event=lb/1", &local(&server));
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["spof"], true);
    assert_eq!(answer["journeys"][0]["recovery"]["kind"], "repair");
    let (status, body) = get(&server, "/api/whatif?event=lbb", &local(&server));
    assert_eq!(status, 400);
    assert!(body.contains("did you mean"), "{body}");
}

#[test]
fn another_host_name_is_refused() {
    let server = serve(&["--example", "three-tier"]);
    let (status, _) = get(&server, "/api/view", "evil.example:80");
    assert_eq!(status, 403);
    let (status, _) = get(&server, "/api/view", &format!("localhost:{}", server.port));
    assert_eq!(status, 200);
}

#[test]
fn the_plan_frames_come_with_their_diagrams() {
    let server = serve(&["--example", "three-tier"]);
    let (status, body) = get(&server, "/api/plan", &local(&server));
    assert_eq!(status, 200);
    let plan: serde_json::Value = serde_json::from_str(&body).unwrap();
    let frames = plan["plan"]["frames"].as_array().unwrap();
    assert_eq!(frames.len(), plan["scenes"].as_array().unwrap().len());
    assert!(
        frames.last().unwrap()["spofs"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_edited_model_with_errors_is_shown_located_over_the_last_good_view() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spof.yaml");
    let good = include_str!("../../../examples/three-tier.yaml");
    std::fs::write(&file, good).unwrap();
    let server = serve(&[file.to_str().unwrap()]);
    std::fs::write(&file, good.replace("kind: database", "kind: databse")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, body) = get(&server, "/api/view", &local(&server));
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        if let Some(error) = view["errors"].as_array().and_then(|e| e.first()) {
            assert!(error["line"].as_u64().unwrap() > 0);
            assert!(
                error["help"].as_str().unwrap().contains("database"),
                "{error}"
            );
            assert_eq!(
                view["report"]["spofs"].as_array().unwrap().len(),
                4,
                "the last good view"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no reload seen");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_model_that_does_not_read_is_said_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spof.yaml");
    std::fs::write(&file, "version: 1\ncomponents:\n  a: {kind: servce}\n").unwrap();
    Command::cargo_bin("spof")
        .unwrap()
        .args(["serve", "--port", "0"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("service"));
}

#[test]
fn the_html_report_is_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    Command::cargo_bin("spof")
        .unwrap()
        .args(["check", "--example", "three-tier", "--format", "html", "-o"])
        .arg(&out)
        .args(["--today", "2026-11-23"])
        .assert()
        .code(1);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("\"results\":{"), "answers precomputed");
    assert!(html.contains("\"scenes\":["), "the plan's frames");
    // Not overwritten without --force.
    Command::cargo_bin("spof")
        .unwrap()
        .args(["check", "--example", "three-tier", "--format", "html", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
}
