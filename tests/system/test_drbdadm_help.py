"""--help for every command of drbdadm, drbdsetup, drbdmeta and udrbd: exit
0 and a usage naming the command. drbdsetup's usage texts live in the
client (cmd/drbdsetup_help.c); every option they list must be one udrbdd
accepts for that command, so the texts cannot drift from the engine."""
import os
import re
import subprocess

import pytest

from conftest import BUILD

DRBDADM = os.path.join(BUILD, "conf", "drbdadm")
DRBDSETUP = os.path.join(BUILD, "cmd", "drbdsetup")
DRBDMETA = os.path.join(BUILD, "md", "drbdmeta")
UDRBD = os.path.join(BUILD, "cmd", "udrbd")


def run(*argv, env=None):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=30,
                          env=env, stdin=subprocess.DEVNULL)


def section(text, title):
    """The indented command names under a usage heading."""
    body = text.split(title, 1)[1]
    names = []
    for line in body.splitlines()[1:]:
        if not line.startswith("  "):
            break
        names.append(line.split()[0])
    return names


def drbdadm_commands():
    return section(run(DRBDADM, "--help").stdout, "COMMANDS:")


def drbdsetup_commands():
    return run(DRBDSETUP, "help-commands").stdout.split()


def drbdmeta_commands():
    return section(run(DRBDMETA, "--help").stdout, "COMMANDS:")


def test_command_lists():
    """The lists themselves (an empty list would make the tests below
    vacuous), with exit codes as drbd-utils' bare usages."""
    assert len(drbdadm_commands()) >= 35
    assert len(drbdsetup_commands()) >= 35
    assert len(drbdmeta_commands()) >= 12
    assert run(DRBDADM, "--help").returncode == 0
    assert run(DRBDSETUP, "--help").returncode == 20
    assert run(DRBDMETA, "--help").returncode == 20
    assert run(UDRBD, "--help").returncode == 0


@pytest.mark.parametrize("cmd", drbdadm_commands())
def test_drbdadm(cmd):
    r = run(DRBDADM, cmd, "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"USAGE: drbdadm {cmd} [OPTION...]"), r.stdout
    assert "GENERAL OPTIONS:" in r.stdout


@pytest.mark.parametrize("cmd", drbdmeta_commands())
def test_drbdmeta(cmd):
    r = run(DRBDMETA, cmd, "--help")
    assert r.returncode == 0, r.stderr
    assert re.match(rf"USAGE: drbdmeta .* {cmd}\b", r.stdout), r.stdout


def test_udrbd():
    usage = run(UDRBD, "--help").stdout
    cmds = set(re.findall(r"udrbd ([a-z-]+)", usage))
    assert {"version", "faults", "exports", "log-server"} <= cmds
    for cmd in sorted(cmds):
        r = run(UDRBD, cmd, "--help")
        assert r.returncode == 0, (cmd, r.stderr)
        assert f"udrbd {cmd}" in r.stdout


def listed_options(text):
    """(option, value) pairs of a drbdsetup usage: "--x=(..)" -> ("--x", "1")."""
    out = []
    for opt in re.findall(r"\[(--[^\]=]+)(=[^\]]*)?\]", text):
        name, val = opt
        if not val:
            out.append((name, None))
        elif val.startswith("={"):
            out.append((name, val[2:].split("|")[0].rstrip("}")))
        else:
            out.append((name, "1"))
    return out


def test_drbdsetup_options_match_udrbdd(udrbdd):
    """Every option of every usage text is one udrbdd's parser knows for
    that command (it may still refuse the value or the object)."""
    checked = 0
    for cmd in drbdsetup_commands():
        r = run(DRBDSETUP, cmd, "--help")
        assert r.returncode == 0, (cmd, r.stderr)
        assert r.stdout.startswith(f"drbdsetup {cmd} - "), r.stdout
        usage = re.search(rf"USAGE: drbdsetup {cmd}(.*)", r.stdout).group(1)
        nargs = len(re.findall(r"\{[^}]+\}", usage.split("[")[0]))
        args = ["nosuch", "1", "0", "0"][:nargs] if nargs else []
        if cmd in ("events2",):
            args.append("--now")
        for name, value in listed_options(r.stdout):
            if name == "--poll":
                continue    # reads commands from stdin (drbd-reactor's use)
            opt = name if value is None else f"{name}={value}"
            res = udrbdd.run(cmd, *args, opt)
            assert "unrecognized option" not in res.stderr, (cmd, opt, res.stderr)
            checked += 1
    assert checked > 100


def test_drbdsetup_unknown():
    r = run(DRBDSETUP, "help", "frobnicate")
    assert r.returncode == 20
    assert "Unknown command 'frobnicate'" in r.stdout
