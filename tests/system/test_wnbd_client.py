"""Acceptance (issue 6): a client that speaks NBD as WNBD's driver does
(wnbd_like.py) maps a Windows node's device under Wine over TCP on
127.0.0.1, writes with many requests in flight, flushes with a range,
trims and reads back. The same client runs against the Linux engine, and
against a fake server that answers in reverse order, which proves the
client takes replies in any order (a real server's order is up to its
threads)."""
import os
import random
import re
import socket
import struct
import threading

import pytest

from conftest import BUILD, Udrbdd, make_backing, need
from test_windows import WinUdrbdd, wine, wineserver, winpath  # noqa: F401
import wnbd_like as W

MiB = 1 << 20


# ---- the client against a server that answers last request first ------------

def reverse_server(lsock, nreq):
    conn, _ = lsock.accept()
    with conn:
        def recv(n):
            b = b""
            while len(b) < n:
                b += conn.recv(n - len(b))
            return b
        conn.sendall(W.MAGIC_INIT + struct.pack(">QH", W.IHAVEOPT, W.FLAG_FIXED_NEWSTYLE))
        recv(4)
        _, opt, dlen = struct.unpack(">QII", recv(16))
        recv(dlen)
        info = struct.pack(">HQH", W.INFO_EXPORT, 1 << 20, 1 | W.TF_SEND_FLUSH)
        conn.sendall(struct.pack(">QIII", W.OPT_REPLY_MAGIC, opt, W.REP_INFO, len(info)) +
                     info + struct.pack(">QIII", W.OPT_REPLY_MAGIC, opt, W.REP_ACK, 0))
        reqs = []
        for _ in range(nreq):
            _, word, handle, off, length = struct.unpack(">II8sQI", recv(28))
            reqs.append((handle, length))
        for handle, length in reversed(reqs):
            conn.sendall(struct.pack(">II", W.SIMPLE_REPLY_MAGIC, 0) + handle +
                         bytes([length & 0xFF]) * length)


def test_client_takes_replies_in_any_order():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    t = threading.Thread(target=reverse_server, args=(lsock, 4), daemon=True)
    t.start()
    c = W.WnbdLikeClient("127.0.0.1", lsock.getsockname()[1], "x")
    assert c.handshake() == (1 << 20, 1 | W.TF_SEND_FLUSH)
    hs = [c.submit(W.CMD_READ, i * 512, 512 * (i + 1)) for i in range(4)]
    got = c.collect()
    t.join(10)
    lsock.close()
    assert c.reply_order == hs[::-1]
    for i, h in enumerate(hs):
        assert got[h] == (0, bytes([(512 * (i + 1)) & 0xFF]) * (512 * (i + 1)))


# ---- the client through a node -------------------------------------------------

