#!/usr/bin/env python3
"""Webhooks: what an event costs a change, how fast one instance delivers,
and what a dead receiver's queue costs.

For each backend, on fresh databases, release builds:

1. Cost of a change. POST /api/auth/admin/update-user (a name change: one
   write, its audit record and, now, its event) with a Bearer key, 500
   sequential requests on one connection after 50 warm-up, in batches of
   100 to each server in turn, 8 rounds; p50 and p90 for the binary before
   webhooks (--before, e.g. a build of e6d5033), and for this one with no
   endpoint and with one endpoint subscribed to every event (its receiver
   answering at once).
2. Delivery rate. An endpoint whose receiver is down takes 5,000 events
   (its first delivery fails and waits for its retry, the rest queue behind
   it, in order); the receiver comes up, and the rate is the events
   received divided by the time from the first to the last.
3. A dead receiver's queue. 100, then 10,000 deliveries waiting for an
   endpoint that refuses connections: the server's RSS, and sign-in
   (POST /api/auth/sign-in/email, 50 sequential) p50 beside no queue.

    python3 bench/webhooks.py --before /path/to/old/banata [--postgres postgres://postgres@127.0.0.1:5432] [--no-build]

Standard library only. See bench/README.md.
"""
import argparse, http.server, json, os, statistics, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, Database, Http, Server, build, free_port, sign_up_with_key

