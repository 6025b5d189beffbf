import { expect, test } from "@playwright/test";
import { accountMenu, hydrated, newUser, signUpAndLand } from "./support";

test("the audit log lists a key's creation and revocation, filters by action, and exports CSV", async ({ page }) => {
  const user = newUser("Aud");
  await signUpAndLand(page, user);
  await hydrated(page);
  const keys = page.url();
  await page.getByRole("link", { name: "Create new key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("=cmd|' /C calc'!A0");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await dialog.getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name: "Revoke =cmd|' /C calc'!A0" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();

  await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(keys.replace(/api-keys$/, "audit-log"));
  await expect(page.getByRole("heading", { name: "Audit log", exact: true })).toBeVisible();
  const rows = page.getByRole("row").filter({ hasText: "API key" });
  await expect(page.getByRole("row", { name: /Revoked API key/ })).toContainText(user.name);
  await expect(page.getByRole("row", { name: /Created API key/ })).toContainText("never expires");
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("row", { name: /Created API key/ })).toContainText(/Chrome on \w+/);

  await hydrated(page);
  await page.getByLabel("Action").selectOption("api_key.revoked");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=api_key.revoked/);
  await expect(page.getByRole("row", { name: /Created API key/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Revoked API key/ })).toHaveCount(1);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
  const text = await (await import("node:fs/promises")).readFile(await file.path(), "utf8");
  const lines = text.trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`"api_key.revoked"`);
  expect(lines[1]).toContain(`"'=cmd|' /C calc'!A0"`);
});

test("a session signed out from another browser is sent to sign-in", async ({ page, browser }) => {
  const user = newUser("Ses");
  await signUpAndLand(page, user);
  const other = await browser.newContext();
  const phone = await other.newPage();
  await phone.goto("/sign-in");
  await hydrated(phone);
  await phone.getByLabel("Email").fill(user.email);
  await phone.getByLabel("Password").fill(user.password);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone).toHaveURL(/\/api-keys$/);

  await hydrated(page);
  await accountMenu(page).click();
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(3);
  await expect(page.getByRole("row").filter({ hasText: "This browser" })).toHaveCount(1);
  await hydrated(page);
  const otherRow = page.getByRole("row").filter({ hasNotText: "This browser" }).last();
  await otherRow.getByText("Sign out", { exact: true }).first().click();
  await otherRow.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("row")).toHaveCount(2);

  await phone.reload();
  await expect(phone).toHaveURL(/\/sign-in\?next=/);
  await other.close();

  // Changing the password keeps this browser signed in and says so.
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password").fill("an even better passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Every other session is signed out.")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
});
