// A stand-in for a customer's Next.js app: one page that runs better-auth's
// browser client, and `/api/auth/*` forwarded to Banata the way
// `@banata-auth/nextjs`'s route handler (0.2.x, `createRouteHandler`) does it,
// on top of what Next.js itself does to a request before a route handler
// sees it. Written from reading that handler; see the notes at each step.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type ForwarderOptions = {
  /** Banata's base URL (the route handler's `authUrl`). */
  banataUrl: string;
  /** The project's key (the route handler's `apiKey`), added on the server side only. */
  apiKey: string;
  /** The browser bundle of better-auth's client, served at /client.js. */
  clientBundle: string;
};

/** One forwarded request and Banata's answer, for the test to read and to attach on failure. */
export type Exchange = {
  method: string;
  /** Path and query as sent to Banata. */
  target: string;
  /** Request headers as sent to Banata, the key replaced by `<api key>`. */
  sent: Record<string, string>;
  sentBody: string | null;
  status: number;
  received: [string, string][];
  receivedBody: string;
};

export type Forwarder = {
  port: number;
  exchanges: Exchange[];
  close(): Promise<void>;
};

// The route handler's allow-list: nothing else reaches Banata (so no
// X-Forwarded-For, X-Real-IP, Connection, Accept-Encoding from the browser).
const FORWARDED = new Set([
  "accept",
  "accept-language",
  "authorization",
  "content-type",
  "content-length",
  "cookie",
  "origin",
  "referer",
  "user-agent",
  "better-auth-cookie",
  "x-api-key",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-requested-with",
  "x-banata-client-id",
  "x-banata-project-id",
]);

// Undici has already undone any encoding, and the length is the platform's to set.
const DROPPED_FROM_ANSWER = new Set(["content-encoding", "content-length", "transfer-encoding"]);

// Relative values of these (in the query and in a JSON body) become absolute on the app's origin.
const CALLBACK_FIELDS = ["callbackURL", "callbackUrl", "newUserCallbackURL", "errorCallbackURL", "redirectTo", "redirectURL"];

const trimmed = (value: string | null | undefined) => {
  const t = typeof value === "string" ? value.trim() : "";
  return t.length > 0 ? t : null;
};

const header = (req: http.IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
};

function cookieValue(cookieHeader: string | null, name: string): string | null {
  for (const pair of (cookieHeader ?? "").split(";")) {
    const [key, ...rest] = pair.trim().split("=");
    if (key === name) return trimmed(decodeURIComponent(rest.join("=")));
  }
  return null;
}

