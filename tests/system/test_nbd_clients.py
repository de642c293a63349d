"""Real NBD clients against our NBD server: nbdinfo, nbdcopy, qemu-io, fio's
nbd engine, and nbdfuse + loop device + ext4.

Run: /usr/bin/python3 -m pytest tests/system/test_nbd_clients.py
(UDRBD_BUILD names the build directory.)
"""
import hashlib
import os
import subprocess

import pytest

from test_nbd_common import (EXPORT_SIZE, RawClient, need, need_tool,  # noqa: F401
                             nbd_server, nbd_server_unavailable, server_kind, wait_for)


def run(*args, check=True, timeout=300, **kw):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kw)
    if check:
        assert p.returncode == 0, "%s failed (%d):\n%s\n%s" % (
            args[0], p.returncode, p.stdout, p.stderr)
    return p


def sha256_file(path, length=None):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        left = length
        while left is None or left > 0:
            chunk = f.read(1 << 20 if left is None else min(1 << 20, left))
            if not chunk:
                break
            h.update(chunk)
            if left is not None:
                left -= len(chunk)
    return h.hexdigest()


def test_nbdinfo_size_and_flags(nbd_server):
    need_tool("nbdinfo")
    out = run("nbdinfo", nbd_server.uri()).stdout
    for line in ("export-size: %d" % EXPORT_SIZE,
                 "is_read_only: false",
                 "can_flush: true",
                 "can_fua: true",
                 "can_trim: true",
                 "can_zero: true",
                 "can_multi_conn: true",
                 "block_size_minimum: 512",
                 "block_size_preferred: 4096",
                 "block_size_maximum: 2097152"):
        assert line in out, "nbdinfo lacks %r:\n%s" % (line, out)
    assert 'export="drbd0"' in out
    assert "newstyle-fixed" in out
    listing = run("nbdinfo", "--list", "nbd://127.0.0.1:%d" % nbd_server.port).stdout
    assert 'export="drbd0"' in listing


def test_unix_socket(nbd_server):
    need_tool("nbdinfo")
    if not getattr(nbd_server, "unix_path", None):
        pytest.skip("server kind has no Unix socket")
    out = run("nbdinfo", "nbd+unix:///drbd0?socket=" + nbd_server.unix_path).stdout
    assert "export-size: %d" % EXPORT_SIZE in out


def test_nbdcopy_roundtrip(nbd_server, tmp_path):
    need_tool("nbdcopy")
    src, back = tmp_path / "src.bin", tmp_path / "back.bin"
    src.write_bytes(os.urandom(EXPORT_SIZE))
    run("nbdcopy", str(src), nbd_server.uri())
    run("nbdcopy", nbd_server.uri(), str(back))
    want = sha256_file(src)
    assert sha256_file(back) == want
    if nbd_server.backing:
        assert sha256_file(nbd_server.backing, EXPORT_SIZE) == want


def test_qemu_io_pattern(nbd_server):
    need_tool("qemu-io")
    uri = "nbd://127.0.0.1:%d/drbd0" % nbd_server.port
    out = run("qemu-io", "-f", "raw", uri,
              "-c", "write -P 0xab 0 1M",
              "-c", "read -P 0xab 0 1M",
              "-c", "write -P 0x5c 1536 4096",
              "-c", "read -P 0xab 0 1536",
              "-c", "read -P 0x5c 1536 4096",
              "-c", "write -z 8M 1M",
              "-c", "read -P 0 8M 1M",
              "-c", "discard 16M 1M",
              "-c", "flush").stdout
    assert "Pattern verification failed" not in out, out
    assert out.count("read ") == 4, out
    # a mismatching pattern must be noticed: the test can fail
    bad = run("qemu-io", "-f", "raw", uri, "-c", "read -P 0xcd 0 4096", check=False)
    assert "Pattern verification failed" in bad.stdout + bad.stderr


