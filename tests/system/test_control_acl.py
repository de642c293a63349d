"""Non-administrators on the control channel may only read: status,
events2 and show answer, every other command is refused by the daemon.

Linux: the socket is 0600 (root only); an administrator who opens it to
others (here chmod 0666) gives them the read-only commands, decided by the
client's uid (SO_PEERCRED). Windows: the pipe's ACL (unit test
tests/unit/plat/test_chan_acl.c) and the client's token; Wine cannot
present a non-admin client to the daemon (ImpersonateNamedPipeClient gives
the server's own token there), so under Wine only the admin side runs:
an admin client may change state through the pipe."""
import os
import pwd
import shutil
import subprocess
import tempfile

import pytest

from conftest import BUILD, Udrbdd, need

NOBODY = "nobody"


def as_nobody():
    pw = pwd.getpwnam(NOBODY)
    os.setgroups([])
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)


@pytest.fixture
def shared_daemon():
    need(os.geteuid() == 0, "needs root to run a client as another user")
    need(os.path.exists(os.path.join(BUILD, "cmd", "udrbdd")), "no Linux build")
    # pytest's tmp_path sits in a 0700 directory nobody cannot pass.
    tmp = tempfile.mkdtemp(prefix="udrbd-acl-", dir="/tmp")
    os.chmod(tmp, 0o755)
    d = Udrbdd(tmp).start()
    os.chmod(d.control, 0o666)
    try:
        yield d
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run_as_nobody(d, *args):
    env = dict(os.environ, UDRBD_CONTROL=d.control)
    return subprocess.run([os.path.join(BUILD, "cmd", "drbdsetup"), *args],
                          capture_output=True, text=True, env=env, timeout=60,
                          preexec_fn=as_nobody)


def test_socket_is_root_only_by_default(udrbdd):
    assert os.stat(udrbdd.control).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("args", [["status"], ["show"], ["status", "--json"]])
def test_non_admin_may_read(shared_daemon, args):
    shared_daemon.run("new-resource", "r0", "1", check=True)
    r = run_as_nobody(shared_daemon, *args)
    assert r.returncode == 0, r.stderr
    assert "r0" in r.stdout
    assert "Permission denied" not in r.stderr


@pytest.mark.parametrize("args", [["new-resource", "r1", "1"], ["down", "r0"],
                                  ["primary", "r0"], ["disconnect", "r0"]])
def test_non_admin_may_not_write(shared_daemon, args):
    shared_daemon.run("new-resource", "r0", "1", check=True)
    r = run_as_nobody(shared_daemon, *args)
    assert r.returncode == 20
    assert r.stderr == (f"{args[0]}: Permission denied (only status, events2 and show "
                        "are open to non-administrators)\n")
    # Nothing changed: r0 is still there, r1 never came.
    s = shared_daemon.run("status", check=True).stdout
    assert "r0 role:Secondary" in s and "r1" not in s
    assert "refused '%s'" % args[0] in open(shared_daemon.log).read()


def test_root_may_write(shared_daemon):
    assert shared_daemon.run("new-resource", "r1", "1").returncode == 0
    assert shared_daemon.run("down", "r1").returncode == 0
