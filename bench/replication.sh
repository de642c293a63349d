#!/bin/sh
# Two-node replication against what it stands on, all measured in one run
# (ARCHITECTURE.md "Performance targets"): udrbdd on alpha (Primary) and
# bravo, each in its own network namespace (tests/system/cluster.py),
# file-backed, alpha's device driven by fio's nbd engine inside alpha.
#
#   1. 1 MiB sequential writes at QD8, protocol C (and B, A), MiB/s
#      against min(backing write throughput, iperf3 alpha->bravo)    >= 0.97
#   2. 4 KiB QD1 random writes, protocol C, median and p99 latency
#      against local write latency + TCP round trip (4 KiB / 32 B)
#                                                   median <= sum + 20 us
#   3. resync MiB/s: the initial full sync after primary --force, and a
#      bitmap resync of --dirty written while bravo was disconnected,
#      against iperf3                                                 >= 0.9
#
#   bench/replication.sh [--dir /dev/shm] [--size 1G] [--runtime 10]
#       [--rounds 1] [--qd 8] [--dirty 512M] [--protocols "C B A"]
#       [--resync-opts "--c-plan-ahead=0 --resync-rate=4194304"]
#
# Backing files live in --dir (tmpfs refuses O_DIRECT: udrbdd then opens
# them O_DSYNC only, and so does the local baseline). The baselines are
# taken on a third file of the same size in --dir, with udrbdd's flags
# (O_DIRECT|O_DSYNC) and its concurrency (QD synchronous writers). Needs
# root. Prints every round, then medians; asserts nothing.
# shellcheck disable=SC2046 # "set -- $(f)" splits f's numbers on purpose
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${UDRBD_BUILD:-$ROOT/build}
DIR=${R_DIR:-/dev/shm} SIZE=${R_SIZE:-1G} RUNTIME=${R_RUNTIME:-10} ROUNDS=${R_ROUNDS:-1}
QD=${R_QD:-8} DIRTY=${R_DIRTY:-512M} PROTOCOLS=${R_PROTOCOLS:-C B A}
RS_OPTS=${R_RS_OPTS:---c-plan-ahead=0 --resync-rate=4194304}
COUNT=5000
while [ $# -gt 0 ]; do
	case $1 in
	--dir) DIR=$2; shift 2 ;;
	--size) SIZE=$2; shift 2 ;;
	--runtime) RUNTIME=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--qd) QD=$2; shift 2 ;;
	--dirty) DIRTY=$2; shift 2 ;;
	--protocols) PROTOCOLS=$2; shift 2 ;;
	--resync-opts) RS_OPTS=$2; shift 2 ;;
	*) echo "usage: $0 [--dir D] [--size 1G] [--runtime S] [--rounds N] [--qd N]" \
		"[--dirty 512M] [--protocols 'C B A'] [--resync-opts '...']" >&2; exit 2 ;;
	esac
done
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
need_tools fio iperf3 python3 ip ss
[ -x "$BUILD/cmd/udrbdd" ] || { echo "$0: no $BUILD/cmd/udrbdd (set UDRBD_BUILD)" >&2; exit 2; }

# The cluster lives as long as this script: cluster.py sets it up, runs us
# again inside (CLUSTER_* set, options passed in R_*) and tears it down
# (and with it, whatever runs in the namespaces). The files in --dir are
# this outer part's: removed however the inner one ends.
if [ -z "${CLUSTER_N:-}" ]; then
	R_WORK=$(mktemp -d "$DIR/udrbd-repl.XXXXXX")
	export R_DIR="$DIR" R_SIZE="$SIZE" R_RUNTIME="$RUNTIME" R_ROUNDS="$ROUNDS" R_QD="$QD"
	export R_DIRTY="$DIRTY" R_PROTOCOLS="$PROTOCOLS" R_RS_OPTS="$RS_OPTS" R_WORK
	export UDRBD_BUILD="$BUILD"
	# In the background, so that a signal to us reaches cluster.py at once
	# (sh runs traps only between commands); cluster.py unwinds on TERM.
	python3 "$ROOT/tests/system/cluster.py" run --nodes 2 -- "$0" &
	CPID=$!
	trap 'kill -TERM $CPID 2>/dev/null' INT TERM
	trap 'rm -rf "$R_WORK"' EXIT
	rc=0
	wait $CPID || rc=$?
	# a trap ended the wait early: wait again, for the teardown
	while [ $rc -gt 128 ] && kill -0 $CPID 2>/dev/null; do
		rc=0
		wait $CPID || rc=$?
	done
	exit $rc
