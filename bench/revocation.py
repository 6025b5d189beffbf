#!/usr/bin/env python3
"""Revocation against the cache, with two real instances sharing PostgreSQL.

Instance A and B serve the same database. Each round creates a key through
A, uses it on both (so both have it cached), revokes it through A, and then
asks B in a tight loop until B refuses it. Prints how long B took after A's
revoke returned, and checks that A refuses on the very next request.

    python3 bench/revocation.py --postgres postgres://postgres@127.0.0.1:5432 [--rounds 20]

Standard library only. See bench/README.md.
"""
import argparse, json, os, statistics, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Http, Server, build, sign_up_with_key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="server URL without database")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build or not os.path.exists(BINARY):
        build()
    db = Database("postgres", args.postgres)
    a = Server(db.url)
    b = Server(db.url)
    try:
        _, _, root = sign_up_with_key(a.port)
        on_a, on_b = Http(a.port), Http(b.port)
        whoami = "/api/auth/api-key/whoami"
        delays, polls = [], []
        for n in range(args.rounds):
            status, _, body = on_a.request("POST", "/api/auth/api-key/create", json_body={"name": f"round-{n}"}, key=root)
            assert status == 200, body
            created = json.loads(body)
            key = created["key"]
            assert on_a.request("GET", whoami, key=key)[0] == 200
            assert on_b.request("GET", whoami, key=key)[0] == 200
            status, _, body = on_a.request("POST", "/api/auth/api-key/delete", json_body={"keyId": created["id"]}, key=root)
            revoked_at = time.perf_counter()
            assert status == 200, body
            assert on_a.request("GET", whoami, key=key)[0] == 401, "A must refuse on the very next request"
            tries = 0
            while True:
                tries += 1
                if on_b.request("GET", whoami, key=key)[0] == 401:
                    break
                if time.perf_counter() - revoked_at > 10:
                    raise SystemExit(f"round {n}: B still accepts the key 10 s after the revoke")
            delays.append((time.perf_counter() - revoked_at) * 1000)
            polls.append(tries)
        delays.sort()
        print(f"\n{args.rounds} rounds, two instances on one PostgreSQL database\n")
        print("| measure | value |")
        print("|---|---:|")
        print("| A refuses on the next request | every round |")
        print(f"| B refuses after, p50 | {statistics.median(delays):.2f} ms |")
        print(f"| B refuses after, max | {delays[-1]:.2f} ms |")
        print(f"| requests B accepted after the revoke, max | {max(polls) - 1} |")
    finally:
        a.stop()
        b.stop()
        db.drop()


if __name__ == "__main__":
    main()
