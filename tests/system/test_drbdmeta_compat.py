"""drbdmeta compatibility: our drbdmeta against drbd-utils' /usr/sbin/drbdmeta.

Byte-identical create-md and restore-md, identical dump-md text (minus the
time/host header), identical apply-al results (bytes, messages, exit codes) on an AL written by
our engine code (md_al_writer) and on broken or special cases, and refusals that leave data untouched.
The super-block commands (read/write-dev-uuid, outdate, invalidate, forget-peer, get/show/set-gi,
dstate, wipe-md, check-resize) on v08 and v09 meta data in several states: same output, exit code
and resulting bytes.
Build dir: $UDRBD_BUILD (default /work/main/build).
"""
import hashlib
import os
import shutil
import struct
import subprocess

import pytest

from conftest import sparse_copy

BUILD = os.environ.get("UDRBD_BUILD", "/work/main/build")
OURS = os.path.join(BUILD, "md", "drbdmeta")
WRITER = os.path.join(BUILD, "md", "md_al_writer")
REAL = "/usr/sbin/drbdmeta"
CI = os.environ.get("CI") == "true"


def need(path, what):
    if not os.access(path, os.X_OK):
        if CI:
            pytest.fail(f"{what} missing: {path}")
        pytest.skip(f"{what} missing: {path}")


@pytest.fixture(autouse=True)
def tools():
    need(OURS, "our drbdmeta")
    need(REAL, "drbd-utils drbdmeta")


def run(tool, *args, stdin=subprocess.DEVNULL):
    return subprocess.run([tool, *args], stdin=stdin, capture_output=True, text=True)


def md(tool, path, idx, cmd, *extra, ver="v09", force=True):
    pre = ["--force"] if force else []
    return run(tool, *pre, "0", ver, path, idx, cmd, *extra)


def strip_header(text):
    # "# <time> [<epoch>]" and "# <host>> <argv>" differ by design
    return "\n".join(l for l in text.splitlines()
                     if not (l.startswith("# 20") or "> " in l and l.startswith("# ")))


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def mkfile(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


SIZES = [64 << 20, 1 << 30, (100 << 20) + 12345]
LAYOUTS = ["internal", "flex-external", "1"]


def size_for(layout, size):
    # index 1 needs the second 128 MiB slot on the meta device
    return max(size, 256 << 20) if layout == "1" else size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("peers", [1, 2, 31])
def test_create_and_dump_identical(tmp_path, size, layout, peers):
    a, b = str(tmp_path / "real"), str(tmp_path / "ours")
    size = size_for(layout, size)
    mkfile(a, size)
    mkfile(b, size)
    r1 = md(REAL, a, layout, "create-md", str(peers))
    r2 = md(OURS, b, layout, "create-md", str(peers))
    assert r1.returncode == r2.returncode == 0, (r1.stderr, r2.stderr)
    assert digest(a) == digest(b)
    real_dump = md(REAL, a, layout, "dump-md")
    assert real_dump.returncode == 0
    assert strip_header(md(OURS, a, layout, "dump-md").stdout) == strip_header(real_dump.stdout)
    assert strip_header(md(REAL, b, layout, "dump-md").stdout) == strip_header(real_dump.stdout)


def edited_dump(text, peers):
    """A dump with a size and a non-trivial bitmap, still valid input."""
    out = []
    for line in strip_header(text).splitlines():
        if line.startswith("la-size-sect"):
            line = "la-size-sect 100000;"
        out.append(line)
    text = "\n".join(out) + "\n"
    words = " 0x00000000000000FF; 0x8000000000000001; 0x0000000000000000; 0xDEADBEEFCAFEF00D;"
    for s in range(peers):
        text = text.replace(f"bitmap[{s}] {{\n}}", f"bitmap[{s}] {{\n  {words}\n  3 times 0xFFFFFFFFFFFFFFFF;\n}}")
    return text


@pytest.mark.parametrize("layout", ["internal", "flex-external"])
@pytest.mark.parametrize("peers", [1, 2, 31])
def test_restore_identical(tmp_path, layout, peers):
    a, b = str(tmp_path / "real"), str(tmp_path / "ours")
    for p in (a, b):
        mkfile(p, 64 << 20)
        assert md(REAL, p, layout, "create-md", str(peers)).returncode == 0
    dump = tmp_path / "dump.txt"
    dump.write_text(edited_dump(md(REAL, a, layout, "dump-md").stdout, peers))
    r1 = md(REAL, a, layout, "restore-md", str(dump))
    r2 = md(OURS, b, layout, "restore-md", str(dump))
    assert r1.returncode == r2.returncode == 0, (r1.stderr, r2.stderr)
    assert digest(a) == digest(b)
    d1 = md(REAL, a, layout, "dump-md").stdout
    assert "bits-set 0;" not in d1
    assert strip_header(md(OURS, a, layout, "dump-md").stdout) == strip_header(d1)


@pytest.mark.parametrize("peers,al_extents,extents", [
    (1, 67, "0 1 5 7 15"),
    (2, 3, "0 1 3 5 7 2 4 6 8 9 10 11 12 13 14 1 0"),
    (31, 4, "3 2 1 0 9 8 7 6 0 1"),
])
def test_apply_al_on_engine_al(tmp_path, peers, al_extents, extents):
    need(WRITER, "md_al_writer")
    a = str(tmp_path / "a")
    mkfile(a, 64 << 20)
    assert md(REAL, a, "internal", "create-md", str(peers)).returncode == 0
    w = run(WRITER, a, "1", str(al_extents), *extents.split())
    assert w.returncode == 0, w.stderr
    unclean = md(REAL, a, "internal", "dump-md", force=False)
    assert "unclean" in unclean.stderr or "not a block device" in unclean.stderr
    assert "unclean" in md(REAL, a, "internal", "dump-md").stderr
    b = str(tmp_path / "b")
    sparse_copy(a, b)
    r1 = md(REAL, a, "internal", "apply-al")
    r2 = md(OURS, b, "internal", "apply-al")
    assert r1.returncode == r2.returncode == 0, (r1.stderr, r2.stderr)
    assert "Marked additional" in r1.stderr
    assert digest(a) == digest(b)
    dump = md(REAL, a, "internal", "dump-md").stdout
    assert "0xFFFFFFFFFFFFFFFF" in dump


def sb_field(path, off, fmt, value=None):
    """Reads, or patches, a field of the internal super block (last 4 KiB)."""
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) - 4096 + off)
        if value is None:
            return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]
        f.write(struct.pack(fmt, value))
    return value


