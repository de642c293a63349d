"""The multi-node harness itself (cluster.py): nodes in their own network
and UTS namespaces reach each other over TCP, partitions and loss cut them
apart and heal, udrbdd runs per node with NBD inside the node, and close()
leaves nothing behind."""
import os
import re
import subprocess
import sys

from cluster import CHAIN_IN, Cluster, unavailable
from conftest import need, need_tool

MiB = 1 << 20
PORT = 7788

ECHO_SERVER = """
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen()
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.sendall(c.recv(100)[::-1])
    c.close()
"""

ECHO_CLIENT = """
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
c.sendall(b"hello")
print(c.recv(100).decode())
"""


def echo_server(node, port=PORT):
    p = node.exec([sys.executable, "-c", ECHO_SERVER, node.address, port],
                  background=True, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline() == "ready\n"
    return p


def echo(client, server, timeout=5, port=PORT):
    """True when client's connection to server's echo server got the
    reversed greeting; False when it could not connect."""
    r = client.exec([sys.executable, "-c", ECHO_CLIENT, server.address, port, timeout])
    if r.returncode == 0:
        assert r.stdout == "olleh\n", r.stdout
        return True
    assert "timed out" in r.stderr or "refused" in r.stderr, r.stderr
    return False


def probability(rule):
    return float(re.search(r"--probability (\S+)", rule).group(1))


def fault_rules(node):
    r = node.exec(["iptables", "-w", "-S", CHAIN_IN], check=True)
    return [line for line in r.stdout.splitlines() if line.startswith("-A")]


def test_nodes_reach_each_other_over_tcp(cluster):
    a, b = cluster
    assert a.address != b.address
    echo_server(b)
    echo_server(a)
    assert echo(a, b)
    assert echo(b, a)


def test_hostnames_differ_per_node(cluster):
    a, b = cluster
    host = subprocess.run(["hostname"], capture_output=True, text=True).stdout
    assert a.exec(["hostname"], check=True).stdout == "alpha\n"
    assert b.exec(["hostname"], check=True).stdout == "bravo\n"
    # The host's own name is untouched.
    assert subprocess.run(["hostname"], capture_output=True, text=True).stdout == host


def test_partition_blocks_tcp_and_heal_restores(cluster):
    a, b = cluster
    echo_server(a)
    echo_server(b)
    assert echo(a, b)
    a.partition(b)
    a.partition(b)                           # idempotent
    assert len(fault_rules(a)) == 1
    assert not echo(a, b, timeout=1)
    assert not echo(b, a, timeout=1)         # both directions from one side
    a.heal()
    assert fault_rules(a) == []
    assert echo(a, b) and echo(b, a)
    # One way: alpha's packets to bravo are dropped, so neither side can
    # complete a handshake, but the rule sits only in OUTPUT.
    a.partition(b, direction="out")
    assert fault_rules(a) == []
    assert not echo(a, b, timeout=1)
    a.heal(b)
    assert echo(a, b)


def test_loss_and_rate_limit_rules(cluster):
    a, b = cluster
    echo_server(b)
    a.loss(100)
    rules = fault_rules(a)
    assert len(rules) == 1 and probability(rules[0]) == 1.0, rules
    assert not echo(a, b, timeout=1)
    a.loss(5)
    rules = fault_rules(a)
    assert len(rules) == 1 and abs(probability(rules[0]) - 0.05) < 1e-6, rules
    a.loss(0)
    assert fault_rules(a) == []
    assert echo(a, b)
    a.rate_limit(100)
    for ns, dev in ((a.netns, "eth0"), (cluster.switch, a.port)):
        r = subprocess.run(["tc", "-n", ns, "qdisc", "show", "dev", dev],
                           capture_output=True, text=True, check=True)
        assert re.search(r"qdisc tbf .* rate 100Mbit", r.stdout), r.stdout
    assert echo(a, b)
    a.rate_limit(None)
    r = subprocess.run(["tc", "-n", a.netns, "qdisc", "show", "dev", "eth0"],
                       capture_output=True, text=True, check=True)
    assert "tbf" not in r.stdout


def test_three_nodes_on_the_bridge(tmp_path):
    why = unavailable()
    need(why is None, why)
    with Cluster(tmp_path, n=3) as c:
        a, b, ch = c
        assert ch.exec(["hostname"], check=True).stdout == "charlie\n"
        for n in c:
            echo_server(n)
        assert echo(ch, a) and echo(ch, b) and echo(a, b)
        ch.partition(a)
        assert not echo(ch, a, timeout=1)
        assert echo(ch, b) and echo(b, a)


def bring_up(node, disk):
    node.drbdsetup("new-resource", "r0", "0", check=True)
    node.drbdsetup("new-minor", "r0", "0", "0", check=True)
    node.drbdsetup("attach", "0", disk, disk, "internal", check=True)


def test_udrbdd_runs_in_each_node(cluster):
    for node in cluster:
        node.start_udrbdd()
        r = subprocess.run(["ip", "netns", "identify", str(node.proc.pid)],
                           capture_output=True, text=True)
        assert r.stdout.strip() == node.netns
        bring_up(node, node.make_backing(16 * MiB))
    a, b = cluster
    a.drbdsetup("primary", "r0", "--force", check=True)
    assert a.drbdsetup("status", "r0").stdout == "r0 role:Primary\n  disk:UpToDate\n\n"
    assert b.drbdsetup("status", "r0").stdout == "r0 role:Secondary\n  disk:Inconsistent\n\n"
    # A restart after a crash reuses the node's socket paths.
    b.kill9()
    b.start_udrbdd()
    assert b.drbdsetup("status").stdout == "# No currently configured DRBD found.\n"


def test_nbd_client_in_node_reaches_its_udrbdd(cluster):
    need_tool("nbdinfo")
    a, b = cluster
    for node in cluster:
        node.start_udrbdd()
        bring_up(node, node.make_backing(16 * MiB))
    a.drbdsetup("primary", "r0", "--force", check=True)
    assert a.nbd_uri() == b.nbd_uri()
    r = a.exec(["nbdinfo", a.nbd_uri()])
    assert r.returncode == 0, r.stderr
    size = int(re.search(r"export-size: (\d+)", r.stdout).group(1))
    assert 14 * MiB < size < 16 * MiB
    # The same URI inside bravo is bravo's udrbdd, still Secondary.
    r = b.exec(["nbdinfo", b.nbd_uri()])
    assert r.returncode != 0 and "export: drbd0" in r.stderr, r.stderr


def alive(pid):
    """Running (a zombie awaiting its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_close_leaves_nothing(tmp_path):
    why = unavailable()
    need(why is None, why)
    c = Cluster(tmp_path, n=2)
    try:
        a, b = c
        for node in c:
            node.start_udrbdd()
        a.partition(b)
        a.rate_limit(50)
        server = echo_server(b)
        # Not a child the harness knows of: close() finds it in the namespace.
        r = b.exec(["sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"], check=True)
        stray = int(r.stdout)
        pids = [a.proc.pid, b.proc.pid, server.pid, stray]
        assert all(alive(p) for p in pids)
        names = [c.switch] + [n.netns for n in c]
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert all(n in listed for n in names)
        ports = subprocess.run(["ip", "-n", c.switch, "-o", "link"],
                               capture_output=True, text=True).stdout
        assert "br0" in ports and "alpha@" in ports and "bravo@" in ports
    finally:
        c.close()
    c.close()                                # idempotent
    assert not any(alive(p) for p in pids)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert c.prefix not in listed, listed
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    assert c.prefix not in links and "alpha@" not in links and "bravo@" not in links, links
    for ns in names:
        assert not os.path.exists(f"/run/netns/{ns}")
