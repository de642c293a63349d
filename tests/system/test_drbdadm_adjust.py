"""drbdadm adjust of a running resource: our drbdadm and Debian's drbdadm
9.22 (given our drbdsetup, whose `show` it reads) print the same calls for
the same difference between drbd.conf and a running udrbdd, and applying
ours leaves nothing to adjust."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, make_backing, need

MiB = 1 << 20
HOST = os.uname().nodename
ENV = dict(os.environ, DRBD_DRIVER_VERSION_OVERRIDE="9.2.0", LC_ALL="C")


def conf(tmp, name, disk, body="", paths=None, disk2=None, third=False):
    vol1 = (f"volume 1 {{ device minor 1; disk {disk2}; meta-disk internal; }}"
            if disk2 else "")
    peers = f"on peerb {{ node-id 1; address 127.0.0.2:7790; }}"
    if third:
        peers += " on peerc { node-id 2; address 127.0.0.3:7790; }"
        body += f" connection-mesh {{ hosts {HOST} peerb peerc; }}"
    if paths:
        hosts = f"on {HOST} {{ node-id 0; }} on peerb {{ node-id 1; }}"
        conn = "connection { " + "".join(
            f"path {{ host {HOST} address {a}; host peerb address {b}; }} " for a, b in paths)
        body += conn + "}"
    else:
        hosts = f"on {HOST} {{ node-id 0; address 127.0.0.1:7790; }} {peers}"
    text = (f"resource r0 {{ volume 0 {{ device minor 0; disk {disk}; meta-disk internal; }} "
            f"{vol1} {body} {hosts} }}\n")
    path = os.path.join(tmp, name + ".conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def adjust(d, path, ours, dry=True):
    setup = os.path.join(BUILD, "cmd", "drbdsetup")
    env = dict(ENV, UDRBD_CONTROL=d.control)
    if ours:
        argv = [os.path.join(BUILD, "conf", "drbdadm"), "-c", path, "-s", setup]
    else:
        argv = ["drbdadm", "-c", path, f"--drbdsetup={setup}"]
    argv += ["-d", "adjust", "r0"] if dry else ["adjust", "r0"]
    r = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    return r.returncode, r.stdout


def same(d, path):
    theirs, ours = adjust(d, path, False), adjust(d, path, True)
    assert ours == theirs, f"{path}:\nDebian:\n{theirs[1]}\nours:\n{ours[1]}"
    return ours[1]


@pytest.fixture
def running(udrbdd, tmp_path):
    need(shutil.which("drbdadm") is not None, "Debian's drbdadm (drbd-utils) is not installed")
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                 ("new-peer", "r0", "1", "--_name=peerb"),
                 ("new-path", "r0", "1", "ipv4:127.0.0.1:7790", "ipv4:127.0.0.2:7790"),
                 ("attach", "0", disk, disk, "internal"), ("connect", "r0", "1")):
        udrbdd.run(*args, check=True)
    udrbdd.disk = disk
    return udrbdd


SETUP = os.path.join(BUILD, "cmd", "drbdsetup")


def test_unchanged_adjusts_nothing(running, tmp_path):
    path = conf(tmp_path, "same", running.disk, "net { protocol C; } disk { al-extents 1237; }")
    assert same(running, path) == ""


def test_changes_give_the_same_calls(running, tmp_path):
    d, disk = running, running.disk
    cases = {
        "net": ("net { protocol A; ko-count 3; timeout 50; }", None),
        "disk": ("disk { on-io-error pass_on; resync-rate 2M; c-max-rate 10M; }", None),
        "options": ("options { quorum majority; auto-promote no; }", None),
        "path": ("", [("127.0.0.1:7790", "127.0.0.2:7790"), ("127.0.0.1:7791", "127.0.0.3:7791")]),
        "path-moved": ("net { ko-count 3; }", [("127.0.0.1:7791", "127.0.0.3:7791")]),
    }
    want = {
        "net": f"{SETUP} net-options r0 1 --set-defaults --_name=peerb --timeout=50 "
               "--ko-count=3 --protocol=A\n",
        "path": f"{SETUP} new-path r0 1 ipv4:127.0.0.1:7791 ipv4:127.0.0.3:7791\n",
    }
    for name, (body, paths) in cases.items():
        out = same(d, conf(tmp_path, name, disk, body, paths))
        if name in want:
            assert out == want[name]
        if name == "path-moved":
            assert out.splitlines()[0] == f"{SETUP} disconnect r0 1"
            assert out.splitlines()[-1] == f"{SETUP} connect r0 1"
    # options set on the running side that the configuration lacks
    d.run("net-options", "r0", "1", "--ko-count=5", check=True)
    d.run("disk-options", "0", "--on-io-error=pass_on", check=True)
    d.run("peer-device-options", "r0", "1", "0", "--resync-rate=1M", check=True)
    for name, (body, paths) in cases.items():
        same(d, conf(tmp_path, name, disk, body, paths))


def test_detached_standalone_new_volume_and_peer(running, tmp_path):
    d = running
    disk2 = make_backing(str(tmp_path / "disk2.img"), 16 * MiB)
    d.run("detach", "0", check=True)
    d.run("disconnect", "r0", "1", check=True)
    out = same(d, conf(tmp_path, "plain", d.disk))
    assert out.splitlines()[-2:] == [
        f"{SETUP} attach 0 {d.disk} {d.disk} internal", f"{SETUP} connect r0 1"]
    out = same(d, conf(tmp_path, "three", d.disk, "disk { al-extents 300; }", disk2=disk2,
                       third=True))
    assert f"{SETUP} new-minor r0 1 1" in out and f"{SETUP} new-peer r0 2" in out


def test_applied_adjust_converges(running, tmp_path):
    d = running
    path = conf(tmp_path, "apply", d.disk, "net { ko-count 3; } disk { on-io-error pass_on; "
                "resync-rate 2M; } options { quorum majority; }",
                [("127.0.0.1:7791", "127.0.0.3:7791")])
    code, _ = adjust(d, path, ours=True, dry=False)
    assert code == 0, open(d.log).read()
    show = d.run("show", "r0").stdout
    assert "_this_host ipv4 127.0.0.1:7791;" in show and "7790" not in show
    assert "ko-count" in show and "pass_on" in show and "majority" in show
    assert same(d, path) == ""


@pytest.mark.parametrize("cmd", ["suspend-io r0", "resume-io r0", "forget-peer r0:peerb",
                                 "resize r0", "resize --assume-clean r0",
                                 "resize --size=10M r0", "resize --assume-peer-has-space r0/1"])
def test_admin_commands_dry_run(cmd, tmp_path):
    need(shutil.which("drbdadm") is not None, "Debian's drbdadm (drbd-utils) is not installed")
    path = conf(tmp_path, "admin", "/tmp/none.img", disk2="/tmp/none2.img")
    outs = []
    for argv in (["drbdadm"], [os.path.join(BUILD, "conf", "drbdadm")]):
        r = subprocess.run(argv + ["-c", path, "-d"] + cmd.split(), capture_output=True,
                           text=True, env=ENV, timeout=60)
        outs.append((r.returncode, r.stdout, r.stderr))
    assert outs[0] == outs[1]
    assert outs[0][1].startswith(f"drbdsetup {cmd.split()[0]} ")


def test_debian_drbdadm_resize_and_suspend_run(running, tmp_path):
    d = running
    path = conf(tmp_path, "run", d.disk)
    env = dict(ENV, UDRBD_CONTROL=d.control)
    for cmd in ("suspend-io", "resume-io", "resize"):
        r = subprocess.run(["drbdadm", "-c", path, f"--drbdsetup={SETUP}", cmd, "r0"],
                           capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
    assert "suspended" not in d.run("status", "r0").stdout
