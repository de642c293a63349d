#!/bin/sh
# udrbd single node (Primary, no peer: the disconnected protocol C case)
# against nbdkit's file plugin on the same file, through fio's nbd engine:
# 4 KiB random write IOPS at QD32 and 1 MiB sequential write MiB/s, printed
# as udrbd/nbdkit ratios (ARCHITECTURE.md: target >= 1.0).
#
#   bench/udrbd_vs_nbdkit.sh [--size 1G] [--runtime 20] [--rounds 3] [--dir /var/tmp]
#
# udrbd writes through (O_DIRECT|O_DSYNC) and keeps the activity log, as
# the engine must (WNBD, ARCHITECTURE.md). Two nbdkit set-ups bracket it:
#   nbdkit-fua   file plugin + fua filter fuamode=force: every write is
#                stable when answered, the same promise as udrbd
#   nbdkit-cache file plugin, cache=default: page cache, stable only on
#                FLUSH/FUA; promises less, so a ratio below 1 is expected
# Rounds interleave the contenders; medians are printed.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${UDRBD_BUILD:-$ROOT/build}
SIZE=1G RUNTIME=20 ROUNDS=3 DIR=/var/tmp
while [ $# -gt 0 ]; do
	case $1 in
	--size) SIZE=$2; shift 2 ;;
	--runtime) RUNTIME=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	*) echo "usage: $0 [--size 1G] [--runtime S] [--rounds N] [--dir D]" >&2; exit 2 ;;
	esac
done
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
need_tools fio nbdkit python3

WORK=$(mktemp -d "$DIR/udrbdbench.XXXXXX")
FILE=$WORK/disk.img
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Written out, not just allocated: a write into an unwritten (fallocated)
# extent costs a journal commit per write under O_DSYNC, which would measure
# ext4, not the servers.
dd if=/dev/zero of="$FILE" bs=1M count="$(mib "$SIZE")" conv=fsync status=none
"$BUILD/md/drbdmeta" --force 0 v09 "$FILE" internal create-md 1 >/dev/null 2>&1


start_udrbd() {
	port=$(free_port)
	export UDRBD_CONTROL=$WORK/ctl.sock
	"$BUILD/cmd/udrbdd" --control "$UDRBD_CONTROL" --nbd-listen 127.0.0.1:$port \
		--no-nbd-socket --log-level warning 2>>"$WORK/udrbdd.log" &
	SRV_PID=$!
	wait_port "$port"
	ds=$BUILD/cmd/drbdsetup
	$ds new-resource r0 0 && $ds new-minor r0 0 0 &&
		$ds attach 0 "$FILE" "$FILE" internal && $ds primary r0 --force
	URI=nbd://127.0.0.1:$port/drbd0
}

start_nbdkit() { # fua|cache
	port=$(free_port)
	if [ "$1" = fua ]; then
		nbdkit -f -i 127.0.0.1 -p "$port" --filter=fua file "$FILE" fuamode=force \
			2>>"$WORK/nbdkit.log" &
	else
		nbdkit -f -i 127.0.0.1 -p "$port" file "$FILE" cache=default 2>>"$WORK/nbdkit.log" &
	fi
	SRV_PID=$!
	wait_port "$port"
	URI=nbd://127.0.0.1:$port/
}

stop_server() {
	kill "$SRV_PID" 2>/dev/null || true
	wait "$SRV_PID" 2>/dev/null || true
	SRV_PID=
}

fio_run() { # URI RW BS QD SIZE -> "iops MiB/s"
	fio_write "$1" "$2" "$3" "$4" "$5" "$RUNTIME" "$WORK/fio.json"
}

# Both contenders address the same range: the DRBD data area (the file
# less udrbd's meta data), so neither writes where the other may not.
AREA=$(( $(stat -c %s "$FILE") / 1048576 - 64 ))M

measure() { # udrbd | nbdkit-fua | nbdkit-cache -> "rand_iops seq_mibs"
	case $1 in
	udrbd) start_udrbd ;;
	nbdkit-fua) start_nbdkit fua ;;
	nbdkit-cache) start_nbdkit cache ;;
	esac
	r=$(fio_run "$URI" randwrite 4k 32 "$AREA" | cut -d' ' -f1)
	s=$(fio_run "$URI" write 1M 8 "$AREA" | cut -d' ' -f2)
	stop_server
	echo "$r $s"
}


u_r= u_s= f_r= f_s= c_r= c_s=
i=0
while [ $i -lt "$ROUNDS" ]; do
	set -- $(measure udrbd); u_r="$u_r $1" u_s="$u_s $2"
	set -- $(measure nbdkit-fua); f_r="$f_r $1" f_s="$f_s $2"
	set -- $(measure nbdkit-cache); c_r="$c_r $1" c_s="$c_s $2"
	i=$((i + 1))
done
echo "file: $FILE ($SIZE, data area $AREA), ${RUNTIME}s per test, median of $ROUNDS rounds"
echo "raw 4k IOPS: udrbd$u_r | nbdkit-fua$f_r | nbdkit-cache$c_r"
echo "raw 1M MiB/s: udrbd$u_s | nbdkit-fua$f_s | nbdkit-cache$c_s"
u_r=$(median $u_r) u_s=$(median $u_s) f_r=$(median $f_r) f_s=$(median $f_s)
c_r=$(median $c_r) c_s=$(median $c_s)
printf '4k randwrite QD32: udrbd %8.0f IOPS  nbdkit-fua %8.0f  nbdkit-cache %8.0f  ratios %s / %s\n' \
	"$u_r" "$f_r" "$c_r" "$(ratio "$u_r" "$f_r")" "$(ratio "$u_r" "$c_r")"
printf '1M seq write QD8:  udrbd %8.1f MiB/s nbdkit-fua %8.1f  nbdkit-cache %8.1f  ratios %s / %s\n' \
	"$u_s" "$f_s" "$c_s" "$(ratio "$u_s" "$f_s")" "$(ratio "$u_s" "$c_s")"
