// Myelin fleet dashboard: polls /api/fleet (robots, releases) and reads /api/runs (learning curves) once.
// Every text from the server goes into the page through textContent: nothing is parsed as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const STATE_COLOURS = { canary: "#e0a800", promoted: "#3b6fd8", committed: "#2e9b52", "rolled-back": "#c93c3c", seen: "#9aa3b2" };
const RUN_COLOURS = ["#3b6fd8", "#c93c3c", "#2e9b52", "#e0a800", "#8a4fd1", "#1b9aaa", "#d1692b", "#555"];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text != null) e.textContent = String(text);
  return e;
}

function ago(ms, now) {
  if (!ms) return "";
  const s = Math.max(0, (now - ms) / 1000);
  return s < 60 ? s.toFixed(0) + " s ago" : s < 3600 ? (s / 60).toFixed(0) + " min ago" : (s / 3600).toFixed(1) + " h ago";
}

// With the release key loaded, a robot's updates can be paused and resumed (a signed command).
function agentCell(r, data) {
  const td = el("td", { class: "agent" }, r.online ? r.ota : "");
  if (!data.read_only && r.online) {
    const action = r.ota === "paused" ? "resume" : "pause";
    const b = el("button", { type: "button", "data-action": action, "data-robot": r.id }, action + " updates");
    b.onclick = async () => {
      b.disabled = true;
      const res = await fetch("/api/command", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ robot: r.id, action, token: data.token }),
      });
      const body = await res.json();
      document.getElementById("command").textContent = res.ok
        ? action + " sent to " + r.id + " (command " + body.id + ")"
        : "refused: " + body.error;
    };
    td.append(" ", b);
  }
  return td;
}

// The loop's p99 period jitter and input-to-output latency (microseconds) and deadline misses from the robot's status.
function loopCell(r) {
  const l = r.online ? r.loop : undefined;
  if (!l) return el("td", { class: "loop muted" }, "not reported");
  return el("td", { class: "loop", title: "p99 period jitter / p99 input-to-output; deadline misses since start" },
    el("span", { class: "jitter" }, l.jitter_p99_us + " \u00b5s"), " / ", el("span", { class: "io" }, l.io_p99_us + " \u00b5s"),
    el("span", { class: "slot muted" }, l.deadline_misses + " missed"));
}

function renderRobots(data) {
  const body = document.querySelector("#robots tbody");
  body.replaceChildren();
  for (const r of data.robots) {
    const slots = el("td", {});
    for (const [name, v] of [["committed", r.slots.committed], ["on trial", r.slots.trial], ["staged", r.slots.staged], ["rolled back", r.slots.rolled_back]]) {
      if (v) slots.append(el("span", { class: "slot" }, name + ": " + v));
    }
    const h = r.health;
    const health = h
      ? el("td", {}, el("span", { class: "slot" }, h.event + " " + h.version), el("span", { class: "slot muted" }, (h.reason ? h.reason + " · " : "") + ago(h.seen_ms, data.now_ms)))
      : el("td", { class: "muted" }, "none yet");
    body.append(
      el("tr", { "data-robot": r.id, "data-state": r.online ? "online" : "offline" },
        el("td", {}, r.id),
        el("td", {}, el("span", { class: "state " + (r.online ? "online" : "offline") }, r.online ? "online" : "offline")),
        el("td", {}, r.online ? r.policy + " " + r.version : ""),
        agentCell(r, data),
        slots,
        health,
        el("td", { class: "safety" }, String(r.totals.safety_interventions)),
        el("td", {}, String(r.totals.deadline_misses)),
        loopCell(r),
        r.online && r.experience_backlog !== undefined
          ? el("td", { class: "backlog", title: "transitions recorded but not yet uploaded" }, String(r.experience_backlog))
          : el("td", { class: "backlog muted" }, "not reported"),
      ),
    );
  }
  const online = data.robots.filter((r) => r.online).length;
  document.getElementById("robot-count").textContent = online + " of " + data.robots.length + " online";
}

