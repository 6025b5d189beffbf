import { expect, test, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildClientBundle } from "../forwarder/bundle";
import { startForwarder, type Forwarder } from "../forwarder/forwarder";
import { link, startSmtpSink, type Mail, type SmtpSink } from "./smtp";
import { createKey, hydrated, newUser, signUpAndLand } from "./support";

// better-auth's own browser client with its organization plugin (better-auth
// 1.4.21, `createAuthClient({ plugins: [organizationClient()] })`) in
// Chromium, on a customer app's page, talking to us through the forwarder
// (forwarder/forwarder.ts) as better-auth-client.spec.ts does for the plain
// client. Two of the app's users: one makes an organization and invites the
// other by mail; the other accepts, is promoted, and is removed.
//
// The suite's shared server sends no mail, so this spec runs a server of
// its own that sends through a real SMTP server on loopback (as
// mail.spec.ts does), and the project lists the app's origin: the first
// allowed origin is where invitation mails link.

const root = path.resolve(__dirname, "../..");
const bin = process.env.BANATA_BIN ?? path.join(root, "target/debug/banata");
// The suite's server is on E2E_PORT and mail.spec.ts's on the next one.
const port = Number(process.env.E2E_PORT ?? 3107) + 2;
const base = `http://127.0.0.1:${port}`;

let sink: SmtpSink | undefined;
let server: ChildProcess | undefined;
let dir: string | undefined;
let forwarder: Forwarder | undefined;
let app: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(90_000);
  sink = await startSmtpSink();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "banata-e2e-orgs-"));
  server = spawn(
    bin,
    [
      "--addr", `127.0.0.1:${port}`,
      "--public-url", base,
      "--database-url", `sqlite://${dir}/orgs.db`,
      "--smtp-url", sink.url,
      "--mail-from", "Banata <no-reply@banata.test>",
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  await expect
    .poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status, {
      message: `${bin} answering ${base}/healthz`,
      timeout: 30_000,
    })
    .toBe(200);

  // A dashboard account, a key of its project, and the app in front of it.
  const dashboard = await browser.newContext({ baseURL: base });
  try {
    const developer = await dashboard.newPage();
    await signUpAndLand(developer, newUser("Founder"));
    const project = new URL(developer.url()).pathname.replace(/\/api-keys$/, "");
    const apiKey = await createKey(developer, "b2b-app");
    forwarder = await startForwarder({ banataUrl: base, apiKey, clientBundle: await buildClientBundle() });
    app = `http://app.localhost:${forwarder.port}`;

    // Mails link only to listed origins. "Links in mails go to" is left at
    // its default, the first allowed origin: the app's.
    await developer.goto(`${project}/authentication`);
    await hydrated(developer);
    await developer.getByLabel("Other origins that may use sessions").fill(app);
    await developer.getByRole("button", { name: "Save" }).click();
    await expect(developer.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  } finally {
    await dashboard.close();
  }
});

