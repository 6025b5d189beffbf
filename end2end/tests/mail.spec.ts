import { expect, test, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildClientBundle } from "../forwarder/bundle";
import { startForwarder } from "../forwarder/forwarder";
import { createKey, expectNoAxeViolations, hydrated, newUser, signUpAndLand } from "./support";
import { link, startSmtpSink, type Mail, type SmtpSink } from "./smtp";

// Mail in a real browser: a server of its own that sends through a real SMTP
// server on loopback (the suite's shared server sends no mail). "Forgot
// password?" -> the mail -> a new password -> signed in; the verification
// banner; the pages mail adds, audited by axe-core at both widths, light and
// dark; and each kind of mail's HTML part rendered and photographed.

const root = path.resolve(__dirname, "../..");
const bin = process.env.BANATA_BIN ?? path.join(root, "target/debug/banata");
const port = Number(process.env.E2E_PORT ?? 3107) + 1;
const base = `http://127.0.0.1:${port}`;
const shots = path.join(root, "end2end/test-results/mail");

let sink: SmtpSink;
let server: ChildProcess;
let dir: string;

test.beforeAll(async () => {
  sink = await startSmtpSink();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "banata-e2e-mail-"));
  server = spawn(
    bin,
    [
      "--addr", `127.0.0.1:${port}`,
      "--public-url", base,
      "--database-url", `sqlite://${dir}/mail.db`,
      "--smtp-url", sink.url,
      "--mail-from", "Banata <no-reply@banata.test>",
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  await expect.poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
});

test.afterAll(async () => {
  server?.kill("SIGTERM");
  await sink?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test.use({ baseURL: base });

async function mailTo(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(() => {
      found = sink.messages().find((m) => m.to.includes(to) && m.subject.startsWith(subject));
      return !!found;
    }, { message: `a mail "${subject}" to ${to}`, timeout: 20_000 })
    .toBe(true);
  return found!;
}

const SETTINGS = [
  { size: { width: 1280, height: 800 }, scheme: "light" },
  { size: { width: 1280, height: 800 }, scheme: "dark" },
  { size: { width: 390, height: 844 }, scheme: "light" },
  { size: { width: 390, height: 844 }, scheme: "dark" },
] as const;

async function audit(page: Page, state: string) {
  for (const setting of SETTINGS) {
    await page.setViewportSize(setting.size);
    await page.emulateMedia({ colorScheme: setting.scheme });
    const label = `${state} @ ${setting.size.width}px ${setting.scheme}`;
    await expectNoAxeViolations(page, label);
    console.log(`audited: ${label}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light" });
}

// The mail's HTML part as a mail client shows it, for a person to look at.
// In a blank page of its own: a page of ours would apply our CSP to the mail.
async function photograph(page: Page, mail: Mail, name: string) {
  const blank = await page.context().newPage();
  await blank.setContent(mail.html!);
  await blank.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  await blank.close();
}

test("forgot password: the mail's link sets a new password and signs in", async ({ page, browser }) => {
  // Many pages, each audited four times (1280 and 390 px, light and dark).
  test.setTimeout(90_000);
  const user = newUser("Reset");
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);

  // A new account is asked to verify its address, until it does.
  const banner = page.getByRole("region", { name: "Account verification" });
  await expect(banner).toContainText(user.email);
  await audit(page, "API keys with the verification banner");
  const verify = await mailTo(user.email, "Verify your email for Banata");
  await photograph(page, verify, "verify-account");

  // Signed out elsewhere: "Forgot password?" from the sign-in page.
  const other = await browser.newContext({ baseURL: base });
  const visitor = await other.newPage();
  await visitor.goto("/sign-in");
  await hydrated(visitor);
  await visitor.getByRole("link", { name: "Forgot password?" }).click();
  await expect(visitor).toHaveURL(/\/forgot-password$/);
  await audit(visitor, "Forgot password");
  await visitor.getByLabel("Email").fill(user.email);
  await visitor.getByRole("button", { name: "Send reset link" }).click();
  await expect(visitor.getByRole("status").filter({ hasText: "If an account uses this address" })).toBeVisible();
  await audit(visitor, "Forgot password, sent");

  const reset = await mailTo(user.email, "Reset your Banata password");
  expect(reset.html).toContain("Choose a new password");
  await photograph(visitor, reset, "reset-account");
  const resetLink = link(reset, `${base}/reset-password?token=`);
  await visitor.goto(resetLink);
  await hydrated(visitor);
  await audit(visitor, "Choose a new password");
  const newPassword = "a fresh passphrase for the test";
  await visitor.getByLabel("New password").fill(newPassword);
  await visitor.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(visitor).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
  await expect(visitor.getByRole("heading", { name: "API Keys", level: 1 })).toBeVisible();

  // Every other session ended; the link works once.
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in/);
  await visitor.goto(resetLink);
  await expect(visitor.getByRole("alert")).toContainText("not valid any more");
  await audit(visitor, "A spent reset link");
  await other.close();

  // Signing in with the new password works; the old one does not.
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Invalid email or password");
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);

  // The reset proved the address: the banner is gone. The verification link still verifies.
  await expect(page.getByRole("heading", { name: "API Keys", level: 1 })).toBeVisible();
  await expect(banner).toHaveCount(0);
  // Opening it shows a button (a mail scanner's visit spends nothing).
  await page.goto(link(verify, `${base}/verify-email?token=`));
  await hydrated(page);
  await audit(page, "Verify email");
  await page.getByRole("button", { name: "Verify email" }).click();
  await expect(page.getByRole("status")).toContainText("Your email address is verified");
  await audit(page, "Email verified");
});

test("invitations are mailed; the Mail page lists deliveries, never links", async ({ page }) => {
  const owner = newUser("Owner");
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Name").fill(owner.name);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
  const slug = page.url().match(/\/projects\/([a-z0-9-]+)\//)![1];

  await page.goto(`/projects/${slug}/mail`);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Mail", level: 1 })).toBeVisible();
  await audit(page, "Mail, no project mail yet");

  const invitee = newUser("Guest");
  await page.goto(`/projects/${slug}/members`);
  await hydrated(page);
  await page.getByLabel("Email").fill(invitee.email);
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Invitation mailed to ${invitee.email}` })).toBeVisible();
  const invitation = await mailTo(invitee.email, owner.name);
  await photograph(page, invitation, "invitation");
  const mailed = link(invitation, `${base}/invite/`);

  await page.goto(`/projects/${slug}/mail`);
  await hydrated(page);
  const row = page.getByRole("row", { name: new RegExp(invitee.email) });
  await expect(row).toContainText("Invitation");
  await expect(row).toContainText("Sent");
  expect(await page.content()).not.toContain(mailed.split("/invite/")[1]);
  await audit(page, "Mail, one invitation sent");
});

