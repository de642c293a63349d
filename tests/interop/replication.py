"""Data between the kernel and udrbd once they are in sync: replicated
writes both ways under protocols A, B and C, and writes during a
disconnect followed by a bitmap exchange (plain and RLE) and a resync of
just the blocks written (README.md lists what each proves)."""
import random
import re
import threading
import time

from sides import KiB, MiB, SYNCED_84, host_status, scenario, sha256

# Where the scenarios write (bytes; multiples of 64 KiB).
REGIONS = ((1 * MiB, 1 * MiB), (17 * MiB, 512 * KiB), (33 * MiB, 256 * KiB))


def _reconnect(s, protocol, *net):
    """Both sides disconnect and connect again with the given protocol and
    net options; both Secondary and in sync: no resync."""
    s.vm.sh("k_disconnect")
    s.tb.udrbd("disconnect", "r0", "1")
    s.tb.udrbd("net-options", "r0", "1", f"--protocol={protocol}", *net)
    s.tb.udrbd("connect", "r0", "1")
    s.vm.sh(f"k_connect --protocol={protocol} " + " ".join(net))


def _kernel_to_udrbd(s, p, off, size):
    """The kernel (Primary) writes through /dev/drbd0; after a role switch
    udrbd's NBD export reads the same bytes."""
    s.vm.sh("k_primary")
    s.host_wait(f"{p}-udrbd-sees-primary", host_status("Secondary", "UpToDate", "Primary", "UpToDate"))
    khash = s.vm.sh(f"k_write {off} {size}").strip()
    line = s.vm.sh("k_proc").strip()
    s.r.check(f"{p}-kernel-protocol", line.endswith(f" {p} r-----"), line)
    s.vm.sh("k_secondary")
    s.host_wait(f"{p}-udrbd-sees-secondary", host_status("Secondary", "UpToDate", "Secondary", "UpToDate"))
    s.host_role("primary")
    got = sha256(s.nbd_read_all()[off:off + size])
    s.r.check(f"{p}-kernel-write-read-by-udrbd", got == khash,
              f"{size} bytes at {off}: kernel wrote {khash[:16]}, NBD read {got[:16]}")


def _udrbd_to_kernel(s, p, off, size, seed):
    """udrbd (Primary) writes through its NBD export; after a role switch
    the kernel's /dev/drbd0 reads the same bytes."""
    hhash = s.nbd_write(off, random.Random(seed).randbytes(size))
    s.host_role("secondary")
    s.kernel_wait_line(f"{p}-kernel-sees-secondary", SYNCED_84)
    s.vm.sh("k_primary")
    got = s.vm.sh(f"k_read {off} {size}").strip()
    s.r.check(f"{p}-udrbd-write-read-by-kernel", got == hhash,
              f"{size} bytes at {off}: NBD wrote {hhash[:16]}, kernel read {got[:16]}")


@scenario
def writes(s):
    """Replicated writes both ways under protocols C, B and A (both sides
    reconnected with the protocol): the kernel's `dd oflag=direct` to its
    Primary /dev/drbd0 is read back through udrbd's NBD export after a role
    switch, and udrbd's NBD writes are read from the kernel's /dev/drbd0
    after the next one; in the end the whole device reads the same through
    both, and the data areas are equal."""
    if not s.synced("C"):
        return
    for i, p in enumerate("CBA"):
        if p != "C":
            s.vm.sh("k_secondary")
            _reconnect(s, p)
            s.kernel_wait_line(f"{p}-connected", SYNCED_84)
            s.host_wait(f"{p}-udrbd-connected", host_status("Secondary", "UpToDate", "Secondary",
                                                              "UpToDate"))
        off, size = REGIONS[i]
        _kernel_to_udrbd(s, p, off, size)
        _udrbd_to_kernel(s, p, off + size, size, seed=i)
    kfull = s.vm.sh(f"k_read 0 {int(s.vm.sh('k_size')) * 512}").strip()
    s.vm.sh("k_secondary")
    s.kernel_wait_line("both-secondary", SYNCED_84)
    s.host_role("primary")
    hfull = sha256(s.nbd_read_all())
    s.host_role("secondary")
    s.r.check("same-device", kfull == hfull, f"whole device: kernel {kfull[:16]}, NBD {hfull[:16]}")
    s.same_data("same-data")


# --- writes while disconnected -------------------------------------------

# The background writer's range, and the ranges written once apart.
BG = (8 * MiB, 256 * KiB)
APART = ((16 * MiB, 64 * KiB), (40 * MiB, 128 * KiB), (60 * MiB, 64 * KiB))
APART_KIB = (BG[1] + sum(n for _, n in APART)) // KiB


class _NbdWriter(threading.Thread):
    """Rewrites one range through udrbd's NBD export until stopped."""

    def __init__(self, s, off, size):
        super().__init__(daemon=True)
        self.s, self.off, self.data = s, off, random.Random(off).randbytes(size)
        self.stop, self.count, self.error = threading.Event(), 0, None

    def run(self):
        try:
            while not self.stop.is_set():
                self.s.nbd_write(self.off, self.data)
                self.count += 1
        except AssertionError as e:
            self.error = e

    def finish(self):
        self.stop.set()
        self.join(timeout=120)
        return self.count


STATS = re.compile(r"(send|receive) bitmap stats \[Bytes\(packets\)\]: plain (\d+)\((\d+)\), "
                   r"RLE (\d+)\((\d+)\)")


