// A customer's webhook endpoint on loopback: it checks every delivery the
// three ways a customer's code can, records what it saw, and answers 200
// only when all three accept (else 400, so a bad signature shows up as
// retries and as a failed assertion in the spec).
//
//   sdk   Banata's SDK, `webhooks.constructEvent` (re-stated below; the SDK
//         is not on npm): the first `v1=` of `Webhook-Signature`, keyed
//         with the whole secret, `whsec_` included.
//   docs  the verifier Banata's docs tell customers to paste: the last
//         `v1=`, keyed with the secret without `whsec_`.
//   svix  the `svix` package's `Webhook.verify`, which reads `svix-*`.
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";

export type Verifier = "sdk" | "docs" | "svix";

/** One POST as it arrived, with each verifier's verdict ("ok" or why not). */
export type Delivery = {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed, as constructEvent returns it; null if it is not JSON. */
  event: { id?: string; type?: string; data?: Record<string, unknown>; [key: string]: unknown } | null;
  verdicts: Record<Verifier, string>;
  answered: number;
};

export type Receiver = {
  url: string;
  deliveries: Delivery[];
  /** The endpoint's secret, known once the endpoint exists (which needs our URL first). */
  secret: string | null;
  close(): Promise<void>;
};

const SIGNATURE_ERROR = "Invalid webhook signature";

const hmacHex = (key: string, text: string) => crypto.createHmac("sha256", Buffer.from(key, "utf8")).update(text, "utf8").digest("hex");

// Equal strings, without an early exit on the first differing character.
function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, "utf8"), Buffer.from(b, "utf8")];
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// Re-states `constructEvent({ payload, sigHeader, secret, tolerance })` (with
// the `verifySignature` it calls) of @banata-auth/sdk 0.2.0, from reading
// packages/sdk/src/resources/webhooks.ts in github.com/Banata-Labs/banata-auth
// (the SDK is not on npm, and we write our own code rather than copy it):
// - the header is cut at every "," with no trimming; the first piece that
//   starts with "t=" is the time, the first that starts with "v1=" the
//   signature (so a second `v1=` is never looked at);
// - the time is read as a base-10 integer and must be within `tolerance`
//   seconds (300 by default) of now, either way;
// - the signature must be the lowercase hex HMAC-SHA256 of "<time>.<payload>",
//   keyed with the UTF-8 bytes of the whole secret, `whsec_` and all;
// - it answers the payload JSON-parsed, untouched, or throws.
export function constructEventAsTheSdk(options: { payload: string; sigHeader: string; secret: string; tolerance?: number }) {
  const { payload, sigHeader, secret, tolerance = 300 } = options;
  const pieces = sigHeader.split(",");
  const time = pieces.find((piece) => piece.startsWith("t="));
  const signature = pieces.find((piece) => piece.startsWith("v1="));
  if (time === undefined || signature === undefined) throw new Error(SIGNATURE_ERROR);
  const seconds = Number.parseInt(time.slice("t=".length), 10);
  if (Math.abs(Math.floor(Date.now() / 1000) - seconds) > tolerance) throw new Error(SIGNATURE_ERROR);
  if (!sameText(hmacHex(secret, `${seconds}.${payload}`), signature.slice("v1=".length))) throw new Error(SIGNATURE_ERROR);
  return JSON.parse(payload);
}

// What the verifier in Banata's docs (apps/docs/content/docs/webhooks.mdx,
// `verifyWebhookSignature`) checks: the header made into a map of
// key=value pieces (a later key overwrites an earlier one, so the LAST
// `v1` counts), the time as sent within 300 s of now, and the lowercase hex
// HMAC-SHA256 of "<t>.<body>" keyed with the secret less its `whsec_` prefix.
export function verifyAsTheDocs(body: string, header: string, secret: string): boolean {
  const fields = new Map(header.split(",").map((piece) => [piece.split("=")[0], piece.split("=")[1]] as const));
  const t = fields.get("t");
  const v1 = fields.get("v1");
  if (!t || !v1) return false;
  if (Math.abs(Math.floor(Date.now() / 1000) - Number.parseInt(t, 10)) > 300) return false;
  const key = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  return sameText(hmacHex(key, `${t}.${body}`), v1);
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(", ") : (value ?? ""));
const why = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

function judge(body: string, headers: http.IncomingHttpHeaders, secret: string | null): Record<Verifier, string> {
  if (secret === null) return { sdk: "no secret yet", docs: "no secret yet", svix: "no secret yet" };
  const verdicts: Record<Verifier, string> = { sdk: "ok", docs: "ok", svix: "ok" };
  try {
    constructEventAsTheSdk({ payload: body, sigHeader: one(headers["webhook-signature"]), secret });
  } catch (error) {
    verdicts.sdk = why(error);
  }
  try {
    if (!verifyAsTheDocs(body, one(headers["webhook-signature"]), secret)) verdicts.docs = "signature refused";
  } catch (error) {
    verdicts.docs = why(error);
  }
  try {
    // svix 2.x answers undefined (1.x answered the parsed body): the
    // caller parses the body itself, as we do in `receive`.
    const plain: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) plain[name] = one(value);
    new Webhook(secret).verify(body, plain);
  } catch (error) {
    verdicts.svix = why(error);
  }
  return verdicts;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let receiver: Receiver;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      // The raw bytes are what was signed; never a re-serialized object.
      const body = Buffer.concat(chunks).toString("utf8");
      const verdicts = judge(body, req.headers, receiver.secret);
      let event: Delivery["event"] = null;
      try {
        event = JSON.parse(body);
      } catch {
        event = null;
      }
      const accepted = req.method === "POST" && Object.values(verdicts).every((v) => v === "ok");
      const answered = accepted ? 200 : 400;
      deliveries.push({ headers: req.headers, body, event, verdicts, answered });
      res.writeHead(answered, { "Content-Type": "text/plain; charset=utf-8" }).end(accepted ? "ok" : JSON.stringify(verdicts));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/banata`,
    deliveries,
    secret: null,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return receiver;
}
