"""Shared fixtures and a raw NBD client for the NBD system tests.

The tests run against every server kind in SERVER_KINDS. Today that is the
test file server (tests/system/nbd_file_server.c) which serves a plain file
through front/; the engine (udrbdd) plugs in by adding a class with the same
interface (start/stop, port, export, size, backing, set_available, demote,
open_count, log_text) to SERVER_KINDS.

Build directory: $UDRBD_BUILD, default /work/main/build.
"""
import os
import shutil
import socket
import struct
import subprocess
import time

import pytest

BUILD = os.environ.get("UDRBD_BUILD", "/work/main/build")
CI = os.environ.get("CI") == "true"
EXPORT_SIZE = 64 << 20


def need(cond, reason):
    """Skip when the environment lacks something; under CI=true, fail."""
    if cond:
        return
    if CI:
        pytest.fail("CI=true but " + reason)
    pytest.skip(reason)


def need_tool(*names):
    for n in names:
        need(shutil.which(n) is not None, "%s is not installed" % n)


class FileServer:
    """tests/system/nbd_file_server: one file as export drbd0."""

    name = "file"

    def __init__(self, tmp_path, size=EXPORT_SIZE, available=True, extra=()):
        exe = os.path.join(BUILD, "front", "nbd_file_server")
        need(os.access(exe, os.X_OK), "%s not built" % exe)
        self.export = "drbd0"
        self.size = size
        self.backing = str(tmp_path / "backing.img")
        self.logfile = str(tmp_path / "server.log")
        self.unix_path = str(tmp_path / "nbd.sock")
        args = [exe, "--port", "0", "--size", str(size), "--unix", self.unix_path]
        if not available:
            args.append("--unavailable")
        args += list(extra) + [self.backing]
        self._log = open(self.logfile, "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        assert line.startswith("ready port="), "server did not start: %r\n%s" % (
            line, self.log_text())
        self.port = int(line.split("=")[1])

    def _cmd(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def set_available(self, on):
        assert self._cmd("available" if on else "unavailable") == "ok"

    def demote(self):
        """Makes the export unavailable unless a client holds it: True if done."""
        return self._cmd("demote") == "ok"

    def open_count(self):
        return int(self._cmd("open-count"))

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        self._log.flush()
        with open(self.logfile) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self._cmd("quit")
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        assert self.proc.returncode == 0, "server exit %s\n%s" % (
            self.proc.returncode, self.log_text())

    def uri(self):
        return "nbd://127.0.0.1:%d/%s" % (self.port, self.export)


class UdrbddServer:
    """udrbdd with one file-backed resource r0 (minor 0, internal meta data)
    whose export drbd0 is exactly `size` bytes (attach --size). "Available"
    is Primary; set_available(False) is `secondary --force`, demote() is a
    plain `secondary`, which the engine refuses while a client holds the
    export."""

    name = "udrbdd"

    def __init__(self, tmp_path, size=EXPORT_SIZE, available=True, extra=()):
        from conftest import Udrbdd, make_backing
        assert not extra, "udrbdd takes no file-server options"
        self.export = "drbd0"
        self.size = size
        self.backing = str(tmp_path / "backing.img")
        # Room for the internal meta data behind the data area.
        make_backing(self.backing, size + (4 << 20))
        self.node = Udrbdd(str(tmp_path)).start()
        self.port = self.node.port
        self.logfile = self.node.log
        self.unix_path = os.path.join(str(tmp_path), "nbd.sock")
        for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                     ("attach", "0", self.backing, self.backing, "internal",
                      "--size=%d" % (size // 512)),
                     ("primary", "r0", "--force")):
            self.node.run(*args, check=True)
        if not available:
            self.node.run("secondary", "r0", check=True)

    def set_available(self, on):
        if on:
            self.node.run("primary", "r0", check=True)
        else:
            self.node.run("secondary", "r0", "--force", check=True)

    def demote(self):
        return self.node.run("secondary", "r0").returncode == 0

    def open_count(self):
        out = self.node.udrbd("exports", check=True).stdout
        return int(out.split("open:")[1].split()[0])

    def alive(self):
        return self.node.proc.poll() is None

    def log_text(self):
        with open(self.logfile) as f:
            return f.read()

    def stop(self):
        alive = self.alive()
        self.node.stop()
        assert alive and self.node.proc.returncode == 0, \
            "udrbdd exit %s\n%s" % (self.node.proc.returncode, self.log_text())

    def uri(self):
        return "nbd://127.0.0.1:%d/%s" % (self.port, self.export)


SERVER_KINDS = {"file": FileServer, "udrbdd": UdrbddServer}


@pytest.fixture(params=sorted(SERVER_KINDS))
def server_kind(request):
    return SERVER_KINDS[request.param]


@pytest.fixture
def nbd_server(server_kind, tmp_path):
    srv = server_kind(tmp_path)
    yield srv
    srv.stop()


@pytest.fixture
def nbd_server_unavailable(server_kind, tmp_path):
    srv = server_kind(tmp_path, available=False)
    yield srv
    srv.stop()


# ---- a raw NBD client, for what real clients never send -------------------

NBD_MAGIC = 0x4E42444D41474943
IHAVEOPT = 0x49484156454F5054
REPLY_MAGIC = 0x3E889045565A9
REQ_MAGIC = 0x25609513
SIMPLE_MAGIC = 0x67446698
STRUCT_MAGIC = 0x668E33EF

OPT_EXPORT_NAME, OPT_ABORT, OPT_LIST, OPT_GO, OPT_STRUCTURED = 1, 2, 3, 7, 8
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP, REP_ERR_INVALID, REP_ERR_UNKNOWN = 0x80000001, 0x80000003, 0x80000006
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH, CMD_TRIM, CMD_WRITE_ZEROES = 0, 1, 2, 3, 4, 6
FLAG_FUA, FLAG_NO_HOLE = 1, 2
EPERM, EIO, EINVAL, ENOSPC, ESHUTDOWN = 1, 5, 22, 28, 108


class Closed(Exception):
    pass


class RawClient:
    def __init__(self, port, timeout=30):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.structured = False
        self.cookie = 0

    def close(self):
        self.s.close()

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise Closed("server closed after %d of %d bytes" % (len(buf), n))
            buf += chunk
        return buf

    def closed_by_server(self):
        """True when the server has closed the connection (reads hit EOF)."""
        try:
            while self.s.recv(65536):
                pass
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def greet(self, client_flags=3):
        magic, opt, hflags = struct.unpack(">QQH", self.recv(18))
        assert (magic, opt) == (NBD_MAGIC, IHAVEOPT)
        assert hflags & 1, "FIXED_NEWSTYLE"
        self.s.sendall(struct.pack(">I", client_flags))
        return hflags

    def option(self, opt, data=b""):
        self.s.sendall(struct.pack(">QII", IHAVEOPT, opt, len(data)) + data)

    def opt_reply(self):
        magic, opt, rtype, length = struct.unpack(">QIII", self.recv(20))
        assert magic == REPLY_MAGIC
        return opt, rtype, self.recv(length)

    def go(self, name="drbd0", structured=False):
        """Negotiates into transmission; returns (size, tflags) or raises
        AssertionError with the server's error message."""
        if structured:
            self.option(OPT_STRUCTURED)
            assert self.opt_reply()[1] == REP_ACK
            self.structured = True
        n = name.encode()
        self.option(OPT_GO, struct.pack(">I", len(n)) + n + struct.pack(">H", 0))
        size = tflags = None
        while True:
            _, rtype, data = self.opt_reply()
            if rtype == REP_ACK:
                return size, tflags
            if rtype != REP_INFO:
                raise AssertionError("GO refused: 0x%x %s" % (rtype, data.decode()))
            if struct.unpack(">H", data[:2])[0] == 0:
                size, tflags = struct.unpack(">QH", data[2:12])

    def connect(self, name="drbd0", structured=False):
        self.greet()
        return self.go(name, structured)

    def send_request(self, cmd, offset=0, length=0, flags=0, data=b"", cookie=None):
        if cookie is None:
            self.cookie += 1
            cookie = self.cookie
        self.s.sendall(struct.pack(">IHHQQI", REQ_MAGIC, flags, cmd, cookie, offset,
                                   length) + data)
        return cookie

    def reply(self, read_len=0):
        """One reply: (cookie, error, data, message)."""
        magic = struct.unpack(">I", self.recv(4))[0]
        if magic == SIMPLE_MAGIC:
            err, cookie = struct.unpack(">IQ", self.recv(12))
            data = self.recv(read_len) if not err and read_len else b""
            return cookie, err, data, ""
        assert magic == STRUCT_MAGIC, "bad reply magic 0x%x" % magic
        flags, rtype, cookie, length = struct.unpack(">HHQI", self.recv(16))
        payload = self.recv(length)
        assert flags & 1, "single-chunk replies carry DONE"
        if rtype == 1:
            return cookie, 0, payload[8:], ""
        if rtype == 0:
            return cookie, 0, b"", ""
        err, mlen = struct.unpack(">IH", payload[:6])
        return cookie, err, b"", payload[6:6 + mlen].decode()

    def request(self, cmd, offset=0, length=0, flags=0, data=b""):
        cookie = self.send_request(cmd, offset, length, flags, data)
        rc, err, rdata, msg = self.reply(length if cmd == CMD_READ else 0)
        assert rc == cookie
        return err, rdata, msg

    def disconnect(self):
        self.send_request(CMD_DISC)
        self.close()


def wait_for(cond, timeout=30, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)
