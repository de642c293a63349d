"""udrbd map / unmap under Wine (cmd/udrbd_map.c): without WNBD the message
and exit code; with stand-ins for wnbd-client.exe and powershell.exe on
Wine's PATH (tests/tools/argv_record.c, built here with mingw-w64) the
exact command lines, the drive letter taken from drbd.conf under
UDRBD_ROOT, and the exit codes of each failure. Wine has neither WNBD nor
Windows' storage cmdlets: the PowerShell script is checked as text."""
import base64
import os
import shutil
import socket
import subprocess

import pytest

from conftest import ROOT, need_tool
from test_windows import BUILD_WIN, WINE_ENV, run_bytes, wineserver, winpath  # noqa: F401

UDRBD = os.path.join(BUILD_WIN, "cmd", "udrbd.exe")
RECORDER = os.path.join(ROOT, "tests", "tools", "argv_record.c")

CONF = """resource r0 {
    on %(host)s {
        device "K:" minor 1;
        disk "E:";
        meta-disk internal;
        address 127.0.0.1:7789;
        node-id 0;
    }
    on bravo {
        device "/dev/drbd1" minor 1;
        disk "/dev/sdb1";
        meta-disk internal;
        address 127.0.0.2:7789;
        node-id 1;
    }
}
resource r1 {
    on %(host)s {
        device minor 2;
        disk "F:";
        meta-disk internal;
        address 127.0.0.1:7790;
        node-id 0;
    }
    on bravo {
        device minor 2;
        disk "/dev/sdc1";
        meta-disk internal;
        address 127.0.0.2:7790;
        node-id 1;
    }
}
"""


@pytest.fixture(scope="module")
def fakes(tmp_path_factory):
    """bin/ with stand-ins (the recorder) for the programs udrbd.exe and
    drbdadm.exe run."""
    need_tool("x86_64-w64-mingw32-gcc")
    d = tmp_path_factory.mktemp("fakes")
    exe = str(d / "argv_record.exe")
    subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-o", exe, RECORDER], check=True)
    os.makedirs(d / "bin")
    for name in ("wnbd-client.exe", "powershell.exe", "udrbd.exe", "drbdmeta.exe",
                 "drbdsetup.exe"):
        shutil.copy(exe, d / "bin" / name)
    return str(d / "bin")


@pytest.fixture
def root(tmp_path):
    """A WinDRBD-style root with etc\\drbd.conf naming this host."""
    os.makedirs(tmp_path / "root" / "etc")
    with open(tmp_path / "root" / "etc" / "drbd.conf", "w") as f:
        f.write(CONF % {"host": socket.gethostname()})
    return str(tmp_path / "root")


def udrbd(*args, root=None, path=None, record=None, exit_code=None, env=None):
    env = dict(WINE_ENV, **(env or {}))
    if root:
        env["UDRBD_ROOT"] = winpath(root)
    if path:
        env["WINEPATH"] = winpath(path)
    if record:
        env["ARGV_RECORD_FILE"] = winpath(record)
    if exit_code is not None:
        env["ARGV_RECORD_EXIT"] = str(exit_code)
    return run_bytes(["wine", UDRBD, *args], env, timeout=120)


def calls(record):
    """[(program, [args...]), ...] in the order they ran."""
    out = []
    if not os.path.exists(record):
        return out
    with open(record) as f:
        for line in f.read().splitlines():
            if line.startswith("\t"):
                out[-1][1].append(line[1:])
            else:
                out.append((line, []))
    return out


def script_of(ps_args):
    assert ps_args[:5] == ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                           "-EncodedCommand"]
    assert len(ps_args) == 6
    return base64.b64decode(ps_args[5]).decode("utf-16-le")


@pytest.fixture
def win(wineserver):
    if not os.path.exists(UDRBD):
        pytest.skip(f"{UDRBD} is missing (tests/run-windows.sh builds it)")


