// Takes screenshots of the main pages at desktop and phone widths, in light
// and dark, for a person to look at (and for the README).
//   node screenshots.mjs http://127.0.0.1:3000 out-dir
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "screenshots";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const id = Date.now().toString(36);
const user = { name: "Ada Lovelace", email: `ada-${id}@example.com`, password: "correct horse battery" };

for (const scheme of ["light", "dark"]) {
  for (const [label, width, height] of [["desktop", 1280, 800], ["phone", 390, 844]]) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.screenshot({ path: `${out}/sign-in-${label}-${scheme}.png` });
    await page.goto(`${base}/sign-up`);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    if (scheme === "light" && label === "desktop") {
      await page.getByLabel("Name").fill(user.name);
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign up" }).click();
    } else {
      await page.goto(`${base}/sign-in`);
      await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await page.waitForURL(/\/api-keys$/);
    await page.getByRole("heading", { name: "API Keys", exact: true }).waitFor();
    await page.screenshot({ path: `${out}/api-keys-${label}-${scheme}.png` });
    await page.goto(page.url().replace(/api-keys$/, "members"));
    await page.getByRole("heading", { name: "Members" }).waitFor();
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    if (scheme === "light" && label === "desktop") {
      await page.getByLabel("Email").fill(`teammate-${id}@example.com`);
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.getByLabel("Invitation link").waitFor();
    }
    await page.screenshot({ path: `${out}/members-${label}-${scheme}.png`, fullPage: true });
    await page.goto(page.url().replace(/members$/, "audit-log"));
    await page.getByRole("heading", { name: "Audit log", exact: true }).waitFor();
    await page.screenshot({ path: `${out}/audit-log-${label}-${scheme}.png`, fullPage: true });
    await page.goto(`${base}/account/sessions`);
    await page.getByRole("heading", { name: "Sessions", exact: true }).waitFor();
    await page.screenshot({ path: `${out}/sessions-${label}-${scheme}.png`, fullPage: true });
    await page.goto(`${base}/projects`);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.screenshot({ path: `${out}/projects-${label}-${scheme}.png`, fullPage: true });
    await page.goBack();
    await page.goBack();
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    if (label === "desktop") {
      await page.locator("summary", { hasText: /, switch project/ }).click();
      await page.screenshot({ path: `${out}/switcher-${label}-${scheme}.png` });
    } else {
      await page.getByRole("button", { name: "Menu" }).click();
      await page.screenshot({ path: `${out}/menu-${label}-${scheme}.png` });
    }
    await context.close();
  }
}
// The key lifecycle: a key expiring soon, the roll dialog, the list with
// both keys of a roll, and a key's own page with its usage chart.
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/api-keys$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  const create = async (name, expiresOn) => {
    await page.getByRole("link", { name: "Create new key" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(name);
    if (expiresOn) {
      await dialog.getByLabel("Expires").selectOption("date");
      await dialog.getByLabel("Expiry date (UTC)").fill(expiresOn);
    }
    await dialog.getByRole("button", { name: "Create key" }).click();
    const secret = await dialog.getByLabel("API key").inputValue();
    await dialog.getByRole("button", { name: "Done" }).click();
    return secret;
  };
  const inThreeDays = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
  await create("nightly-export", inThreeDays);
  const secret = await create("deploy");
  for (let i = 0; i < 5; i++) {
    await page.request.get(`${base}/api/auth/api-key/whoami`, { headers: { authorization: `Bearer ${secret}` } });
  }
  await page.getByRole("link", { name: "Roll deploy" }).click();
  await page.getByRole("dialog").getByLabel("Old key stops working").selectOption("24h");
  await page.screenshot({ path: `${out}/roll-dialog.png` });
  await page.getByRole("dialog").getByRole("button", { name: "Roll key" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  // Usage is written every few seconds.
  await page.waitForTimeout(6000);
  await page.reload();
  await page.getByRole("row").filter({ hasText: "Replaced" }).waitFor();
  await page.screenshot({ path: `${out}/keys-after-roll.png`, fullPage: true });
  await page.getByRole("row").filter({ hasText: "Replaced" }).getByRole("link", { name: "deploy", exact: true }).click();
  await page.getByRole("heading", { name: "History" }).waitFor();
  await page.screenshot({ path: `${out}/key-page.png`, fullPage: true });
  // The project's users: some sign up through the app, one is added by the
  // admin API and banned; then the Users list, a user's page and the
  // Authentication settings at both widths, light and dark.
  const app = { "x-api-key": secret, "x-forwarded-host": "app.example.test", "x-forwarded-proto": "https", origin: "https://app.example.test" };
  const names = ["Grace Hopper", "Alan Turing", "Katherine Johnson", "Edsger Dijkstra", "Barbara Liskov"];
  for (const name of names) {
    const email = `${name.split(" ")[0].toLowerCase()}-${id}@example.com`;
    await page.request.post(`${base}/api/auth/sign-up/email`, { headers: app, data: { name, email, password: "correct horse battery" } });
  }
  const admin = { authorization: `Bearer ${secret}` };
  const made = await page.request.post(`${base}/api/auth/admin/create-user`, { headers: admin, data: { name: "Mallory Spammer", email: `mallory-${id}@example.com` } });
  const mallory = (await made.json()).user.id;
  await page.request.post(`${base}/api/auth/admin/ban-user`, { headers: admin, data: { userId: mallory, banReason: "Sent spam", banExpires: Date.now() + 7 * 86400_000 } });
  await page.waitForTimeout(6000);
  const projectBase = page.url().replace(/\/api-keys\/.*$/, "");
  await context.close();
  for (const scheme of ["light", "dark"]) {
    for (const [label, width, height] of [["desktop", 1280, 800], ["phone", 390, 844]]) {
      const shots = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
      const tab = await shots.newPage();
      await tab.goto(`${base}/sign-in`);
      await tab.locator("html[data-hydrated]").waitFor({ state: "attached" });
      await tab.getByLabel("Email").fill(user.email);
      await tab.getByLabel("Password").fill(user.password);
      await tab.getByRole("button", { name: "Sign in" }).click();
      await tab.waitForURL(/\/api-keys$/);
      await tab.goto(`${projectBase}/users`);
      await tab.getByRole("heading", { name: "Users", exact: true }).waitFor();
      await tab.screenshot({ path: `${out}/users-${label}-${scheme}.png`, fullPage: true });
      await tab.goto(`${projectBase}/users/${mallory}`);
      await tab.getByRole("heading", { name: "Sessions" }).waitFor();
      await tab.screenshot({ path: `${out}/user-${label}-${scheme}.png`, fullPage: true });
      await tab.goto(`${projectBase}/users`);
      await tab.getByRole("link", { name: /^grace-/ }).click();
      await tab.getByRole("heading", { name: "Sessions" }).waitFor();
      await tab.screenshot({ path: `${out}/user-signed-in-${label}-${scheme}.png`, fullPage: true });
      await tab.goto(`${projectBase}/authentication`);
      await tab.getByRole("heading", { name: "Authentication", exact: true }).waitFor();
      await tab.screenshot({ path: `${out}/authentication-${label}-${scheme}.png`, fullPage: true });
      await shots.close();
    }
  }
}
await browser.close();