// A header of a mail, whatever case it was sent in.
const headerOf = (mail: Mail, name: string) =>
  Object.entries(mail.headers).find(([n]) => n.toLowerCase() === name)?.[1] ?? "";

test("better-auth's client: an app's user verifies by mail, then resets a password through the app", async ({ browser }) => {
  test.setTimeout(90_000);
  const dashboard = await browser.newContext({ baseURL: base });
  const owner = await dashboard.newPage();
  await signUpAndLand(owner, newUser("Shopkeeper"));
  const project = new URL(owner.url()).pathname.replace(/\/api-keys$/, "");
  const apiKey = await createKey(owner, "shop-app");
  const forwarder = await startForwarder({ banataUrl: base, apiKey, clientBundle: await buildClientBundle() });
  const app = `http://app.localhost:${forwarder.port}`;
  try {
    // Mail links go only to listed origins: the app's is listed; users must verify.
    await owner.goto(`${project}/authentication`);
    await hydrated(owner);
    await owner.getByLabel("Require email verification").check();
    await owner.getByLabel("Other origins that may use sessions").fill(app);
    await owner.getByLabel("Sender name").fill("Corner Shop");
    await owner.getByRole("button", { name: "Save" }).click();
    await expect(owner.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

    const shopper = await browser.newContext();
    const page = await shopper.newPage();
    const ready = async () => {
      await page.goto(`${app}/`);
      await expect(page.locator("#status")).toHaveText("better-auth client ready.");
    };
    await ready();
    const user = newUser("Shopper");
    const signedUp = await page.evaluate((u) => window.authClient.signUp.email({ ...u, callbackURL: "/welcome" }), user);
    expect(signedUp.error).toBeNull();
    expect(signedUp.data?.token).toBeNull();
    const signIn = (password: string) =>
      page.evaluate(([email, password]) => window.authClient.signIn.email({ email, password }), [user.email, password]);
    expect((await signIn(user.password)).error).toMatchObject({ status: 403, code: "EMAIL_NOT_VERIFIED" });

    const verify = await mailTo(user.email, "Verify your email for");
    expect(headerOf(verify, "from")).toContain("Corner Shop");
    await photograph(page, verify, "verify-user");
    await page.goto(link(verify, `${app}/api/auth/verify-email?token=`));
    await expect(page).toHaveURL(`${app}/welcome`);
    await ready();
    const verified = await signIn(user.password);
    expect(verified.error).toBeNull();
    expect(verified.data?.user.emailVerified).toBe(true);

    const asked = await page.evaluate(
      (email) => window.authClient.requestPasswordReset({ email, redirectTo: "/choose-password" }),
      user.email,
    );
    expect(asked).toMatchObject({ data: { status: true }, error: null });
    const reset = await mailTo(user.email, "Reset your password for");
    expect(headerOf(reset, "from")).toContain("Corner Shop");
    await photograph(page, reset, "reset-user");
    await page.goto(link(reset, `${app}/api/auth/reset-password/`));
    await expect(page).toHaveURL(new RegExp(`^${app}/choose-password\\?token=`));
    const token = new URL(page.url()).searchParams.get("token")!;
    await ready();
    const newPassword = "a brand new shop passphrase";
    const resetPassword = () =>
      page.evaluate(([token, newPassword]) => window.authClient.resetPassword({ token, newPassword }), [token, newPassword]);
    expect(await resetPassword()).toMatchObject({ data: { status: true }, error: null });
    expect(await page.evaluate(() => window.authClient.getSession())).toEqual({ data: null, error: null });
    expect((await resetPassword()).error).toMatchObject({ status: 400, code: "INVALID_TOKEN" });
    expect((await signIn(user.password)).error).toMatchObject({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" });
    expect((await signIn(newPassword)).error).toBeNull();
    await shopper.close();
  } finally {
    await forwarder.close();
    await dashboard.close();
  }
});
