"""The Windows (mingw-w64) build under Wine against the Linux build:
drbdmeta.exe writes the same bytes, and udrbdd.exe driven by drbdsetup.exe
over a named pipe serves a Primary device that Linux NBD clients read and
write, says what the Linux engine says, and stops cleanly on Ctrl-C.

Uses the build directory of tests/run-windows.sh (UDRBD_BUILD_WIN, default
build-win) with its Wine prefix, and the Linux build (UDRBD_BUILD)."""
import hashlib
import itertools
import os
import signal
import struct
import subprocess
import time

import pytest

from conftest import BUILD, ROOT, Udrbdd, drbdmeta, free_port, need, need_tool

MiB = 1 << 20
BUILD_WIN = os.environ.get("UDRBD_BUILD_WIN", os.path.join(ROOT, "build-win"))
PREFIX = os.path.join(BUILD_WIN, "wineprefix")
WINE_ENV = dict(os.environ, WINEPREFIX=PREFIX, WINEDEBUG="-all",
                WINEDLLOVERRIDES="mscoree,mshtml=")
EXES = {"drbdmeta": "md/drbdmeta.exe", "udrbdd": "cmd/udrbdd.exe",
        "drbdsetup": "cmd/drbdsetup.exe"}
# drbd-metadata-resync.md §1.6
MDF_PRIMARY_IND = 0x02
MDF_CRASHED_PRIMARY = 0x40
_pipes = itertools.count()


def exe(name):
    return os.path.join(BUILD_WIN, EXES[name])


def winpath(path):
    """The name a Windows user types: Wine maps drive Z: to /."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def run_bytes(argv, env, timeout=120):
    """Output decoded without newline translation, so "\r\n" shows."""
    r = subprocess.run(argv, capture_output=True, env=env, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()
    return r


def wine(name, *args, env=None, timeout=120):
    return run_bytes(["wine", exe(name), *args], env or WINE_ENV, timeout)


@pytest.fixture(scope="module")
def wineserver():
    """A persistent wineserver for the prefix (each wine start then costs
    ~0.1 s), unless one already runs there; ours is taken down at the end
    with every process it served."""
    for tool in ("wine", "wineserver"):
        need_tool(tool)
    for name in EXES:
        need(os.path.exists(exe(name)),
             f"{exe(name)} is missing (tests/run-windows.sh builds it)")
    for path in ("md/drbdmeta", "cmd/udrbdd", "cmd/drbdsetup"):
        need(os.path.exists(os.path.join(BUILD, path)), f"Linux build has no {path}")
    # wineserver needs the prefix's directory; wine fills it on first start.
    os.makedirs(PREFIX, exist_ok=True)
    server = subprocess.Popen(["wineserver", "-f", "-p"], env=WINE_ENV,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # Starts the prefix's services with output going nowhere: a test's
        # wine process that started them would lend them its pipes.
        r = subprocess.run(["wine", "cmd", "/c", "exit"], env=WINE_ENV, timeout=300,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        assert r.returncode == 0, "wine does not start"
        yield
    finally:
        # Exit code 2: another wineserver had the prefix already.
        if server.poll() is None:
            subprocess.run(["wineserver", "-k"], env=WINE_ENV, timeout=30)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.mark.parametrize("size", [64 * MiB, 64 * MiB + 1234567], ids=["64MiB", "odd"])
@pytest.mark.parametrize("peers", [1, 2, 31])
def test_drbdmeta_exe_create_md_matches_linux(wineserver, tmp_path, size, peers):
    win, lin = str(tmp_path / "win.img"), str(tmp_path / "lin.img")
    for path in (win, lin):
        with open(path, "wb") as f:
            f.truncate(size)
    rw = wine("drbdmeta", "--force", "0", "v09", winpath(win), "internal", "create-md",
              str(peers))
    rl = run_bytes([os.path.join(BUILD, "md", "drbdmeta"), "--force", "0", "v09", lin,
                    "internal", "create-md", str(peers)], None)
    assert rl.returncode == 0, rl.stderr
    assert rw.returncode == 0, rw.stderr
    assert rw.stdout == rl.stdout
    assert rw.stderr.replace(winpath(win), "DISK") == rl.stderr.replace(lin, "DISK")
    assert os.path.getsize(win) == size
    with open(win, "rb") as a, open(lin, "rb") as b:
        assert hashlib.sha256(a.read()).digest() == hashlib.sha256(b.read()).digest()


class WinUdrbdd:
    """udrbdd.exe under Wine on a named pipe of its own; run() calls
    drbdsetup.exe against it."""

    def __init__(self, tmp):
        self.pipe = f"\\\\.\\pipe\\udrbd-test-{os.getpid()}-{next(_pipes)}"
        self.env = dict(WINE_ENV, UDRBD_CONTROL=self.pipe)
        self.port = free_port()
        self.log = os.path.join(tmp, "udrbdd-win.log")
        self.proc = None

    def start(self):
        # The wine launcher execs the loader: this PID is udrbdd.exe's.
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(
                ["wine", exe("udrbdd"), "--control", self.pipe, "--nbd-listen",
                 f"127.0.0.1:{self.port}", "--no-nbd-socket", "--log-level", "debug"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready; control channel" in self.read_log():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("udrbdd.exe did not start:\n" + self.read_log())

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def run(self, *args, check=False):
        r = wine("drbdsetup", *args, env=self.env, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"drbdsetup.exe {' '.join(args)} -> {r.returncode}\n"
                                 f"{r.stdout}{r.stderr}\nlog:\n{self.read_log()}")
        return r

    def uri(self, minor=0):
        return f"nbd://127.0.0.1:{self.port}/drbd{minor}"

    def interrupt(self, timeout=30):
        """Ctrl-C: Wine turns SIGINT into a CTRL_C_EVENT for the process's
        console handlers (SIGTERM would end it at once, nothing written)."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            self.interrupt(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def nodes(wineserver, tmp_path):
    """A Windows node and its Linux twin, each with its own backing file."""
    os.makedirs(tmp_path / "lin")
    win = WinUdrbdd(str(tmp_path))
    lin = Udrbdd(str(tmp_path / "lin"))
    try:
        win.start()
        lin.start()
        yield win, lin
    finally:
        win.stop()
        lin.stop()


