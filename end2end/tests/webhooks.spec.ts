import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Forwarder } from "../forwarder/forwarder";
import { appWithKey, newUser } from "./support";
import { startReceiver, type Receiver } from "./webhook-receiver";

// Webhooks as a customer receives them: an endpoint made through the admin
// API with the project's key, pointing at a receiver on loopback
// (webhook-receiver.ts), which checks each delivery with Banata's SDK's
// algorithm, with the verifier from Banata's docs, and with the `svix`
// package. The events come from an app's user, driven by better-auth's own
// client in Chromium through the forwarder, as better-auth-client.spec.ts
// does.
//
// The suite's shared server refuses loopback receivers (SSRF) and retries
// after minutes, so this spec runs a server of its own that allows
// loopback and retries every second.

const root = path.resolve(__dirname, "../..");
const bin = process.env.BANATA_BIN ?? path.join(root, "target/debug/banata");
// The suite's server is on E2E_PORT; mail.spec.ts's and
// better-auth-organizations.spec.ts's on the next two.
const port = Number(process.env.E2E_PORT ?? 3107) + 3;
const base = `http://127.0.0.1:${port}`;

let receiver: Receiver | undefined;
let server: ChildProcess | undefined;
let dir: string | undefined;
let forwarder: Forwarder | undefined;
let app: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(90_000);
  receiver = await startReceiver();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "banata-e2e-webhooks-"));
  server = spawn(
    bin,
    [
      "--addr", `127.0.0.1:${port}`,
      "--public-url", base,
      "--database-url", `sqlite://${dir}/webhooks.db`,
      "--webhook-allowed-networks", "127.0.0.0/8,::1/128",
      // Four retries a second apart: a refused delivery is retried (and
      // recorded) within the test's time instead of after minutes.
      "--webhook-retry-schedule", "1,1,1,1",
      "--webhook-timeout", "5",
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  await expect
    .poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status, {
      message: `${bin} answering ${base}/healthz`,
      timeout: 30_000,
    })
    .toBe(200);

  // A dashboard account, a key of its project, the app in front of it, and
  // the app's webhook endpoint, made with that key as a customer's backend
  // would (every event type: `[]`).
  let apiKey: string;
  ({ apiKey, forwarder, app } = await appWithKey(browser, base, "Hooks"));
  const created = await fetch(`${base}/api/auth/banata/webhooks/create`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ url: receiver.url, eventTypes: [] }),
  });
  const endpoint = await created.json();
  expect(created.status, JSON.stringify(endpoint)).toBe(200);
  expect(endpoint).toMatchObject({ url: receiver.url, enabled: true });
  expect(endpoint.id).toMatch(/^wh_/);
  // Shown this once; the receiver needs it from now on.
  expect(endpoint.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
  receiver.secret = endpoint.secret;
});

test.afterAll(async () => {
  await forwarder?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await receiver?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test.afterEach(async ({}, testInfo) => {
  // On failure: every delivery as received, with each verifier's verdict,
  // and what the app forwarded to us (the key redacted).
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const [name, value] of [
    ["webhook-deliveries.json", receiver?.deliveries],
    ["forwarder-exchanges.json", forwarder?.exchanges],
  ] as const) {
    if (value) await testInfo.attach(name, { body: JSON.stringify(value, null, 2), contentType: "application/json" });
  }
});

test("sign up, out and in reach the app's endpoint as signed webhooks that the SDK, the docs and svix all verify", async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  const hooks = receiver!;
  const user = newUser("Wendy");

  await page.goto(`${app}/`);
  await expect(page).toHaveTitle("Forwarder app: better-auth client against Banata");
  await expect(page.locator("#status")).toHaveText("better-auth client ready.");

  let userId = "";
  await test.step("the app's user signs up, signs out and signs in again", async () => {
    const up = await page.evaluate((u) => window.authClient.signUp.email(u), user);
    expect(up.error).toBeNull();
    userId = up.data!.user.id;
    expect(await page.evaluate(() => window.authClient.signOut())).toEqual({ data: { success: true }, error: null });
    const back = await page.evaluate((u) => window.authClient.signIn.email({ email: u.email, password: u.password }), user);
    expect(back.error).toBeNull();
    expect(back.data?.user.id).toBe(userId);
  });

  await test.step("four events arrive in order, each once, accepted by all three verifiers", async () => {
    // Polled, not slept for: deliveries leave in the background. A
    // refused one would be retried every second, so it shows up here as
    // extra entries carrying the verifiers' reasons.
    await expect
      .poll(() => hooks.deliveries.map((d) => ({ type: d.event?.type, verdicts: d.verdicts, answered: d.answered })), {
        message: "the deliveries the receiver got",
        timeout: 20_000,
      })
      .toEqual(
        ["user.created", "session.created", "session.revoked", "session.created"].map((type) => ({
          type,
          verdicts: { sdk: "ok", docs: "ok", svix: "ok" },
          answered: 200,
        })),
      );
  });

  await test.step("each delivery names its event in its headers and body, and is about this user", async () => {
    const events = hooks.deliveries.map((d) => d.event!);
    for (const { headers, event } of hooks.deliveries) {
      expect(event!.id).toMatch(/^evt_/);
      expect(headers["webhook-id"]).toBe(event!.id);
      expect(headers["svix-id"]).toBe(event!.id);
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["user-agent"]).toBe("Banata-Webhooks/1");
      // One body for every reader: the SDK's `type`, the docs' `event`.
      expect(event!.event).toBe(event!.type);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(4);

    const [created, signedUp, signedOut, signedIn] = events.map((e) => e.data!);
    expect(created).toMatchObject({ id: userId, email: user.email, name: user.name });
    for (const session of [signedUp, signedOut, signedIn]) expect(session.userId).toBe(userId);
    // Sign-out revokes the session sign-up made; sign-in makes a new one.
    expect(signedOut.id).toBe(signedUp.id);
    expect(signedIn.id).not.toBe(signedUp.id);
  });

  await test.step("no delivery carries the password or the session's token", async () => {
    const [cookie] = (await context.cookies(app)).filter((c) => c.name === "better-auth.session_token");
    // better-auth's cookie is "<token>.<signature>"; the token is the secret part.
    const token = decodeURIComponent(cookie.value).split(".")[0];
    expect(token.length).toBeGreaterThanOrEqual(16);
    for (const { body } of hooks.deliveries) {
      expect(body).not.toContain(user.password);
      expect(body).not.toContain(token);
    }
  });
});
