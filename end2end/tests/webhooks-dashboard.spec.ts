import { expect, test } from "@playwright/test";
import { auditEverywhere, hydrated, newUser, signUpAndLand } from "./support";

// The dashboard's Webhooks pages in Chromium: a developer adds an endpoint
// (its secret shown once, with Copy), sends a test event, opens the
// delivery and resends it, rotates the secret, disables the endpoint and
// deletes it behind a confirm that names it; a refused URL says why and
// adds nothing. The same without JavaScript. axe-core (WCAG 2.1 A and AA)
// on each state at a laptop's and a phone's width, light and dark.
//
// The suite's server lets endpoints reach public addresses only, so the
// endpoint is a public IP literal: adding one sends nothing, and the test
// event's delivery simply waits for its retry here (this machine has no
// internet), which is a state the page must show too.

const URL = "https://8.8.8.8/banata-webhooks";

test("webhooks from the dashboard", async ({ page }) => {
  test.setTimeout(240_000);
  await signUpAndLand(page, newUser("Hook"));
  const webhooks = page.url().replace(/\/api-keys$/, "/webhooks");
  await page.goto(webhooks);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "No endpoints yet" })).toBeVisible();
  await auditEverywhere(page, "webhooks, empty");

  await page.getByRole("link", { name: "Add endpoint" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Add endpoint" })).toBeVisible();
  await auditEverywhere(page, "webhooks, add dialog");
  await dialog.getByLabel("Endpoint URL").fill("https://169.254.169.254/latest/meta-data");
  await dialog.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("private or internal address");
  await auditEverywhere(page, "webhooks, add refused");

  await page.getByRole("dialog").getByLabel("Endpoint URL").fill(URL);
  await page.getByRole("dialog").getByLabel("user.created").check();
  await page.getByRole("dialog").getByLabel("session.created").check();
  await page.getByRole("dialog").getByRole("button", { name: "Add endpoint" }).click();
  const secret = page.getByRole("dialog").getByLabel("Signing secret");
  await expect(secret).toHaveValue(/^whsec_[0-9a-f]{64}$/);
  await expect(page.getByRole("dialog").getByRole("button", { name: "Copy" })).toBeVisible();
  await auditEverywhere(page, "webhooks, secret shown once");
  const shown = await secret.inputValue();
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const row = page.getByRole("row", { name: /8\.8\.8\.8/ });
  await expect(row).toContainText("user.created, session.created");
  await expect(row).toContainText("Active");
  expect(await page.content()).not.toContain(shown.slice(6));
  await auditEverywhere(page, "webhooks, one endpoint");

  await row.getByRole("link").click();
  await hydrated(page);
  await expect(page.getByText("Nothing sent yet.")).toBeVisible();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("link", { name: "webhook.test" })).toBeVisible();
  await auditEverywhere(page, "webhook, a delivery");
  await page.getByRole("link", { name: "webhook.test" }).click();
  await expect(page.getByRole("heading", { name: "Request body" })).toBeVisible();
  await expect(page.locator("pre").first()).toContainText('"type": "webhook.test"');
  await auditEverywhere(page, "webhook, delivery opened");
  await page.getByRole("button", { name: "Resend" }).click();
  await expect(page.getByRole("status")).toContainText("Queued to send again.");

  await page.getByLabel("The old secret keeps signing for").selectOption("3600");
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotated = page.getByRole("dialog").getByLabel("Signing secret");
  await expect(rotated).toHaveValue(/^whsec_[0-9a-f]{64}$/);
  expect(await rotated.inputValue()).not.toBe(shown);
  await expect(page.getByRole("dialog")).toContainText("The previous secret also signs deliveries until");
  await auditEverywhere(page, "webhook, rotated secret");
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Disabled", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();

  await page.locator("summary", { hasText: "Delete endpoint" }).click();
  await expect(page.getByText(`Delete the endpoint ${URL}?`)).toBeVisible();
  await auditEverywhere(page, "webhook, delete confirm");
  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.getByText("Endpoint deleted.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No endpoints yet" })).toBeVisible();
});

test("webhooks without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signUpAndLand(page, newUser("Nojs"), false);
  const webhooks = page.url().replace(/\/api-keys$/, "/webhooks");
  await page.goto(`${webhooks}?new=1`);
  await page.getByLabel("Endpoint URL").fill(URL);
  await page.getByRole("button", { name: "Add endpoint" }).last().click();
  await expect(page.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
  await page.goto(webhooks);
  await page.getByRole("link", { name: URL }).click();
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event sent.")).toBeVisible();
  await page.getByLabel("Endpoint URL").fill(`${URL}/moved`);
  await page.getByLabel("api_key.created").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("heading", { name: `${URL}/moved` })).toBeVisible();
  await page.locator("summary", { hasText: "Delete endpoint" }).click();
  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.getByRole("heading", { name: "No endpoints yet" })).toBeVisible();
  await context.close();
});
