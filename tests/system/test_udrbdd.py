"""udrbdd and drbdsetup on one node: the configuration commands with
drbdsetup's messages and exit codes, the NBD export served only while
Primary, crash recovery through the activity log, and disk failures."""
import hashlib
import os
import re
import subprocess

from conftest import BUILD, Udrbdd, drbdmeta, make_backing, need_tool, sparse_copy

MiB = 1 << 20


def bring_up(d, disk, primary=False):
    d.run("new-resource", "r0", "0", check=True)
    d.run("new-minor", "r0", "0", "0", check=True)
    d.run("attach", "0", disk, disk, "internal", check=True)
    if primary:
        d.run("primary", "r0", "--force", check=True)


def test_fresh_disk_is_inconsistent_and_primary_needs_force(udrbdd, tmp_path):
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk)
    r = udrbdd.run("status", "r0")
    assert r.returncode == 0
    assert r.stdout == "r0 role:Secondary\n  disk:Inconsistent\n\n", repr(r.stdout)
    r = udrbdd.run("primary", "r0")
    assert r.returncode == 17
    assert r.stderr == "r0: State change failed: (-2) Need access to UpToDate data\n"
    r = udrbdd.run("primary", "r0", "--force")
    assert r.returncode == 0, r.stderr
    r = udrbdd.run("status", "r0")
    assert r.stdout == "r0 role:Primary\n  disk:UpToDate\n\n", repr(r.stdout)


def test_refusals_match_drbdsetup(udrbdd, tmp_path):
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    r = udrbdd.run("attach", "9", disk, disk, "internal")
    assert r.returncode == 10
    assert r.stderr.startswith("9: Failure: (127) Device minor not allocated\n")
    udrbdd.run("new-resource", "r0", "0", check=True)
    r = udrbdd.run("new-resource", "r0", "0")
    assert r.returncode == 10 and "r0: Failure: (162)" in r.stderr
    udrbdd.run("new-minor", "r0", "0", "0", check=True)
    r = udrbdd.run("new-minor", "r0", "0", "0")
    assert r.returncode == 10
    assert "r0: Failure: (161) Minor or volume exists already (delete it first)" in r.stderr
    r = udrbdd.run("attach", "0", str(tmp_path / "missing.img"), str(tmp_path / "missing.img"),
                   "internal")
    assert r.returncode == 20
    assert "Can not open device '" in r.stderr and "No such file or directory" in r.stderr
    r = udrbdd.run("primary", "nosuchres")
    assert r.returncode == 10
    assert r.stderr == "nosuchres: Failure: (158) Unknown resource\n" \
                       "additional info from kernel:\nunknown resource\n"
    r = udrbdd.run("attach", "0", disk, disk, "internal", "--bogus-option=1")
    assert r.returncode == 20 and "unrecognized option '--bogus-option'" in r.stderr
    r = udrbdd.run("attach", "0", disk, disk, "internal", "--on-io-error=explode")
    assert r.returncode == 20
    assert r.stderr == "Option --on-io-error: invalid argument 'explode'\n"
    r = udrbdd.run("status", "nosuchres")
    assert r.returncode == 10 and r.stderr == "nosuchres: No such resource\n"


def test_attach_without_meta_data_is_refused_and_data_untouched(udrbdd, tmp_path):
    disk = str(tmp_path / "plain.img")
    with open(disk, "wb") as f:
        f.write(os.urandom(4 * MiB))
    before = hashlib.sha256(open(disk, "rb").read()).hexdigest()
    udrbdd.run("new-resource", "r0", "0", check=True)
    udrbdd.run("new-minor", "r0", "0", "0", check=True)
    r = udrbdd.run("attach", "0", disk, disk, "internal")
    assert r.returncode == 10
    assert r.stderr.startswith("0: Failure: (119) No valid meta-data signature found.\n")
    assert "drbdadm create-md" in r.stderr
    assert hashlib.sha256(open(disk, "rb").read()).hexdigest() == before
    r = udrbdd.run("status", "r0")
    assert "disk:Diskless" in r.stdout


