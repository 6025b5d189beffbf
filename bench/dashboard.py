#!/usr/bin/env python3
"""Server render time of the API Keys page with many keys.

Starts a release build of the server on a fresh database, signs up, creates
N keys through the dashboard's own server function, then requests the API Keys
page (first page of 50, newest first) repeatedly and prints p50/p90/p99.

    python3 bench/dashboard.py [--keys 1000 10000] [--requests 200] [--postgres URL]

Uses only the Python standard library; see bench/README.md.
"""
import argparse, http.client, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("banata_session="):
                self.cookie = value.split(";")[0]
        return response.status, dict(response.getheaders()), data


def run(binary, database_url, keys, requests):
    port = free_port()
    env = dict(os.environ, BANATA_LOG="warn")
    server = subprocess.Popen([binary, "--addr", f"127.0.0.1:{port}", "--database-url", database_url], env=env, cwd=ROOT)
    try:
        for _ in range(300):  # poll readiness, up to 30 s
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        client = Client(port)
        status, headers, _ = client.request("POST", "/api/dashboard/sign_up",
                                            {"name": "Bench", "email": f"bench-{time.time_ns()}@example.com", "password": "benchmark password"})
        slug = headers["location"].split("/")[2]
        started = time.time()
        for i in range(keys):
            status, _, body = client.request("POST", "/api/dashboard/create_key", {"slug": slug, "name": f"key-{i:05}", "expires": "never"})
            assert status == 200, body
        seeded = time.time() - started
        if database_url.startswith("postgres"):
            # Steady state: autovacuum analyzes a table once a tenth of it has
            # changed; right after a bulk seed the planner has no statistics yet.
            subprocess.check_call(["psql", database_url, "-qc", "ANALYZE"])
        page = f"/projects/{slug}/api-keys"
        for _ in range(10):  # warm-up
            client.request("GET", page)
        timings = []
        for _ in range(requests):
            t = time.perf_counter()
            status, _, body = client.request("GET", page)
            timings.append((time.perf_counter() - t) * 1000)
            assert status == 200 and b"key-00000" not in body or keys <= 50
        timings.sort()
        pct = lambda p: timings[min(len(timings) - 1, int(len(timings) * p))]
        return seeded, statistics.median(timings), pct(0.9), pct(0.99)
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", help="server URL without database, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "banata"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        print("building the release server (cargo build --release --features ssr)…", file=sys.stderr)
        subprocess.check_call(["cargo", "build", "--release", "--features", "ssr", "--bin", "banata"], cwd=ROOT)

    print(f"{'backend':<10} {'keys':>7} {'seed s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for keys in args.keys:
        backends = [("sqlite", None)] + ([("postgres", args.postgres)] if args.postgres else [])
        for backend, server_url in backends:
            tmp = tempfile.mkdtemp(prefix="banata-bench-")
            if backend == "sqlite":
                url = f"sqlite://{tmp}/bench.db"
            else:
                name = f"banata_bench_{os.getpid()}_{keys}"
                subprocess.check_call(["psql", f"{server_url}/postgres", "-qc", f"CREATE DATABASE {name}"])
                url = f"{server_url}/{name}"
            try:
                seeded, p50, p90, p99 = run(args.binary, url, keys, args.requests)
                print(f"{backend:<10} {keys:>7} {seeded:>8.1f} {p50:>8.2f} {p90:>8.2f} {p99:>8.2f}", flush=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
                if backend == "postgres":
                    subprocess.call(["psql", f"{server_url}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


if __name__ == "__main__":
    main()
