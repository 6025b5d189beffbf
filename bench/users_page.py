#!/usr/bin/env python3
"""Server render time of the Users page with many users.

Starts a release build of the server on a fresh database, signs up (the
project and its key made through the dashboard), adds N end users straight
in the database (one INSERT; adding 100,000 through the API would only
measure the password hashing), then requests the Users page repeatedly:
the first page, a page deep in the list (by its cursor) and a search.
Prints p50/p90/p99 in milliseconds.

    python3 bench/users_page.py [--users 100000] [--requests 200] [--postgres URL]

Standard library only; see bench/README.md.
"""
import argparse, os, sys, time, urllib.parse
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Http, Server, build, sign_up_with_key, timed_gets


def seed(db, project_id, users):
    """`users` end users of the project, one second apart, newest last."""
    if db.backend == "postgres":
        db.sql(f"""INSERT INTO end_users (id, project_id, email, name, email_verified, created_at, updated_at)
            SELECT 'usr_bench' || n, '{project_id}', 'user' || n || '@example.com', 'User ' || n, n % 3 = 0,
                   now() - (({users} - n) * interval '1 second'), now()
            FROM generate_series(1, {users}) AS n""")
        db.sql("ANALYZE")
    else:
        # The text form sqlx writes for a time in SQLite.
        stamp = "strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || ({users} - n) || ' seconds') || '000000Z'"
        db.sql(f"""WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {users})
            INSERT INTO end_users (id, project_id, email, name, email_verified, created_at, updated_at)
            SELECT 'usr_bench' || n, '{project_id}', 'user' || n || '@example.com', 'User ' || n, n % 3 = 0,
                   {stamp.format(users=users)}, {stamp.format(users=users)} FROM seq""")
        db.sql("ANALYZE")


def run(db, users, requests):
    server = Server(db.url)
    try:
        email, slug, key = sign_up_with_key(server.port)
        client = Http(server.port)
        status, _, _ = client.request("POST", "/api/dashboard/sign_in", {"email": email, "password": "benchmark password"})
        project_id = db.sql(f"SELECT id FROM projects WHERE slug = '{slug}'")[0][0]
        started = time.time()
        seed(db, project_id, users)
        seeded = time.time() - started
        page = f"/projects/{slug}/users"
        # A "Next page" cursor halfway down: after the middle user.
        middle = users // 2
        if db.backend == "postgres":
            micros = db.sql(f"SELECT (extract(epoch FROM created_at) * 1000000)::bigint FROM end_users WHERE id = 'usr_bench{middle}'")[0][0]
            nanos = int(micros) * 1000
        else:
            import datetime
            text = db.sql(f"SELECT created_at FROM end_users WHERE id = 'usr_bench{middle}'")[0][0]
            at = datetime.datetime.strptime(text[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            nanos = int(at.timestamp()) * 1_000_000_000 + int(text[20:29])
        deep_cursor = f"{nanos}.usr_bench{middle}"
        rows = [
            ("first page", page, f"user{users}@example.com"),
            ("page at the middle", f"{page}?after={urllib.parse.quote(deep_cursor)}", f"user{middle - 1}@example.com"),
            ("search by email", f"{page}?q=user{users - 7}%40", f"user{users - 7}@example.com"),
        ]
        return seeded, [(name, *timed_gets(client, path, requests, lambda status, body, e=expect: status == 200 and e.encode() in body)) for name, path, expect in rows]
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = parser.parse_args()
    if not args.no_build or not os.path.exists(BINARY):
        build()
    print(f"{'backend':<10} {'users':>7} {'view':<20} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for backend, server_url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
        db = Database(backend, server_url)
        try:
            seeded, rows = run(db, args.users, args.requests)
            for name, p50, p90, p99 in rows:
                print(f"{backend:<10} {args.users:>7} {name:<20} {p50:>8.2f} {p90:>8.2f} {p99:>8.2f}", flush=True)
            print(f"{backend:<10} seeded in {seeded:.1f} s", flush=True)
        finally:
            db.drop()


if __name__ == "__main__":
    main()
