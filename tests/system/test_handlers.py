"""Handlers: udrbdd calls its usermode helper as DRBD's kernel calls
/sbin/drbdadm ("drbdadm <handler> r0" with drbd_khelper's environment),
our drbdadm runs the command the handlers section names with drbd-utils'
additions to the environment, and events2 reports "call helper" /
"response helper" as DRBD 9 did (drbd9-cli/s*/events2-live*.txt).
A split brain calls initial-split-brain and split-brain on both nodes; the
manual recovery's resync calls before-resync-target/after-resync-target on
the victim and before-resync-source on the survivor. drbdadm's handler
commands are compared with Debian's drbdadm 9.22."""
import os
import shutil
import subprocess
import time

import pytest

import conftest
from conftest import BUILD, need, need_tool
from test_udrbdd_peers import demote, start_pair, wait_status

CONF = """resource r0 {{
  handlers {{
    split-brain "{rec} split-brain";
    initial-split-brain "{rec} initial-split-brain";
    before-resync-target "{rec} before-resync-target";
    after-resync-target "{rec} after-resync-target";
    before-resync-source "{rec} before-resync-source";
  }}
  on a {{ node-id 0; device /dev/drbd0; disk {disk_a}; meta-disk internal; address 127.0.0.1:7000; }}
  on b {{ node-id 1; device /dev/drbd0; disk {disk_b}; meta-disk internal; address 127.0.0.2:7000; }}
}}
"""

# Appends the handler's name, its argv and the DRBD variables of its
# environment to HOST/handlers.log beside it (the helper runs drbdadm with
# the node's name as host name).
RECORDER = """#!/bin/sh
# one write, so that helpers running at the same time do not interleave
block="$(echo "handler $*"; env | grep -E '^(DRBD_|HOME=|TERM=|PATH=)' | sort)"
printf '%s\\n\\n' "$block" >> "$(dirname "$0")/$(hostname)/handlers.log"
"""


def need_uts():
    need_tool("unshare")
    r = subprocess.run(["unshare", "--uts", "true"], capture_output=True)
    need(r.returncode == 0, "unshare --uts needs root")


def helper_script(node_dir, host, conf):
    """The usermode helper of one node: our drbdadm reading conf as host."""
    path = os.path.join(node_dir, "helper.sh")
    drbdadm = os.path.join(BUILD, "conf", "drbdadm")
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\nexec unshare --uts sh -c \'hostname {host}; '
                f'exec "$0" -c {conf} "$@"\' {drbdadm} "$@"\n')
    os.chmod(path, 0o755)
    return path


def records(node_dir):
    """[(argv line, {var: value})] from handlers.log."""
    try:
        text = open(os.path.join(node_dir, "handlers.log")).read()
    except FileNotFoundError:
        return []
    out = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        out.append((lines[0], dict(line.split("=", 1) for line in lines[1:])))
    return out


def wait_records(node_dir, names, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = [r[0] for r in records(node_dir)]
        if all(f"handler {n}" in got for n in names):
            return records(node_dir)
        time.sleep(0.05)
    raise AssertionError(f"handlers {names} not all called: {records(node_dir)}")


def pair_with_helpers(tmp_path, monkeypatch):
    """start_pair, each udrbdd with --usermode-helper running our drbdadm
    on a drbd.conf whose handlers record their calls."""
    rec = str(tmp_path / "rec.sh")
    with open(rec, "w") as f:
        f.write(RECORDER)
    os.chmod(rec, 0o755)
    conf = str(tmp_path / "drbd.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(rec=rec, disk_a=tmp_path / "a" / "disk.img",
                            disk_b=tmp_path / "b" / "disk.img"))
    base = conftest.Udrbdd

    class WithHelper(base):
        def __init__(self, tmp, *extra):
            host = os.path.basename(tmp)
            super().__init__(tmp, "--usermode-helper", helper_script(tmp, host, conf), *extra)

    for name in "ab":
        os.makedirs(tmp_path / name, exist_ok=True)
    monkeypatch.setattr(conftest, "Udrbdd", WithHelper)
    # start_pair creates the node directories itself
    for name in "ab":
        os.rmdir(tmp_path / name)
    return start_pair(tmp_path, copy_disk=True), rec


