# The kernel side of the scenarios: DRBD 8.4 through drbdsetup-84 and
# drbdmeta on /dev/vda, read back through /proc/drbd. Sourced by iop-shell
# after config.sh (IOP_ADDR, IOP_PEER, IOP_PORT).

K_RES=r0
K_MINOR=0
K_DISK=/dev/vda
K_ME="ipv4:${IOP_ADDR%/*}:$IOP_PORT"
K_PEER="ipv4:$IOP_PEER:$IOP_PORT"

k_create_md() {
	drbdmeta --force "$K_MINOR" v08 "$K_DISK" internal create-md
}

# As drbdadm-84 attach does: the kernel refuses meta data whose activity
# log was not applied ("Unclean meta-data found").
k_attach() {
	drbdmeta "$K_MINOR" v08 "$K_DISK" internal apply-al &&
	drbdsetup-84 new-resource "$K_RES" &&
	drbdsetup-84 new-minor "$K_RES" "$K_MINOR" 0 &&
	drbdsetup-84 attach "$K_MINOR" "$K_DISK" "$K_DISK" internal "$@"
}

# k_connect [net options...]
k_connect() {
	drbdsetup-84 connect "$K_RES" "$K_ME" "$K_PEER" "$@"
}

k_disconnect() {
	drbdsetup-84 disconnect "$K_ME" "$K_PEER"
}

k_down() {
	drbdsetup-84 down "$K_RES"
}

# The device's line of /proc/drbd ("0: cs:... ro:... ds:... C r-----").
k_proc() {
	sed -n "s/^ *$K_MINOR: //p" /proc/drbd
}

k_cs() {
	k_proc | sed -n 's/^cs:\([A-Za-z]*\).*/\1/p'
}

# k_wait TEXT SECONDS: polls until the /proc/drbd line starts with TEXT,
# prints the last line; fails when it never did.
k_wait() {
	n=$(($2 * 10))
	while [ "${1}" != "$(k_proc | cut -c1-${#1})" ] && [ $n -gt 0 ]; do
		usleep 100000
		n=$((n - 1))
	done
	k_proc
	[ "${1}" = "$(k_proc | cut -c1-${#1})" ]
}

# k_wait_cs STATE SECONDS: the same for the connection state alone.
k_wait_cs() {
	k_wait "cs:$1 " "$2"
}

# The sha256 of the first BYTES of the backing disk (the data area), read
# past the page cache: DRBD's own writes to the disk bypass it.
k_hash() {
	k_read 0 "$1" "$K_DISK"
}

# The kernel log since the last call (DRBD's lines and whatever else).
k_dmesg() {
	dmesg -c
}

k_primary() {
	drbdsetup-84 primary "$K_MINOR" "$@"
}

k_secondary() {
	drbdsetup-84 secondary "$K_MINOR"
}

# The "oos:" field of the device's /proc/drbd statistics (KiB out of sync).
k_oos() {
	sed -n 's/.* oos:\([0-9]*\).*/\1/p' /proc/drbd
}

# The device's size in 512-byte sectors (also readable while Secondary).
k_size() {
	cat "/sys/block/drbd$K_MINOR/size"
}

# k_write OFFSET BYTES: fresh random data through /dev/drbd0 (O_DIRECT, in
# 64 KiB blocks, both multiples of 64 KiB); prints the data's sha256.
k_write() {
	dd if=/dev/urandom of=/tmp/kw bs=65536 count=$(($2 / 65536)) 2>/dev/null &&
	dd if=/tmp/kw of="/dev/drbd$K_MINOR" bs=65536 seek=$(($1 / 65536)) \
		oflag=direct conv=notrunc 2>/dev/null &&
	sha256sum </tmp/kw | cut -d' ' -f1
}

# k_read OFFSET BYTES [DEVICE]: the sha256 of that range (OFFSET a multiple
# of 512), read with O_DIRECT (default: through /dev/drbd0).
k_read() {
	dd if="${3:-/dev/drbd$K_MINOR}" bs=65536 skip="$1" count="$2" \
		iflag=direct,skip_bytes,count_bytes 2>/dev/null | sha256sum | cut -d' ' -f1
}

# k_bg_write OFFSET BYTES: rewrites that range through /dev/drbd0 in a loop
# until k_bg_stop (which returns once the last write has completed).
k_bg_write() {
	rm -f /tmp/bg-stop /tmp/bg-count
	dd if=/dev/urandom of=/tmp/bg bs=65536 count=$(($2 / 65536)) 2>/dev/null
	n=0
	while [ ! -e /tmp/bg-stop ]; do
		dd if=/tmp/bg of="/dev/drbd$K_MINOR" bs=65536 seek=$(($1 / 65536)) \
			oflag=direct conv=notrunc 2>/dev/null || break
		n=$((n + 1))
		echo $n >/tmp/bg-count
	done &
	K_BG=$!
	# Returns once the writer is under way.
	while [ ! -s /tmp/bg-count ]; do
		usleep 20000
	done
}

k_bg_stop() {
	touch /tmp/bg-stop
	wait "$K_BG"
	cat /tmp/bg-count
}
