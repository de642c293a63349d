"""A udrbd host and a VM with the kernel's DRBD 8.4 on one bridge.

The host is a one-node Cluster (tests/system/cluster.py): node alpha in its
network namespace, its veth on br0 of the cluster's switch namespace. The
VM's tap is another port of that bridge and QEMU runs in the switch
namespace, so the kernel and udrbdd see each other at .200 and .1 of the
cluster's subnet and nothing of the host's network.

    with Testbed(tmp, image) as tb:
        tb.vm.sh("k_create_md && k_attach && k_connect --protocol=C")
        tb.host_up(); tb.udrbd("connect", "r0", "1")

Resource r0, minor 0, volume 0 on both; udrbd is node 0 and calls its
peer "kernel" (node 1); both sides listen on PORT.
"""
import os

from cluster import Cluster, wait_for
from vm import VM

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = 7789
MiB = 1 << 20
PEER = "kernel"
PATTERN_MIB = 60


def pattern(seed):
    """PATTERN_MIB of reproducible bytes, different for each seed."""
    import random
    return random.Random(seed).randbytes(PATTERN_MIB * MiB)


def file_hash(path, size):
    """The sha256 of a file's first size bytes."""
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while size > 0:
            chunk = f.read(min(size, MiB))
            if not chunk:
                break
            h.update(chunk)
            size -= len(chunk)
    return h.hexdigest()


class Testbed:
    def __init__(self, tmp, image, disk_mib=64):
        self.tmp = str(tmp)
        self.cluster = Cluster(self.tmp, n=1)
        self.vm = None
        try:
            self.host = self.cluster[0]
            sw = self.cluster.switch
            self._ip("-n", sw, "tuntap", "add", "dev", "tap0", "mode", "tap")
            self._ip("-n", sw, "link", "set", "tap0", "master", "br0", "up")
            net = self.cluster.subnet
            self.vm_address = str(net.network_address + 200)
            # vda starts empty; vdb carries PATTERN_MIB of pattern(2).
            self.vm_disks = [os.path.join(self.tmp, f"vm-{n}.img") for n in ("vda", "vdb")]
            for path, fill in zip(self.vm_disks, (None, 2)):
                with open(path, "wb") as f:
                    if fill:
                        f.write(pattern(fill))
                    f.truncate(disk_mib * MiB)
            self.host_disk = None
            self.disk_mib = disk_mib
            vmdir = os.path.join(self.tmp, "vm")
            os.makedirs(vmdir, exist_ok=True)
            config = (f"IOP_HOSTNAME=kernel\nIOP_ADDR={self.vm_address}/{net.prefixlen}\n"
                      f"IOP_PEER={self.host.address}\nIOP_PORT={PORT}\n")
            with open(os.path.join(HERE, "vm", "kernel.sh")) as f:
                files = {"config.sh": config, "kernel.sh": f.read()}
            self.vm = VM(image, vmdir, files, disks=self.vm_disks, netns=sw, tap="tap0")
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _ip(*args):
        import subprocess
        subprocess.run(["ip", *args], check=True, capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.vm:
            self.vm.close()
        self.cluster.close()

    # --- the udrbd side ----------------------------------------------------

    def udrbd(self, *args, check=True):
        """Our drbdsetup against the host's udrbdd."""
        return self.host.drbdsetup(*args, check=check)

    def host_disk_new(self, fill=None, mib=None):
        """A new backing file (mib MiB, default the VM's disk size) with
        fresh v09 meta data (1 peer), its data area starting with
        pattern(fill) when fill is given."""
        self.host_disk = self.host.make_backing((mib or self.disk_mib) * MiB, peers=1)
        if fill:
            with open(self.host_disk, "r+b") as f:
                f.write(pattern(fill))

    def host_up(self, protocol="C", *net):
        """r0 on the host: peer "kernel" with the given protocol and net
        options, one path, attached (a fresh backing file the first time);
        not yet connecting."""
        if self.host_disk is None:
            self.host_disk_new()
        d = self.host_disk
        for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                     ("new-peer", "r0", "1", f"--_name={PEER}", f"--protocol={protocol}", *net),
                     ("new-path", "r0", "1", f"ipv4:{self.host.address}:{PORT}",
                      f"ipv4:{self.vm_address}:{PORT}"),
                     ("attach", "0", d, d, "internal")):
            self.udrbd(*args)

    def host_status(self):
        return self.udrbd("status", "r0", check=False).stdout

    def wait_host_status(self, want, timeout=20):
        """Polls `drbdsetup status r0` until it is want; returns it."""
        last = [None]

        def same():
            last[0] = self.host_status()
            return last[0] == want
        try:
            wait_for(same, timeout=timeout, interval=0.1)
        except AssertionError:
            raise AssertionError(f"udrbd status never became {want!r}; last {last[0]!r}")
        return want

    def host_log(self):
        with open(self.host.log, errors="replace") as f:
            return f.read()