def events2(d):
    env = dict(os.environ, UDRBD_CONTROL=d.control)
    return subprocess.Popen([os.path.join(BUILD, "cmd", "drbdsetup"), "events2", "r0"],
                            stdout=subprocess.PIPE, text=True, env=env)


def split_brain(a, b):
    for d, pattern in ((a, 0x61), (b, 0x62)):
        d.run("primary", "r0", check=True)
        r = subprocess.run(["qemu-io", "-f", "raw", d.uri(), "-c",
                            f"write -P {pattern} {2 << 20} 128k"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        demote(d)
    for d in (a, b):
        d.run("connect", "r0", d.peer_id, check=True)


def test_split_brain_and_resync_call_handlers(tmp_path, monkeypatch):
    need_uts()
    need_tool("qemu-io")
    (a, b), rec = pair_with_helpers(tmp_path, monkeypatch)
    ev_b = events2(b)
    try:
        split_brain(a, b)
        for d, peer in ((a, "b"), (b, "a")):
            wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} connection:StandAlone\n\n")
        for node, me, peer in (("a", "0", "1"), ("b", "1", "0")):
            got = wait_records(str(tmp_path / node), ["initial-split-brain", "split-brain"])
            argv, env = next(r for r in got if r[0] == "handler split-brain")
            assert env["DRBD_RESOURCE"] == "r0"
            assert env["DRBD_MINOR"] == "0" and env["DRBD_VOLUME"] == "0"
            assert env["DRBD_PEER_NODE_ID"] == peer and env["DRBD_MY_NODE_ID"] == me
            assert env["DRBD_BACKING_DEV"] == str(tmp_path / node / "disk.img")
            assert env["DRBD_LL_DISK"] == env["DRBD_BACKING_DEV"]
            assert env["DRBD_NODE_ID_0"] == "a" and env["DRBD_NODE_ID_1"] == "b"
            assert env["DRBD_CONF"] == str(tmp_path / "drbd.conf")
            assert env["DRBD_PEER_AF"] == "ipv4" and env["DRBD_MY_AF"] == "ipv4"
            assert env["DRBD_PEER_ADDRESS"] == "127.0.0.1"
            assert "DRBD_CSTATE" in env
            # drbd_khelper's base environment, not udrbdd's
            assert env["HOME"] == "/" and env["TERM"] == "linux"
            log = open(os.path.join(str(tmp_path / node), "udrbdd.log")).read()
            assert "helper command: " in log and " split-brain exit code 0" in log, log
        # manual recovery: b resyncs from a
        b.run("connect", "r0", "0", "--discard-my-data", check=True)
        a.run("connect", "r0", "1", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Secondary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        got = wait_records(str(tmp_path / "b"), ["before-resync-target", "after-resync-target"])
        names = [r[0] for r in got]
        assert names.index("handler before-resync-target") < \
            names.index("handler after-resync-target")
        wait_records(str(tmp_path / "a"), ["before-resync-source"])
        assert not any(r[0] == "handler before-resync-target" for r in records(str(tmp_path / "a")))
        b.run("down", "r0", check=True)
    finally:
        for d in (a, b):
            d.stop()
        ev_b.terminate()
    lines = ev_b.communicate(timeout=20)[0].splitlines()
    helper = [line for line in lines if " helper " in line]
    pd = "name:r0 peer-node-id:0 conn-name:a volume:0 minor:0"
    for name in ("initial-split-brain", "split-brain", "before-resync-target",
                 "after-resync-target"):
        call = f"call helper {pd} helper:{name}"
        response = f"response helper {pd} helper:{name} status:0"
        assert call in helper and response in helper, helper
        assert helper.index(call) < helper.index(response)


def test_usermode_helper_disabled_and_exit_code(tmp_path, monkeypatch):
    """A failing handler: its exit code in the log (DRBD's "exit code N
    (0x...)") and events2's status (the wait status, N << 8);
    --usermode-helper disabled calls nothing."""
    need_tool("qemu-io")
    helper = tmp_path / "fail.sh"
    helper.write_text("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/called\"\nexit 3\n")
    helper.chmod(0o755)
    base = conftest.Udrbdd
    helpers = {"a": str(helper), "b": "disabled"}

    class WithHelper(base):
        def __init__(self, tmp, *extra):
            super().__init__(tmp, "--usermode-helper", helpers[os.path.basename(tmp)], *extra)

    monkeypatch.setattr(conftest, "Udrbdd", WithHelper)
    a, b = start_pair(tmp_path, copy_disk=True)
    ev_a = events2(a)
    try:
        split_brain(a, b)
        wait_status(a, "r0 role:Secondary\n  disk:UpToDate\n  b connection:StandAlone\n\n")
        deadline = time.time() + 20
        while time.time() < deadline and "exit code 3" not in open(a.log).read():
            time.sleep(0.05)
        log = open(a.log).read()
        assert f"r0/0 b: helper command: {helper} split-brain exit code 3 (0x300)" in log, log
        assert open(tmp_path / "called").read().splitlines() == \
            ["initial-split-brain r0", "split-brain r0"]
        assert "helper command" not in open(b.log).read()
    finally:
        for d in (a, b):
            d.stop()
        ev_a.terminate()
    lines = ev_a.communicate(timeout=20)[0].splitlines()
    assert "response helper name:r0 peer-node-id:1 conn-name:b volume:0 minor:0 " \
           "helper:split-brain status:768" in lines, lines


DRBDADM_CONF = """resource r0 {
  handlers { fence-peer "env | grep -E '^DRBD_' | sort; exit 4"; split-brain "exit 12"; }
  on alpha { node-id 0; device /dev/drbd0; disk /dev/alpha0; meta-disk internal; address 127.0.0.1:7000; }
  on beta { node-id 1; device /dev/drbd0; disk /dev/beta0; meta-disk internal; address 127.0.0.2:7000; }
}
"""


@pytest.mark.parametrize("argv,env", [
    (["fence-peer", "r0"], {"DRBD_PEER_NODE_ID": "1", "DRBD_PEER_ADDRESS": "127.0.0.2",
                            "DRBD_PEER_AF": "ipv4"}),
    (["fence-peer", "r0"], {"DRBD_VOLUME": "0"}),
    (["split-brain", "r0"], {}),
    (["-d", "fence-peer", "r0"], {}),
    (["out-of-sync", "r0"], {}),
])
def test_drbdadm_handler_commands_as_debian(tmp_path, argv, env):
    """drbdadm HANDLER RES: the same stdout, stderr, exit code and
    environment as Debian's drbdadm (run as host alpha)."""
    need_uts()
    debian = "/usr/sbin/drbdadm"
    need(os.path.exists(debian), "Debian's drbd-utils is not installed")
    conf = tmp_path / "drbd.conf"
    conf.write_text(DRBDADM_CONF)
    out = []
    for prog in (debian, os.path.join(BUILD, "conf", "drbdadm")):
        e = {"PATH": "/usr/sbin:/usr/bin:/bin", "DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0", **env}
        r = subprocess.run(["unshare", "--uts", "sh", "-c", 'hostname alpha; exec "$@"', "sh",
                            prog, "-c", str(conf), *argv], capture_output=True, text=True, env=e)
        out.append((r.returncode, r.stdout.replace(prog, "DRBDADM"), r.stderr))
    assert out[0] == out[1]
    assert shutil.which("sh")