function renderReleases(data) {
  const body = document.querySelector("#releases tbody");
  body.replaceChildren();
  for (const r of [...data.releases].reverse()) {
    body.append(
      el("tr", { "data-release": r.id, "data-state": r.state },
        el("td", {}, r.id),
        el("td", {}, r.version),
        el("td", {}, r.policy + "/" + r.channel),
        el("td", {}, el("span", { class: "state " + r.state }, r.state.replace("-", " "))),
        el("td", {}, (r.canaries || []).join(", ")),
        el("td", {}, (r.committed || []).join(", ")),
        el("td", { class: "muted" }, r.reason),
      ),
    );
  }
  const list = document.getElementById("refusals");
  list.replaceChildren(...data.refusals.map((t) => el("li", {}, "refused " + t)));
  renderTimeline(data);
}

function renderTimeline(data) {
  const box = document.getElementById("timeline");
  const rows = data.releases;
  const width = box.clientWidth || 900;
  const rowH = 26, left = 220, right = 20, top = 8;
  const height = top + Math.max(1, rows.length) * rowH + 24;
  box.setAttribute("viewBox", `0 0 ${width} ${height}`);
  box.setAttribute("height", height);
  box.replaceChildren();
  if (rows.length === 0) {
    box.append(svg("text", { x: 10, y: 20 }, "no release seen yet"));
    return;
  }
  const times = rows.flatMap((r) => r.events.map((e) => e.at_ms));
  const t0 = Math.min(...times), t1 = Math.max(data.now_ms, ...times);
  const x = (t) => left + ((t - t0) / Math.max(1, t1 - t0)) * (width - left - right);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const g = svg("g", { "data-release": r.id });
    g.append(svg("text", { x: 6, y: y + 16 }, r.version + " · " + r.id.slice(0, 24)));
    const phases = r.events.filter((e) => e.kind in STATE_COLOURS);
    phases.forEach((e, k) => {
      const end = k + 1 < phases.length ? phases[k + 1].at_ms : t1;
      const final = e.kind === "rolled-back" || e.kind === "committed";
      const seg = svg("rect", { x: x(e.at_ms), y: y + 4, width: Math.max(3, (final ? 6 : x(end) - x(e.at_ms))), height: rowH - 8,
        fill: STATE_COLOURS[e.kind], rx: 3, "data-phase": e.kind });
      seg.append(svg("title", {}, e.kind + ": " + e.detail + " (" + new Date(e.at_ms).toLocaleTimeString() + ")"));
      g.append(seg);
    });
    for (const e of r.events.filter((e) => !(e.kind in STATE_COLOURS))) {
      const m = svg("circle", { cx: x(e.at_ms), cy: y + rowH / 2, r: 3, fill: "#1d2330", "data-event": e.kind });
      m.append(svg("title", {}, e.kind + " " + e.detail + " (" + new Date(e.at_ms).toLocaleTimeString() + ")"));
      g.append(m);
    }
    box.append(g);
  });
  const axisY = top + rows.length * rowH + 14;
  box.append(svg("text", { x: left, y: axisY }, new Date(t0).toLocaleTimeString()));
  box.append(svg("text", { x: width - right, y: axisY, "text-anchor": "end" }, new Date(t1).toLocaleTimeString()));
}

async function poll() {
  try {
    const res = await fetch("/api/fleet", { cache: "no-store" });
    const data = await res.json();
    document.getElementById("fleet-name").textContent = data.fleet;
    document.getElementById("broker").textContent = "broker: " + (data.broker_connected ? "connected" : "not connected");
    document.getElementById("mode").textContent = data.read_only ? "read-only" : "release key " + data.release_key;
    document.getElementById("refused").textContent = "refused: " + data.refused;
    document.getElementById("updated").textContent = "updated " + new Date(data.now_ms).toLocaleTimeString();
    renderRobots(data);
    renderReleases(data);
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
  } catch (e) {
    document.getElementById("broker").textContent = "dashboard unreachable";
  }
  setTimeout(poll, 500);
}

// ---- learning curves ----
const curves = { runs: [], hidden: new Set() };

async function loadRuns() {
  const res = await fetch("/api/runs", { cache: "no-store" });
  curves.runs = await res.json();
  const columns = [...new Set(curves.runs.flatMap((r) => r.columns))];
  const ySel = document.getElementById("curve-y"), xSel = document.getElementById("curve-x");
  ySel.replaceChildren(...columns.map((c) => el("option", { value: c }, c)));
  xSel.replaceChildren(...columns.map((c) => el("option", { value: c }, c)));
  if (columns.includes("eval_return")) ySel.value = "eval_return";
  if (columns.includes("total_steps")) xSel.value = "total_steps";
  ySel.onchange = xSel.onchange = drawCurves;
  const toggles = document.getElementById("curve-runs");
  toggles.replaceChildren(...curves.runs.map((r, i) => {
    const t = el("span", { class: "run-toggle", "data-run": r.name }, "■ " + r.name);
    t.style.color = RUN_COLOURS[i % RUN_COLOURS.length];
    t.onclick = () => {
      curves.hidden.has(r.name) ? curves.hidden.delete(r.name) : curves.hidden.add(r.name);
      t.classList.toggle("off");
      drawCurves();
    };
    return t;
  }));
  drawCurves();
  document.body.dataset.curves = String(curves.runs.length);
}

