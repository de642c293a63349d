"""The interop scenarios, run in one boot of the VM (README.md lists them).

    results = run(tmp, image)               # every scenario
    results = run(tmp, image, ["auth"])     # some of them

Each scenario is a function (tb, r) that drives the kernel (through the
VM's kernel.sh functions) and udrbdd (through our drbdsetup), then records
checks with r.check(): one line `RESULT <scenario>.<check> ok|fail <detail>`
each, printed as it happens and kept in results.rows. A scenario that
raises gets a failed `<scenario>.error` row and the next one still runs:
every scenario starts from both sides down with fresh meta data.

Command line (as root, udrbdd built in $UDRBD_BUILD or build/):

    python3 tests/interop/scenarios.py [--keep DIR] [SCENARIO...]
"""
import os
import re
import shlex
import sys
import time
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(ROOT, "tests", "system")]

from testbed import PEER, Testbed, file_hash  # noqa: E402

Row = namedtuple("Row", "scenario check ok detail")
SCENARIOS = {}

CONNECTED_84 = "cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent"
STATUS_CONNECTED = (f"r0 role:Secondary\n  disk:Inconsistent\n  {PEER} role:Secondary\n"
                    "    peer-disk:Inconsistent\n\n")
STATUS_STANDALONE = f"r0 role:Secondary\n  disk:Inconsistent\n  {PEER} connection:StandAlone\n\n"


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


class Results:
    def __init__(self, emit=print):
        self.rows = []
        self.emit = emit
        self.scenario = None
        self.timings = {}

    def check(self, name, ok, detail=""):
        row = Row(self.scenario, name, bool(ok), " ".join(str(detail).split()))
        self.rows.append(row)
        self.emit(f"RESULT {row.scenario}.{name} {'ok' if row.ok else 'fail'} {row.detail}")
        return row.ok

    def failed(self):
        return [r for r in self.rows if not r.ok]


# --- what a scenario sees ------------------------------------------------------

class Sides:
    """The testbed with per-scenario views of the two logs."""

    def __init__(self, tb, r):
        self.tb, self.r, self.vm = tb, r, tb.vm
        self.mark()

    def mark(self):
        """From here on, the logs start afresh."""
        self.dmesg = ""
        self.kernel_log()
        self.dmesg = ""
        self._log_at = len(self.tb.host_log())

    def host_log(self):
        return self.tb.host_log()[self._log_at:]

    def kernel_log(self):
        """The kernel's log since the scenario began (timestamps cut)."""
        self.dmesg += re.sub(r"^\[ *[0-9.]+\] ", "", self.vm.sh("k_dmesg"), flags=re.M)
        return self.dmesg

    def kernel_up(self, *net):
        self.vm.sh("k_attach && k_connect " + " ".join(map(shlex.quote, net)))

    def host_up(self, protocol, *net):
        self.tb.host_up(protocol, *net)
        self.tb.udrbd("connect", "r0", "1")

    def kernel_wait(self, name, cs, want=None, timeout=30):
        """Waits for the kernel's connection state; checks its /proc/drbd
        line starts with want (default: cs:<cs>)."""
        rc, out = self.vm.run(f"k_wait_cs {cs} {timeout}", timeout=timeout + 30)
        line = out.strip().splitlines()[-1] if out.strip() else ""
        return self.r.check(name, rc == 0 and line.startswith(want or f"cs:{cs}"), line)

    def kernel_wait_log(self, needle, timeout=30):
        """Waits until the kernel has logged a line containing needle;
        False when it has not after timeout seconds."""
        deadline = time.monotonic() + timeout
        while needle not in self.kernel_log():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def host_wait(self, name, want, timeout=30):
        try:
            self.tb.wait_host_status(want, timeout)
            return self.r.check(name, True, want.split("\n")[2].strip())
        except AssertionError as e:
            return self.r.check(name, False, e)

    def logged(self, name, text, needle, count=None):
        """Checks a log has a line containing needle (exactly count such
        lines when count is given); the detail is the first of them."""
        lines = [l for l in text.splitlines() if needle in l]
        ok = len(lines) == count if count is not None else bool(lines)
        detail = lines[0] if lines else f"no line with {needle!r}"
        if count is not None:
            detail = f"{len(lines)} x {detail}"
        return self.r.check(name, ok, detail)

    def not_logged(self, name, text, needle):
        lines = [l for l in text.splitlines() if needle in l]
        return self.r.check(name, not lines, lines[0] if lines else f"no line with {needle!r}")


