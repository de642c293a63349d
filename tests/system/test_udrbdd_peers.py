"""Peers on one node: new-peer, new-path, connect, disconnect, del-peer, with
the status, events2 and show texts real DRBD 9 printed in the same states
(../shared/testdata/drbd9-cli/s01-two-node-sync/a/05 and 07)."""
import os

from conftest import free_port, make_backing, sparse_copy

MiB = 1 << 20


def up_with_peer(d, disk, port):
    for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                 ("new-peer", "r0", "1", "--_name=b", "--protocol=C"),
                 ("new-path", "r0", "1", f"ipv4:127.0.0.1:{port}", f"ipv4:127.0.0.1:{free_port()}"),
                 ("attach", "0", disk, disk, "internal")):
        d.run(*args, check=True)


def test_connecting_standalone_and_back(udrbdd, tmp_path):
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    port = free_port()
    up_with_peer(udrbdd, disk, port)
    # Configured but not connected: StandAlone (golden 07).
    assert udrbdd.run("status", "r0").stdout == \
        "r0 role:Secondary\n  disk:Inconsistent\n  b connection:StandAlone\n\n"
    ev = udrbdd.run("events2", "--now", "r0").stdout.splitlines()
    assert ev[1] == "exists connection name:r0 peer-node-id:1 conn-name:b " \
                    "connection:StandAlone role:Unknown"
    assert ev[3] == "exists peer-device name:r0 peer-node-id:1 conn-name:b volume:0 " \
                    "replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no"
    assert ev[4] == f"exists path name:r0 peer-node-id:1 conn-name:b local:ipv4:127.0.0.1:{port} " \
                    f"peer:{ev[4].split('peer:')[1].split()[0]} established:no"
    # connect with the peer absent: Connecting (golden 05).
    udrbdd.run("connect", "r0", "1", check=True)
    assert udrbdd.run("status", "r0").stdout == \
        "r0 role:Secondary\n  disk:Inconsistent\n  b connection:Connecting\n\n"
    show = udrbdd.run("show", "r0").stdout
    assert "    connection {\n        _peer_node_id 1;\n        path {\n" in show
    assert f"            _this_host ipv4 127.0.0.1:{port};\n" in show
    assert '            _name           \t"b";\n' in show
    r = udrbdd.run("connect", "r0", "1")
    assert r.returncode == 10 and "(125)" in r.stderr
    r = udrbdd.run("del-peer", "r0", "1")
    assert r.returncode == 10 and "(125)" in r.stderr
    udrbdd.run("disconnect", "r0", "1", check=True)
    assert "b connection:StandAlone" in udrbdd.run("status", "r0").stdout
    udrbdd.run("del-peer", "r0", "1", check=True)
    assert udrbdd.run("status", "r0").stdout == "r0 role:Secondary\n  disk:Inconsistent\n\n"


def test_peer_refusals(udrbdd, tmp_path):
    udrbdd.run("new-resource", "r0", "0", check=True)
    r = udrbdd.run("new-peer", "r0", "0", "--_name=self")
    assert r.returncode == 10 and "(162)" in r.stderr
    r = udrbdd.run("new-peer", "r0", "1", "--protocol=D")
    assert r.returncode == 20 and r.stderr == "Option --protocol: invalid argument 'D'\n"
    r = udrbdd.run("new-peer", "r0", "1", "--after-sb-0pri=consensus")
    assert r.returncode == 20
    udrbdd.run("new-peer", "r0", "1", "--_name=b", "--after-sb-1pri=consensus", check=True)
    r = udrbdd.run("disconnect", "r0", "7")
    # golden s01 fail-drbdsetup-disconnect-unknown-peer-id
    assert r.returncode == 10
    assert r.stderr == "r0: Failure: (162) Invalid configuration request\n" \
                       "additional info from kernel:\nunknown connection\n"
    r = udrbdd.run("new-path", "r0", "1", "ipv4:127.0.0.1:7789", "ipv6:[::1]:7789")
    assert r.returncode == 10 and "(162)" in r.stderr
    r = udrbdd.run("new-path", "r0", "1", "nonsense", "ipv4:127.0.0.1:1")
    assert r.returncode == 20
    udrbdd.run("down", "r0", check=True)


