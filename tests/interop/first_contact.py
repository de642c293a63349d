"""First contact with the kernel: the handshake, authentication, a
protocol refusal, pings, the initial full sync both ways, and the size two
different disks agree on (README.md lists what each proves)."""
import re
import shlex
import time

from sides import (CONNECTED_84, SYNCED_84, MiB, STATUS_CONNECTED, STATUS_STANDALONE, STATUS_SYNCED,
                   host_status, reset, scenario, sha256)
from testbed import file_hash, pattern

@scenario
def handshake(s):
    """Fresh meta data on both sides, protocol C: the features handshake
    agrees on 101, both UUIDs are "just created" (rule 10), no resync:
    Connected, Secondary/Secondary, Inconsistent/Inconsistent."""
    s.kernel_up("--protocol=C")
    s.host_up("C")
    s.kernel_wait("kernel-connected", "Connected", CONNECTED_84)
    s.host_wait("udrbd-connected", STATUS_CONNECTED)
    klog, hlog = s.kernel_log(), s.host_log()
    s.logged("udrbd-agreed-101", hlog, "Handshake successful: Agreed network protocol version 101")
    s.logged("kernel-agreed-101", klog, "drbd r0: Handshake successful: Agreed network protocol version 101")
    s.logged("kernel-feature-flags", klog, "Feature flags enabled on protocol level: 0x0 none.")
    s.logged("kernel-rule-10", klog, "block drbd0: uuid_compare()=0 by rule 10")
    # udrbd's P_UUIDS as the kernel decoded it: current UUID "just
    # created", no history, flags 4 (Inconsistent, as DRBD 9.2 sends it
    # to an 8.4 peer in testdata/drbd9-cli/s08a; the kernel itself sends
    # 0), and every bit of the bitmap set, as on the kernel's own fresh
    # meta data and DRBD 9's (out-of-sync = the whole size).
    peer = re.search(r"block drbd0: peer ([0-9A-F:]+) bits:(\d+) flags:(\d+)", klog)
    own = re.search(r"block drbd0: self [0-9A-F:]+ bits:(\d+)", klog)
    s.r.check("kernel-peer-uuids", peer and peer.group(1) == "0000000000000004:" + ":".join(["0" * 16] * 3)
              and peer.group(3) == "4", peer.group(0) if peer else "no peer UUID line")
    s.r.check("kernel-peer-bits", peer and own and peer.group(2) == own.group(1),
              f"peer bits:{peer.group(2) if peer else '?'}, own bits:{own.group(1) if own else '?'}")
    s.logged("kernel-state", klog, "conn( WFReportParams -> Connected ) pdsk( DUnknown -> Inconsistent )")


@scenario
def auth(s):
    """cram-hmac-alg sha1 and sha256 with the same secret on both sides
    connect (20- and 32-byte HMACs); different secrets: both sides refuse
    the peer and go StandAlone."""
    for alg, size in (("sha1", 20), ("sha256", 32)):
        opts = (f"--cram-hmac-alg={alg}", "--shared-secret=interop-secret")
        s.kernel_up("--protocol=C", *opts)
        s.host_up("C", *opts)
        s.kernel_wait(f"{alg}-kernel-connected", "Connected", CONNECTED_84)
        s.host_wait(f"{alg}-udrbd-connected", STATUS_CONNECTED)
        s.logged(f"{alg}-kernel-authenticated", s.kernel_log(),
                 f"drbd r0: Peer authenticated using {size} bytes HMAC")
        s.logged(f"{alg}-udrbd-authenticated", s.host_log(),
                 f"Peer authenticated using {size} bytes HMAC")
        reset(s.tb)
        s.mark()
    s.kernel_up("--protocol=C", "--cram-hmac-alg=sha256", "--shared-secret=kernel-secret")
    s.host_up("C", "--cram-hmac-alg=sha256", "--shared-secret=udrbd-secret")
    s.kernel_wait_log("Authentication of peer failed")
    s.kernel_wait("wrong-kernel-standalone", "StandAlone")
    s.host_wait("wrong-udrbd-standalone", STATUS_STANDALONE)
    s.logged("wrong-kernel-refuses", s.kernel_log(), "drbd r0: Authentication of peer failed")
    s.logged("wrong-udrbd-refuses", s.host_log(), "Authentication of peer failed")