test.afterAll(async () => {
  await forwarder?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await sink?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test.afterEach(async ({}, testInfo) => {
  // On failure: what was forwarded and what we answered (the key redacted).
  if (forwarder && testInfo.status !== testInfo.expectedStatus) {
    await testInfo.attach("forwarder-exchanges.json", {
      body: JSON.stringify(forwarder.exchanges, null, 2),
      contentType: "application/json",
    });
  }
});

async function mailTo(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(() => {
      found = sink!.messages().find((m) => m.to.includes(to) && m.subject.startsWith(subject));
      return !!found;
    }, { message: `a mail "${subject}…" to ${to}`, timeout: 20_000 })
    .toBe(true);
  return found!;
}

// The app's page at `at`, once better-auth's client has loaded.
async function openApp(page: Page, at = "/") {
  await page.goto(`${app}${at}`);
  await expect(page).toHaveTitle("Forwarder app: better-auth client against Banata");
  await expect(page.locator("#status")).toHaveText("better-auth client ready.");
}

// The session as better-auth's client reads it on `page`; it must be there.
async function sessionOn(page: Page) {
  const { data, error } = await page.evaluate(() => window.authClient.getSession());
  expect(error).toBeNull();
  expect(data, "a signed-in session").not.toBeNull();
  return data!;
}

test("better-auth's organization client: create, set active, invite by mail, accept, change a role, remove", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  const fwd = forwarder!;
  // The last request forwarded to this path (the query aside).
  const lastCall = (to: string) => [...fwd.exchanges].reverse().find((e) => e.target.split("?")[0] === `/api/auth${to}`);
  const owner = newUser("Owner");
  const invitee = newUser("Invitee");
  // The server and its project are this spec's own, so the slug is free.
  const organization = { name: "Acme Robotics", slug: "acme-robotics" };

  await test.step("the app's page has better-auth's client with the organization plugin", async () => {
    await openApp(page);
    // checkRolePermission is the plugin's own action, answered in the
    // browser from better-auth's default roles. Without the plugin the
    // client would turn the call into a request and answer a Promise.
    const local = await page.evaluate(() => {
      const answer = window.authClient.organization.checkRolePermission({
        role: "admin",
        permissions: { member: ["create"] },
      });
      return typeof answer === "boolean" ? answer : `not a boolean: ${String(answer)}`;
    });
    expect(local).toBe(true);
  });

  let ownerId = "";
  await test.step("the owner signs up, with no active organization", async () => {
    const result = await page.evaluate((u) => window.authClient.signUp.email(u), owner);
    expect(result.error).toBeNull();
    ownerId = result.data!.user.id;
    expect((await sessionOn(page)).session.activeOrganizationId).toBeNull();
  });

  let orgId = "";
  await test.step("create: the owner is its one member, super_admin, and it becomes active", async () => {
    const result = await page.evaluate((o) => window.authClient.organization.create(o), organization);
    expect(result.error).toBeNull();
    // An array in toMatchObject matches in length too: exactly one member.
    expect(result.data).toMatchObject({ ...organization, members: [{ userId: ownerId, role: "super_admin" }] });
    orgId = result.data!.id;
    expect(orgId).toMatch(/^org_/);
    expect(result.data!.members[0]?.organizationId).toBe(orgId);
    expect((await sessionOn(page)).session.activeOrganizationId).toBe(orgId);
  });

  await test.step("list: a bare array holding the one organization (a GET)", async () => {
    const result = await page.evaluate(() => window.authClient.organization.list());
    expect(result.error).toBeNull();
    expect(result.data).toEqual([expect.objectContaining({ id: orgId, ...organization })]);
    expect(lastCall("/organization/list")?.method).toBe("GET");
  });

  await test.step("setActive clears the active organization with null and sets it by id", async () => {
    const cleared = await page.evaluate(() => window.authClient.organization.setActive({ organizationId: null }));
    expect(cleared).toEqual({ data: null, error: null });
    expect((await sessionOn(page)).session.activeOrganizationId).toBeNull();

    const set = await page.evaluate((id) => window.authClient.organization.setActive({ organizationId: id }), orgId);
    expect(set.error).toBeNull();
    expect(set.data).toMatchObject({ id: orgId, ...organization });
    // A body with a key makes the client POST it.
    const call = lastCall("/organization/set-active")!;
    expect(call.method).toBe("POST");
    expect(JSON.parse(call.sentBody!)).toEqual({ organizationId: orgId });
    expect((await sessionOn(page)).session.activeOrganizationId).toBe(orgId);
  });

  let invitationId = "";
  await test.step("inviteMember (in the active organization) answers a pending invitation, mailed", async () => {
    const result = await page.evaluate(
      (email) => window.authClient.organization.inviteMember({ email, role: "member" }),
      invitee.email,
    );
    expect(result.error).toBeNull();
    expect(result.data).toMatchObject({
      organizationId: orgId,
      email: invitee.email,
      role: "member",
      status: "pending",
      inviterId: ownerId,
      mailed: true,
    });
    invitationId = result.data!.id;
    expect(invitationId).toMatch(/^inv_/);
  });

  let mailedLink = "";
  await test.step("the invitation mail arrives, linking to the app's accept page", async () => {
    const mail = await mailTo(invitee.email, `You are invited to join ${organization.name} on `);
    mailedLink = link(mail, `${app}/accept-invitation/`);
    expect(mailedLink).toBe(`${app}/accept-invitation/${invitationId}`);
  });

  // The invitee in a browser context of its own: its own cookie jar.
  const inviteeContext = await browser.newContext();
  try {
    const other = await inviteeContext.newPage();
    let inviteeId = "";
    let memberId = "";

    await test.step("the invitee opens the link, signs up with the invited address and accepts", async () => {
      await openApp(other, new URL(mailedLink).pathname);
      const result = await other.evaluate((u) => window.authClient.signUp.email(u), invitee);
      expect(result.error).toBeNull();
      inviteeId = result.data!.user.id;
      expect((await sessionOn(other)).session.activeOrganizationId).toBeNull();

      // As the app's accept page would: the invitation's id from its own path.
      const accepted = await other.evaluate(
        () => window.authClient.organization.acceptInvitation({ invitationId: location.pathname.split("/").pop()! }),
      );
      expect(accepted.error).toBeNull();
      expect(accepted.data).toMatchObject({
        invitation: { id: invitationId, status: "accepted" },
        member: { organizationId: orgId, userId: inviteeId, role: "member" },
      });
      memberId = accepted.data!.member.id;
      expect(memberId).toMatch(/^mem_/);
      // Accepting makes the organization the invitee's active one.
      expect((await sessionOn(other)).session.activeOrganizationId).toBe(orgId);
    });

    await test.step("listMembers shows both, with their emails (a GET, in the active organization)", async () => {
      const result = await page.evaluate(() => window.authClient.organization.listMembers());
      expect(result.error).toBeNull();
      expect(result.data?.total).toBe(2);
      const members = result.data!.members.map((m) => ({ id: m.id, userId: m.userId, email: m.user.email, role: m.role }));
      expect(members).toHaveLength(2);
      expect(members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: ownerId, email: owner.email, role: "super_admin" }),
          { id: memberId, userId: inviteeId, email: invitee.email, role: "member" },
        ]),
      );
      expect(lastCall("/organization/list-members")?.method).toBe("GET");
    });

    // better-auth's `member: ["create"]` is our `member.invite`, which the
    // project's "member" role lacks and its "admin" role has.
    const inviteeMayAddMembers = () =>
      other.evaluate(() => window.authClient.organization.hasPermission({ permissions: { member: ["create"] } }));

    await test.step("hasPermission: a member may not add members", async () => {
      expect(await inviteeMayAddMembers()).toEqual({ data: { error: null, success: false }, error: null });
      const call = lastCall("/organization/has-permission")!;
      expect(call.method).toBe("POST");
      expect(JSON.parse(call.sentBody!)).toEqual({ permissions: { member: ["create"] } });
    });

    await test.step("the owner makes the invitee an admin, who then may add members", async () => {
      const result = await page.evaluate(
        (id) => window.authClient.organization.updateMemberRole({ memberId: id, role: "admin" }),
        memberId,
      );
      expect(result.error).toBeNull();
      expect(result.data).toMatchObject({ id: memberId, organizationId: orgId, userId: inviteeId, role: "admin" });
      expect(await inviteeMayAddMembers()).toEqual({ data: { error: null, success: true }, error: null });
    });

    await test.step("the owner removes the invitee by email: signed in still, in no organization", async () => {
      const result = await page.evaluate(
        (email) => window.authClient.organization.removeMember({ memberIdOrEmail: email }),
        invitee.email,
      );
      expect(result.error).toBeNull();
      expect(result.data).toMatchObject({ member: { id: memberId, organizationId: orgId, userId: inviteeId } });

      const session = await sessionOn(other);
      expect(session.user.id).toBe(inviteeId);
      expect(session.session.activeOrganizationId).toBeNull();

      const left = await page.evaluate(() => window.authClient.organization.listMembers());
      expect(left.error).toBeNull();
      expect(left.data?.total).toBe(1);
      expect(left.data?.members.map((m) => m.userId)).toEqual([ownerId]);
    });
  } finally {
    await inviteeContext.close();
  }
});