def retarget_clone(disk, node_id):
    """A cloned disk carries its origin's node id (super block 0x5C, v09)
    and its peer records (32 bytes at 0x70 + 32 x node id): give the clone
    the new id and swap the records of the two nodes."""
    import struct
    size = os.path.getsize(disk)
    sb = size // 4096 * 4096 - 4096
    with open(disk, "r+b") as f:
        f.seek(sb)
        blk = bytearray(f.read(4096))
        old = struct.unpack_from(">i", blk, 0x5C)[0]
        struct.pack_into(">i", blk, 0x5C, node_id)
        a, b = 0x70 + 32 * old, 0x70 + 32 * node_id
        blk[a:a + 32], blk[b:b + 32] = blk[b:b + 32], blk[a:a + 32]
        f.seek(sb)
        f.write(blk)


def start_pair(tmp_path, copy_disk=False):
    """Two udrbdd on loopback, paths crossed, each with r0 (node ids 0/1).
    copy_disk: node b starts from a copy of a's backing file (same data
    generation), as after cloning a disk."""
    pa, pb = free_port(), free_port()
    nodes = []
    try:
        _bring_up_pair(tmp_path, copy_disk, nodes, pa, pb)
    except BaseException:
        for d in nodes:   # a failed set-up leaves no process behind
            d.stop()
        raise
    return nodes


def _bring_up_pair(tmp_path, copy_disk, nodes, pa, pb):
    from conftest import Udrbdd
    for name, me, peer, other in (("a", pa, pb, "b"), ("b", pb, pa, "a")):
        os.makedirs(tmp_path / name)
        d = Udrbdd(str(tmp_path / name)).start()
        nodes.append(d)
        disk = str(tmp_path / name / "disk.img")
        if name == "b" and copy_disk:
            sparse_copy(str(tmp_path / "a" / "disk.img"), disk)
            retarget_clone(disk, 1)
        elif name == "a" or not copy_disk:
            make_backing(disk, 16 * MiB)
        d.disk = disk
        nid, pid = ("0", "1") if name == "a" else ("1", "0")
        d.peer_id = pid
        for args in (("new-resource", "r0", nid), ("new-minor", "r0", "0", "0"),
                     ("new-peer", "r0", pid, f"--_name={other}"),
                     ("new-path", "r0", pid, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}"),
                     ("attach", "0", disk, disk, "internal")):
            d.run(*args, check=True)
        if name == "a" and copy_disk:
            d.run("new-current-uuid", "0", "--clear-bitmap", check=True)
            d.run("detach", "0", check=True)
            d.run("attach", "0", disk, disk, "internal", check=True)


def wait_status(d, want, timeout=20):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = d.run("status", "r0").stdout
        if got == want:
            return
        time.sleep(0.05)
    raise AssertionError(f"status never became {want!r}; last {got!r}\n" + open(d.log).read())


def test_two_fresh_nodes_connect(tmp_path):
    """Two fresh nodes: features (agreed protocol 101), P_PROTOCOL, then per
    volume sync parameters, sizes, UUIDs and state; both UUIDs are "just
    created" (rule 10): Connected, both Inconsistent, no sync (golden 09)."""
    nodes = start_pair(tmp_path)
    try:
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                           "    peer-disk:Inconsistent\n\n")
        ev = nodes[0].run("events2", "--now", "r0").stdout.splitlines()
        assert ev[1] == "exists connection name:r0 peer-node-id:1 conn-name:b " \
                        "connection:Connected role:Secondary"
        assert ev[3] == "exists peer-device name:r0 peer-node-id:1 conn-name:b volume:0 " \
                        "replication:Established peer-disk:Inconsistent peer-client:no " \
                        "resync-suspended:no"
        assert ev[4].endswith("established:yes")
        logs = [open(d.log).read() for d in nodes]
        assert all("Agreed network protocol version 101" in log for log in logs)
        assert all("uuid_compare()=0 by rule 10" in log for log in logs)
        # exactly one side resolves conflicts (§2.4)
        assert sum("resolve-conflicts: yes" in log for log in logs) == 1, logs
        nodes[0].run("disconnect", "r0", "1", check=True)
        wait_status(nodes[1], "r0 role:Secondary\n  disk:Inconsistent\n  a connection:Connecting\n\n")
        for d in nodes:
            d.run("down", "r0", check=True)
    finally:
        for d in nodes:
            d.stop()


