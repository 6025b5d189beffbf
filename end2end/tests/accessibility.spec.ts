import { expect, test, type Page } from "@playwright/test";
import { accountMenu, expectNoAxeViolations, hydrated, newUser, projectSwitcher, signUp, signUpAndLand } from "./support";

// Every page and every dialog, menu and confirm panel, checked by axe-core
// (WCAG 2.1 A and AA) at a laptop's and a phone's width, light and dark.
// Each test walks one user's pages once and audits each state in all four
// settings in place (resizing and switching the colour scheme do not reload).

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
type Width = "desktop" | "phone";
const SETTINGS = [
  { width: "desktop", size: DESKTOP, scheme: "light" },
  { width: "desktop", size: DESKTOP, scheme: "dark" },
  { width: "phone", size: PHONE, scheme: "light" },
  { width: "phone", size: PHONE, scheme: "dark" },
] as const;

test.use({ viewport: DESKTOP });

// Audits the page as it is now in each setting (`only` one width, for states
// that exist at one width only), then puts the desktop light setting back.
async function audit(page: Page, state: string, only?: Width) {
  for (const setting of SETTINGS) {
    if (only && setting.width !== only) continue;
    await page.setViewportSize(setting.size);
    await page.emulateMedia({ colorScheme: setting.scheme });
    const label = `${state} @ ${setting.size.width}px ${setting.scheme}`;
    await expectNoAxeViolations(page, label);
    console.log(`audited: ${label}`);
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/api-keys$/);
}


test("sign-in, sign-up, invitation errors and not-found pages", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/sign-in");
  await hydrated(page);
  await audit(page, "sign-in");

  await page.getByLabel("Email").fill(newUser().email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await audit(page, "sign-in, wrong password");

  await page.goto("/sign-up");
  await hydrated(page);
  await audit(page, "sign-up");
  await page.getByLabel("Name").fill("Grace");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("#field-password-error")).toBeVisible();
  await audit(page, "sign-up, field errors");

  await page.goto("/invite/invite_doesnotexist");
  await expect(page.getByRole("alert")).toBeVisible();
  await audit(page, "invitation, unknown link");

  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await audit(page, "404 page");
});

