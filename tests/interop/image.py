"""The interop test image: Debian's kernel (with its DRBD 8.4.11 module) and
a base initramfs of busybox, drbd-utils' 8.4 tools, iproute2 and losetup,
built from Debian packages at test time (TESTBED.md "The real Linux kernel
DRBD, in a virtual machine") and cached under the build directory, keyed
on the package versions and on this directory's VM-side files.

    python3 tests/interop/image.py [--build-dir DIR]   # builds, prints the dir

build(build_dir) returns an Image(dir, kernel, initrd, versions). The
initramfs is an uncompressed cpio written here (no root, no cpio tool):
nothing in it depends on the machine's users or time.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
Image = namedtuple("Image", "dir kernel initrd versions")

# Installed on the host by scripts/install-deps.sh; copied with their libraries.
HOST_PACKAGES = ("busybox-static", "drbd-utils", "iproute2", "util-linux", "libc6")
PROGRAMS = {
    "/bin/busybox": "/bin/busybox",
    "/sbin/drbdsetup-84": "/lib/drbd/drbdsetup-84",
    "/sbin/drbdadm-84": "/lib/drbd/drbdadm-84",
    "/sbin/drbdmeta": "/usr/sbin/drbdmeta",
    "/sbin/ip": "/bin/ip",
    "/sbin/losetup": "/sbin/losetup",
}
# drbdadm-84 looks for its helpers beside the 8.4 tools.
LINKS = {"/lib/drbd/drbdsetup-84": "/sbin/drbdsetup-84", "/lib/drbd/drbdadm-84": "/sbin/drbdadm-84",
         "/usr/sbin/drbdmeta": "/sbin/drbdmeta"}
# Loaded in this order, each after its dependencies. libcrc32c asks the
# crypto API for "crc32c" and there is no modprobe to load it on demand.
MODULES = ("crc32c_generic", "virtio_pci", "virtio_net", "virtio_blk", "loop", "drbd")
# The VM-side files that go into the base image (the rest rides per boot).
VM_FILES = ("init", "iop-shell")


def _out(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def kernel_package():
    """The linux-image-6.1.0-N-amd64 that linux-image-amd64 names, and its version."""
    dep = re.search(r"Depends: (linux-image-\S+)", _out(["apt-cache", "depends", "linux-image-amd64"]))
    if dep is None:
        raise RuntimeError("apt-cache names no kernel for linux-image-amd64 (apt-get update?)")
    name = dep.group(1)
    ver = re.search(r"^Version: (\S+)", _out(["apt-cache", "show", "--no-all-versions", name]), re.M)
    return name, ver.group(1)


def versions():
    """Package -> version of everything that goes into the image."""
    name, ver = kernel_package()
    v = {name: ver}
    for p in HOST_PACKAGES:
        v[p] = _out(["dpkg-query", "-W", "-f=${Version}", p]).strip()
    return v


def cache_key(vers):
    h = hashlib.sha256()
    for k in sorted(vers):
        h.update(f"{k}={vers[k]}\n".encode())
    for f in (os.path.abspath(__file__),) + tuple(os.path.join(HERE, "vm", n) for n in VM_FILES):
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


# --- cpio (newc) ----------------------------------------------------------

class Cpio:
    """An in-memory newc archive: directories, files, symlinks, device nodes."""

    def __init__(self):
        self.chunks = []
        self.ino = 1000
        self.seen = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name = name.lstrip("/")
        self.ino += 1
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name) + 1, 0)
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
        self.chunks.append(hdr + b"\0" * (-len(hdr) % 4))
        self.chunks.append(data + b"\0" * (-len(data) % 4))

    def dir(self, path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.seen:
                self.seen.add(d)
                self._entry(d, 0o040755)

    def file(self, path, data, mode=0o755):
        self.dir(os.path.dirname(path))
        self._entry(path, 0o100000 | mode, data)

    def symlink(self, path, target):
        self.dir(os.path.dirname(path))
        self._entry(path, 0o120777, target.encode())

    def chardev(self, path, major, minor):
        self.dir(os.path.dirname(path))
        self._entry(path, 0o020600, rdev=(major, minor))

    def bytes(self):
        self._entry("TRAILER!!!", 0)
        data = b"".join(self.chunks)
        return data + b"\0" * (-len(data) % 512)


# --- the pieces -------------------------------------------------------------

def _libraries(program):
    """Absolute paths of the shared libraries ldd lists (loader included)."""
    r = subprocess.run(["ldd", program], capture_output=True, text=True)
    if r.returncode != 0:            # static (busybox)
        return []
    return re.findall(r"(/\S+) \(0x", r.stdout)


def _modinfo_depends(path):
    with open(path, "rb") as f:
        m = re.search(rb"\0depends=([^\0]*)\0", f.read())
    return [d for d in (m.group(1).decode().split(",") if m else []) if d]


def _module_order(moddir):
    """(name, path) of MODULES and their dependencies, dependencies first."""
    paths = {}
    for root, _, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                paths[f[:-3].replace("-", "_")] = os.path.join(root, f)
    order = []

    def visit(name):
        if name in order:
            return
        for dep in _modinfo_depends(paths[name]):
            visit(dep.replace("-", "_"))
        order.append(name)
    for m in MODULES:
        visit(m)
    return [(m, paths[m]) for m in order]


def _download(pkg, ver, debs):
    """The .deb of pkg=ver, downloaded into debs unless it is there."""
    os.makedirs(debs, exist_ok=True)
    want = f"{pkg}_{ver.replace(':', '%3a')}_amd64.deb"
    if not os.path.exists(os.path.join(debs, want)):
        subprocess.run(["apt-get", "download", f"{pkg}={ver}"], cwd=debs, check=True,
                       capture_output=True)
    return os.path.join(debs, want)


def _base_cpio(kroot):
    c = Cpio()
    for d in ("dev", "proc", "sys", "tmp", "run", "etc", "root", "lib/modules", "scenario",
              "var/lock", "var/run/drbd", "var/lib/drbd"):
        c.dir(d)
    c.chardev("/dev/console", 5, 1)
    c.chardev("/dev/null", 1, 3)
    placed = set(PROGRAMS)
    libs = set()
    for dst, src in PROGRAMS.items():
        with open(src, "rb") as f:
            c.file(dst, f.read())
        libs.update(_libraries(src))
    for lib in sorted(libs):
        with open(os.path.realpath(lib), "rb") as f:
            c.file(lib, f.read())
    for link, target in LINKS.items():
        c.symlink(link, target)
        placed.add(link)
    for applet in _out(["/bin/busybox", "--list-full"]).split():
        path = "/" + applet
        name = os.path.basename(path)
        if path in placed or any(p.endswith("/" + name) for p in placed):
            continue
        placed.add(path)
        c.symlink(path, "/bin/busybox")
    moddir = next(os.path.join(kroot, "lib/modules", d) for d in os.listdir(os.path.join(kroot, "lib/modules")))
    order = []
    for name, path in _module_order(moddir):
        with open(path, "rb") as f:
            c.file(f"/lib/modules/{name}.ko", f.read(), 0o644)
        order.append(name)
    c.file("/etc/modules", ("\n".join(order) + "\n").encode(), 0o644)
    for n in VM_FILES:
        with open(os.path.join(HERE, "vm", n), "rb") as f:
            c.file("/init" if n == "init" else f"/bin/{n}", f.read())
    return c.bytes()


def _vmlinux(bzimage):
    """The uncompressed ELF kernel inside a bzImage (Debian's is xz), or
    None. QEMU boots it through its PVH entry point, skipping the
    decompression that costs ~2.5 s under TCG."""
    import lzma
    with open(bzimage, "rb") as f:
        data = f.read()
    i = data.find(b"\xfd7zXZ\x00")
    if i < 0:
        return None
    try:
        elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[i:])
    except lzma.LZMAError:
        return None
    return elf if elf[:4] == b"\x7fELF" else None


def build(build_dir, log=print):
    """The cached image for the current package versions; built if absent.
    A kernel the archive no longer has: the package lists are refreshed
    once and the newest kernel is taken."""
    try:
        return _build(build_dir, log)
    except subprocess.CalledProcessError:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        return _build(build_dir, log)


def _build(build_dir, log):
    vers = versions()
    top = os.path.join(build_dir, "interop")
    out = os.path.join(top, "image-" + cache_key(vers))
    img = Image(out, os.path.join(out, "vmlinux"), os.path.join(out, "base.cpio"), vers)
    if os.path.exists(os.path.join(out, "versions.txt")):
        return img
    t0 = time.monotonic()
    kname = next(k for k in vers if k.startswith("linux-image-"))
    deb = _download(kname, vers[kname], os.path.join(top, "debs"))
    os.makedirs(top, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="image.", dir=top)
    try:
        kroot = os.path.join(tmp, "root")
        subprocess.run(["dpkg-deb", "-x", deb, kroot], check=True)
        vmlinuz = next(f for f in os.listdir(os.path.join(kroot, "boot")) if f.startswith("vmlinuz-"))
        elf = _vmlinux(os.path.join(kroot, "boot", vmlinuz))
        if elf:
            with open(os.path.join(tmp, "vmlinux"), "wb") as f:
                f.write(elf)
        else:
            shutil.copyfile(os.path.join(kroot, "boot", vmlinuz), os.path.join(tmp, "vmlinux"))
        with open(os.path.join(tmp, "base.cpio"), "wb") as f:
            f.write(_base_cpio(kroot))
        shutil.rmtree(kroot)
        with open(os.path.join(tmp, "versions.txt"), "w") as f:
            f.writelines(f"{k} {vers[k]}\n" for k in sorted(vers))
        for old in os.listdir(top):
            if old.startswith("image-"):
                shutil.rmtree(os.path.join(top, old))
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f"interop image built in {time.monotonic() - t0:.1f} s: {out}")
    return img


def main(argv):
    import argparse
    root = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(prog="image.py")
    ap.add_argument("--build-dir", default=os.environ.get("UDRBD_BUILD", os.path.join(root, "build")))
    args = ap.parse_args(argv)
    img = build(args.build_dir, log=lambda m: print(m, file=sys.stderr))
    print(img.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
