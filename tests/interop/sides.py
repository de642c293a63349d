"""What every interop scenario works with: the registry, the RESULT rows,
and Sides, the testbed seen from one scenario (the kernel through the VM's
kernel.sh functions, udrbd through our drbdsetup and its NBD export).

    @scenario
    def name(s):                  # s: Sides
        s.kernel_up("--protocol=C"); s.host_up("C")
        s.kernel_wait("kernel-connected", "Connected", CONNECTED_84)
        s.r.check("some-check", ok, "detail")
"""
import hashlib
import os
import re
import shlex
import subprocess
import tempfile
import time
from collections import namedtuple

from testbed import PEER, file_hash

Row = namedtuple("Row", "scenario check ok detail")
SCENARIOS = {}
KiB = 1024
MiB = 1 << 20

CONNECTED_84 = "cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent"
SYNCED_84 = "cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate"


def host_status(role, disk, peer_role=None, peer_disk=None, connection=None):
    """udrbd's `drbdsetup status r0` for one peer: Connected (peer_role,
    peer_disk) or in another connection state."""
    peer = (f"{PEER} connection:{connection}\n" if connection else
            f"{PEER} role:{peer_role}\n    peer-disk:{peer_disk}\n")
    return f"r0 role:{role}\n  disk:{disk}\n  {peer}\n"


STATUS_CONNECTED = host_status("Secondary", "Inconsistent", "Secondary", "Inconsistent")
STATUS_STANDALONE = host_status("Secondary", "Inconsistent", connection="StandAlone")
STATUS_SYNCED = host_status("Secondary", "UpToDate", "Secondary", "UpToDate")


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


def sha256(data):
    return hashlib.sha256(data).hexdigest()


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


def reset(tb):
    """Both sides down, with fresh meta data (UUIDs "just created") on an
    empty udrbd backing file and on the VM's vda."""
    tb.udrbd("down", "r0", check=False)
    tb.vm.run("k_down")
    tb.vm.sh("K_DISK=/dev/vda && k_create_md >/dev/null")
    tb.host_disk_new()


