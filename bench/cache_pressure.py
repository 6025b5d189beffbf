#!/usr/bin/env python3
"""The caches under pressure: more live sessions (and keys) than a cache
holds, before and after they moved onto one bounded concurrent cache.

For each binary (the one built from `--before-rev`, and this tree's) and
each backend: a fresh database, a project, one end user, and N sessions of
that user (N = twice the cache's 100,000 entries by default) and N working
keys, written as SQL with their real hashes and signed cookies. Then wrk
(2 threads, 32 connections) spreads requests uniformly over all N with a Lua
script: GET /api/auth/get-session with a random session's cookie, and GET
/api/auth/api-key/whoami with a random key, beside /healthz; and once more
with a working set that fits (N / 4) for the cache's best case.

    python3 bench/cache_pressure.py --before-rev e154829 [--postgres postgres://postgres@127.0.0.1:5432]

Standard library only; installs wrk (Debian) if missing. See bench/README.md.
"""
import argparse, base64, hashlib, hmac, os, secrets, string, subprocess, sys, tempfile, urllib.parse, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, ROOT, TARGET, Database, Http, Server, build, ensure_wrk, sign_up_with_key, wrk

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits


def new_key():
    """A key in our format (random part and CRC-32 checksum), and its hash."""
    random = "".join(secrets.choice(ALNUM) for _ in range(33))
    n, checksum = zlib.crc32(random.encode()), ""
    for _ in range(6):
        checksum = BASE62[n % 62] + checksum
        n //= 62
    key = f"sk_live_{random}{checksum}"
    return key, hashlib.sha256(key.encode()).hexdigest()


def session_cookie(token, secret):
    """`better-auth.session_token=<token>.<base64 HMAC>`, URL-encoded."""
    mac = base64.b64encode(hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()).decode()
    return "better-auth.session_token=" + urllib.parse.quote(f"{token}.{mac}", safe="")


def seed(db, port, n):
    """A project with a key and one end user with a session made the normal
    way; then n more sessions of that user and n more working keys as SQL.
    Returns (the project's key, cookies, keys)."""
    _, _, key = sign_up_with_key(port)
    client = Http(port)
    client.conn.request("POST", "/api/auth/sign-up/email",
                        body='{"name":"Bench","email":"bench-cache@example.com","password":"benchmark password"}',
                        headers={"Content-Type": "application/json", "x-api-key": key})
    assert client.conn.getresponse().read() is not None
    [[secret]] = db.sql("SELECT value FROM server_secrets WHERE name = 'end_user_cookie_hmac'")
    [[project_id, user_id, created, expires]] = db.sql(
        "SELECT project_id, user_id, created_at, expires_at FROM end_user_sessions LIMIT 1")
    [[creator, key_created]] = db.sql("SELECT created_by, created_at FROM api_keys LIMIT 1")
    tokens = ["".join(secrets.choice(ALNUM) for _ in range(32)) for _ in range(n)]
    keys = [new_key() for _ in range(n)]
    sessions = [(f"ses_bench{i}", project_id, user_id, hashlib.sha256(t.encode()).hexdigest(), created, created,
                 expires) for i, t in enumerate(tokens)]
    api_keys = [(f"key_bench{i}", project_id, f"bench-{i}", k[:12], k[-4:], h, "[]", creator, key_created)
                for i, (k, h) in enumerate(keys)]
    session_sql = ("INSERT INTO end_user_sessions (id, project_id, user_id, token_hash, created_at, updated_at,"
                   " expires_at) VALUES ")
    key_sql = ("INSERT INTO api_keys (id, project_id, name, prefix, last4, key_hash, permissions, created_by,"
               " created_at) VALUES ")
    if db.backend == "sqlite":
        import sqlite3
        with sqlite3.connect(db.path, timeout=30) as conn:
            conn.executemany(session_sql + "(?, ?, ?, ?, ?, ?, ?)", sessions)
            conn.executemany(key_sql + "(?, ?, ?, ?, ?, ?, ?, ?, ?)", api_keys)
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as out:
            out.writelines("\t".join(row) + "\n" for row in sessions)
        subprocess.check_call(["psql", db.url, "-qc", f"\\copy end_user_sessions (id, project_id, user_id, "
                               f"token_hash, created_at, updated_at, expires_at) FROM '{out.name}'"])
        with open(out.name, "w") as again:
            again.writelines("\t".join(row) + "\n" for row in api_keys)
        subprocess.check_call(["psql", db.url, "-qc", f"\\copy api_keys (id, project_id, name, prefix, last4, "
                               f"key_hash, permissions, created_by, created_at) FROM '{out.name}'"])
        os.unlink(out.name)
        db.sql("ANALYZE")
    return key, [session_cookie(t, secret) for t in tokens], [k for k, _ in keys]


