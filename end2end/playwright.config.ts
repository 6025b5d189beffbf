import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";

const port = Number(process.env.E2E_PORT ?? 3107);
const root = path.resolve(__dirname, "..");
const bin = process.env.BANATA_BIN ?? path.join(root, "target/debug/banata");

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
    },
  ],
  // A real server on a fresh SQLite file; Playwright polls /healthz until it answers.
  // The suite signs up dozens of people from one address in a minute, more
  // than the default sign-up limit allows (that limit has its own tests).
  webServer: {
    command: `bash -c 'dir=$(mktemp -d) && exec "${bin}" --addr 127.0.0.1:${port} --database-url "sqlite://$dir/e2e.db" --signup-limit 1000'`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