def test_export_only_while_primary(udrbdd, tmp_path):
    need_tool("nbdinfo")
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk)
    r = subprocess.run(["nbdinfo", udrbdd.uri()], capture_output=True, text=True)
    assert r.returncode != 0
    # libnbd shows only the error code; the reason is in the reply's text,
    # which udrbdd also logs.
    assert "export: drbd0" in r.stderr, r.stderr
    assert "Secondary" in open(udrbdd.log).read()
    udrbdd.run("primary", "r0", "--force", check=True)
    r = subprocess.run(["nbdinfo", udrbdd.uri()], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    usable = int(re.search(r"export-size: (\d+)", r.stdout).group(1))
    assert 60 * MiB < usable < 64 * MiB
    udrbdd.run("secondary", "r0", check=True)
    r = subprocess.run(["nbdinfo", udrbdd.uri()], capture_output=True, text=True)
    assert r.returncode != 0


def test_nbdcopy_round_trip_lands_on_backing_file(udrbdd, tmp_path):
    need_tool("nbdcopy")
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk, primary=True)
    data = os.urandom(16 * MiB)
    src, out = tmp_path / "src.bin", tmp_path / "out.bin"
    src.write_bytes(data)
    subprocess.run(["nbdcopy", str(src), udrbdd.uri()], check=True)
    subprocess.run(["nbdcopy", udrbdd.uri(), str(out)], check=True)
    assert out.read_bytes()[:len(data)] == data
    # Internal meta data: the data area starts at byte 0 of the backing file.
    with open(disk, "rb") as f:
        assert f.read(len(data)) == data


def test_kill9_then_al_replay_marks_hot_extents(udrbdd, tmp_path):
    """A crash while Primary: the activity log on disk names the extents
    written last. The next attach replays it itself, with the same bitmap
    as Debian's drbdmeta apply-al: each hot extent out of sync in every
    peer slot."""
    need_tool("qemu-io")
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB, peers=2)
    bring_up(udrbdd, disk, primary=True)
    # Writes into extents 1, 5 and 9 (4 MiB each).
    for ext in (1, 5, 9):
        subprocess.run(["qemu-io", "-f", "raw", udrbdd.uri(), "-c",
                        f"write -P 0x5a {ext * 4 * MiB + 8192} 64k"],
                       check=True, capture_output=True)
    udrbdd.kill9()
    r = drbdmeta("--force", "0", "v09", disk, "internal", "dump-md", real=True)
    assert 'meta data is "unclean"' in r.stderr, r.stderr
    # What Debian's apply-al makes of the crashed meta data.
    copy = str(tmp_path / "copy.img")
    sparse_copy(disk, copy)
    r = drbdmeta("--force", "0", "v09", copy, "internal", "apply-al", real=True)
    assert r.returncode == 0 and "Marked additional" in r.stderr, r.stderr
    want = drbdmeta("--force", "0", "v09", copy, "internal", "dump-md", real=True)
    assert want.returncode == 0, want.stderr
    os.makedirs(tmp_path / "again")
    d2 = Udrbdd(str(tmp_path / "again")).start()
    try:
        d2.run("new-resource", "r0", "0", check=True)
        d2.run("new-minor", "r0", "0", "0", check=True)
        r = d2.run("attach", "0", disk, disk, "internal")
        assert r.returncode == 0, r.stderr
        assert "disk:UpToDate" in d2.run("status", "r0").stdout
        d2.run("down", "r0", check=True)
    finally:
        d2.stop()
    log = open(d2.log).read()
    assert "is unclean (crash?): replaying the activity log" in log, log
    # Detached meta data is unclean (as after a kernel's down); its bitmap
    # is final already: Debian's apply-al finds nothing to add.
    r = drbdmeta("--force", "0", "v09", disk, "internal", "dump-md", real=True)
    before = bitmap_slots(r.stdout)
    r = drbdmeta("--force", "0", "v09", disk, "internal", "apply-al", real=True)
    assert r.returncode == 0, r.stderr
    assert "Marked additional" not in r.stderr, r.stderr
    r = drbdmeta("--force", "0", "v09", disk, "internal", "dump-md", real=True)
    assert r.returncode == 0, r.stderr
    slots = bitmap_slots(r.stdout)
    assert slots == before == bitmap_slots(want.stdout)
    # Every hot extent is 1024 bits (4 MiB / 4 KiB), set in both slots.
    assert len(slots) == 2
    for slot, body in enumerate(slots):
        assert "0xFFFFFFFFFFFFFFFF" in body, f"slot {slot} has no bits set"
    m = re.search(r"# bits-set (\d+);", r.stdout)
    assert m and int(m.group(1)) == 3 * 1024, r.stdout[-300:]