@scenario
def protocol_mismatch(s):
    """The kernel wants protocol C, udrbd A: each side reads the other's
    P_PROTOCOL, logs "incompatible protocol settings" (the 8.4.11 kernel's
    words) and goes StandAlone instead of retrying."""
    s.kernel_up("--protocol=C")
    s.host_up("A")
    s.host_wait("udrbd-standalone", STATUS_STANDALONE)
    s.logged("udrbd-refuses", s.host_log(), "incompatible protocol settings")
    if s.kernel_wait_log("incompatible", timeout=10):
        s.kernel_wait("kernel-standalone", "StandAlone", timeout=10)
    else:
        s.kernel_wait("kernel-standalone", "StandAlone", timeout=0)
    s.logged("kernel-refuses", s.kernel_log(), "drbd r0: incompatible protocol settings")


def _payload_packets(tb):
    """TCP packets with payload exchanged with the VM so far (in, out),
    counted by the rules _count_payload() put into the host's namespace."""
    r = tb.host.exec(["iptables", "-w", "-nvxL", "UDRBD-IOP"], check=True)
    counts = [int(l.split()[0]) for l in r.stdout.splitlines()[2:] if l.strip()]
    return counts[0], counts[1]


def _count_payload(tb):
    # 52 bytes is an IPv4 + TCP header with timestamps: anything longer
    # carries data; an idle DRBD connection carries only pings and acks.
    vm = tb.vm_address
    for argv in (["-N", "UDRBD-IOP"],
                 ["-A", "UDRBD-IOP", "-s", vm, "-p", "tcp", "-m", "length", "--length", "53:65535"],
                 ["-A", "UDRBD-IOP", "-d", vm, "-p", "tcp", "-m", "length", "--length", "53:65535"],
                 ["-I", "INPUT", "-j", "UDRBD-IOP"], ["-I", "OUTPUT", "-j", "UDRBD-IOP"]):
        tb.host.exec(["iptables", "-w", *argv], check=True)


@scenario
def pings(s):
    """ping-int 2 on both sides, an idle connection for more than two ping
    intervals: pings and ping acks flow both ways, nobody misses a
    PingAck, the connection stays up without a reconnect."""
    s.kernel_up("--protocol=C", "--ping-int=2")
    s.host_up("C", "--ping-int=2")
    s.kernel_wait("kernel-connected", "Connected", CONNECTED_84)
    s.host_wait("udrbd-connected", STATUS_CONNECTED)
    _count_payload(s.tb)
    time.sleep(5)
    pin, pout = _payload_packets(s.tb)
    s.r.check("packets-both-ways", pin >= 2 and pout >= 2,
              f"{pin} packets with payload in, {pout} out in 5 s idle")
    s.kernel_wait("kernel-still-connected", "Connected", CONNECTED_84, timeout=1)
    s.host_wait("udrbd-still-connected", STATUS_CONNECTED, timeout=1)
    klog, hlog = s.kernel_log(), s.host_log()
    s.not_logged("kernel-no-ping-timeout", klog, "PingAck did not arrive")
    s.not_logged("udrbd-no-ping-timeout", hlog, "PingAck did not arrive")
    s.logged("kernel-one-handshake", klog, "Handshake successful", count=1)
    s.logged("udrbd-one-handshake", hlog, "Handshake successful", count=1)


