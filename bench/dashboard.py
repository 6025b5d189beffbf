#!/usr/bin/env python3
"""Server render time of the API Keys page with many keys.

Starts a release build of the server on a fresh database, signs up, creates
N keys through the dashboard's own server function, then requests the API Keys
page (first page of 50, newest first) repeatedly and prints p50/p90/p99.

    python3 bench/dashboard.py [--keys 1000 10000] [--requests 200] [--postgres URL]

Uses only the Python standard library; see bench/README.md.
"""
import argparse, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Http, Server, build, timed_gets


def run(db, keys, requests):
    server = Server(db.url)
    try:
        client = Http(server.port)
        status, headers, _ = client.request("POST", "/api/dashboard/sign_up",
                                            {"name": "Bench", "email": f"bench-{time.time_ns()}@example.com", "password": "benchmark password"})
        slug = headers["location"].split("/")[2]
        started = time.time()
        for i in range(keys):
            status, _, body = client.request("POST", "/api/dashboard/create_key", {"slug": slug, "name": f"key-{i:05}", "expires": "never"})
            assert status == 200, body
        seeded = time.time() - started
        if db.backend == "postgres":
            # Steady state: autovacuum analyzes a table once a tenth of it has
            # changed; right after a bulk seed the planner has no statistics yet.
            db.sql("ANALYZE")
        page = f"/projects/{slug}/api-keys"
        p50, p90, p99 = timed_gets(client, page, requests, lambda status, body: status == 200 and (b"key-00000" not in body or keys <= 50))
        return seeded, p50, p90, p99
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = parser.parse_args()
    if not args.no_build or not os.path.exists(BINARY):
        build()

    print(f"{'backend':<10} {'keys':>7} {'seed s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for keys in args.keys:
        for backend, server_url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
            db = Database(backend, server_url)
            try:
                seeded, p50, p90, p99 = run(db, keys, args.requests)
                print(f"{backend:<10} {keys:>7} {seeded:>8.1f} {p50:>8.2f} {p90:>8.2f} {p99:>8.2f}", flush=True)
            finally:
                db.drop()


if __name__ == "__main__":
    main()
