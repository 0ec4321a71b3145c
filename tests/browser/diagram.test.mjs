// Browser tests of the interactive diagram: `spof serve` and the HTML report, in the
// system's Chromium driven by playwright-core. Run by scripts/test (which installs Chromium
// and this folder's packages when missing). Screenshots of each step go to
// target/browser-screenshots/ (kept by CI as artefacts); timings to
// target/browser-screenshots/timings.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const target = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target");
const spof = process.env.SPOF_BIN || path.join(target, "debug", "spof");
const shots = path.join(target, "browser-screenshots");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const timings = {};
fs.mkdirSync(shots, { recursive: true });

let browser;
const servers = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), "spof-browser-"));

before(async () => {
  assert.ok(fs.existsSync(spof), `build spof first (${spof} is missing): cargo build`);
  assert.ok(fs.existsSync(chromiumPath), `Chromium is missing at ${chromiumPath}: apt-get install chromium`);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  for (const s of servers) s.kill("SIGINT");
  if (browser) await browser.close();
  fs.writeFileSync(path.join(shots, "timings.json"), JSON.stringify(timings, null, 2) + "\n");
  fs.rmSync(work, { recursive: true, force: true });
});

// Starts `spof serve` on a free port and resolves with its URL (from the line it prints).
function serve(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(spof, ["serve", "--port", "0", "--today", "2026-11-23", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    servers.push(child);
    let out = "", errText = "";
    const timer = setTimeout(() => reject(new Error("spof serve did not start: " + errText)), 60000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/spof serve: (http:\/\/\S+) /);
      if (m) { clearTimeout(timer); resolve({ url: m[1], child, stderr: () => errText }); }
    });
    child.stderr.on("data", (d) => { errText += d; });
    child.on("exit", (code) => { clearTimeout(timer); if (!out.includes("spof serve:")) reject(new Error(`spof serve exited ${code}: ${errText}`)); });
  });
}

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.problems = problems;
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, name + ".png") });

async function waitAnswer(page, before) {
  await page.waitForFunction((n) => Number(document.body.dataset.answered || 0) > n, before);
}
const answered = (page) => page.evaluate(() => Number(document.body.dataset.answered || 0));

// The state of each journey in the side panel.
async function journeyStates(page) {
  return page.$$eval("#journey-states tbody tr", (rows) =>
    Object.fromEntries(rows.map((r) => [r.cells[0].textContent, { state: r.cells[1].textContent, recovery: r.cells[2].textContent, target: r.cells[3].textContent }])));
}

test("ecommerce-2009: the diagram, its SPOFs, and failing the load balancer", async () => {
  const { url } = await serve(["--example", "ecommerce-2009"]);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, "serves on 127.0.0.1 only");
  const page = await newPage();
  await page.goto(url);
  await page.waitForSelector("#spof-table tbody tr");
  const spofs = await page.$$eval("#spof-table tbody tr", (rows) => rows.map((r) => r.cells[0].textContent));
  assert.equal(spofs.length, 4, `four SPOFs in the table: ${spofs}`);
  const nodes = await page.$$eval(".node", (els) => els.map((e) => e.getAttribute("aria-label")));
  for (const name of ["lb", "app", "db", "sessions"]) {
    assert.ok(nodes.some((l) => l.includes(name)), `a node of ${name}`);
  }
  const marked = await page.$$eval(".node.spof", (els) => els.length);
  assert.ok(marked >= 3, `SPOF nodes are marked (${marked})`);
  const components = await page.$$eval("#component-table tbody tr", (rows) => rows.length);
  assert.ok(components >= 6, "the table of components");
  await shot(page, "01-ecommerce-2009");

  const n = await answered(page);
  await page.click('.node[aria-label^="fail lb/"]');
  await waitAnswer(page, n);
  const states = await journeyStates(page);
  assert.deepEqual(Object.keys(states).sort(), ["browse", "checkout"]);
  for (const [name, s] of Object.entries(states)) {
    assert.equal(s.state, "down until repaired", `${name} is down`);
    assert.match(s.recovery, /repair lb: \d/, `${name}: the repair time is shown (${s.recovery})`);
  }
  const down = await page.$$eval(".node.st-repair", (els) => els.length);
  assert.ok(down >= 1, "the load balancer lights up as down");
  const whatif = JSON.parse(await page.textContent("#whatif-json"));
  assert.deepEqual(whatif.events, ["lb/1"], "the same answer as spof whatif");
  await shot(page, "02-ecommerce-2009-lb-failed");
  timings.ecommerce_click_ms = await page.evaluate(() => window.spofTimings.lastClick);
  assert.deepEqual(page.problems, []);
});

