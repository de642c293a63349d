"""Peers on one node: new-peer, new-path, connect, disconnect, del-peer, with
the status, events2 and show texts real DRBD 9 printed in the same states
(../shared/testdata/drbd9-cli/s01-two-node-sync/a/05 and 07)."""
import os

from conftest import free_port, make_backing

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


def test_two_nodes_find_each_other(tmp_path):
    """Two udrbdd on loopback with their paths crossed: both establish the
    data and meta sockets (the handshake itself arrives with wire/)."""
    from conftest import Udrbdd
    pa, pb = free_port(), free_port()
    nodes = []
    try:
        for name, me, peer, other in (("a", pa, pb, "b"), ("b", pb, pa, "a")):
            os.makedirs(tmp_path / name)
            d = Udrbdd(str(tmp_path / name)).start()
            nodes.append(d)
            disk = make_backing(str(tmp_path / name / "disk.img"), 16 * MiB)
            nid, pid = ("0", "1") if name == "a" else ("1", "0")
            for args in (("new-resource", "r0", nid), ("new-minor", "r0", "0", "0"),
                         ("new-peer", "r0", pid, f"--_name={other}"),
                         ("new-path", "r0", pid, f"ipv4:127.0.0.1:{me}", f"ipv4:127.0.0.1:{peer}"),
                         ("attach", "0", disk, disk, "internal"), ("connect", "r0", pid)):
                d.run(*args, check=True)
        import time
        deadline = time.time() + 20
        while time.time() < deadline:
            if all("sockets established" in open(d.log).read() for d in nodes):
                break
            time.sleep(0.1)
        for d in nodes:
            assert "sockets established" in open(d.log).read(), open(d.log).read()
        logs = [open(d.log).read() for d in nodes]
        # exactly one side resolves conflicts (§2.4)
        assert sum("resolve-conflicts: yes" in log for log in logs) == 1, logs
        for d in nodes:
            d.run("down", "r0", check=True)
    finally:
        for d in nodes:
            d.stop()
