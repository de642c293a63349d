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
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]["write"]
print("%.0f %.1f" % (j["iops"], j["bw_bytes"] / 1048576))' "$7"
}

ratio() { python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