def lua(values, header, fixed):
    """A wrk script sending each request with one of `values` in `header`,
    chosen at random, beside the `fixed` header lines."""
    path = tempfile.mktemp(suffix=".lua")
    with open(path, "w") as out:
        out.write("local values = {\n")
        out.writelines(f'  "{v}",\n' for v in values)
        out.write("}\nmath.randomseed(os.time())\nrequest = function()\n")
        for name, value in fixed:
            out.write(f'  wrk.headers["{name}"] = "{value}"\n')
        out.write(f'  wrk.headers["{header}"] = values[math.random(#values)]\n')
        out.write("  return wrk.format(nil)\nend\n")
    return path


def measure(binary, label, backend, server_url, n, seconds, warm):
    db = Database(backend, server_url)
    server = Server(db.url, binary=binary)
    rows = []
    try:
        key, cookies, keys = seed(db, server.port, n)
        base = f"http://{server.base}"
        rows.append((label, backend, "GET /healthz", "-", wrk(f"{base}/healthz", seconds=seconds)))
        # A working set that fits (every request a hit once warm), then one
        # twice the capacity (at best half the requests hit), each warmed
        # until the cache is as full as it gets.
        for spread, count, warm_for in [("1,000 (fits)", 1_000, 3), (f"{n:,} (2x capacity)", n, warm)]:
            for route, path, values, header, fixed in [
                ("get-session", "/api/auth/get-session", cookies, "Cookie", [("x-api-key", key)]),
                ("whoami", "/api/auth/api-key/whoami", [f"Bearer {k}" for k in keys], "Authorization", []),
            ]:
                script = lua(values[:count], header, fixed)
                wrk(f"{base}{path}", seconds=warm_for, script=script)
                rows.append((label, backend, route, spread, wrk(f"{base}{path}", seconds=seconds, script=script)))
                os.unlink(script)
        return rows
    finally:
        server.stop()
        db.drop()


def build_before(rev):
    """The server as it was at `rev`, built in a worktree beside this one."""
    tree = os.path.join(tempfile.gettempdir(), f"banata-before-{rev}")
    if not os.path.exists(tree):
        subprocess.check_call(["git", "worktree", "add", "--detach", tree, rev], cwd=ROOT)
    target = TARGET + "-before"
    subprocess.check_call(["cargo", "build", "--release", "--features", "ssr", "--bin", "banata"], cwd=tree,
                          env=dict(os.environ, CARGO_TARGET_DIR=target))
    return os.path.join(target, "release", "banata")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before-rev", required=True, help="the commit to compare with, e.g. e154829")
    parser.add_argument("--n", type=int, default=200_000, help="sessions and keys (twice the caches' capacity)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warm", type=int, default=40, help="seconds of warm-up before the 2x-capacity runs")
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary of this tree")
    args = parser.parse_args()
    ensure_wrk()
    if not args.no_build or not os.path.exists(BINARY):
        build()
    before = build_before(args.before_rev)
    rows = []
    for backend, url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
        for binary, label in [(before, f"before ({args.before_rev})"), (BINARY, "after")]:
            rows += measure(binary, label, backend, url, args.n, args.seconds, args.warm)
    print(f"\nwrk -t2 -c32 -d{args.seconds}s on loopback (after warm-up); N = {args.n:,} sessions and keys; uniform random access\n")
    print("| code | backend | route | working set | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for label, backend, route, spread, (rps, p50, p99, errors) in rows:
        print(f"| {label} | {backend} | {route} | {spread} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")


if __name__ == "__main__":
    main()
