#!/usr/bin/env python3
"""Key verification at wire speed: authenticated whoami against /healthz.

For each backend: a fresh database, one project whose key we use, N more
keys inserted straight into the database, then wrk (2 threads, 32
connections, 10 s after a 2 s warm-up) on GET /healthz and on GET
/api/auth/api-key/whoami with the key, in the same run. Then the same whoami
load while 20 clients sign in as fast as they can (argon2 on every one), and
the server's RSS idle, after the load, and its peak. A bare axum hello-world
is measured first as the baseline of the machine.

    python3 bench/verify.py [--keys 100000] [--postgres postgres://postgres@127.0.0.1:5432]

Standard library only; installs wrk (Debian) if missing. See bench/README.md.
"""
import argparse, os, subprocess, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, HELLO, Database, Http, Server, build, ensure_wrk, sign_up_with_key, wrk


def seed_keys(db, project_id, creator, n):
    """N keys of the project, written as SQL (hashes that match no key)."""
    if db.backend == "postgres":
        db.sql(f"""INSERT INTO api_keys (id, project_id, name, prefix, last4, key_hash, permissions, created_by, created_at)
            SELECT 'key_seed' || g, '{project_id}', 'seed-' || g, 'sk_live_seed', 'seed',
                   md5(g::text) || md5((-g)::text), '[]', '{creator}', now() - g * interval '1 second'
            FROM generate_series(1, {n}) g""")
        db.sql("ANALYZE")
    else:
        import sqlite3
        with sqlite3.connect(db.path, timeout=30) as conn:
            (created,) = conn.execute("SELECT created_at FROM api_keys LIMIT 1").fetchone()
            conn.executemany(
                "INSERT INTO api_keys (id, project_id, name, prefix, last4, key_hash, permissions, created_by, created_at)"
                " VALUES (?, ?, ?, 'sk_live_seed', 'seed', ?, '[]', ?, ?)",
                ((f"key_seed{g}", project_id, f"seed-{g}", f"{g:064x}", creator, created) for g in range(1, n + 1)))
            conn.execute("ANALYZE")


def sign_in_storm(port, email, password, stop, clients=20):
    """`clients` threads signing in back to back until `stop` is set."""
    def worker():
        http = Http(port)
        while not stop.is_set():
            http.cookie = ""
            http.request("POST", "/api/dashboard/sign_in", {"email": email, "password": password})
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    return threads


def measure(backend, server_url, keys, seconds, rounds):
    db = Database(backend, server_url)
    server = Server(db.url)
    rows = []
    try:
        idle = server.rss_kb()
        email, slug, key = sign_up_with_key(server.port)
        project_id, creator = db.sql(f"SELECT id, (SELECT id FROM users LIMIT 1) FROM projects WHERE slug = '{slug}'")[0]
        seed_keys(db, project_id, creator, keys)
        base = f"http://{server.base}"
        auth = f"Authorization: Bearer {key}"
        wrk(f"{base}/healthz", seconds=2)
        wrk(f"{base}/api/auth/api-key/whoami", seconds=2, header=auth)
        # Alternate the two routes and keep the median round: the machine's
        # own noise (±10 % between runs here) would otherwise decide.
        pairs = []
        for _ in range(rounds):
            health = wrk(f"{base}/healthz", seconds=seconds)
            whoami = wrk(f"{base}/api/auth/api-key/whoami", seconds=seconds, header=auth)
            pairs.append((whoami[0] / health[0], health, whoami))
        pairs.sort(key=lambda p: p[0])
        _, health, whoami = pairs[len(pairs) // 2]
        after = server.rss_kb()
        stop = threading.Event()
        storm = sign_in_storm(server.port, email, "benchmark password", stop)
        time.sleep(1)  # let the storm reach full speed
        loaded = wrk(f"{base}/api/auth/api-key/whoami", seconds=seconds, header=auth)
        stop.set()
        for t in storm:
            t.join()
        peak = server.rss_kb("VmHWM")
        rows.append((backend, "GET /healthz", health, None, idle))
        rows.append((backend, "GET whoami (key)", whoami, whoami[0] / health[0], after))
        rows.append((backend, "GET whoami + 20 sign-ins", loaded, loaded[0] / health[0], peak))
    finally:
        server.stop()
        db.drop()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=100_000, help="keys in the database besides the one used")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="healthz/whoami pairs; the median is shown")
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binaries")
    args = parser.parse_args()
    ensure_wrk()
    if not args.no_build or not (os.path.exists(BINARY) and os.path.exists(HELLO)):
        build(example=True)

    hello = subprocess.Popen([HELLO, "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    address = hello.stdout.readline().split("http://")[1].strip()
    wrk(f"http://{address}/", seconds=2)
    bare = wrk(f"http://{address}/", seconds=args.seconds)
    hello.terminate()
    hello.wait()

    rows = []
    for backend, url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
        rows += measure(backend, url, args.keys, args.seconds, args.rounds)

    print(f"\nwrk -t2 -c32 -d{args.seconds}s on loopback; {args.keys:,} keys in the database; BANATA_LOG=warn;"
          f" median of {args.rounds} alternating healthz/whoami rounds\n")
    print(f"| backend | route | req/s | p50 ms | p99 ms | non-2xx | ratio to /healthz | RSS MB |")
    print(f"|---|---|---:|---:|---:|---:|---:|---:|")
    print(f"| - | bare axum hello-world | {bare[0]:,.0f} | {bare[1]:.2f} | {bare[2]:.2f} | {bare[3]} | - | - |")
    for backend, route, (rps, p50, p99, errors), ratio, rss in rows:
        ratio_text = f"{ratio:.0%}" if ratio is not None else "-"
        print(f"| {backend} | {route} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | {ratio_text} | {rss / 1024:.1f} |")
    print("\nRSS: /healthz row = idle after start; whoami row = after the load; storm row = peak (VmHWM).")


if __name__ == "__main__":
    main()
