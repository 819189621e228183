#!/usr/bin/env bash
# Packages for users.
#
#   scripts/package.sh windows   target/dist/plaatwerk-VERSION-x86_64.msi (per-machine,
#                                for Intune or msiexec /qn) and
#                                target/dist/plaatwerk-VERSION-x86_64-portable.zip,
#                                both with Authenticode-signed programs
#
# The Windows program is the cross-built one (scripts/windows.sh build); set
# PLAATWERK_PROFILE=release after `cargo build --release --target x86_64-pc-windows-gnu
# -p plaatwerk -p plaatwerk-plugin-football-field` for a release package (CI packages
# the debug build it already has). PLAATWERK_VERSION overrides the version (x.y.z).
#
# Signing: PLAATWERK_SIGN_CERT and PLAATWERK_SIGN_KEY (PEM files; the certificate may
# include its chain) sign with your organisation's code-signing certificate. Without
# them a throwaway self-signed certificate is made in target/dist/test-cert and used, so
# the signing path is always exercised; such a package is for tests only.
#
# Needs wixl, osslsigncode, ImageMagick, zip and mingw's strip (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# The MSI's identity: never change the UpgradeCode, or a new version installs beside the
# old one instead of replacing it.
upgrade_code="6F1B3C2A-8E4D-4F5A-9B7C-2D3E4F5A6B7C"

