#![allow(clippy::print_stderr)] // The lab says what it measured and why it skips.
//! The drill lab: real servers on loopback, started and stopped by the tests. haproxy in
//! front of two HTTP backends (python3's http.server); `spof drill` fails one backend (the
//! interruption is absorbed), the only load balancer (the journey is down until restored:
//! the static SPOF confirmed by measurement), runs a restore that fails (exit 2, said loudly),
//! and is interrupted by SIGINT (it still restores). Every port is a free one picked at run
//! time; nothing leaves the machine.
//!
//! `scripts/test` installs haproxy when it is missing; where it cannot be installed the tests
//! say so and skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn spof() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spof"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn have(binary: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {binary}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether the lab can run here; says why not when it cannot.
fn lab_available() -> bool {
    let missing: Vec<&str> = ["haproxy", "python3"]
        .into_iter()
        .filter(|b| !have(b))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none() || std::env::var_os("SPOF_LAB_OPTIONAL").is_some(),
        "the drill lab needs {} (scripts/test installs them); set SPOF_LAB_OPTIONAL=1 to skip",
        missing.join(" and ")
    );
    eprintln!(
        "skipping the drill lab: {} not installed (scripts/test installs them)",
        missing.join(" and ")
    );
    false
}

/// The lab: two backends and haproxy, each with its start and stop commands.
struct Lab {
    dir: tempfile::TempDir,
    lb_port: u16,
    backend_ports: [u16; 2],
}

impl Lab {
    fn start() -> Lab {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let lb_port = free_port();
        let backend_ports = [free_port(), free_port()];
        std::fs::write(dir.path().join("index.html"), "ok\n").unwrap();
        let config = format!(
            "global\n  maxconn 256\ndefaults\n  mode http\n  timeout connect 200ms\n  timeout client 5s\n  timeout server 5s\n  retries 2\n  option redispatch\n  retry-on conn-failure empty-response response-timeout\nfrontend web\n  bind 127.0.0.1:{lb_port}\n  default_backend app\nbackend app\n  balance roundrobin\n  option httpchk GET /\n  server a 127.0.0.1:{} check inter 200ms fall 1 rise 1\n  server b 127.0.0.1:{} check inter 200ms fall 1 rise 1\n",
            backend_ports[0], backend_ports[1]
        );
        std::fs::write(dir.path().join("haproxy.cfg"), config).unwrap();
        let lab = Lab {
            dir,
            lb_port,
            backend_ports,
        };
        for i in 0..2 {
            lab.sh(&lab.start_backend(i));
        }
        lab.sh(&lab.start_lb());
        lab.wait_healthy();
        lab
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A script that starts backend `i` and waits until it listens.
    fn start_backend(&self, i: usize) -> String {
        let script = self.path().join(format!("start-backend{i}.sh"));
        std::fs::write(
            &script,
            format!(
                "cd {dir}\npython3 -m http.server {port} --bind 127.0.0.1 >/dev/null 2>&1 &\necho $! > {dir}/backend{i}.pid\nfor n in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && exit 0; sleep 0.05; done\nexit 1\n",
                dir = self.path().display(),
                port = self.backend_ports[i]
            ),
        )
        .unwrap();
        format!("bash {}", script.display())
    }

    fn stop_backend(&self, i: usize) -> String {
        format!("kill $(cat {}/backend{i}.pid)", self.path().display())
    }

    fn start_lb(&self) -> String {
        format!(
            "haproxy -D -f {dir}/haproxy.cfg -p {dir}/haproxy.pid",
            dir = self.path().display()
        )
    }

    fn stop_lb(&self) -> String {
        format!(
            "kill $(cat {dir}/haproxy.pid) && while kill -0 $(cat {dir}/haproxy.pid) 2>/dev/null; do sleep 0.05; done",
            dir = self.path().display()
        )
    }

    fn sh(&self, script: &str) {
        let status = Command::new("bash")
            .arg("-c")
            .arg(script)
            .status()
            .expect("bash runs");
        assert!(status.success(), "lab command failed: {script}");
    }

    fn healthy(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.lb_port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        let _ = stream.write_all(b"GET / HTTP/1.0\r\nHost: lab\r\n\r\n");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
    }

    fn wait_healthy(&self) {
        let start = Instant::now();
        while !self.healthy() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the lab did not come up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Both backends up in haproxy's eyes.
        std::thread::sleep(Duration::from_millis(500));
    }

    /// The lab's model, with the drills given.
    fn model(&self, drills: &str) -> PathBuf {
        let yaml = format!(
            "name: drill lab\ncomponents:\n  lb:\n    kind: load_balancer\n    depends_on: [app]\n  app:\n    kind: web\n    replicas: 2\njourneys:\n  browse:\n    path: [lb]\n    rto_target: 30s\ndrills:\n{drills}"
        );
        let path = self.path().join("lab.yaml");
        std::fs::write(&path, yaml).unwrap();
        path
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.lb_port)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let dir = self.path().display().to_string();
        let _ = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "for f in {dir}/*.pid; do kill $(cat $f) 2>/dev/null; done; true"
            ))
            .status();
    }
}

fn drill(lab: &Lab, name: &str, fail: &str, restore: &str, target: &str, hold: &str) -> String {
    format!(
        "  {name}:\n    target: {target}\n    fail: {fail:?}\n    restore: {restore:?}\n    probe: {{url: {:?}, every: 50ms, timeout: 500ms}}\n    hold: {hold}\n    max_duration: 1m\n",
        lab.url()
    )
}

