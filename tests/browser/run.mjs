// Browser tests of a built hepstatic site, in Debian's headless Chromium.
//
// Usage: node run.mjs SITE_DIR [SCREENSHOT_DIR]
// Serves SITE_DIR on a local port, opens every kind of page, and checks: no console
// error, no failed request, plots drawn, a facet query finds the expected record, no
// serious or critical axe-core violation, and pages that read well with JavaScript off.
// Prints one line per check and closes with "N passed, N failed".

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const siteDir = path.resolve(process.argv[2] || "site");
const shots = process.argv[3] ? path.resolve(process.argv[3]) : null;
if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error(`error: ${siteDir} holds no built site (run hepstatic build first)`);
  process.exit(2);
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".xml": "application/xml", ".atom": "application/atom+xml", ".txt": "text/plain",
  ".gz": "application/gzip", ".csv": "text/csv", ".yaml": "application/yaml",
};

// A static server: paths only, `/dir/` serves `/dir/index.html`, as any static host does.
function serve(root) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (p.endsWith("/")) p += "index.html";
    const file = path.join(root, p);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e && e.message || e).split("\n").join("\n     ")}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Picks one page of each kind from the built site.
function pages() {
  const records = JSON.parse(fs.readFileSync(path.join(siteDir, "records.json"), "utf8")).records;
  const byId = Object.fromEntries(records.map((r) => [r.id, r]));
  const first = records[0];
  const list = [
    ["home", "/"],
    ["records", "/records/"],
    ["search", "/search/"],
    ["facet page", "/search/collaboration/atlas/"],
    ["record (latest)", `/record/${first.id}/`],
    ["version", `/record/${first.id}/v${first.latest_version}/`],
  ];
  if (byId["star-30"]) list.push(["table with plot", "/record/star-30/v1/t1/"]);
  if (byId["ins1413748"]) list.push(["table with heat map", "/record/ins1413748/v1/t100/"]);
  if (byId["ins1241574"]) {
    list.push(["long table", "/record/ins1241574/v1/t2/"]);
    list.push(["page of rows", "/record/ins1241574/v1/t2/rows/2/"]);
  }
  if (byId["ins1755298"]) {
    list.push(["resource", "/record/ins1755298/v1/r1/"]);
    list.push(["custom-format table", "/record/ins1755298/v1/t1/"]);
  }
  return list.filter(([, url]) => {
    const f = path.join(siteDir, url, url.endsWith("/") ? "index.html" : "");
    return fs.existsSync(f);
  });
}

const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  for (const [kind, url] of pages()) {
    await check(`${kind} ${url}: loads with no console error and no failed request`, async () => {
      const page = await context.newPage();
      const problems = [];
      page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
      page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
      const res = await page.goto(base + url, { waitUntil: "networkidle" });
      assert(res && res.ok(), `status ${res && res.status()}`);
      assert((await page.locator("h1").count()) > 0, "no heading");
      assert(problems.length === 0, problems.join("\n"));

      // Plots: every plot image loaded and takes room on the page.
      for (const img of await page.locator("figure.plot img").all()) {
        const size = await img.evaluate((i) => [i.complete, i.naturalWidth, i.getBoundingClientRect().width, i.getBoundingClientRect().height]);
        assert(size[0] && size[1] > 0 && size[2] > 100 && size[3] > 100, `plot not drawn: ${size}`);
        assert(((await img.getAttribute("alt")) || "").length > 20, "plot without alt text");
      }

      // Accessibility: no serious or critical axe-core violation.
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      assert(bad.length === 0, bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0].target})`).join("\n"));

      if (shots) {
        const name = kind.replace(/[^a-z0-9]+/g, "-");
        await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
      }
      await page.close();
    });
  }

  await check("a facet query finds the expected record", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/search/?f=collaboration:atlas`, { waitUntil: "networkidle" });
    const hits = page.locator("#hits a.record-title");
    await hits.first().waitFor();
    const links = await hits.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert(links.includes("/record/ins1755298/v1/"), `ATLAS facet: ${links}`);
    assert(!links.some((l) => l.startsWith("/record/star-30/")), `a STAR record under ATLAS: ${links}`);
    // Clicking a second facet narrows the results (AND across facets).
    await page.locator('#facets section[data-facet="resource"] button', { hasText: "likelihood" }).click();
    const narrowed = await page.locator("#hits a.record-title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert(narrowed.length >= 1 && narrowed.length <= links.length, `likelihood ∧ ATLAS: ${narrowed}`);
    assert(narrowed.includes("/record/ins1755298/v1/"), `likelihood ∧ ATLAS: ${narrowed}`);
    // Words find tables: "Figure 7" lists the ATLAS Higgs tables.
    while ((await page.locator("#facets li.on button").count()) > 0) {
      await page.locator("#facets li.on button").first().click();
    }
    await page.fill("#q", "figure 7");
    const tables = await page.locator("#hits .table-hits a").count();
    assert(tables >= 1, "no table found for 'figure 7'");
    await page.close();
  });

  // Without JavaScript: the same pages read well, and facets are plain links.
  const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 1200 } });
  for (const [kind, url] of pages()) {
    await check(`${kind} ${url}: reads well without JavaScript at phone width`, async () => {
      const page = await noJs.newPage();
      await page.goto(base + url, { waitUntil: "load" });
      const text = await page.locator("main").innerText();
      assert(text.length > 200, `little text: ${text.length} characters`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 2, `the page is ${overflow}px wider than the phone`);
      if (url.includes("/t") && !url.includes("/rows/")) {
        const grid = await page.locator("table.grid, figure.plot img, .custom-format, section p").count();
        assert(grid > 0, "no data shown");
      }
      if (url === "/search/") {
        const facetLinks = await page.locator("#facets a[href^='/search/']").count();
        assert(facetLinks > 5, `only ${facetLinks} facet links without script`);
      }
      if (shots && (url.includes("/t1/") || kind === "version")) {
        const name = kind.replace(/[^a-z0-9]+/g, "-");
        await page.screenshot({ path: path.join(shots, `phone-${name}.png`), fullPage: false });
      }
      await page.close();
    });
  }
  await check("facet page works without JavaScript", async () => {
    const page = await noJs.newPage();
    await page.goto(`${base}/search/`, { waitUntil: "load" });
    await page.locator('#facets a[href="/search/collaboration/atlas/"]').click();
    await page.waitForURL(`${base}/search/collaboration/atlas/`);
    const links = await page.locator("a.record-title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert(links.includes("/record/ins1755298/"), `ATLAS page: ${links}`);
    await page.close();
  });
} finally {
  await browser.close();
  server.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
