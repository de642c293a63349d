"""drbdadm.exe under Wine: the configuration comes from <UDRBD_ROOT>\\etc
(conf_default_path), and attach/up hide the file system of every backing
disk given by a Windows device name first (udrbd hide-filesystem -q DISK,
as WinDRBD's drbdadm runs windrbd hide-filesystem in before_attach).

The dry run is compared with Debian's drbdadm on the same configuration
with Linux disk names: the same calls, plus the hide lines."""
import os
import socket

import pytest

from test_drbdadm import as_host, preflight
from test_windows import BUILD_WIN, WINE_ENV, run_bytes, wineserver, winpath  # noqa: F401
from test_windows_map import calls, fakes  # noqa: F401

DRBDADM = os.path.join(BUILD_WIN, "conf", "drbdadm.exe")

# (conf value as written in drbd.conf, the disk's name, hidden?)
WIN_DISKS = [
    ('"F:"', "F:", True),
    ('"0b098289-8295-11e7-bddb-0800274272c4"', "0b098289-8295-11e7-bddb-0800274272c4", True),
    ('"\\\\\\\\?\\\\Volume{0b098289-8295-11e7-bddb-0800274272c5}\\\\"',
     "\\\\?\\Volume{0b098289-8295-11e7-bddb-0800274272c5}\\", True),
    ('"\\\\\\\\.\\\\PhysicalDrive2"', "\\\\.\\PhysicalDrive2", True),
    ('"C:\\\\images\\\\d4.img"', "C:\\images\\d4.img", False),
]


def config(host, disks):
    vols = "".join(f"        volume {i} {{ device minor {i + 1}; disk {d}; "
                   "meta-disk internal; }\n" for i, d in enumerate(disks))
    peer = "".join(f"        volume {i} {{ device minor {i + 1}; disk /dev/vg/p{i}; "
                   "meta-disk internal; }\n" for i in range(len(disks)))
    return (f"resource r0 {{\n    on {host} {{\n        node-id 0;\n{vols}"
            "        address 10.1.1.1:7789;\n    }\n"
            f"    on bravo {{\n        node-id 1;\n{peer}"
            "        address 10.1.1.2:7789;\n    }\n}\n")


def escaped(s):
    """drbd-utils prints arguments with a backslash before every character
    outside [%+-./0-9:=@A-Z_a-z]."""
    ok = set("%+-./:=@_") | set("0123456789") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") | \
        set("abcdefghijklmnopqrstuvwxyz")
    return "".join(c if c in ok else "\\" + c for c in s)


@pytest.fixture
def root(tmp_path):
    os.makedirs(tmp_path / "root" / "etc")
    with open(tmp_path / "root" / "etc" / "drbd.conf", "w") as f:
        f.write(config(socket.gethostname(), [d for d, _, _ in WIN_DISKS]))
    return str(tmp_path / "root")


def drbdadm(*args, root, path=None, record=None, env=None):
    e = dict(WINE_ENV, UDRBD_ROOT=winpath(root), DRBD_DRIVER_VERSION_OVERRIDE="9.2.0",
             **(env or {}))
    if path:
        e["WINEPATH"] = winpath(path)
    if record:
        e["ARGV_RECORD_FILE"] = winpath(record)
    return run_bytes(["wine", DRBDADM, *args], e, timeout=120)


@pytest.fixture
def win(wineserver):
    if not os.path.exists(DRBDADM):
        pytest.skip(f"{DRBDADM} is missing (tests/run-windows.sh builds it)")


def test_dry_run_up_matches_debian_plus_hide(win, root, tmp_path):
    preflight()
    lin = str(tmp_path / "lin.conf")
    with open(lin, "w") as f:
        f.write(config("alpha", [f"/dev/vg/d{i}" for i in range(len(WIN_DISKS))]))
    real = as_host("alpha", ["drbdadm", "-c", lin, "-d", "up", "r0"])
    assert real.returncode == 0, real.stderr
    want = []
    for line in real.stdout.splitlines():
        for i, (_, name, hide) in enumerate(WIN_DISKS):
            dev = f"/dev/vg/d{i}"
            if dev not in line.split():
                continue
            if hide and line.endswith("apply-al"):
                want.append(f"udrbd hide-filesystem -q {escaped(name)}")
            line = " ".join(escaped(name) if w == dev else w for w in line.split())
        want.append(line)
    # No -c: the file is <UDRBD_ROOT>\etc\drbd.conf.
    ours = drbdadm("-d", "up", "r0", root=root)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines() == want
    assert sum("hide-filesystem" in w for w in want) == 4


@pytest.mark.parametrize("code", [0, 2, 3])
def test_attach_goes_on_after_hide(win, root, fakes, tmp_path, code):  # noqa: F811
    rec = str(tmp_path / "rec.txt")
    r = drbdadm("attach", "r0/0", root=root, path=fakes, record=rec,
                env={"ARGV_RECORD_EXIT_UDRBD": str(code)})
    assert r.returncode == 0, r.stderr
    assert calls(rec) == [("udrbd", ["hide-filesystem", "-q", "F:"]),
                          ("drbdmeta", ["1", "v09", "F:", "internal", "apply-al"]),
                          ("drbdsetup", ["attach", "1", "F:", "F:", "internal"])]


def test_attach_stops_when_hide_fails(win, root, fakes, tmp_path):  # noqa: F811
    rec = str(tmp_path / "rec.txt")
    r = drbdadm("attach", "r0/3", root=root, path=fakes, record=rec,
                env={"ARGV_RECORD_EXIT_UDRBD": "1"})
    assert r.returncode != 0
    assert calls(rec) == [("udrbd", ["hide-filesystem", "-q", "\\\\.\\PhysicalDrive2"])]


def test_attach_of_a_file_does_not_hide(win, root, fakes, tmp_path):  # noqa: F811
    rec = str(tmp_path / "rec.txt")
    r = drbdadm("attach", "r0/4", root=root, path=fakes, record=rec)
    assert r.returncode == 0, r.stderr
    assert [p for p, _ in calls(rec)] == ["drbdmeta", "drbdsetup"]
