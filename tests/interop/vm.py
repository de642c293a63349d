"""One QEMU virtual machine running Debian's kernel with DRBD 8.4, driven
over its serial console (TESTBED.md "The real Linux kernel DRBD, in a
virtual machine").

The initrd is the cached base image (image.py) with a small cpio appended
that carries /scenario/*.sh for this boot; the kernel unpacks both, the
later one on top. vm/iop-shell then runs commands the host sends:

    vm = VM(image, workdir, files={"config.sh": ..., "kernel.sh": ...},
            disks=[path], netns=ns, tap="tap0")
    vm.start()                     # boots, waits for "IOP READY"
    rc, out = vm.run("k_wait_cs Connected 20")
    vm.sh("cat /proc/drbd")        # output, or AssertionError on rc != 0
    vm.poweroff()                  # clean power-off, QEMU exits

Every console line goes to workdir/console.log, every command with its
duration to workdir/commands.log. close() kills QEMU if it is still
running (also on failure paths).
"""
import base64
import os
import queue
import shutil
import subprocess
import threading
import time

from image import Cpio

QEMU = "qemu-system-x86_64"


def unavailable():
    """Why no VM can start here, or None."""
    if shutil.which(QEMU) is None:
        return f"{QEMU} is not installed (package qemu-system-x86)"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing (tap networking)"
    if os.geteuid() != 0:
        return "needs root (network namespace and tap device)"
    return None


class VM:
    def __init__(self, image, workdir, files, disks=(), netns=None, tap=None,
                 mac="52:54:00:12:34:56", memory=384):
        self.image = image
        self.workdir = workdir
        self.files = files
        self.disks = list(disks)
        self.netns = netns
        self.tap = tap
        self.mac = mac
        self.memory = memory
        self.proc = None
        self.lines = queue.Queue()
        self.seq = 0
        self.log = os.path.join(workdir, "console.log")
        self.cmdlog = os.path.join(workdir, "commands.log")     # each command's time
        self.boot_seconds = None
        self._reader = None

    def _initrd(self):
        c = Cpio()
        for name, text in sorted(self.files.items()):
            c.file(f"/scenario/{name}", text.encode(), 0o644)
        path = os.path.join(self.workdir, "initrd.cpio")
        with open(self.image.initrd, "rb") as base, open(path, "wb") as f:
            shutil.copyfileobj(base, f)
            f.write(c.bytes())
        return path

    def argv(self):
        a = [QEMU, "-accel", "tcg", "-cpu", "max", "-m", str(self.memory), "-smp", "1",
             "-nodefaults", "-nographic", "-no-reboot", "-serial", "stdio",
             "-kernel", self.image.kernel, "-initrd", self._initrd(),
             "-append", "console=ttyS0 panic=-1 quiet loglevel=1"]
        for d in self.disks:
            a += ["-drive", f"file={d},format=raw,if=virtio,cache=writeback"]
        if self.tap:
            a += ["-netdev", f"tap,id=n0,ifname={self.tap},script=no,downscript=no",
                  "-device", f"virtio-net-pci,netdev=n0,mac={self.mac}"]
        if self.netns:
            a = ["ip", "netns", "exec", self.netns] + a
        return a

    def _read(self, out, logf):
        for raw in out:
            line = raw.decode(errors="replace").rstrip("\r\n")
            # The firmware's and the kernel's terminal resets precede the
            # first line on the same row.
            i = line.find("IOP ")
            if i > 0:
                line = line[i:]
            logf.write(f"{time.monotonic():.3f} {line}\n")
            logf.flush()
            self.lines.put(line)
        self.lines.put(None)

    def start(self, timeout=90):
        t0 = time.monotonic()
        logf = open(self.log, "a")
        self.proc = subprocess.Popen(self.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout, logf),
                                        daemon=True)
        self._reader.start()
        line = self._expect(lambda l: l.startswith("IOP READY"), timeout, "IOP READY")
        self.boot_seconds = time.monotonic() - t0
        self.kernel_release = line.split()[2]
        return self

    def _next(self, deadline, what):
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"VM: timed out waiting for {what}\n{self.tail()}")
        if line is None:
            raise AssertionError(f"VM: QEMU ended while waiting for {what}\n{self.tail()}")
        if line.startswith("IOP ERROR"):
            raise AssertionError(f"VM: {line}\n{self.tail()}")
        return line

    def _expect(self, match, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            line = self._next(deadline, what)
            if match(line):
                return line

    def tail(self, n=40):
        if not os.path.exists(self.log):
            return ""
        with open(self.log, errors="replace") as f:
            return "console:\n" + "".join(f.readlines()[-n:])

    def run(self, cmd, timeout=60):
        """Runs a shell command in the VM: (exit status, its output)."""
        self.seq += 1
        seq = str(self.seq)
        b64 = base64.b64encode(cmd.encode()).decode()
        self.proc.stdin.write(f"IOP CMD {seq} {b64}\n".encode())
        self.proc.stdin.flush()
        out = []
        t0 = time.monotonic()
        deadline = t0 + timeout
        while True:
            f = self._next(deadline, f"command {cmd!r}").split(" ", 3)
            if f[:3] == ["IOP", "OUT", seq]:
                out.append(f[3] if len(f) > 3 else "")
            elif f[:3] == ["IOP", "RC", seq]:
                with open(self.cmdlog, "a") as log:
                    log.write(f"{t0:.3f} {time.monotonic() - t0:6.2f}s rc={f[3]} {cmd}\n")
                return int(f[3]), "\n".join(out) + ("\n" if out else "")

    def sh(self, cmd, timeout=60):
        rc, out = self.run(cmd, timeout)
        if rc != 0:
            raise AssertionError(f"VM: {cmd!r} -> {rc}\n{out}")
        return out

    def poweroff(self, timeout=30):
        self.proc.stdin.write(b"IOP POWEROFF\n")
        self.proc.stdin.flush()
        self._expect(lambda l: l == "IOP BYE", timeout, "IOP BYE")
        self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._reader:
            self._reader.join(timeout=5)