def _initial_sync(s, source):
    """Both sides fresh and Connected, then `primary --force` on source:
    a full resync to the other side, both UpToDate, equal data areas."""
    kernel_src = source == "kernel"
    if kernel_src:
        s.vm.sh("K_DISK=/dev/vdb && k_create_md >/dev/null")
        s.kernel_image = s.tb.vm_disks[1]
    else:
        s.tb.host_disk_new(fill=1)
    s.kernel_up("--protocol=C")
    s.host_up("C")
    s.kernel_wait("connected", "Connected", CONNECTED_84)
    s.host_wait("udrbd-connected", STATUS_CONNECTED)
    if kernel_src:
        s.vm.sh("drbdsetup-84 primary 0 --force")
        k_want, k_role = "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate", ("Secondary", "Primary")
    else:
        s.tb.udrbd("primary", "r0", "--force")
        k_want, k_role = "cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate", ("Primary", "Secondary")
    # 64 MiB take ~2 s at the ~40 MB/s of the emulated VM.
    rc, out = s.vm.run(f"k_wait {shlex.quote(k_want)} 30", timeout=60)
    s.r.check("kernel-uptodate", rc == 0, out.strip().splitlines()[-1] if out.strip() else "")
    s.host_wait("udrbd-uptodate", host_status(k_role[0], "UpToDate", k_role[1], "UpToDate"),
                timeout=30 if rc == 0 else 2)
    s.same_data("same-data")
    if kernel_src:
        # A Secondary's /dev/drbd0 cannot be opened (EMEDIUMTYPE): sysfs has its size.
        size = int(s.vm.sh("k_size")) * 512
        s.r.check("source-data", file_hash(s.kernel_image, size) == sha256((pattern(2) + bytes(size))[:size]),
                  "the kernel's disk kept the pattern the host wrote before the boot")
    klog = s.kernel_log()
    s.logged("kernel-began", klog, f"Began resync as {'SyncSource' if kernel_src else 'SyncTarget'}")
    s.logged("kernel-done", klog, "Resync done")
    s.logged("kernel-one-handshake", klog, "Handshake successful", count=1)


@scenario
def sync_from_udrbd(s):
    """udrbd `primary --force` with 60 MiB of pattern data: the kernel
    resyncs as SyncTarget to UpToDate/UpToDate; the kernel's data area
    hashes like udrbd's backing file."""
    _initial_sync(s, "udrbd")


@scenario
def sync_from_kernel(s):
    """The kernel `primary --force` on a disk with 60 MiB of pattern data:
    udrbd (fresh, empty) resyncs as SyncTarget; equal hashes."""
    _initial_sync(s, "kernel")


def _sizes(s, case, host_mib, kernel_mib):
    """udrbd on a host_mib backing file, the kernel on the first kernel_mib
    of vdb (a loop device with a size limit): alone each offers its own
    data area; connected, both use the smaller one; the kernel's forced
    promotion then syncs just that much."""
    # util-linux's losetup (busybox's applet knows no size limit); direct
    # I/O, so the kernel's writes reach vdb's image on the host at once.
    s.vm.sh(f"K_DISK=$(/sbin/losetup -f --show --direct-io=on --sizelimit {kernel_mib * MiB} "
            "/dev/vdb) && k_create_md >/dev/null && k_attach")
    s.kernel_image = s.tb.vm_disks[1]
    s.tb.host_disk_new(mib=host_mib)
    s.tb.host_up("C")
    s.fast_resync()
    own_k = int(s.vm.sh("k_size")) // 2
    own_h = s.host_stat("size")
    want = min(own_k, own_h or 0)
    s.r.check(f"{case}-own-sizes", own_h and (own_k < own_h) == (kernel_mib < host_mib),
              f"alone: kernel {own_k} KiB, udrbd {own_h} KiB")
    s.tb.udrbd("connect", "r0", "1")
    s.vm.sh("k_connect --protocol=C")
    s.kernel_wait(f"{case}-connected", "Connected", CONNECTED_84)
    s.host_wait(f"{case}-udrbd-connected", STATUS_CONNECTED)
    k, h = int(s.vm.sh("k_size")) // 2, s.host_stat("size")
    s.r.check(f"{case}-kernel-size", k == want, f"kernel {k} KiB, want {want}")
    agreed = s.r.check(f"{case}-udrbd-size", h == want, f"udrbd {h} KiB, want {want}")
    s.vm.sh("k_primary --force")
    # Sides that disagree on the size do not finish a sync: no long wait.
    s.kernel_wait_line(f"{case}-synced", "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate",
                       timeout=30 if agreed else 5)
    s.host_wait(f"{case}-udrbd-synced", host_status("Secondary", "UpToDate", "Primary", "UpToDate"),
                timeout=30 if agreed else 1)
    s.logged(f"{case}-kernel-syncs-smaller", s.kernel_log(),
             f"Began resync as SyncSource (will sync {want} KB")
    s.same_data(f"{case}-same-data")
    _sizes_again(s, case, want)
    s.tb.udrbd("down", "r0")
    s.vm.sh("k_down && /sbin/losetup -d $K_DISK")
    s.mark()