def _reset(tb):
    """Both sides down, with fresh meta data (UUIDs "just created") on an
    empty udrbd backing file and on the VM's vda."""
    tb.udrbd("down", "r0", check=False)
    tb.vm.run("k_down")
    tb.vm.sh("K_DISK=/dev/vda && k_create_md >/dev/null")
    tb.host_disk_new()


# --- the scenarios ---------------------------------------------------------------

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
        _reset(s.tb)
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
    s.host_wait("udrbd-uptodate", f"r0 role:{k_role[0]}\n  disk:UpToDate\n  {PEER} role:{k_role[1]}\n"
                "    peer-disk:UpToDate\n\n", timeout=30 if rc == 0 else 2)
    # A Secondary's /dev/drbd0 cannot be opened (EMEDIUMTYPE): sysfs has its size.
    size = int(s.vm.sh("cat /sys/block/drbd0/size")) * 512
    khash = s.vm.sh(f"k_hash {size}").strip()
    hhash = file_hash(s.tb.host_disk, size)
    s.r.check("same-data", khash == hhash, f"{size} bytes: kernel {khash[:16]}, udrbd {hhash[:16]}")
    pattern_disk = s.tb.vm_disks[1] if kernel_src else None
    if pattern_disk:
        s.r.check("source-data", khash == file_hash(pattern_disk, size), "the kernel's disk kept its data")
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


# --- the run -----------------------------------------------------------------

def run(tmp, image, names=None, emit=print):
    """Boots the VM once and runs the scenarios named (all by default)."""
    r = Results(emit)
    names = list(names or SCENARIOS)
    t0 = time.monotonic()
    with Testbed(tmp, image) as tb:
        tb.host.start_udrbdd()
        tb.vm.start()
        r.timings["boot"] = tb.vm.boot_seconds
        emit(f"interop: kernel {tb.vm.kernel_release} up in {tb.vm.boot_seconds:.1f} s")
        tb.vm.sh("k_dmesg >/dev/null")
        for name in names:
            r.scenario = name
            t = time.monotonic()
            try:
                _reset(tb)
                SCENARIOS[name](Sides(tb, r))
            except Exception as e:   # the next scenario starts from scratch
                r.check("error", False, f"{type(e).__name__}: {e}")
            r.timings[name] = time.monotonic() - t
        r.scenario = "poweroff"
        tb.udrbd("down", "r0", check=False)
        tb.vm.run("k_down")
        r.check("clean", tb.vm.poweroff() == 0, "VM powered off")
    r.timings["total"] = time.monotonic() - t0
    emit("interop: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.timings.items()))
    return r


def main(argv):
    import argparse
    import shutil
    import tempfile
    import image
    ap = argparse.ArgumentParser(prog="scenarios.py")
    ap.add_argument("--keep", help="work directory to keep (logs, disks)")
    ap.add_argument("names", nargs="*", metavar="SCENARIO", help=", ".join(SCENARIOS))
    args = ap.parse_args(argv)
    for n in args.names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n}")
    build = os.environ.get("UDRBD_BUILD", os.path.join(ROOT, "build"))
    img = image.build(build)
    tmp = args.keep or tempfile.mkdtemp(prefix="udrbd-interop.")
    os.makedirs(tmp, exist_ok=True)
    try:
        r = run(tmp, img, args.names)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if r.failed() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