def test_map_without_wnbd_says_how_to_get_it(win, root, tmp_path):
    r = udrbd("map", "1", root=root, path=str(tmp_path))
    assert r.returncode == 2, r.stdout + r.stderr
    assert "wnbd-client was not found: WNBD is not installed" in r.stderr
    for words in ("https://github.com/cloudbase/wnbd", "Secure Boot off",
                  "bcdedit /set testsigning yes", "export drbd1"):
        assert words in r.stderr, r.stderr
    r = udrbd("unmap", "1", root=root, path=str(tmp_path))
    assert r.returncode == 2 and "https://github.com/cloudbase/wnbd" in r.stderr


def test_map_runs_wnbd_client_and_gives_the_conf_letter(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    r = udrbd("map", "1", root=root, path=fakes, record=rec)
    assert r.returncode == 0, r.stderr
    (p1, a1), (p2, a2) = calls(rec)
    assert p1 == "wnbd-client"
    assert a1 == ["map", "drbd1", "127.0.0.1", "--port", "10809", "--export-name", "drbd1"]
    assert p2 == "powershell"
    s = script_of(a2)
    assert "$sn = 'drbd1'\n" in s
    assert "$_.SerialNumber.Trim() -eq $sn" in s
    assert "Set-Disk -Number $d.Number -IsOffline $false" in s
    assert "Set-Disk -Number $d.Number -IsReadOnly $false" in s
    assert "-NewDriveLetter K\n" in s
    assert "if ($p.DriveLetter -ne 'K')" in s


def test_map_letter_and_nbd_address_on_the_command_line(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    r = udrbd("map", "--nbd", "127.0.0.1:10999", "2", "m:", root=root, path=fakes,
              record=rec)
    assert r.returncode == 0, r.stderr
    (_, a1), (_, a2) = calls(rec)
    assert a1 == ["map", "drbd2", "127.0.0.1", "--port", "10999", "--export-name", "drbd2"]
    assert "-NewDriveLetter M\n" in script_of(a2)


def test_map_of_a_device_without_letter_only_brings_it_online(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    r = udrbd("map", "2", root=root, path=fakes, record=rec)
    assert r.returncode == 0, r.stderr
    s = script_of(calls(rec)[1][1])
    assert "$sn = 'drbd2'\n" in s and "IsOffline $false" in s
    assert "NewDriveLetter" not in s and "is online" in s


def test_unmap(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    r = udrbd("unmap", "1", root=root, path=fakes, record=rec)
    assert r.returncode == 0, r.stderr
    assert calls(rec) == [("wnbd-client", ["unmap", "drbd1"])]


def test_map_failures(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    # wnbd-client fails: nothing else runs.
    r = udrbd("map", "1", root=root, path=fakes, record=rec, exit_code=5)
    assert r.returncode == 3
    assert "wnbd-client map drbd1 failed (exit code 5)" in r.stderr
    assert [p for p, _ in calls(rec)] == ["wnbd-client"]
    r = udrbd("unmap", "1", root=root, path=fakes, record=rec, exit_code=5)
    assert r.returncode == 3
    for bad in (["map"], ["map", "x"], ["map", "1", "KK"], ["map", "1", "K", "L"],
                ["unmap", "1", "K"], ["map", "--nbd", "nowhere", "1", "K"]):
        r = udrbd(*bad, root=root, path=fakes, record=rec)
        assert r.returncode == 1, (bad, r.stderr)
    assert len(calls(rec)) == 2


def test_map_mapped_but_online_fails(win, root, fakes, tmp_path):
    rec = str(tmp_path / "rec.txt")
    r = udrbd("map", "1", root=root, path=fakes, record=rec,
              env={"ARGV_RECORD_EXIT_POWERSHELL": "1"})
    assert r.returncode == 4, r.stderr
    assert "drbd1 is mapped, but bringing it online failed (PowerShell exit code 1)" \
        in r.stderr
    assert [p for p, _ in calls(rec)] == ["wnbd-client", "powershell"]
