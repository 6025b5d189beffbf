import { expect, type Page } from "@playwright/test";

export type User = { name: string; email: string; password: string };

// Each test signs up its own users, so tests never depend on each other.
export function newUser(first = "Ada"): User {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return { name: `${first} ${id}`, email: `${first.toLowerCase()}-${id}@example.com`, password: "correct horse battery" };
}

// The app is interactive once hydration has run; wait for that, never a fixed time.
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

export async function signUp(page: Page, user: User, path = "/sign-up", javaScript = true) {
  await page.goto(path);
  if (javaScript) await hydrated(page);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

export async function signUpAndLand(page: Page, user: User, javaScript = true) {
  await signUp(page, user, "/sign-up", javaScript);
  await expect(page).toHaveURL(/\/projects\/[a-z0-9-]+\/api-keys$/);
}

// The top bar's two menus are <details>; their <summary> (no ARIA role) is
// named by what it shows and then, for screen readers, what it is.
export const projectSwitcher = (page: Page) => page.locator("summary", { hasText: /, switch project/ });
export const accountMenu = (page: Page) => page.locator("summary", { hasText: /, account menu/ });