def test_disk_error_detaches_and_fails_io(udrbdd, tmp_path):
    need_tool("qemu-io")
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk, primary=True)
    subprocess.run(["qemu-io", "-f", "raw", udrbdd.uri(), "-c", "write -P 0x11 0 64k"],
                   check=True, capture_output=True)
    udrbdd.udrbd("faults", "--enable-faults=0x10", "--fault-rate=100", check=True)
    r = subprocess.run(["qemu-io", "-f", "raw", udrbdd.uri(), "-c", "write -P 0x22 0 64k"],
                       capture_output=True, text=True)
    assert "error" in (r.stdout + r.stderr).lower()
    udrbdd.udrbd("faults", "--enable-faults=0", check=True)
    for _ in range(50):
        if "disk:Diskless" in udrbdd.run("status", "r0").stdout:
            break
        subprocess.run(["sleep", "0.1"])
    assert "disk:Diskless" in udrbdd.run("status", "r0").stdout
    # Nothing reads as good data from a failed disk.
    r = subprocess.run(["qemu-io", "-f", "raw", udrbdd.uri(), "-c", "read -P 0x11 0 64k"],
                       capture_output=True, text=True)
    assert r.returncode != 0 or "error" in (r.stdout + r.stderr).lower()


def test_down_writes_meta_data(udrbdd, tmp_path):
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk, primary=True)
    udrbdd.run("secondary", "r0", check=True)
    udrbdd.run("down", "r0", check=True)
    assert udrbdd.run("status").stdout == "# No currently configured DRBD found.\n"
    # As after a kernel's clean down, userspace apply-al makes it clean.
    r = drbdmeta("--force", "0", "v09", disk, "internal", "apply-al", real=True)
    assert r.returncode == 0, r.stderr
    r = drbdmeta("--force", "0", "v09", disk, "internal", "get-gi", "--node-id", "1", real=True)
    assert r.returncode == 0, r.stderr
    assert not r.stdout.startswith("0000000000000004"), r.stdout


def bitmap_slots(dump):
    """The bitmap sections of a dump-md text, per slot."""
    out = []
    slot = 0
    while f"bitmap[{slot}] {{" in dump:
        out.append(dump.split(f"bitmap[{slot}] {{")[1].split("}")[0])
        slot += 1
    return out


