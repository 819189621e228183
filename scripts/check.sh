#!/usr/bin/env bash
# Runs exactly what CI runs: formatting, clippy, and every test (headless GPU tests on
# Mesa's software Vulkan driver when no GPU is present).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# The participant page's browser test drives Debian's Chromium with playwright-core
# (the version pinned in tests/browser/package-lock.json; it downloads no browser).
if [ ! -f tests/browser/node_modules/playwright-core/package.json ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

# Mesa wants a private runtime directory; without one it prints warnings.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
  export XDG_RUNTIME_DIR="$(mktemp -d)"
  chmod 0700 "$XDG_RUNTIME_DIR"
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# macOS: no SDK here, so nothing links, but the whole workspace (tests included) must
# compile and lint clean for Apple silicon (the platform module's macOS branch, the
# room client's TLS through Security.framework).
cargo clippy --target aarch64-apple-darwin --workspace --all-targets -- -D warnings
# The vector part of export builds without the renderer: no GPU or window toolkit in
# its dependency tree, and it compiles clean on its own.
if cargo tree -e normal -p plaatwerk-export --no-default-features | grep -E 'egui|eframe|winit|wgpu'; then
  echo "check: plaatwerk-export without its raster feature depends on a GPU or window crate (above)" >&2
  exit 1
fi
cargo clippy -p plaatwerk-export --no-default-features -- -D warnings
# The editing engine and the room run without a window or GPU (a room server, the
# command line).
for crate in plaatwerk-editing plaatwerk-room; do
  if cargo tree -e normal -p "$crate" | grep -E 'egui|eframe|winit|wgpu'; then
    echo "check: $crate depends on a GPU or window crate (above)" >&2
    exit 1
  fi
done
# Publishing renders through export's renderer (wgpu) but never needs a window.
if cargo tree -e normal -p plaatwerk-publish | grep -E 'egui|eframe|winit'; then
  echo "check: plaatwerk-publish depends on a window crate (above)" >&2
  exit 1
fi
# The Windows program and plugin DLL, cross-built for the Wine tests (editor/tests/windows.rs).
scripts/windows.sh build
log="$(mktemp)"
set +e
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole workspace (cargo prints one per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
