"""What a first visit downloads: the /pkg files (wasm, JS, CSS) a page names,
fetched from the release server as a browser would, gzip and brotli as
served, plus gzip -9 of the raw bytes. Standard library only.

    python3 bench/bundle.py [--no-build] [--page /sign-in] [--max-gzip BYTES]

--no-build uses the site already built by `cargo leptos build --release`
(e.g. by .ci/run). --max-gzip exits 1 when the served gzip total is over
it: the budget check."""
import argparse, gzip, http.client, os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINARY, ROOT, Server  # noqa: E402

ASSET = re.compile(r"/pkg/[A-Za-z0-9_.\-]+\.(?:wasm|js|css)")


def fetch(port, path, encoding):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": encoding})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return body, response.getheader("Content-Encoding") or "identity"


def assets(port, page):
    """The /pkg files the page names (its hydration script names the wasm)."""
    html, _ = fetch(port, page, "identity")
    return list(dict.fromkeys(ASSET.findall(html.decode())))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--page", default="/sign-in")
    parser.add_argument("--max-gzip", type=int, help="fail when the served gzip total exceeds this many bytes")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.check_call(["cargo", "leptos", "build", "--release"], cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(f"sqlite://{tmp}/bundle.db", binary=BINARY)
        try:
            rows = []
            for path in assets(server.port, args.page):
                raw, _ = fetch(server.port, path, "identity")
                served_gzip, gzip_encoding = fetch(server.port, path, "gzip")
                served_br, br_encoding = fetch(server.port, path, "br")
                if (gzip_encoding, br_encoding) != ("gzip", "br"):
                    raise RuntimeError(f"{path} was served as {gzip_encoding} / {br_encoding}")
                rows.append((path, len(raw), len(gzip.compress(raw, 9)), len(served_gzip), len(served_br)))
        finally:
            server.stop()
    if not any(path.endswith(".wasm") for path, *_ in rows):
        raise RuntimeError(f"no wasm found from {args.page}: {[r[0] for r in rows]}")
    print(f"first visit to {args.page} (release build)\n")
    print("| file | raw | gzip -9 | gzip as served | brotli as served |")
    print("|---|---:|---:|---:|---:|")
    for path, *sizes in rows:
        print(f"| `{re.sub(r'[.][A-Za-z0-9_-]{20,}[.]', '.', path)}` | " + " | ".join(f"{s:,}" for s in sizes) + " |")
    totals = [sum(r[i] for r in rows) for i in range(1, 5)]
    print("| **total** | " + " | ".join(f"**{t:,}**" for t in totals) + " |")
    if args.max_gzip is not None:
        served = totals[2]
        if served > args.max_gzip:
            print(f"\nover budget: {served:,} bytes gzip as served > {args.max_gzip:,}", file=sys.stderr)
            sys.exit(1)
        print(f"\nwithin budget: {served:,} <= {args.max_gzip:,} bytes gzip as served")


if __name__ == "__main__":
    main()
