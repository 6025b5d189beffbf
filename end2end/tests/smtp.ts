import { expect } from "@playwright/test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// A real SMTP server for the mail tests: tests/smtp_sink.py (aiosmtpd, which
// scripts/setup.sh --test installs into .tools/venv) as a child process, each
// message it accepts a JSON file in a temporary directory.

export type Mail = {
  from: string; // the envelope sender (MAIL FROM), not the From header
  to: string[]; // the envelope recipients (RCPT TO)
  subject: string; // decoded; "" when there is none
  headers: Record<string, string>; // name as sent -> decoded value
  text: string | null; // the text/plain part, decoded, line endings "\n"
  html: string | null; // the text/html part, decoded
  raw: string; // the whole message as sent
  auth_user: string | null; // the AUTH user name, if the client authenticated
};

export type SmtpSink = {
  port: number;
  url: string; // smtp://127.0.0.1:<port>?tls=none
  messages(): Mail[];
  waitFor(n: number): Promise<Mail[]>;
  stop(): Promise<void>;
};

const root = path.resolve(__dirname, "../..");
const PATIENCE = 20_000;

export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "banata-smtp-"));
  const python = process.env.BANATA_TEST_PYTHON ?? path.join(root, ".tools/venv/bin/python");
  const child = spawn(python, [path.join(root, "tests/smtp_sink.py"), "--dir", dir, "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // However the worker ends, the sink and its messages end with it.
  const killOnExit = () => {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      process.off("exit", killOnExit);
      fs.rmSync(dir, { recursive: true, force: true });
      reject(new Error(`the SMTP sink did not start (${python}; scripts/setup.sh --test makes .tools/venv): ${why}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${PATIENCE} ms`), PATIENCE);
    const early = (code: number | null, signal: string | null) =>
      fail(`exited (${code ?? signal}) before listening; its stderr is above`);
    child.once("error", (e) => fail(e.message));
    child.once("exit", early);
    // Kept reading after the line, so that the pipe never fills.
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = out.match(/^listening (\d+)\n/);
      if (line) {
        clearTimeout(timer);
        child.off("exit", early);
        resolve(Number(line[1]));
      }
    });
  });

  const messages = (): Mail[] =>
    fs
      .readdirSync(dir)
      .filter((name) => /^\d+\.json$/.test(name))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
      .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as Mail);

  return {
    port,
    url: `smtp://127.0.0.1:${port}?tls=none`,
    messages,
    async waitFor(n: number) {
      await expect
        .poll(() => messages().length, { message: `${n} message(s) at the SMTP sink on port ${port}`, timeout: PATIENCE })
        .toBeGreaterThanOrEqual(n);
      return messages();
    },
    // Stops the sink and removes its messages.
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The first URL in a message's text part that starts with `prefix`, up to
// whitespace, a quote or an angle bracket, without trailing punctuation.
export function link(mail: Mail, prefix: string): string {
  const text = mail.text ?? "";
  const at = text.indexOf(prefix);
  if (at < 0) throw new Error(`no link starting with ${prefix} in the text of "${mail.subject}":\n${text}`);
  return text.slice(at).split(/[\s<>"']/)[0].replace(/[.,;:!?]+$/, "");
}
