"""When the two copies differ: split brain (detected on both sides, then
recovered with --discard-my-data on either) and online verify finding a
block changed behind one side's back (README.md lists what each proves)."""
import os
import random

from sides import KiB, MiB, SYNCED_84, host_status, scenario

PRIMARY_SYNCED = host_status("Primary", "UpToDate", "Secondary", "UpToDate")
SYNCED = host_status("Secondary", "UpToDate", "Secondary", "UpToDate")


# --- split brain --------------------------------------------------------------

def _split(s, p, k_range, h_range):
    """Apart, both Primary with a write each, both Secondary, reconnect:
    rule 90 on both sides, both StandAlone (after-sb-0pri disconnect)."""
    s.vm.sh("k_disconnect")
    s.tb.udrbd("disconnect", "r0", "1")
    s.vm.sh("k_primary")
    khash = s.vm.sh(f"k_write {k_range[0]} {k_range[1]}").strip()
    s.host_role("primary")
    hhash = s.nbd_write(h_range[0], random.Random(h_range[0]).randbytes(h_range[1]))
    s.vm.sh("k_secondary")
    s.host_role("secondary")
    s.mark()
    s.tb.udrbd("connect", "r0", "1")
    s.vm.sh("k_connect --protocol=C")
    s.kernel_wait_log("Split-Brain detected", timeout=30)
    s.kernel_wait(f"{p}-kernel-standalone", "StandAlone")
    s.host_wait(f"{p}-udrbd-standalone", host_status("Secondary", "UpToDate",
                                                      connection="StandAlone"))
    klog, hlog = s.kernel_log(), s.host_log()
    s.logged(f"{p}-kernel-rule-90", klog, "uuid_compare()=100 by rule 90")
    s.logged(f"{p}-kernel-detects", klog, "Split-Brain detected but unresolved, dropping connection!")
    s.logged(f"{p}-udrbd-detects", hlog, "Split-Brain detected but unresolved, dropping connection!")
    s.mark()
    return khash, hhash


def _recovered(s, p, victim, k_range, h_range, khash, hhash):
    """After the victim's connect --discard-my-data: a bitmap-based resync
    of both sides' writes from the survivor; the survivor's write is on
    both disks and the data areas are equal."""
    s.kernel_wait_line(f"{p}-kernel-synced", SYNCED_84, timeout=60)
    s.host_wait(f"{p}-udrbd-synced", SYNCED)
    both = (k_range[1] + h_range[1]) // KiB
    klog, hlog = s.kernel_log(), s.host_log()
    if victim == "kernel":
        s.logged(f"{p}-kernel-discards", klog, "Split-Brain detected, manually solved. Sync from peer node")
        s.logged(f"{p}-kernel-fetches-both", klog,
                 f"Began resync as SyncTarget (will sync {both} KB [{both // 4} bits set])")
        survivor, off, want = "udrbd", h_range, hhash
    else:
        s.logged(f"{p}-kernel-survives", klog, "Split-Brain detected, manually solved. Sync from this node")
        s.logged(f"{p}-kernel-sends-both", klog,
                 f"Began resync as SyncSource (will sync {both} KB [{both // 4} bits set])")
        s.logged(f"{p}-udrbd-fetches-both", hlog, f"resync started: {both} KiB to fetch")
        survivor, off, want = "kernel", k_range, khash
    got = s.vm.sh(f"k_read {off[0]} {off[1]} $K_DISK").strip()
    s.r.check(f"{p}-{survivor}-write-kept", got == want, f"{got[:16]}, the {survivor} wrote {want[:16]}")
    s.same_data(f"{p}-same-data")


@scenario
def split_brain(s):
    """Both Primary while apart, different writes, reconnect: both sides
    detect the split brain (rule 90) and go StandAlone. Recovery with
    `connect --discard-my-data`, once on the kernel, once on udrbd: the
    victim resyncs both sides' changed blocks from the survivor."""
    if not s.synced("C"):
        return
    k_range, h_range = (4 * MiB, 128 * KiB), (20 * MiB, 256 * KiB)
    khash, hhash = _split(s, "kernel-victim", k_range, h_range)
    s.vm.sh("k_connect --protocol=C --discard-my-data")
    s.tb.udrbd("connect", "r0", "1")
    _recovered(s, "kernel-victim", "kernel", k_range, h_range, khash, hhash)

    k_range, h_range = (44 * MiB, 64 * KiB), (52 * MiB, 192 * KiB)
    khash, hhash = _split(s, "udrbd-victim", k_range, h_range)
    s.tb.udrbd("connect", "r0", "1", "--discard-my-data")
    s.vm.sh("k_connect --protocol=C")
    _recovered(s, "udrbd-victim", "udrbd", k_range, h_range, khash, hhash)