def test_same_generation_connects_uptodate(tmp_path):
    """b's disk is a copy of a's after a new generation: equal UUIDs, both
    UpToDate: Connected without a sync (rule 40)."""
    nodes = start_pair(tmp_path, copy_disk=True)
    try:
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} role:Secondary\n"
                           "    peer-disk:UpToDate\n\n")
        assert "uuid_compare()=0 by rule 40" in open(nodes[0].log).read()
    finally:
        for d in nodes:
            d.stop()


def test_wrong_shared_secret_refused(tmp_path):
    nodes = start_pair(tmp_path)
    try:
        for d, secret in zip(nodes, ("right", "wrong")):
            d.run("net-options", "r0", d.peer_id, "--cram-hmac-alg=sha256",
                  f"--shared-secret={secret}", check=True)
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} connection:StandAlone\n\n")
            assert "Authentication of peer failed" in open(d.log).read()
        # the right secret on both: authenticated and connected
        for d in nodes:
            d.run("net-options", "r0", d.peer_id, "--shared-secret=right", check=True)
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                           "    peer-disk:Inconsistent\n\n")
            assert "Peer authenticated using 32 bytes HMAC" in open(d.log).read()
    finally:
        for d in nodes:
            d.stop()


def test_protocol_mismatch_refused(tmp_path):
    nodes = start_pair(tmp_path)
    try:
        nodes[1].run("net-options", "r0", "0", "--protocol=A", check=True)
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} connection:StandAlone\n\n")
            assert "incompatible protocol settings" in open(d.log).read()
    finally:
        for d in nodes:
            d.stop()


def read_backing(d, off, n):
    with open(d.disk, "rb") as f:
        f.seek(off)
        return f.read(n)


def test_replicated_writes_protocols(tmp_path):
    """A Primary's writes through NBD reach the peer's backing file before
    they are acknowledged (C), are received (B) or sent (A); after a role
    switch the other node serves them (ARCHITECTURE.md "Life of a write")."""
    import subprocess
    nodes = start_pair(tmp_path, copy_disk=True)
    a, b = nodes
    try:
        for proto, pattern in (("C", 0x11), ("B", 0x22), ("A", 0x33)):
            for d in nodes:
                d.run("net-options", "r0", d.peer_id, f"--protocol={proto}", check=True)
            for d in nodes:
                d.run("connect", "r0", d.peer_id, check=True)
            for d, peer in zip(nodes, "ba"):
                wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} role:Secondary\n"
                               "    peer-disk:UpToDate\n\n")
            a.run("primary", "r0", check=True)
            wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                           "    peer-disk:UpToDate\n\n")
            off = 1 << 20
            r = subprocess.run(["qemu-io", "-f", "raw", a.uri(), "-c",
                                f"write -P {pattern} {off} 256k", "-c", "flush"],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stdout + r.stderr
            # on the peer's disk (protocol A/B: at the latest after the flush's barrier ack)
            assert read_backing(b, off, 256 << 10) == bytes([pattern]) * (256 << 10), proto
            demote(a)
            for d in nodes:
                d.run("disconnect", "r0", d.peer_id, check=True)
        # role switch: b serves what a wrote
        b.run("primary", "r0", check=True)
        r = subprocess.run(["qemu-io", "-f", "raw", b.uri(), "-c",
                            f"read -P {0x33} {1 << 20} 256k"], capture_output=True, text=True)
        assert r.returncode == 0 and "Pattern verification failed" not in r.stdout, r.stdout
    finally:
        for d in nodes:
            d.stop()


def test_writes_while_disconnected_are_marked_for_the_peer(tmp_path):
    import re
    import subprocess
    nodes = start_pair(tmp_path, copy_disk=True)
    a, b = nodes
    try:
        a.run("primary", "r0", check=True)
        r = subprocess.run(["qemu-io", "-f", "raw", a.uri(), "-c", "write -P 0x44 0 64k"],
                           capture_output=True, text=True)
        assert r.returncode == 0
        out = a.run("status", "r0", "--verbose", "--statistics").stdout
        assert re.search(r"out-of-sync:64\b", out), out
    finally:
        for d in nodes:
            d.stop()


def demote(d, timeout=10):
    """secondary, once the last NBD client has really gone (its close
    reaches the server a moment after the client exits)."""
    import time
    deadline = time.time() + timeout
    while True:
        r = d.run("secondary", "r0")
        if r.returncode == 0 or time.time() > deadline:
            assert r.returncode == 0, r.stderr
            return
        time.sleep(0.05)


def usable_bytes(d):
    """The data area: status --verbose --statistics prints its size in KiB."""
    import re
    out = d.run("status", "r0", "--verbose", "--statistics").stdout
    return int(re.search(r"size:(\d+)", out).group(1)) * 1024


def data_hash(d, nbytes):
    import hashlib
    with open(d.disk, "rb") as f:
        return hashlib.sha256(f.read(nbytes)).hexdigest()


def assert_same_data(a, b):
    """The data areas of both nodes hash alike (the size a's export shows)."""
    import subprocess
    size = int(subprocess.run(["nbdinfo", "--size", a.uri()], capture_output=True,
                              text=True).stdout)
    assert data_hash(a, size) == data_hash(b, size)


def test_initial_full_sync_after_forced_primary(tmp_path):
    """Fresh pair, Connected and Inconsistent; primary --force on a: a
    full sync a -> b; both UpToDate, data areas equal (§10.1)."""
    import subprocess
    nodes = start_pair(tmp_path)
    a, b = nodes
    try:
        for d in nodes:
            d.run("peer-device-options", "r0", d.peer_id, "0", "--c-plan-ahead=0",
                  "--resync-rate=100M")
        # data on a before the sync, behind udrbd's back: what the sync must carry
        with open(a.disk, "r+b") as f:
            f.write(os.urandom(8 << 20))
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                           "    peer-disk:Inconsistent\n\n")
        a.run("primary", "r0", "--force", check=True)
        wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b role:Secondary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        assert_same_data(a, b)
    finally:
        for d in nodes:
            d.stop()