def _sizes_again(s, case, want):
    """Both sides down and attached again to the same disks: each keeps
    the agreed size (8.4's la_size_sect) rather than its disk's, and they
    connect in sync, without a resync (the kernel demoted first: a
    Primary losing its peer would start a new data generation)."""
    s.vm.sh("k_secondary")
    s.kernel_wait_line(f"{case}-again-demoted", SYNCED_84, timeout=10)
    s.tb.udrbd("down", "r0")
    s.vm.sh("k_down && k_attach")
    s.tb.host_up("C")
    k, h = int(s.vm.sh("k_size")) // 2, s.host_stat("size")
    s.r.check(f"{case}-again-sizes", k == want and h == want,
              f"alone again: kernel {k} KiB, udrbd {h} KiB, want {want}")
    s.mark()
    s.tb.udrbd("connect", "r0", "1")
    s.vm.sh("k_connect --protocol=C")
    s.kernel_wait_line(f"{case}-again-connected", SYNCED_84, timeout=15)
    s.host_wait(f"{case}-again-udrbd-connected", STATUS_SYNCED, timeout=5)
    s.not_logged(f"{case}-again-no-resync", s.kernel_log(), "Began resync")


def _sizes_refused(s):
    """udrbd with data of its own (forced Primary alone, then Secondary)
    on 64 MiB meets the kernel on a fresh 40 MiB disk: agreeing would cut
    its data, so udrbd refuses with 8.4's words and stays StandAlone at its
    size; the kernel never gets to Connected."""
    s.vm.sh(f"K_DISK=$(/sbin/losetup -f --show --direct-io=on --sizelimit {40 * MiB} "
            "/dev/vdb) && k_create_md >/dev/null && k_attach")
    s.tb.host_disk_new()
    s.tb.host_up("C")
    s.tb.udrbd("primary", "r0", "--force")
    s.host_role("secondary")
    own = s.host_stat("size")
    s.mark()
    s.tb.udrbd("connect", "r0", "1")
    s.vm.sh("k_connect --protocol=C")
    s.host_wait("refused-udrbd-standalone", host_status("Secondary", "UpToDate",
                                                         connection="StandAlone"))
    s.logged("refused-udrbd-says", s.host_log(), "The peer's disk size is too small!")
    h = s.host_stat("size")
    s.r.check("refused-udrbd-keeps-size", h == own, f"udrbd {h} KiB, its own {own}")
    cs = s.vm.sh("k_cs").strip()
    s.r.check("refused-kernel-not-connected", cs != "Connected", f"kernel cs:{cs}")
    s.tb.udrbd("down", "r0")
    s.vm.sh("k_down && /sbin/losetup -d $K_DISK")


@scenario
def sizes(s):
    """Different disk sizes, each side the smaller once: the kernel's
    /sys/block/drbd0/size and udrbd's status size agree on the smaller
    data area, and the initial sync covers exactly that; attached again,
    both keep that size and reconnect in sync. A larger udrbd with data of
    its own refuses to shrink to a fresh smaller kernel."""
    _sizes(s, "udrbd-smaller", 48, 64)
    _sizes(s, "kernel-smaller", 64, 40)
    _sizes_refused(s)
