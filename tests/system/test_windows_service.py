"""udrbdd.exe as a Windows service under Wine's service control manager:
`udrbd service install|start|stop|status|uninstall`, `net start/stop`,
drbdsetup.exe through the service's pipe, and a stop that takes a Primary
down cleanly (the same path as SIGTERM on Linux).

Runs in a private Wine prefix (tests/system/winprefix.py); uses the build
directory of tests/run-windows.sh (UDRBD_BUILD_WIN, default build-win)."""
import os
import struct

import pytest

from conftest import free_port
from winprefix import WinePrefix, need_win_build, win_exe, winpath

MiB = 1 << 20
UDRBD, UDRBDD, DRBDSETUP, DRBDMETA = ("cmd/udrbd.exe", "cmd/udrbdd.exe",
                                      "cmd/drbdsetup.exe", "md/drbdmeta.exe")
# drbd-metadata-resync.md §1.6
MDF_PRIMARY_IND = 0x02
MDF_CRASHED_PRIMARY = 0x40


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    need_win_build(UDRBD, UDRBDD, DRBDSETUP, DRBDMETA)
    p = WinePrefix(str(tmp_path_factory.mktemp("wine-svc") / "prefix"))
    try:
        yield p.start()
    finally:
        p.stop()


class Service:
    def __init__(self, prefix, tmp):
        self.p = prefix
        self.log = os.path.join(tmp, "svc.log")
        self.port = free_port()

    def udrbd(self, *args):
        return self.p.run(win_exe(UDRBD), *args)

    def drbdsetup(self, *args):
        return self.p.run(win_exe(DRBDSETUP), *args, timeout=60)

    def install(self):
        r = self.udrbd("service", "install", "--log-file", winpath(self.log),
                       "--log-level", "debug", "--nbd-listen", f"127.0.0.1:{self.port}")
        assert r.returncode == 0, r.stdout + r.stderr
        return self

    def state(self):
        r = self.udrbd("service", "status")
        return r.stdout.strip() if r.returncode == 0 else r.stderr.strip()

    def wait_state(self, want, timeout=120):
        """Wine's net stop returns while the stop is still pending."""
        import time
        deadline = time.monotonic() + timeout
        while self.state() != want and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.state()

    def read_log(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def remove(self):
        self.udrbd("service", "uninstall")


@pytest.fixture
def service(prefix, tmp_path):
    s = Service(prefix, str(tmp_path))
    try:
        yield s.install()
    finally:
        s.remove()


def sb_flags(path):
    """The super block's flags (§1.6, at 0x38 of the last 4 KiB block)."""
    with open(path, "rb") as f:
        f.seek((os.path.getsize(path) & ~4095) - 4096 + 0x38)
        return struct.unpack(">I", f.read(4))[0]


def test_install_registers_an_auto_start_service(service):
    # Wine's sc has no "qc": the SCM's registry key says the same.
    r = service.p.run("reg", "query", "HKLM\\System\\CurrentControlSet\\Services\\udrbd")
    assert r.returncode == 0, r.stdout
    values = dict(line.split(None, 2)[0::2] for line in r.stdout.splitlines()
                  if line.startswith("    "))
    assert values["Start"] == "0x2", values  # SERVICE_AUTO_START
    assert values["Type"] == "0x10", values  # SERVICE_WIN32_OWN_PROCESS
    assert values["ObjectName"] == "LocalSystem"
    assert values["ImagePath"] == (f"{winpath(win_exe(UDRBDD))} --service --log-file "
                                   f"{winpath(service.log)} --log-level debug "
                                   f"--nbd-listen 127.0.0.1:{service.port}"), values
    assert service.state() == "stopped"
    r = service.udrbd("service", "install")
    assert r.returncode == 1
    assert r.stderr == "udrbd: the service udrbd is already installed\n"


def test_net_start_serves_the_pipe_and_net_stop_takes_a_primary_down(service, tmp_path):
    disk = str(tmp_path / "disk.img")
    with open(disk, "wb") as f:
        f.truncate(16 * MiB)
    r = service.p.run(win_exe(DRBDMETA), "--force", "0", "v09", winpath(disk), "internal",
                      "create-md", "1")
    assert r.returncode == 0, r.stderr

    r = service.p.run("net", "start", "udrbd")
    assert r.returncode == 0, r.stdout + r.stderr
    assert service.state() == "running"
    r = service.drbdsetup("status")
    assert (r.returncode, r.stdout) == (0, "# No currently configured DRBD found.\n")
    for args in (["new-resource", "r0", "0"], ["new-minor", "r0", "0", "0"],
                 ["attach", "0", winpath(disk), winpath(disk), "internal"],
                 ["primary", "r0", "--force"]):
        r = service.drbdsetup(*args)
        assert r.returncode == 0, f"{args}: {r.stderr}\n{service.read_log()}"
    assert service.drbdsetup("status", "r0").stdout == "r0 role:Primary\n  disk:UpToDate\n\n"
    assert sb_flags(disk) & MDF_PRIMARY_IND

    r = service.p.run("net", "stop", "udrbd")
    assert r.returncode == 0, r.stdout + r.stderr
    assert service.wait_state("stopped") == "stopped"
    log = service.read_log()
    assert "stopping: taking all resources down" in log and "r0/0: detached" in log, log
    # Demoted and written before the process ended: no crashed Primary.
    assert sb_flags(disk) & (MDF_PRIMARY_IND | MDF_CRASHED_PRIMARY) == 0
    r = service.drbdsetup("status")
    assert r.returncode == 20 and "cannot reach udrbdd" in r.stderr


def test_udrbd_service_start_stop_uninstall(service):
    assert service.udrbd("service", "start").returncode == 0
    assert service.state() == "running"
    # Twice is fine: it is running.
    assert service.udrbd("service", "start").returncode == 0
    assert service.drbdsetup("status").returncode == 0
    assert service.udrbd("service", "stop").returncode == 0
    assert service.state() == "stopped"
    assert service.udrbd("service", "start").returncode == 0
    # Uninstall stops a running service first.
    r = service.udrbd("service", "uninstall")
    assert r.returncode == 0, r.stderr
    assert service.drbdsetup("status").returncode == 20
    r = service.udrbd("service", "status")
    assert r.returncode == 1
    assert r.stderr == "udrbd service status: the service udrbd is not installed\n"
    assert service.p.run("sc", "query", "udrbd").returncode != 0


def test_service_that_cannot_start_reports_stopped(prefix, tmp_path):
    """A udrbdd that fails during start (its NBD port taken) ends in
    STOPPED with its exit code, and `udrbd service start` says so."""
    s = Service(prefix, str(tmp_path))
    blocker = __import__("socket").socket()
    blocker.bind(("127.0.0.1", s.port))
    blocker.listen()
    try:
        s.install()
        r = s.udrbd("service", "start")
        assert r.returncode == 1
        assert r.stderr == "udrbd service start: it stopped again (see its log)\n"
        assert s.state() == "stopped"
        assert "cannot start the NBD server" in s.read_log()
    finally:
        blocker.close()
        s.remove()


def test_service_flag_in_a_console_runs_there(prefix, tmp_path):
    """--service without a service manager: udrbdd says so and serves in
    the console, stopped by Ctrl-C as usual."""
    import signal
    import subprocess
    import time

    log = str(tmp_path / "console.log")
    pipe = f"\\\\.\\pipe\\udrbd-console-{os.getpid()}"
    with open(log, "wb") as logf:
        proc = subprocess.Popen(["wine", win_exe(UDRBDD), "--service", "--control", pipe,
                                 "--nbd-listen", f"127.0.0.1:{free_port()}"],
                                env=prefix.env, stdin=subprocess.DEVNULL, stdout=logf,
                                stderr=logf)
    try:
        deadline = time.monotonic() + 60
        while "ready; control channel" not in open(log).read():
            assert proc.poll() is None and time.monotonic() < deadline, open(log).read()
            time.sleep(0.05)
        assert "not started by the service manager: running in the console" in open(log).read()
        env = dict(prefix.env, UDRBD_CONTROL=pipe)
        r = subprocess.run(["wine", win_exe(DRBDSETUP), "status"], env=env,
                           capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        assert r.returncode == 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
