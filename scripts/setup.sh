#!/usr/bin/env bash
# Installs what building Banata needs, skipping whatever is already there.
# Safe to run again. The first run takes about 10 minutes on 2 cores
# (cargo-leptos compiles from source); later runs take seconds.
#
#   scripts/setup.sh          build tools only
#   scripts/setup.sh --test   also Chromium, Playwright, a running PostgreSQL and
#                             aiosmtpd (the tests' SMTP server, tests/smtp_sink.py)
#   scripts/setup.sh --release  also wasm-opt (binaryen) for release builds
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
# Must equal the wasm-bindgen version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' Cargo.toml)
BINARYEN_VERSION=132.0.0
AIOSMTPD_VERSION=1.4.6

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

# The two build tools compile from source the first time. They run once per
# build and do little work, so they are compiled for compile speed (opt-level
# 1, no LTO, no debug info) instead of their own fat-LTO release profile, and
# side by side so one's serial link overlaps the other's crates
# (bench/README.md, "First run": 17 minutes down to about 10).
light_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_INCREMENTAL=false cargo install --quiet "$@"
}
pids=()
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only)"
  # 0.3.10 is the newest that builds with --locked on this toolchain.
  light_install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked &
  pids+=($!)
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (first time only)"
  # Not --locked: its lockfile names a crate version the registry no longer serves.
  light_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force &
  pids+=($!)
fi
for pid in "${pids[@]}"; do wait "$pid"; done

for arg in "$@"; do
  case "$arg" in
    --release)
      if [ "$(.tools/node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
        say "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
        # Debian's binaryen is too old and produces a broken bundle.
        mkdir -p .tools
        npm install --silent --prefix .tools --no-save "binaryen@$BINARYEN_VERSION"
      fi
      ;;
    --test)
      if ! command -v chromium >/dev/null; then
        say "Installing Chromium (Debian package) for the browser tests"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium >/dev/null
      fi
      # Again whenever the lockfile changed since (a package added, e.g. axe-core).
      if [ ! -f end2end/node_modules/.package-lock.json ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
        say "Installing Playwright and axe-core (npm) for the browser tests"
        (cd end2end && npm ci --silent --no-audit --no-fund)
      fi
      if [ "$(.tools/venv/bin/python -c 'import aiosmtpd; print(aiosmtpd.__version__)' 2>/dev/null)" != "$AIOSMTPD_VERSION" ]; then
        say "Installing aiosmtpd $AIOSMTPD_VERSION (PyPI) into .tools/venv for the mail tests"
        python3 -m venv .tools/venv
        .tools/venv/bin/pip install -q "aiosmtpd==$AIOSMTPD_VERSION"
      fi
      if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        say "Starting the local PostgreSQL cluster"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
        for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
        pg_isready -h 127.0.0.1 -p 5432
      fi
      ;;
  esac
done
say "Tools ready"
