"""The acceptance point of drbdadm interoperability: Debian's real drbdadm
(drbd-utils 9.22), given --drbdsetup and --drbdmeta pointing at ours, brings
up a two-node udrbd resource (two network namespaces, each command in a UTS
namespace whose host name matches its `on HOST` section), waits for the
connection and the initial sync with its own wait-connect/wait-sync, makes
alpha Primary, shows `drbdadm status` -- the same text our drbdadm shows --
and takes the resource down again. Backing devices are loop devices:
drbdmeta, like drbd-utils', wants a block device unless forced."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD, need

REAL = "/usr/sbin/drbdadm"
ENV = {"DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0", "LC_ALL": "C"}


@pytest.fixture
def pair(tmp_path):
    from cluster import Cluster, unavailable
    why = unavailable()
    need(why is None, why)
    need(os.path.exists(REAL), "Debian's drbdadm (drbd-utils) is not installed")
    need(shutil.which("losetup") is not None, "losetup is not installed")
    loops = []
    try:
        with Cluster(tmp_path, n=2) as c:
            for n in c:
                n.start_udrbdd()
                img = n.make_backing(32 << 20)
                r = subprocess.run(["losetup", "-f", "--show", img], capture_output=True,
                                   text=True)
                need(r.returncode == 0, f"no loop device: {r.stderr.strip()}")
                n.disk = r.stdout.strip()
                loops.append(n.disk)
            yield c
    finally:
        for dev in loops:
            subprocess.run(["losetup", "-d", dev])


def write_conf(path, nodes):
    with open(path, "w") as f:
        f.write("resource r0 {\n"
                "    net { protocol C; }\n"
                "    startup { wfc-timeout 60; }\n")
        for i, n in enumerate(nodes):
            f.write(f"    on {n.hostname} {{\n"
                    f"        node-id {i};\n"
                    f"        address {n.address}:7789;\n"
                    f"        volume 0 {{ device minor 0; disk {n.disk}; "
                    "meta-disk internal; }\n"
                    "    }\n")
        f.write("}\n")


def drbdadm(node, conf, *args, ours=False):
    exe = os.path.join(BUILD, "conf", "drbdadm") if ours else REAL
    r = node.exec([exe, "-c", conf, "--drbdsetup", os.path.join(BUILD, "cmd", "drbdsetup"),
                   "--drbdmeta", os.path.join(BUILD, "md", "drbdmeta"), *args], env=ENV,
                  timeout=120)
    return r


def test_debian_drbdadm_drives_udrbd(pair, tmp_path):
    alpha, bravo = pair
    conf = str(tmp_path / "drbd.conf")
    write_conf(conf, pair)
    for n in pair:
        assert n.exec(["uname", "-n"]).stdout.strip() == n.hostname
    for n in pair:
        r = drbdadm(n, conf, "up", "r0")
        assert r.returncode == 0, f"{n.hostname}: {r.stdout}{r.stderr}"
    for n in pair:
        r = drbdadm(n, conf, "wait-connect", "r0")
        assert r.returncode == 0, f"{n.hostname}: {r.stdout}{r.stderr}"
    r = drbdadm(alpha, conf, "primary", "--force", "r0")
    assert r.returncode == 0, r.stderr
    r = drbdadm(bravo, conf, "wait-sync", "r0")
    assert r.returncode == 0, r.stderr
    want = {
        alpha: "r0 role:Primary\n  disk:UpToDate\n  bravo role:Secondary\n"
               "    peer-disk:UpToDate\n\n",
        bravo: "r0 role:Secondary\n  disk:UpToDate\n  alpha role:Primary\n"
               "    peer-disk:UpToDate\n\n",
    }
    for n in pair:
        real = drbdadm(n, conf, "status", "r0")
        ours = drbdadm(n, conf, "status", "r0", ours=True)
        assert (real.returncode, real.stdout) == (0, want[n]), real
        assert (ours.returncode, ours.stdout, ours.stderr) == \
            (real.returncode, real.stdout, real.stderr)
    r = drbdadm(alpha, conf, "secondary", "r0")
    assert r.returncode == 0, r.stderr
    for n in pair:
        r = drbdadm(n, conf, "down", "r0")
        assert r.returncode == 0, r.stderr
        assert n.drbdsetup("status").stdout == "# No currently configured DRBD found.\n"
