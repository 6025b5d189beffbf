import { expect, test } from "@playwright/test";

// The page links its stylesheet, script and wasm by content hash; each is
// served compressed and cached for a year.
test("static files are hashed, compressed and cached", async ({ page, request }) => {
  await page.goto("/sign-in");
  const css = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  const script = await page.locator('link[rel="modulepreload"]').first().getAttribute("href");
  const wasm = await page.locator('link[rel="preload"][as="fetch"]').first().getAttribute("href");
  for (const href of [css, script, wasm]) {
    expect(href).toMatch(/^\/pkg\/banata\.[A-Za-z0-9_-]{6,}\.(css|js|wasm)$/);
    const response = await request.get(href!, { headers: { "Accept-Encoding": "br, gzip" } });
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(response.headers()["content-encoding"]).toBe("br");
  }
  const gzip = await request.get(wasm!, { headers: { "Accept-Encoding": "gzip" } });
  expect(gzip.headers()["content-encoding"]).toBe("gzip");
});
