"""Acceptance (issue 6): a node under Wine (udrbdd.exe, node 0, "win") and a
Linux node (udrbdd, node 1, "lin") replicate a 64 MiB resource over
loopback: initial full sync from the Windows node, protocol C writes whose
bytes are on the peer's disk when the write is acknowledged, a role switch
to Linux and back, and equal hashes of both data areas at every step."""
import hashlib
import os
import random

import pytest

from conftest import BUILD, Udrbdd, free_port, make_backing, need
from test_udrbdd_peers import demote, usable_bytes, wait_status
from test_windows import WinUdrbdd, wine, wineserver, winpath  # noqa: F401
import wnbd_like as W

MiB = 1 << 20
# 64 MiB of data plus internal meta data for one peer (bitmap, AL, super block).
BACKING = 64 * MiB + 256 * 1024
SLOW = 180  # seconds: a 64 MiB sync under Wine on a loaded test machine


def data_hash(disk, nbytes):
    with open(disk, "rb") as f:
        return hashlib.sha256(f.read(nbytes)).hexdigest()


def read_at(disk, off, n):
    with open(disk, "rb") as f:
        f.seek(off)
        return f.read(n)


def status(peer, role, peer_role):
    return (f"r0 role:{role}\n  disk:UpToDate\n  {peer} role:{peer_role}\n"
            "    peer-disk:UpToDate\n\n")


def configure(d, node_id, peer_id, peer_name, me, peer, disk):
    for args in (("new-resource", "r0", node_id), ("new-minor", "r0", "0", "0"),
                 ("new-peer", "r0", peer_id, f"--_name={peer_name}", "--protocol=C"),
                 ("new-path", "r0", peer_id, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}"),
                 ("peer-device-options", "r0", peer_id, "0", "--c-plan-ahead=0",
                  "--resync-rate=100M"),
                 ("attach", "0", disk, disk, "internal")):
        d.run(*args, check=True)
    d.peer_id = peer_id


@pytest.fixture
def pair(wineserver, tmp_path):
    need(os.path.exists(os.path.join(BUILD, "cmd", "udrbdd")), "Linux build has no udrbdd")
    os.makedirs(tmp_path / "lin")
    win = WinUdrbdd(str(tmp_path))
    lin = Udrbdd(str(tmp_path / "lin"))
    win.disk = str(tmp_path / "win.img")
    with open(win.disk, "wb") as f:
        f.truncate(BACKING)
    r = wine("drbdmeta", "--force", "0", "v09", winpath(win.disk), "internal", "create-md", "1")
    assert r.returncode == 0, r.stderr
    lin.disk = make_backing(str(tmp_path / "lin" / "disk.img"), BACKING)
    pw, pl = free_port(), free_port()
    try:
        win.start()
        lin.start()
        configure(win, "0", "1", "lin", pw, pl, winpath(win.disk))
        configure(lin, "1", "0", "win", pl, pw, lin.disk)
        yield win, lin
    finally:
        win.stop()
        lin.stop()


