#![allow(clippy::print_stderr)] // The lab says what it measured and why it skips.
//! The drill lab: real servers on loopback, started and stopped by the tests. haproxy in
//! front of two HTTP backends (python3's http.server); `spof drill` fails one backend (the
//! interruption is absorbed), freezes one with SIGSTOP and thaws it with SIGCONT (absorbed
//! by haproxy's health checks), fails the only load balancer (the journey is down until
//! restored: the static SPOF confirmed by measurement), runs a restore that fails (exit 2,
//! said loudly), and is interrupted by SIGINT (it still restores). A Redis primary with a
//! replica and a Sentinel that promotes the replica: the drill kills the primary with
//! SIGKILL, probes a write through whichever node Sentinel names as primary, measures the
//! failover against the declared `failover_time`, and restarts the old primary as a replica.
//! The `container:` forms run a stand-in for docker (`SPOF_DOCKER`) that records its
//! arguments. Every port is a free one picked at run time; nothing leaves the machine.
//!
//! `scripts/test` installs haproxy, redis-server and redis-tools when they are missing;
//! where they cannot be installed the tests say so and skip.

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

/// Whether the HTTP lab can run here; says why not when it cannot.
fn lab_available() -> bool {
    binaries_available(&["haproxy", "python3"])
}

/// Whether these binaries are installed; says why not when they are not (an error on CI).
fn binaries_available(binaries: &[&'static str]) -> bool {
    let missing: Vec<&str> = binaries.iter().copied().filter(|b| !have(b)).collect();
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

    fn backend_pid_file(&self, i: usize) -> PathBuf {
        self.path().join(format!("backend{i}.pid"))
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
    /// Stops every server of the lab; SIGCONT after SIGTERM, so that a backend a failed test
    /// left frozen gets the SIGTERM too.
    fn drop(&mut self) {
        for_each_pid_file(
            self.path(),
            "kill $p 2>/dev/null; kill -CONT $p 2>/dev/null",
        );
    }
}

/// Runs the shell `action` for each pid file in `dir`, with the pid in `$p`; a lab's cleanup.
fn for_each_pid_file(dir: &Path, action: &str) {
    let dir = dir.display().to_string();
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for f in {dir}/*.pid; do p=$(cat $f); {action}; done; true"
        ))
        .status();
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

#[test]
fn a_frozen_backend_is_absorbed_and_always_thawed() {
    if !lab_available() {
        return;
    }
    let lab = Lab::start();
    let pid_file = lab.backend_pid_file(0);
    let drill = format!(
        "  backend-freeze:\n    target: app/1\n    fail: {{signal: STOP, pid_file: {pid:?}}}\n    restore: {{signal: SIGCONT, pid_file: {pid:?}}}\n    probe: {{url: {url:?}, every: 50ms, timeout: 500ms}}\n    hold: 2s\n    max_duration: 1m\n",
        pid = pid_file.display().to_string(),
        url = lab.url()
    ) + &format!(
        "  backend-freeze-direct:\n    target: app/1\n    fail: {{signal: STOP, pid_file: {pid:?}}}\n    restore: {{signal: CONT, pid_file: {pid:?}}}\n    probe: {{url: \"http://127.0.0.1:{port}/\", every: 50ms, timeout: 300ms}}\n    hold: 1s\n    max_duration: 1m\n",
        pid = pid_file.display().to_string(),
        port = lab.backend_ports[0]
    );
    let model = lab.model(&drill);
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    let state = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit(')').next().map(|r| r.trim().chars().next()))
            .flatten()
    };

    // The plan says what is sent to which process.
    let dry = spof()
        .args(["drill", "backend-freeze"])
        .arg(&model)
        .arg("--dry-run")
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(
        plan.contains(&format!(
            "2. fail        signal STOP to the pid in {}",
            pid_file.display()
        )),
        "{plan}"
    );

    let (code, json, stderr) = run_drill(&model, "backend-freeze");
    let outcome = &json["outcome"];
    assert_eq!(code, 0, "{json:#}\n{stderr}");
    assert_eq!(outcome["fail_command"]["ok"], true, "{json:#}");
    assert_eq!(
        outcome["fail_command"]["output"],
        format!("sent SIGSTOP to process {pid}")
    );
    assert_eq!(
        outcome["restore_command"]["output"],
        format!("sent SIGCONT to process {pid}")
    );
    let interruption = outcome["interruption_seconds"].as_f64().unwrap();
    // haproxy's health check (every 200ms, one failure) takes the frozen backend out; the
    // probes sent to it before then time out (500ms each).
    assert!(interruption < 2.0, "{json:#}");
    assert_eq!(outcome["recovered_before_restore"], true, "{json:#}");
    eprintln!(
        "measured: one backend frozen with SIGSTOP, interruption {interruption} s, {} of {} probes failed",
        outcome["failed_probes"], outcome["probes"]
    );
    // Thawed: running again (not `T`, stopped), and the lab answers as before.
    if cfg!(target_os = "linux") {
        assert_ne!(state(), Some('T'), "the backend was thawed");
    }
    lab.wait_healthy();
    assert!(lab.healthy(), "the lab runs as before");

    // Probed directly, the frozen backend is down until thawed: missed (exit 1), and thawed
    // all the same.
    let (code, json, stderr) = run_drill(&model, "backend-freeze-direct");
    let outcome = &json["outcome"];
    assert_eq!(code, 1, "{json:#}\n{stderr}");
    assert_eq!(outcome["recovered_before_restore"], false, "{json:#}");
    assert_eq!(outcome["restore_command"]["ok"], true, "{json:#}");
    assert!(
        outcome["time_to_full_recovery_seconds"].as_f64().is_some(),
        "{json:#}"
    );
    if cfg!(target_os = "linux") {
        assert_ne!(state(), Some('T'), "the backend was thawed");
    }
    lab.wait_healthy();
    assert!(lab.healthy(), "the lab runs as before");
}

/// A Redis primary, a replica and a Sentinel (quorum 1) that promotes the replica when the
/// primary has been silent for 500 ms. All on loopback, daemonised with pid files in a
/// temporary folder; every one of them is killed when the lab is dropped.
struct RedisLab {
    dir: tempfile::TempDir,
    primary: u16,
    replica: u16,
    sentinel: u16,
}

impl RedisLab {
    fn start() -> RedisLab {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let lab = RedisLab {
            dir,
            primary: free_port(),
            replica: free_port(),
            sentinel: free_port(),
        };
        let node = |name: &str, port: u16, extra: &str| {
            let dir = lab.path().display();
            std::fs::write(
                lab.path().join(format!("{name}.conf")),
                format!(
                    "port {port}\nbind 127.0.0.1\nprotected-mode yes\ndaemonize yes\npidfile {dir}/{name}.pid\nlogfile {dir}/{name}.log\ndir {dir}\ndbfilename {name}.rdb\nsave \"\"\nappendonly no\n{extra}"
                ),
            )
            .unwrap();
        };
        node("primary", lab.primary, "");
        node(
            "replica",
            lab.replica,
            &format!("replicaof 127.0.0.1 {}\n", lab.primary),
        );
        node(
            "sentinel",
            lab.sentinel,
            &format!(
                "sentinel monitor mymaster 127.0.0.1 {} 1\nsentinel down-after-milliseconds mymaster 500\nsentinel failover-timeout mymaster 2000\nsentinel parallel-syncs mymaster 1\n",
                lab.primary
            ),
        );
        for name in ["primary", "replica"] {
            lab.sh(&format!(
                "redis-server {}/{name}.conf",
                lab.path().display()
            ));
        }
        lab.sh(&format!(
            "redis-server {}/sentinel.conf --sentinel",
            lab.path().display()
        ));
        // Ready: the replica in sync with the primary, and Sentinel knowing both.
        lab.wait_for("the replica to sync", || {
            lab.cli(lab.replica, "INFO replication")
                .contains("master_link_status:up")
        });
        lab.wait_for("Sentinel to find the replica", || {
            let replicas = lab.cli(lab.sentinel, "SENTINEL replicas mymaster");
            replicas.contains(&lab.replica.to_string()) && !replicas.contains("disconnected")
        });
        assert!(lab.writable(), "the lab takes writes");
        lab
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn sh(&self, script: &str) {
        let status = Command::new("sh")
            .arg("-c")
            .arg(script)
            .status()
            .expect("sh runs");
        assert!(status.success(), "lab command failed: {script}");
    }

    /// redis-cli's answer, empty when it cannot connect.
    fn cli(&self, port: u16, command: &str) -> String {
        let output = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(command.split_whitespace())
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, ready: impl Fn() -> bool) {
        let start = Instant::now();
        while !ready() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waited 20 s for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The port of the node Sentinel names as primary.
    fn current_primary(&self) -> Option<u16> {
        self.cli(self.sentinel, "SENTINEL get-master-addr-by-name mymaster")
            .lines()
            .nth(1)
            .and_then(|p| p.trim().parse().ok())
    }

    /// The journey's probe: a write through the node Sentinel names as primary.
    fn probe_command(&self) -> String {
        format!(
            "set -- $(redis-cli -p {} SENTINEL get-master-addr-by-name mymaster) && [ \"$(redis-cli -h \"$1\" -p \"$2\" SET spof-drill ok)\" = OK ]",
            self.sentinel
        )
    }

    fn writable(&self) -> bool {
        Command::new("sh")
            .arg("-c")
            .arg(self.probe_command())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Restarts the old primary as a replica of the one Sentinel names now, and waits until
    /// it answers.
    fn restore_primary(&self) -> String {
        format!(
            "set -- $(redis-cli -p {sentinel} SENTINEL get-master-addr-by-name mymaster) && redis-server {dir}/primary.conf --replicaof \"$1\" \"$2\" && for n in $(seq 100); do [ \"$(redis-cli -p {port} PING 2>/dev/null)\" = PONG ] && exit 0; sleep 0.05; done; exit 1",
            sentinel = self.sentinel,
            dir = self.path().display(),
            port = self.primary
        )
    }

    fn model(&self) -> PathBuf {
        let yaml = format!(
            "name: redis lab\ncomponents:\n  store:\n    kind: database\n    instances:\n      - {{name: primary, role: primary}}\n      - {{name: replica, role: standby}}\n    mode: active-passive\n    failover: automatic\n    failover_time: 5s\njourneys:\n  write:\n    path: [store]\n    rto_target: 30s\ndrills:\n  primary-down:\n    target: store/primary\n    fail: {{signal: KILL, pid_file: {pid:?}}}\n    restore: {restore:?}\n    probe: {{command: {probe:?}, every: 50ms, timeout: 1s}}\n    hold: 15s\n    max_duration: 1m\n    abort_after_down: 10s\n",
            pid = self.path().join("primary.pid").display().to_string(),
            restore = self.restore_primary(),
            probe = self.probe_command(),
        );
        let path = self.path().join("redis-lab.yaml");
        std::fs::write(&path, yaml).unwrap();
        path
    }
}

impl Drop for RedisLab {
    /// Kills every Redis process of the lab; a pid file left by the drill's SIGKILL may name
    /// a process that is gone, so only a redis-server is killed.
    fn drop(&mut self) {
        for_each_pid_file(
            self.path(),
            "case \"$(ps -o comm= -p $p 2>/dev/null)\" in redis*) kill -9 $p;; esac",
        );
    }
}

#[test]
fn a_redis_primary_fails_over_to_its_replica_within_the_declared_time() {
    if !binaries_available(&["redis-server", "redis-cli"]) {
        return;
    }
    let lab = RedisLab::start();
    let model = lab.model();
    assert_eq!(lab.current_primary(), Some(lab.primary));

    let (code, json, stderr) = run_drill(&model, "primary-down");
    let outcome = &json["outcome"];
    assert_eq!(code, 0, "{json:#}\n{stderr}");
    assert_eq!(outcome["verdict"], "met", "{json:#}");
    assert_eq!(outcome["declared_failover_seconds"], 5, "{json:#}");
    // Sentinel promoted the replica while the primary was still dead.
    assert_eq!(outcome["recovered_before_restore"], true, "{json:#}");
    let interruption = outcome["interruption_seconds"].as_f64().unwrap();
    assert!(
        interruption > 0.0 && interruption < 5.0,
        "the failover took {interruption} s: {json:#}"
    );
    eprintln!(
        "measured: Redis primary killed, Sentinel failover interruption {interruption} s (declared 5 s), {} of {} probes failed",
        outcome["failed_probes"], outcome["probes"]
    );

    // The lab is left running: the replica is the primary, the old primary its replica.
    assert_eq!(lab.current_primary(), Some(lab.replica));
    lab.wait_for("the old primary to rejoin as a replica", || {
        let info = lab.cli(lab.primary, "INFO replication");
        info.contains("role:slave")
            && info.contains(&format!("master_port:{}", lab.replica))
            && info.contains("master_link_status:up")
    });
    assert!(lab.writable(), "the lab takes writes after the drill");
    assert_eq!(
        lab.cli(lab.primary, "GET spof-drill").trim(),
        "ok",
        "the rejoined node has the writes made during the drill"
    );

    // The history has the measurement, and a check reads it as evidence for `store`.
    let check = spof()
        .arg("check")
        .arg(&model)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let evidence = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["component"] == "store")
        .unwrap_or_else(|| panic!("no evidence for store: {report:#}"));
    assert_eq!(evidence["drill"], "primary-down");
    assert_eq!(evidence["met"], true, "{evidence:#}");
    assert!(
        evidence["text"]
            .as_str()
            .unwrap()
            .starts_with("`store`: failover tested"),
        "{evidence:#}"
    );
    eprintln!("evidence: {}", evidence["text"]);
}

/// A stand-in for docker that records its arguments, one call a line, and exits 0.
fn fake_docker(dir: &Path) -> (PathBuf, PathBuf) {
    let log = dir.join("docker-calls");
    let script = dir.join("docker");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" >> {:?}\n",
            log.display().to_string()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

#[test]
fn container_forms_run_docker_and_a_missing_process_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (docker, log) = fake_docker(dir.path());
    // A TCP probe against a listener held here: the kernel accepts connections.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let yaml = format!(
        "components:\n  cache: {{kind: cache}}\ndrills:\n  stop-start:\n    target: cache\n    fail: {{container: cache-1}}\n    restore: {{container: cache-1}}\n    probe: {{tcp: \"{address}\", every: 20ms, timeout: 200ms}}\n    hold: 200ms\n  pause:\n    target: cache\n    fail: {{container: cache-1, signal: STOP}}\n    restore: {{container: cache-1, signal: CONT}}\n    probe: {{tcp: \"{address}\", every: 20ms}}\n    hold: 100ms\n  nobody:\n    target: cache\n    fail: {{signal: STOP, process: spof-nosuchproc}}\n    restore: \"true\"\n    probe: {{command: \"true\"}}\n    hold: 100ms\n  long-name:\n    target: cache\n    fail: {{signal: STOP, process: spof-no-such-process}}\n    restore: \"true\"\n    probe: {{command: \"true\"}}\n    hold: 100ms\n"
    );
    let model = dir.path().join("m.yaml");
    std::fs::write(&model, yaml).unwrap();
    let run = |name: &str| {
        let output = spof()
            .args(["drill", name])
            .arg(&model)
            .args(["--format", "json", "--no-history"])
            .env("SPOF_DOCKER", &docker)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        (output.status.code(), json)
    };
    let (code, json) = run("stop-start");
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(
        json["outcome"]["fail_command"]["command"],
        format!("{} stop cache-1", docker.display())
    );
    let (code, json) = run("pause");
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "stop cache-1\nstart cache-1\nkill --signal STOP cache-1\nkill --signal CONT cache-1\n"
    );
    // The plan names docker's commands.
    let dry = spof()
        .args(["drill", "stop-start"])
        .arg(&model)
        .arg("--dry-run")
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(
        plan.contains("2. fail        docker stop cache-1"),
        "{plan}"
    );
    assert!(
        plan.contains("4. restore     docker start cache-1"),
        "{plan}"
    );
    assert!(
        plan.contains(&format!(
            "1. check       {address} accepts a TCP connection"
        )),
        "{plan}"
    );

    // A signal to a process that is not there: the fail action fails, the restore still
    // runs, exit 2.
    let (code, json) = run("nobody");
    assert_eq!(code, Some(2), "{json:#}");
    assert_eq!(
        json["outcome"]["fail_command"]["output"],
        "no process is named spof-nosuchproc"
    );
    assert_eq!(json["outcome"]["restore_command"]["ok"], true, "{json:#}");
    // Longer than the 15 characters of a Linux process name: pgrep's warning is passed on,
    // and no number in it is taken for a process id.
    let (code, json) = run("long-name");
    assert_eq!(code, Some(2), "{json:#}");
    let output = json["outcome"]["fail_command"]["output"].as_str().unwrap();
    assert!(
        output.starts_with("no process is named spof-no-such-process"),
        "{json:#}"
    );
    assert!(!output.starts_with("sent"), "{json:#}");
    drop(listener);

    // A docker that fails: the drill says so and exits 2.
    let (code, json) = {
        let output = spof()
            .args(["drill", "stop-start"])
            .arg(&model)
            .args(["--format", "json", "--no-history"])
            .env("SPOF_DOCKER", dir.path().join("no-such-docker"))
            .output()
            .unwrap();
        (
            output.status.code(),
            serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        )
    };
    assert_eq!(code, Some(2), "{json:#}");
    assert!(
        json["outcome"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("not healthy before the drill")
            || json["outcome"]["fail_command"]["output"]
                .as_str()
                .unwrap()
                .starts_with("cannot run it"),
        "{json:#}"
    );
}

/// The `pid:` and `process:` forms, on a process started here under a name of its own: the
/// drill stops it, the probe (which reads the process's state) sees the outage, and the
/// restore sends SIGCONT, so it runs again after.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_by_pid_or_process_name_stops_and_continues_that_process() {
    for form in ["pid", "process"] {
        signal_stops_and_continues(form);
    }
}

#[cfg(target_os = "linux")]
fn signal_stops_and_continues(form: &str) {
    let dir = tempfile::tempdir().unwrap();
    // A copy of `sleep` under a name no other process has (at most 15 characters, as the
    // kernel keeps it).
    let name = format!("spofsl{}", std::process::id() % 100_000);
    let program = dir.path().join(&name);
    let sleep = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v sleep"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    std::fs::copy(sleep.trim(), &program).unwrap();
    let mut child = Command::new(&program).arg("60").spawn().unwrap();
    let pid = child.id();
    let target = if form == "pid" {
        format!("pid: {pid}")
    } else {
        format!("process: {name}")
    };
    let state = move || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        // The state follows the command's name in parentheses.
        stat.rsplit_once(") ").unwrap().1.chars().next().unwrap()
    };
    let yaml = format!(
        "components:\n  worker: {{kind: worker}}\ndrills:\n  freeze:\n    target: worker\n    fail: {{signal: STOP, {target}}}\n    restore: {{signal: CONT, {target}}}\n    probe: {{command: \"! grep -q ') T ' /proc/{pid}/stat\", every: 20ms, timeout: 500ms}}\n    hold: 300ms\n    max_duration: 30s\n"
    );
    let model = dir.path().join("m.yaml");
    std::fs::write(&model, yaml).unwrap();
    let (code, json, stderr) = run_drill(&model, "freeze");
    let outcome = &json["outcome"];
    let interruption = outcome["interruption_seconds"].as_f64();
    let after = state();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        code, 1,
        "{form}: down for the whole hold, so the drill misses: {json:#}\n{stderr}"
    );
    assert!(
        interruption.is_some_and(|s| s > 0.0),
        "the probe saw the process stopped: {json:#}"
    );
    assert_ne!(after, 'T', "continued after the drill: {json:#}");
}
