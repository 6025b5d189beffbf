import { expect, test } from "@playwright/test";
import { accountMenu, hydrated, newUser, signUp } from "./support";

test("a visitor is sent to sign in, and back to where they were going", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
  const projectUrl = new URL(page.url()).pathname;

  await page.context().clearCookies();
  await page.goto(projectUrl);
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(projectUrl).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(projectUrl);
});

test("sign up lands in the default project; sign out; sign in again", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);

  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
  await expect(page.getByRole("heading", { name: "API Keys", exact: true })).toBeVisible();
  await expect(page.getByText(`${user.name}'s project`).first()).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "API Keys" })).toHaveAttribute("aria-current", "page");

  await accountMenu(page).click();
  await expect(page.getByText(user.email)).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // The old session is gone server-side: the dashboard sends us back.
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);

  await hydrated(page);
  await page.getByLabel("Email").fill(user.email.toUpperCase());
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
  await expect(page.getByRole("heading", { name: "API Keys", exact: true })).toBeVisible();
});

test("a wrong password shows one generic message", async ({ page }) => {
  const user = newUser();
  await signUp(page, user);
  await expect(page).toHaveURL(/\/api-keys$/);
  await page.context().clearCookies();

  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-up field errors appear under their fields", async ({ page }) => {
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Name").fill("Grace");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("#field-email-error")).toHaveText(/valid email address/);
  await expect(page.locator("#field-password-error")).toHaveText(/at least 8 characters/);
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign up, sign out and a wrong password work with plain forms", async ({ page }) => {
    const user = newUser();
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
    await expect(page.getByRole("heading", { name: "API Keys", exact: true })).toBeVisible();

    await accountMenu(page).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("wrong password!");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Invalid email or password.")).toBeVisible();
  });
});
