"""drbdsetup suspend-io/resume-io, forget-peer and resize against udrbdd
(DRBD 9's behaviour and words; docs/drbdsetup.md)."""
import subprocess
import time

from conftest import make_backing, need_tool

MiB = 1 << 20


def bring_up_primary(d, disk):
    for args in (("new-resource", "r0", "0"), ("new-minor", "r0", "0", "0"),
                 ("attach", "0", disk, disk, "internal"), ("primary", "r0", "--force")):
        d.run(*args, check=True)


def wait_for(pred, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"never: {what}")


def upper_pending(d):
    out = d.run("status", "r0", "--verbose", "--statistics").stdout
    return int(out.split("upper-pending:")[1].split()[0])


def test_suspend_io_holds_new_writes_until_resume(udrbdd, tmp_path):
    need_tool("qemu-io")
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    bring_up_primary(udrbdd, disk)
    r = udrbdd.run("suspend-io", "0")
    assert r.returncode == 0 and r.stdout == r.stderr == ""
    assert udrbdd.run("status", "r0").stdout == \
        "r0 role:Primary suspended:user\n  disk:UpToDate blocked:upper\n\n"
    verbose = udrbdd.run("status", "r0", "--verbose").stdout
    assert "suspended:user" in verbose.splitlines()[0]
    assert " blocked:upper" in verbose
    ev = udrbdd.run("events2", "--now", "r0").stdout.splitlines()
    assert ev[0].startswith("exists resource name:r0 role:Primary suspended:user "
                            "force-io-failures:no ")
    w = subprocess.Popen(["qemu-io", "-f", "raw", udrbdd.uri(), "-c",
                          f"write -P 0x5a {MiB} 64k"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        # the write waits inside udrbd (counted as pending), not on disk yet
        wait_for(lambda: upper_pending(udrbdd) == 1, "the write held")
        assert w.poll() is None
        with open(disk, "rb") as f:
            f.seek(MiB)
            assert f.read(65536) == bytes(65536)
        udrbdd.run("resume-io", "0", check=True)
        assert w.wait(timeout=30) == 0, w.stdout.read()
    finally:
        if w.poll() is None:
            w.kill()
            w.wait()
    with open(disk, "rb") as f:
        f.seek(MiB)
        assert f.read(65536) == b"\x5a" * 65536
    assert udrbdd.run("status", "r0").stdout == "r0 role:Primary\n  disk:UpToDate\n\n"
    assert upper_pending(udrbdd) == 0


def test_suspended_write_fails_on_forced_demotion(udrbdd, tmp_path):
    need_tool("qemu-io")
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    bring_up_primary(udrbdd, disk)
    udrbdd.run("suspend-io", "0", check=True)
    udrbdd.run("suspend-io", "0", check=True)   # again: no error, as DRBD
    w = subprocess.Popen(["qemu-io", "-f", "raw", udrbdd.uri(), "-c",
                          "write -P 0x11 0 4k"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: upper_pending(udrbdd) == 1, "the write held")
        # a forced demotion fails the held request (DRBD: force-secondary)
        udrbdd.run("secondary", "r0", "--force", check=True)
        assert w.wait(timeout=30) != 0 or b"error" in w.stdout.read().lower()
        # udrbdd sees the client go a moment after it exited
        wait_for(lambda: udrbdd.run("detach", "0").returncode == 0, "detach once closed")
    finally:
        if w.poll() is None:
            w.kill()
            w.wait()
    with open(disk, "rb") as f:
        assert f.read(4096) == bytes(4096)
    # suspension belongs to the resource: still shown, then lifted
    assert "suspended:user" in udrbdd.run("status", "r0").stdout
    udrbdd.run("resume-io", "0", check=True)
    udrbdd.run("down", "r0", check=True)


def test_suspend_io_in_the_events2_stream(udrbdd, tmp_path):
    import os
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    bring_up_primary(udrbdd, disk)
    from conftest import BUILD
    ev = subprocess.Popen([os.path.join(BUILD, "cmd", "drbdsetup"), "events2", "r0"],
                          stdout=subprocess.PIPE, text=True,
                          env=dict(os.environ, UDRBD_CONTROL=udrbdd.control))
    try:
        while ev.stdout.readline() != "exists -\n":
            pass
        udrbdd.run("suspend-io", "0", check=True)
        line = ev.stdout.readline()
        assert line.startswith("change resource name:r0 ") and " suspended:user" in line, line
        udrbdd.run("resume-io", "0", check=True)
        line = ev.stdout.readline()
        while not line.startswith("change resource"):
            line = ev.stdout.readline()
        assert " suspended:no" in line, line
    finally:
        ev.kill()
        ev.wait()


def test_suspend_io_refusals(udrbdd):
    r = udrbdd.run("suspend-io", "7")
    assert r.returncode == 10 and "(127)" in r.stderr
    r = udrbdd.run("resume-io")
    assert r.returncode == 20


def peer_record(dump, node_id):
    rec = dump.split(f"peer[{node_id}] {{\n")[1].split("}")[0]
    return dict(line.strip().rstrip(";").split(" ", 1) for line in rec.strip().splitlines())


def test_forget_peer_frees_the_slot_of_a_deleted_peer(tmp_path):
    from conftest import drbdmeta
    from test_udrbdd_peers import start_pair, wait_status
    a, b = start_pair(tmp_path)
    try:
        for d in (a, b):
            d.run("connect", "r0", d.peer_id, check=True)
        wait_status(a, "r0 role:Secondary\n  disk:Inconsistent\n  b role:Secondary\n"
                       "    peer-disk:Inconsistent\n\n")
        # DRBD refuses while a connection object exists, connected or not
        for _ in range(2):
            r = a.run("forget-peer", "r0", "1")
            assert r.returncode == 10
            assert r.stderr == "r0: Failure: (125) Device has a net-config " \
                               "(use disconnect first)\n"
            a.run("disconnect", "r0", "1", check=True)
        r = a.run("forget-peer", "r0", "99")
        assert r.returncode == 20
        a.run("del-peer", "r0", "1", check=True)
        a.run("forget-peer", "r0", "1", check=True)
        a.run("down", "r0", check=True)
        dump = drbdmeta("--force", "0", "v09", a.disk, "internal", "dump-md").stdout
        rec = peer_record(dump, 1)
        assert rec["bitmap-index"] == "-1" and rec["flags"] == "0x00000000", rec
        # the record of a never-met node gives the day-0 bitmap UUID
        assert rec["bitmap-uuid"] == peer_record(dump, 2)["bitmap-uuid"]
        # max-peers 1: no vacant slot to copy, so the freed slot is all out of sync
        # (internal meta data: the data area ends where the bitmap starts)
        data_bytes = int(dump.split("# bm_offset ")[1].split()[0])
        assert f"# bits-set {data_bytes // 4096};" in dump
        # the slot serves again: the peer is met anew
        r = a.run("forget-peer", "r0", "1")
        assert r.returncode == 10 and "(158)" in r.stderr
    finally:
        for d in (a, b):
            d.stop()


def dev_size_kib(d):
    out = d.run("status", "r0", "--verbose", "--statistics").stdout
    return int(out.split(" size:")[1].split()[0])


def write_backing(d, off, data):
    with open(d.disk, "r+b") as f:
        f.seek(off)
        f.write(data)


def read_at(path, off, n):
    with open(path, "rb") as f:
        f.seek(off)
        return f.read(n)


def test_resize_grows_both_nodes_and_resyncs_the_new_area(tmp_path):
    need_tool("qemu-io")
    from test_udrbdd_peers import start_pair, wait_status
    a, b = start_pair(tmp_path, copy_disk=True)
    try:
        for d in (a, b):
            d.run("detach", "0", check=True)
            d.run("attach", "0", d.disk, d.disk, "internal", "--size=8M", check=True)
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in ((a, "b"), (b, "a")):
            wait_status(d, f"r0 role:Secondary\n  disk:UpToDate\n  {peer} role:Secondary\n"
                           "    peer-disk:UpToDate\n\n")
        assert dev_size_kib(a) == dev_size_kib(b) == 8192
        a.run("primary", "r0", check=True)
        # what a's disk holds beyond the old end: the resync must carry it
        write_backing(a, 9 * MiB, b"\xa5" * 65536)
        r = a.run("resize", "0", "--size=16G")
        assert r.returncode == 10 and "(111)" in r.stderr
        a.run("resize", "0", "--size=12M", check=True)
        assert dev_size_kib(a) == 12288
        wait_for(lambda: dev_size_kib(b) == 12288, "b follows the resize")
        assert "Peer sets u_size to 24576 sectors" in open(b.log).read()
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        assert "out-of-sync:0" in a.run("status", "r0", "--verbose", "--statistics").stdout
        assert read_at(b.disk, 9 * MiB, 65536) == b"\xa5" * 65536
        # the export has the new size; a write in the new area replicates
        r = subprocess.run(["qemu-io", "-f", "raw", a.uri(), "-c",
                            f"write -P 0x3c {11 * MiB} 256k", "-c", "flush"],
                           capture_output=True, text=True)
        assert r.returncode == 0 and "error" not in r.stdout.lower(), r.stdout + r.stderr
        assert read_at(b.disk, 11 * MiB, 256 << 10) == b"\x3c" * (256 << 10)
        # --assume-clean: grown without a resync, nothing out of sync
        a.run("resize", "0", "--size=14M", "--assume-clean", check=True)
        wait_for(lambda: dev_size_kib(b) == 14336, "b follows again")
        for d in (a, b):
            assert "out-of-sync:0" in d.run("status", "r0", "--verbose", "--statistics").stdout
    finally:
        for d in (a, b):
            d.stop()


def test_resize_refusals(udrbdd, tmp_path):
    udrbdd.run("new-resource", "r0", "0", check=True)
    udrbdd.run("new-minor", "r0", "0", "0", check=True)
    r = udrbdd.run("resize", "0")
    assert r.returncode == 10
    assert r.stderr == "0: Failure: (138) Device does not have a disk-config\n"
    r = udrbdd.run("resize", "9")
    assert r.returncode == 10 and "(127)" in r.stderr
    r = udrbdd.run("resize", "0", "--size=lots")
    assert r.returncode == 20
    r = udrbdd.run("resize", "0", "--assume-clean=maybe")
    assert r.returncode == 20 and r.stderr == "Option --assume-clean: invalid argument 'maybe'\n"
    # drbdsetup's boolean forms are all accepted (the disk is what is missing)
    for form in ("--assume-clean", "--assume-clean=yes", "--assume-peer-has-space=no"):
        assert "(138)" in udrbdd.run("resize", "0", form).stderr
