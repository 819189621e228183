#!/usr/bin/env bash
# Windows builds from Linux (mingw-w64), tested under Wine.
#
#   scripts/windows.sh build   cross-builds plaatwerk.exe and the football-field plugin
#                              DLL into target/x86_64-pc-windows-gnu/debug (what the
#                              Wine tests in editor/tests/windows.rs run)
#   scripts/windows.sh run …   runs that plaatwerk.exe under Wine in the tests' prefix
#                              (target/wine), e.g. `scripts/windows.sh run check plates/casusregie.plate`
#
# Needs Debian's gcc-mingw-w64-x86-64 and wine (scripts/setup.sh installs them) and the
# Rust target x86_64-pc-windows-gnu (added here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
case "${1:-}" in
  build)
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    cargo build --target "$target" -p plaatwerk -p plaatwerk-plugin-football-field
    ;;
  run)
    shift
    exe="target/$target/debug/plaatwerk.exe"
    [ -f "$exe" ] || { echo "windows: $exe is missing; run scripts/windows.sh build" >&2; exit 1; }
    [ -d target/wine/drive_c ] || { echo "windows: no prefix yet; cargo test --test windows makes it" >&2; exit 1; }
    WINEPREFIX="$PWD/target/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" exec wine "$exe" "$@"
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