def al_block(path, i, data):
    """Overwrites block i of the AL (default 1 x 8 layout, internal)."""
    al = os.path.getsize(path) - 4096 + sb_field(path, 0x44, ">i") * 512
    with open(path, "r+b") as f:
        f.seek(al + i * 4096)
        f.write(data)


def apply_both(tmp_path, a, ver="v09"):
    """drbd-utils' apply-al on a, ours on a copy: same exit code, same
    messages, same bytes."""
    b = str(tmp_path / "copy")
    sparse_copy(a, b)
    r1 = md(REAL, a, "internal", "apply-al", ver=ver)
    r2 = md(OURS, b, "internal", "apply-al", ver=ver)
    assert (r2.returncode, r2.stdout, r2.stderr) == (r1.returncode, r1.stdout, r1.stderr)
    assert digest(a) == digest(b)
    return r1


MDF_PRIMARY_IND, MDF_AL_CLEAN = 0x2, 0x80


@pytest.mark.parametrize("case", ["clean", "primary-no-al", "secondary-corrupt-block",
                                  "primary-corrupt-block", "v08-clean", "v08-unclean-magic"])
def test_apply_al_special_cases(tmp_path, case):
    a = str(tmp_path / "a")
    mkfile(a, 64 << 20)
    ver = "v08" if case.startswith("v08") else "v09"
    assert md(REAL, a, "internal", "create-md", *([] if ver == "v08" else ["1"]),
              ver=ver).returncode == 0
    before = digest(a)
    flags = sb_field(a, 0x38, ">I")
    if case == "v08-unclean-magic":
        sb_field(a, 0x3C, ">I", 0x8374026C)
    if "primary" in case or "secondary" in case:
        flags = (flags & ~MDF_AL_CLEAN) | (MDF_PRIMARY_IND if "primary" in case else 0)
        sb_field(a, 0x38, ">I", flags)
    if case == "primary-no-al":
        for i in range(8):
            al_block(a, i, bytes(4096))
    if "corrupt-block" in case:
        al_block(a, 3, b"\xff" * 16)
    r = apply_both(tmp_path, a, ver)
    want_rc = 1 if case.startswith("primary") else 0
    assert r.returncode == want_rc, r.stderr
    if case == "primary-no-al":
        assert "No usable activity log found" in r.stderr
    if "corrupt-block" in case:
        assert "1 corrupt AL transactions found" in r.stderr
    if case.startswith("primary"):
        assert sb_field(a, 0x38, ">I") == flags, "a refused apply-al wrote"
    else:
        assert sb_field(a, 0x38, ">I") & MDF_AL_CLEAN
        assert sb_field(a, 0x3C, ">I") in (0x8374026B, 0x8374026D)
    if case == "clean":
        assert digest(a) == before