def make_disks(tmp_path, size):
    """The Windows node's backing file, made by drbdmeta.exe given its
    Windows name, and the Linux node's, made by the Linux drbdmeta."""
    win, lin = str(tmp_path / "win.img"), str(tmp_path / "lin" / "disk.img")
    for path in (win, lin):
        with open(path, "wb") as f:
            f.truncate(size)
    r = wine("drbdmeta", "--force", "0", "v09", winpath(win), "internal", "create-md", "1")
    assert r.returncode == 0, r.stderr
    r = drbdmeta("--force", "0", "v09", lin, "internal", "create-md", "1")
    assert r.returncode == 0, r.stderr
    return win, lin


def both(win, lin, *args):
    """The same drbdsetup command on both nodes gives the same exit code and
    output; returns the Windows result."""
    rw = win.run(*args)
    rl = run_bytes([os.path.join(BUILD, "cmd", "drbdsetup"), *args],
                   dict(os.environ, UDRBD_CONTROL=lin.control), timeout=60)
    assert (rw.returncode, rw.stdout, rw.stderr) == (rl.returncode, rl.stdout, rl.stderr), \
        f"drbdsetup {' '.join(args)}\nlog:\n{win.read_log()}"
    return rw


def bring_up(win, lin, disks):
    both(win, lin, "new-resource", "r0", "0")
    both(win, lin, "new-minor", "r0", "0", "0")
    dw, dl = winpath(disks[0]), disks[1]
    win.run("attach", "0", dw, dw, "internal", check=True)
    lin.run("attach", "0", dl, dl, "internal", check=True)


def sha256_prefix(path, n):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read(n)).hexdigest()


def sb_flags(path):
    """The super block's flags (§1.6, at 0x38 of the last 4 KiB block)."""
    with open(path, "rb") as f:
        f.seek((os.path.getsize(path) & ~4095) - 4096 + 0x38)
        return struct.unpack(">I", f.read(4))[0]


def test_udrbdd_exe_serves_primary_to_linux_nbdcopy(nodes, tmp_path):
    need_tool("nbdcopy")
    need_tool("nbdinfo")
    win, lin = nodes
    disks = make_disks(tmp_path, 80 * MiB)
    bring_up(win, lin, disks)
    r = both(win, lin, "status", "r0")
    assert r.stdout == "r0 role:Secondary\n  disk:Inconsistent\n\n", repr(r.stdout)
    r = both(win, lin, "primary", "r0")
    assert r.returncode == 17
    both(win, lin, "primary", "r0", "--force")
    r = both(win, lin, "status", "r0")
    assert r.stdout == "r0 role:Primary\n  disk:UpToDate\n\n", repr(r.stdout)

    src, out = str(tmp_path / "src.bin"), str(tmp_path / "out.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(64 * MiB))
    subprocess.run(["nbdcopy", src, win.uri()], check=True, timeout=120)
    subprocess.run(["nbdcopy", win.uri(), out], check=True, timeout=120)
    want = sha256_prefix(src, 64 * MiB)
    assert sha256_prefix(out, 64 * MiB) == want
    # Internal meta data: the data area starts at byte 0 of the backing file.
    assert sha256_prefix(disks[0], 64 * MiB) == want

    both(win, lin, "secondary", "r0")
    r = subprocess.run(["nbdinfo", win.uri()], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "export: drbd0" in r.stderr, r.stderr
    both(win, lin, "down", "r0")
    r = both(win, lin, "status", "r0")
    assert r.returncode == 10 and r.stderr == "r0: No such resource\n"
    assert win.interrupt() == 0, win.read_log()
    assert "stopping: taking all resources down" in win.read_log()


def test_udrbdd_exe_ctrl_c_while_primary_takes_resources_down(nodes, tmp_path):
    """Ctrl-C while Primary demotes and detaches before exiting: the super
    block carries the same flags as the Linux engine's after SIGTERM, with
    no trace of a Primary (which would mean a crash to apply-al)."""
    win, lin = nodes
    disks = make_disks(tmp_path, 16 * MiB)
    bring_up(win, lin, disks)
    both(win, lin, "primary", "r0", "--force")
    assert sb_flags(disks[0]) & MDF_PRIMARY_IND
    assert win.interrupt() == 0, win.read_log()
    lin.stop()
    assert lin.proc.returncode == 0
    log = win.read_log()
    assert "r0/0: detached" in log and "nbd: server stopped" in log, log
    flags = sb_flags(disks[0])
    assert flags & (MDF_PRIMARY_IND | MDF_CRASHED_PRIMARY) == 0, hex(flags)
    assert flags == sb_flags(disks[1])


def test_drbdsetup_exe_without_udrbdd(wineserver):
    env = dict(WINE_ENV, UDRBD_CONTROL=f"\\\\.\\pipe\\udrbd-test-{os.getpid()}-none")
    r = wine("drbdsetup", "status", "r0", env=env)
    assert r.returncode == 20
    assert "cannot reach udrbdd at \\\\.\\pipe\\udrbd-test-" in r.stderr, r.stderr
