// Watches the fleet dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) while a
// fleet runs, and prints what the page showed as one JSON object on stdout.
//
//   node fleet-page.mjs URL SCREENSHOT_DIR [PAUSE_ROBOT]
//
// It samples the page every 100 ms: which robots it lists and in which state, and for every release row the
// sequence of states it displayed, and each robot's last loop jitter figure. It saves a screenshot the first time a
// release shows as canary, promoted, committed and rolled back, and a last one when stdin closes (the fleet run is
// over). With PAUSE_ROBOT set, it then clicks that robot's "pause updates" button and waits for the page to show the
// robot's agent paused. It prints what it saw and exits.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, shots] = process.argv.slice(2);
const fail = (msg) => {
  console.error("fleet-page: " + msg);
  process.exit(2);
};
setTimeout(() => fail("timed out"), 240_000).unref();

const profile = mkdtempSync(join(tmpdir(), "myelin-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 1000 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] ?? (await context.newPage());
const requests = [];
page.on("request", (r) => requests.push(r.url()));
const consoleErrors = [];
page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
page.on("pageerror", (e) => consoleErrors.push(String(e)));
await page.goto(url);
await page.waitForFunction(() => Number(document.body.dataset.polls || 0) >= 1);
console.error("ready"); // the page shows the fleet: the run may begin

let done = false;
process.stdin.on("end", () => (done = true));
process.stdin.on("close", () => (done = true));
process.stdin.resume();

const states = {}; // release id -> [state, ...] in the order shown
const versions = {};
const robots = {}; // robot id -> last state shown
const robotStates = {}; // robot id -> [state, ...] in the order shown
const safety = {}; // robot id -> largest safety interventions shown
const jitter = {}; // robot id -> last loop jitter figure shown
const shot = new Set();
let refusedShown = 0;
const sample = () =>
  page.evaluate(() => ({
    robots: [...document.querySelectorAll("#robots tbody tr")].map((tr) => ({
      id: tr.dataset.robot,
      state: tr.dataset.state,
      safety: Number(tr.querySelector("td.safety").textContent),
      jitter: tr.querySelector("td.loop .jitter")?.textContent ?? null,
    })),
    releases: [...document.querySelectorAll("#releases tbody tr")].map((tr) => ({
      id: tr.dataset.release,
      state: tr.dataset.state,
      version: tr.children[1].textContent,
    })),
    refused: Number(document.getElementById("refused").textContent.replace(/\D+/g, "")),
    polls: Number(document.body.dataset.polls || 0),
  }));

while (!done) {
  const s = await sample();
  for (const r of s.robots) {
    robots[r.id] = r.state;
    const rs = (robotStates[r.id] ??= []);
    if (rs[rs.length - 1] !== r.state) rs.push(r.state);
    safety[r.id] = Math.max(safety[r.id] ?? 0, r.safety);
    if (r.jitter !== null) jitter[r.id] = r.jitter;
  }
  for (const r of s.releases) {
    const seq = (states[r.id] ??= []);
    versions[r.id] = r.version;
    if (seq[seq.length - 1] !== r.state) {
      seq.push(r.state);
      if (!shot.has(r.state) && ["canary", "promoted", "committed", "rolled-back"].includes(r.state)) {
        shot.add(r.state);
        await page.screenshot({ path: join(shots, "fleet-" + r.state + ".png"), fullPage: true });
      }
    }
  }
  refusedShown = Math.max(refusedShown, s.refused);
  await new Promise((r) => setTimeout(r, 100));
}

// The learning curves: hover over the middle of the chart and read what the cross-hair reports.
const box = await page.locator("#curves").boundingBox();
await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
const readout = await page.locator("#curve-readout").textContent();
const paths = await page.locator("#curves path[data-run]").count();
await page.screenshot({ path: join(shots, "fleet-final.png"), fullPage: true });
let paused = null;
const pauseRobot = process.argv[4];
if (pauseRobot) {
  await page.click(`button[data-robot="${pauseRobot}"][data-action="pause"]`);
  const agent = page.locator(`#robots tr[data-robot="${pauseRobot}"] td.agent`);
  await agent.filter({ hasText: "paused" }).waitFor({ timeout: 20_000 });
  paused = { agent: await agent.textContent(), message: await page.locator("#command").textContent() };
  await page.screenshot({ path: join(shots, "fleet-paused.png"), fullPage: true });
}
const timelinePhases = await page.evaluate(() =>
  Object.fromEntries(
    [...document.querySelectorAll("#timeline g[data-release]")].map((g) => [
      g.dataset.release,
      [...g.querySelectorAll("rect[data-phase]")].map((r) => r.dataset.phase),
    ]),
  ),
);
await context.close();
rmSync(profile, { recursive: true, force: true });
const foreign = requests.filter((u) => !u.startsWith(url.replace(/\/$/, "")));
process.stdout.write(
  JSON.stringify({ robots, robotStates, safety, jitter, states, versions, refusedShown, timelinePhases, readout, paths, foreign, consoleErrors, paused }) + "\n",
);
process.exit(0);
