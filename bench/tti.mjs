// Time to interactive of the API Keys page: the release server, headless
// Chromium with the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate) and
// the cache off (a first visit). "Interactive" is the moment the page's
// script marks <html data-hydrated> (what the browser tests wait for);
// measured from navigation start, median of --runs (default 7).
//
//   node bench/tti.mjs [--runs 7] [--rate 4]
//
// Needs a release build (cargo leptos build --release) and end2end's npm
// packages (scripts/setup.sh --test). CARGO_TARGET_DIR and LEPTOS_SITE_ROOT
// are honoured as by the server.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "end2end/package.json"));
const { chromium } = require("@playwright/test");

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const runs = option("runs", 7);
const rate = option("rate", 4);
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const binary = path.join(target, "release/banata");

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "banata-tti-"));
const server = spawn(binary, ["--addr", `127.0.0.1:${port}`, "--database-url", `sqlite://${dir}/tti.db`], {
  cwd: root,
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, BANATA_LOG: "warn" },
});
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
    if (up) break;
    if (i > 300) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const setup = await context.newPage();
  await setup.goto("/sign-up");
  await setup.getByLabel("Name").fill("Bench Mark");
  await setup.getByLabel("Email").fill(`bench-${Date.now()}@example.com`);
  await setup.getByLabel("Password").fill("correct horse battery");
  await setup.getByRole("button", { name: "Sign up" }).click();
  await setup.waitForURL(/\/api-keys$/);
  const page_url = setup.url();
  await setup.close();

  // Before the page's own scripts: note when the marker appears.
  await context.addInitScript(() => {
    const watch = () =>
      new MutationObserver((_, observer) => {
        if (document.documentElement.hasAttribute("data-hydrated")) {
          window.__interactive = performance.now();
          observer.disconnect();
        }
      }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-hydrated"] });
    if (document.documentElement) watch();
    else new MutationObserver((_, o) => document.documentElement && (o.disconnect(), watch())).observe(document, { childList: true });
  });
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.goto(page_url, { waitUntil: "load" });
    await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 60_000 });
    const times = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      if (window.__interactive === undefined) throw new Error("the marker appeared unseen");
      return { interactive: window.__interactive, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
    });
    samples.push(times);
    await page.close();
  }
  await browser.close();
  const row = (name) => Math.round(median(samples.map((s) => s[name])));
  console.log(`API Keys page, CPU ${rate}x slower, cache off, median of ${runs} (ms from navigation start)\n`);
  console.log("| DOMContentLoaded | load | interactive (hydrated) |");
  console.log("|---:|---:|---:|");
  console.log(`| ${row("dcl")} | ${row("load")} | ${row("interactive")} |`);
} finally {
  server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
}
