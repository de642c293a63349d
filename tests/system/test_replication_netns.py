"""Two udrbdd nodes in their own network and UTS namespaces (cluster.py), as
the two-node replication issue's acceptance asks: the initial sync of 256
MiB with writes of every protocol read back on the other node after a role
switch (point 1); a partition during writes, then healing: the resync
moves exactly the blocks written meanwhile, and the data areas are equal
afterwards (point 2)."""
import hashlib
import re
import time

from cluster import Cluster, unavailable
from conftest import need

MiB = 1 << 20
PORT = 7789


def wait(node, text, timeout=60):
    deadline = time.time() + timeout
    out = ""
    while time.time() < deadline:
        out = node.drbdsetup("status", "r0", "--verbose", "--statistics").stdout
        if re.search(text, out):
            return out
        time.sleep(0.1)
    raise AssertionError(f"{node.hostname} never matched {text!r}:\n{out}\n" + open(node.log).read())


def bring_up(cluster, size=32 * MiB, *pd_opts):
    a, b = cluster[0], cluster[1]
    for me, peer, nid, pid in ((a, b, "0", "1"), (b, a, "1", "0")):
        disk = me.make_backing(size)
        me.disk = disk
        me.start_udrbdd()
        for args in (("new-resource", "r0", nid), ("new-minor", "r0", "0", "0"),
                     ("new-peer", "r0", pid, f"--_name={peer.hostname}", "--protocol=C",
                      # a lost peer is noticed within a second, and found again
                      "--ping-int=1", "--ping-timeout=5", "--timeout=5", "--ko-count=2",
                      "--connect-int=1"),
                     ("new-path", "r0", pid, f"ipv4:{me.address}:{PORT}",
                      f"ipv4:{peer.address}:{PORT}"),
                     ("attach", "0", disk, disk, "internal"),
                     ("peer-device-options", "r0", pid, "0", *pd_opts),
                     ("connect", "r0", pid)):
            me.drbdsetup(*args, check=True)
    return a, b


def data_hash(node, nbytes):
    with open(node.disk, "rb") as f:
        return hashlib.sha256(f.read(nbytes)).hexdigest()


def test_partition_during_writes_then_heal():
    import tempfile
    need(unavailable() is None, f"network namespaces: {unavailable()}")
    with tempfile.TemporaryDirectory() as tmp, Cluster(tmp, n=2) as cluster:
        a, b = bring_up(cluster)
        wait(a, r"peer-disk:Inconsistent")
        a.drbdsetup("primary", "r0", "--force", check=True)
        wait(a, r"replication:Established peer-disk:UpToDate")
        wait(b, r"disk:UpToDate")
        a.partition(b)
        # writes go on during the partition: the first one waits out the
        # ack timeout, then the peer is dropped and its blocks are marked
        offs = (0, 7 * MiB, 13 * MiB, 21 * MiB)
        for off in offs:
            r = a.exec(["qemu-io", "-f", "raw", a.nbd_uri(), "-c", f"write -P 0x77 {off} 64k"],
                       timeout=60)
            assert r.returncode == 0, r.stdout + r.stderr
        out = wait(a, r"out-of-sync:256\b")
        assert "connection:Connected" not in out
        # bravo notices too (no PingAck) before the network heals
        wait(b, r"connection:(Connecting|NetworkFailure|Timeout|BrokenPipe)")
        a.heal()
        try:
            wait(b, r"replication:Established peer-disk:UpToDate", timeout=60)
        except AssertionError:
            print("alpha's log:\n" + open(a.log).read())
            raise
        log = open(b.log).read()
        assert "resync started: 256 KiB to fetch" in log, log
        size = int(re.search(r"size:(\d+)", wait(a, r"size:")).group(1)) * 1024
        assert data_hash(a, size) == data_hash(b, size)


def demote(node):
    deadline = time.time() + 10
    while node.drbdsetup("secondary", "r0").returncode and time.time() < deadline:
        time.sleep(0.05)   # the NBD client's close reaches the server a moment late


def test_initial_sync_256m_then_protocols_read_back_after_role_switch():
    import tempfile
    need(unavailable() is None, f"network namespaces: {unavailable()}")
    with tempfile.TemporaryDirectory() as tmp, Cluster(tmp, n=2) as cluster:
        a, b = bring_up(cluster, 256 * MiB + 4 * MiB, "--c-plan-ahead=0", "--resync-rate=2G")
        with open(a.disk, "r+b") as f:      # data before the sync: it must travel
            for i in range(0, 256, 16):
                f.seek(i * MiB)
                f.write(bytes([i]) * MiB)
        wait(a, r"peer-disk:Inconsistent")
        a.drbdsetup("primary", "r0", "--force", check=True)
        wait(b, r"disk:UpToDate", timeout=300)
        size = int(re.search(r"size:(\d+)", wait(a, r"size:")).group(1)) * 1024
        assert size >= 256 * MiB
        assert data_hash(a, size) == data_hash(b, size)
        for i, proto in enumerate("ABC"):
            for me, pid in ((a, "1"), (b, "0")):
                me.drbdsetup("disconnect", "r0", pid, check=True)
                me.drbdsetup("net-options", "r0", pid, f"--protocol={proto}", check=True)
            for me, pid in ((a, "1"), (b, "0")):
                me.drbdsetup("connect", "r0", pid, check=True)
            primary, other = (a, b) if i % 2 == 0 else (b, a)
            wait(other, r"peer-disk:UpToDate")
            primary.drbdsetup("primary", "r0", check=True)
            off, pattern = (32 + 8 * i) * MiB, 0x41 + i
            r = primary.exec(["qemu-io", "-f", "raw", primary.nbd_uri(), "-c",
                              f"write -P {pattern} {off} 1M", "-c", "flush"], timeout=60)
            assert r.returncode == 0, r.stdout + r.stderr
            demote(primary)
            wait(other, r"connection:Connected role:Secondary")
            other.drbdsetup("primary", "r0", check=True)
            r = other.exec(["qemu-io", "-f", "raw", other.nbd_uri(), "-c",
                            f"read -P {pattern} {off} 1M"], timeout=60)
            assert r.returncode == 0 and "Pattern verification failed" not in r.stdout, \
                f"protocol {proto}: " + r.stdout + r.stderr
            demote(other)
        assert data_hash(a, size) == data_hash(b, size)
