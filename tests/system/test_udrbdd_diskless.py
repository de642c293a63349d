"""A diskless Primary (drbd-wire-protocol.md §13.6): node b has no disk of
its own; connected to a, whose data is UpToDate, it can be promoted, its
export has a's size, reads are served by a (P_DATA_REQUEST / P_DATA_REPLY)
and writes land on a's disk. Without a peer with data it refuses to be
Primary and its I/O fails rather than returning anything made up."""
import os
import subprocess

from conftest import Udrbdd, free_port, make_backing
from test_udrbdd_peers import read_backing, wait_status

MiB = 1 << 20


def pair(tmp_path):
    pa, pb = free_port(), free_port()
    nodes = []
    for name, nid, pid, me, peer in (("a", "0", "1", pa, pb), ("b", "1", "0", pb, pa)):
        (tmp_path / name).mkdir()
        d = Udrbdd(str(tmp_path / name)).start()
        nodes.append(d)
        d.peer_id = pid
        d.run("new-resource", "r0", nid, check=True)
        d.run("new-minor", "r0", "0", "0", check=True)
        d.run("new-peer", "r0", pid, "--_name=" + ("b" if name == "a" else "a"), check=True)
        d.run("new-path", "r0", pid, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}",
              check=True)
    a = nodes[0]
    a.disk = str(tmp_path / "a" / "disk.img")
    make_backing(a.disk, 16 * MiB)
    a.run("attach", "0", a.disk, a.disk, "internal", check=True)
    return nodes


def qemu_io(d, cmd):
    return subprocess.run(["qemu-io", "-f", "raw", d.uri(), "-c", cmd],
                          capture_output=True, text=True)


def test_diskless_primary_reads_and_writes_through_its_peer(tmp_path):
    nodes = pair(tmp_path)
    a, b = nodes
    try:
        a.run("primary", "r0", "--force", check=True)
        r = qemu_io(a, f"write -P 0x3c {1 * MiB} 256k")
        assert r.returncode == 0, r.stderr
        for _ in range(50):
            if a.run("secondary", "r0").returncode == 0:
                break
        r = b.run("primary", "r0")
        assert r.returncode == 17, r.stderr      # no peer with data yet
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        wait_status(b, "r0 role:Secondary\n  disk:Diskless client:no\n  a role:Secondary\n"
                       "    peer-disk:UpToDate\n\n")
        b.run("primary", "r0", check=True)
        size = int(subprocess.run(["nbdinfo", "--size", b.uri()], capture_output=True,
                                  text=True).stdout)
        assert size == int(subprocess.run(["nbdinfo", "--size", a.uri()],
                                          capture_output=True, text=True).stdout or size)
        # reads come from a
        r = qemu_io(b, f"read -P 0x3c {1 * MiB} 256k")
        assert r.returncode == 0 and "Pattern verification failed" not in r.stdout, r.stdout
        # writes land on a's disk (protocol C: before the write returns)
        r = qemu_io(b, f"write -P 0x5d {4 * MiB} 128k")
        assert r.returncode == 0, r.stderr
        assert read_backing(a, 4 * MiB, 128 << 10) == b"\x5d" * (128 << 10)
        r = qemu_io(b, f"read -P 0x5d {4 * MiB} 128k")
        assert r.returncode == 0 and "Pattern verification failed" not in r.stdout
        r = subprocess.run(["qemu-io", "-f", "raw", b.uri(), "-c", "flush"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        # the peer goes: I/O fails, nothing is made up
        a.run("disconnect", "r0", "1", check=True)
        r = qemu_io(b, f"read -P 0x3c {1 * MiB} 4k")
        assert r.returncode != 0 or "error" in (r.stdout + r.stderr).lower(), r.stdout
    finally:
        for d in nodes:
            d.stop()