function niceTicks(lo, hi, n) {
  const span = hi - lo || 1, step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(v);
  return out;
}

function drawCurves() {
  const box = document.getElementById("curves");
  const yName = document.getElementById("curve-y").value, xName = document.getElementById("curve-x").value;
  const width = box.clientWidth || 900, height = 320, l = 60, r = 20, t = 12, b = 34;
  box.setAttribute("viewBox", `0 0 ${width} ${height}`);
  box.setAttribute("height", height);
  box.replaceChildren();
  const series = curves.runs.map((run, i) => {
    const xi = run.columns.indexOf(xName), yi = run.columns.indexOf(yName);
    const pts = xi < 0 || yi < 0 ? [] : run.rows.filter((row) => row[xi] != null && row[yi] != null).map((row) => [row[xi], row[yi]]);
    return { run, colour: RUN_COLOURS[i % RUN_COLOURS.length], pts };
  }).filter((s) => !curves.hidden.has(s.run.name) && s.pts.length > 0);
  if (series.length === 0) {
    box.append(svg("text", { x: 10, y: 20 }, curves.runs.length ? "no values for " + yName : "no training run given (--metrics)"));
    return;
  }
  const all = series.flatMap((s) => s.pts);
  const x0 = Math.min(...all.map((p) => p[0])), x1 = Math.max(...all.map((p) => p[0]));
  const y0 = Math.min(...all.map((p) => p[1])), y1 = Math.max(...all.map((p) => p[1]));
  const X = (v) => l + ((v - x0) / (x1 - x0 || 1)) * (width - l - r);
  const Y = (v) => height - b - ((v - y0) / (y1 - y0 || 1)) * (height - t - b);
  for (const v of niceTicks(y0, y1, 5)) {
    box.append(svg("line", { x1: l, x2: width - r, y1: Y(v), y2: Y(v), stroke: "#e3e6eb" }));
    box.append(svg("text", { x: l - 6, y: Y(v) + 4, "text-anchor": "end" }, +v.toPrecision(4)));
  }
  for (const v of niceTicks(x0, x1, 6)) {
    box.append(svg("text", { x: X(v), y: height - b + 16, "text-anchor": "middle" }, +v.toPrecision(4)));
  }
  box.append(svg("text", { x: width - r, y: height - 4, "text-anchor": "end" }, xName));
  box.append(svg("text", { x: l, y: t + 8 }, yName));
  for (const s of series) {
    const d = s.pts.map((p, k) => (k ? "L" : "M") + X(p[0]).toFixed(1) + "," + Y(p[1]).toFixed(1)).join("");
    box.append(svg("path", { d, fill: "none", stroke: s.colour, "stroke-width": 2, "data-run": s.run.name }));
  }
  // Hover: a cross-hair at the nearest x, with every run's value there.
  const cross = svg("line", { y1: t, y2: height - b, stroke: "#888", "stroke-dasharray": "3,3", visibility: "hidden" });
  box.append(cross);
  const readout = document.getElementById("curve-readout");
  box.onmousemove = (ev) => {
    const rect = box.getBoundingClientRect();
    const px = ((ev.clientX - rect.left) / rect.width) * width;
    const xv = x0 + ((px - l) / (width - l - r)) * (x1 - x0);
    const parts = series.map((s) => {
      const p = s.pts.reduce((a, q) => (Math.abs(q[0] - xv) < Math.abs(a[0] - xv) ? q : a));
      return s.run.name + ": " + yName + " " + +p[1].toPrecision(5) + " at " + xName + " " + p[0];
    });
    cross.setAttribute("x1", px);
    cross.setAttribute("x2", px);
    cross.setAttribute("visibility", "visible");
    readout.textContent = parts.join(" · ");
  };
  box.onmouseleave = () => cross.setAttribute("visibility", "hidden");
}

poll();
loadRuns();
