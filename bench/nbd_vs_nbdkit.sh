#!/bin/sh
# fio through its nbd engine against our NBD server and against nbdkit's
# file plugin on the same file: 4 KiB random write IOPS at QD32 and 1 MiB
# sequential write MiB/s, printed with the ratio ours/nbdkit.
#
#   bench/nbd_vs_nbdkit.sh [--mode buffered|direct|both] [--size 1G]
#                          [--runtime 20] [--rounds 3] [--dir /var/tmp]
#                          [--ours-uri URI]
#
# Each round measures ours then nbdkit; the medians over the rounds are
# printed, which tames a busy machine somewhat (it does not remove it).
#
# Ours is the test file server (build/front/nbd_file_server) unless
# --ours-uri names an already running server (e.g. udrbdd exporting a
# Primary device backed by the same kind of storage). UDRBD_BUILD names the
# build directory.
#
# Modes, chosen so both servers make the same durability promise:
#   buffered  ours without --direct   vs  nbdkit file (cache=default): page
#             cache, data stable on FLUSH/FUA only
#   direct    ours --direct (O_DIRECT|O_DSYNC: every write stable when
#             answered, what the engine must do, ARCHITECTURE.md on WNBD)
#             vs  nbdkit file cache=none (page cache bypassed by
#             fadvise/sync_file_range, not write-through): nbdkit promises
#             less here, so a ratio below 1 is expected
set -eu

BUILD=${UDRBD_BUILD:-/work/main/build}
MODE=both SIZE=1G RUNTIME=20 ROUNDS=3 DIR=/var/tmp OURS_URI=
while [ $# -gt 0 ]; do
	case $1 in
	--mode) MODE=$2; shift 2 ;;
	--size) SIZE=$2; shift 2 ;;
	--runtime) RUNTIME=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	--ours-uri) OURS_URI=$2; shift 2 ;;
	*) echo "usage: $0 [--mode buffered|direct|both] [--size 1G] [--runtime S]" \
		"[--dir D] [--ours-uri URI]" >&2; exit 2 ;;
	esac
done

. "$(dirname "$0")/lib.sh"
need_tools fio nbdkit python3

WORK=$(mktemp -d "$DIR/nbdbench.XXXXXX")
FILE=$WORK/disk.img
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

mkfifo "$WORK/ctl"
exec 9<>"$WORK/ctl"

# A fully allocated file, so no run pays for block allocation.
fallocate -l "$SIZE" "$FILE" 2>/dev/null || truncate -s "$SIZE" "$FILE"



# start_ours MODE -> sets URI and SRV_PID
start_ours() {
	if [ -n "$OURS_URI" ]; then
		URI=$OURS_URI SRV_PID=
		return
	fi
	port=$(free_port)
	flags=
	[ "$1" = direct ] && flags=--direct
	# Its stdin is a FIFO we hold open: "quit" there stops it.
	"$BUILD/front/nbd_file_server" --port "$port" $flags "$FILE" \
		<"$WORK/ctl" >/dev/null 2>"$WORK/ours.log" &
	SRV_PID=$! SRV_KIND=ours
	PIDS="$PIDS $SRV_PID"
	wait_port "$port"
	URI=nbd://127.0.0.1:$port/drbd0
}

start_nbdkit() {
	port=$(free_port)
	cache=default
	[ "$1" = direct ] && cache=none
	nbdkit -f -i 127.0.0.1 -p "$port" file "$FILE" cache=$cache 2>"$WORK/nbdkit.log" &
	SRV_PID=$! SRV_KIND=nbdkit
	PIDS="$PIDS $SRV_PID"
	wait_port "$port"
	URI=nbd://127.0.0.1:$port/
}

stop_server() {
	[ -n "$SRV_PID" ] || return 0
	if [ "$SRV_KIND" = ours ]; then
		echo quit >&9
	else
		kill "$SRV_PID" 2>/dev/null || true
	fi
	wait "$SRV_PID" 2>/dev/null || true
}

# fio_run URI RW BS QD -> prints "iops MiB/s"
fio_run() { fio_write "$1" "$2" "$3" "$4" "$SIZE" "$RUNTIME" "$WORK/fio.json"; }

measure() { # WHO MODE -> "rand_iops seq_mibs"
	"start_$1" "$2"
	r=$(fio_run "$URI" randwrite 4k 32 | cut -d' ' -f1)
	s=$(fio_run "$URI" write 1M 8 | cut -d' ' -f2)
	stop_server
	echo "$r $s"
}


modes=$MODE
[ "$MODE" = both ] && modes="buffered direct"
echo "file: $FILE ($SIZE), fio nbd engine, ${RUNTIME}s per test, median of $ROUNDS rounds"
for m in $modes; do
	o_r= o_s= k_r= k_s=
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		set -- $(measure ours "$m")
		o_r="$o_r $1" o_s="$o_s $2"
		set -- $(measure nbdkit "$m")
		k_r="$k_r $1" k_s="$k_s $2"
		i=$((i + 1))
	done
	echo "$m raw: ours randwrite IOPS$o_r seq MiB/s$o_s; nbdkit IOPS$k_r MiB/s$k_s"
	o_r=$(median $o_r) o_s=$(median $o_s) k_r=$(median $k_r) k_s=$(median $k_s)
	printf '%-8s 4k randwrite QD32: ours %8.0f IOPS  nbdkit %8.0f IOPS  ratio %s\n' \
		"$m" "$o_r" "$k_r" "$(ratio "$o_r" "$k_r")"
	printf '%-8s 1M seq write QD8:  ours %8.1f MiB/s nbdkit %8.1f MiB/s ratio %s\n' \
		"$m" "$o_s" "$k_s" "$(ratio "$o_s" "$k_s")"
done