def test_apply_al_extents_beyond_bitmap(tmp_path):
    """31 slots and la-size-sect 8: the bitmap is one 4 KiB page, one extent
    3968 bytes of it; extent 1 is cut, 5 and 9 lie beyond the end."""
    need(WRITER, "md_al_writer")
    a = str(tmp_path / "a")
    mkfile(a, 64 << 20)
    assert md(REAL, a, "internal", "create-md", "31").returncode == 0
    w = run(WRITER, a, "1", "67", "5", "1", "9")
    assert w.returncode == 0, w.stderr
    sb_field(a, 0x00, ">Q", 8)
    r = apply_both(tmp_path, a)
    assert r.returncode == 0, r.stderr
    assert "extent 5 beyond end of bitmap! (19840 >= 4096)" in r.stderr, r.stderr
    assert "extent 9 beyond end of bitmap!" in r.stderr
    # 128 bytes of extent 1: 1024 bits of 4 KiB
    assert "Marked additional 4096 KB as out-of-sync based on AL." in r.stderr


def test_missing_file(tmp_path):
    r = md(OURS, str(tmp_path / "nope"), "internal", "create-md", "1")
    assert r.returncode == 20
    assert "No such file" in r.stderr


def test_too_small(tmp_path):
    p = str(tmp_path / "small")
    mkfile(p, 60 * 1024)
    h = digest(p)
    r = md(OURS, p, "internal", "create-md", "1")
    assert r.returncode == 10
    assert "is only 61440 bytes. That's not enough." in r.stderr
    assert digest(p) == h


def test_not_block_device_without_force(tmp_path):
    p = str(tmp_path / "f")
    mkfile(p, 1 << 20)
    r = md(OURS, p, "internal", "create-md", "1", force=False)
    assert r.returncode == 20 and "is not a block device!" in r.stderr


@pytest.mark.parametrize("mkfs,name", [
    (["mkfs.ext4", "-q", "-F"], "ext3 filesystem"),
    (["mkntfs", "-F", "-Q", "-q"], "NTFS filesystem"),
])
def test_refuses_file_system(tmp_path, mkfs, name):
    if not shutil.which(mkfs[0]):
        if CI:
            pytest.fail(f"{mkfs[0]} missing")
        pytest.skip(f"{mkfs[0]} missing")
    p = str(tmp_path / "fs")
    mkfile(p, 64 << 20)
    subprocess.run(mkfs + [p], check=True, capture_output=True)
    h = digest(p)
    r = md(OURS, p, "internal", "create-md", "1")
    assert r.returncode == 40, r.stdout + r.stderr
    assert f"Found {name}" in r.stdout
    assert "Operation refused." in r.stdout
    assert digest(p) == h


# ---- super-block commands ------------------------------------------------

V09_PEER = 0x70  # peer records: bitmap uuid, dagtag, flags, bitmap index


def patch(path, fields):
    for off, fmt, value in fields:
        sb_field(path, off, fmt, value)


def peer_slot(node, uuid, dagtag, flags, index):
    base = V09_PEER + 32 * node
    return [(base, ">Q", uuid), (base + 8, ">Q", dagtag), (base + 16, ">I", flags),
            (base + 20, ">i", index)]


def state_v09_used(path):
    """Node 1 of three: slots for nodes 0 and 2, UUIDs and flags set; node 3
    (no slot) holds the day-0 bitmap UUID."""
    assert md(REAL, path, "internal", "create-md", "3").returncode == 0
    patch(path, [(0x5C, ">i", 1), (0x38, ">I", 0x91), (0x30, ">Q", 0x1122334455667788),
                 (0x08, ">Q", 0xABCDEF0123456789)]
          + peer_slot(0, 0x1111, 7, 0x1F, 0) + peer_slot(2, 0x2222, 9, 0x11, 1)
          + peer_slot(3, 0x3333, 3, 0, -1))


