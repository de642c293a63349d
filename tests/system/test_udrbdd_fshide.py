"""A file system hidden on the backing device (md/fshide.h, issue 6): a node
that hides (udrbdd --hide-filesystems, Windows' default) keeps WinDRBD's
replacement signature on its disk while its export shows the real one, and
its peer receives the real boot sector. A visible file system is refused
at attach there, as WinDRBD refuses it."""
import os
import shutil
import subprocess

import pytest

from conftest import Udrbdd, free_port, make_backing
from test_udrbdd_peers import read_backing, wait_status

MiB = 1 << 20


def need(tool):
    if not shutil.which(tool):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} missing under CI")
        pytest.skip(f"{tool} not installed")


def ntfs_image(path, size):
    need("mkntfs")
    with open(path, "wb") as f:
        f.truncate(size)
    r = subprocess.run(["mkntfs", "-F", "-f", "-q", "-s", "512", str(path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def node(tmp, name, me, peer, nid, pid, *extra):
    os.makedirs(tmp / name, exist_ok=True)
    d = Udrbdd(str(tmp / name), *extra).start()
    d.disk = str(tmp / name / "disk.img")
    d.peer_id = pid
    if not os.path.exists(d.disk):
        make_backing(d.disk, 16 * MiB)
    for args in (("new-resource", "r0", nid), ("new-minor", "r0", "0", "0"),
                 ("new-peer", "r0", pid, "--_name=" + ("b" if name == "a" else "a")),
                 ("new-path", "r0", pid, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}"),
                 ("peer-device-options", "r0", pid, "0", "--c-plan-ahead=0",
                  "--resync-rate=100M")):
        d.run(*args, check=True)
    return d


def export_bytes(d, n):
    r = subprocess.run(["nbdcopy", "--", d.uri(), "-"], capture_output=True)
    assert r.returncode == 0, r.stderr
    return r.stdout[:n]


def test_hidden_on_the_disk_real_on_the_export_and_the_peer(tmp_path):
    need("nbdcopy")
    pa, pb = free_port(), free_port()
    a = node(tmp_path, "a", pa, pb, "0", "1", "--hide-filesystems")
    b = node(tmp_path, "b", pb, pa, "1", "0")
    nodes = [a, b]
    try:
        for d in nodes:
            d.run("attach", "0", d.disk, d.disk, "internal", check=True)
            d.run("connect", "r0", d.peer_id, check=True)
        a.run("primary", "r0", "--force", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        # mkntfs's output written through a's export, as a Windows node's
        # file system would be
        img = tmp_path / "ntfs.img"
        ntfs_image(img, 8 * MiB)
        r = subprocess.run(["nbdcopy", "--", str(img), a.uri()], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert read_backing(a, 3, 4) == b"DRBD"            # hidden on a's disk
        assert export_bytes(a, 16)[3:7] == b"NTFS"          # shown through the device
        assert read_backing(b, 3, 4) == b"NTFS"             # the peer got the real bytes
        with open(img, "rb") as f:
            real = f.read(4096)
        assert read_backing(b, 0, 4096) == real
        mine = read_backing(a, 0, 4096)
        assert [i for i in range(4096) if mine[i] != real[i]] == [3, 4, 5, 6]
        # role switch: b serves the real file system too
        subprocess.run(["sync"])
        for _ in range(50):
            if a.run("secondary", "r0").returncode == 0:
                break
        b.run("primary", "r0", check=True)
        dump = tmp_path / "b.dump"
        with open(dump, "wb") as f:
            f.write(export_bytes(b, 8 * MiB))
        r = subprocess.run(["blkid", "-o", "value", "-s", "TYPE", str(dump)],
                           capture_output=True, text=True)
        assert r.stdout.strip() == "ntfs", (r.stdout, r.stderr)
    finally:
        for d in nodes:
            d.stop()


def test_visible_file_system_refused_at_attach(tmp_path):
    d = Udrbdd(str(tmp_path), "--hide-filesystems").start()
    try:
        disk = tmp_path / "disk.img"
        make_backing(str(disk), 16 * MiB)
        ntfs_image(tmp_path / "ntfs.img", 8 * MiB)
        with open(tmp_path / "ntfs.img", "rb") as f, open(disk, "r+b") as g:
            g.write(f.read(1 * MiB))
        d.run("new-resource", "r0", "0", check=True)
        d.run("new-minor", "r0", "0", "0", check=True)
        r = d.run("attach", "0", str(disk), str(disk), "internal")
        assert r.returncode == 10, r.stderr
        assert "contains a(n) NTFS file system, refusing to use it" in r.stderr
        assert "udrbd hide-filesystem" in r.stderr
        r = d.udrbd("hide-filesystem", str(disk))
        assert r.returncode == 0, r.stderr
        d.run("attach", "0", str(disk), str(disk), "internal", check=True)
        assert "carries a hidden NTFS file system" in open(d.log).read()
    finally:
        d.stop()