def test_reconnect_resyncs_only_what_changed(tmp_path):
    """Synced pair; b goes away; a writes 3 x 64 KiB; b comes back: the
    resync fetches exactly those 192 KiB (bitmap-based, rule 70/50), and the
    data areas are equal afterwards."""
    import re
    import subprocess
    nodes = start_pair(tmp_path, copy_disk=True)
    a, b = nodes
    try:
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Secondary\n"
                       "    peer-disk:UpToDate\n\n")
        a.run("primary", "r0", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n")
        b.run("disconnect", "r0", "0", check=True)
        wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:Connecting\n\n")
        for off in (0, 5 << 20, 9 << 20):
            r = subprocess.run(["qemu-io", "-f", "raw", a.uri(), "-c",
                                f"write -P 0x5c {off} 64k"], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
        assert re.search(r"out-of-sync:192\b",
                         a.run("status", "r0", "--verbose", "--statistics").stdout)
        b.run("connect", "r0", "0", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        log = open(b.log).read()
        assert "resync started: 192 KiB to fetch" in log, log
        assert "becoming SyncTarget (bitmap-based" in log
        assert_same_data(a, b)
    finally:
        for d in nodes:
            d.stop()


def test_split_brain_detected_and_recovered_manually(tmp_path):
    """Both Primary while apart with different writes: at reconnect the
    split brain is detected and both go StandAlone (after-sb-0pri
    disconnect). connect --discard-my-data on the victim resyncs it from the
    survivor; the data areas are equal afterwards. Never silent divergence."""
    import subprocess
    nodes = start_pair(tmp_path, copy_disk=True)
    a, b = nodes
    try:
        for d, pattern in ((a, 0x61), (b, 0x62)):
            d.run("primary", "r0", check=True)
            r = subprocess.run(["qemu-io", "-f", "raw", d.uri(), "-c",
                                f"write -P {pattern} {2 << 20} 128k"], capture_output=True,
                               text=True)
            assert r.returncode == 0, r.stderr
            demote(d)
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} connection:StandAlone\n\n")
            log = open(d.log).read()
            assert "Split-Brain detected but unresolved, dropping connection!" in log, log
            assert "by rule 90" in log
        # manual recovery: b is the victim
        b.run("connect", "r0", "0", "--discard-my-data", check=True)
        a.run("connect", "r0", "1", check=True)
        for d, peer in zip(nodes, "ba"):
            wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} role:Secondary\n"
                           "    peer-disk:UpToDate\n\n", timeout=60)
        assert "becoming SyncTarget (bitmap-based" in open(b.log).read()
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)
        assert read_backing(b, 2 << 20, 128 << 10) == bytes([0x61]) * (128 << 10)
    finally:
        for d in nodes:
            d.stop()


