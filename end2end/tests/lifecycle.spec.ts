import { expect, test, type Page } from "@playwright/test";
import { hydrated, newUser, signUpAndLand } from "./support";

// Creates a key through the dialog and returns its secret.
async function createKey(page: Page, name: string, access = "full") {
  await page.getByRole("link", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Access").selectOption(access);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = await dialog.getByLabel("API key").inputValue();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return secret;
}

test("roll a key with a one-hour grace period: both keys listed with their badges", async ({ page }) => {
  await signUpAndLand(page, newUser("Rol"));
  await hydrated(page);
  const oldSecret = await createKey(page, "deploy");
  await page.getByRole("link", { name: "Roll deploy" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Roll key deploy" })).toBeVisible();
  await dialog.getByLabel("Old key stops working").selectOption("1h");
  await dialog.getByRole("button", { name: "Roll key" }).click();
  const newSecret = await dialog.getByLabel("API key").inputValue();
  expect(newSecret).toMatch(/^sk_live_/);
  expect(newSecret).not.toBe(oldSecret);
  await dialog.getByRole("button", { name: "Done" }).click();

  const rows = page.getByRole("row", { name: /deploy/ });
  await expect(rows).toHaveCount(2);
  const old = page.getByRole("row").filter({ hasText: "Replaced" });
  await expect(old).toContainText("replaced by a newer key");
  await expect(old.getByText(/Expires in (60 min|1 h)/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "replaces an older key" })).toContainText("Active");
  await expect(page.getByRole("link", { name: /API Keys/ }).getByText("1", { exact: true })).toBeVisible();

  // Both keys work during the grace period.
  for (const key of [oldSecret, newSecret]) {
    const answer = await page.request.get("/api/auth/api-key/whoami", { headers: { authorization: `Bearer ${key}` } });
    expect(answer.status()).toBe(200);
  }
});

test("a read-only key is refused a create by the API", async ({ page }) => {
  await signUpAndLand(page, newUser("Rea"));
  await hydrated(page);
  const secret = await createKey(page, "dashboards", "read");
  await expect(page.getByRole("row", { name: /dashboards/ })).toContainText("Read-only");
  const headers = { authorization: `Bearer ${secret}` };
  expect((await page.request.get("/api/auth/api-key/list", { headers })).status()).toBe(200);
  const refused = await page.request.post("/api/auth/api-key/create", { headers, data: { name: "escalate" } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe("forbidden");
});

test("the key page shows the usage chart after some calls", async ({ page }) => {
  await signUpAndLand(page, newUser("Use"));
  await hydrated(page);
  const secret = await createKey(page, "counted");
  for (let i = 0; i < 3; i++) {
    const answer = await page.request.get("/api/auth/api-key/whoami", { headers: { authorization: `Bearer ${secret}` } });
    expect(answer.status()).toBe(200);
  }
  await page.getByRole("link", { name: "counted", exact: true }).click();
  await expect(page.getByRole("heading", { name: "counted", exact: true })).toBeVisible();
  await expect(page.getByText("Full access")).toBeVisible();
  // Uses are written every few seconds: reload until they are.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("img", { name: /^3 requests in the last 30 days/ })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("row", { name: /Created API key/ })).toBeVisible();
});

test("test a key tells a revoked key from a valid one", async ({ page }) => {
  await signUpAndLand(page, newUser("Tst"));
  await hydrated(page);
  const keys = page.url();
  const valid = await createKey(page, "alive");
  const revoked = await createKey(page, "dead");
  await page.getByRole("link", { name: "Revoke dead" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /dead/ })).toHaveCount(0);

  await page.getByRole("link", { name: "Test a key" }).click();
  await expect(page).toHaveURL(keys.replace(/api-keys$/, "test-key"));
  await hydrated(page);
  const field = page.getByLabel("API key");
  await field.fill(valid);
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByRole("status")).toContainText("This key works.");
  await expect(page.getByRole("status")).toContainText("alive");
  await field.fill(revoked);
  await page.getByRole("button", { name: "Test" }).click();
  await expect(page.getByRole("status")).toContainText("This key was revoked");
});