def run_session(port, size_hint, backing, go):
    """Maps drbd0, writes, flushes with a range, trims, reads back; checks
    every reply and the backing file (internal meta data: the data area
    starts at byte 0). Returns the client for further checks."""
    c = W.WnbdLikeClient("127.0.0.1", port, "drbd0", go=go)
    size, tflags = c.handshake()
    assert c.options_sent == ([W.OPT_GO] if go else [W.OPT_EXPORT_NAME])
    assert size == size_hint
    for f in (W.TF_SEND_FLUSH, W.TF_SEND_TRIM, W.TF_SEND_FUA):
        assert tflags & f, hex(tflags)
    assert not tflags & W.TF_READ_ONLY

    rnd = random.Random(6)
    model = bytearray(size)
    # Many writes in flight on one connection: 2 MiB ones, and 512-byte
    # ones at offsets no 4 KiB block boundary aligns (WNBD's sectors).
    writes = [(i * 2 * MiB, 2 * MiB) for i in range(8)]
    writes += [(17 * MiB + 512 * (2 * i + 1), 512) for i in range(24)]
    writes += [(20 * MiB + 4096 * i + 1536, 512 * (i + 1)) for i in range(8)]
    rnd.shuffle(writes)
    handles = {}
    for off, length in writes:
        data = rnd.randbytes(length)
        model[off:off + length] = data
        fua = W.CMD_FLAG_FUA if rnd.random() < 0.2 else 0
        handles[c.submit(W.CMD_WRITE, off, length, data, flags=fua)] = (off, length)
    got = c.collect()
    assert {h: e for h, (e, _) in got.items()} == {h: 0 for h in handles}

    # SYNCHRONIZE CACHE's range rides in FLUSH (the spec wants zeroes).
    h = c.submit(W.CMD_FLUSH, 512 * 9, 2 * MiB + 1024)
    assert c.collect() == {h: (0, b"")}

    # TRIM: a whole 2 MiB write gone, and a piece of the small ones.
    trims = [(2 * MiB, 2 * MiB), (17 * MiB + 1024, 4096)]
    hs = [c.submit(W.CMD_TRIM, off, length) for off, length in trims]
    assert c.collect() == {h: (0, b"") for h in hs}
    for off, length in trims:
        model[off:off + length] = bytes(length)

    # Read back with reads of every size in flight; check by handle.
    reads = [(i * 2 * MiB, 2 * MiB) for i in range(11)]
    reads += [(17 * MiB + 512 * i, 512) for i in range(48)]
    rnd.shuffle(reads)
    hs = {c.submit(W.CMD_READ, off, length): (off, length) for off, length in reads}
    got = c.collect()
    for h, (off, length) in hs.items():
        err, data = got[h]
        assert err == 0, (off, length, err)
        assert data == bytes(model[off:off + length]), (off, length)
    order = [h for h in c.reply_order if h in hs]
    c.disconnect()

    with open(backing, "rb") as f:
        disk = f.read(22 * MiB)
    assert disk == bytes(model[:22 * MiB])
    return order


@pytest.mark.parametrize("go", [True, False], ids=["opt-go", "export-name"])
def test_wnbd_like_client_through_windows_node(wineserver, tmp_path, go):
    win = WinUdrbdd(str(tmp_path))
    disk = str(tmp_path / "win.img")
    with open(disk, "wb") as f:
        f.truncate(80 * MiB)
    r = wine("drbdmeta", "--force", "0", "v09", winpath(disk), "internal", "create-md", "1")
    assert r.returncode == 0, r.stderr
    try:
        win.start()
        win.run("new-resource", "r0", "0", check=True)
        win.run("new-minor", "r0", "0", "0", check=True)
        win.run("attach", "0", winpath(disk), winpath(disk), "internal", check=True)
        win.run("primary", "r0", "--force", check=True)
        size = data_size(win)
        run_session(win.port, size, disk, go)
        win.run("secondary", "r0", check=True)
        win.run("down", "r0", check=True)
        assert win.interrupt() == 0, win.read_log()
        log = win.read_log()
        for bad in (": refused", ": failed", "connection lost"):
            assert bad not in log, log
    finally:
        win.stop()


def test_wnbd_like_client_through_linux_node(tmp_path):
    need(os.path.exists(os.path.join(BUILD, "cmd", "udrbdd")), "Linux build has no udrbdd")
    disk = make_backing(str(tmp_path / "disk.img"), 80 * MiB)
    node = Udrbdd(str(tmp_path)).start()
    try:
        node.run("new-resource", "r0", "0", check=True)
        node.run("new-minor", "r0", "0", "0", check=True)
        node.run("attach", "0", disk, disk, "internal", check=True)
        node.run("primary", "r0", "--force", check=True)
        run_session(node.port, data_size(node), disk, True)
        node.run("down", "r0", check=True)
    finally:
        node.stop()


def data_size(node):
    """The device's size as drbdsetup status reports it (KiB)."""
    r = node.run("status", "r0", "--verbose", "--statistics", check=True)
    m = re.search(r" size:(\d+) ", r.stdout)
    assert m, r.stdout
    return int(m.group(1)) * 1024
