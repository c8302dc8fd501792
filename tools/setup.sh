#!/usr/bin/env bash
# Idempotent project set-up, run by `make setup` (and so by every other make target).
#   1. npm packages from package-lock.json (solc-js, OpenZeppelin, anvil, solhint)  -> node_modules/
#   2. Python virtualenv from requirements.lock (brownie built interpreted, see README.md, Toolchain notes) -> .venv/,
#      and schemathesis from requirements-schemathesis.lock -> .venv-schemathesis/ (newer hypothesis than brownie's)
#   (bubblewrap for the worker's sandbox and PostgreSQL for the store tests come from apt when missing)
#   3. solc 0.8.30 where py-solc-x looks for it: native if it can be downloaded, else a wrapper
#      around solc-js (tools/solcjs-wrapper.js) -> .solcx/solc-v0.8.30 and ~/.solcx/solc-v0.8.30
# Each step is skipped when a stamp file keyed on the hash of its inputs says it is done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
STAMPS=$ROOT/.stamps
SOLC_VERSION=0.8.30
PYTHON=${PYTHON:-python3}
mkdir -p "$STAMPS"

log() { printf '[setup] %s\n' "$*"; }
# Run pip without this machine's harmless "Location 'file:///...' is ignored" warnings.
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2 || true); }

# ---- 1. npm -------------------------------------------------------------------------------------
npm_key=$( { cat package.json package-lock.json; node --version; } | sha256sum | cut -c1-16)
if [ ! -f "$STAMPS/npm-$npm_key" ] || [ ! -d node_modules/solc ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  rm -f "$STAMPS"/npm-*
  touch "$STAMPS/npm-$npm_key"
fi
ANVIL=$(ls "$ROOT"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n1 || true)
if [ -z "$ANVIL" ]; then
  echo "setup: no anvil binary under node_modules/@foundry-rs/ (only linux-amd64 is listed in package.json)" >&2
  exit 1
fi

# ---- 2. Python venv -----------------------------------------------------------------------------
py_key=$( { cat requirements.lock pyproject.toml; "$PYTHON" --version; } | sha256sum | cut -c1-16)
if [ ! -f "$STAMPS/py-$py_key" ] || [ ! -x .venv/bin/brownie ]; then
  if [ ! -x .venv/bin/python ]; then
    log "creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
  fi
  log "pip install -r requirements.lock (eth-brownie from source, interpreted)"
  # The PyPI wheel of eth-brownie 1.22 is mypyc-compiled and broken (state_machine, networks config):
  # build it from the sdist with BROWNIE_NOCOMPILE=1. Everything else comes pinned from the lock.
  BROWNIE_NOCOMPILE=1 quiet_pip .venv/bin/pip install --quiet --no-binary eth-brownie -r requirements.lock
  log "pip install -e . (offchain package)"
  quiet_pip .venv/bin/pip install --quiet --no-deps -e .
  if ! .venv/bin/python tools/check_brownie_interpreted.py; then
    log "eth-brownie is a compiled build (cached wheel?); rebuilding it interpreted"
    BROWNIE_NOCOMPILE=1 quiet_pip .venv/bin/pip install --quiet --no-cache-dir --force-reinstall --no-deps \
      --no-binary eth-brownie "$(grep -i '^eth-brownie==' requirements.lock)"
    .venv/bin/python tools/check_brownie_interpreted.py
  fi
  .venv/bin/pip check
  rm -f "$STAMPS"/py-*
  touch "$STAMPS/py-$py_key"
fi
# ---- 2a. Schemathesis in its own venv (it needs a newer hypothesis than brownie's pin) -> .venv-schemathesis/
st_key=$( { cat requirements-schemathesis.lock; "$PYTHON" --version; } | sha256sum | cut -c1-16)
if [ ! -f "$STAMPS/st-$st_key" ] || [ ! -x .venv-schemathesis/bin/schemathesis ]; then
  [ -x .venv-schemathesis/bin/python ] || "$PYTHON" -m venv .venv-schemathesis
  log "pip install -r requirements-schemathesis.lock (.venv-schemathesis)"
  quiet_pip .venv-schemathesis/bin/pip install --quiet -r requirements-schemathesis.lock
  .venv-schemathesis/bin/pip check
  rm -f "$STAMPS"/st-*
  touch "$STAMPS/st-$st_key"
fi
# brownie launches `anvil` from PATH: make it reachable after `source .venv/bin/activate` too.
ln -sfn "$ANVIL" .venv/bin/anvil

# ---- 2b. bubblewrap: the worker's app sandbox (offchain/worker/sandbox.py) ------------------------------------
# Best effort: without it (or where namespaces are forbidden) the worker runs apps unsandboxed, with a loud warning.
if ! command -v bwrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  log "installing bubblewrap (apt-get)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  { $SUDO apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
    { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq bubblewrap >/dev/null 2>&1; }; } || \
    log "warning: could not install bubblewrap; worker apps will run without a sandbox"