fn run_drill(model: &Path, name: &str) -> (i32, serde_json::Value, String) {
    let output = spof()
        .args(["drill", name])
        .arg(model)
        .args(["--format", "json"])
        .output()
        .expect("spof runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (output.status.code().unwrap_or(-1), json, stderr)
}

#[test]
fn drills_on_the_lab_measure_what_the_model_claims() {
    if !lab_available() {
        return;
    }
    let lab = Lab::start();
    let drills = [
        drill(
            &lab,
            "backend-down",
            &lab.stop_backend(0),
            &lab.start_backend(0),
            "app/1",
            "2s",
        ),
        drill(
            &lab,
            "lb-down",
            &lab.stop_lb(),
            &lab.start_lb(),
            "lb",
            "1500ms",
        ),
        drill(&lab, "bad-restore", &lab.stop_lb(), "false", "lb", "300ms"),
        drill(
            &lab,
            "lb-abort",
            &lab.stop_lb(),
            &lab.start_lb(),
            "lb",
            "30s",
        ) + "    abort_after_down: 500ms\n",
    ]
    .concat();
    let model = lab.model(&drills);

    // The plan, without running anything.
    let dry = spof()
        .args(["drill", "lb-down"])
        .arg(&model)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0));
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(plan.contains("dry run"), "{plan}");
    assert!(plan.contains("rto_target 30 s"), "{plan}");
    assert!(lab.healthy());

    // One backend failed: haproxy retries on the other; the interruption is near zero.
    let (code, json, stderr) = run_drill(&model, "backend-down");
    let outcome = &json["outcome"];
    assert_eq!(code, 0, "{json:#}\n{stderr}");
    let interruption = outcome["interruption_seconds"].as_f64().unwrap();
    assert!(interruption < 1.0, "{json:#}");
    assert_eq!(outcome["recovered_before_restore"], true);
    eprintln!("measured: one backend down, interruption {interruption} s");
    assert!(lab.healthy(), "the lab runs as before");

    // The only load balancer failed: down until restored; the drill misses (exit 1).
    let (code, json, stderr) = run_drill(&model, "lb-down");
    let outcome = &json["outcome"];
    assert_eq!(code, 1, "{json:#}\n{stderr}");
    assert_eq!(outcome["recovered_before_restore"], false, "{json:#}");
    let interruption = outcome["interruption_seconds"].as_f64().unwrap();
    assert!(interruption >= 1.4, "down for the whole hold: {json:#}");
    assert!(outcome["error_rate"].as_f64().unwrap() > 0.5, "{json:#}");
    eprintln!("measured: the load balancer down, interruption {interruption} s (until restored)");
    lab.wait_healthy();

    // A restore that fails: exit 2, said loudly; the lab is restored by hand.
    let (code, json, stderr) = run_drill(&model, "bad-restore");
    assert_eq!(code, 2, "{json:#}\n{stderr}");
    assert!(stderr.contains("THE RESTORE OF `lb` FAILED"), "{stderr}");
    assert_eq!(json["outcome"]["restore_command"]["ok"], false);
    lab.sh(&lab.start_lb());
    lab.wait_healthy();

    // Down longer than abort_after_down: restored at once, long before the hold.
    let started = Instant::now();
    let (code, json, stderr) = run_drill(&model, "lb-abort");
    assert_eq!(code, 1, "{json:#}\n{stderr}");
    assert_eq!(json["outcome"]["aborted"], "the journey was down for 500ms");
    assert!(started.elapsed() < Duration::from_secs(15), "{json:#}");
    lab.wait_healthy();

    // The history lists the runs, and a check reads them as evidence.
    let history = lab.path().join("lab.history.sqlite");
    assert!(history.exists());
    let output = spof()
        .args(["history", "--format", "json", "--history"])
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let drills: Vec<&str> = json["drills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["drill"].as_str().unwrap())
        .collect();
    assert_eq!(
        drills,
        ["backend-down", "lb-down", "bad-restore", "lb-abort"]
    );
    let check = spof()
        .arg("check")
        .arg(&model)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let missed: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SPOF026")
        .collect();
    assert_eq!(missed.len(), 1, "{report:#}");
    assert!(
        missed[0]["message"]
            .as_str()
            .unwrap()
            .contains("drill `lb-abort` missed its target"),
        "{report:#}"
    );
}

#[test]
fn sigint_during_a_drill_still_restores() {
    if !lab_available() {
        return;
    }
    let lab = Lab::start();
    let model = lab.model(&drill(
        &lab,
        "lb-down",
        &lab.stop_lb(),
        &lab.start_lb(),
        "lb",
        "30s",
    ));
    let child = spof()
        .args(["drill", "lb-down"])
        .arg(&model)
        .arg("--no-history")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the load balancer is down, then interrupt.
    let start = Instant::now();
    while lab.healthy() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the drill did not fail the lb"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("interrupted (SIGINT)"), "{stdout}");
    assert!(stdout.contains("restored"), "{stdout}");
    assert!(lab.healthy(), "the drill restored the load balancer");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "the drill ended at once"
    );
}

#[test]
fn a_drill_refuses_to_start_when_the_journey_is_down() {
    if !lab_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("failed");
    let port = free_port();
    let yaml = format!(
        "components:\n  lb: {{kind: load_balancer}}\ndrills:\n  d:\n    target: lb\n    fail: \"touch {}\"\n    restore: \"true\"\n    probe: {{url: \"http://127.0.0.1:{port}/\", timeout: 200ms}}\n    hold: 1s\n",
        marker.display()
    );
    let model = dir.path().join("m.yaml");
    std::fs::write(&model, yaml).unwrap();
    let output = spof().args(["drill", "d"]).arg(&model).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("not healthy before the drill"), "{stdout}");
    assert!(!marker.exists(), "nothing was failed");
    // An unknown drill gets the near name.
    let output = spof().args(["drill", "dd"]).arg(&model).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `d`?"));
}
