"""udrbd log-server receives udrbdd's RFC 5424 syslog over UDP on
127.0.0.1: resource creation, attach and role changes arrive as
   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
with facility daemon and the message's severity, printed on stdout and
appended to -o FILE. Under Wine: udrbdd.exe sends to the native server
(given --syslog, or the registry's syslog_ip as WinDRBD keeps it),
reports to the Event Log (Wine traces ReportEventW), and udrbd.exe
log-server receives the native udrbdd."""
import datetime
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import BUILD, Udrbdd, make_backing, need

MiB = 1 << 20
UDRBD = os.path.join(BUILD, "cmd", "udrbd")
RFC5424 = re.compile(r"<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)")
FACILITY_DAEMON = 3
SEVERITY = {"error": 3, "warning": 4, "notice": 5, "info": 6, "debug": 7}
# What the scenario must produce, with its severity.
EXPECTED = [("r0: created, node-id 0", "notice"), ("r0/0: minor 0 created", "notice"),
            ("r0/0: attached ", "notice"), ("disk Inconsistent", "notice"),
            ("r0/0: forced promotion: new current UUID", "warning"),
            ("r0: Primary (forced)", "notice"), ("r0: Secondary", "notice")]


class LogServer:
    """One `udrbd log-server` (native or .exe) on a free port; lines() is
    what it printed, file() what it appended to -o."""

    def __init__(self, tmp, argv, out_name=None, env=None):
        self.out = os.path.join(tmp, "received.log")
        self.err = os.path.join(tmp, "log-server.err")
        self.stdout = os.path.join(tmp, "log-server.out")
        with open(self.stdout, "wb") as so, open(self.err, "wb") as se:
            self.proc = subprocess.Popen(
                argv + ["log-server", "--port", "0", "-o", out_name or self.out],
                stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env)
        self.port = self._wait_port()

    def _wait_port(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            m = re.search(r"receiving syslog on 127\.0\.0\.1:(\d+)", self.read(self.err))
            if m:
                return int(m.group(1))
            assert self.proc.poll() is None, self.read(self.err)
            time.sleep(0.05)
        raise AssertionError("log-server did not start: " + self.read(self.err))

    @staticmethod
    def read(path):
        with open(path, errors="replace") as f:
            return f.read()

    def lines(self):
        return self.read(self.stdout).splitlines()

    def file(self):
        return self.read(self.out).splitlines() if os.path.exists(self.out) else []

    def wait_for(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines()):
                return
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never arrived; got:\n" + "\n".join(self.lines()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_with(daemon, args):
    """daemon.start() with args added to the command line it runs (the
    shared Udrbdd/WinUdrbdd classes take no logging options)."""
    real = subprocess.Popen

    def popen(argv, **kw):
        return real(argv + args, **kw)
    subprocess.Popen = popen
    try:
        return daemon.start()
    finally:
        subprocess.Popen = real


def parse(line):
    m = RFC5424.fullmatch(line)
    assert m, f"not RFC 5424: {line!r}"
    pri, ts, host, app, procid, msgid, sd, msg = m.groups()
    # RFC 5424 §6.2.3: full-date "T" full-time with an offset
    stamp = datetime.datetime.fromisoformat(ts)
    assert stamp.tzinfo is not None, ts
    return dict(facility=int(pri) // 8, severity=int(pri) % 8, host=host, app=app,
                procid=procid, msgid=msgid, sd=sd, msg=msg)


def check_messages(lines, pid, host=None):
    """Every line is RFC 5424 from udrbdd (pid); the scenario's messages
    are there with their severities."""
    msgs = [parse(line) for line in lines]
    assert msgs
    for m in msgs:
        assert (m["facility"], m["app"], m["procid"], m["msgid"], m["sd"]) == \
            (FACILITY_DAEMON, "udrbdd", str(pid), "-", "-"), m
        if host:
            assert m["host"] == host
    for text, level in EXPECTED:
        hits = [m for m in msgs if text in m["msg"]]
        assert hits, f"{text!r} missing from {[m['msg'] for m in msgs]}"
        assert hits[0]["severity"] == SEVERITY[level], hits[0]


def scenario(run, disk):
    for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                 ("attach", "0", disk, disk, "internal"), ("primary", "r0", "--force"),
                 ("secondary", "r0")):
        r = run(*args)
        assert r.returncode == 0, f"{args}: {r.stdout}{r.stderr}"


@pytest.fixture
def log_server(tmp_path):
    need(os.path.exists(UDRBD), f"{UDRBD} is not built")
    srv = LogServer(str(tmp_path), [UDRBD])
    yield srv
    srv.stop()


@pytest.mark.parametrize("form", ["host:port", ":port"])
def test_udrbdd_to_log_server(tmp_path, log_server, form):
    target = f"127.0.0.1:{log_server.port}" if form == "host:port" else f":{log_server.port}"
    os.makedirs(tmp_path / "d")
    d = start_with(Udrbdd(str(tmp_path / "d")), ["--syslog", target])
    try:
        disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
        scenario(d.run, disk)
        log_server.wait_for("r0: Secondary")
        pid = d.proc.pid
    finally:
        d.stop()
    log_server.wait_for("r0: deleted")
    log_server.stop()
    lines = log_server.lines()
    check_messages(lines, pid, socket.gethostname())
    assert log_server.file() == lines


