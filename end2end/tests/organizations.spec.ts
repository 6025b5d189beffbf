import { expect, test } from "@playwright/test";
import { auditEverywhere, hydrated, newUser, signUpAndLand } from "./support";

// The dashboard's Organizations and Roles pages in Chromium: an owner
// creates an organization, invites someone, changes what a role may do,
// adds a role, and deletes the organization behind a confirm that names it;
// the same without JavaScript. axe-core (WCAG 2.1 A and AA) on each state at
// a laptop's and a phone's width, light and dark.

const audit = auditEverywhere;

test("organizations and roles from the dashboard", async ({ page }) => {
  test.setTimeout(180_000);
  await signUpAndLand(page, newUser("Orla"));
  const project = page.url().replace(/\/api-keys$/, "");

  await page.getByRole("link", { name: "Organizations" }).click();
  await expect(page.getByRole("heading", { name: "No organizations yet" })).toBeVisible();
  await hydrated(page);
  await audit(page, "organizations, none yet");

  await page.getByLabel("Name", { exact: true }).fill("Acme Robotics");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Acme Robotics" })).toBeVisible();
  await expect(page).toHaveURL(/\/organizations\/org_[A-Za-z0-9]+$/);
  await expect(page.getByText("No members yet. Invite someone below.")).toBeVisible();
  await hydrated(page);

  const invitee = `ivy-${Date.now()}@example.com`;
  await page.getByLabel("Email", { exact: true }).fill(invitee);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const invitations = page.getByRole("table", { name: "Invitations" });
  await expect(invitations.getByRole("cell", { name: invitee })).toBeVisible();
  await expect(invitations.getByRole("cell", { name: "pending" })).toBeVisible();
  await audit(page, "organization with an invitation");

  await page.locator("summary", { hasText: "Cancel" }).click();
  await expect(page.getByRole("button", { name: "Cancel invitation" })).toBeVisible();
  await audit(page, "organization, cancel confirm");
  await page.getByRole("button", { name: "Cancel invitation" }).click();
  await expect(invitations.getByRole("cell", { name: "canceled" })).toBeVisible();

  // The list shows it with its member count, and search finds it by slug.
  await page.getByRole("link", { name: "Organizations" }).first().click();
  const list = page.getByRole("table", { name: "Organizations" });
  await expect(list.getByRole("link", { name: "Acme Robotics" })).toBeVisible();
  await page.getByLabel("Search organizations by name or slug").fill("robotics");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(list.getByRole("link", { name: "Acme Robotics" })).toBeVisible();
  await audit(page, "organizations list");
  await page.getByLabel("Search organizations by name or slug").fill("nothing-like-it");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No organizations match.")).toBeVisible();

  // Roles: member may not invite; tick it, and it holds.
  await page.getByRole("link", { name: "Roles" }).click();
  await expect(page.getByRole("heading", { name: "Roles", level: 1 })).toBeVisible();
  await hydrated(page);
  const grant = page.getByRole("button", { name: "Grant member.invite to member" });
  await expect(grant).toHaveAttribute("aria-pressed", "false");
  await audit(page, "roles grid");
  await grant.click();
  await expect(page.getByRole("button", { name: "Take member.invite from member" })).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Role name").fill("Billing");
  await page.getByLabel("Role slug").fill("billing");
  await page.getByRole("button", { name: "Add role" }).click();
  await expect(page.getByRole("columnheader", { name: "billing" })).toBeVisible();
  await page.getByLabel("Permission slug").fill("invoice");
  await page.getByLabel("Permission name").fill("Invoices");
  await page.getByRole("button", { name: "Add permission" }).click();
  await expect(page.locator("#field-permission_slug-error")).toContainText("resource.action");
  await audit(page, "roles, a refused permission");

  // Deleting names the organization, and it is gone afterwards.
  await page.goto(`${project}/organizations`);
  await page.getByRole("link", { name: "Acme Robotics" }).click();
  await hydrated(page);
  await page.locator("summary", { hasText: "Delete organization" }).click();
  await expect(page.getByText("Delete Acme Robotics and its members?")).toBeVisible();
  await audit(page, "organization, delete confirm");
  await page.getByRole("button", { name: "Delete Acme Robotics" }).click();
  await expect(page.getByRole("heading", { name: "No organizations yet" })).toBeVisible();
});

test("an organization is created and deleted without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signUpAndLand(page, newUser("Nojs"), false);
  const project = page.url().replace(/\/api-keys$/, "");
  await page.goto(`${project}/organizations`);
  await page.getByLabel("Name", { exact: true }).fill("Plain Forms Ltd");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Plain Forms Ltd" })).toBeVisible();
  await page.locator("summary", { hasText: "Delete organization" }).click();
  await page.getByRole("button", { name: "Delete Plain Forms Ltd" }).click();
  await expect(page.getByRole("heading", { name: "No organizations yet" })).toBeVisible();
  await context.close();
});
