# Shared helpers of the bench/ scripts (POSIX sh; source it).

need_tools() {
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "$0: $t is not installed" >&2; exit 2; }
	done
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {
	i=0
	until python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),1)" \
		2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "server on port $1 did not start" >&2; exit 1; }
		sleep 0.1
	done
}

# fio_write URI RW BS QD SIZE RUNTIME JSON -> prints "iops MiB/s" of the writes
fio_write() {
	fio --name=b --ioengine=nbd --uri="$1" --rw="$2" --bs="$3" --iodepth="$4" \
		--size="$5" --time_based --runtime="$6" --ramp_time=2 \
		--output-format=json --output="$7" >/dev/null
	fio_stats "$7" | cut -d' ' -f1,2
}

# mib SIZE (1G, 256M, 512K or bytes) -> whole MiB
mib() {
	python3 -c "
s='$1'; u={'K':1/1024,'M':1,'G':1024}
print(int(float(s[:-1])*u[s[-1]]) if s[-1] in u else int(s)//1048576)"
}

ratio() { python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

# fio_stats JSON -> "iops MiB/s lat50_us lat99_us" of a finished fio run's
# writes (latency: total when run with --lat_percentiles=1, else completion)
fio_stats() {
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]["write"]
lat = j.get("lat_ns", {}).get("percentile") or j["clat_ns"].get("percentile", {})
p = lambda q: lat.get(q, 0) / 1000
print("%.0f %.1f %.1f %.1f" % (j["iops"], j["bw_bytes"] / 1048576, p("50.000000"), p("99.000000")))' "$1"
}

# wait_listen NS PORT: until something listens on PORT in namespace NS
wait_listen() {
	i=0
	until ip netns exec "$1" ss -Htln "sport = :$2" | grep -q .; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "nothing listens on $2 in $1" >&2; exit 1; }
		sleep 0.05
	done
}

# iperf_mbit NS ADDR RUNTIME JSON [IPERF3-OPTION...] -> Mbit/s received,
# one stream from namespace NS to an iperf3 server on ADDR:5201
iperf_mbit() {
	ns=$1 addr=$2 t=$3 out=$4; shift 4
	ip netns exec "$ns" iperf3 -c "$addr" -p 5201 -t "$t" -J "$@" >"$out"
	python3 -c '
import json, sys
print("%.0f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' \
		"$out"
}

# cpu_mark -> "busy total" jiffies of all CPUs so far; cpu_busy MARK ->
# percent of the machine's CPU time busy since MARK (every process, ours
# and anyone else's: on a shared machine this says who could be the limit)
cpu_mark() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9; exit}' /proc/stat; }
cpu_busy() {
	# shellcheck disable=SC2046,SC2086 # two numbers each
	set -- $1 $(cpu_mark)
	python3 -c "print('%.0f' % (100.0 * ($3 - $1) / ($4 - $2) if $4 > $2 else 0))"
}