def test_log_server_refuses_bad_arguments(tmp_path):
    need(os.path.exists(UDRBD), f"{UDRBD} is not built")
    for args in (["--port", "70000"], ["--port"], ["--bogus", "1"]):
        r = subprocess.run([UDRBD, "log-server", *args], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode == 1 and "usage: udrbd log-server" in r.stderr
    # the port is taken: a clear error, not a hang
    srv = LogServer(str(tmp_path), [UDRBD])
    try:
        r = subprocess.run([UDRBD, "log-server", "--port", str(srv.port)],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and "cannot receive syslog on 127.0.0.1" in r.stderr
    finally:
        srv.stop()


def test_log_server_one_line_per_datagram(log_server):
    """Senders that end a message in a newline or NUL still give one line."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for msg in (b"<13>1 - h a 1 - - one\n", b"<13>1 - h a 1 - - two\0",
                    b"<13>1 - h a 1 - - three"):
            s.sendto(msg, ("127.0.0.1", log_server.port))
    log_server.wait_for("three")
    assert log_server.lines() == ["<13>1 - h a 1 - - one", "<13>1 - h a 1 - - two",
                                  "<13>1 - h a 1 - - three"]


# ---- under Wine --------------------------------------------------------------

REG_KEYS = {"udrbd": r"HKLM\SYSTEM\CurrentControlSet\Services\udrbd",
            "WinDRBD": r"HKLM\SYSTEM\CurrentControlSet\Services\WinDRBD"}


def win_udrbdd(tmp, args, env=None):
    from test_windows import WinUdrbdd
    os.makedirs(tmp, exist_ok=True)
    w = WinUdrbdd(tmp)
    w.env.update(env or {})
    return start_with(w, args)


def win_scenario(tmp_path, w):
    from test_windows import winpath
    disk = str(tmp_path / "win.img")
    make_backing(disk, 64 * MiB)
    scenario(w.run, winpath(disk))


@pytest.mark.parametrize("how", ["option", "registry-udrbd", "registry-WinDRBD"])
def test_udrbdd_exe_to_log_server(wineserver, tmp_path, log_server, how):
    from test_windows import WINE_ENV
    reg = None
    args = [] if how != "option" else ["--syslog", f"127.0.0.1:{log_server.port}"]
    if how != "option":
        reg = REG_KEYS[how.split("-")[1]]
        r = subprocess.run(["wine", "reg", "add", reg, "/v", "syslog_ip", "/t", "REG_SZ",
                            "/d", f"127.0.0.1:{log_server.port}", "/f"], env=WINE_ENV,
                           capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
        assert r.returncode == 0, r.stderr
    try:
        w = win_udrbdd(str(tmp_path), args)
        try:
            win_scenario(tmp_path, w)
            log_server.wait_for("r0: Secondary")
        finally:
            w.stop()
    finally:
        if reg:
            subprocess.run(["wine", "reg", "delete", reg, "/v", "syslog_ip", "/f"],
                           env=WINE_ENV, capture_output=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    log_server.wait_for("r0: deleted")
    # The .exe's PID is Wine's, not the Linux process's: take it from the
    # first message and hold every other one to it.
    check_messages(log_server.lines(), parse(log_server.lines()[0])["procid"])


def test_udrbdd_exe_event_log(wineserver, tmp_path):
    """Wine's ReportEventW traces its strings on channel eventlog: notice
    and above by default, nothing with --event-log-level off."""
    trace = {"WINEDEBUG": "-all,+eventlog"}
    w = win_udrbdd(str(tmp_path / "a"), [], trace)
    try:
        win_scenario(tmp_path, w)
    finally:
        w.stop()
    log = w.read_log()
    reported = re.findall(r'ReportEventW L"(.*)"', log)
    assert any("ready; control channel" in m for m in reported), log
    assert any("r0: Primary (forced)" in m for m in reported), reported
    # info is below the default threshold (notice)
    assert not any("nbd: export drbd0" in m for m in reported), reported

    w = win_udrbdd(str(tmp_path / "b"), ["--event-log-level", "off"], trace)
    w.stop()
    assert "ready; control channel" in w.read_log()
    assert "ReportEventW" not in w.read_log()


def test_udrbd_exe_log_server(wineserver, tmp_path):
    from test_windows import BUILD_WIN, WINE_ENV, winpath
    exe = os.path.join(BUILD_WIN, "cmd", "udrbd.exe")
    need(os.path.exists(exe), f"{exe} is not built")
    os.makedirs(tmp_path / "srv")
    out = str(tmp_path / "srv" / "received.log")
    srv = LogServer(str(tmp_path / "srv"), ["wine", exe], winpath(out), WINE_ENV)
    try:
        os.makedirs(tmp_path / "d")
        d = start_with(Udrbdd(str(tmp_path / "d")), ["--syslog", f"127.0.0.1:{srv.port}"])
        try:
            scenario(d.run, make_backing(str(tmp_path / "disk.img"), 64 * MiB))
            pid = d.proc.pid
        finally:
            d.stop()
        srv.wait_for("r0: deleted")
    finally:
        srv.stop()
    check_messages(srv.lines(), pid, socket.gethostname())
    assert srv.file() == srv.lines()


from test_windows import wineserver  # noqa: E402,F401
