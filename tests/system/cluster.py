"""Several udrbd hosts on one machine, for the replication tests
(TESTBED.md "Several hosts on one machine").

Each node is a network namespace whose eth0 is a veth port of a bridge in a
"switch" namespace (a bridge, so that three nodes work as well as two), with
an address 10.X.Y.<i+1>/24 on a subnet the host does not use. Every command
a node runs gets a fresh UTS namespace with the node's host name (alpha,
bravo, charlie, ...), so drbdadm picks the right `on HOST` section. udrbdd
listens for NBD on 127.0.0.1 inside the node: NBD clients run through
node.exec(). Faults: partitions and packet loss by iptables inside the node,
bandwidth by tc tbf on both ends of its link. Needs root.

    with Cluster(tmp_path, n=2) as c:
        a, b = c
        a.start_udrbdd(); b.start_udrbdd()
        a.partition(b); ...; a.heal()

wait_for(fn) polls a condition (e.g. a peer's state in drbdsetup status).
close() (also on leaving the with block, and at interpreter exit) stops
every process the harness started, kills what is left in its namespaces,
and deletes the veths, the bridge and the namespaces; it is idempotent.

Command line, for the benchmarks (bench/netbench.sh):

    cluster.py run [--nodes N] [--rate MBIT] [--loss PCT] -- CMD [ARG...]

sets up a cluster, runs CMD in the host's namespaces with CLUSTER_N and, per
node i, CLUSTER_NS_<i>, CLUSTER_HOST_<i>, CLUSTER_ADDR_<i>, CLUSTER_DIR_<i>
in its environment, tears the cluster down and exits with CMD's status.
"""
import atexit
import functools
import ipaddress
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("UDRBD_BUILD", os.path.join(ROOT, "build"))
HOSTNAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
NBD_PORT = 10809
# Per-direction chains inside each node, entered only for eth0's traffic.
CHAIN_IN, CHAIN_OUT = "UDRBD-IN", "UDRBD-OUT"

_seq = itertools.count()


def _run(argv, check=True, timeout=30, input=None, env=None):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       input=input, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} -> {r.returncode}\n{r.stdout}{r.stderr}")
    return r


@functools.lru_cache(maxsize=None)
def unavailable():
    """Why no cluster can be built here, or None when it can."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    for tool in ("ip", "unshare", "iptables", "iptables-restore", "tc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = f"udrbd-{os.getpid()}-probe"
    r = _run(["ip", "netns", "add", probe], check=False)
    if r.returncode != 0:
        return f"ip netns is unavailable: {r.stderr.strip()}"
    try:
        # The iptables here (nft or legacy) must work inside a namespace,
        # with the statistic match loss() needs.
        r = _run(["ip", "netns", "exec", probe, "iptables", "-w", "-A", "INPUT",
                  "-m", "statistic", "--mode", "random", "--probability", "0.5",
                  "-j", "DROP"], check=False)
        if r.returncode != 0:
            return f"iptables does not work in a namespace: {r.stderr.strip()}"
    finally:
        _run(["ip", "netns", "del", probe], check=False)
    return None


def _host_networks():
    """Every IPv4 network the host has an address or a route on."""
    nets = []
    for line in _run(["ip", "-4", "-o", "addr", "show"]).stdout.splitlines():
        f = line.split()
        if "inet" in f:
            nets.append(ipaddress.ip_network(f[f.index("inet") + 1], strict=False))
    for line in _run(["ip", "-4", "route", "show", "table", "all"]).stdout.splitlines():
        f = line.split()
        if f and f[0] in ("local", "broadcast", "unicast"):
            f = f[1:]
        if f and f[0] != "default":
            try:
                nets.append(ipaddress.ip_network(f[0], strict=False))
            except ValueError:
                pass
    return nets


def _pick_subnet():
    """A 10.X.Y.0/24 the host does not use; varies with pid and sequence so
    that clusters of concurrent runs look different in logs."""
    used = _host_networks()
    start = os.getpid() * 31 + next(_seq)
    for k in range(180 * 256):
        i = (start + k) % (180 * 256)
        net = ipaddress.ip_network(f"10.{64 + i // 256}.{i % 256}.0/24")
        if not any(net.overlaps(u) for u in used):
            return net
    raise RuntimeError("no free 10.X.Y.0/24 subnet")


def _end(proc, grace):
    """Ends a process the harness started: SIGTERM and up to grace seconds,
    then SIGKILL; reaps it."""
    if proc is None or proc.poll() is not None:
        return
    if grace:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass
    proc.kill()
    proc.wait()


def wait_for(fn, timeout=10.0, interval=0.05, what=None):
    """Polls fn until it returns something true and returns that; fails
    the test when it has not after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or fn}")
        time.sleep(interval)