test("API keys: the shell's menus, every dialog, the key page and test-a-key", async ({ page }) => {
  test.setTimeout(180_000);
  await signUpAndLand(page, newUser("Axe"));
  await hydrated(page);
  const keys = page.url();
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await audit(page, "API keys, none yet");

  await projectSwitcher(page).click();
  await expect(page.getByRole("link", { name: "New project" })).toBeVisible();
  await audit(page, "project switcher open");
  await projectSwitcher(page).click();
  await accountMenu(page).click();
  await expect(page.getByRole("link", { name: "Sessions" })).toBeVisible();
  await audit(page, "account menu open");
  await accountMenu(page).click();

  await page.setViewportSize(PHONE);
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("navigation", { name: "Project sections" })).toBeVisible();
  await audit(page, "phone menu open", "phone");
  await page.setViewportSize(PHONE);
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("navigation", { name: "Project sections" })).toBeHidden();
  await page.setViewportSize(DESKTOP);

  await page.getByRole("link", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Create new key" })).toBeVisible();
  await dialog.getByLabel("Expires").selectOption("date");
  await expect(dialog.getByLabel("Expiry date (UTC)")).toBeVisible();
  await audit(page, "create-key dialog");
  await dialog.getByLabel("Name").fill("nightly-export");
  await dialog.getByLabel("Expiry date (UTC)").fill(new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10));
  await dialog.getByLabel("Access").selectOption("read");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByLabel("API key")).toBeVisible();
  await audit(page, "one-time reveal of a new key");
  await dialog.getByRole("button", { name: "Done" }).click();

  await page.getByRole("link", { name: "Create new key" }).first().click();
  await dialog.getByLabel("Name").fill("deploy");
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = await dialog.getByLabel("API key").inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name: "Create new key" }).first().click();
  await dialog.getByLabel("Name").fill("DEPLOY");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.locator("#field-name-error")).toContainText("already named");
  await audit(page, "create-key dialog, name taken");
  await dialog.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /deploy/ })).toContainText("Active");
  await audit(page, "API keys, two keys (active, expiring, read-only)");

  await page.getByRole("link", { name: "Roll deploy" }).click();
  await expect(dialog.getByRole("heading", { name: "Roll key deploy" })).toBeVisible();
  await audit(page, "roll dialog");
  await dialog.getByLabel("Old key stops working").selectOption("1h");
  await dialog.getByRole("button", { name: "Roll key" }).click();
  await expect(dialog.getByLabel("API key")).toBeVisible();
  await audit(page, "one-time reveal after a roll");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Replaced" })).toBeVisible();

  await page.getByRole("link", { name: "Revoke nightly-export" }).click();
  await expect(dialog.getByRole("heading", { name: "Revoke key nightly-export?" })).toBeVisible();
  await audit(page, "revoke confirm");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /nightly-export/ })).toHaveCount(0);
  await page.getByLabel("Show revoked").check();
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("row", { name: /nightly-export/ })).toContainText("Revoked");
  await audit(page, "API keys, rolled and revoked keys shown");

  await page.getByLabel("Search keys by name").fill("nothing-is-called-this");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No keys match.")).toBeVisible();
  await audit(page, "API keys, no search match");

  await page.goto(keys);
  await page.getByRole("row").filter({ hasText: "Replaced" }).getByRole("link", { name: "deploy", exact: true }).click();
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  await audit(page, "key page (rolled key, its history)");
  await page.goto(`${keys}/key_doesnotexist`);
  await expect(page.getByRole("heading", { name: "Key not found" })).toBeVisible();
  await audit(page, "key page, unknown key");

  await page.goto(keys.replace(/api-keys$/, "test-key"));
  await hydrated(page);
  await audit(page, "test-key page");
  await page.getByLabel("API key").fill(secret);
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByRole("status")).toContainText("This key works for now");
  await audit(page, "test-key, a rolled key's verdict");
  await page.getByLabel("API key").fill("not a key");
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByRole("status")).toContainText("This is not a Banata key");
  await audit(page, "test-key, not a key");

  await page.goto("/projects/no-such-project/api-keys");
  await expect(page.getByRole("heading", { name: "Project not found" })).toBeVisible();
  await audit(page, "project not found");
});

