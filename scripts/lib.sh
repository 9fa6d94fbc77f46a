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