fi

NS_A=$CLUSTER_NS_0 NS_B=$CLUSTER_NS_1
ADDR_A=$CLUSTER_ADDR_0 ADDR_B=$CLUSTER_ADDR_1
WORK=$R_WORK
PIDS='' DAEMONS=''
stop() { # PID: TERM, 20 s for a clean exit, then KILL
	kill "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
# The Primary goes first, while its peer can still answer; then the rest.
cleanup() { for p in $DAEMONS $PIDS; do stop "$p"; done; }
trap cleanup EXIT
trap 'exit 143' INT TERM

SIZE_MB=$(mib "$SIZE") DIRTY_MB=$(mib "$DIRTY")
# fio's range on the device: the file less room for internal meta data
AREA_MB=$((SIZE_MB - 64))
[ "$DIRTY_MB" -le $AREA_MB ] || DIRTY_MB=$AREA_MB

# Written out, not just allocated (an unwritten extent costs ext4 a
# journal commit per O_DSYNC write: that would measure ext4).
for f in alpha bravo scratch; do
	dd if=/dev/zero of="$WORK/$f.img" bs=1M count="$SIZE_MB" conv=fsync status=none
done
DIRECT=1
dd if=/dev/zero of="$WORK/scratch.img" bs=4k count=1 oflag=direct conv=notrunc \
	status=none 2>/dev/null || DIRECT=0
FLAGS=O_DSYNC; [ $DIRECT = 0 ] || FLAGS="O_DIRECT|O_DSYNC"
FSTYPE=$(stat -f -c %T "$DIR")

# --- the nodes ------------------------------------------------------------

# udrbdd's log lines get a wall-clock stamp: resync rates come from the
# times of its "resync started" and "resync done" lines.
STAMP='import sys, time
for l in sys.stdin:
    sys.stdout.write("%.6f %s" % (time.time(), l))
    sys.stdout.flush()'

start_node() { # NAME NS
	mkfifo "$WORK/$1.fifo"
	python3 -c "$STAMP" <"$WORK/$1.fifo" >"$WORK/$1.log" &
	PIDS="$! $PIDS"
	ip netns exec "$2" "$BUILD/cmd/udrbdd" --control "$WORK/$1.ctl" \
		--nbd-listen 127.0.0.1:10809 --no-nbd-socket --log-level info \
		2>"$WORK/$1.fifo" &
	DAEMONS="$DAEMONS $!"
	i=0
	until [ -S "$WORK/$1.ctl" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "udrbdd on $1 did not start" >&2; exit 1; }
		sleep 0.05
	done
}

ds() { # NAME drbdsetup-args...
	n=$1; shift
	UDRBD_CONTROL=$WORK/$n.ctl "$BUILD/cmd/drbdsetup" "$@"
}

# wait_status NAME REGEX [SECONDS]: until `status r0` on NAME matches
wait_status() {
	i=0
	until ds "$1" status r0 | tr '\n' ' ' | grep -Eq "$2"; do
		i=$((i + 1))
		if [ $i -gt $((${3:-60} * 20)) ]; then
			echo "$1 never matched '$2':" >&2; ds "$1" status r0 >&2
			tail -20 "$WORK/$1.log" >&2; exit 1
		fi
		sleep 0.05
	done
}

PROTO=C
bring_up() { # NAME ID PEER PEER-ID MY-ADDR PEER-ADDR
	"$BUILD/md/drbdmeta" --force 0 v09 "$WORK/$1.img" internal create-md 1 >/dev/null 2>&1
	ds "$1" new-resource r0 "$2"
	ds "$1" new-minor r0 0 0
	ds "$1" new-peer r0 "$4" --_name="$3" --protocol=$PROTO --connect-int=1
	ds "$1" new-path r0 "$4" "ipv4:$5:7789" "ipv4:$6:7789"
	ds "$1" attach 0 "$WORK/$1.img" "$WORK/$1.img" internal
	# shellcheck disable=SC2086 # RS_OPTS are options, split on purpose
	ds "$1" peer-device-options r0 "$4" 0 $RS_OPTS
}

connect_both() {
	ds alpha connect r0 1
	ds bravo connect r0 0
	wait_status alpha "bravo role:Secondary +peer-disk:UpToDate"
	wait_status bravo " disk:UpToDate +alpha role:Primary +peer-disk:UpToDate"
}

disconnect_both() {
	ds alpha disconnect r0 1
	ds bravo disconnect r0 0
}

set_protocol() { # A|B|C
	[ "$1" != "$PROTO" ] || return 0
	disconnect_both
	ds alpha net-options r0 1 --protocol="$1"
	ds bravo net-options r0 0 --protocol="$1"
	PROTO=$1
	connect_both
}

# rs_rate NAME -> "MiB seconds MiB/s" of the last resync NAME finished as
# SyncTarget, from the stamps of its log lines
rs_rate() {
	python3 -c '
import re, sys
start, t, mb = None, 0, 0
for l in open(sys.argv[1]):
    m = re.match(r"(\S+) .*resync started: (\d+) KiB to fetch", l)
    if m:
        start = (float(m.group(1)), int(m.group(2)) / 1024)
    m = re.match(r"(\S+) .*resync done \(SyncTarget\)", l)
    if m and start:
        t, mb = float(m.group(1)) - start[0], start[1]
print("%.0f %.2f %.1f" % (mb, t, mb / t if t else 0))' "$WORK/$1.log"
}

# --- the measurements ---------------------------------------------------

in_a() { ip netns exec "$NS_A" "$@"; }
URI=nbd://127.0.0.1:10809/drbd0
J=$WORK/fio.json

nbd_tput() { # MB-RANGE -> "MiB/s CPU-busy%" of 1 MiB sequential writes at QD through NBD
	mark=$(cpu_mark)
	in_a fio --name=b --ioengine=nbd --uri=$URI --rw=write --bs=1M --iodepth="$QD" \
		--size="$1M" --time_based --runtime="$RUNTIME" --ramp_time=2 \
		--output-format=json --output="$J" >/dev/null
	echo "$(fio_stats "$J" | cut -d' ' -f2) $(cpu_busy "$mark")"
}

nbd_lat() { # MB-RANGE -> "median p99" us of 4 KiB QD1 random writes through NBD
	in_a fio --name=b --ioengine=nbd --uri=$URI --rw=randwrite --bs=4k --iodepth=1 \
		--size="$1M" --time_based --runtime="$RUNTIME" --ramp_time=2 --lat_percentiles=1 \
		--output-format=json --output="$J" >/dev/null
	fio_stats "$J" | cut -d' ' -f3,4
}

# As udrbdd writes: QD synchronous writers, each O_DIRECT|O_DSYNC.
backing_tput() { # FILE [JSON] -> MiB/s
	fio --name=b --filename="$1" --ioengine=psync --direct=$DIRECT --sync=dsync \
		--rw=write --bs=1M --numjobs="$QD" --group_reporting \
		--size=$((AREA_MB / QD))M --offset_increment=$((AREA_MB / QD))M \
		--time_based --runtime="$RUNTIME" --ramp_time=2 \
		--output-format=json --output="${2:-$J}" >/dev/null
	fio_stats "${2:-$J}" | cut -d' ' -f2
}

backing_lat() { # -> "median p99" us
	fio --name=b --filename="$WORK/scratch.img" --ioengine=psync --direct=$DIRECT \
		--sync=dsync --rw=randwrite --bs=4k --size="${AREA_MB}M" --time_based \
		--runtime="$RUNTIME" --ramp_time=2 --lat_percentiles=1 \
		--output-format=json --output="$J" >/dev/null
	fio_stats "$J" | cut -d' ' -f3,4
}

PINGPONG=$ROOT/bench/pingpong.py
ip netns exec "$NS_B" iperf3 -s -B "$ADDR_B" -p 5201 >/dev/null 2>&1 &
PIDS="$! $PIDS"
ip netns exec "$NS_B" python3 "$PINGPONG" server "$ADDR_B" 7002 4096 32 &
PIDS="$! $PIDS"
for p in 5201 7002; do wait_listen "$NS_B" $p; done

mibs() { python3 -c "print('%.1f' % ($1 * 1e6 / 8 / 1048576))"; }

echo "replication bench: backing $SIZE files in $DIR ($FSTYPE, $FLAGS), ${RUNTIME}s per" \
	"test, QD$QD, $ROUNDS round(s), resync options: $RS_OPTS;" \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Before the devices exist: both backing files written at once, as the two
# nodes share this machine's storage (informational).
backing_tput "$WORK/alpha.img" "$WORK/fio-a.json" >/dev/null &
bp=$!
BOTH_B=$(backing_tput "$WORK/bravo.img" "$WORK/fio-b.json")
wait $bp
BOTH_A=$(fio_stats "$WORK/fio-a.json" | cut -d' ' -f2)
echo "backing, two writers at once (alpha's and bravo's file): $BOTH_A + $BOTH_B MiB/s"

start_node alpha "$NS_A"
start_node bravo "$NS_B"
bring_up alpha 0 bravo 1 "$ADDR_A" "$ADDR_B"
bring_up bravo 1 alpha 0 "$ADDR_B" "$ADDR_A"
ds alpha connect r0 1
ds bravo connect r0 0
wait_status alpha "peer-disk:Inconsistent"
ds alpha primary r0 --force
wait_status bravo " disk:UpToDate +alpha role:Primary +peer-disk:UpToDate" 600
set -- $(rs_rate bravo)
FULL_MB=$1 FULL_S=$2 FULL=$3
echo "initial full sync: $FULL_MB MiB in $FULL_S s = $FULL MiB/s"
wait_status alpha "bravo role:Secondary +peer-disk:UpToDate"

L_BT='' L_LM='' L_L99='' NET='' RTM='' RT99='' U_LM='' U_L99='' RS='' D_T='' D_LM='' D_L99=''
# shellcheck disable=SC2034 # T_<protocol> are read through eval
T_C='' T_B='' T_A=''
r=1
while [ $r -le "$ROUNDS" ]; do
	bt=$(backing_tput "$WORK/scratch.img")
	set -- $(backing_lat); lm=$1 l99=$2
	mark=$(cpu_mark)
	net=$(mibs "$(iperf_mbit "$NS_A" "$ADDR_B" "$RUNTIME" "$WORK/iperf.json")")
	cpu=$(cpu_busy "$mark")
	set -- $(in_a python3 "$PINGPONG" client "$ADDR_B" 7002 4096 32 $COUNT); rm=$1 r99=$2
	printf 'round %d: backing %s MiB/s, 4k %s/%s us; net %s MiB/s (CPU %s%% busy), rtt %s/%s us\n' \
		"$r" "$bt" "$lm" "$l99" "$net" "$cpu" "$rm" "$r99"
	L_BT="$L_BT $bt" L_LM="$L_LM $lm" L_L99="$L_L99 $l99" NET="$NET $net"
	RTM="$RTM $rm" RT99="$RT99 $r99"
	for p in $PROTOCOLS; do
		set_protocol "$p"
		set -- $(nbd_tput $AREA_MB); t=$1
		eval "T_$p=\"\$T_$p $t\""
		line="protocol $p: 1M QD$QD $t MiB/s (CPU $2% busy)"
		if [ "$p" = C ]; then
			set -- $(nbd_lat $AREA_MB)
			U_LM="$U_LM $1" U_L99="$U_L99 $2"
			line="$line, 4k QD1 $1/$2 us"
		fi
		printf 'round %d: %s\n' "$r" "$line"
	done
	# bravo away: the same tests on alpha alone dirty the first --dirty
	# MiB, which then come back as a bitmap resync
	set_protocol C
	disconnect_both
	dt=$(nbd_tput "$DIRTY_MB" | cut -d' ' -f1)
	set -- $(nbd_lat "$DIRTY_MB"); D_T="$D_T $dt" D_LM="$D_LM $1" D_L99="$D_L99 $2"
	connect_both
	set -- $(rs_rate bravo); RS="$RS $3"
	printf 'round %d: disconnected 1M QD%s %s MiB/s, 4k QD1 %s/%s us;' "$r" "$QD" "$dt" \
		"$(echo "$D_LM" | awk '{print $NF}')" "$(echo "$D_L99" | awk '{print $NF}')"
	printf ' bitmap resync %s MiB in %s s = %s MiB/s\n' "$1" "$2" "$3"
	r=$((r + 1))
done

# --- the table ---------------------------------------------------------

# shellcheck disable=SC2086 # the lists are space-separated numbers
m() { median $1; }
BT=$(m "$L_BT") N=$(m "$NET")
REF=$(python3 -c "print(min($BT, $N))")
LOCAL=$(python3 -c "print($(m "$L_LM") + $(m "$RTM"))")
LOCAL99=$(python3 -c "print($(m "$L_L99") + $(m "$RT99"))")
diff_us() { python3 -c "print('%+.0f us' % ($1 - $2))"; }

echo
printf '%-34s %10s %-28s %8s  %s\n' "median of $ROUNDS round(s)" measured "against" ratio target
v=''
for p in $PROTOCOLS; do
	eval "v=\$T_$p"
	printf '%-34s %10.1f %-28s %8s  %s\n' "1M seq write QD$QD, protocol $p (MiB/s)" \
		"$(m "$v")" "min(backing $BT, net $N)" "$(ratio "$(m "$v")" "$REF")" \
		"$([ "$p" = C ] && echo '>= 0.97')"
done
printf '%-34s %10.1f %-28s %8s  %s\n' "4k QD1 write, C, median (us)" "$(m "$U_LM")" \
	"local $(m "$L_LM") + rtt $(m "$RTM")" "$(diff_us "$(m "$U_LM")" "$LOCAL")" "<= +20 us"
printf '%-34s %10.1f %-28s %8s\n' "4k QD1 write, C, p99 (us)" "$(m "$U_L99")" \
	"local $(m "$L_L99") + rtt $(m "$RT99")" "$(diff_us "$(m "$U_L99")" "$LOCAL99")"
# What replication adds to udrbd's own path (NBD, activity log, one node).
ALONE=$(python3 -c "print($(m "$D_LM") + $(m "$RTM"))")
printf '%-34s %10.1f %-28s %8s\n' "  the same against udrbd alone" "$(m "$U_LM")" \
	"alone $(m "$D_LM") + rtt $(m "$RTM")" "$(diff_us "$(m "$U_LM")" "$ALONE")"
printf '%-34s %10.1f %-28s %8s  %s\n' "full sync, $FULL_MB MiB (MiB/s)" "$FULL" "net $N" \
	"$(ratio "$FULL" "$N")" ">= 0.9"
printf '%-34s %10.1f %-28s %8s  %s\n' "bitmap resync, $DIRTY_MB MiB (MiB/s)" "$(m "$RS")" \
	"net $N" "$(ratio "$(m "$RS")" "$N")" ">= 0.9"
echo
echo "for reading them: udrbd disconnected (alpha alone, NBD): 1M QD$QD $(m "$D_T") MiB/s," \
	"4k QD1 $(m "$D_LM")/$(m "$D_L99") us; backing two writers at once $BOTH_A + $BOTH_B MiB/s"