PASSWORD = "benchmark password"
LOOPBACK = ["--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "2,2,2,2"]


class Receiver:
    """A receiver on loopback answering 204 at once; counts and times arrivals."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.times = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.times.append(time.perf_counter())
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def api(port, key, path, body):
    client = Http(port)
    status, _, data = client.request("POST", path, json_body=body, key=key)
    assert status == 200, (path, status, data[:300])
    return json.loads(data)


def percentiles(timings):
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.9)]


class Setup:
    """One server on its own database: a project, its key, a user to rename
    and, if asked, an endpoint subscribed to every event."""

    def __init__(self, binary, backend, postgres, endpoint):
        self.db = Database(backend, postgres)
        self.receiver = Receiver() if endpoint else None
        self.server = Server(self.db.url, *(LOOPBACK if binary == BINARY else []), binary=binary)
        _, _, self.key = sign_up_with_key(self.server.port)
        made = api(self.server.port, self.key, "/api/auth/admin/create-user",
                   {"email": "bench-user@example.com", "password": PASSWORD, "name": "Bench"})
        self.user = made["user"]["id"]
        if self.receiver:
            api(self.server.port, self.key, "/api/auth/banata/webhooks/create", {"url": f"http://127.0.0.1:{self.receiver.port}/hook"})
        self.client = Http(self.server.port)
        self.timings, self.sent = [], 0

    def batch(self, requests, keep=True):
        for _ in range(requests):
            self.sent += 1
            t = time.perf_counter()
            status, _, data = self.client.request("POST", "/api/auth/admin/update-user",
                                                  json_body={"userId": self.user, "name": f"Bench {self.sent}"}, key=self.key)
            if keep:
                self.timings.append((time.perf_counter() - t) * 1000)
            assert status == 200, data

    def close(self):
        self.server.stop()
        if self.receiver:
            self.receiver.stop()
        self.db.drop()


def update_costs(setups, rounds=8, requests=100):
    """Batches of requests to each server in turn (so that what the machine
    is doing meanwhile falls on all alike); each one's p50 and p90."""
    for setup in setups:
        setup.batch(50, keep=False)
    for _ in range(rounds):
        for setup in setups:
            setup.batch(requests)
    return [percentiles(setup.timings) for setup in setups]


def delivery_rate(backend, postgres, events=5000):
    db = Database(backend, postgres)
    port = free_port()
    # Twenty tries a second apart: the first delivery waits for the receiver, never fails for good.
    server = Server(db.url, "--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", ",".join(["1"] * 20))
    try:
        _, _, key = sign_up_with_key(server.port)
        api(server.port, key, "/api/auth/banata/webhooks/create", {"url": f"http://127.0.0.1:{port}/hook", "eventTypes": ["user.updated"]})
        user = api(server.port, key, "/api/auth/admin/create-user",
                   {"email": "rate@example.com", "password": PASSWORD, "name": "Rate"})["user"]["id"]
        client = Http(server.port)
        for n in range(events):
            status, _, data = client.request("POST", "/api/auth/admin/update-user", json_body={"userId": user, "name": f"R{n}"}, key=key)
            assert status == 200, data
        receiver = Receiver(port)
        deadline = time.time() + 300
        while len(receiver.times) < events and time.time() < deadline:
            time.sleep(0.05)
        received = len(receiver.times)
        receiver.stop()
        assert received >= events, f"only {received} of {events} arrived"
        seconds = receiver.times[-1] - receiver.times[0]
        return events / seconds, seconds
    finally:
        server.stop()
        db.drop()


def sign_in_p50(port, key, email, rounds=50):
    timings = []
    body = json.dumps({"email": email, "password": PASSWORD})
    for _ in range(rounds):
        client = Http(port)
        t = time.perf_counter()
        client.conn.request("POST", "/api/auth/sign-in/email", body=body, headers={"Content-Type": "application/json", "x-api-key": key})
        response = client.conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status == 200, response.status
    return percentiles(timings)[0]


def dead_queue(backend, postgres):
    db = Database(backend, postgres)
    server = Server(db.url, "--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "3600")
    try:
        _, _, key = sign_up_with_key(server.port)
        email = "signer@example.com"
        api(server.port, key, "/api/auth/admin/create-user", {"email": email, "password": PASSWORD, "name": "Signer"})
        user = api(server.port, key, "/api/auth/admin/create-user", {"email": "q@example.com", "password": PASSWORD, "name": "Q"})["user"]["id"]
        results = [("no queue", server.rss_kb(), sign_in_p50(server.port, key, email))]
        dead = free_port()  # nothing listens there: connections are refused
        api(server.port, key, "/api/auth/banata/webhooks/create", {"url": f"http://127.0.0.1:{dead}/hook", "eventTypes": ["user.updated"]})
        client = Http(server.port)
        made = 0
        for target in (100, 10_000):
            while made < target:
                status, _, data = client.request("POST", "/api/auth/admin/update-user", json_body={"userId": user, "name": f"Q{made}"}, key=key)
                assert status == 200, data
                made += 1
            time.sleep(2)  # let the worker take its look at the queue before RSS is read
            pending = api(server.port, key, "/api/auth/banata/webhooks/deliveries/list", {"status": "pending", "limit": 1})
            assert pending["data"], "deliveries wait"
            results.append((f"{target} queued", server.rss_kb(), sign_in_p50(server.port, key, email)))
        return results
    finally:
        server.stop()
        db.drop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--before", default=None, help="the server binary before webhooks, for the change's cost")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        build()
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    for backend in backends:
        print(f"\n== {backend}")
        names, setups = [], []
        if args.before:
            names.append("before webhooks")
            setups.append(Setup(args.before, backend, args.postgres, False))
        names += ["now, no endpoint", "now, one endpoint, every event"]
        setups += [Setup(BINARY, backend, args.postgres, False), Setup(BINARY, backend, args.postgres, True)]
        try:
            rows = list(zip(names, update_costs(setups)))
        finally:
            for setup in setups:
                setup.close()
        print("update-user (a write with its event)      p50 ms   p90 ms")
        for name, (p50, p90) in rows:
            print(f"  {name:38} {p50:7.2f}  {p90:7.2f}")
        if args.before:
            base = rows[0][1][0]
            for name, (p50, _) in rows[1:]:
                print(f"  {name}: {100 * (p50 / base - 1):+.1f} % p50")
        rate, seconds = delivery_rate(backend, args.postgres)
        print(f"delivery: 5,000 events to one endpoint in {seconds:.2f} s = {rate:,.0f} events/s")
        print("dead receiver's queue                       RSS KiB   sign-in p50 ms")
        for name, rss, p50 in dead_queue(backend, args.postgres):
            print(f"  {name:40} {rss:8d}  {p50:7.2f}")


if __name__ == "__main__":
    main()