windows() {
  local profile="${PLAATWERK_PROFILE:-debug}"
  local bin="target/x86_64-pc-windows-gnu/$profile"
  local version="${PLAATWERK_VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)}"
  [ -f "$bin/plaatwerk.exe" ] || { echo "package: $bin/plaatwerk.exe is missing; run scripts/windows.sh build" >&2; exit 1; }
  local dist=target/dist stage=target/dist/stage-windows
  rm -rf "$stage"
  mkdir -p "$stage/plates" "$dist"

  echo "package: staging $bin (version $version)" >&2
  # Line tables are for developers; users get the program without them.
  x86_64-w64-mingw32-strip -o "$stage/plaatwerk.exe" "$bin/plaatwerk.exe"
  x86_64-w64-mingw32-strip -o "$stage/plaatwerk_plugin_football_field.dll" "$bin/plaatwerk_plugin_football_field.dll"
  cp plates/*.plate "$stage/plates/"
  cp LICENSE* "$stage/" 2>/dev/null || true
  # The icon: a plate with two role dots and a sticky note.
  convert -size 256x256 xc:none -fill '#fbf7ef' -stroke '#264653' -strokewidth 14 \
    -draw 'roundrectangle 14,14 242,242 36,36' -stroke none \
    -fill '#e76f51' -draw 'circle 88,100 88,70' -fill '#2a9d8f' -draw 'circle 168,100 168,70' \
    -fill '#e9c46a' -draw 'roundrectangle 60,150 196,200 12,12' "$stage/icon.png"
  convert "$stage/icon.png" -define icon:auto-resize=256,48,32,16 "$stage/plaatwerk.ico"
  rm "$stage/icon.png"

  # Sign the programs before they go into the MSI and the zip.
  local cert="${PLAATWERK_SIGN_CERT:-}" key="${PLAATWERK_SIGN_KEY:-}"
  if [ -z "$cert" ] || [ -z "$key" ]; then
    cert="$dist/test-cert/cert.pem" key="$dist/test-cert/key.pem"
    if [ ! -f "$cert" ]; then
      mkdir -p "$dist/test-cert"
      openssl req -x509 -newkey rsa:3072 -nodes -days 30 -subj "/CN=Plaatwerk test signing (not for release)" \
        -addext "extendedKeyUsage=codeSigning" -addext "keyUsage=digitalSignature" \
        -keyout "$key" -out "$cert" 2>/dev/null
    fi
    echo "package: signing with a THROWAWAY test certificate ($cert); set PLAATWERK_SIGN_CERT/KEY to release" >&2
  fi
  sign() {
    osslsigncode sign -certs "$cert" -key "$key" -n "Plaatwerk" -h sha256 -in "$1" -out "$1.signed" >/dev/null
    mv "$1.signed" "$1"
    osslsigncode verify -CAfile "$cert" -in "$1" >/dev/null || { echo "package: the signature of $1 does not verify" >&2; exit 1; }
  }
  sign "$stage/plaatwerk.exe"
  sign "$stage/plaatwerk_plugin_football_field.dll"

  local plates="" n=0
  for p in "$stage"/plates/*.plate; do
    n=$((n + 1))
    plates+="              <File Id=\"plate$n\" Source=\"$p\"/>"$'\n'
  done
  local wxs="$dist/plaatwerk.wxs"
  cat > "$wxs" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Plaatwerk" Language="1033" Version="$version" Manufacturer="Plaatwerk" UpgradeCode="$upgrade_code">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="Plaatwerk $version: praatplaten"/>
    <Media Id="1" Cabinet="plaatwerk.cab" EmbedCab="yes"/>
    <MajorUpgrade DowngradeErrorMessage="A newer Plaatwerk is already installed."/>
    <Icon Id="plaatwerk.ico" SourceFile="$stage/plaatwerk.ico"/>
    <Property Id="ARPPRODUCTICON" Value="plaatwerk.ico"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="Plaatwerk">
          <Component Id="Program" Guid="1A2B3C4D-5E6F-4A1B-8C2D-3E4F5A6B7C8D" Win64="yes">
            <File Id="plaatwerk.exe" Source="$stage/plaatwerk.exe" KeyPath="yes"/>
            <File Id="plaatwerk.ico" Source="$stage/plaatwerk.ico"/>
            <File Id="football_field.dll" Source="$stage/plaatwerk_plugin_football_field.dll"/>
            <RegistryValue Root="HKLM" Key="Software\\Classes\\.plate" Value="Plaatwerk.Plate" Type="string"/>
            <RegistryValue Root="HKLM" Key="Software\\Classes\\Plaatwerk.Plate" Value="Praatplaat (Plaatwerk)" Type="string"/>
            <RegistryValue Root="HKLM" Key="Software\\Classes\\Plaatwerk.Plate\\DefaultIcon" Value="[INSTALLDIR]plaatwerk.ico" Type="string"/>
            <RegistryValue Root="HKLM" Key="Software\\Classes\\Plaatwerk.Plate\\shell\\open\\command" Value="&quot;[INSTALLDIR]plaatwerk.exe&quot; edit &quot;%1&quot;" Type="string"/>
          </Component>
          <Directory Id="PLATES" Name="plates">
            <Component Id="Plates" Guid="2B3C4D5E-6F7A-4B2C-9D3E-4F5A6B7C8D9E" Win64="yes">
$plates            </Component>
          </Directory>
        </Directory>
      </Directory>
      <Directory Id="ProgramMenuFolder">
        <Component Id="Menu" Guid="3C4D5E6F-7A8B-4C3D-8E4F-5A6B7C8D9E0F" Win64="yes">
          <Shortcut Id="menu" Name="Plaatwerk" Description="Praatplaten tekenen en presenteren" Target="[INSTALLDIR]plaatwerk.exe" WorkingDirectory="INSTALLDIR" Icon="plaatwerk.ico"/>
          <RegistryValue Root="HKLM" Key="Software\\Plaatwerk" Name="installed" Value="1" Type="integer" KeyPath="yes"/>
        </Component>
      </Directory>
    </Directory>
    <Feature Id="All" Level="1">
      <ComponentRef Id="Program"/>
      <ComponentRef Id="Plates"/>
      <ComponentRef Id="Menu"/>
    </Feature>
  </Product>
</Wix>
EOF
  local msi="$dist/plaatwerk-$version-x86_64.msi" zip="$dist/plaatwerk-$version-x86_64-portable.zip"
  echo "package: building $msi" >&2
  wixl -a x64 -o "$msi" "$wxs" 2> >(grep -v "has no property named" >&2)
  sign "$msi"
  rm -f "$zip"
  (cd "$stage" && zip -q -r "../$(basename "$zip")" .)
  echo "$msi"
  echo "$zip"
}

case "${1:-}" in
  windows) windows ;;
  *)
    sed -n '2,19p' "$0" >&2
    exit 2
    ;;
esac