# --- online verify --------------------------------------------------------------

def _corrupt_host(s, off):
    """4 KiB of udrbd's backing file changed behind udrbd's back."""
    fd = os.open(s.tb.host_disk, os.O_WRONLY)
    try:
        os.pwrite(fd, os.urandom(4 * KiB), off)
        os.fsync(fd)
    finally:
        os.close(fd)


def _verified(s, p, off):
    """Both sides logged the end of the verify and count the one block."""
    done = s.kernel_wait_log("Online verify done", timeout=90)
    s.kernel_wait_line(f"{p}-kernel-done", SYNCED_84, timeout=10 if done else 1)
    klog = s.kernel_log()
    s.logged(f"{p}-kernel-found", klog, "Online verify found 1 4k block out of sync!")
    s.logged(f"{p}-kernel-where", klog, f"Out of sync: start={off // 512}, size=8 (sectors)")
    hlog = s.host_log()
    # udrbd speaks DRBD 9's words ("blocks" whatever the count,
    # drbd_sender.c); the 8.4 kernel says "block"
    s.logged(f"{p}-udrbd-found", hlog, "Online verify found 1 4k blocks out of sync!")
    s.logged(f"{p}-udrbd-where", hlog, f"Out of sync: start={off // 512}, size=8 (sectors)")
    oos = s.vm.sh("k_oos").strip()
    s.r.check(f"{p}-kernel-out-of-sync", oos == "4", f"oos:{oos}")
    oos = s.host_stat("out-of-sync")
    s.r.check(f"{p}-udrbd-out-of-sync", oos == 4, f"out-of-sync:{oos}")


@scenario
def verify(s):
    """verify-alg sha1 on both. A block of udrbd's disk changed behind its
    back: the kernel's `drbdsetup verify` finds it, both sides mark it out
    of sync; a disconnect/connect with the kernel Primary resyncs that one
    block. Then a block of the kernel's disk changed: udrbd's verify finds
    it, and the resync from udrbd repairs it. Equal data areas after each."""
    if not s.synced("C", "--verify-alg=sha1"):
        return
    off = 12 * MiB
    _corrupt_host(s, off)
    s.mark()
    # A range around the block keeps the kernel's verify short (it paces
    # its requests by the reply latency under emulation); its stop sector
    # ends the run with an explicit P_STATE (apv 101).
    s.vm.sh(f"drbdsetup-84 verify 0 --start={(off - 4 * MiB) // 512} --stop={(off + 4 * MiB) // 512}")
    _verified(s, "kernel-verifies", off)
    s.vm.sh("k_primary")
    s.tb.udrbd("disconnect", "r0", "1")
    s.kernel_wait("kernel-verifies-apart", "WFConnection")
    s.mark()
    s.tb.udrbd("connect", "r0", "1")
    s.kernel_wait_line("kernel-verifies-resynced", "cs:Connected ro:Primary/Secondary "
                       "ds:UpToDate/UpToDate")
    s.logged("kernel-verifies-resync-1", s.kernel_log(),
             "Began resync as SyncSource (will sync 4 KB [1 bits set])")
    s.same_data("kernel-verifies-same-data")
    s.vm.sh("k_secondary")

    off = 30 * MiB
    s.vm.sh(f"dd if=/dev/urandom of=$K_DISK bs=4096 seek={off // 4096} count=1 "
            "oflag=direct conv=notrunc 2>/dev/null")
    s.host_wait("udrbd-verifies-synced", SYNCED)
    s.mark()
    r = s.tb.udrbd("verify", "r0", "1", "0", check=False)
    s.r.check("udrbd-verifies-started", r.returncode == 0, (r.stdout + r.stderr).strip())
    _verified(s, "udrbd-verifies", off)
    s.host_role("primary")
    s.vm.sh("k_disconnect")
    s.host_wait("udrbd-verifies-apart", host_status("Primary", "UpToDate", connection="Connecting"))
    s.mark()
    s.vm.sh("k_connect --protocol=C --verify-alg=sha1")
    s.kernel_wait_line("udrbd-verifies-resynced", "cs:Connected ro:Secondary/Primary "
                       "ds:UpToDate/UpToDate")
    s.logged("udrbd-verifies-resync-1", s.kernel_log(),
             "Began resync as SyncTarget (will sync 4 KB [1 bits set])")
    s.host_role("secondary")
    s.same_data("udrbd-verifies-same-data")
