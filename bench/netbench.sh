#!/bin/sh
# The network under the replication benchmarks: TCP between two test hosts
# built as the replication tests build them (tests/system/cluster.py: a
# network namespace per node, veths on a bridge). Prints iperf3's
# single-stream throughput each way and the round trip of small TCP
# request/replies (median and p99), next to the same over loopback inside a
# node; replication figures are read against these.
#
#   bench/netbench.sh [--runtime 10] [--rounds 3] [--count 5000]
#       [--rate MBIT] [--loss PCT]
#
# --rate/--loss shape every node's link as node.rate_limit()/node.loss() do.
# Needs root. Rounds interleave the measurements; medians are printed.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNTIME=10 ROUNDS=3 COUNT=5000 RATE='' LOSS=''
ARGS="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--runtime) RUNTIME=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--count) COUNT=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--loss) LOSS=$2; shift 2 ;;
	*) echo "usage: $0 [--runtime S] [--rounds N] [--count N] [--rate MBIT] [--loss PCT]" >&2
	   exit 2 ;;
	esac
done
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
need_tools iperf3 python3 ip ss

# The cluster lives as long as this script: cluster.py sets it up, runs us
# again inside (CLUSTER_* set) and tears it down whatever happens.
if [ -z "${CLUSTER_N:-}" ]; then
	# shellcheck disable=SC2086 # ARGS are our own options, re-split on purpose
	exec python3 "$ROOT/tests/system/cluster.py" run --nodes 2 \
		${RATE:+--rate "$RATE"} ${LOSS:+--loss "$LOSS"} -- "$0" $ARGS
fi

A=$CLUSTER_NS_0 B=$CLUSTER_NS_1
ADDR_B=$CLUSTER_ADDR_1
WORK=$CLUSTER_DIR_0
PIDS=
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

PINGPONG=$ROOT/bench/pingpong.py

serve() { # NS ADDR: iperf3 on 5201, ping-pong servers on 7001 (32 B) and 7002 (4 KiB)
	ip netns exec "$1" iperf3 -s -B "$2" -p 5201 >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	ip netns exec "$1" python3 "$PINGPONG" server "$2" 7001 32 32 &
	PIDS="$PIDS $!"
	ip netns exec "$1" python3 "$PINGPONG" server "$2" 7002 4096 32 &
	PIDS="$PIDS $!"
	for p in 5201 7001 7002; do wait_listen "$1" $p; done
}

iperf() { # NS ADDR [IPERF3-OPTION...] -> Mbit/s received
	ns=$1 addr=$2; shift 2
	iperf_mbit "$ns" "$addr" "$RUNTIME" "$WORK/iperf.json" "$@"
}

pingpong() { # NS ADDR PORT REQ -> "median p99" in microseconds
	ip netns exec "$1" python3 "$PINGPONG" client "$2" "$3" "$4" 32 "$COUNT"
}

serve "$B" "$ADDR_B"
serve "$A" 127.0.0.1

echo "netbench: 2 namespaces on a bridge, ${RUNTIME}s per iperf3 run, $COUNT round trips," \
	"$ROUNDS rounds${RATE:+, rate ${RATE} Mbit/s}${LOSS:+, loss ${LOSS}%}"
AB='' BA='' LO='' S_NS='' S_LO='' S_NS99='' S_LO99='' K_NS='' K_LO='' K_NS99='' K_LO99=''
r=1
while [ $r -le "$ROUNDS" ]; do
	ab=$(iperf "$A" "$ADDR_B")
	ba=$(iperf "$A" "$ADDR_B" -R)
	lo=$(iperf "$A" 127.0.0.1)
	# shellcheck disable=SC2046 # each prints two numbers: median p99
	set -- $(pingpong "$A" "$ADDR_B" 7001 32) $(pingpong "$A" 127.0.0.1 7001 32) \
		$(pingpong "$A" "$ADDR_B" 7002 4096) $(pingpong "$A" 127.0.0.1 7002 4096)
	printf 'round %d: alpha->bravo %s Mbit/s, bravo->alpha %s, loopback %s;' "$r" "$ab" "$ba" "$lo"
	printf ' rtt 32B %s/%s us (lo %s/%s), 4KiB %s/%s us (lo %s/%s) median/p99\n' "$@"
	AB="$AB $ab" BA="$BA $ba" LO="$LO $lo"
	S_NS="$S_NS $1" S_NS99="$S_NS99 $2" S_LO="$S_LO $3" S_LO99="$S_LO99 $4"
	K_NS="$K_NS $5" K_NS99="$K_NS99 $6" K_LO="$K_LO $7" K_LO99="$K_LO99 $8"
	r=$((r + 1))
done

# shellcheck disable=SC2086 # the lists are space-separated numbers
row() { # LABEL FORMAT NODES-LIST [LOOPBACK-LIST]
	lo=-; [ -z "${4:-}" ] || lo=$(printf "%$2" "$(median $4)")
	printf "%-32s %14$2 %14s\n" "$1" "$(median $3)" "$lo"
}
echo
printf '%-32s %14s %14s\n' "median of $ROUNDS rounds" "between nodes" "loopback"
row "iperf3 alpha->bravo (Mbit/s)" .0f "$AB" "$LO"
row "iperf3 bravo->alpha (Mbit/s)" .0f "$BA"
row "rtt 32 B / 32 B median (us)" .1f "$S_NS" "$S_LO"
row "rtt 32 B / 32 B p99 (us)" .1f "$S_NS99" "$S_LO99"
row "rtt 4 KiB / 32 B median (us)" .1f "$K_NS" "$K_LO"
row "rtt 4 KiB / 32 B p99 (us)" .1f "$K_NS99" "$K_LO99"
