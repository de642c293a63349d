#!/usr/bin/env bash
# The udrbd demo: one file-backed node, made Primary, carrying an ext4 file
# system through the NBD export (nbdfuse + a loop device). Installs what it
# needs, builds, runs, shows `drbdsetup status`, and cleans up after itself.
# Needs root (loop devices, mount). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/install-deps.sh
scripts/build.sh
B=$ROOT/build
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (loop device and mount)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/udrbd-demo.XXXXXX)
DAEMON_PID=""; FUSE_PID=""; LOOP=""
cleanup() {
  set +e
  mountpoint -q "$WORK/mnt" && umount "$WORK/mnt"
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  [ -n "$FUSE_PID" ] && { fusermount3 -u "$WORK/nbd" 2>/dev/null || umount "$WORK/nbd"; wait "$FUSE_PID"; }
  if [ -n "$DAEMON_PID" ]; then
    UDRBD_CONTROL=$WORK/ctl.sock "$B/cmd/drbdsetup" down r0
    kill "$DAEMON_PID"; wait "$DAEMON_PID"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
export UDRBD_CONTROL=$WORK/ctl.sock
DS=$B/cmd/drbdsetup
PORT=${UDRBD_DEMO_PORT:-10809}

say "a 256 MiB backing file with DRBD meta data (format v09, internal)"
truncate -s 256M "$WORK/disk.img"
"$B/md/drbdmeta" --force 0 v09 "$WORK/disk.img" internal create-md 1

say "udrbdd: the engine (NBD on 127.0.0.1:$PORT, control $UDRBD_CONTROL)"
"$B/cmd/udrbdd" --control "$UDRBD_CONTROL" --nbd-listen 127.0.0.1:$PORT \
  --nbd-socket "$WORK/nbd.sock" --log-level notice 2>"$WORK/udrbdd.log" &
DAEMON_PID=$!
for _ in $(seq 50); do [ -S "$UDRBD_CONTROL" ] && break; sleep 0.1; done

say "drbdsetup: resource r0, minor 0, attach, primary --force"
set -x
$DS new-resource r0 0
$DS new-minor r0 0 0
$DS attach 0 "$WORK/disk.img" "$WORK/disk.img" internal
$DS status r0
$DS primary r0 --force
{ set +x; } 2>/dev/null

say "the replicated device reaches the kernel: nbdfuse + loop + ext4"
mkdir -p "$WORK/nbd" "$WORK/mnt"
nbdfuse "$WORK/nbd" "nbd://127.0.0.1:$PORT/drbd0" &
FUSE_PID=$!
for _ in $(seq 50); do [ -e "$WORK/nbd/nbd" ] && break; sleep 0.1; done
LOOP=$(losetup --find --show --direct-io=on "$WORK/nbd/nbd")
mkfs.ext4 -q -F "$LOOP"
mount "$LOOP" "$WORK/mnt"
for i in 1 2 3; do head -c 4M /dev/urandom > "$WORK/mnt/file$i"; done
echo "hello from udrbd" > "$WORK/mnt/hello.txt"
sync
ls -l "$WORK/mnt"
umount "$WORK/mnt"
e2fsck -fn "$LOOP"

say "drbdsetup status --verbose --statistics"
$DS status r0 --verbose --statistics
say "drbdsetup events2 --now"
$DS events2 --now

say "done: the log of udrbdd"
cat "$WORK/udrbdd.log"
