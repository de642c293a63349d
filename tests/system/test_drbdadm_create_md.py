"""drbdadm create-md for real, on block devices (loop devices over files) and
on plain files: Debian's drbdadm driving Debian's drbdmeta, Debian's drbdadm
driving ours (--drbdmeta=OURS), and our drbdadm driving ours give the same
exit code, messages and bytes. Debian's drbdadm calls drbdmeta three times:
read-dev-uuid (the device UUID of any meta data in place), create-md, and
write-dev-uuid with that UUID, or a random one if there was none."""
import contextlib
import hashlib
import os
import re
import shutil
import struct
import subprocess

import pytest

from conftest import BUILD, need

REAL_META = "/usr/sbin/drbdmeta"
OUR_META = os.path.join(BUILD, "md", "drbdmeta")
OUR_ADM = os.path.join(BUILD, "conf", "drbdadm")
ENV = dict(os.environ, DRBD_DRIVER_VERSION_OVERRIDE="9.2.0", LC_ALL="C")
SIZE = 64 << 20
KNOWN_UUID = 0x0123456789ABCDEF
CONF = """global {{ usage-count no; }}
resource r {{
  on hosta {{ node-id 0; device /dev/drbd9 minor 9; disk {disk}; meta-disk internal;
             address 127.0.0.1:7789; }}
  on hostb {{ node-id 1; device /dev/drbd9 minor 9; disk /dev/nonexistent; meta-disk internal;
             address 127.0.0.2:7789; }}
}}
"""
# (drbdadm, drbdmeta) combinations; the first is the reference
TOOLS = [("drbdadm", REAL_META), ("drbdadm", OUR_META), (OUR_ADM, OUR_META)]


def preflight(loop):
    need(shutil.which("drbdadm") is not None, "Debian's drbdadm (drbd-utils) is not installed")
    need(os.access(REAL_META, os.X_OK), f"{REAL_META} is not installed")
    need(os.access(OUR_META, os.X_OK) and os.access(OUR_ADM, os.X_OK),
         f"{OUR_META} or {OUR_ADM} is not built")
    need(shutil.which("unshare") is not None, "unshare (util-linux) is not installed")
    r = subprocess.run(["unshare", "--uts", "true"], capture_output=True)
    need(r.returncode == 0, "cannot create a UTS namespace: " + r.stderr.decode(errors="replace"))
    if loop:
        need(os.geteuid() == 0 and shutil.which("losetup") is not None,
             "loop devices need root and losetup")


@contextlib.contextmanager
def loop_device(path):
    r = subprocess.run(["losetup", "-f", "--show", path], capture_output=True, text=True)
    need(r.returncode == 0, f"losetup failed: {r.stderr.strip()}")
    dev = r.stdout.strip()
    try:
        yield dev
    finally:
        subprocess.run(["losetup", "-d", dev], check=True)


def create_md(tmp_path, adm, meta, disk, *extra):
    conf = tmp_path / "drbd.conf"
    conf.write_text(CONF.format(disk=disk))
    argv = [adm, f"--drbdmeta={meta}", "-c", str(conf), "create-md", *extra, "r"]
    r = subprocess.run(["unshare", "--uts", "sh", "-c", 'hostname hosta; exec "$@"', "sh"] + argv,
                       capture_output=True, text=True, env=ENV, stdin=subprocess.DEVNULL,
                       timeout=60)
    err = "".join(l for l in r.stderr.splitlines(True) if "modinfo" not in l)
    return r.returncode, r.stdout.replace(disk, "DISK"), err.replace(disk, "DISK")


def prepare(path, known_uuid):
    with open(path, "wb") as f:
        f.truncate(SIZE)
    if known_uuid:
        for cmd in (["create-md", "1"], ["write-dev-uuid", f"{known_uuid:016X}"]):
            r = subprocess.run([REAL_META, "--force", "9", "v09", path, "internal"] + cmd,
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr


def device_uuid(path):
    with open(path, "rb") as f:
        f.seek(SIZE - 4096 + 0x30)
        return struct.unpack(">Q", f.read(8))[0]


def contents(path, mask_uuid):
    """The file's digest, with the super block's device UUID zeroed if asked."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if mask_uuid:
        data[SIZE - 4096 + 0x30:SIZE - 4096 + 0x38] = bytes(8)
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("known_uuid", [KNOWN_UUID, 0], ids=["uuid-kept", "uuid-random"])
def test_create_md_block_device(tmp_path, known_uuid):
    preflight(loop=True)
    results, files = [], []
    for i, (adm, meta) in enumerate(TOOLS):
        path = str(tmp_path / f"disk{i}")
        prepare(path, known_uuid)
        with loop_device(path) as dev:
            results.append(create_md(tmp_path, adm, meta, dev, "--force"))
        files.append(path)
    assert results[0][0] == 0, results[0]
    assert "New drbd meta data block successfully created." in results[0][1]
    for i, res in enumerate(results[1:], 1):
        assert res == results[0], f"{TOOLS[i]}: {res} != {results[0]}"
    digests = {contents(p, not known_uuid) for p in files}
    assert len(digests) == 1, "the meta data differ"
    uuids = [device_uuid(p) for p in files]
    if known_uuid:
        assert uuids == [known_uuid] * 3
    else:
        assert all(uuids) and len(set(uuids)) == 3, [f"{u:016X}" for u in uuids]


def test_create_md_file(tmp_path):
    """On a regular file Debian's drbdadm creates the meta data, then exits
    20 when it asks the file for a block device's size, before
    write-dev-uuid; with our drbdmeta it does exactly the same. Our drbdadm
    goes on and writes the UUID."""
    preflight(loop=False)
    results, files = [], []
    for i, (adm, meta) in enumerate(TOOLS):
        path = str(tmp_path / f"disk{i}")
        prepare(path, KNOWN_UUID)
        results.append(create_md(tmp_path, adm, meta, path, "--force"))
        files.append(path)
    assert results[0][0] == 20, results[0]
    assert "BLKGETSIZE64" in results[0][2]
    assert results[1] == results[0]
    assert results[2][0] == 0, results[2]
    assert results[2][1] == results[0][1]
    # ours drops read-dev-uuid's stderr (plat_spawn_capture) and has
    # write-dev-uuid's: the same but for drbdmeta's ioctl notes
    no_ioctl = lambda s: re.sub(r"ioctl\(.*\n", "", s)  # noqa: E731
    assert no_ioctl(results[2][2]) == no_ioctl(results[0][2])
    # create-md leaves the device UUID zero; only ours wrote it back
    assert [device_uuid(p) for p in files] == [0, 0, KNOWN_UUID]
    assert len({contents(p, True) for p in files}) == 1