def _bitmap_stats(s, p, klog, hlog, rle):
    """Which encoding travelled each way. Both sides log a "bitmap stats"
    line only when the encoding saved bytes (8.4's rule): the sparse
    bitmaps here always shrink under RLE, so use-rle no shows as no line
    at all, and use-rle yes as RLE-only lines both ways on both sides."""
    for who, log in (("udrbd", hlog), ("kernel", klog)):
        found = {m.group(1): m for m in STATS.finditer(log)}
        for way in ("send", "receive"):
            m = found.get(way)
            if not rle:
                s.r.check(f"{p}-{who}-{way}-plain", m is None,
                          m.group(0) if m else f"no {way} bitmap stats line")
                continue
            ok = m is not None and int(m.group(5)) > 0 and m.group(3) == "0"
            s.r.check(f"{p}-{who}-{way}-rle", ok, m.group(0) if m else f"no {way} bitmap stats line")


def _together(s, p, connect, kernel_primary):
    """Connects again (connect()), waits for the resync's end on both sides
    and checks both moved exactly what was written apart, from the
    Primary; returns both logs since the reconnect."""
    s.mark()
    connect()
    k, h = ("Primary", "Secondary") if kernel_primary else ("Secondary", "Primary")
    s.kernel_wait_line(f"{p}-resynced", f"cs:Connected ro:{k}/{h} ds:UpToDate/UpToDate", timeout=60)
    s.host_wait(f"{p}-udrbd-resynced", host_status(h, "UpToDate", k, "UpToDate"))
    klog, hlog = s.kernel_log(), s.host_log()
    s.logged(f"{p}-kernel-resyncs-written", klog, "Began resync as "
             f"{'SyncSource' if kernel_primary else 'SyncTarget'} (will sync "
             f"{APART_KIB} KB [{APART_KIB // 4} bits set])")
    s.logged(f"{p}-udrbd-resyncs-written", hlog, f"resync started: {APART_KIB} KiB to fetch"
             if kernel_primary else f"becoming SyncSource (bitmap-based, {APART_KIB} KiB")
    return klog, hlog


def _apart_kernel_writes(s, p):
    """udrbd disconnects while the kernel (Primary) writes; the kernel goes
    on writing; udrbd connects again and fetches just what was written."""
    s.vm.sh("k_primary")
    s.vm.sh(f"k_bg_write {BG[0]} {BG[1]}")
    s.tb.udrbd("disconnect", "r0", "1")
    s.kernel_wait(f"{p}-kernel-lost-peer", "WFConnection")
    for off, size in APART:
        s.vm.sh(f"k_write {off} {size}")
    n = s.vm.sh("k_bg_stop").strip()
    s.vm.sh(f"k_write {BG[0]} {BG[1]}")
    oos = s.vm.sh("k_oos").strip()
    s.r.check(f"{p}-kernel-out-of-sync", oos == str(APART_KIB),
              f"oos:{oos} KiB after {n} background writes, want {APART_KIB}")
    return _together(s, p, lambda: s.tb.udrbd("connect", "r0", "1"), kernel_primary=True)


def _apart_udrbd_writes(s, p, *net):
    """The kernel disconnects while udrbd (Primary) writes through NBD;
    udrbd goes on writing; the kernel connects again and fetches just what
    was written."""
    s.host_role("primary")
    bg = _NbdWriter(s, *BG)
    bg.start()
    while bg.count == 0 and bg.is_alive():
        time.sleep(0.05)
    s.vm.sh("k_disconnect")
    s.host_wait(f"{p}-udrbd-lost-peer", host_status("Primary", "UpToDate", connection="Connecting"))
    for off, size in APART:
        s.nbd_write(off, random.Random(off + 1).randbytes(size))
    n = bg.finish()
    s.r.check(f"{p}-background-writes", bg.error is None and n > 0, f"{n} writes, {bg.error}")
    s.nbd_write(BG[0], bg.data)
    oos = s.host_stat("out-of-sync")
    s.r.check(f"{p}-udrbd-out-of-sync", oos == APART_KIB,
              f"out-of-sync:{oos} KiB after {n} background writes, want {APART_KIB}")
    return _together(s, p, lambda: s.vm.sh("k_connect --protocol=C " + " ".join(net)),
                     kernel_primary=False)


@scenario
def resync(s):
    """Disconnect during writes, on either side, then reconnect: the bitmaps
    travel plain (use-rle no on both) the first time and RLE-compressed
    (use-rle yes) the second, as both sides' bitmap stats lines show; each
    resync moves exactly the blocks written while apart (the background
    writer's range and three others); equal data areas after each."""
    if not s.synced("C", "--use-rle=no"):
        return
    _bitmap_stats(s, "plain", *_apart_kernel_writes(s, "plain"), rle=False)
    s.same_data("plain-same-data")
    s.vm.sh("k_secondary")
    _reconnect(s, "C", "--use-rle=yes")
    s.kernel_wait_line("rle-connected", SYNCED_84)
    s.host_wait("rle-udrbd-connected", host_status("Secondary", "UpToDate", "Secondary", "UpToDate"))
    _bitmap_stats(s, "rle", *_apart_udrbd_writes(s, "rle", "--use-rle=yes"), rle=True)
    s.host_role("secondary")
    s.same_data("rle-same-data")