test("members, invitations, a viewer's pages, settings, audit log, projects and sessions", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const owner = newUser("Own");
  const mate = newUser("Mat");
  await signUpAndLand(page, owner);
  const project = page.url().replace(/\/api-keys$/, "");

  await page.goto(`${project}/members`);
  await hydrated(page);
  await audit(page, "members, owner alone");
  await page.getByLabel("Email").fill(mate.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const link = await page.getByLabel("Invitation link").inputValue();
  await audit(page, "members, invitation created and pending");
  const invitation = page.getByRole("row", { name: new RegExp(mate.email) });
  await invitation.locator("summary", { hasText: "Revoke" }).click();
  await expect(invitation.getByText(`Revoke the invitation for ${mate.email}?`)).toBeVisible();
  await audit(page, "revoke-invitation confirm");
  await invitation.locator("summary", { hasText: "Revoke" }).click();

  // The teammate opens the link, signs up and accepts.
  const mateContext = await browser.newContext({ viewport: DESKTOP });
  const matePage = await mateContext.newPage();
  await matePage.goto(link);
  await expect(matePage.getByText("as Viewer")).toBeVisible();
  await audit(matePage, "invitation, signed out");
  await matePage.getByRole("link", { name: "Sign up to accept" }).click();
  await signUp(matePage, mate, matePage.url());
  await expect(matePage).toHaveURL(/\/invite\//);
  await hydrated(matePage);
  await expect(matePage.getByRole("button", { name: "Accept invitation" })).toBeVisible();
  await audit(matePage, "invitation, signed in");
  await matePage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(matePage).toHaveURL(`${project}/api-keys`);
  await expect(matePage.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await audit(matePage, "API keys as a viewer");
  for (const [path, heading, state] of [
    ["members", "Members", "members as a viewer"],
    ["audit-log", "Audit log", "audit log as a viewer"],
    ["test-key", "Test a key", "test-key as a viewer"],
    ["settings", "Settings", "settings as a viewer"],
  ]) {
    await matePage.goto(`${project}/${path}`);
    await expect(matePage.getByRole("heading", { name: heading, exact: true })).toBeVisible();
    await audit(matePage, state);
  }
  await mateContext.close();

  await page.reload();
  await hydrated(page);
  const row = page.getByRole("row", { name: new RegExp(mate.name) });
  await row.locator("summary", { hasText: "Remove" }).click();
  await expect(row.getByText(`Remove ${mate.name} from this project?`)).toBeVisible();
  await audit(page, "members, remove-member confirm");
  await row.locator("summary", { hasText: "Remove" }).click();
  await page.locator("summary", { hasText: "Leave project" }).click();
  await expect(page.getByText(/^Leave .*\?$/)).toBeVisible();
  await audit(page, "members, leave-project confirm");

  await page.goto(`${project}/settings`);
  await hydrated(page);
  await audit(page, "settings");
  await page.getByLabel("Name", { exact: true }).fill("Renamed project");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // The top bar shows the new name. ("Saved." does not stay: the page
  // re-renders when the project reloads.)
  await expect(projectSwitcher(page)).toContainText("Renamed project");
  await audit(page, "settings, renamed");
  await page.getByLabel("Type the project's name to confirm").fill("not the name");
  await page.getByRole("button", { name: "Delete project" }).click();
  await expect(page.locator("#field-confirm-error")).toBeVisible();
  await audit(page, "settings, delete-project confirm refused");

  await page.goto(`${project}/audit-log`);
  await expect(page.getByRole("heading", { name: "Audit log", exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /Renamed/ }).first()).toBeVisible();
  await audit(page, "audit log");
  await hydrated(page);
  await page.getByLabel("Action").selectOption("api_key.revoked");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No events match.")).toBeVisible();
  await audit(page, "audit log, no event matches");

  await page.goto("/projects");
  await hydrated(page);
  await expect(page.getByRole("row", { name: /Renamed project/ })).toBeVisible();
  await audit(page, "projects list");
  await page.getByLabel("Name", { exact: true }).fill("Second");
  await page.getByLabel("URL name (optional)").fill("Not a URL name!");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.locator("#field-slug-error")).toBeVisible();
  await audit(page, "projects, new project refused");

  // A second browser, so there is another session to sign out.
  const otherContext = await browser.newContext();
  await signIn(await otherContext.newPage(), owner.email, owner.password);
  await page.goto("/account/sessions");
  await hydrated(page);
  await expect(page.getByRole("row")).toHaveCount(3);
  await audit(page, "account sessions");
  const other = page.getByRole("row").filter({ hasNotText: "This browser" }).last();
  await other.locator("summary", { hasText: "Sign out" }).click();
  await expect(other.getByRole("button", { name: "Sign out" })).toBeVisible();
  await audit(page, "sessions, sign-out confirm");
  await other.locator("summary", { hasText: "Sign out" }).click();
  await page.locator("summary", { hasText: "Sign out all other sessions" }).click();
  await expect(page.getByRole("button", { name: "Sign out others" })).toBeVisible();
  await audit(page, "sessions, sign-out-others confirm");
  await page.locator("summary", { hasText: "Sign out all other sessions" }).click();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("an even better passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-current_password-error")).toBeVisible();
  await audit(page, "change password, wrong current password");
  // A refused form comes back with what was typed, but never a password.
  await expect(page.getByLabel("New password")).toHaveValue("");
  await page.getByLabel("Current password").fill(owner.password);
  await page.getByLabel("New password").fill("an even better passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other session is signed out.")).toBeVisible();
  await audit(page, "change password, changed");
  await otherContext.close();
});

