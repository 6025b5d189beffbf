import { expect, test } from "@playwright/test";
import { hydrated, newUser, signUpAndLand } from "./support";

test("create a key, copy it once, find it nowhere afterwards, revoke it", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signUpAndLand(page, newUser("Kim"));
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();

  const trigger = page.getByRole("link", { name: "Create new key" }).first();
  await trigger.click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Create new key" })).toBeVisible();
  await dialog.getByLabel("Name").fill("billing-worker");
  await dialog.getByLabel("Expires").selectOption("90");
  await dialog.getByRole("button", { name: "Create key" }).click();

  const field = dialog.getByLabel("API key");
  await expect(field).toBeVisible();
  const secret = await field.inputValue();
  expect(secret).toMatch(/^sk_live_[A-Za-z0-9]{39}$/);
  // What the app needs beside the key: this server's URL.
  await expect(dialog.getByLabel("BANATA_AUTH_URL")).toHaveValue(new URL(page.url()).origin);
  await expect(dialog.getByText("This key won't be shown again.")).toBeVisible();
  // The reveal is a new page (the form's answer): Copy works once it is live.
  await hydrated(page);
  await dialog.getByRole("button", { name: "Copy key" }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const row = page.getByRole("row", { name: /billing-worker/ });
  await expect(row).toContainText(`${secret.slice(0, 12)}…${secret.slice(-4)}`);
  await expect(row).toContainText("never used");
  await expect(row).toContainText("Active");
  expect(await page.content()).not.toContain(secret.slice(8, 41));

  await page.reload();
  await hydrated(page);
  expect(await page.content()).not.toContain(secret.slice(8, 41));
  const source = await (await page.request.get(page.url())).text();
  expect(source).not.toContain(secret.slice(8, 41));

  // Revoke with the confirm dialog; Esc first closes it without revoking.
  const revoke = page.getByRole("row", { name: /billing-worker/ }).getByRole("link", { name: "Revoke billing-worker" });
  await revoke.click();
  const confirm = page.getByRole("dialog");
  await expect(confirm.getByRole("heading", { name: "Revoke key billing-worker?" })).toBeVisible();
  await hydrated(page);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(revoke).toBeFocused();
  await revoke.click();
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("row", { name: /billing-worker/ })).toHaveCount(0);
  await page.getByLabel("Show revoked").check();
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("row", { name: /billing-worker/ })).toContainText("Revoked");
});

test("a name with markup is shown as text, and a taken name gets a clear message", async ({ page }) => {
  await signUpAndLand(page, newUser("Sam"));
  await hydrated(page);
  const name = "<script>window.__pwned = 1</script>";
  for (const attempt of [name, name.toUpperCase()]) {
    await page.getByRole("link", { name: "Create new key" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(attempt);
    await dialog.getByRole("button", { name: "Create key" }).click();
    if (attempt === name) {
      await dialog.getByRole("button", { name: "Done" }).click();
    } else {
      await expect(dialog.locator("#field-name-error")).toContainText("already named");
      await dialog.getByRole("link", { name: "Cancel" }).click();
    }
  }
  await expect(page.getByRole("rowheader", { name })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("create a key and see it once through plain forms, then revoke it", async ({ page }) => {
    await signUpAndLand(page, newUser("Noah"), false);
    await page.getByRole("link", { name: "Create new key" }).first().click();
    await expect(page).toHaveURL(/\?new=1$/);
    await page.getByRole("dialog").getByLabel("Name", { exact: true }).fill("cron-job");
    await page.getByRole("button", { name: "Create key" }).click();
    // The reveal is a dialog over the list, which now has the key.
    const secret = await page.getByRole("dialog").getByLabel("API key").inputValue();
    expect(secret).toMatch(/^sk_live_/);
    await expect(page.getByText("This key won't be shown again.")).toBeVisible();
    await page.getByRole("link", { name: "Done" }).click();
    await expect(page.getByRole("row", { name: /cron-job/ })).toContainText(secret.slice(0, 12));
    expect(await page.content()).not.toContain(secret.slice(8, 41));

    await page.getByRole("link", { name: "Revoke cron-job" }).click();
    await expect(page.getByRole("heading", { name: "Revoke key cron-job?" })).toBeVisible();
    await page.getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByRole("row", { name: /cron-job/ })).toHaveCount(0);
  });
});
