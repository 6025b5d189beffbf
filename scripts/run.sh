#!/usr/bin/env bash
# Sets up, builds (release) and serves Banata on http://127.0.0.1:3000 with
# an embedded SQLite database at ./data/banata.db. Settings come from the
# environment (see README); extra arguments are passed to the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --release
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

printf '\033[1m==> Building (release)\033[0m\n'
cargo leptos build --release
target_dir=${CARGO_TARGET_DIR:-target}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
exec "$target_dir/release/banata" "$@"
