#!/usr/bin/env bash
# Installs the system packages Plaatwerk's tests need on Debian/Ubuntu: Mesa's software
# Vulkan and GL drivers (headless rendering without a GPU), Xvfb and friends (window
# tests), ImageMagick and xdotool (screenshots, clicks), LibreOffice Impress, poppler
# and qpdf (slide decks and PDFs are opened and checked as users and print shops do), zbar
# (the QR codes of cut-outs and the handbook are read back as a phone camera would), procps (`kill`: the room server is
# stopped with SIGTERM as a service manager would), Chromium (the participant page is
# tested in a real browser, driven by playwright-core from npm), Redis (hosted rooms;
# the tests start their own redis-server on a free loopback port), nginx and openssl (a
# hosted room is tested behind a TLS reverse proxy with a certificate of its own), and
# python-pptx from PyPI in target/python (slide decks are read as PowerPoint tooling
# reads them; Debian has no package of it), mingw-w64 and Wine (the Windows build is
# cross-compiled and tested under Wine; wixl builds its MSI, osslsigncode signs it) with
# Rust's x86_64-pc-windows-gnu target, and Rust's aarch64-apple-darwin target (the macOS
# build is checked, not linked).
# Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  mesa-vulkan-drivers libvulkan1 libegl1 libegl-mesa0 libgl1-mesa-dri
  xvfb xauth libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxi6 libxrandr2
  imagemagick xdotool libreoffice-impress poppler-utils qpdf zbar-tools
  procps chromium redis-server nginx-light openssl python3-venv
  gcc-mingw-w64-x86-64 wine wine64 wixl osslsigncode zip unzip
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
python_tools() {
  local py=target/python/bin/python
  if ! "$py" -c 'import pptx' 2>/dev/null; then
    python3 -m venv target/python
    "$py" -m pip install -q --disable-pip-version-check 'python-pptx==1.0.2'
  fi
}
rust_targets() {
  for t in x86_64-pc-windows-gnu aarch64-apple-darwin; do
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
  done
}
if [ ${#missing[@]} -eq 0 ]; then
  python_tools
  rust_targets
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: missing packages: ${missing[*]}; install them as root" >&2
    exit 1
  fi
fi
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
python_tools
rust_targets