def state_v09_full(path):
    """Node 0 with a slot for every other node id: no day-0 peer."""
    assert md(REAL, path, "internal", "create-md", "31").returncode == 0
    fields = [(0x5C, ">i", 0), (0x38, ">I", 0x11)]
    for n in range(1, 32):
        fields += peer_slot(n, 0x1000 + n, n, 0x10, n - 1)
    patch(path, fields)


def state_v08_used(path):
    assert md(REAL, path, "internal", "create-md", ver="v08").returncode == 0
    patch(path, [(0x38, ">I", 0x91), (0x10, ">Q", 0x4444), (0x28, ">Q", 0xFEEDF00D)])


STATES = {
    "none": ("v09", lambda p: None),
    "v09-fresh": ("v09", lambda p: md(REAL, p, "internal", "create-md", "2")),
    "v09-used": ("v09", state_v09_used),
    "v09-full": ("v09", state_v09_full),
    "v08-fresh": ("v08", lambda p: md(REAL, p, "internal", "create-md", ver="v08")),
    "v08-used": ("v08", state_v08_used),
    "v08-on-v09": ("v08", state_v09_used),
}

SB_CMDS = [
    ["read-dev-uuid"], ["read-dev-uuid", "extra"],
    ["write-dev-uuid"], ["write-dev-uuid", "0123456789ABCDEF"],
    ["write-dev-uuid", "0xdead", "extra"], ["write-dev-uuid", "xyz"],
    ["write-dev-uuid", "12345678901234567890"], ["write-dev-uuid", "abcG12"],
    ["outdate"], ["outdate", "extra"], ["invalidate"],
    ["--node-id=0", "forget-peer"], ["--node-id=1", "forget-peer"],
    ["--node-id=2", "forget-peer"], ["--node-id=5", "forget-peer", "x"],
    ["--node-id=31", "forget-peer"], ["forget-peer"], ["--node-id=1", "read-dev-uuid"],
    ["get-gi", "--node-id=0"], ["get-gi", "--node-id=2"], ["show-gi", "--node-id=0"],
    ["set-gi", "--node-id=2", "1:2::4:1:1:0:0:1:0:0:1:1:0:1"], ["set-gi", "--node-id=0"],
    ["dstate"], ["wipe-md"], ["check-resize"],
]


def sb_compare(tmp_path, state, args, force_last=False):
    """drbd-utils' drbdmeta on one copy, ours on another: same exit code,
    output (paths aside) and bytes. Returns drbd-utils' result."""
    ver, make = STATES[state]
    a, b = str(tmp_path / "real"), str(tmp_path / "ours")
    mkfile(a, 64 << 20)
    make(a)
    sparse_copy(a, b)
    res = []
    for tool, path in ((REAL, a), (OURS, b)):
        argv = ["0", ver, path, "internal"] + args
        argv = argv + ["--force"] if force_last else ["--force"] + argv
        r = run(tool, *argv)
        res.append((r.returncode, r.stdout.replace(path, "DEV"), r.stderr.replace(path, "DEV")))
    assert res[1] == res[0], f"drbdmeta {' '.join(args)} on {state}"
    assert digest(a) == digest(b), f"drbdmeta {' '.join(args)} on {state}: bytes differ"
    return res[0]


@pytest.mark.parametrize("args", SB_CMDS, ids=lambda a: "_".join(a))
@pytest.mark.parametrize("state", list(STATES))
def test_super_block_commands(tmp_path, state, args):
    sb_compare(tmp_path, state, args)


def test_super_block_command_effects(tmp_path):
    """The comparisons above are not vacuous: drbd-utils' results."""
    rc, out, err = sb_compare(tmp_path, "v09-used", ["read-dev-uuid"])
    assert (rc, out) == (0, "1122334455667788\n")
    assert sb_compare(tmp_path, "none", ["read-dev-uuid"])[:2] == (1, "")
    sb_compare(tmp_path, "v09-used", ["write-dev-uuid", "0123456789abcdef"])
    assert sb_field(str(tmp_path / "ours"), 0x30, ">Q") == 0x0123456789ABCDEF
    sb_compare(tmp_path, "v08-used", ["write-dev-uuid", "abc"])
    assert sb_field(str(tmp_path / "ours"), 0x28, ">Q") == 0xABC
    assert sb_compare(tmp_path, "v09-fresh", ["outdate"])[0] == 5
    sb_compare(tmp_path, "v09-used", ["outdate"])
    assert sb_field(str(tmp_path / "ours"), 0x38, ">I") == 0x81
    sb_compare(tmp_path, "v09-used", ["invalidate"])
    assert sb_field(str(tmp_path / "ours"), V09_PEER + 32 * 31 + 16, ">I") == 0x8
    rc, _, err = sb_compare(tmp_path, "v09-used", ["--node-id=2", "forget-peer"])
    assert "Copying bitmap slot -1 to 1 not implemented." in err
    assert sb_field(str(tmp_path / "ours"), V09_PEER + 32 * 2 + 20, ">i") == -1
    assert sb_field(str(tmp_path / "ours"), V09_PEER + 32 * 2, ">Q") == 0x3333
    rc, _, err = sb_compare(tmp_path, "v09-full", ["--node-id=3", "forget-peer"])
    assert "Setting all bits in slot 2 not implemented." in err
    assert "Not v09, implicitly set --node-id = 0" in \
        sb_compare(tmp_path, "v08-used", ["get-gi", "--node-id=3"])[2]


