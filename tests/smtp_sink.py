#!/usr/bin/env python3
"""A real SMTP server for tests: every message it accepts becomes a JSON file.

    python tests/smtp_sink.py --dir DIR [--port N]

Listens on 127.0.0.1 (port 0: a free one), prints one line `listening <port>`
once it accepts connections, and writes each message to DIR/<seq>.json
(atomically: a temporary name, then a rename) before answering 250, so a
client that saw its message accepted finds the file. Numbering carries on
after the files already in DIR, so a restarted sink never overwrites one.

No TLS. AUTH PLAIN and LOGIN are offered in the clear and any credentials are
accepted; the user name is recorded as `auth_user` (null without AUTH).
SIGTERM or SIGINT: a clean exit, status 0.

Needs aiosmtpd (scripts/setup.sh --test installs it into .tools/venv).
"""

import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import re
import signal
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    sys.exit("smtp_sink: aiosmtpd is missing; run scripts/setup.sh --test (it installs it into .tools/venv)")

NAME = re.compile(r"^(\d+)\.json$")


def next_seq(directory):
    """One past the highest <seq>.json already in the directory."""
    seqs = [int(m.group(1)) for m in map(NAME.match, os.listdir(directory)) if m]
    return max(seqs, default=0) + 1


def accept_anyone(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


def text_of(part):
    """A text part's content as str, line endings as "\\n"."""
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        # An unknown or wrong charset: the bytes, as well as they decode.
        content = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    return content.replace("\r\n", "\n")


def headers_of(message):
    """Header name (as sent) -> decoded value; repeated headers joined by "\\n"."""
    headers = {}
    for name, value in message.items():
        value = str(value)
        headers[name] = f"{headers[name]}\n{value}" if name in headers else value
    return headers


def auth_user(session):
    """The user name of a successful AUTH on this connection, or None."""
    login = getattr(session.auth_data, "login", None) if session.authenticated else None
    return login.decode("utf-8", errors="replace") if isinstance(login, bytes) else login


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.seq = next_seq(directory)

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or b""
        try:
            record = self.record(session, envelope, raw)
        except Exception as error:  # a message the parser chokes on must still be seen
            record = {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "subject": "", "headers": {},
                      "text": None, "html": None, "raw": raw.decode("utf-8", errors="replace"),
                      "auth_user": auth_user(session), "parse_error": repr(error)}
        seq, self.seq = self.seq, self.seq + 1
        final = os.path.join(self.directory, f"{seq}.json")
        temporary = os.path.join(self.directory, f".{seq}.json.tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.rename(temporary, final)
        return "250 OK"

    @staticmethod
    def record(session, envelope, raw):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        subject = message["subject"]
        return {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(subject) if subject is not None else "",
            "headers": headers_of(message),
            "text": text_of(message.get_body(("plain",))),
            "html": text_of(message.get_body(("html",))),
            "raw": raw.decode("utf-8", errors="replace"),
            "auth_user": auth_user(session),
        }


async def serve(directory, port):
    loop = asyncio.get_running_loop()
    sink = Sink(directory)

    def connection():
        return SMTP(sink, hostname="smtp-sink.test", loop=loop, enable_SMTPUTF8=True,
                    auth_require_tls=False, authenticator=accept_anyone)

    server = await loop.create_server(connection, host="127.0.0.1", port=port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    await stop.wait()
    # Not wait_closed(): from Python 3.12 it also waits for open connections.
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="where the messages are written, as <seq>.json")
    parser.add_argument("--port", type=int, default=0, help="0 (the default): a free port")
    args = parser.parse_args()
    # aiosmtpd warns on every AUTH that Session.login_data is deprecated
    # (its own code sets it); errors still show.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args.dir, args.port))


if __name__ == "__main__":
    main()
