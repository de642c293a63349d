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

# The sha256 of the first BYTES of the backing disk (the data area).
k_hash() {
	dd if="$K_DISK" bs=4096 count=$(($1 / 4096)) 2>/dev/null | sha256sum | cut -d' ' -f1
}

# The kernel log since the last call (DRBD's lines and whatever else).
k_dmesg() {
	dmesg -c
}