@pytest.mark.parametrize("args", [["read-dev-uuid"], ["write-dev-uuid", "42"],
                                  ["create-md", "1"], ["dump-md"]], ids=lambda a: a[0])
def test_options_after_arguments(tmp_path, args):
    """drbdadm appends backend options ("--force") after the command."""
    rc = sb_compare(tmp_path, "v09-used", args, force_last=True)[0]
    assert rc == 0


# ---- verify-dump -----------------------------------------------------------

def dump_variants(tmp_path):
    """Dumps drbd-utils wrote (v09 two peers, v08), one with a size and a
    bitmap, and edits that break them in value or in syntax."""
    texts = {}
    for ver, extra in (("v09", ["2"]), ("v08", [])):
        p = str(tmp_path / f"src-{ver}")
        mkfile(p, 64 << 20)
        assert md(REAL, p, "internal", "create-md", *extra, ver=ver).returncode == 0
        texts[ver] = md(REAL, p, "internal", "dump-md", ver=ver).stdout
    v09 = texts["v09"]
    texts["v09-bitmap"] = edited_dump(v09, 2)
    texts["v09-huge"] = v09.replace("la-size-sect 0;", "la-size-sect 99999999999;")
    texts["v09-stripes"] = v09.replace("al-stripes 1;", "al-stripes 4;").replace(
        "la-size-sect 0;", "la-size-sect 9999999999;")
    broken = {
        "bad-bpb": ("bm-byte-per-bit 4096;", "bm-byte-per-bit 1000;"),
        "dup-slot": ("peer[3]", "peer[1]"),
        "slot-range": ("peer[3]", "peer[40]"),
        "slot-negative": ("peer[3]", "peer[-1]"),
        "version": ('version "v09"', 'version "v08"'),
        "garbage": ("max-peers", "garbage"),
        "truncated": ("history-uuids", "history"),
    }
    for name, (a, b) in broken.items():
        texts[name] = v09.replace(a, b, 1)
    texts["trailing"] = v09 + "junk\n"
    return texts


# token-level syntax errors: same exit code, but our messages are worded
# differently from drbd-utils' flex scanner's
SYNTAX = {"garbage", "truncated", "trailing"}


@pytest.mark.parametrize("idx", ["internal", "flex-external", "0"])
def test_verify_dump(tmp_path, idx):
    for name, text in dump_variants(tmp_path).items():
        f = tmp_path / f"{name}.txt"
        f.write_text(text)
        ver = "v08" if name == "v08" else "v09"
        r1 = run(REAL, "0", ver, "/nonexistent", idx, "verify-dump", str(f))
        r2 = run(OURS, "0", ver, "/nonexistent", idx, "verify-dump", str(f))
        assert r2.returncode == r1.returncode, (name, r1.stderr, r2.stderr)
        if name not in SYNTAX:
            assert (r2.stdout, r2.stderr) == (r1.stdout, r1.stderr), name
        want = 10 if name in SYNTAX or name in ("bad-bpb", "dup-slot", "slot-range",
                                                 "slot-negative", "version") else 0
        assert r1.returncode == want, (name, r1.stderr)
        if not want:
            assert r1.stdout.endswith("input file parsed ok\n")
    r1 = run(REAL, "0", "v09", "/x", idx, "verify-dump", str(tmp_path / "missing"))
    r2 = run(OURS, "0", "v09", "/x", idx, "verify-dump", str(tmp_path / "missing"))
    assert (r2.returncode, r2.stdout, r2.stderr) == (r1.returncode, r1.stdout, r1.stderr) \
        and r1.returncode == 20
