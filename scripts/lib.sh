# Shared by scripts/run and scripts/test: find or install what Offerdesk needs.
# Every step checks before it acts, so running a script twice does no work twice.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$(pwd)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The Rust toolchain, with rustfmt and clippy. rustup installs what is missing; a machine
# without rustup needs Rust installed first (https://rustup.rs).
ensure_rust() {
  [[ -f $HOME/.cargo/env ]] && source "$HOME/.cargo/env"
  command -v cargo >/dev/null || fail "cargo not found: install Rust (https://rustup.rs), then run this again"
  for component in rustfmt clippy; do
    local probe=${component/rustfmt/fmt}
    if ! cargo "$probe" --version >/dev/null 2>&1; then
      step "installing the Rust component $component"
      rustup component add "$component" || fail "could not install $component with rustup"
    fi
  done
}

# ../shared holds the AWS reference corpus and the rules catalog the tests read.
shared_dir() {
  local dir=$ROOT/../shared
  [[ -d $dir/corpus/aws-reference ]] || fail "expected the shared specs and corpus in $dir (see README, Development)"
  (cd "$dir" && pwd)
}

# Node.js for the npm package's tests and benchmark.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return
  step "installing Node.js (Debian packages nodejs, npm)"
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null || fail "could not install Node.js"
}

# The WASM toolchain: the wasm32 target, wasm-bindgen-cli at exactly the version of the
# wasm-bindgen crate (Cargo.toml pins it), and binaryen's wasm-opt from npm.
ensure_wasm_tools() {
  ensure_node
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown || fail "could not add the wasm32 target"
  fi
  local want
  want=$(sed -nE 's/^wasm-bindgen = "=([0-9.]+)".*/\1/p' "$ROOT/Cargo.toml")
  [[ -n $want ]] || fail "Cargo.toml must pin wasm-bindgen with \"=X.Y.Z\""
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]]; then
    step "installing wasm-bindgen-cli $want (compiles for a few minutes, once)"
    cargo install wasm-bindgen-cli --version "=$want" || fail "could not install wasm-bindgen-cli $want"
  fi
  if [[ ! -x $ROOT/wasm/npm/node_modules/.bin/wasm-opt ]]; then
    step "installing the npm packages of wasm/npm"
    (cd "$ROOT/wasm/npm" && npm ci --no-audit --no-fund) || fail "npm ci failed in wasm/npm"
  fi
}

# Debian's chromium for the portal's browser test, and the portal's npm packages.
ensure_browser() {
  ensure_node
  if ! command -v chromium >/dev/null; then
    step "installing Debian's chromium (for the browser test)"
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null || fail "could not install chromium"
  fi
  if [[ ! -d $ROOT/wasm/portal/node_modules/playwright-core ]]; then
    step "installing the npm packages of wasm/portal"
    (cd "$ROOT/wasm/portal" && npm ci --no-audit --no-fund) || fail "npm ci failed in wasm/portal"
  fi
}

# The Python tools, in a virtualenv of the project's own (.venv): moto's server (the local
# DynamoDB API, its streams and SQS), schemathesis (the API's contract test) and cfn-lint
# (the SAM template).
ensure_venv() {
  local venv=$ROOT/.venv
  if [[ ! -x $venv/bin/moto_server || ! -x $venv/bin/st || ! -x $venv/bin/cfn-lint ]]; then
    step "installing moto[server], schemathesis and cfn-lint into .venv"
    command -v python3 >/dev/null || fail "python3 is needed for the local DynamoDB (moto)"
    [[ -x $venv/bin/pip ]] || python3 -m venv "$venv" || fail "could not create $venv (Debian: apt-get install python3-venv)"
    # Pinned: scripts/moto-server leans on moto's internals, and schemathesis's flags change.
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.2.5" schemathesis==4.32.5 cfn-lint==1.58.0 \
      || fail "pip could not install moto[server], schemathesis and cfn-lint"
  fi
  # moto, one request at a time (see scripts/moto-server).
  export OFFERDESK_MOTO_SERVER=$ROOT/scripts/moto-server
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() { # port what
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return
    sleep 0.1
  done
  fail "$2 did not start on port $1"
}

# Starts moto and `offerdesk serve` (binary $1) on 127.0.0.1: the API on port $2, with the
# dev key $3 and any further serve flags. Sets STACK_PIDS; stop_stack stops them.
STACK_PIDS=()
start_stack() { # offerdesk-binary api-port dev-key [serve flags...]
  local offerdesk=$1 port=$2 key=$3
  shift 3
  ensure_venv
  local moto_port
  moto_port=$(free_port)
  "$OFFERDESK_MOTO_SERVER" -H 127.0.0.1 -p "$moto_port" >"$ROOT/target/moto.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_port "$moto_port" "moto_server"
  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$moto_port AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local OFFERDESK_DEV_KEY=$key \
    "$offerdesk" serve --addr "127.0.0.1:$port" --create-table "$@" >"$ROOT/target/serve.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_port "$port" "offerdesk serve (log: target/serve.log)"
}

stop_stack() {
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  STACK_PIDS=()
}
