#!/usr/bin/env bash
# Schema-driven test of the admin API: schemathesis (PyPI) reads the served
# /api/openapi.json and sends generated requests, valid and invalid, with a
# real key. Fails on any 5xx and any answer that does not match the document.
#
#   scripts/schemathesis.sh <banata binary> [max examples per operation]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
examples=${2:-50}
SCHEMATHESIS_VERSION=4.32.5

if [ "$(.tools/venv/bin/st --version 2>/dev/null | awk '{print $3}')" != "$SCHEMATHESIS_VERSION" ]; then
  echo "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into .tools/venv"
  python3 -m venv .tools/venv
  .tools/venv/bin/pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Generated requests include bad keys on purpose: the failure limit must not
# turn the rest of the run into 429s.
"$bin" --addr "127.0.0.1:$port" --database-url "sqlite://$dir/schemathesis.db" --key-failure-limit 1000000 \
  >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

# A user, their project and a key, through the dashboard's own endpoints.
curl -sf -c "$dir/jar" -o /dev/null -H "Origin: $base" "$base/api/dashboard/sign_up" \
  --data-urlencode "name=Schemathesis" --data-urlencode "email=st@example.com" \
  --data-urlencode "password=schemathesis password"
key=$(curl -sf -b "$dir/jar" -H "Origin: $base" "$base/api/dashboard/create_key" \
  --data-urlencode "slug=schemathesis-s-project" --data-urlencode "name=schemathesis" --data-urlencode "expires=never" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')

# positive_data_acceptance is left out: the document cannot say "in the
# future" or "unique among active keys", so some schema-valid bodies are
# rightly refused.
.tools/venv/bin/st run "$base/api/openapi.json" -H "Authorization: Bearer $key" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --workers 1 --seed 20261130 --warnings off