class Node:
    """One host of the cluster: namespace, address, udrbdd, faults."""

    def __init__(self, cluster, index):
        self.cluster = cluster
        self.index = index
        self.hostname = HOSTNAMES[index]
        self.netns = f"{cluster.prefix}-{self.hostname}"
        self.port = self.hostname            # its veth end in the switch
        self.address = str(cluster.subnet.network_address + index + 1)
        self.dir = os.path.join(cluster.tmp, self.hostname)
        self.control = os.path.join(self.dir, "ctl.sock")
        self.log = os.path.join(self.dir, "udrbdd.log")
        self.proc = None
        self._procs = []
        self._rules = []                     # (chain, spec) installed
        self._chains = False
        os.makedirs(self.dir, exist_ok=True)

    def __repr__(self):
        return f"<Node {self.hostname} {self.address} netns={self.netns}>"

    def _create(self):
        sw = self.cluster.switch
        _run(["ip", "netns", "add", self.netns])
        self.cluster._netns.append(self.netns)
        _run(["ip", "-n", sw, "link", "add", self.port, "type", "veth",
              "peer", "name", "eth0", "netns", self.netns])
        _run(["ip", "-n", sw, "link", "set", self.port, "master", "br0", "up"])
        prefix = self.cluster.subnet.prefixlen
        _run(["ip", "-n", self.netns, "addr", "add", f"{self.address}/{prefix}", "dev", "eth0"])
        _run(["ip", "-n", self.netns, "link", "set", "eth0", "up"])
        _run(["ip", "-n", self.netns, "link", "set", "lo", "up"])

    # --- running things inside the node ---------------------------------

    def wrap(self, argv):
        """argv run in the node's network namespace and a UTS namespace of
        its own carrying the node's host name."""
        return ["ip", "netns", "exec", self.netns, "unshare", "--uts", "sh", "-c",
                'hostname "$0" && exec "$@"', self.hostname, *argv]

    def env(self, extra=None):
        return dict(os.environ, UDRBD_CONTROL=self.control, **(extra or {}))

    def exec(self, argv, check=False, timeout=60, input=None, env=None,
             background=False, **popen):
        """Runs argv inside the node (UDRBD_CONTROL names this node's
        udrbdd). Foreground: returns the CompletedProcess (text output).
        background=True: returns the Popen, stopped by close()."""
        argv = [str(a) for a in argv]
        if background:
            popen.setdefault("stdout", subprocess.DEVNULL)
            popen.setdefault("stderr", subprocess.DEVNULL)
            p = subprocess.Popen(self.wrap(argv), env=self.env(env), **popen)
            self._procs.append(p)
            return p
        r = _run(self.wrap(argv), check=False, timeout=timeout, input=input,
                 env=self.env(env))
        if check and r.returncode != 0:
            raise AssertionError(f"[{self.hostname}] {' '.join(argv)} -> {r.returncode}\n"
                                 f"{r.stdout}{r.stderr}{self._log_tail()}")
        return r

    def _log_tail(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log, errors="replace") as f:
            return "\nudrbdd log:\n" + f.read()[-4000:]

    def start_udrbdd(self, *extra, log_level="debug"):
        """Starts udrbdd in the node: control socket in the node's directory,
        NBD on 127.0.0.1:NBD_PORT of the node's namespace."""
        assert self.proc is None or self.proc.poll() is not None, "udrbdd runs already"
        nbd_sock = os.path.join(self.dir, "nbd.sock")
        # Left behind by a killed udrbdd of this node.
        for path in (self.control, nbd_sock):
            if os.path.exists(path):
                os.unlink(path)
        with open(self.log, "ab") as logf:
            self.proc = self.exec(
                [os.path.join(BUILD, "cmd", "udrbdd"), "--control", self.control,
                 "--nbd-listen", f"127.0.0.1:{NBD_PORT}", "--nbd-socket", nbd_sock,
                 "--log-level", log_level,
                 # handlers only when asked for: the default runs any drbdadm on PATH
                 *([] if "--usermode-helper" in extra else ["--usermode-helper", "disabled"]),
                 *extra],
                background=True, stdout=logf, stderr=logf)
        for _ in range(200):
            if os.path.exists(self.control):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.025)
        raise RuntimeError(f"udrbdd on {self.hostname} did not start{self._log_tail()}")

    def drbdsetup(self, *args, check=False, prog="drbdsetup"):
        """Our drbdsetup (or prog from the build's cmd/) against this node."""
        return self.exec([os.path.join(BUILD, "cmd", prog), *args], check=check)

    def udrbd(self, *args, check=False):
        return self.drbdsetup(*args, check=check, prog="udrbd")

    def make_backing(self, size, peers=1, name="disk.img"):
        """A file of size bytes in the node's directory with fresh internal
        meta data for peers peers (our drbdmeta create-md)."""
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.truncate(size)
        _run([os.path.join(BUILD, "md", "drbdmeta"), "--force", "0", "v09", path,
              "internal", "create-md", str(peers)], timeout=120)
        return path

    def nbd_uri(self, minor=0):
        """The URI of a device's export, valid inside this node (exec)."""
        return f"nbd://127.0.0.1:{NBD_PORT}/drbd{minor}"

    def kill9(self):
        _end(self.proc, grace=0)

    def stop(self):
        _end(self.proc, grace=20)

    def _stop_all(self):
        self.stop()
        for p in self._procs:
            _end(p, grace=0)
        self._procs = []

    # --- network faults --------------------------------------------------

    def _iptables(self, *args):
        _run(["ip", "netns", "exec", self.netns, "iptables", "-w", *args])

    def _ensure_chains(self):
        if self._chains:
            return
        rules = (f"*filter\n:{CHAIN_IN} - [0:0]\n:{CHAIN_OUT} - [0:0]\n"
                 f"-A INPUT -i eth0 -j {CHAIN_IN}\n-A OUTPUT -o eth0 -j {CHAIN_OUT}\nCOMMIT\n")
        _run(["ip", "netns", "exec", self.netns, "iptables-restore", "-w", "--noflush"],
             input=rules)
        self._chains = True

    def _add_rule(self, chain, spec):
        if (chain, spec) in self._rules:
            return
        self._ensure_chains()
        self._iptables("-A", chain, *spec)
        self._rules.append((chain, spec))

    def _del_rules(self, keep):
        for chain, spec in [r for r in self._rules if not keep(r)]:
            self._iptables("-D", chain, *spec)
            self._rules.remove((chain, spec))

    def partition(self, peer, direction="both"):
        """Drops TCP between this node and peer (a Node or an address):
        "both" directions, or only what comes "in" from or goes "out" to it.
        Established connections stall, as behind a dead switch."""
        addr = peer.address if isinstance(peer, Node) else str(peer)
        if direction in ("both", "in"):
            self._add_rule(CHAIN_IN, ("-p", "tcp", "-s", addr, "-j", "DROP"))
        if direction in ("both", "out"):
            self._add_rule(CHAIN_OUT, ("-p", "tcp", "-d", addr, "-j", "DROP"))

    def heal(self, peer=None):
        """Undoes partition() towards peer, or towards everyone."""
        addr = peer.address if isinstance(peer, Node) else peer

        def keep(rule):
            spec = rule[1]
            if "-s" not in spec and "-d" not in spec:
                return True                  # not a partition
            return addr is not None and addr not in spec
        self._del_rules(keep)

    def loss(self, pct):
        """Drops each packet in and out of eth0 with probability pct/100
        (each direction on its own); loss(0) ends it."""
        self._del_rules(lambda r: "statistic" not in r[1])
        if pct > 0:
            spec = ("-m", "statistic", "--mode", "random",
                    "--probability", f"{min(pct, 100) / 100:.6f}", "-j", "DROP")
            self._add_rule(CHAIN_IN, spec)
            self._add_rule(CHAIN_OUT, spec)

    def rate_limit(self, mbit):
        """Limits the node's link to mbit Mbit/s each way (tbf on eth0 and
        on its switch port); rate_limit(None) lifts it."""
        ends = (("-n", self.netns, "eth0"), ("-n", self.cluster.switch, self.port))
        for ns_opt, ns, dev in ends:
            if mbit is None:
                _run(["tc", ns_opt, ns, "qdisc", "del", "dev", dev, "root"], check=False)
                continue
            # A burst of 10 ms at the rate, at least 32 KiB.
            burst = max(32 * 1024, int(mbit * 1e6 / 8 / 100))
            _run(["tc", ns_opt, ns, "qdisc", "replace", "dev", dev, "root", "tbf",
                  "rate", f"{mbit}mbit", "burst", str(burst), "latency", "50ms"])