test("users, a user's page and the authentication settings", async ({ page }) => {
  test.setTimeout(180_000);
  await signUpAndLand(page, newUser("Axu"));
  const project = page.url().replace(/\/api-keys$/, "");
  await page.goto(`${project}/users`);
  await expect(page.getByRole("heading", { name: "No users yet" })).toBeVisible();
  await audit(page, "users, none yet");

  await page.getByRole("link", { name: "Add user" }).first().click();
  await expect(page.getByRole("heading", { name: "Add user" })).toBeVisible();
  await hydrated(page);
  await audit(page, "add user");
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email", { exact: true }).fill("not-an-email");
  await page.getByLabel("Email", { exact: true }).evaluate((el: HTMLInputElement) => (el.type = "text"));
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator("#field-email-error")).toBeVisible();
  await audit(page, "add user, field error");
  await page.getByLabel("Email", { exact: true }).fill(`grace-${Date.now()}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("a good password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
  await hydrated(page);
  await audit(page, "user page, no sessions");

  await page.locator("summary", { hasText: "Ban user" }).click();
  await expect(page.getByLabel("Reason (optional)")).toBeVisible();
  await audit(page, "user page, ban confirm");
  await page.getByLabel("Reason (optional)").fill("Sent spam");
  await page.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(page.getByText("Banned", { exact: true }).first()).toBeVisible();
  await audit(page, "user page, banned");
  await page.locator("summary", { hasText: "Delete user" }).click();
  await expect(page.getByRole("button", { name: "Delete user" })).toBeVisible();
  await audit(page, "user page, delete confirm");

  await page.goto(`${project}/users`);
  await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
  await audit(page, "users list with a banned user");
  await page.getByLabel("Search users by email or name").fill("nobody-matches");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No users match.")).toBeVisible();
  await audit(page, "users, no search match");

  await page.goto(`${project}/authentication`);
  await expect(page.getByLabel("Minimum password length")).toHaveValue("8");
  await hydrated(page);
  await expect(page.getByRole("status").filter({ hasText: "Mail is off on this server" })).toBeVisible();
  await audit(page, "authentication settings");
  await page.getByLabel("Other origins that may use sessions").fill("https://admin.example.com/path");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/is not an origin/)).toBeVisible();
  await audit(page, "authentication settings, refused origin");
  await page.getByLabel("Other origins that may use sessions").fill("https://admin.example.com");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await audit(page, "authentication settings, saved");
});

// axe runs as a script, so these pages are seen as a browser without
// JavaScript sees them by keeping the app's own script and wasm from loading.
test.describe("without the app's script", () => {
  test.beforeEach(async ({ page }) => {
    await page.route(/\/pkg\/[^/]+\.(js|wasm)$/, (route) => route.abort());
  });

  test("the dialogs rendered open and the one-time answer pages", async ({ page }) => {
    test.setTimeout(120_000);
    await signUpAndLand(page, newUser("Nos"), false);
    const keys = page.url();
    await page.getByRole("link", { name: "Create new key" }).first().click();
    await expect(page).toHaveURL(/\?new=1$/);
    await audit(page, "no JavaScript: create-key dialog");
    await page.getByRole("dialog").getByLabel("Name", { exact: true }).fill("cron-job");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByRole("dialog").getByLabel("API key")).toBeVisible();
    await audit(page, "no JavaScript: one-time key page");
    await page.getByRole("link", { name: "Done" }).click();

    await page.getByRole("link", { name: "Roll cron-job" }).click();
    // Without the script the dialog cannot name the key yet ("Roll key this key").
    await expect(page.getByRole("heading", { name: /^Roll key/ })).toBeVisible();
    await audit(page, "no JavaScript: roll dialog");
    await page.goto(keys);
    await page.getByRole("link", { name: "Revoke cron-job" }).click();
    await expect(page.getByRole("heading", { name: "Revoke key cron-job?" })).toBeVisible();
    await audit(page, "no JavaScript: revoke dialog");

    await page.goto(keys.replace(/api-keys$/, "test-key"));
    await page.getByLabel("API key").fill("not a key");
    await page.getByRole("button", { name: "Test" }).click();
    await expect(page.getByText("This is not a Banata key")).toBeVisible();
    await audit(page, "no JavaScript: test-key answer page");

    await page.goto(keys.replace(/api-keys$/, "members"));
    await page.getByLabel("Email", { exact: true }).fill(newUser("Inv").email);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByLabel("Invitation link")).toBeVisible();
    await audit(page, "no JavaScript: invitation link page");

    await page.goto(keys.replace(/api-keys$/, "users/new"));
    await audit(page, "no JavaScript: add user");
    await page.getByLabel("Name").fill("Nora Noscript");
    await page.getByLabel("Email", { exact: true }).fill(`nora-${Date.now()}@example.com`);
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
    await page.locator("summary", { hasText: "Ban user" }).click();
    await audit(page, "no JavaScript: user page, ban confirm");
  });
});
