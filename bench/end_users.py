#!/usr/bin/env python3
"""The end-user hot path: what a customer's app asks on every page view.

For each backend: a fresh database, a project and its key made through the
dashboard, one end user signed up through the auth API, then wrk (2
threads, 32 connections) on GET /healthz, GET /api/auth/get-session and GET
/api/auth/convex/token with the user's cookie and the key, alternating
rounds and keeping the median ratio to /healthz.

    python3 bench/end_users.py [--postgres postgres://postgres@127.0.0.1:5432]

Standard library only; installs wrk (Debian) if missing. See bench/README.md.
"""
import argparse, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Server, build, end_user_cookie, ensure_wrk, sign_up_with_key, wrk


def measure(backend, server_url, seconds, rounds):
    db = Database(backend, server_url)
    server = Server(db.url)
    try:
        _, _, key = sign_up_with_key(server.port)
        headers = [f"x-api-key: {key}", f"Cookie: {end_user_cookie(server.port, key)}"]
        base = f"http://{server.base}"
        routes = [("GET /api/auth/get-session", f"{base}/api/auth/get-session"),
                  ("GET /api/auth/convex/token", f"{base}/api/auth/convex/token")]
        wrk(f"{base}/healthz", seconds=2)
        for _, url in routes:
            wrk(url, seconds=2, header=headers)
        results = {name: [] for name, _ in routes}
        for _ in range(rounds):
            health = wrk(f"{base}/healthz", seconds=seconds)
            for name, url in routes:
                measured = wrk(url, seconds=seconds, header=headers)
                results[name].append((measured[0] / health[0], health, measured))
        rows = []
        for name, _ in routes:
            ordered = sorted(results[name], key=lambda r: r[0])
            ratio, health, measured = ordered[len(ordered) // 2]
            if not rows:
                rows.append((backend, "GET /healthz", health, None))
            rows.append((backend, name, measured, ratio))
        return rows
    finally:
        server.stop()
        db.drop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of healthz and each route; the median is shown")
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = parser.parse_args()
    ensure_wrk()
    if not args.no_build or not os.path.exists(BINARY):
        build()
    rows = []
    for backend, url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
        rows += measure(backend, url, args.seconds, args.rounds)
    print(f"\nwrk -t2 -c32 -d{args.seconds}s on loopback; BANATA_LOG=warn; median of {args.rounds} rounds\n")
    print("| backend | route | req/s | p50 ms | p99 ms | non-2xx | ratio to /healthz |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for backend, route, (rps, p50, p99, errors), ratio in rows:
        ratio_text = f"{ratio:.0%}" if ratio is not None else "-"
        print(f"| {backend} | {route} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | {ratio_text} |")


if __name__ == "__main__":
    main()