class Cluster:
    """n nodes on a bridge; iterate or index it for the Node objects."""

    def __init__(self, tmp, n=2):
        assert 1 <= n <= len(HOSTNAMES)
        self.tmp = str(tmp)
        self.prefix = f"udrbd-{os.getpid()}-{next(_seq)}"
        self.switch = f"{self.prefix}-sw"
        self.subnet = _pick_subnet()
        self.nodes = []
        self._netns = []
        self._closed = False
        atexit.register(self.close)
        try:
            _run(["ip", "netns", "add", self.switch])
            self._netns.append(self.switch)
            _run(["ip", "-n", self.switch, "link", "add", "br0", "type", "bridge",
                  "forward_delay", "0"])
            _run(["ip", "-n", self.switch, "link", "set", "br0", "up"])
            for i in range(n):
                node = Node(self, i)
                self.nodes.append(node)
                node._create()
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __iter__(self):
        return iter(self.nodes)

    def __getitem__(self, i):
        return self.nodes[i]

    def __len__(self):
        return len(self.nodes)

    def node(self, hostname):
        return next(n for n in self.nodes if n.hostname == hostname)

    def heal(self):
        """Ends every partition and loss on every node."""
        for node in self.nodes:
            node.heal()
            node.loss(0)

    def close(self):
        if self._closed:
            return
        self._closed = True
        for node in self.nodes:
            node._stop_all()
        for ns in self._netns:
            self._kill_leftovers(ns)
        # Deleting the ports and bridge now, not when the kernel gets round
        # to destroying the namespaces.
        for node in self.nodes:
            _run(["ip", "-n", self.switch, "link", "del", node.port], check=False)
        _run(["ip", "-n", self.switch, "link", "del", "br0"], check=False)
        for ns in reversed(self._netns):
            _run(["ip", "netns", "del", ns], check=False)
        atexit.unregister(self.close)

    @staticmethod
    def _kill_leftovers(ns):
        """Whatever still runs in a namespace of ours was started from it
        (a daemonised child of an exec): it would keep the namespace alive."""
        r = _run(["ip", "netns", "pids", ns], check=False)
        for pid in r.stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="cluster.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run a command beside a fresh cluster")
    run.add_argument("--nodes", type=int, default=2)
    run.add_argument("--rate", type=float, help="Mbit/s limit on every node's link")
    run.add_argument("--loss", type=float, default=0, help="percent loss per direction")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")
    why = unavailable()
    if why:
        print(f"cluster.py: {why}", file=sys.stderr)
        return 2
    # SIGTERM unwinds like Ctrl-C, through close().
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="udrbd-cluster.")
    try:
        with Cluster(tmp, n=args.nodes) as c:
            env = dict(os.environ, CLUSTER_N=str(len(c)))
            for node in c:
                if args.rate:
                    node.rate_limit(args.rate)
                if args.loss:
                    node.loss(args.loss)
                i = node.index
                env.update({f"CLUSTER_NS_{i}": node.netns, f"CLUSTER_HOST_{i}": node.hostname,
                            f"CLUSTER_ADDR_{i}": node.address, f"CLUSTER_DIR_{i}": node.dir})
            return subprocess.run(cmd, env=env).returncode
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
