// Bundles forwarder/client-entry.ts (better-auth's client) for the browser,
// in memory, with esbuild.
import { build } from "esbuild";
import * as path from "node:path";

export async function buildClientBundle(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(__dirname, "client-entry.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