class Sides:
    """The testbed with per-scenario views of the two logs."""

    def __init__(self, tb, r):
        self.tb, self.r, self.vm = tb, r, tb.vm
        self.klog_all = ""
        # The host's file behind the kernel's K_DISK (reset() picks vda).
        self.kernel_image = tb.vm_disks[0]
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
        text = re.sub(r"^\[ *[0-9.]+\] ", "", self.vm.sh("k_dmesg"), flags=re.M)
        self.dmesg += text
        self.klog_all += text
        return self.dmesg

    # --- bringing the sides up -------------------------------------------

    def kernel_up(self, *net):
        self.vm.sh("k_attach && k_connect " + " ".join(map(shlex.quote, net)))

    def host_up(self, protocol, *net):
        self.tb.host_up(protocol, *net)
        self.tb.udrbd("connect", "r0", "1")

    def fast_resync(self):
        """A fixed resync rate of 100 MiB/s on both sides (c-plan-ahead 0):
        the default controllers pace a 64 MiB sync over 1-20 s under
        emulation, depending on the machine's load. The sync-from-*
        scenarios keep the defaults."""
        self.vm.sh("drbdsetup-84 disk-options $K_MINOR --c-plan-ahead=0 --resync-rate=100M")
        self.tb.udrbd("peer-device-options", "r0", "1", "0", "--c-plan-ahead=0",
                      "--resync-rate=100M")

    def synced(self, protocol="C", *net):
        """Both sides up with the same net options, Connected, the kernel's
        vda fully synced to udrbd (the kernel's `primary --force`), both
        Secondary and UpToDate again. False (with a failed check) when not."""
        self.kernel_up(f"--protocol={protocol}", *net)
        self.host_up(protocol, *net)
        self.fast_resync()
        if not self.kernel_wait("setup-connected", "Connected", CONNECTED_84):
            return False
        self.tb.wait_host_status(STATUS_CONNECTED)
        self.vm.sh("k_primary --force")
        if not self.kernel_wait_line("setup-synced", "cs:Connected ro:Primary/Secondary "
                                     "ds:UpToDate/UpToDate", timeout=60):
            return False
        self.vm.sh("k_secondary")
        return self.host_wait("setup-udrbd-synced", STATUS_SYNCED)

    # --- waiting and logging ---------------------------------------------

    def kernel_wait(self, name, cs, want=None, timeout=30):
        """Waits for the kernel's connection state; checks its /proc/drbd
        line starts with want (default: cs:<cs>)."""
        rc, out = self.vm.run(f"k_wait_cs {cs} {timeout}", timeout=timeout + 30)
        line = out.strip().splitlines()[-1] if out.strip() else ""
        return self.r.check(name, rc == 0 and line.startswith(want or f"cs:{cs}"), line)

    def kernel_wait_line(self, name, want, timeout=30):
        """Waits until the kernel's /proc/drbd line starts with want."""
        rc, out = self.vm.run(f"k_wait {shlex.quote(want)} {timeout}", timeout=timeout + 30)
        return self.r.check(name, rc == 0, out.strip().splitlines()[-1] if out.strip() else "")

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

    # --- udrbd's device ----------------------------------------------------

    def host_stats(self):
        return self.tb.udrbd("status", "r0", "--verbose", "--statistics", check=False).stdout

    def host_stat(self, field):
        """A number from udrbd's verbose status: the device's "size" (KiB)
        or the peer's "out-of-sync" (KiB); None when absent."""
        m = re.search(rf"(?<![-\w]){field}:(\d+)", self.host_stats())
        return int(m.group(1)) if m else None

    def host_role(self, role, timeout=10):
        """primary/secondary on udrbd; secondary is retried until the last
        NBD client's close has reached udrbdd."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.tb.udrbd(role, "r0", check=False)
            if r.returncode == 0 or time.monotonic() > deadline:
                assert r.returncode == 0, f"udrbd {role}: {r.stdout}{r.stderr}"
                return
            time.sleep(0.05)

    def nbd_uri(self):
        return f"nbd+unix:///drbd0?socket={os.path.join(self.tb.host.dir, 'nbd.sock')}"

    def nbd_write(self, offset, data):
        """Writes data at offset through udrbd's NBD export (qemu-io, then
        a flush); returns its sha256."""
        with tempfile.NamedTemporaryFile(dir=self.tb.tmp) as f:
            f.write(data)
            f.flush()
            r = subprocess.run(["qemu-io", "-f", "raw", self.nbd_uri(), "-c",
                                f"write -s {f.name} {offset} {len(data)}", "-c", "flush"],
                               capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and "error" not in r.stdout.lower(), r.stdout + r.stderr
        return sha256(data)

    def nbd_read_all(self):
        """The whole device, read through udrbd's NBD export (nbdcopy)."""
        path = os.path.join(self.tb.tmp, "nbd-read.img")
        r = subprocess.run(["nbdcopy", self.nbd_uri(), path], capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        return data

    # --- both ----------------------------------------------------------------

    def same_data(self, name):
        """The data areas (the first /sys/block/drbd0/size sectors of the
        kernel's disk; udrbd's backing file) hash alike. The kernel's disk
        is read from its image on the host (DRBD's writes have reached it
        once they completed; hashing 64 MiB in the emulated VM costs ~4 s),
        or in the VM when kernel_image is None."""
        size = int(self.vm.sh("k_size")) * 512
        if self.kernel_image:
            khash = file_hash(self.kernel_image, size)
        else:
            khash = self.vm.sh(f"k_hash {size}").strip()
        hhash = file_hash(self.tb.host_disk, size)
        return self.r.check(name, size > 0 and khash == hhash,
                            f"{size} bytes: kernel {khash[:16]}, udrbd {hhash[:16]}")
