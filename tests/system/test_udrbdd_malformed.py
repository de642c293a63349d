"""A peer that sends a malformed packet mid-stream (issue 3 acceptance): node a
reaches b only through a TCP relay, which, once the connection is up and
idle, slips a broken packet into a's data socket. b must drop the
connection with a log line that says why, apply no write, keep serving
(status, its NBD export after a role switch), and connect again once the
relay behaves."""
import socket
import struct
import threading
import time

import pytest

from conftest import Udrbdd, free_port, make_backing
from test_udrbdd_peers import data_hash, usable_bytes, wait_status

MiB = 1 << 20
P_INITIAL_DATA = 0xFFF2
MAGIC_100 = 0x8620EC20
P_DATA = 0x00


class Relay:
    """Forwards a's connections to b; inject() queues bytes for the data
    socket's a->b direction, sent between two reads of an idle stream."""

    def __init__(self, target_port):
        self.target = target_port
        self.port = free_port()
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", self.port))
        self.lsock.listen(8)
        self.inject_bytes = None
        self.injected = threading.Event()
        self.stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            try:
                s = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                c.close()
                continue
            threading.Thread(target=self._pipe, args=(c, s, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(s, c, False), daemon=True).start()

    def _pipe(self, src, dst, a_to_b):
        data_sock = None
        src.settimeout(0.2)
        try:
            while not self.stop:
                try:
                    buf = src.recv(65536)
                except socket.timeout:
                    # idle: a good moment to inject between whole packets
                    if a_to_b and data_sock and self.inject_bytes:
                        dst.sendall(self.inject_bytes)
                        self.inject_bytes = None
                        self.injected.set()
                    continue
                if not buf:
                    break
                if a_to_b and data_sock is None and len(buf) >= 8:
                    data_sock = struct.unpack(">H", buf[4:6])[0] == P_INITIAL_DATA
                dst.sendall(buf)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def inject(self, data):
        self.injected.clear()
        self.inject_bytes = data

    def close(self):
        self.stop = True
        self.lsock.close()


def h100(cmd, payload, vnr=0):
    return struct.pack(">IHHII", MAGIC_100, vnr, cmd, len(payload), 0) + payload


def relayed_pair(tmp_path):
    """a connects out through the relay only; b only accepts (its own path
    points at a port nobody listens on)."""
    pa, pb, nowhere = free_port(), free_port(), free_port()
    relay = Relay(pb)
    nodes = []
    for name, nid, pid, me, peer in (("a", "0", "1", pa, relay.port),
                                     ("b", "1", "0", pb, nowhere)):
        (tmp_path / name).mkdir()
        d = Udrbdd(str(tmp_path / name)).start()
        nodes.append(d)
        d.disk = str(tmp_path / name / "disk.img")
        d.peer_id = pid
        make_backing(d.disk, 16 * MiB)
        for args in (("new-resource", "r0", nid), ("new-minor", "r0", "0", "0"),
                     ("new-peer", "r0", pid, "--_name=" + ("b" if name == "a" else "a"),
                      "--connect-int=1"),
                     ("new-path", "r0", pid, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}"),
                     ("attach", "0", d.disk, d.disk, "internal"),
                     ("peer-device-options", "r0", pid, "0", "--c-plan-ahead=0",
                      "--resync-rate=100M")):
            d.run(*args, check=True)
    return relay, nodes


UP_A = "r0 role:Primary\n  disk:UpToDate\n  b role:Secondary\n    peer-disk:UpToDate\n\n"
UP_B = "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n    peer-disk:UpToDate\n\n"


@pytest.mark.parametrize("what,packet,logged", [
    # P_DATA of 100 bytes: 8.4's read_in_block refuses sizes not a multiple of 512
    ("odd-sized P_DATA", h100(P_DATA, bytes(24) + b"\x55" * 76), "P_DATA"),
    ("bad magic", b"\xde\xad\xbe\xef" + bytes(12), "magic 0xdeadbeef"),
    ("unknown command", h100(0x7777, b""), "unknown command 0x7777"),
])
def test_malformed_packet_drops_the_connection_not_the_node(tmp_path, what, packet, logged):
    relay, nodes = relayed_pair(tmp_path)
    a, b = nodes
    try:
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        a.run("primary", "r0", "--force", check=True)
        wait_status(b, UP_B, timeout=60)
        before = data_hash(b, usable_bytes(b))
        log_len = len(open(b.log).read())
        relay.inject(packet)
        assert relay.injected.wait(20), "the relay found no quiet moment"
        deadline = time.time() + 20
        while time.time() < deadline and "connection lost" not in open(b.log).read()[log_len:] \
                and "rotocol" not in open(b.log).read()[log_len:]:
            time.sleep(0.05)
        tail = open(b.log).read()[log_len:]
        assert logged in tail, tail
        assert data_hash(b, usable_bytes(b)) == before          # nothing applied
        # b still serves: status answers; the relay behaves again and they reconnect
        assert b.run("status", "r0").returncode == 0
        wait_status(b, UP_B, timeout=60)
        wait_status(a, UP_A)
    finally:
        relay.close()
        for d in nodes:
            d.stop()