def write_and_check(writer, port, peer_disk, rnd, max_len=1 * MiB, nwrites=24):
    """Protocol C writes through the writer's NBD export, several in flight;
    each acknowledged write is already on the peer's backing file."""
    c = W.WnbdLikeClient("127.0.0.1", port, "drbd0")
    size, _ = c.handshake()
    writes = {}
    # Disjoint writes: overlapping ones in flight together may land in
    # either order, on both nodes alike.
    slot = size // nwrites // 512 * 512
    for i in range(nwrites):
        length = 512 * rnd.randrange(1, min(max_len, slot) // 512 + 1)
        off = i * slot + 512 * rnd.randrange(0, (slot - length) // 512 + 1)
        data = rnd.randbytes(length)
        writes[c.submit(W.CMD_WRITE, off, length, data)] = (off, data)
    got = c.collect()
    for h, (off, data) in writes.items():
        assert got[h] == (0, b"")
        assert read_at(peer_disk, off, len(data)) == data, (h, off, len(data))
    c.disconnect()


def test_wine_and_linux_nodes_replicate(pair):
    win, lin = pair
    rnd = random.Random(64)
    # Data on the Windows node before the sync, behind udrbd's back: what
    # the initial sync must carry (the data area starts at byte 0).
    with open(win.disk, "r+b") as f:
        f.write(rnd.randbytes(64 * MiB))
    for d in (win, lin):
        d.run("connect", "r0", d.peer_id, check=True)
    for d, peer in ((win, "lin"), (lin, "win")):
        wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                       "    peer-disk:Inconsistent\n\n", timeout=60)
    win.run("primary", "r0", "--force", check=True)
    wait_status(win, status("lin", "Primary", "Secondary"), timeout=SLOW)
    wait_status(lin, status("win", "Secondary", "Primary"), timeout=SLOW)
    size = usable_bytes(win)
    assert size == usable_bytes(lin) and size >= 64 * MiB
    assert data_hash(lin.disk, size) == data_hash(win.disk, size)

    # Protocol C from Windows to Linux.
    write_and_check(win, win.port, lin.disk, rnd)
    assert data_hash(lin.disk, size) == data_hash(win.disk, size)

    # Role switch: Linux Primary, writes reach the Windows node.
    demote(win)
    lin.run("primary", "r0", check=True)
    wait_status(win, status("lin", "Secondary", "Primary"), timeout=60)
    write_and_check(lin, lin.port, win.disk, rnd)
    assert data_hash(lin.disk, size) == data_hash(win.disk, size)

    # And back: Windows Primary again.
    demote(lin)
    win.run("primary", "r0", check=True)
    wait_status(lin, status("win", "Secondary", "Primary"), timeout=60)
    write_and_check(win, win.port, lin.disk, rnd)
    demote(win)
    for d in (win, lin):
        d.run("down", "r0", check=True)
    assert data_hash(lin.disk, size) == data_hash(win.disk, size)
    assert win.interrupt() == 0, win.read_log()


def test_two_mib_writes_replicate(pair):
    """WNBD sends writes of up to 2 MiB; each must reach the peer."""
    win, lin = pair
    rnd = random.Random(2)
    for d in (win, lin):
        d.run("connect", "r0", d.peer_id, check=True)
    for d, peer in ((win, "lin"), (lin, "win")):
        wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                       "    peer-disk:Inconsistent\n\n", timeout=60)
    win.run("primary", "r0", "--force", check=True)
    wait_status(lin, status("win", "Secondary", "Primary"), timeout=SLOW)
    write_and_check(win, win.port, lin.disk, rnd, max_len=2 * MiB, nwrites=8)


def test_mkntfs_through_the_windows_node(pair, tmp_path):
    """mkntfs through the Windows node's export (nbdfuse on the Linux side):
    the Windows node's backing file keeps WinDRBD's hidden signature
    ("DRBD" at byte 3), its export shows NTFS, and the Linux peer receives
    the real NTFS boot sector (md/fshide.h, issue 6)."""
    import shutil
    import subprocess
    import time
    for tool in ("nbdfuse", "mkntfs", "fusermount3", "losetup"):
        need(shutil.which(tool), f"{tool} not installed")
    need(os.geteuid() == 0, "loop devices need root")
    win, lin = pair
    for d in (win, lin):
        d.run("connect", "r0", d.peer_id, check=True)
    win.run("primary", "r0", "--force", check=True)
    wait_status(lin, status("win", "Secondary", "Primary"), timeout=SLOW)
    fuse_dir = tmp_path / "fuse"
    fuse_dir.mkdir()
    pidfile = tmp_path / "nbdfuse.pid"
    fuse = subprocess.Popen(["nbdfuse", "-P", str(pidfile), str(fuse_dir / "nbd"),
                             f"nbd://127.0.0.1:{win.port}/drbd0"],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while not pidfile.exists() and fuse.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert fuse.poll() is None, "nbdfuse exited: " + fuse.stderr.read()
        # a loop device on top, as a disk: whole 512-byte sectors (the export
        # refuses unaligned requests, as a block device does)
        loop = subprocess.run(["losetup", "-f", "--show", str(fuse_dir / "nbd")],
                              capture_output=True, text=True, check=True).stdout.strip()
        try:
            r = subprocess.run(["mkntfs", "-F", "-f", "-q", loop], capture_output=True,
                               text=True, timeout=120)
            assert r.returncode == 0, r.stdout + r.stderr
            subprocess.run(["sync"])
        finally:
            subprocess.run(["losetup", "-d", loop])
        with open(fuse_dir / "nbd", "rb") as f:
            shown = f.read(512)
    finally:
        subprocess.run(["fusermount3", "-u", str(fuse_dir)], capture_output=True)
        fuse.wait(timeout=30)
    assert shown[3:7] == b"NTFS"
    assert read_at(win.disk, 3, 4) == b"DRBD"
    assert read_at(lin.disk, 0, 512) == shown
    mine = read_at(win.disk, 0, 512)
    assert [i for i in range(512) if mine[i] != shown[i]] == [3, 4, 5, 6]
