#!/usr/bin/env bash
# Installs what building, the demo and the tests need, from Debian's archive.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

PKGS=(
  build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
  libgcrypt20-dev liburing-dev
  mingw-w64 libgcrypt-mingw-w64-dev wine wine64 wixl msitools
  drbd-utils
  libnbd-bin nbdkit qemu-utils fio fuse3
  e2fsprogs ntfs-3g dosfstools exfatprogs util-linux iptables iproute2
  python3 python3-pytest iperf3 xz-utils
  qemu-system-x86 busybox-static
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