def test_kill9_during_fio_marks_hot_extents_in_every_slot(udrbdd, tmp_path):
    """kill -9 of udrbdd while fio writes: after the crash, replaying the
    activity log marks every extent that was hot as out of sync, the same in
    each peer slot, and the data outside the marked extents is untouched."""
    need_tool("fio")
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB, peers=2)
    bring_up(udrbdd, disk, primary=True)
    # Writes only into the first 24 MiB: extents 0..5.
    fio = subprocess.Popen(
        ["fio", "--name=crash", "--ioengine=nbd", f"--uri={udrbdd.uri()}",
         "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=24M",
         "--time_based", "--runtime=30", "--output=/dev/null"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        subprocess.run(["sleep", "1.5"])
        udrbdd.kill9()
    finally:
        fio.kill()
        fio.wait()
    r = drbdmeta("--force", "0", "v09", disk, "internal", "apply-al", real=True)
    assert r.returncode == 0, r.stderr
    r = drbdmeta("--force", "0", "v09", disk, "internal", "dump-md", real=True)
    assert r.returncode == 0, r.stderr
    slots = bitmap_slots(r.stdout)
    assert len(slots) == 2
    assert slots[0] == slots[1], "peer slots differ after AL replay"
    m = re.search(r"# bits-set (\d+);", r.stdout)
    # All six written extents were hot; nothing beyond them.
    assert m and int(m.group(1)) == 6 * 1024, r.stdout[-400:]


def test_events2_stream_show_and_new_current_uuid(udrbdd, tmp_path):
    """events2 follows every state change as drbdsetup prints them; show
    prints the configuration; new-current-uuid --clear-bitmap skips the
    initial sync: the disk becomes UpToDate with a fresh generation."""
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    env = dict(os.environ, UDRBD_CONTROL=udrbdd.control)
    ev = subprocess.Popen([os.path.join(BUILD, "cmd", "drbdsetup"), "events2"],
                          stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert ev.stdout.readline() == "exists -\n"
        bring_up(udrbdd, disk)
        udrbdd.run("new-current-uuid", "0", "--clear-bitmap", check=True)
        udrbdd.run("primary", "r0", check=True)
        want = [
            "create resource name:r0 role:Secondary suspended:no force-io-failures:no "
            "may_promote:no promotion_score:0",
            "create device name:r0 volume:0 minor:0 backing_dev:none disk:Diskless "
            "client:no quorum:yes",
            f"change device name:r0 volume:0 minor:0 backing_dev:{disk} disk:Inconsistent "
            "client:no quorum:yes",
        ]
        got = [ev.stdout.readline().rstrip("\n") for _ in want]
        assert got == want
        rest = []
        while not any("role:Primary" in line for line in rest):
            rest.append(ev.stdout.readline().rstrip("\n"))
        assert any("disk:UpToDate" in line for line in rest), rest
    finally:
        ev.kill()
        ev.wait()
    r = udrbdd.run("show", "r0", check=True)
    assert r.stdout == ('resource "r0" {\n    _this_host {\n        node-id\t\t\t0;\n'
                        '        volume 0 {\n            device\t\t\tminor 0;\n'
                        f'            disk\t\t\t"{disk}";\n'
                        '            meta-disk\t\t\tinternal;\n        }\n    }\n}\n\n'), r.stdout
    udrbdd.run("secondary", "r0", check=True)
    udrbdd.run("down", "r0", check=True)
    r = drbdmeta("--force", "0", "v09", disk, "internal", "apply-al", real=True)
    assert r.returncode == 0, r.stderr
    r = drbdmeta("--force", "0", "v09", disk, "internal", "dstate", real=True)
    assert r.stdout.startswith("Consistent") or r.stdout.startswith("UpToDate"), r.stdout


def test_attach_refuses_meta_data_of_another_node_id(udrbdd, tmp_path):
    disk = make_backing(str(tmp_path / "disk.img"), 64 * MiB)
    bring_up(udrbdd, disk)
    udrbdd.run("down", "r0", check=True)
    udrbdd.run("new-resource", "r0", "1", check=True)
    udrbdd.run("new-minor", "r0", "0", "0", check=True)
    r = udrbdd.run("attach", "0", disk, disk, "internal")
    # The kernel's answer to an "ambiguous node id" is 119 too; the info
    # text names both ids and the way out.
    assert r.returncode == 10 and r.stderr.startswith("0: Failure: (119)")
    assert "node-id 0" in r.stderr and "node-id 1" in r.stderr, r.stderr
