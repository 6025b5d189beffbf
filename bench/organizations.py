#!/usr/bin/env python3
"""Organizations: the hot path with an active organization, and lists at scale.

For each backend, on a fresh database with a project and its key made
through the dashboard:

1. One end user signs up through the auth API and creates an organization
   (so their session has an active one). wrk (2 threads, 32 connections)
   on GET /healthz, GET /api/auth/get-session and POST
   /api/auth/banata/rbac/check-permission as that user; alternating rounds,
   the median ratio to /healthz.
2. 10,000 organizations (each with its owner), one of them with 10,000
   members more, inserted as SQL (through the API it would measure argon2). Sequential requests
   (after 10 warm-up) of the dashboard's Organizations page, the admin API's
   organization/list (Bearer key) and a user's list-members of the big
   organization (GET, as better-auth's client asks it); p50/p90/p99.

    python3 bench/organizations.py [--postgres postgres://postgres@127.0.0.1:5432] [--no-build]

Standard library only; installs wrk (Debian) if missing. See bench/README.md.
"""
import argparse, json, os, statistics, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Http, Server, build, end_user_cookie, ensure_wrk, sign_up_with_key, wrk

PASSWORD = "benchmark password"


def call(port, method, path, headers, body=None):
    client = Http(port)
    client.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = client.conn.getresponse()
    data = response.read()
    return response.status, data


def timed(port, method, path, headers, requests, check, body=None):
    """`requests` sequential requests on one connection after 10 warm-up;
    (p50, p90, p99) in milliseconds. `check(status, body)` must hold."""
    client = Http(port)
    payload = json.dumps(body) if body is not None else None
    def once():
        client.conn.request(method, path, body=payload, headers=headers)
        response = client.conn.getresponse()
        return response.status, response.read()
    for _ in range(10):
        once()
    timings = []
    for _ in range(requests):
        t = time.perf_counter()
        status, data = once()
        timings.append((time.perf_counter() - t) * 1000)
        assert check(status, data), (status, path, data[:200])
    timings.sort()
    pct = lambda p: timings[min(len(timings) - 1, int(len(timings) * p))]
    return statistics.median(timings), pct(0.9), pct(0.99)


def hot_path(server, key, seconds, rounds):
    base = f"http://{server.base}"
    cookie = end_user_cookie(server.port, key, "owner@example.com")
    # As the app's route handler forwards a browser's request.
    headers = {"x-api-key": key, "Cookie": cookie, "Content-Type": "application/json",
               "Origin": "http://app.example.test", "x-forwarded-host": "app.example.test", "x-forwarded-proto": "http"}
    status, data = call(server.port, "POST", "/api/auth/organization/create", headers, {"name": "Bench", "slug": "bench"})
    assert status == 200, data
    lines = [f"{k}: {v}" for k, v in headers.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write('wrk.method = "POST"\nwrk.body = \'{"permission":"member.invite"}\'\n')
    routes = [("GET /api/auth/get-session (active organization)", f"{base}/api/auth/get-session", None),
              ("POST /api/auth/banata/rbac/check-permission", f"{base}/api/auth/banata/rbac/check-permission", lua.name)]
    wrk(f"{base}/healthz", seconds=2)
    for _, url, script in routes:
        wrk(url, seconds=2, header=lines, script=script)
    results = {name: [] for name, _, _ in routes}
    for _ in range(rounds):
        health = wrk(f"{base}/healthz", seconds=seconds)
        for name, url, script in routes:
            measured = wrk(url, seconds=seconds, header=lines, script=script)
            results[name].append((measured[0] / health[0], health, measured))
    os.unlink(lua.name)
    rows = []
    for name, _, _ in routes:
        ratio, health, measured = sorted(results[name], key=lambda r: r[0])[len(results[name]) // 2]
        if not rows:
            rows.append(("GET /healthz", health, None))
        rows.append((name, measured, ratio))
    return rows, cookie


def seed(db, project_id, organizations, members):
    """`organizations` organizations, and `members` users in the first."""
    if db.backend == "postgres":
        db.sql(f"""INSERT INTO organizations (id, project_id, name, slug, created_at, updated_at)
            SELECT 'org_bench' || n, '{project_id}', 'Org ' || n, 'org-' || n,
                   now() - (({organizations} - n) * interval '1 second'), now()
            FROM generate_series(1, {organizations}) AS n""")
        db.sql(f"""INSERT INTO end_users (id, project_id, email, name, created_at, updated_at)
            SELECT 'usr_bench' || n, '{project_id}', 'member' || n || '@example.com', 'Member ' || n, now(), now()
            FROM generate_series(1, {members}) AS n""")
        db.sql(f"""INSERT INTO organization_members (id, project_id, organization_id, user_id, role, created_at, updated_at)
            SELECT 'mem_bench' || n, '{project_id}', 'org_bench1', 'usr_bench' || n, 'member',
                   now() - (({members} - n) * interval '1 second'), now()
            FROM generate_series(1, {members}) AS n""")
        # Every other organization has its owner: a realistic spread of
        # members (what the planner's statistics see).
        db.sql(f"""INSERT INTO end_users (id, project_id, email, name, created_at, updated_at)
            SELECT 'usr_owner' || n, '{project_id}', 'owner' || n || '@example.com', 'Owner ' || n, now(), now()
            FROM generate_series(2, {organizations}) AS n""")
        db.sql(f"""INSERT INTO organization_members (id, project_id, organization_id, user_id, role, created_at, updated_at)
            SELECT 'mem_owner' || n, '{project_id}', 'org_bench' || n, 'usr_owner' || n, 'super_admin', now(), now()
            FROM generate_series(2, {organizations}) AS n""")
    else:
        stamp = "strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || ({count} - n) || ' seconds') || '000000Z'"
        def seq(count):
            return f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})"
        db.sql(f"""{seq(organizations)} INSERT INTO organizations (id, project_id, name, slug, created_at, updated_at)
            SELECT 'org_bench' || n, '{project_id}', 'Org ' || n, 'org-' || n, {stamp.format(count=organizations)},
                   {stamp.format(count=organizations)} FROM seq""")
        db.sql(f"""{seq(members)} INSERT INTO end_users (id, project_id, email, name, created_at, updated_at)
            SELECT 'usr_bench' || n, '{project_id}', 'member' || n || '@example.com', 'Member ' || n,
                   {stamp.format(count=members)}, {stamp.format(count=members)} FROM seq""")
        db.sql(f"""{seq(members)} INSERT INTO organization_members (id, project_id, organization_id, user_id, role, created_at, updated_at)
            SELECT 'mem_bench' || n, '{project_id}', 'org_bench1', 'usr_bench' || n, 'member',
                   {stamp.format(count=members)}, {stamp.format(count=members)} FROM seq""")
        db.sql(f"""{seq(organizations)} INSERT INTO end_users (id, project_id, email, name, created_at, updated_at)
            SELECT 'usr_owner' || n, '{project_id}', 'owner' || n || '@example.com', 'Owner ' || n,
                   {stamp.format(count=organizations)}, {stamp.format(count=organizations)} FROM seq WHERE n > 1""")
        db.sql(f"""{seq(organizations)} INSERT INTO organization_members (id, project_id, organization_id, user_id, role, created_at, updated_at)
            SELECT 'mem_owner' || n, '{project_id}', 'org_bench' || n, 'usr_owner' || n, 'super_admin',
                   {stamp.format(count=organizations)}, {stamp.format(count=organizations)} FROM seq WHERE n > 1""")
    db.sql("ANALYZE")


