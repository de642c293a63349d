#!/usr/bin/env bash
# The udrbd demo: a two-node replicating cluster on this host (two udrbdd
# processes on loopback, file-backed). Node alpha is made Primary (initial
# sync to bravo), carries an ext4 file system through its NBD export
# (nbdfuse + a loop device); then the roles switch and bravo serves the same
# files. Installs what it needs, builds, shows `drbdsetup status` on the
# way, and cleans up after itself. Needs root (loop devices, mount).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/install-deps.sh
scripts/build.sh
B=$ROOT/build
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (loop device and mount)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/udrbd-demo.XXXXXX)
declare -A PID NBD
FUSE_PID=""; LOOP=""
cleanup() {
	set +e
	mountpoint -q "$WORK/mnt" && umount "$WORK/mnt"
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	if [ -n "$FUSE_PID" ]; then
		fusermount3 -u "$WORK/nbd" 2>/dev/null || umount "$WORK/nbd"
		wait "$FUSE_PID"
	fi
	for n in "${!PID[@]}"; do
		ds "$n" down r0 >/dev/null 2>&1
		kill "${PID[$n]}"; wait "${PID[$n]}"
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ds() { local n=$1; shift; UDRBD_CONTROL=$WORK/$n/ctl.sock "$B/cmd/drbdsetup" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
demote() { # NODE: secondary, once the NBD clients' closes have arrived
	for _ in $(seq 100); do ds "$1" secondary r0 2>/dev/null && return 0; sleep 0.1; done
	ds "$1" secondary r0
}
wait_for() { # NODE TEXT: until `status r0` contains TEXT
	for _ in $(seq 600); do ds "$1" status r0 | grep -q "$2" && return 0; sleep 0.1; done
	echo "demo: $1 never showed '$2'" >&2; ds "$1" status r0; return 1
}

declare -A PEER_PORT ID
ID[alpha]=0; ID[bravo]=1
PEER_PORT[alpha]=$(free_port); PEER_PORT[bravo]=$(free_port)

say "two nodes, alpha and bravo: 256 MiB backing files with DRBD meta data (v09, internal)"
for n in alpha bravo; do
	mkdir -p "$WORK/$n"
	truncate -s 256M "$WORK/$n/disk.img"
	"$B/md/drbdmeta" --force 0 v09 "$WORK/$n/disk.img" internal create-md 1 >/dev/null 2>&1
	NBD[$n]=$(free_port)
	"$B/cmd/udrbdd" --control "$WORK/$n/ctl.sock" --nbd-listen "127.0.0.1:${NBD[$n]}" \
		--nbd-socket "$WORK/$n/nbd.sock" --log-level notice 2>"$WORK/$n/udrbdd.log" &
	PID[$n]=$!
done
for n in alpha bravo; do
	for _ in $(seq 50); do [ -S "$WORK/$n/ctl.sock" ] && break; sleep 0.1; done
done

say "drbdsetup on each node: resource r0, minor 0, the peer, its path, attach, connect"
for n in alpha bravo; do
	if [ $n = alpha ]; then peer=bravo; else peer=alpha; fi
	set -x
	ds $n new-resource r0 "${ID[$n]}"
	ds $n new-minor r0 0 0
	ds $n new-peer r0 "${ID[$peer]}" --_name=$peer --protocol=C
	ds $n new-path r0 "${ID[$peer]}" "ipv4:127.0.0.1:${PEER_PORT[$n]}" "ipv4:127.0.0.1:${PEER_PORT[$peer]}"
	ds $n attach 0 "$WORK/$n/disk.img" "$WORK/$n/disk.img" internal
	ds $n connect r0 "${ID[$peer]}"
	{ set +x; } 2>/dev/null
done
wait_for alpha "peer-disk:Inconsistent"
ds alpha status r0

say "alpha: primary --force; the initial full sync goes to bravo"
ds alpha primary r0 --force
wait_for alpha "peer-disk:UpToDate"
wait_for bravo "disk:UpToDate"
ds alpha status r0 --verbose
ds bravo status r0

say "alpha's replicated device reaches the kernel: nbdfuse + loop + ext4"
mount_export() { # NODE
	mkdir -p "$WORK/nbd" "$WORK/mnt"
	nbdfuse "$WORK/nbd" "nbd://127.0.0.1:${NBD[$1]}/drbd0" &
	FUSE_PID=$!
	for _ in $(seq 50); do [ -e "$WORK/nbd/nbd" ] && break; sleep 0.1; done
	LOOP=$(losetup --find --show --direct-io=on "$WORK/nbd/nbd")
}
unmount_export() {
	umount "$WORK/mnt" 2>/dev/null || true
	losetup -d "$LOOP"; LOOP=""
	fusermount3 -u "$WORK/nbd" 2>/dev/null || umount "$WORK/nbd"
	wait "$FUSE_PID"; FUSE_PID=""
}
mount_export alpha
mkfs.ext4 -q -F "$LOOP"
mount "$LOOP" "$WORK/mnt"
for i in 1 2 3; do head -c 4M /dev/urandom > "$WORK/mnt/file$i"; done
echo "written on alpha, replicated to bravo" > "$WORK/mnt/hello.txt"
( cd "$WORK/mnt" && sha256sum file1 file2 file3 hello.txt > "$WORK/sums" )
unmount_export

say "role switch: alpha secondary, bravo primary"
demote alpha
ds bravo primary r0
wait_for alpha "bravo role:Primary"
ds bravo status r0 --verbose --statistics

say "bravo serves the same file system: e2fsck and the checksums"
mount_export bravo
e2fsck -fn "$LOOP"
mount "$LOOP" "$WORK/mnt"
( cd "$WORK/mnt" && sha256sum -c "$WORK/sums" && cat hello.txt )
unmount_export
demote bravo

say "drbdsetup events2 --now on alpha"
ds alpha events2 --now

say "done: the log of alpha's udrbdd"
cat "$WORK/alpha/udrbdd.log"