test("nat-gateway: shift-click two zones", async () => {
  const { url } = await serve(["--example", "nat-gateway"]);
  const page = await newPage();
  await page.goto(url);
  await page.waitForSelector(".box .head");
  let n = await answered(page);
  await page.click('.head[data-event="zone:a"]');
  await waitAnswer(page, n);
  let states = await journeyStates(page);
  assert.equal(states.browse.state, "interrupted", "browsing is back once the database fails over");
  assert.notEqual(states.checkout.state, "up", "checkout does not");
  n = await answered(page);
  await page.click('.head[data-event="zone:b"]', { modifiers: ["Shift"] });
  await waitAnswer(page, n);
  states = await journeyStates(page);
  assert.equal(states.browse.state, "down until repaired");
  assert.equal(states.checkout.state, "down until repaired");
  const failed = await page.$$eval(".box.failed", (els) => els.length);
  assert.equal(failed, 2, "both zones are marked failed");
  const whatif = JSON.parse(await page.textContent("#whatif-json"));
  assert.deepEqual(whatif.events.sort(), ["zone:a", "zone:b"]);
  await shot(page, "03-nat-gateway-two-zones");
  assert.deepEqual(page.problems, []);
});

test("three-tier: the plan's frames down to no SPOF", async () => {
  const { url } = await serve(["--example", "three-tier"]);
  const page = await newPage();
  await page.goto(url);
  await page.click("#plan-load");
  await page.waitForSelector("#plan-slider:not([max='0'])");
  const frames = Number(await page.getAttribute("#plan-slider", "max"));
  assert.ok(frames >= 4, `several frames (${frames})`);
  const first = await page.textContent("#plan-spofs");
  assert.match(first, /^[1-9]/, "SPOFs in frame 0");
  await shot(page, "04-three-tier-frame-0");
  const boxesBefore = await page.$$eval(".box", (els) => els.length);
  for (let f = 1; f <= frames; f++) {
    await page.click("#plan-next");
    await page.waitForFunction((f) => document.querySelector("#plan-step").textContent.startsWith(f + " /"), f);
    if (f === 1 || f === frames) await shot(page, `05-three-tier-frame-${f}`);
  }
  assert.equal(await page.textContent("#plan-spofs"), "0", "no SPOF left in the last frame");
  const boxesAfter = await page.$$eval(".box", (els) => els.length);
  assert.ok(boxesAfter > boxesBefore, "the last frame has more zones than the first");
  assert.deepEqual(page.problems, []);
});

test("live reload: an edit on disk changes the page; an error shows, located", async () => {
  const file = path.join(work, "shop.yaml");
  fs.copyFileSync(path.join(root, "examples", "three-tier.yaml"), file);
  const { url } = await serve([file]);
  const page = await newPage();
  await page.goto(url);
  await page.waitForSelector("#spof-table tbody tr");
  const before = await page.$$eval("#spof-table tbody tr", (rows) => rows.length);
  const reloaded = await page.evaluate(() => window.spofTimings.reloaded || 0);
  const t0 = Date.now();
  // Written as editors do: a new file renamed over the old one.
  const text = fs.readFileSync(file, "utf8").replace("  app:\n    kind: service\n", "  app:\n    kind: service\n    replicas: 2\n");
  fs.writeFileSync(file + ".tmp", text);
  fs.renameSync(file + ".tmp", file);
  await page.waitForFunction((n) => (window.spofTimings.reloaded || 0) > n, reloaded, { timeout: 5000 });
  timings.live_reload_ms = Date.now() - t0;
  const afterRows = await page.$$eval("#spof-table tbody tr", (rows) => rows.length);
  assert.equal(afterRows, before - 1, "app is no longer a SPOF");
  assert.ok(await page.$('.node[aria-label^="fail app/2"]'), "a second app node is drawn");
  await shot(page, "06-live-reload");

  fs.writeFileSync(file, text.replace("kind: database", "kind: databse"));
  await page.waitForSelector("#errors:not([hidden])", { timeout: 5000 });
  const message = await page.textContent("#errors");
  assert.match(message, /shop\.yaml:\d+:\d+/, `located: ${message}`);
  assert.match(message, /database/, "with the near name");
  assert.ok(await page.$('.node[aria-label^="fail app/2"]'), "the last good diagram is kept");
  await shot(page, "07-model-error");
  assert.deepEqual(page.problems, []);
});

test("the HTML report opens from disk with the network blocked", async () => {
  const file = path.join(work, "report.html");
  await run([spof, "check", "--example", "three-tier", "--format", "html", "-o", file, "--today", "2026-11-23"]);
  const page = await newPage({ offline: true });
  const requests = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file:")) return route.continue();
    requests.push(u);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("#spof-table tbody tr");
  const spofs = await page.$$eval("#spof-table tbody tr", (rows) => rows.map((r) => r.cells[0].textContent));
  assert.ok(spofs.includes("lb/1") && spofs.includes("db/1"), `the SPOFs are listed: ${spofs}`);
  const n = await answered(page);
  await page.click('.node[aria-label^="fail db/1"]');
  await waitAnswer(page, n);
  const states = await journeyStates(page);
  assert.equal(states.shop.state, "down until repaired", "answered from the file itself");
  assert.match(states.shop.target, /missed/, "against the RTO target");
  // The plan's frames are in the file too.
  assert.equal(await page.isHidden("#plan-panel"), false);
  await shot(page, "08-html-report-offline");
  assert.deepEqual(requests, [], "no request left the file");
  assert.deepEqual(page.problems, []);
});

