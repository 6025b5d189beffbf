import { expect, test, type Response } from "@playwright/test";
import type { Forwarder } from "../forwarder/forwarder";
import { appWithKey, newUser } from "./support";

// better-auth's own browser client (better-auth 1.4.21, `createAuthClient`
// from "better-auth/client"; its organization plugin, loaded too, adds
// methods this test does not call) in Chromium, on a customer app's
// page, talking to us through a forwarder that does what
// @banata-auth/nextjs's route handler does (forwarder/forwarder.ts).

const SESSION_COOKIE = "better-auth.session_token";

let banata: string;
let apiKey: string;
let forwarder: Forwarder | undefined;
let app: string;

test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(60_000);
  banata = String(testInfo.project.use.baseURL);
  ({ apiKey, forwarder, app } = await appWithKey(browser, banata, "Bea"));
});

test.afterAll(async () => {
  await forwarder?.close();
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

test("better-auth's client signs up, reads the session, signs out and in, and a ban ends it", async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(60_000);
  const fwd = forwarder!;
  const user = newUser("Eve");
  const lastExchange = (target: string) => [...fwd.exchanges].reverse().find((e) => e.target.startsWith(target));

  // Everything the page receives, headers and bodies, to look for the key in.
  const received: Promise<{ url: string; headers: Record<string, string>; body: string }>[] = [];
  const capture = async (response: Response) => ({
    url: response.url(),
    headers: await response.allHeaders(),
    body: (await response.body().catch(() => Buffer.alloc(0))).toString("utf8"),
  });
  page.on("response", (response) => received.push(capture(response)));

  const sessionCookies = async () => (await context.cookies(app)).filter((c) => c.name === SESSION_COOKIE);

  await page.goto(`${app}/`);
  await expect(page).toHaveTitle("Forwarder app: better-auth client against Banata");
  await expect(page.locator("#status")).toHaveText("better-auth client ready.");

  await test.step("a callback URL off the app's origin is refused", async () => {
    const result = await page.evaluate(
      (u) => window.authClient.signUp.email({ ...u, callbackURL: "https://evil.example/next" }),
      user,
    );
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({ status: 403, code: "INVALID_CALLBACK_URL" });
    expect(await sessionCookies()).toEqual([]);
  });

  let userId = "";
  await test.step("sign up (the route handler makes the relative callback absolute on the app)", async () => {
    const result = await page.evaluate((u) => window.authClient.signUp.email({ ...u, callbackURL: "/welcome" }), user);
    expect(result.error).toBeNull();
    expect(result.data?.user.email).toBe(user.email);
    expect(result.data?.user.name).toBe(user.name);
    userId = result.data!.user.id;
    expect(userId).not.toBe("");
    expect(JSON.parse(lastExchange("/api/auth/sign-up/email")!.sentBody!).callbackURL).toBe(`${app}/welcome`);
  });

  await test.step("the session cookie is the app's: on its host, HttpOnly, Lax, seven days", async () => {
    const [cookie, ...others] = await sessionCookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ domain: "app.localhost", path: "/", httpOnly: true, secure: false, sameSite: "Lax" });
    expect(Math.abs(cookie.expires - (Date.now() / 1000 + 604_800))).toBeLessThan(300);
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
  });

  await test.step("getSession shows the user, with dates the client parsed", async () => {
    const result = await page.evaluate(async () => {
      const { data, error } = await window.authClient.getSession();
      return {
        data,
        error,
        dates: data ? [data.session.expiresAt, data.user.createdAt].every((d) => d instanceof Date) : false,
      };
    });
    expect(result.error).toBeNull();
    expect(result.data?.user).toMatchObject({ id: userId, email: user.email, name: user.name });
    expect(result.data?.session.userId).toBe(userId);
    expect(result.dates).toBe(true);
  });

  await test.step("sign out clears the cookie and getSession is null", async () => {
    const out = await page.evaluate(() => window.authClient.signOut());
    expect(out).toEqual({ data: { success: true }, error: null });
    expect(await sessionCookies()).toEqual([]);
    const after = await page.evaluate(() => window.authClient.getSession());
    expect(after).toEqual({ data: null, error: null });
  });

  await test.step("sign in gives the session back", async () => {
    const result = await page.evaluate(
      (u) => window.authClient.signIn.email({ email: u.email, password: u.password }),
      user,
    );
    expect(result.error).toBeNull();
    expect(result.data).toMatchObject({ redirect: false, user: { id: userId, email: user.email } });
    expect(await sessionCookies()).toHaveLength(1);
    const session = await page.evaluate(() => window.authClient.getSession());
    expect(session.error).toBeNull();
    expect(session.data?.user.email).toBe(user.email);
  });

  await test.step("a wrong password is better-auth's 401 INVALID_EMAIL_OR_PASSWORD", async () => {
    const result = await page.evaluate(
      (u) => window.authClient.signIn.email({ email: u.email, password: `${u.password}!` }),
      user,
    );
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" });
    // The session from before is untouched, so what follows is the ban's doing.
    const session = await page.evaluate(() => window.authClient.getSession());
    expect(session.data?.user.id).toBe(userId);
  });

  await test.step("a ban through the admin API ends the session and refuses sign-in", async () => {
    const ban = await request.post(`${banata}/api/auth/admin/ban-user`, {
      headers: { Authorization: `Bearer ${apiKey}` },
      data: { userId, banReason: "end-to-end test" },
    });
    expect(ban.status()).toBe(200);
    expect((await ban.json()).user).toMatchObject({ id: userId, banned: true });

    // The browser still holds its cookie; the session behind it is gone.
    expect(await sessionCookies()).toHaveLength(1);
    const session = await page.evaluate(() => window.authClient.getSession());
    expect(session).toEqual({ data: null, error: null });

    const result = await page.evaluate(
      (u) => window.authClient.signIn.email({ email: u.email, password: u.password }),
      user,
    );
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({ status: 403, code: "BANNED_USER" });
    const refused = lastExchange("/api/auth/sign-in/email")!;
    expect(refused.status).toBe(403);
    expect(refused.received.filter(([name]) => name === "set-cookie")).toEqual([]);
  });

  await test.step("the key went to Banata on every call and never to the browser", async () => {
    const forwarded = fwd.exchanges.filter((e) => e.target.startsWith("/api/auth/"));
    expect(forwarded.length).toBeGreaterThanOrEqual(10);
    for (const exchange of forwarded) expect(exchange.sent["x-api-key"], exchange.target).toBe("<api key>");

    const responses = await Promise.all(received);
    const urls = responses.map((r) => new URL(r.url).pathname);
    expect(urls).toContain("/client.js");
    expect(urls).toContain("/api/auth/sign-in/email");
    // The scan sees Set-Cookie too, so a key in a cookie would be found.
    expect(responses.some((r) => (r.headers["set-cookie"] ?? "").includes(SESSION_COOKIE))).toBe(true);
    const secretPart = apiKey.slice(8, 41);
    for (const response of responses) {
      const seen = `${JSON.stringify(response.headers)}\n${response.body}`;
      expect(seen, response.url).not.toContain(secretPart);
    }
    expect(await page.content()).not.toContain(secretPart);
  });
});
