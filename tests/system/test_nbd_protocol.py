"""What real clients never send: bad requests, garbage handshakes, and the
availability rules of an export (served only while Primary). Raw sockets.

Every bad input must get its error (or a clean close) while the server goes
on serving other clients.
"""
import os
import socket
import struct

import pytest

from test_nbd_common import (  # noqa: F401
    CMD_DISC, CMD_FLUSH, CMD_READ, CMD_TRIM, CMD_WRITE, CMD_WRITE_ZEROES, EINVAL,
    ENOSPC, ESHUTDOWN, EXPORT_SIZE, FLAG_FUA, FLAG_NO_HOLE, IHAVEOPT, OPT_ABORT,
    OPT_EXPORT_NAME, OPT_GO, OPT_LIST, REP_ACK, REP_ERR_INVALID, REP_ERR_UNKNOWN,
    REP_ERR_UNSUP, REQ_MAGIC, RawClient, nbd_server, nbd_server_unavailable,
    server_kind, wait_for)

SIZE = EXPORT_SIZE


def still_serving(srv):
    """A fresh client can open the export and read: the server survived."""
    c = RawClient(srv.port)
    size, _ = c.connect()
    assert size == SIZE
    err, data, _ = c.request(CMD_READ, 0, 4096)
    assert err == 0 and len(data) == 4096
    c.disconnect()


@pytest.fixture
def client(nbd_server):
    c = RawClient(nbd_server.port)
    c.connect()
    yield c
    c.close()


@pytest.fixture
def sclient(nbd_server):
    c = RawClient(nbd_server.port)
    c.connect(structured=True)
    yield c
    c.close()


def test_flags_and_size(nbd_server):
    c = RawClient(nbd_server.port)
    size, tflags = c.connect()
    assert size == SIZE
    # HAS_FLAGS FLUSH FUA TRIM WRITE_ZEROES MULTI_CONN, never READ_ONLY
    assert tflags & 0x16D == 0x16D
    assert not tflags & 0x2
    c.disconnect()


def test_write_read_fua_flush(client):
    data = os.urandom(65536)
    assert client.request(CMD_WRITE, 8192, len(data), FLAG_FUA, data)[0] == 0
    assert client.request(CMD_FLUSH)[0] == 0
    err, back, _ = client.request(CMD_READ, 8192, len(data))
    assert err == 0 and back == data


def test_flush_with_range_accepted(client):
    # WNBD sends SYNCHRONIZE CACHE's range in FLUSH
    assert client.request(CMD_FLUSH, 4096, 65536)[0] == 0


def test_past_end(nbd_server, client):
    assert client.request(CMD_READ, SIZE, 512)[0] == EINVAL
    assert client.request(CMD_READ, SIZE - 512, 1024)[0] == EINVAL
    assert client.request(CMD_WRITE, SIZE, 512, 0, b"x" * 512)[0] == ENOSPC
    assert client.request(CMD_WRITE, SIZE - 512, 1024, 0, b"y" * 1024)[0] == ENOSPC
    assert client.request(CMD_WRITE_ZEROES, SIZE, 512)[0] == ENOSPC
    assert client.request(CMD_TRIM, SIZE - 512, 4096)[0] == EINVAL
    assert client.request(CMD_READ, 2**64 - 512, 1024)[0] == EINVAL
    # the connection is still in step
    assert client.request(CMD_READ, SIZE - 512, 512)[0] == 0
    still_serving(nbd_server)


def test_unaligned(nbd_server, client):
    assert client.request(CMD_READ, 1, 512)[0] == EINVAL
    assert client.request(CMD_READ, 0, 100)[0] == EINVAL
    # the refused payload is drained: the next request parses
    assert client.request(CMD_WRITE, 0, 100, 0, b"z" * 100)[0] == EINVAL
    assert client.request(CMD_WRITE, 256, 512, 0, b"z" * 512)[0] == EINVAL
    assert client.request(CMD_TRIM, 0, 511)[0] == EINVAL
    err, data, _ = client.request(CMD_READ, 0, 512)
    assert err == 0 and b"z" not in data
    still_serving(nbd_server)


