"""udrbd hide-filesystem / show-filesystem on images made by mkntfs,
mkfs.fat (12, 16, 32), mkfs.exfat and a ReFS volume header built here
from its documented layout: blkid stops recognising the file system after
hide and recognises it again after show, only the signature bytes change,
and show gives back the image byte for byte. The same with udrbd.exe
under Wine, by file name and by drive letter (a dosdevices link).

The replacements are WinDRBD's (windrbd-facts.md §1.3, md/fshide.h);
FAT not formatted by Windows gets udrbd's byte swap of bytes-per-sector."""
import os
import shutil
import struct
import subprocess

import pytest

from conftest import BUILD, drbdmeta, need, need_tool

MiB = 1 << 20
UDRBD = os.path.join(BUILD, "cmd", "udrbd")

# image -> (command making it, blkid TYPE, name udrbd prints,
#           {offset: hidden byte} of the signature)
SWAP_512 = {0x0B: 0x02, 0x0C: 0x00}
FILESYSTEMS = {
    "ntfs": (["mkntfs", "-F", "-Q", "-q"], "ntfs", "NTFS",
             dict(zip(range(3, 7), b"DRBD"))),
    "fat12": (["mkfs.fat", "-F", "12"], "vfat", "FAT12", SWAP_512),
    "fat16": (["mkfs.fat", "-F", "16"], "vfat", "FAT16", SWAP_512),
    "fat32": (["mkfs.fat", "-F", "32"], "vfat", "FAT32", SWAP_512),
    "exfat": (["mkfs.exfat"], "exfat", "exFAT", dict(zip(range(3, 8), b"EDRBD"))),
    "refs": (None, "ReFS", "ReFS", dict(zip(range(3, 7), b"ReDR"))),
}


