"""Shared pieces of the benchmark scripts: build, start servers, databases,
HTTP helpers, wrk. Standard library only."""
import statistics, http.client, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BINARY = os.path.join(TARGET, "release", "banata")
HELLO = os.path.join(TARGET, "release", "examples", "hello")


def build(binary=BINARY, example=False):
    """Release build of the server (and the hello-world baseline)."""
    print("building the release server…", file=sys.stderr)
    subprocess.check_call(["cargo", "build", "--release", "--features", "ssr", "--bin", "banata"], cwd=ROOT)
    if example:
        subprocess.check_call(["cargo", "build", "--release", "--features", "ssr", "--example", "hello"], cwd=ROOT)


def ensure_wrk():
    if shutil.which("wrk") is None:
        print("installing wrk (Debian package)…", file=sys.stderr)
        subprocess.check_call(["apt-get", "install", "-y", "-qq", "wrk"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """A temporary SQLite file, or a temporary PostgreSQL database."""

    def __init__(self, backend, server_url=None):
        self.backend, self.server_url = backend, server_url
        self.tmp = tempfile.mkdtemp(prefix="banata-bench-")
        if backend == "sqlite":
            self.path = f"{self.tmp}/bench.db"
            self.url = f"sqlite://{self.path}"
        else:
            self.name = f"banata_bench_{os.getpid()}_{time.time_ns() % 10**9}"
            psql(f"{server_url}/postgres", f"CREATE DATABASE {self.name}")
            self.url = f"{server_url}/{self.name}"

    def drop(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.backend == "postgres":
            subprocess.call(["psql", f"{self.server_url}/postgres", "-qc", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"])

    def sql(self, statement):
        """Runs one statement as the operator would (psql / sqlite3)."""
        if self.backend == "postgres":
            return psql(self.url, statement)
        import sqlite3
        with sqlite3.connect(self.path, timeout=30) as db:
            return [list(map(str, row)) for row in db.execute(statement).fetchall()]


def psql(url, statement):
    out = subprocess.check_output(["psql", url, "-qAtc", statement], text=True)
    return [line.split("|") for line in out.splitlines() if line]


class Server:
    def __init__(self, database_url, *args, log="warn", binary=BINARY):
        self.port = free_port()
        self.base = f"127.0.0.1:{self.port}"
        env = dict(os.environ, BANATA_LOG=log)
        self.process = subprocess.Popen([binary, "--addr", self.base, "--database-url", database_url, *args],
                                        env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for _ in range(300):  # poll readiness, up to 30 s
            try:
                if Http(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def rss_kb(self, field="VmRSS"):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])

    def stop(self):
        self.process.terminate()
        self.process.wait()


class Http:
    """One keep-alive connection; remembers the session cookie."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method, path, form=None, json_body=None, key=None):
        headers, body = {}, None
        if self.cookie:
            headers["Cookie"] = self.cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        if key:
            headers["Authorization"] = f"Bearer {key}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("banata_session="):
                self.cookie = value.split(";")[0]
        return response.status, dict(response.getheaders()), data


def sign_up_with_key(port, password="benchmark password"):
    """A new user and a key of their project: (email, slug, key)."""
    client = Http(port)
    email = f"bench-{time.time_ns()}@example.com"
    status, headers, body = client.request("POST", "/api/dashboard/sign_up", {"name": "Bench", "email": email, "password": password})
    assert status in (200, 303), body
    slug = headers["location"].split("/")[2]
    status, _, body = client.request("POST", "/api/dashboard/create_key", {"slug": slug, "name": "bench", "expires": "never"})
    assert status == 200, body
    return email, slug, json.loads(body)["secret"]


def timed_gets(client, path, requests, check):
    """GETs `path` 10 times to warm up, then `requests` times; `check(status,
    body)` must hold for each. Returns (p50, p90, p99) in milliseconds."""
    for _ in range(10):
        client.request("GET", path)
    timings = []
    for _ in range(requests):
        t = time.perf_counter()
        status, _, body = client.request("GET", path)
        timings.append((time.perf_counter() - t) * 1000)
        assert check(status, body), (status, path)
    timings.sort()
    pct = lambda p: timings[min(len(timings) - 1, int(len(timings) * p))]
    return statistics.median(timings), pct(0.9), pct(0.99)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds=10, threads=2, connections=32, header=None, script=None):
    """Runs wrk; returns (requests/s, p50 ms, p99 ms, non-2xx count).
    `header` is one header line or a list of them; `script` a Lua file."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    for line in ([header] if isinstance(header, str) else header or []):
        command[1:1] = ["-H", line]
    out = subprocess.check_output(command, text=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {}
    for p, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        pct[p] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, pct.get("50"), pct.get("99"), int(errors.group(1)) if errors else 0


def end_user_cookie(port, key, email="bench-user@example.com", password="benchmark password"):
    """Signs an end user up through the auth API with the project's key;
    returns their session cookie (`name=value`)."""
    client = Http(port)
    body = json.dumps({"name": "Bench User", "email": email, "password": password})
    client.conn.request("POST", "/api/auth/sign-up/email", body=body,
                        headers={"Content-Type": "application/json", "x-api-key": key})
    response = client.conn.getresponse()
    response.read()
    assert response.status == 200, response.status
    cookie = next(v for n, v in response.getheaders() if n.lower() == "set-cookie" and "session_token=" in v)
    return cookie.split(";")[0]