def test_too_large(nbd_server, client):
    big = 4 << 20
    assert client.request(CMD_READ, 0, big)[0] == EINVAL
    assert client.request(CMD_WRITE, 0, big, 0, b"q" * big)[0] == EINVAL
    err, data, _ = client.request(CMD_READ, 0, 4096)
    assert err == 0 and b"q" not in data
    # payload-free commands may exceed the maximum payload
    assert client.request(CMD_WRITE_ZEROES, 0, 8 << 20)[0] == 0
    assert client.request(CMD_TRIM, 0, 8 << 20)[0] == 0
    still_serving(nbd_server)


def test_huge_write_drops_connection(nbd_server, client):
    # a 1 GiB payload is not read to be thrown away: the server hangs up
    client.send_request(CMD_WRITE, 0, 1 << 30)
    client.s.sendall(b"\0" * 65536)
    client.s.settimeout(30)
    assert client.closed_by_server()
    still_serving(nbd_server)


def test_unknown_command_and_flags(nbd_server, client):
    assert client.request(42, 0, 512)[0] == EINVAL
    assert client.request(5, 0, 512)[0] == EINVAL        # CACHE, not advertised
    assert client.request(7, 0, 512)[0] == EINVAL        # BLOCK_STATUS, ditto
    assert client.request(CMD_READ, 0, 512, 0x40)[0] == EINVAL
    assert client.request(CMD_WRITE, 0, 512, FLAG_NO_HOLE, b"n" * 512)[0] == EINVAL
    assert client.request(CMD_READ, 0, 0)[0] == EINVAL
    assert client.request(CMD_READ, 0, 512)[0] == 0
    still_serving(nbd_server)


def test_bad_magic_drops_connection(nbd_server, client):
    client.s.sendall(b"\xde\xad\xbe\xef" + b"\0" * 24)
    assert client.closed_by_server()
    still_serving(nbd_server)
    log = nbd_server.log_text()
    assert "bad request magic 0xdeadbeef" in log and "client #" in log, log


def test_zero_and_trim(client):
    data = b"\xaa" * 65536
    assert client.request(CMD_WRITE, 0, len(data), 0, data)[0] == 0
    assert client.request(CMD_WRITE, 65536, len(data), 0, data)[0] == 0
    assert client.request(CMD_WRITE_ZEROES, 0, 65536)[0] == 0
    assert client.request(CMD_WRITE_ZEROES, 65536, 65536, FLAG_NO_HOLE | FLAG_FUA)[0] == 0
    err, back, _ = client.request(CMD_READ, 0, 131072)
    assert err == 0 and back == b"\0" * 131072
    assert client.request(CMD_TRIM, 0, 65536, FLAG_FUA)[0] == 0


def test_pipelined_requests(client):
    """64 requests in flight on one connection, answered by cookie."""
    blocks = {i: os.urandom(4096) for i in range(64)}
    sent = {}
    for i, d in blocks.items():
        sent[client.send_request(CMD_WRITE, i * 8192, 4096, 0, d)] = i
    got = set()
    for _ in blocks:
        cookie, err, _, _ = client.reply()
        assert err == 0
        got.add(cookie)
    assert got == set(sent)
    reads = {client.send_request(CMD_READ, i * 8192, 4096): i for i in blocks}
    for _ in blocks:
        cookie, err, data, _ = client.reply(4096)
        assert err == 0 and data == blocks[reads.pop(cookie)]
    assert not reads


def test_disc_answers_outstanding(nbd_server):
    c = RawClient(nbd_server.port)
    c.connect()
    cookies = {c.send_request(CMD_WRITE, i * 4096, 4096, 0, b"d" * 4096) for i in range(16)}
    c.send_request(CMD_DISC)
    got = {c.reply()[0] for _ in cookies}
    assert got == cookies
    assert c.closed_by_server()
    c.close()


def test_structured_replies(nbd_server, sclient):
    data = os.urandom(8192)
    assert sclient.request(CMD_WRITE, 0, 8192, 0, data)[0] == 0
    err, back, _ = sclient.request(CMD_READ, 0, 8192)
    assert err == 0 and back == data
    err, _, msg = sclient.request(CMD_READ, SIZE, 512)
    assert err == EINVAL and "end of the device" in msg
    still_serving(nbd_server)


