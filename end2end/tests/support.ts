import { expect, type Browser, type Page } from "@playwright/test";
import { buildClientBundle } from "../forwarder/bundle";
import { startForwarder, type Forwarder } from "../forwarder/forwarder";
import AxeBuilder from "@axe-core/playwright";

export type User = { name: string; email: string; password: string };

// Each test signs up its own users, so tests never depend on each other.
export function newUser(first = "Ada"): User {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return { name: `${first} ${id}`, email: `${first.toLowerCase()}-${id}@example.com`, password: "correct horse battery" };
}

// The app is interactive once hydration has run; wait for that, never a fixed time.
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

export async function signUp(page: Page, user: User, path = "/sign-up", javaScript = true) {
  await page.goto(path);
  if (javaScript) await hydrated(page);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

export async function signUpAndLand(page: Page, user: User, javaScript = true) {
  await signUp(page, user, "/sign-up", javaScript);
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
}

// Creates a key on the project page `page` is on, as a developer does, and
// returns its secret (shown this once).
export async function createKey(page: Page, name: string): Promise<string> {
  await hydrated(page);
  await page.getByRole("link", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const field = dialog.getByLabel("API key");
  await expect(field).toBeVisible();
  const key = await field.inputValue();
  expect(key).toMatch(/^sk_live_[A-Za-z0-9]{39}$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return key;
}

// WCAG 2.1 A and AA, as axe-core checks them. axe leaves its "experimental"
// rules out unless named, but these five test WCAG criteria too (2.5.3 label
// in name, 1.3.4 orientation, 1.3.1 headings and table headers), so they run.
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const EXPERIMENTAL_WCAG_RULES = ["label-content-name-mismatch", "css-orientation-lock", "p-as-heading", "table-fake-caption", "td-has-header"];

// Fails with every violation on the page as it is now: rule, help, and the
// selectors of the offending elements, so the message says what to fix.
export async function expectNoAxeViolations(page: Page, label: string) {
  const rules = Object.fromEntries(EXPERIMENTAL_WCAG_RULES.map((id) => [id, { enabled: true }]));
  const results = await new AxeBuilder({ page }).options({ rules }).withTags(WCAG_TAGS).analyze();
  const found = results.violations.map((v) => {
    const targets = v.nodes.map((n) => `    ${n.target.join(" ")}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, "\n      ")}` : ""}`);
    return `  ${v.id} (${v.impact}): ${v.help}\n${targets.join("\n")}`;
  });
  // Soft: the test goes on to audit the other states, and reports them all.
  expect.soft(found.length, `axe violations on ${label}:\n${found.join("\n")}`).toBe(0);
}

// Each state of a page at a laptop's and a phone's width, light and dark.
const AUDIT_SETTINGS = [
  { size: { width: 1280, height: 800 }, scheme: "light" },
  { size: { width: 1280, height: 800 }, scheme: "dark" },
  { size: { width: 390, height: 844 }, scheme: "light" },
  { size: { width: 390, height: 844 }, scheme: "dark" },
] as const;

// Audits the page as it is now in each setting, then puts the laptop's light one back.
export async function auditEverywhere(page: Page, state: string) {
  for (const setting of AUDIT_SETTINGS) {
    await page.setViewportSize(setting.size);
    await page.emulateMedia({ colorScheme: setting.scheme });
    const label = `${state} @ ${setting.size.width}px ${setting.scheme}`;
    await expectNoAxeViolations(page, label);
    console.log(`audited: ${label}`);
  }
  await page.setViewportSize(AUDIT_SETTINGS[0].size);
  await page.emulateMedia({ colorScheme: "light" });
}

// The top bar's two menus are <details>; their <summary> (no ARIA role) is
// named by what it shows and then, for screen readers, what it is.
export const projectSwitcher = (page: Page) => page.locator("summary", { hasText: /, switch project/ });
export const accountMenu = (page: Page) => page.locator("summary", { hasText: /, account menu/ });

// A customer's app in front of Banata: a dashboard account made in a
// context of its own, a key of its project, and the forwarder serving
// better-auth's client with that key. `app` is the app's origin: cookies
// ignore ports, so it is app.localhost (Chromium resolves *.localhost to
// loopback by itself), never 127.0.0.1 like Banata.
export async function appWithKey(browser: Browser, banata: string, owner: string) {
  const dashboard = await browser.newContext({ baseURL: banata });
  const page = await dashboard.newPage();
  await signUpAndLand(page, newUser(owner));
  const apiKey = await createKey(page, "nextjs-app");
  await dashboard.close();
  const forwarder: Forwarder = await startForwarder({ banataUrl: banata, apiKey, clientBundle: await buildClientBundle() });
  return { apiKey, forwarder, app: `http://app.localhost:${forwarder.port}` };
}