def lists(db, server, email, slug, key, organizations, members, requests):
    project_id = db.sql(f"SELECT id FROM projects WHERE slug = '{slug}'")[0][0]
    seed(db, project_id, organizations, members)
    dashboard = Http(server.port)
    status, _, _ = dashboard.request("POST", "/api/dashboard/sign_in", {"email": email, "password": PASSWORD})
    # A member of the big organization (made by the seed): their session.
    member_cookie = end_user_cookie(server.port, key, "viewer@example.com")
    # From the database, not get-session: that would cache the session
    # before the membership below exists.
    user_id = db.sql("SELECT id FROM end_users WHERE email = 'viewer@example.com'")[0][0]
    db.sql(f"""INSERT INTO organization_members (id, project_id, organization_id, user_id, role, created_at, updated_at)
        VALUES ('mem_viewer', '{project_id}', 'org_bench1', '{user_id}', 'member',
                (SELECT created_at FROM organizations WHERE id = 'org_bench1'), (SELECT created_at FROM organizations WHERE id = 'org_bench1'))""")
    user = {"x-api-key": key, "Cookie": member_cookie}
    admin = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    page = {"Cookie": dashboard.cookie}
    views = [
        ("Organizations page (dashboard)", "GET", f"/projects/{slug}/organizations", page, None, f"Org {organizations}".encode()),
        ("organization/list (admin key)", "POST", "/api/auth/organization/list", admin, {}, f"org_bench{organizations}".encode()),
        (f"list-members of {members:,} (user)", "GET", "/api/auth/organization/list-members?organizationId=org_bench1", user, None, f'"total":{members + 1}'.encode()),
    ]
    return [(name, *timed(server.port, method, path, headers, requests, lambda s, d, e=expect: s == 200 and e in d, body))
            for name, method, path, headers, body, expect in views]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--organizations", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = parser.parse_args()
    ensure_wrk()
    if not args.no_build or not os.path.exists(BINARY):
        build()
    hot, listed = [], []
    for backend, url in [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else []):
        db = Database(backend, url)
        server = Server(db.url)
        try:
            email, slug, key = sign_up_with_key(server.port)
            rows, _ = hot_path(server, key, args.seconds, args.rounds)
            hot += [(backend, *row) for row in rows]
            listed += [(backend, *row) for row in lists(db, server, email, slug, key, args.organizations, args.members, args.requests)]
        finally:
            server.stop()
            db.drop()
    print(f"\nwrk -t2 -c32 -d{args.seconds}s on loopback; median of {args.rounds} rounds\n")
    print("| backend | route | req/s | p50 ms | p99 ms | non-2xx | ratio to /healthz |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for backend, route, (rps, p50, p99, errors), ratio in hot:
        ratio_text = f"{ratio:.0%}" if ratio is not None else "-"
        print(f"| {backend} | {route} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | {ratio_text} |")
    print(f"\n{args.requests} sequential requests after 10 warm-up\n")
    print("| backend | view | p50 ms | p90 ms | p99 ms |")
    print("|---|---|---:|---:|---:|")
    for backend, name, p50, p90, p99 in listed:
        print(f"| {backend} | {name} | {p50:.2f} | {p90:.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
