"""Shared fixtures of the system tests: the build directory, and a running
udrbdd with its own control socket and NBD port, torn down after the test."""
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("UDRBD_BUILD", os.path.join(ROOT, "build"))
IN_CI = os.environ.get("CI") == "true"


def need(condition, reason):
    """Skips with the reason, except in CI where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def need_tool(name):
    need(shutil.which(name) is not None, f"{name} is not installed")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Udrbdd:
    """One udrbdd process; run() calls our drbdsetup against it."""

    def __init__(self, tmp, *extra):
        self.tmp = tmp
        self.extra = list(extra)  # more udrbdd options
        self.control = os.path.join(tmp, "ctl.sock")
        self.port = free_port()
        self.log = os.path.join(tmp, "udrbdd.log")
        self.proc = None

    def start(self):
        exe = os.path.join(BUILD, "cmd", "udrbdd")
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [exe, "--control", self.control, "--nbd-listen", f"127.0.0.1:{self.port}",
             "--nbd-socket", os.path.join(self.tmp, "nbd.sock"), "--log-level", "debug",
             # handlers only where a test asks for them (test_handlers.py):
             # the default would run whatever drbdadm is on PATH
             *(["--usermode-helper", "disabled"] if "--usermode-helper" not in self.extra
               else []),
             *self.extra],
            stdout=self.logf, stderr=self.logf)
        for _ in range(100):
            if os.path.exists(self.control):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("udrbdd did not start:\n" + open(self.log).read())

    def run(self, *args, check=False, prog="drbdsetup"):
        env = dict(os.environ, UDRBD_CONTROL=self.control)
        r = subprocess.run([os.path.join(BUILD, "cmd", prog), *args],
                           capture_output=True, text=True, env=env, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"{prog} {' '.join(args)} -> {r.returncode}\n"
                                 f"{r.stdout}{r.stderr}\nlog:\n{open(self.log).read()}")
        return r

    def udrbd(self, *args, check=False):
        return self.run(*args, check=check, prog="udrbd")

    def uri(self, minor=0):
        return f"nbd://127.0.0.1:{self.port}/drbd{minor}"

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def udrbdd(tmp_path):
    d = Udrbdd(str(tmp_path)).start()
    yield d
    d.stop()


def drbdmeta(*args, real=False, input=None):
    exe = "/usr/sbin/drbdmeta" if real else os.path.join(BUILD, "md", "drbdmeta")
    return subprocess.run([exe, *args], capture_output=True, text=True, input=input,
                          timeout=120)


def sparse_copy(src, dst):
    """A copy that keeps the holes (shutil.copyfile fills them: a run of the
    suite then needs tens of GB of /tmp)."""
    chunk = 1 << 20
    with open(src, "rb") as f, open(dst, "wb") as g:
        while True:
            b = f.read(chunk)
            if not b:
                break
            if b.count(0) == len(b):
                g.seek(len(b), os.SEEK_CUR)
            else:
                g.write(b)
        g.truncate(f.tell())


def make_backing(path, size, peers=1):
    with open(path, "wb") as f:
        f.truncate(size)
    r = drbdmeta("--force", "0", "v09", path, "internal", "create-md", str(peers))
    assert r.returncode == 0, r.stderr
    return path


@pytest.fixture
def cluster(tmp_path):
    """Two nodes (alpha, bravo) in network namespaces: see cluster.py."""
    from cluster import Cluster, unavailable
    why = unavailable()
    need(why is None, why)
    with Cluster(tmp_path, n=2) as c:
        yield c
