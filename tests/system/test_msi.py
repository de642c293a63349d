"""The MSI (packaging/windows/udrbd.wxs, built by wixl) under Wine's
msiexec: install registers and starts the service, drbdsetup.exe answers
through its pipe, the config tree has its samples; an upgrade replaces a
running installation in place; uninstall removes programs, service,
registry values and config tree (the service's own log stays).

Each test has its own Wine prefix (tests/system/winprefix.py)."""
import os
import shutil
import subprocess

import pytest

from conftest import free_port, need, need_tool
from winprefix import BUILD_WIN, WinePrefix, need_win_build

VERSION = "0.1.0"
MSI = os.path.join(BUILD_WIN, "packaging", f"udrbd-{VERSION}.msi")
SVC_KEY = "HKLM\\System\\CurrentControlSet\\Services\\udrbd"
ENV_KEY = "HKLM\\System\\CurrentControlSet\\Control\\Session Manager\\Environment"
PROGS = "C:\\Program Files\\udrbd"


@pytest.fixture
def prefix(tmp_path):
    need_tool("wixl")
    need_win_build("cmd/udrbdd.exe")
    need(os.path.exists(MSI), f"{MSI} is missing (the Windows build makes it with wixl)")
    p = WinePrefix(str(tmp_path / "prefix"))
    try:
        yield p.start()
    finally:
        p.stop()


def msi_in(prefix, path, name):
    """The MSI copied into drive C:, as Windows users run it."""
    shutil.copy(path, prefix.drive_c(name))
    return "C:\\" + name


def build_msi(tmp_path, version):
    """The same package with another version number (for upgrades)."""
    out = str(tmp_path / f"udrbd-{version}.msi")
    r = subprocess.run(["wixl", "--arch", "x64", "-D", f"Version={version}", "-D",
                        "BuildDir=.", "-D", "SrcDir=packaging", "-o", out,
                        os.path.join("..", "packaging", "windows", "udrbd.wxs")],
                       cwd=BUILD_WIN, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return out


def install(prefix, msi, port):
    r = prefix.run("msiexec", "/i", msi, "/qn", f"NBDLISTEN=127.0.0.1:{port}", timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def reg_values(prefix, key):
    r = prefix.run("reg", "query", key)
    if r.returncode != 0:
        return None
    return dict(line.split(None, 2)[0::2] for line in r.stdout.splitlines()
                if line.startswith("    "))


def service_state(prefix):
    r = prefix.run("sc", "query", "udrbd")
    for line in r.stdout.splitlines():
        if "STATE" in line:
            return line.split()[-1]
    return None


def drbdsetup(prefix, *args):
    return prefix.run("C:\\Program Files\\udrbd\\drbdsetup.exe", *args, timeout=60)


def system_path(prefix):
    """Value names are case-insensitive (Wine spells it PATH)."""
    values = {k.lower(): v for k, v in reg_values(prefix, ENV_KEY).items()}
    return values["path"]


def test_install_starts_the_service_and_uninstall_removes_it_all(prefix):
    msi = msi_in(prefix, MSI, "udrbd.msi")
    port = free_port()
    path_before = system_path(prefix)
    assert PROGS not in path_before.split(";")
    install(prefix, msi, port)
    # The tools are on the machine-wide PATH: a new process finds them.
    assert system_path(prefix) == path_before + ";" + PROGS
    r = prefix.run("cmd", "/c", "udrbd version")
    assert r.returncode == 0 and r.stdout.startswith("udrbd "), r.stdout + r.stderr

    progs = prefix.drive_c("Program Files", "udrbd")
    assert sorted(os.listdir(progs)) == ["drbdadm.exe", "drbdmeta.exe", "drbdsetup.exe",
                                         "udrbd.exe", "udrbdd.exe"]
    etc = prefix.drive_c("windrbd", "etc")
    assert sorted(os.listdir(os.path.join(etc, "drbd.d"))) == ["global_common.conf",
                                                              "windrbd-sample.res"]
    with open(os.path.join(etc, "drbd.d", "windrbd-sample.res")) as f:
        sample = f.read()
    # Commented out entirely: an installed sample defines no resource.
    assert all(not line.strip() or line.startswith("#") for line in sample.splitlines())
    assert "# resource r0 {" in sample

    values = reg_values(prefix, SVC_KEY)
    assert values["Start"] == "0x2" and values["ObjectName"] == "LocalSystem", values
    assert values["ImagePath"] == ("C:\\Program Files\\udrbd\\udrbdd.exe --service "
                                   f"--nbd-listen 127.0.0.1:{port} "
                                   "--log-file \"C:\\windrbd\\udrbdd.log\""), values
    assert values["Root"] == "C:\\windrbd\\"
    assert service_state(prefix) == "RUNNING"
    r = drbdsetup(prefix, "status")
    assert (r.returncode, r.stdout) == (0, "# No currently configured DRBD found.\n"), r.stderr
    # drbdadm finds the installed configuration at the default root.
    r = prefix.run("C:\\Program Files\\udrbd\\drbdadm.exe", "dump")
    assert r.returncode == 0, r.stderr
    assert "usage-count no;" in r.stdout

    r = prefix.run("msiexec", "/x", msi, "/qn", timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not os.path.exists(progs)
    assert not os.path.exists(etc)
    assert reg_values(prefix, SVC_KEY) is None
    assert service_state(prefix) is None
    assert system_path(prefix) == path_before
    # The service went down through its stop path before its files went.
    with open(prefix.drive_c("windrbd", "udrbdd.log")) as f:
        assert "stopping: taking all resources down" in f.read()
    assert os.listdir(prefix.drive_c("windrbd")) == ["udrbdd.log"]


def test_upgrade_replaces_a_running_installation(prefix, tmp_path):
    old = msi_in(prefix, MSI, "udrbd-old.msi")
    new = msi_in(prefix, build_msi(tmp_path, "0.1.1"), "udrbd-new.msi")
    port = free_port()
    install(prefix, old, port)
    r = drbdsetup(prefix, "new-resource", "r0", "0")
    assert r.returncode == 0, r.stderr
    install(prefix, new, port)
    # One product, the new one, its service running again (a fresh
    # udrbdd: the old one took r0 down when it stopped).
    r = prefix.run("reg", "query",
                   "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "/s")
    assert r.stdout.count("DisplayName    REG_SZ    udrbd") == 1, r.stdout
    assert "DisplayVersion    REG_SZ    0.1.1" in r.stdout, r.stdout
    # Removing the old product kept the PATH entry the new one needs.
    assert system_path(prefix).split(";").count(PROGS) == 1
    assert service_state(prefix) == "RUNNING"
    r = drbdsetup(prefix, "status")
    assert (r.returncode, r.stdout) == (0, "# No currently configured DRBD found.\n")
    r = prefix.run("msiexec", "/x", new, "/qn", timeout=300)
    assert r.returncode == 0
    assert not os.path.exists(prefix.drive_c("Program Files", "udrbd"))
    assert service_state(prefix) is None
    assert PROGS not in system_path(prefix).split(";")