def test_export_name_old_path(nbd_server):
    """NBD_OPT_EXPORT_NAME (WNBD's fallback), with and without NO_ZEROES."""
    for flags, reply_len in ((3, 10), (1, 134)):
        c = RawClient(nbd_server.port)
        c.greet(flags)
        c.option(OPT_EXPORT_NAME, b"drbd0")
        reply = c.recv(reply_len)
        size, tflags = struct.unpack(">QH", reply[:10])
        assert size == SIZE and tflags & 1
        assert reply[10:] == b"\0" * (reply_len - 10)
        assert c.request(CMD_READ, 0, 512)[0] == 0
        c.disconnect()
    # an unknown name has no error reply: the server closes
    c = RawClient(nbd_server.port)
    c.greet()
    c.option(OPT_EXPORT_NAME, b"nope")
    assert c.closed_by_server()
    still_serving(nbd_server)


def test_options(nbd_server):
    c = RawClient(nbd_server.port)
    c.greet()
    c.option(99, b"xyz")
    assert c.opt_reply()[1] == REP_ERR_UNSUP
    c.option(OPT_LIST, b"x")
    assert c.opt_reply()[1] == REP_ERR_INVALID
    c.option(OPT_LIST)
    names = []
    while True:
        _, rtype, data = c.opt_reply()
        if rtype == REP_ACK:
            break
        n = struct.unpack(">I", data[:4])[0]
        names.append(data[4:4 + n].decode())
    assert names == ["drbd0"]
    c.option(OPT_GO, struct.pack(">I", 4) + b"nope" + struct.pack(">H", 0))
    _, rtype, msg = c.opt_reply()
    assert rtype == REP_ERR_UNKNOWN and b"nope" in msg
    c.option(OPT_GO, struct.pack(">I", 9) + b"drbd0" + struct.pack(">H", 0))
    assert c.opt_reply()[1] == REP_ERR_INVALID
    # after all that the same connection still opens the export
    assert c.go()[0] == SIZE
    c.disconnect()
    c = RawClient(nbd_server.port)
    c.greet()
    c.option(OPT_ABORT)
    assert c.opt_reply()[1] == REP_ACK
    assert c.closed_by_server()


@pytest.mark.parametrize("garbage", [
    b"\xff\xff\xff\xff",                                  # unknown client flags
    b"\0\0\0\3" + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # wrong option magic
    b"\0\0\0\3" + struct.pack(">QII", IHAVEOPT, OPT_GO, 1 << 30),  # huge option
    b"\0\0\0\3" + struct.pack(">QII", IHAVEOPT, OPT_GO, 100) + b"short",  # then EOF
    b"",                                                  # silent close
])
def test_garbage_handshake(nbd_server, garbage):
    c = RawClient(nbd_server.port)
    c.recv(18)
    if garbage:
        c.s.sendall(garbage)
    if garbage.endswith(b"short") or not garbage:
        c.s.shutdown(socket.SHUT_WR)
    assert c.closed_by_server()
    c.close()
    still_serving(nbd_server)


def test_unavailable_refused(nbd_server_unavailable):
    srv = nbd_server_unavailable
    c = RawClient(srv.port)
    c.greet()
    c.option(OPT_GO, struct.pack(">I", 5) + b"drbd0" + struct.pack(">H", 0))
    _, rtype, msg = c.opt_reply()
    assert rtype == REP_ERR_UNKNOWN
    assert b"drbd0" in msg and b"is Secondary" in msg and b"drbdsetup primary" in msg
    c.option(OPT_EXPORT_NAME, b"drbd0")
    assert c.closed_by_server()
    srv.set_available(True)
    still_serving(srv)


def test_unavailable_while_connected(nbd_server, client):
    srv = nbd_server
    assert client.request(CMD_WRITE, 0, 512, 0, b"w" * 512)[0] == 0
    wait_for(lambda: srv.open_count() == 1, what="open count 1")
    # the engine refuses demotion while a client holds the export
    assert not srv.demote()
    srv.set_available(False)
    assert client.request(CMD_READ, 0, 512)[0] == ESHUTDOWN
    assert client.request(CMD_WRITE, 0, 512, 0, b"v" * 512)[0] == ESHUTDOWN
    assert client.request(CMD_FLUSH)[0] == ESHUTDOWN
    client.disconnect()
    wait_for(lambda: srv.open_count() == 0, what="open count 0")
    assert srv.demote()
    srv.set_available(True)
    c = RawClient(srv.port)
    c.connect()
    err, data, _ = c.request(CMD_READ, 0, 512)
    assert err == 0 and data == b"w" * 512
    c.disconnect()


def test_unavailable_structured_message(nbd_server, sclient):
    nbd_server.set_available(False)
    err, _, msg = sclient.request(CMD_READ, 0, 512)
    assert err == ESHUTDOWN and "is Secondary" in msg