def test_fio_verify(nbd_server):
    need_tool("fio")
    p = run("fio", "--name=verify", "--ioengine=nbd", "--uri=" + nbd_server.uri(),
            "--rw=randwrite", "--bsrange=512-64k", "--size=32M",
            "--iodepth=32", "--verify=crc32c", "--verify_fatal=1",
            "--do_verify=1", "--output-format=terse", check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_fio_multi_conn(nbd_server):
    need_tool("fio")
    p = run("fio", "--name=mc", "--ioengine=nbd", "--uri=" + nbd_server.uri(),
            "--rw=randrw", "--bs=4k", "--size=16M", "--iodepth=16",
            "--numjobs=4", "--offset_increment=16M", "--verify=crc32c",
            "--verify_fatal=1", "--group_reporting", check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def _root_fuse_loop():
    need(os.geteuid() == 0, "needs root (losetup, mount)")
    need(os.path.exists("/dev/fuse"), "no /dev/fuse")
    need(os.path.exists("/dev/loop-control"), "no loop devices")
    need_tool("nbdfuse", "losetup", "mkfs.ext4", "e2fsck", "mount", "umount",
              "fusermount3")


def test_nbdfuse_loop_ext4(nbd_server, tmp_path):
    _root_fuse_loop()
    fuse_dir, mnt = tmp_path / "fuse", tmp_path / "mnt"
    fuse_dir.mkdir()
    mnt.mkdir()
    pidfile = tmp_path / "nbdfuse.pid"
    fuse = subprocess.Popen(["nbdfuse", "-P", str(pidfile), str(fuse_dir / "nbd"),
                             nbd_server.uri()], stderr=subprocess.PIPE, text=True)
    loop = None
    mounted = False
    try:
        wait_for(lambda: pidfile.exists() or fuse.poll() is not None, what="nbdfuse")
        assert fuse.poll() is None, "nbdfuse exited: " + fuse.stderr.read()
        loop = run("losetup", "-f", "--show", str(fuse_dir / "nbd")).stdout.strip()
        run("mkfs.ext4", "-q", "-F", loop)
        run("mount", loop, str(mnt))
        mounted = True
        data = os.urandom(8 << 20)
        (mnt / "data.bin").write_bytes(data)
        run("sync")
        run("umount", str(mnt))
        mounted = False
        run("mount", loop, str(mnt))
        mounted = True
        assert (mnt / "data.bin").read_bytes() == data
        run("umount", str(mnt))
        mounted = False
        fsck = run("e2fsck", "-fn", loop, check=False)
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    finally:
        if mounted:
            run("umount", str(mnt), check=False)
        if loop:
            run("losetup", "-d", loop, check=False)
        run("fusermount3", "-u", str(fuse_dir), check=False)
        try:
            fuse.wait(timeout=30)
        except subprocess.TimeoutExpired:
            fuse.kill()
            fuse.wait()


def test_unavailable_export_refused(nbd_server_unavailable):
    need_tool("nbdinfo", "qemu-img")
    srv = nbd_server_unavailable
    # qemu shows the server's message to the user as is
    p = run("qemu-img", "info", srv.uri(), check=False)
    assert p.returncode != 0
    assert "Requested export not available" in p.stderr, p.stderr
    assert "server reported: drbd0" in p.stderr, p.stderr
    assert "is Secondary" in p.stderr and "drbdsetup primary" in p.stderr, p.stderr
    # libnbd maps NBD_REP_ERR_UNKNOWN to ENOENT and logs the message in debug
    p = run("nbdinfo", srv.uri(), check=False, env=dict(os.environ, LIBNBD_DEBUG="1"))
    assert p.returncode != 0
    assert "server error message: drbd0" in p.stderr and "is Secondary" in p.stderr
    srv.set_available(True)
    assert "export-size: %d" % EXPORT_SIZE in run("nbdinfo", srv.uri()).stdout
