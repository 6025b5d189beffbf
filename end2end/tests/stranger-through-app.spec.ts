import { expect, test } from "@playwright/test";
import type { Forwarder } from "../forwarder/forwarder";
import { appWithKey, newUser } from "./support";

// A stranger in front of a customer's app, through a forwarder that does
// what @banata-auth/nextjs's route handler does (it adds the project's key
// to every request): the admin API stays shut, and another site cannot sign
// a visitor in to the stranger's account.

let banata: string;
let apiKey: string;
let forwarder: Forwarder | undefined;
let app: string;

test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(60_000);
  banata = String(testInfo.project.use.baseURL);
  ({ apiKey, forwarder, app } = await appWithKey(browser, banata, "Owner"));
});

test.afterAll(async () => {
  await forwarder?.close();
});

// What the admin SDK sends from a server: the key as Bearer, JSON.
const asAdmin = (data?: unknown) => ({ headers: { Authorization: `Bearer ${apiKey}` }, data });

test("the admin API answers 401 through the app, and nothing changes", async ({ playwright }) => {
  const direct = await playwright.request.newContext({ baseURL: banata });
  const user = newUser("Victim");
  const created = await direct.post("/api/auth/admin/create-user", asAdmin(user));
  expect(created.status()).toBe(200);
  const userId = (await created.json()).user.id as string;
  const keysBefore = await (await direct.get("/api/auth/api-key/list", asAdmin())).json();

  // The stranger: no key, no account, only the app's address (by IP: only
  // Chromium resolves *.localhost, and the forwarder serves any host name).
  const stranger = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${forwarder!.port}` });
  const attempts: [string, "get" | "post", unknown][] = [
    ["admin/list-users", "post", {}],
    ["api-key/list", "get", undefined],
    ["api-key/create", "post", { name: "stolen" }],
    ["api-key/delete", "post", { keyId: keysBefore[0].id }],
    ["admin/set-user-password", "post", { userId, newPassword: "the stranger's password" }],
    ["admin/ban-user", "post", { userId }],
  ];
  for (const [path, method, data] of attempts) {
    const response = method === "get" ? await stranger.get(`/api/auth/${path}`) : await stranger.post(`/api/auth/${path}`, { data });
    expect(response.status(), path).toBe(401);
    expect((await response.json()).code, path).toBe("authentication_required");
    expect(await response.text(), path).not.toContain("sk_live_");
  }
  const exchanges = forwarder!.exchanges.filter((e) => e.target.startsWith("/api/auth/a"));
  for (const exchange of exchanges) expect(exchange.sent["x-api-key"], exchange.target).toBe("<api key>");

  // The key's project as it was: same keys, the user neither banned nor taken over.
  const keysAfter = await (await direct.get("/api/auth/api-key/list", asAdmin())).json();
  expect(keysAfter.map((k: { id: string }) => k.id)).toEqual(keysBefore.map((k: { id: string }) => k.id));
  const got = await direct.post("/api/auth/admin/get-user", asAdmin({ userId }));
  expect((await got.json()).banned).toBe(false);
  const signedIn = await stranger.post("/api/auth/sign-in/email", { data: { email: user.email, password: user.password } });
  expect(signedIn.status()).toBe(200);

  // The admin SDK's own way, Bearer from a server, still works.
  const listed = await direct.post("/api/auth/admin/list-users", asAdmin({}));
  expect(listed.status()).toBe(200);
  expect((await listed.json()).total).toBeGreaterThanOrEqual(1);
  await direct.dispose();
  await stranger.dispose();
});

test("another site's form cannot sign a visitor in to the attacker's account", async ({ page, context, playwright }) => {
  const direct = await playwright.request.newContext({ baseURL: banata });
  const attacker = newUser("Attacker");
  expect((await direct.post("/api/auth/admin/create-user", asAdmin(attacker))).status()).toBe(200);
  await direct.dispose();

  // The page is another site's: 127.0.0.1, not app.localhost.
  const action = `${app}/api/auth/sign-in/email`;
  const query = new URLSearchParams({ action, email: attacker.email, password: attacker.password });
  await page.goto(`http://127.0.0.1:${forwarder!.port}/another-site-form?${query}`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === action),
    page.getByRole("button", { name: "Win a prize" }).click(),
  ]);
  expect(response.status()).toBe(415);
  const sent = [...forwarder!.exchanges].reverse().find((e) => e.target === "/api/auth/sign-in/email")!;
  expect(sent.sent["content-type"]).toContain("text/plain");
  expect(sent.sent["origin"]).toBe(`http://127.0.0.1:${forwarder!.port}`);
  expect((await context.cookies(app)).filter((c) => c.name.includes("session_token"))).toEqual([]);
});
