// spof's interactive diagram. No library: the layout comes from spof as coordinates, and
// this script draws it as SVG, fails what is clicked (asking `spof serve`, or reading the
// answers the HTML report holds), plays the plan's frames and follows the model file live.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const svg = $("svg"), viewport = $("viewport");
  const timings = { start: performance.now() };
  window.spofTimings = timings;

  let view = null;            // the view as spof sent it
  let scene = null;           // the diagram drawn: the model's, or a plan frame's
  let components = [];        // name, kind, layer of the scene's components
  let frame = 0;              // the plan frame shown (0: the model as written)
  let selected = [];          // event ids failed together
  let journey = null;         // the journey highlighted
  let result = null;          // the answer for `selected`
  let transform = { x: 0, y: 0, k: 1 };
  let spofEvents = new Map(); // event id -> SPOF (from the report)
  let nodeEls = [], edgeEls = [], boxEls = [];
  let edgesOf = [];           // node -> edges touching it
  let lastGood = null;
  const live = () => view && view.mode === "live";
  const OVERVIEW_SPOFS = 1000;

  const esc = (text) => String(text == null ? "" : text).replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const pct = (x) => (x * 100).toFixed(x >= 0.1 ? 0 : 1) + "%";
  const money = (x) => x == null ? "—" : "$" + Math.round(x).toLocaleString("en-US");
  const words = { "none": "up", "degraded": "degraded", "interrupted": "interrupted",
    "down-until-manual-step": "down until a manual step", "down-until-repair": "down until repaired" };

  // ---- Loading -------------------------------------------------------------------------

  function start() {
    const embedded = JSON.parse($("spof-data").textContent);
    const saved = localStorage.getItem("spof-theme");
    const dark = saved ? saved === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    document.documentElement.dataset.theme = dark ? "dark" : "light";
    wire();
    if (embedded) {
      load(embedded);
    } else {
      fetch("api/view").then((r) => r.json()).then(load).catch((e) => showErrors([{ message: "could not load the view: " + e }]));
      follow();
    }
  }

  function load(next) {
    const first = view === null;
    view = next;
    showErrors(view.errors || []);
    if (view.errors && view.errors.length && lastGood) return; // keep the last good diagram
    lastGood = view;
    spofEvents = new Map((view.report.spofs || []).map((s) => [s.event, s]));
    $("title").textContent = view.title;
    document.title = "spof: " + view.title;
    $("mode").textContent = live() ? "live: " + view.file : "report: " + view.file;
    const names = view.report.components.map((c) => `<option value="${esc(c.name)}">`).join("");
    $("names").innerHTML = names;
    const notes = [];
    if (view.overview) notes.push(`Overview: ${view.report.components.length.toLocaleString("en-US")} components are too many to draw one by one; the failure domains and the ${Math.min(OVERVIEW_SPOFS, view.report.spofs.length).toLocaleString("en-US")} largest SPOFs are shown. Find a component by name to see it.`);
    if (view.results_note) notes.push(view.results_note);
    if (view.plan_note) notes.push(view.plan_note);
    $("note").hidden = notes.length === 0;
    $("note").textContent = notes.join(" ");
    const known = new Set(view.events.map((e) => e.id));
    selected = selected.filter((id) => known.has(id) || view.report.components.some((c) => c.name === id));
    if (frame > 0 && (!view.plan || frame >= view.plan.scenes.length)) frame = 0;
    setupPlan();
    showScene(first);
    renderJourneys();
    renderFindings();
    renderTables();
    answer();
  }

  // Live mode: the server says when the model changed.
  function follow() {
    if (!window.EventSource) return;
    const source = new EventSource("api/events");
    source.addEventListener("reload", () => {
      fetch("api/view").then((r) => r.json()).then((next) => {
        if (next.errors && next.errors.length) { view = Object.assign({}, lastGood || next, { errors: next.errors }); showErrors(next.errors); return; }
        load(next);
        timings.reloaded = (timings.reloaded || 0) + 1;
      });
    });
  }

  function showErrors(errors) {
    const el = $("errors");
    el.hidden = errors.length === 0;
    el.textContent = errors.length ? "The model has errors; the diagram is the last good one.\n" + errors.map((e) =>
      `${e.file || ""}${e.line ? ":" + e.line + ":" + (e.column || 1) : ""}: ${e.message}${e.help ? " (" + e.help + ")" : ""}`).join("\n") : "";
  }

  // ---- Drawing -------------------------------------------------------------------------

  function currentScene() {
    if (frame > 0 && view.plan) return [view.plan.scenes[frame], view.plan.components[frame]];
    return [view.scene, view.report.components];
  }

  function spofsShown() {
    if (frame > 0 && view.plan) return new Set(view.plan.plan.frames[frame].spofs);
    return new Set(spofEvents.keys());
  }

  function showScene(fit) {
    [scene, components] = currentScene();
    draw();
    if (fit) fitView();
    if (!timings.firstFrame) {
      requestAnimationFrame(() => { timings.firstFrame = performance.now() - timings.start; });
    }
  }

  const glyph = { dns: "DNS", cdn: "CDN", load_balancer: "LB", api_gateway: "API", web: "WEB", service: "SVC",
    worker: "WRK", cache: "CACHE", database: "DB", queue: "QUEUE", object_storage: "OBJ", file_storage: "FILES",
    search: "SEARCH", secrets: "SECRETS", config: "CONFIG", certificate: "CERT", nat_gateway: "NAT", network: "NET",
    power: "POWER", service_discovery: "DISC", ntp: "NTP", identity: "IDP", monitoring: "MON",
    deploy_pipeline: "DEPLOY", external: "EXT" };

  function draw() {
    const spofs = spofsShown();
    const overview = view.overview && frame === 0;
    const found = findTerm();
    const parts = [];
    boxEls = []; nodeEls = []; edgeEls = [];
    scene.boxes.forEach((b, i) => {
      const spof = spofs.has(b.event) ? " spof" : "";
      const label = `${b.kind} ${b.name}`;
      parts.push(`<g class="box${spof}" data-box="${i}"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6"></rect>` +
        `<g class="head" tabindex="0" role="button" data-event="${esc(b.event)}" aria-label="fail ${esc(label)}${spof ? " (a SPOF)" : ""}">` +
        `<rect x="${b.x}" y="${b.y}" width="${Math.min(b.w, 260)}" height="22" rx="6"></rect>` +
        `<text x="${b.x + 8}" y="${b.y + 16}">${esc(label)}${spof ? " ⚠ SPOF" : ""}</text></g></g>`);
    });
    // The overview draws the domains and the largest SPOFs (the report lists them by blast
    // radius), and what was searched for.
    const shownSpofs = overview ? new Set((view.report.spofs || []).slice(0, OVERVIEW_SPOFS).map((s) => s.event)) : null;
    const drawn = scene.nodes.map((n) => !overview || n.ev.some((e) => shownSpofs.has(e)) || (found && components[n.c].name === found));
    if (!overview) {
      scene.edges.forEach((e, i) => {
        parts.push(`<path class="edge ${e.kind}" data-edge="${i}" d="${edgePath(scene.nodes[e.a], scene.nodes[e.b])}"></path>`);
      });
    }
    scene.nodes.forEach((n, i) => {
      if (!drawn[i]) return;
      const c = components[n.c];
      const spofEv = n.ev.find((e) => spofs.has(e));
      const spof = spofEv !== undefined;
      const blast = spof && frame === 0 && spofEvents.get(spofEv) ? spofEvents.get(spofEv).blast_radius : null;
      const title = `${n.label}: ${c.kind}${spof ? ", a single point of failure" + (blast != null ? ", blast radius " + pct(blast) : "") : ""}`;
      parts.push(`<g class="node${spof ? " spof" : ""}" data-node="${i}" tabindex="0" role="button" aria-label="fail ${esc(title)}" transform="translate(${n.x},${n.y})">` +
        `<title>${esc(title)}</title>` +
        `<rect class="body" width="136" height="30" rx="${c.layer === "data" ? 10 : 3}"></rect>` +
        `<rect class="layer layer-${c.layer}" width="5" height="30" rx="2"></rect>` +
        `<text x="10" y="13">${esc(n.label.length > 20 ? n.label.slice(0, 19) + "…" : n.label)}</text>` +
        `<text class="kind" x="10" y="25">${glyph[c.kind] || c.kind}</text>` +
        (spof ? `<rect class="mark" x="74" y="17" width="60" height="12" rx="6"></rect><text class="mark-text" x="79" y="26">SPOF${blast != null ? " " + Math.round(blast * 100) + "%" : ""}</text>` : "") +
        `<path class="cross" d="M122 3 L132 13 M132 3 L122 13"></path></g>`);
    });
    viewport.innerHTML = parts.join("");
    boxEls = Array.from(viewport.querySelectorAll(".box"));
    nodeEls = new Array(scene.nodes.length).fill(null);
    viewport.querySelectorAll(".node").forEach((el) => { nodeEls[+el.dataset.node] = el; });
    edgeEls = new Array(scene.edges.length).fill(null);
    viewport.querySelectorAll(".edge").forEach((el) => { edgeEls[+el.dataset.edge] = el; });
    edgesOf = scene.nodes.map(() => []);
    scene.edges.forEach((e, i) => { edgesOf[e.a].push(i); edgesOf[e.b].push(i); });
    applyTransform();
    paint();
  }

  function edgePath(a, b) {
    const x1 = a.x + 136, y1 = a.y + 15, x2 = b.x - 2, y2 = b.y + 15;
    if (x2 > x1) {
      const dx = Math.max(30, (x2 - x1) / 2);
      return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
    }
    // Back or sideways (a cycle, or the same column): loop around.
    const bx = b.x + 136 + 2, dy = y2 >= y1 ? 20 : -20;
    return `M${x1},${y1} C${x1 + 40},${y1 + dy} ${bx + 40},${y2 - dy} ${bx},${y2}`;
  }

  // Colour each node by what the answer says, and the journey highlight.
  function paint() {
    const t0 = performance.now();
    const state = new Map();
    const degraded = new Set();
    if (result && frame === 0) {
      result.interrupted.forEach((c) => state.set(c, "st-interrupted"));
      result.manual.forEach((c) => state.set(c, "st-manual"));
      result.repair.forEach((c) => state.set(c, "st-repair"));
      result.degraded.forEach((c) => degraded.add(c));
    }
    const failed = new Set(frame === 0 ? selected : []);
    const failedBoxes = new Set();
    scene.boxes.forEach((b, i) => {
      if (failed.has(b.event) || (b.parent != null && failedBoxes.has(b.parent))) failedBoxes.add(i);
    });
    boxEls.forEach((el) => el.classList.toggle("failed", failedBoxes.has(+el.dataset.box)));
    const closure = journey != null && frame === 0 ? new Set(view.closures[journey]) : null;
    svg.classList.toggle("journey-on", closure !== null);
    nodeEls.forEach((el, i) => {
      if (!el) return;
      const n = scene.nodes[i];
      const c = components[n.c];
      el.classList.remove("st-interrupted", "st-manual", "st-repair");
      const s = state.get(n.c);
      if (s) el.classList.add(s);
      el.classList.toggle("st-degraded", degraded.has(n.c));
      const hit = n.ev.some((e) => failed.has(e)) || (n.box != null && failedBoxes.has(n.box)) ||
        n.also.some((e) => failed.has(e)) || failed.has("deploy:" + c.name) || failed.has(c.name);
      el.classList.toggle("failed", hit);
      el.classList.toggle("on-journey", closure !== null && closure.has(n.c));
    });
    const down = new Set(result && frame === 0 ? result.repair.concat(result.manual) : []);
    edgeEls.forEach((el, i) => {
      if (!el) return;
      const e = scene.edges[i];
      const ca = scene.nodes[e.a].c, cb = scene.nodes[e.b].c;
      el.classList.toggle("down", down.has(cb) && e.kind !== "optional" && e.kind !== "startup");
      el.classList.toggle("on-journey", closure !== null && closure.has(ca) && closure.has(cb) &&
        (!e.journeys || e.journeys.includes(view.report.journeys[journey].name)));
    });
    timings.lastPaint = performance.now() - t0;
  }

  // ---- Pan, zoom, drag -----------------------------------------------------------------

  function applyTransform() {
    viewport.setAttribute("transform", `translate(${transform.x},${transform.y}) scale(${transform.k})`);
    svg.classList.toggle("lod-low", transform.k < 0.45);
  }

  function fitView() {
    const r = svg.getBoundingClientRect();
    const k = Math.min(r.width / Math.max(scene.width, 1), r.height / Math.max(scene.height, 1), 1.5);
    transform = { k, x: (r.width - scene.width * k) / 2, y: Math.max(0, (r.height - scene.height * k) / 2) };
    applyTransform();
  }

  function zoomAt(factor, cx, cy) {
    const k = Math.min(4, Math.max(0.02, transform.k * factor));
    const f = k / transform.k;
    transform = { k, x: cx - (cx - transform.x) * f, y: cy - (cy - transform.y) * f };
    applyTransform();
  }

  function centerOn(x, y) {
    const r = svg.getBoundingClientRect();
    transform.k = Math.max(transform.k, 0.8);
    transform.x = r.width / 2 - x * transform.k;
    transform.y = r.height / 2 - y * transform.k;
    applyTransform();
  }

  const pointers = new Map();
  let gesture = null;

  function wirePointer() {
    svg.addEventListener("pointerdown", (ev) => {
      svg.setPointerCapture(ev.pointerId);
      pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      if (pointers.size === 2) {
        const [p, q] = Array.from(pointers.values());
        gesture = { pinch: Math.hypot(p.x - q.x, p.y - q.y) };
        return;
      }
      const nodeEl = ev.target.closest(".node");
      gesture = { x: ev.clientX, y: ev.clientY, moved: false, node: nodeEl ? +nodeEl.dataset.node : null,
        target: ev.target, shift: ev.shiftKey, tx: transform.x, ty: transform.y };
    });
    svg.addEventListener("pointermove", (ev) => {
      if (!pointers.has(ev.pointerId) || !gesture) return;
      pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      if (gesture.pinch && pointers.size === 2) {
        const [p, q] = Array.from(pointers.values());
        const d = Math.hypot(p.x - q.x, p.y - q.y);
        const r = svg.getBoundingClientRect();
        zoomAt(d / gesture.pinch, (p.x + q.x) / 2 - r.left, (p.y + q.y) / 2 - r.top);
        gesture.pinch = d;
        return;
      }
      const dx = ev.clientX - gesture.x, dy = ev.clientY - gesture.y;
      if (!gesture.moved && Math.hypot(dx, dy) < 4) return;
      gesture.moved = true;
      if (gesture.node !== null) {
        const n = scene.nodes[gesture.node];
        n.x += (ev.clientX - (gesture.lx ?? gesture.x)) / transform.k;
        n.y += (ev.clientY - (gesture.ly ?? gesture.y)) / transform.k;
        gesture.lx = ev.clientX; gesture.ly = ev.clientY;
        nodeEls[gesture.node].setAttribute("transform", `translate(${n.x},${n.y})`);
        edgesOf[gesture.node].forEach((i) => {
          if (edgeEls[i]) edgeEls[i].setAttribute("d", edgePath(scene.nodes[scene.edges[i].a], scene.nodes[scene.edges[i].b]));
        });
      } else {
        svg.classList.add("panning");
        transform.x = gesture.tx + dx; transform.y = gesture.ty + dy;
        applyTransform();
      }
    });
    const end = (ev) => {
      pointers.delete(ev.pointerId);
      svg.classList.remove("panning");
      if (gesture && !gesture.moved && !gesture.pinch && ev.type === "pointerup") activate(gesture.target, gesture.shift);
      if (pointers.size === 0) gesture = null;
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    svg.addEventListener("dblclick", (ev) => {
      const r = svg.getBoundingClientRect();
      zoomAt(ev.shiftKey ? 0.5 : 2, ev.clientX - r.left, ev.clientY - r.top);
    });
    svg.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(ev.target, ev.shiftKey); }
    });
  }

  // A click (or Enter) on a node or a domain's header fails it.
  function activate(target, shift) {
    const nodeEl = target.closest && target.closest(".node");
    const head = target.closest && target.closest(".head");
    if (nodeEl) {
      const n = scene.nodes[+nodeEl.dataset.node];
      if (frame > 0) return note("The frames show the plan; failing things is done on the model as written (frame 0).");
      if (!n.ev.length) return note(`${components[n.c].name} is managed: it has no failures of its own; fail one of its domains instead.`);
      toggle(n.ev[0], shift);
    } else if (head) {
      if (frame > 0) return note("The frames show the plan; failing things is done on the model as written (frame 0).");
      toggle(head.dataset.event, shift);
    }
  }

  function note(text) {
    $("note").hidden = false;
    $("note").textContent = text;
  }

  function toggle(id, shift) {
    if (shift) {
      selected = selected.includes(id) ? selected.filter((x) => x !== id) : selected.concat([id]);
    } else {
      selected = selected.length === 1 && selected[0] === id ? [] : [id];
    }
    answer();
  }

  function failOnly(ids) {
    if (frame > 0) setFrame(0);
    selected = ids.slice();
    answer();
  }

  // ---- The answer ----------------------------------------------------------------------

  let asked = 0;
  function answer() {
    const t0 = performance.now();
    const ask = ++asked;
    const done = (r) => {
      if (ask !== asked) return;
      result = r;
      paint();
      renderSelection();
      timings.lastClick = performance.now() - t0;
      document.body.dataset.answered = String(ask);
    };
    if (!selected.length) return done(null);
    if (live()) {
      const q = selected.map((e) => "event=" + encodeURIComponent(e)).join("&");
      fetch("api/whatif?" + q).then((r) => r.json()).then((r) => {
        if (r.error) { note(r.error); selected = []; return done(null); }
        done(r);
      }).catch((e) => note("the server did not answer: " + e));
      return;
    }
    if (selected.length === 1 && view.results && view.results[selected[0]]) return done(view.results[selected[0]]);
    done({ unanswered: true, events: selected.slice(), journeys: [], interrupted: [], manual: [], repair: [], degraded: [], direct: [], overloaded: [] });
  }

  function renderSelection() {
    const el = $("selection");
    if (!selected.length || !result) {
      el.innerHTML = frame > 0 ? "The plan's frames are shown; step back to frame 0 to fail things." :
        "Click an instance or a domain to fail it; shift-click to fail several together.";
      return;
    }
    const names = (list) => list.length ? list.map((c) => esc(view.report.components[c].name)).join(", ") : "none";
    let html = `<p><strong>Failing:</strong> ${result.events.map(esc).join(", ")}` +
      (result.description && result.description.length ? ` <span class="muted">(${result.description.map(esc).join("; ")})</span>` : "") + "</p>";
    if (result.unanswered) {
      el.innerHTML = html + `<p>This file answers single failures. For several together, run <code>spof serve</code> or <code>spof whatif ${result.events.map(esc).join(" ")}</code>.</p>`;
      return;
    }
    if (result.blast_radius != null) {
      html += `<p>${result.spof ? '<span class="miss">A single point of failure.</span> ' : ""}Blast radius ${pct(result.blast_radius)}.</p>`;
    }
    html += `<table id="journey-states"><caption>Journeys</caption><thead><tr><th>Journey</th><th>State</th><th>Recovery</th><th>RTO target</th></tr></thead><tbody>`;
    for (const j of result.journeys) {
      const r = j.recovery;
      let how = "—";
      if (r) {
        if (r.kind === "manual") how = `${r.steps.map(esc).join(", ")} by ${r.people.length ? r.people.map(esc).join(" or ") : "someone able to"}, ${esc(r.time || "?")}`;
        else if (r.kind === "repair") how = `repair ${r.components.map(esc).join(", ")}: ${r.time ? esc(r.time) : "no restore_time given"}`;
        else if (r.kind === "automatic") how = `automatic failover of ${r.components.map(esc).join(", ")}: ${esc(r.time)}`;
        else if (r.kind === "degraded") how = `degraded: ${r.components.map(esc).join(", ")}`;
      }
      const target = j.rto_target ? esc(j.rto_target) + (j.meets_target === false ? ' <span class="miss">missed</span>' : j.meets_target === true ? ' <span class="meet">met</span>' : "") : "—";
      html += `<tr data-journey="${esc(j.journey)}"><td>${esc(j.journey)}</td><td><span class="state ${j.outcome}">${words[j.outcome] || j.outcome}</span></td><td>${how}</td><td>${target}</td></tr>`;
    }
    html += "</tbody></table>";
    html += `<dl class="figures"><dt>Down until repaired</dt><dd>${names(result.repair)}</dd>` +
      `<dt>Down until a manual step</dt><dd>${names(result.manual)}</dd>` +
      `<dt>Interrupted</dt><dd>${names(result.interrupted)}</dd>` +
      `<dt>Degraded</dt><dd>${names(result.degraded)}</dd>` +
      (result.overloaded.length ? `<dt>Overloaded</dt><dd>${names(result.overloaded)}</dd>` : "") + "</dl>";
    if (result.whatif) {
      html += `<details><summary>The same answer as <code>spof whatif</code></summary><pre id="whatif-json">${esc(JSON.stringify(result.whatif, null, 2))}</pre></details>`;
    }
    el.innerHTML = html;
  }

  // ---- Side panels ---------------------------------------------------------------------

  function renderJourneys() {
    const list = view.report.journeys.map((j, i) => {
      const target = j.rto_target ? ` target ${esc(j.rto_target)}` : "";
      const rto = j.rto ? `RTO ${esc(j.rto)}` : "RTO unknown";
      return `<button type="button" data-journey="${i}" aria-pressed="${journey === i}">${esc(j.name)}</button>` +
        `<span class="muted">${rto}${target}${j.meets_target === false ? ' <span class="miss">misses it</span>' : ""}, ${j.spofs} SPOF${j.spofs === 1 ? "" : "s"}</span><br>`;
    }).join("");
    $("journeys").innerHTML = `<div class="journey-list">${list}</div>`;
  }

  function renderFindings() {
    const findings = view.report.findings;
    if (!findings.length) { $("findings").innerHTML = "<p>No findings.</p>"; return; }
    $("findings").innerHTML = `<ul class="findings">` + findings.map((f, i) =>
      `<li><span class="sev ${f.severity}">${f.severity}</span> <strong>${esc(f.code)}</strong> ${esc(f.message)}` +
      (f.components.length ? `<br>${f.components.map((c) => `<button type="button" class="link" data-show="${esc(c)}">${esc(c)}</button>`).join(" ")}` : "") +
      (f.event ? ` <button type="button" class="link" data-fail="${esc(f.event)}">fail ${esc(f.event)}</button>` : "") +
      `<div class="fix">${esc(f.fix)}</div></li>`).join("") + "</ul>";
  }

  function renderTables() {
    const r = view.report;
    const rows = (list, f) => list.map(f).join("");
    const spofs = r.spofs.map((s) => `<tr><td><button type="button" class="link" data-fail="${esc(s.event)}">${esc(s.event)}</button></td>` +
      `<td>${esc(s.description)}</td><td>${pct(s.blast_radius)}</td><td>${esc(s.recovery.kind)}${s.recovery.time ? " " + esc(s.recovery.time) : ""}</td></tr>`);
    const limit = 2000;
    const comps = r.components.slice(0, limit).map((c) => `<tr><td><button type="button" class="link" data-show="${esc(c.name)}">${esc(c.name)}</button></td>` +
      `<td>${esc(c.kind)}</td><td>${esc(c.layer)}</td><td>${c.instances}</td><td>${c.spof ? "yes" : "no"}</td><td>${esc(c.failover)}</td>` +
      `<td><button type="button" data-fail-component="${esc(c.name)}" aria-label="fail every instance of ${esc(c.name)}">fail</button></td></tr>`);
    const others = view.events.filter((e) => e.kind === "deploy" || e.kind === "person" || e.kind === "certificate-expiry").slice(0, limit)
      .map((e) => `<tr><td>${esc(e.id)}</td><td>${esc(e.description)}</td><td><button type="button" data-fail="${esc(e.id)}">fail</button></td></tr>`);
    $("table-list").innerHTML =
      `<table id="spof-table"><caption>Single points of failure (${r.spofs.length})</caption><thead><tr><th>Event</th><th>What</th><th>Blast radius</th><th>Recovery</th></tr></thead><tbody>${rows(spofs, (x) => x)}</tbody></table>` +
      `<table id="journey-table"><caption>Journeys (${r.journeys.length})</caption><thead><tr><th>Journey</th><th>Path</th><th>RTO</th><th>Target</th><th>SPOFs</th></tr></thead><tbody>` +
      rows(r.journeys, (j) => `<tr><td>${esc(j.name)}</td><td>${j.path.map(esc).join(" → ")}</td><td>${esc(j.rto || "unknown")}</td><td>${esc(j.rto_target || "—")}</td><td>${j.spofs}</td></tr>`) + "</tbody></table>" +
      `<table id="finding-table"><caption>Findings (${r.findings.length})</caption><thead><tr><th>Code</th><th>Severity</th><th>Finding</th><th>Fix</th></tr></thead><tbody>` +
      rows(r.findings, (f) => `<tr><td>${esc(f.code)}</td><td>${esc(f.severity)}</td><td>${esc(f.message)}</td><td>${esc(f.fix)}</td></tr>`) + "</tbody></table>" +
      `<table id="component-table"><caption>Components (${r.components.length}${r.components.length > limit ? ", the first " + limit + " listed" : ""})</caption><thead><tr><th>Component</th><th>Kind</th><th>Layer</th><th>Instances</th><th>SPOF</th><th>Failover</th><th></th></tr></thead><tbody>${rows(comps, (x) => x)}</tbody></table>` +
      (others.length ? `<table id="event-table"><caption>Deploys, certificates and people</caption><thead><tr><th>Event</th><th>What</th><th></th></tr></thead><tbody>${rows(others, (x) => x)}</tbody></table>` : "");
  }

  // ---- The plan ------------------------------------------------------------------------

  function setupPlan() {
    const panel = $("plan-panel");
    if (!view.plan) {
      panel.hidden = !live();
      if (live()) $("plan-frame").innerHTML = `<button type="button" id="plan-load">Compute the plan</button>`;
      return;
    }
    panel.hidden = false;
    const slider = $("plan-slider");
    slider.max = String(view.plan.scenes.length - 1);
    slider.value = String(frame);
    renderFrame();
  }

  function setFrame(f) {
    if (!view.plan) return;
    frame = Math.max(0, Math.min(view.plan.scenes.length - 1, f));
    $("plan-slider").value = String(frame);
    showScene(false);
    renderFrame();
    renderSelection();
  }

  function renderFrame() {
    const frames = view.plan.plan.frames;
    const f = frames[frame];
    $("plan-step").textContent = `${frame} / ${frames.length - 1}`;
    const journeys = f.journeys.map((j) => `<tr><td>${esc(j.name)}</td><td>${j.availability == null ? "—" : (j.availability * 100).toFixed(4) + "%"}</td>` +
      `<td>${j.downtime_hours_per_year == null ? "—" : j.downtime_hours_per_year.toFixed(2) + " h"}</td><td>${money(j.downtime_cost_per_year)}</td></tr>`).join("");
    $("plan-frame").innerHTML =
      `<p id="plan-fix">${f.fix ? `<strong>Fix ${frame}:</strong> ${esc(f.fix.title)} (${money(f.fix.cost_per_month)}/month${f.fix.cost_estimated ? ", estimated" : ""})` : "<strong>The model as written.</strong>"}</p>` +
      `<dl class="figures"><dt>SPOFs left</dt><dd id="plan-spofs">${f.spofs.length}${f.spofs.length ? ": " + f.spofs.map(esc).join(", ") : ""}</dd>` +
      (f.removed && f.removed.length ? `<dt>Removed</dt><dd>${f.removed.map(esc).join(", ")}</dd>` : "") +
      `<dt>Downtime cost</dt><dd>${money(f.downtime_cost_per_year)} a year</dd>` +
      `<dt>Redundancy cost so far</dt><dd>${money(f.redundancy_cost_per_month)} a month</dd>` +
      (f.zone_loss ? `<dt>Losing a zone</dt><dd>keeps at least ${pct(f.zone_loss.kept)} of the capacity</dd>` : "") + "</dl>" +
      `<table><caption>Availability</caption><thead><tr><th>Journey</th><th>Availability</th><th>Down a year</th><th>Cost a year</th></tr></thead><tbody>${journeys}</tbody></table>` +
      (frame === frames.length - 1 && view.plan.plan.left.length ? `<p class="muted">Left: ${view.plan.plan.left.map((l) => esc(l.event) + " (" + esc(l.why) + ")").join("; ")}</p>` : "");
  }

  // ---- Search, keys, buttons -----------------------------------------------------------

  let term = "";
  function findTerm() { return term; }

  function find(name) {
    const c = components.findIndex((x) => x.name === name);
    if (c < 0) { note(`No component ${name}.`); return; }
    term = name;
    if (view.overview) draw();
    nodeEls.forEach((el) => el && el.classList.remove("found"));
    const mine = scene.nodes.map((n, i) => [n, i]).filter(([n]) => n.c === c);
    mine.forEach(([, i]) => nodeEls[i] && nodeEls[i].classList.add("found"));
    if (mine.length) {
      centerOn(mine[0][0].x + 68, mine[0][0].y + 15);
      if (nodeEls[mine[0][1]]) nodeEls[mine[0][1]].focus({ preventScroll: true });
    }
  }

  function wire() {
    wirePointer();
    $("fit").onclick = () => fitView();
    $("zoom-in").onclick = () => { const r = svg.getBoundingClientRect(); zoomAt(1.4, r.width / 2, r.height / 2); };
    $("zoom-out").onclick = () => { const r = svg.getBoundingClientRect(); zoomAt(1 / 1.4, r.width / 2, r.height / 2); };
    $("clear").onclick = () => { selected = []; answer(); };
    $("theme").onclick = () => {
      const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
      document.documentElement.dataset.theme = next;
      try { localStorage.setItem("spof-theme", next); } catch (e) { /* a file may not store */ }
    };
    $("search").addEventListener("change", (ev) => ev.target.value && find(ev.target.value));
    $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && ev.target.value) find(ev.target.value); });
    $("plan-slider").addEventListener("input", (ev) => setFrame(+ev.target.value));
    $("plan-prev").onclick = () => setFrame(frame - 1);
    $("plan-next").onclick = () => setFrame(frame + 1);
    document.addEventListener("click", (ev) => {
      const t = ev.target;
      if (t.dataset.fail) failOnly([t.dataset.fail]);
      else if (t.dataset.failComponent) {
        const c = view.report.components.findIndex((x) => x.name === t.dataset.failComponent);
        const ids = view.events.filter((e) => e.kind === "instance" && e.component === c).map((e) => e.id);
        if (!ids.length) note(`${t.dataset.failComponent} is managed: fail one of its domains instead.`); else failOnly(ids);
      } else if (t.dataset.show) { if (frame > 0) setFrame(0); find(t.dataset.show); }
      else if (t.dataset.journey !== undefined && t.closest(".journey-list")) {
        const j = +t.dataset.journey;
        journey = journey === j ? null : j;
        renderJourneys();
        paint();
      } else if (t.id === "plan-load") {
        t.disabled = true; t.textContent = "Computing the plan…";
        fetch("api/plan").then((r) => r.json()).then((p) => {
          if (p.error) { note(p.error); return; }
          view.plan = p; frame = 0; setupPlan();
        });
      }
    });
    document.addEventListener("keydown", (ev) => {
      if (ev.target.tagName === "INPUT") return;
      if (ev.key === "/") { ev.preventDefault(); $("search").focus(); }
      else if (ev.key === "f") fitView();
      else if (ev.key === "+" || ev.key === "=") $("zoom-in").click();
      else if (ev.key === "-") $("zoom-out").click();
      else if (ev.key === "Escape") { selected = []; answer(); }
      else if (ev.key === "ArrowRight" && view.plan) setFrame(frame + 1);
      else if (ev.key === "ArrowLeft" && view.plan) setFrame(frame - 1);
    });
    window.addEventListener("resize", () => scene && fitView());
  }

  window.spof = { get state() { return { selected, frame, journey, result }; } };
  start();
})();
