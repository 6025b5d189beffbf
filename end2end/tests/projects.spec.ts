import { expect, test } from "@playwright/test";
import { hydrated, newUser, projectSwitcher, signUp, signUpAndLand } from "./support";

test("create a second project and switch between the two", async ({ page }) => {
  const owner = newUser("Olive");
  await signUpAndLand(page, owner);
  const first = new URL(page.url()).pathname;

  await page.goto("/projects");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill("Billing service");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/billing-service\/api-keys$/);
  // The switcher's name starts with the project name people see (WCAG 2.5.3).
  const switcher = projectSwitcher(page);
  await expect(switcher).toHaveAccessibleName(/^Billing service ?, switch project$/);

  await switcher.click();
  await page.getByRole("link", { name: new RegExp(`${owner.name}'s project`) }).click();
  await expect(page).toHaveURL(first);
  await page.goBack();
  await expect(page).toHaveURL(/\/projects\/billing-service\/api-keys$/);

  await page.goto("/projects");
  const rows = page.locator("table tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "Billing service" })).toContainText("Owner");
});

test("a long project list can be filtered in the switcher", async ({ page }) => {
  await signUpAndLand(page, newUser("Fil"));
  // The filter shows from six projects on.
  for (const name of ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]) {
    await page.goto("/projects");
    await page.getByLabel("Name", { exact: true }).fill(`${name} service`);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${name.toLowerCase()}-service/api-keys$`));
  }
  await hydrated(page);
  await projectSwitcher(page).click();
  const items = page.locator(".switcher .menu-list li");
  await expect(items).toHaveCount(6);
  await page.getByLabel("Find a project").fill("delta");
  await expect(items.filter({ visible: true })).toHaveCount(1);
  await expect(items.filter({ visible: true })).toContainText("Delta service");
  await page.getByLabel("Find a project").fill("");
  await expect(items.filter({ visible: true })).toHaveCount(6);
});

test("invite a teammate who accepts, sees the project as viewer, and loses access when removed", async ({ page, browser }) => {
  const owner = newUser("Olive");
  const mate = newUser("Tim");
  await signUpAndLand(page, owner);
  const projectPath = new URL(page.url()).pathname.replace(/\/api-keys$/, "");

  await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(`${projectPath}/members`);
  await page.getByLabel("Email").fill(mate.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const linkField = page.getByLabel("Invitation link");
  await expect(linkField).toBeVisible();
  const link = await linkField.inputValue();
  expect(link).toMatch(/\/invite\/invite_[A-Za-z0-9]+$/);
  await expect(page.getByRole("table").last()).toContainText(mate.email);

  // The teammate, in a browser of their own.
  const other = await browser.newContext();
  const matePage = await other.newPage();
  await matePage.goto(link);
  await expect(matePage.getByText("as Viewer")).toBeVisible();
  await matePage.getByRole("link", { name: "Sign up to accept" }).click();
  await expect(matePage).toHaveURL(/\/sign-up\?next=/);
  await signUp(matePage, mate, matePage.url());
  await expect(matePage).toHaveURL(/\/invite\//);
  await hydrated(matePage);
  await matePage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(matePage).toHaveURL(`${projectPath}/api-keys`);
  // A viewer sees the keys but no controls to change them.
  await expect(matePage.getByRole("heading", { name: "API Keys", exact: true })).toBeVisible();
  await expect(matePage.getByRole("link", { name: "Create new key" })).toHaveCount(0);
  await matePage.goto(`${projectPath}/members`);
  await expect(matePage.getByRole("heading", { name: "Members" })).toBeVisible();
  await expect(matePage.getByText("Add a teammate")).toHaveCount(0);
  await expect(matePage.getByRole("row", { name: new RegExp(mate.name) })).toContainText("Viewer");

  // The owner removes them; their next request is refused.
  await page.reload();
  await hydrated(page);
  const row = page.getByRole("row", { name: new RegExp(mate.name) });
  await row.locator("summary", { hasText: "Remove" }).click();
  await expect(row.getByText(`Remove ${mate.name} from this project?`)).toBeVisible();
  await row.locator(".confirm-panel button", { hasText: "Remove" }).click();
  await expect(page.getByRole("row", { name: new RegExp(mate.name) })).toHaveCount(0);

  const response = await matePage.goto(`${projectPath}/members`);
  expect(response?.status()).toBe(404);
  await expect(matePage.getByRole("heading", { name: "Project not found" })).toBeVisible();
  await other.close();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the menu closes once a section is chosen, the one already open too", async ({ page }) => {
    await signUpAndLand(page, newUser("Pho"));
    await hydrated(page);
    const menu = page.getByRole("button", { name: "Menu" });
    const sections = page.getByRole("navigation", { name: "Project sections" });
    await expect(sections).toBeHidden();

    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await sections.getByRole("link", { name: "Members" }).click();
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await expect(sections).toBeHidden();
    await hydrated(page);

    // Choosing the page you are on leaves the URL as it is; the menu must close all the same.
    await menu.click();
    await expect(sections).toBeVisible();
    await sections.getByRole("link", { name: "Members" }).click();
    await expect(sections).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });
});