def test_acknowledged_writes_survive_primary_kill(tmp_path):
    """A writer stamps 4 KiB blocks with a sequence number and checksum
    through NBD and records what was acknowledged; udrbdd on the Primary is
    killed with SIGKILL at a random moment; the peer is promoted and every
    acknowledged write is there. 30 rounds, protocols C and B alternating."""
    import random
    import struct
    import threading
    import time
    import zlib
    from test_nbd_common import CMD_READ, CMD_WRITE, RawClient

    def stamp(seq, blk):
        head = struct.pack(">QQ", seq, blk)
        body = head + bytes((seq * 7 + i) & 0xff for i in range(4096 - 20))
        return body + struct.pack(">I", zlib.crc32(body))

    rng = random.Random(4242)
    for rnd in range(30):
        base = tmp_path / f"r{rnd}"
        os.makedirs(base)
        nodes = start_pair(base, copy_disk=True)
        a, b = nodes
        proto = "C" if rnd % 2 == 0 else "B"
        try:
            # both sides agree on the protocol before either connects
            for d in nodes:
                d.run("net-options", "r0", d.peer_id, f"--protocol={proto}", check=True)
            for d in nodes:
                d.run("connect", "r0", d.peer_id, check=True)
            wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Secondary\n"
                           "    peer-disk:UpToDate\n\n")
            a.run("primary", "r0", check=True)
            acked, stop = {}, threading.Event()

            def writer():
                cl = RawClient(a.port)
                cl.connect()
                seq = 0
                try:
                    while not stop.is_set():
                        seq += 1
                        blk = rng.randrange(0, 2048)
                        if cl.request(CMD_WRITE, blk * 4096, 4096, 0, stamp(seq, blk))[0] == 0:
                            acked[blk] = seq
                except Exception:
                    pass  # the server died under us: expected

            t = threading.Thread(target=writer)
            t.start()
            time.sleep(rng.uniform(0.05, 0.4))
            a.kill9()
            stop.set()
            t.join(10)
            wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a connection:Connecting\n\n")
            b.run("primary", "r0", check=True)
            cl = RawClient(b.port)
            cl.connect()
            for blk, seq in acked.items():
                err, data, _ = cl.request(CMD_READ, blk * 4096, 4096)
                assert err == 0
                got_seq = struct.unpack(">Q", data[:8])[0]
                # the block holds this write or a later one, never an older one
                assert got_seq >= seq and data == stamp(got_seq, blk), \
                    f"round {rnd} ({proto}): block {blk} lost acknowledged write {seq}"
            cl.disconnect()
            assert acked, "nothing was acknowledged before the kill"
        finally:
            for d in nodes:
                d.stop()


def test_peer_device_options_as_drbdadm_sets_them(udrbdd, tmp_path):
    """drbdadm up's peer-device-options call (golden s01 -d up) is accepted,
    and `show` prints the values as DRBD 9 does (golden s01 05 show.out)."""
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                 ("new-peer", "r0", "1", "--_name=b", "--protocol=C"),
                 ("new-path", "r0", "1", "ipv4:10.99.0.1:7789", "ipv4:10.99.0.2:7789"),
                 ("peer-device-options", "r0", "1", "0", "--c-max-rate=1M",
                  "--c-plan-ahead=0", "--resync-rate=1M"),
                 ("attach", "0", disk, disk, "internal"), ("connect", "r0", "1")):
        udrbdd.run(*args, check=True)
    golden = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "testdata",
                          "drbd9-cli", "s01-two-node-sync", "a", "05-up-connecting-peer-absent",
                          "show.out")
    want = open(golden).read().replace('"/dev/vda"', f'"{disk}"')
    assert udrbdd.run("show", "r0").stdout == want
    r = udrbdd.run("peer-device-options", "r0", "1", "7", "--c-max-rate=1M")
    assert r.returncode == 10 and "(162)" in r.stderr
    r = udrbdd.run("peer-device-options", "r0", "1", "0", "--c-plan-ahead=301")
    assert r.returncode == 20 and "Option --c-plan-ahead: invalid argument '301'" in r.stderr