function absolute(value: unknown, appOrigin: string): unknown {
  if (typeof value !== "string" || !value.trim().startsWith("/")) return value;
  return new URL(value.trim(), appOrigin).toString();
}

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Forwarder app: better-auth client against Banata</title>
</head>
<body>
<main>
<h1>Forwarder app</h1>
<p id="status">Loading the better-auth client…</p>
</main>
<script src="/client.js"></script>
</body>
</html>
`;

export async function startForwarder(options: ForwarderOptions): Promise<Forwarder> {
  const banata = options.banataUrl.trim().replace(/\/$/, "");
  const apiKey = options.apiKey.trim();
  const exchanges: Exchange[] = [];

  async function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) {
    // What Next.js does first (base-server.ts, handleRequestImpl): stamp the
    // forwarded headers when absent, from Host and the socket's scheme.
    req.headers["x-forwarded-host"] ??= req.headers.host;
    req.headers["x-forwarded-proto"] ??= "http";
    req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;

    // The route handler from here on.
    if (req.method === "OPTIONS") {
      // No `allowedOrigins` configured, so no CORS headers.
      res.writeHead(204).end();
      return;
    }
    const scheme = "http";
    const url = new URL(req.url ?? "/", `${scheme}://${req.headers.host ?? "localhost"}`);
    const appOrigin = `${trimmed(header(req, "x-forwarded-proto")) ?? scheme}://${
      trimmed(header(req, "x-forwarded-host")) ?? trimmed(header(req, "host")) ?? url.host
    }`;

    const query = new URLSearchParams(url.search);
    for (const name of CALLBACK_FIELDS) {
      const value = query.get(name);
      if (value) query.set(name, absolute(value, appOrigin) as string);
    }
    const target = `${url.pathname}${query.toString() ? `?${query}` : ""}`;

    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && FORWARDED.has(name)) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    if (!headers.has("x-forwarded-host")) headers.set("x-forwarded-host", new URL(appOrigin).host);
    if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", new URL(appOrigin).protocol.replace(/:$/, ""));
    headers.set("x-api-key", apiKey);
    // The project scope the browser may name (header, query or cookie), promoted to headers.
    const cookies = header(req, "cookie");
    const projectId =
      trimmed(header(req, "x-banata-project-id")) ??
      trimmed(url.searchParams.get("projectId")) ??
      trimmed(url.searchParams.get("project_id")) ??
      cookieValue(cookies, "banata_project_id");
    const clientId =
      trimmed(header(req, "x-banata-client-id")) ??
      trimmed(url.searchParams.get("clientId")) ??
      trimmed(url.searchParams.get("client_id")) ??
      cookieValue(cookies, "banata_client_id");
    if (projectId) headers.set("x-banata-project-id", projectId);
    if (clientId) headers.set("x-banata-client-id", clientId);

    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    let sentBody: string | Uint8Array<ArrayBuffer> | undefined = hasBody ? new Uint8Array(body) : undefined;
    if (hasBody && body.length > 0 && (headers.get("content-type") ?? "").includes("application/json")) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        parsed = null;
      }
      if (parsed && typeof parsed === "object") {
        const next: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
        let changed = false;
        for (const name of CALLBACK_FIELDS) {
          const rewritten = absolute(next[name], appOrigin);
          if (rewritten !== next[name]) {
            next[name] = rewritten;
            changed = true;
          }
        }
        if (changed) {
          sentBody = JSON.stringify(next);
          headers.delete("content-length");
        }
      }
    }
    headers.set("host", new URL(banata).host);

    let answer: Response;
    try {
      answer = await fetch(`${banata}${target}`, { method: req.method, headers, body: sentBody, redirect: "manual" });
    } catch (error) {
      console.error("[forwarder] Banata unreachable:", error);
      res.writeHead(502, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "Auth service unavailable" }));
      return;
    }
    const answerBody = Buffer.from(await answer.arrayBuffer());

    const out: [string, string][] = [];
    for (const [name, value] of answer.headers) {
      if (!DROPPED_FROM_ANSWER.has(name) && name !== "set-cookie") out.push([name, value]);
    }
    const setCookies = answer.headers.getSetCookie();
    // Every Set-Cookie goes back unchanged, one header each (as Next.js writes them).
    for (const cookie of setCookies) out.push(["set-cookie", cookie]);
    // The route handler also copies Set-Cookie into `set-better-auth-cookie`
    // (for cross-domain clients) whenever the request had an Origin.
    if (header(req, "origin") && setCookies.length > 0 && !answer.headers.has("set-better-auth-cookie")) {
      out.push(["set-better-auth-cookie", answer.headers.get("set-cookie") ?? ""]);
    }

    const redact = (value: string) => value.split(apiKey).join("<api key>");
    exchanges.push({
      method: req.method ?? "GET",
      target,
      sent: Object.fromEntries([...headers].map(([name, value]) => [name, redact(value)])),
      sentBody: sentBody === undefined ? null : redact(typeof sentBody === "string" ? sentBody : Buffer.from(sentBody).toString("utf8")),
      status: answer.status,
      received: out.map(([name, value]) => [name, redact(value)]),
      receivedBody: redact(answerBody.toString("utf8")),
    });

    res.statusCode = answer.status;
    res.statusMessage = answer.statusText;
    const grouped = new Map<string, string[]>();
    for (const [name, value] of out) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? values[0] : values);
    res.end(req.method === "HEAD" ? undefined : answerBody);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0];
      const done = (status: number, type: string, text: string) =>
        res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" }).end(text);
      if (/^\/api\/auth\/./.test(path)) {
        const method = req.method ?? "GET";
        // The route exports GET, POST, PUT, PATCH, DELETE and OPTIONS; Next.js answers HEAD with GET.
        if (!["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].includes(method)) {
          done(405, "text/plain; charset=utf-8", "Method not allowed");
          return;
        }
        forward(req, res, Buffer.concat(chunks)).catch((error) => {
          console.error("[forwarder] handler failed:", error);
          if (!res.headersSent) done(500, "text/plain; charset=utf-8", "Internal Server Error");
          else res.end();
        });
      } else if (req.method === "GET" && (path === "/" || /^\/accept-invitation\/[^/]+$/.test(path))) {
        // The app's page, also as its accept page, where invitation mails
        // link (`/accept-invitation/<id>`); the tests read the id from the
        // page's location, as an app's accept page would.
        done(200, "text/html; charset=utf-8", page);
      } else if (req.method === "GET" && path === "/another-site-form") {
        // Another site's page (the tests open it under another host name):
        // a form that posts the attacker's credentials to the app as
        // text/plain, which a browser sends cross-site without asking.
        const params = new URL(req.url ?? "/", "http://x").searchParams;
        const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
        const json = JSON.stringify({ email: params.get("email"), password: params.get("password"), pad: "" });
        // text/plain sends `name=value`: the name holds the JSON up to the pad's value.
        const [name, value] = [json.slice(0, -2), json.slice(-2)];
        done(
          200,
          "text/html; charset=utf-8",
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title></head><body>
<form method="post" enctype="text/plain" action="${escape(params.get("action") ?? "")}">
<input type="hidden" name="${escape(name)}" value="${escape(value)}"><button>Win a prize</button></form></body></html>`,
        );
      } else if (req.method === "GET" && path === "/client.js") {
        done(200, "text/javascript; charset=utf-8", options.clientBundle);
      } else {
        done(404, "text/plain; charset=utf-8", "Not found");
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