fi

# ---- 2c. PostgreSQL server: the scheduler store's tests run on PostgreSQL too (tests/fixtures/postgres.py starts a
# throw-away cluster on loopback and stops it). Only the binaries are needed: Debian's package starts no server
# here (no init system); the tests fail with the reason when the binaries are missing.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    log "installing PostgreSQL (apt-get, for the scheduler store tests)"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    { $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || \
      { $SUDO apt-get update -qq >/dev/null 2>&1 && \
        $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1; }; } || \
      log "warning: could not install PostgreSQL; its scheduler store tests will fail (set POCO_TEST_PG_BINDIR)"
  else
    log "warning: no apt-get: install PostgreSQL (initdb, postgres) for the scheduler store tests"
  fi
fi

# ---- 3. solc for py-solc-x ----------------------------------------------------------------------
mkdir -p .solcx
solc_bin=.solcx/solc-v$SOLC_VERSION
if [ ! -x "$solc_bin" ]; then
  log "trying to install native solc $SOLC_VERSION with py-solc-x"
  if SOLCX_BINARY_PATH="$ROOT/.solcx" timeout 60 .venv/bin/python -c \
      "import solcx; solcx.install_solc('$SOLC_VERSION')" >/dev/null 2>&1 && [ -x "$solc_bin" ]; then
    log "native solc $SOLC_VERSION installed in .solcx/"
  else
    log "native solc unavailable (offline?): using the solc-js wrapper tools/solcjs-wrapper.js"
    # Relocatable: resolves the wrapper relative to this file's own folder.
    cat > "$solc_bin" <<'SH'
#!/bin/sh
# solc-js stand-in for py-solc-x, written by tools/setup.sh (marker: solcjs-wrapper)
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec node --max-old-space-size=4096 "$here/../tools/solcjs-wrapper.js" "$@"
SH
    chmod +x "$solc_bin"
  fi
fi
"$solc_bin" --version | grep -q "Version: $SOLC_VERSION" || { echo "setup: $solc_bin is not solc $SOLC_VERSION" >&2; exit 1; }

# ~/.solcx: for a developer who runs `brownie` after `source .venv/bin/activate` (no SOLCX_BINARY_PATH).
# A native compiler already there is left alone; a wrapper from us is refreshed.
if [ -n "${HOME:-}" ]; then
  home_bin=$HOME/.solcx/solc-v$SOLC_VERSION
  mkdir -p "$HOME/.solcx"
  if [ ! -e "$home_bin" ] || grep -q solcjs-wrapper "$home_bin" 2>/dev/null; then
    if grep -q solcjs-wrapper "$solc_bin"; then
      # Prefer the checkout brownie is run from (walk up from $PWD); else this one.
      cat > "$home_bin.tmp" <<SH
#!/bin/sh
# solc-js stand-in for py-solc-x, written by $ROOT/tools/setup.sh (marker: solcjs-wrapper)
d=\$PWD
while [ "\$d" != / ]; do
  if [ -f "\$d/tools/solcjs-wrapper.js" ] && [ -d "\$d/node_modules/solc" ]; then
    exec node --max-old-space-size=4096 "\$d/tools/solcjs-wrapper.js" "\$@"
  fi
  d=\$(dirname "\$d")
done
exec node --max-old-space-size=4096 "$ROOT/tools/solcjs-wrapper.js" "\$@"
SH
      chmod +x "$home_bin.tmp"
      mv -f "$home_bin.tmp" "$home_bin"
    else
      cp -f "$solc_bin" "$home_bin"
    fi
  fi
fi

log "ready: $(.venv/bin/brownie --version 2>/dev/null | head -n1), $("$ANVIL" --version | head -n1), $("$solc_bin" --version | tail -n1)"