def refs_header():
    """A ReFS volume header: no jump, "ReFS" and four NULs, "FSRS" at 0x10,
    header size, sectors (0x18), bytes per sector (0x20), sectors per
    cluster (0x24), version 3.4 (0x28), serial (0x38)."""
    b = bytearray(512)
    b[3:11] = b"ReFS\0\0\0\0"
    b[0x10:0x14] = b"FSRS"
    struct.pack_into("<HHQII", b, 0x14, 0x200, 0, 64 * MiB // 512, 512, 128)
    b[0x28:0x2A] = bytes([3, 4])
    struct.pack_into("<Q", b, 0x38, 0x1122334455667788)
    return bytes(b)


def make_image(path, kind):
    mkfs = FILESYSTEMS[kind][0]
    with open(path, "wb") as f:
        f.truncate(64 * MiB)
        if mkfs is None:
            f.write(refs_header())
    if mkfs:
        need_tool(mkfs[0])
        subprocess.run(mkfs + [path], check=True, capture_output=True)


def blkid_type(path):
    need_tool("blkid")
    r = subprocess.run(["blkid", "-p", "-o", "export", path], capture_output=True,
                       text=True)
    keys = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    return keys.get("TYPE")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def changed(a, b):
    assert len(a) == len(b)
    return {i: b[i] for i in range(len(a)) if a[i] != b[i]}


def udrbd(*args):
    need(os.path.exists(UDRBD), f"{UDRBD} is not built")
    return subprocess.run([UDRBD, *args], capture_output=True, text=True, timeout=60)


def check_hide_show(path, kind, run):
    """run(*args) calls one udrbd (native or .exe) on path's name."""
    _, fstype, name, signature = FILESYSTEMS[kind]
    orig = read(path)
    assert blkid_type(path) == fstype

    r = run("hide-filesystem")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{name} file system" in r.stdout and "hidden from Windows" in r.stdout
    hidden = read(path)
    assert changed(orig, hidden) == {i: v for i, v in signature.items() if orig[i] != v}
    assert blkid_type(path) is None

    r = run("filesystem-state")
    assert r.returncode == 0 and f"{name}, hidden" in r.stdout
    r = run("hide-filesystem")
    assert r.returncode == 2 and "already hidden" in r.stderr
    assert read(path) == hidden

    r = run("show-filesystem")
    assert r.returncode == 0, r.stdout + r.stderr
    assert read(path) == orig
    assert blkid_type(path) == fstype
    r = run("show-filesystem")
    assert r.returncode == 2 and "already visible" in r.stderr
    assert read(path) == orig


@pytest.mark.parametrize("kind", sorted(FILESYSTEMS))
def test_hide_and_show(tmp_path, kind):
    path = str(tmp_path / f"{kind}.img")
    make_image(path, kind)
    check_hide_show(path, kind, lambda *a: udrbd(*a, path))


def test_windows_formatted_fat_gets_windrbds_signature(tmp_path):
    """Windows writes "MSDOS5.0"; WinDRBD hides it as "FATDRBD\\0", and a
    disk WinDRBD hid is shown again with Windows' name."""
    path = str(tmp_path / "fat.img")
    make_image(path, "fat16")
    with open(path, "r+b") as f:
        f.write(b"\xEB\x3C\x90MSDOS5.0")
    orig = read(path)
    assert udrbd("hide-filesystem", path).returncode == 0
    assert changed(orig, read(path)) == dict(zip(range(3, 11), b"FATDRBD\0"))
    assert "(WinDRBD's signature)" in udrbd("filesystem-state", path).stdout
    assert udrbd("show-filesystem", path).returncode == 0
    assert read(path) == orig


@pytest.mark.parametrize("content", [b"", b"\xEB\x3C\x90DRBD    "], ids=["zeros", "no-fs"])
def test_nothing_known_is_refused(tmp_path, content):
    path = str(tmp_path / "data.img")
    with open(path, "wb") as f:
        f.truncate(MiB)
        f.write(content)
    orig = read(path)
    for cmd in ("hide-filesystem", "show-filesystem"):
        r = udrbd(cmd, path)
        assert r.returncode == 3, r.stdout + r.stderr
        assert "no known file system (NTFS, ReFS, FAT, exFAT)" in r.stderr
    assert udrbd("filesystem-state", path).returncode == 3
    assert read(path) == orig


def test_create_md_guards_a_hidden_file_system(tmp_path):
    """Internal meta data would cut off the hidden NTFS's tail: drbdmeta
    still sees the file system and its size, and refuses."""
    path = str(tmp_path / "ntfs.img")
    make_image(path, "ntfs")
    assert udrbd("hide-filesystem", "-q", path).returncode == 0
    hidden = read(path)
    r = drbdmeta("--force", "0", "v09", path, "internal", "create-md", "1")
    assert r.returncode == 40, r.stdout + r.stderr
    assert "Found NTFS filesystem (hidden)" in r.stdout
    assert "Operation refused." in r.stdout
    assert read(path) == hidden


def test_missing_target(tmp_path):
    r = udrbd("hide-filesystem", str(tmp_path / "nope.img"))
    assert r.returncode == 1 and "cannot open" in r.stderr
    assert udrbd("hide-filesystem").returncode == 1


# ---- udrbd.exe under Wine --------------------------------------------------

def wine_udrbd(build_win, env, *args):
    return subprocess.run(["wine", os.path.join(build_win, "cmd", "udrbd.exe"), *args],
                          capture_output=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL, text=True)


@pytest.fixture
def wine_env(wineserver):
    from test_windows import BUILD_WIN, PREFIX, WINE_ENV
    need(os.path.exists(os.path.join(BUILD_WIN, "cmd", "udrbd.exe")),
         "udrbd.exe is not built (tests/run-windows.sh builds it)")
    return BUILD_WIN, PREFIX, WINE_ENV


@pytest.mark.parametrize("kind", ["ntfs", "fat32", "exfat", "refs"])
def test_udrbd_exe_by_file_name(wine_env, tmp_path, kind):
    from test_windows import winpath
    build_win, _, env = wine_env
    path = str(tmp_path / f"{kind}.img")
    make_image(path, kind)
    check_hide_show(path, kind, lambda *a: wine_udrbd(build_win, env, *a, winpath(path)))


def test_udrbd_exe_by_drive_letter(wine_env, tmp_path):
    """Wine opens \\\\.\\X: as the file its dosdevices link "x::" names,
    which is how a drive letter reaches a volume here."""
    build_win, prefix, env = wine_env
    path = str(tmp_path / "ntfs.img")
    make_image(path, "ntfs")
    free = [c for c in "xwvutsr"
            if not os.path.lexists(os.path.join(prefix, "dosdevices", c + ":"))
            and not os.path.lexists(os.path.join(prefix, "dosdevices", c + "::"))]
    need(free, "no free drive letter in the Wine prefix")
    link = os.path.join(prefix, "dosdevices", free[0] + "::")
    os.symlink(path, link)
    try:
        check_hide_show(path, "ntfs",
                        lambda *a: wine_udrbd(build_win, env, *a, free[0].upper() + ":"))
    finally:
        os.unlink(link)


# The Wine fixture lives with the other Windows tests.
from test_windows import wineserver  # noqa: E402,F401