// Speed is measured here and reported (target/browser-screenshots/timings.json, BENCHMARKS.md),
// not held to a tight bound: a loaded CI machine must not fail the suite. The bounds below
// catch a page that stops scaling (ten times the aims of 2 s and 100 ms).
test("5,000 components: measured first frame and clicks", async () => {
  const file = path.join(work, "large.yaml");
  fs.writeFileSync(file, generated(5000));
  const { url } = await serve([file]);
  const page = await newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.spofTimings.firstFrame > 0, null, { timeout: 30000 });
  const first = await page.evaluate(() => window.spofTimings.firstFrame);
  timings.large_5000_first_frame_ms = Math.round(first);
  const nodes = await page.$$eval(".node", (els) => els.length);
  assert.ok(nodes >= 5000, `every component drawn (${nodes} nodes)`);
  await shot(page, "09-5000-components");
  const clicks = [];
  for (const name of ["c10/1", "c2500/1", "c4999/1"]) {
    const n = await answered(page);
    await page.evaluate((name) => {
      const el = document.querySelector(`.node[aria-label^="fail ${name}"]`);
      el.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, pointerId: 1 }));
      el.dispatchEvent(new PointerEvent("pointerup", { bubbles: true, pointerId: 1 }));
    }, name);
    await waitAnswer(page, n);
    clicks.push(await page.evaluate(() => window.spofTimings.lastClick));
  }
  timings.large_5000_click_ms = clicks.map(Math.round);
  console.log(`5,000 components: first frame ${first.toFixed(0)} ms, clicks ${clicks.map((c) => c.toFixed(0)).join(", ")} ms`);
  assert.ok(first < 20000, `first frame in ${first} ms`);
  for (const c of clicks) assert.ok(c < 1000, `a click answered in ${c} ms`);
  assert.deepEqual(page.problems, []);
});

test("50,000 components: the overview mode", async () => {
  const file = path.join(work, "huge.yaml");
  fs.writeFileSync(file, generated(50000));
  const { url } = await serve([file]);
  const page = await newPage();
  await page.goto(url, { timeout: 120000 });
  await page.waitForFunction(() => window.spofTimings.firstFrame > 0, null, { timeout: 120000 });
  timings.huge_50000_first_frame_ms = Math.round(await page.evaluate(() => window.spofTimings.firstFrame));
  assert.match(await page.textContent("#note"), /Overview/);
  const drawn = await page.$$eval(".node", (els) => els.length);
  assert.ok(drawn < 5000, `only the SPOFs are drawn (${drawn})`);
  await page.fill("#search", "c123");
  await page.press("#search", "Enter");
  await page.waitForSelector(".node.found");
  await shot(page, "10-50000-overview");
  console.log(`50,000 components: first frame ${timings.huge_50000_first_frame_ms} ms in the overview`);
  assert.deepEqual(page.problems, []);
});

function run(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let errText = "";
    child.stderr.on("data", (d) => { errText += d; });
    child.on("exit", (code) => (code === 0 || code === 1 ? resolve(code) : reject(new Error(errText))));
  });
}

// A generated model: `n` components in layers of services over two regions of two zones
// each, every fifth one a single instance (a SPOF), each calling two of the next layer.
function generated(n) {
  const lines = ["version: 1", `name: generated-${n}`, "domains:"];
  for (const r of ["east", "west"]) {
    lines.push(`  ${r}:`, "    kind: region");
    for (const z of ["a", "b"]) lines.push(`  ${r}-${z}:`, "    kind: zone", `    in: ${r}`);
  }
  lines.push("components:");
  const width = Math.ceil(n / 10);
  for (let i = 0; i < n; i++) {
    const region = i % 2 ? "west" : "east";
    lines.push(`  c${i}:`, "    kind: service");
    if (i % 5 === 0) lines.push(`    in: [${region}-a]`);
    else lines.push("    replicas: 2", `    spread: [${region}-a, ${region}-b]`);
    const next = i + width;
    const deps = [next, next + 1].filter((d) => d < n);
    if (deps.length) lines.push(`    depends_on: [${deps.map((d) => "c" + d).join(", ")}]`);
  }
  lines.push("journeys:", "  main:", `    path: [${Array.from({ length: Math.min(width, n) }, (_, i) => "c" + i).join(", ")}]`);
  return lines.join("\n") + "\n";
}
