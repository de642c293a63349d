"""Our drbdadm against Debian's drbd-utils 9.22 drbdadm, on the corpus in
tests/conf/: for every valid file, every host named in it and every
resource of that host, the dry-run command lines (-d up/down/adjust/
primary/create-md/...), dump and dump-xml are byte-identical; every broken file
fails with both, ours naming the file and line. Each run happens in a UTS
namespace whose host name is the config's host (drbdadm picks its "on"
section by host name), and a dump in a network namespace that holds that
host's addresses (drbdadm dump checks them)."""
import contextlib
import glob
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, ROOT, need

CORPUS = os.path.join(ROOT, "tests", "conf")
OURS = os.path.join(BUILD, "conf", "drbdadm")
ENV = dict(os.environ, DRBD_DRIVER_VERSION_OVERRIDE="9.2.0", LC_ALL="C")
DRY_CMDS = ["up", "down", "adjust", "primary", "primary --force", "secondary",
            "create-md", "create-md --max-peers=5", "attach", "detach", "connect",
            "disconnect", "dump-md", "apply-al", "status", "role", "cstate",
            "wait-connect", "wait-sync"]
SH_CMDS = ["sh-dev", "sh-ll-dev", "sh-md-dev", "sh-minor"]


def corpus(prefix):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(CORPUS, prefix + "*.conf")))


def text_of(name):
    text = open(os.path.join(CORPUS, name)).read()
    if "include" in text:
        for p in sorted(glob.glob(os.path.join(CORPUS, "drbd.d", "*"))):
            text += open(p).read()
    return re.sub(r"#[^\n]*", "", text)


def hosts_of(name):
    text = text_of(name)
    hosts = []
    for names in re.findall(r"\bon\s+([^{;]+?)\s*\{", text):
        hosts += names.split()
    hosts += re.findall(r"\bfloating\s+(?:ipv4\s+)?([0-9.]+):", text)
    return sorted(set(hosts))


def addresses_of(name):
    text = text_of(name)
    v4 = set(re.findall(r"\b(\d+\.\d+\.\d+\.\d+)\s*:", text))
    v6 = set(re.findall(r"\[([0-9a-fA-F:]+)\]", text))
    return sorted(v4), sorted(v6)


def preflight():
    need(shutil.which("drbdadm") is not None, "Debian's drbdadm (drbd-utils) is not installed")
    need(shutil.which("unshare") is not None, "unshare (util-linux) is not installed")
    need(os.path.exists(OURS), f"{OURS} is not built")
    r = subprocess.run(["unshare", "--uts", "--net", "true"], capture_output=True)
    need(r.returncode == 0, "cannot create UTS/network namespaces: "
         + r.stderr.decode(errors="replace").strip())


def as_host(host, argv, net=None):
    """argv run with host name `host`; with net=(v4, v6), in a fresh network
    namespace whose loopback holds those addresses."""
    script = 'hostname "$1"; shift; '
    unshare = ["unshare", "--uts"]
    if net is not None:
        unshare.append("--net")
        script += "ip link set lo up; "
        script += "".join(f"ip addr add {a}/32 dev lo; " for a in net[0])
        script += "".join(f"ip -6 addr add {a}/128 dev lo nodad; " for a in net[1])
    script += 'exec "$@"'
    r = subprocess.run(unshare + ["sh", "-c", script, "sh", host] + argv, cwd=CORPUS,
                       capture_output=True, text=True, env=ENV,
                       stdin=subprocess.DEVNULL, timeout=60)
    return r


def both(host, args, net=None):
    real = as_host(host, ["drbdadm"] + args, net)
    ours = as_host(host, [OURS] + args, net)
    return real, ours


def resources_for(name, host):
    r = as_host(host, ["drbdadm", "-c", name, "sh-resources"])
    return r.stdout.split()


@pytest.mark.parametrize("name", corpus("v"))
def test_valid_dry_run(name):
    preflight()
    checked = 0
    for host in hosts_of(name):
        for res in resources_for(name, host):
            for cmd in DRY_CMDS + SH_CMDS:
                args = ["-c", name] + (["-d"] if cmd not in SH_CMDS else []) \
                    + cmd.split() + [res]
                real, ours = both(host, args)
                where = f"{name} on {host}: drbdadm {' '.join(args)}"
                assert ours.returncode == real.returncode, \
                    f"{where}: exit {ours.returncode} != {real.returncode}\n" \
                    f"ours: {ours.stderr}\nreal: {real.stderr}"
                assert ours.stdout == real.stdout, f"{where}\nours:\n{ours.stdout}\nreal:\n{real.stdout}"
                checked += 1
    # Windows-only files may have no host Debian's drbdadm accepts; every
    # other file must exercise something.
    assert checked or "win" in name, f"{name}: no host/resource was compared"


@pytest.mark.parametrize("cmd", ["dump", "dump-xml", "-d dump-xml"])
@pytest.mark.parametrize("name", corpus("v"))
def test_valid_dump(name, cmd):
    preflight()
    net = addresses_of(name)
    for host in hosts_of(name):
        # A floating section is this host's when the machine has its
        # address: give the namespace only that one.
        here = ([host], []) if re.fullmatch(r"[0-9.]+", host) else net
        for res in [None, "all"] + resources_for(name, host):
            args = ["-c", name] + cmd.split() + ([res] if res else [])
            real, ours = both(host, args, here)
            where = f"{name} on {host}: drbdadm {' '.join(args)}"
            assert ours.returncode == real.returncode, \
                f"{where}: exit {ours.returncode} != {real.returncode}\nours: {ours.stderr}\nreal: {real.stderr}"
            # The header names the file by its absolute path: ours and
            # Debian's run in the same directory, so it is the same.
            assert ours.stdout == real.stdout, f"{where}\nours:\n{ours.stdout}\nreal:\n{real.stdout}"


@pytest.mark.parametrize("name", corpus("v"))
def test_dump_parses_back(name, tmp_path):
    """Our dump, read again, gives the same dump and command lines."""
    preflight()
    for host in hosts_of(name):
        first = as_host(host, [OURS, "-c", name, "dump"])
        if first.returncode:
            continue
        again = tmp_path / "again.conf"
        again.write_text(first.stdout)
        second = as_host(host, [OURS, "-c", str(again), "dump"])
        assert second.returncode == 0, second.stderr
        strip = lambda s: re.sub(r"^# .*\n", "", s, flags=re.M)  # noqa: E731
        assert strip(second.stdout) == strip(first.stdout)
        for res in resources_for(name, host):
            a = as_host(host, [OURS, "-c", name, "-d", "up", res])
            b = as_host(host, [OURS, "-c", str(again), "-d", "up", res])
            assert a.stdout == b.stdout


@pytest.mark.parametrize("name", corpus("b"))
def test_broken(name):
    preflight()
    failed = 0
    for host in hosts_of(name) + ["nosuchhost"]:
        real, ours = both(host, ["-c", name, "-d", "up", "r"])
        if real.returncode == 0:
            assert ours.returncode == 0, f"{name} on {host}: ours failed:\n{ours.stderr}"
            assert ours.stdout == real.stdout
            continue
        failed += 1
        assert ours.returncode != 0, f"{name} on {host}: ours accepted it\n{ours.stdout}"
        assert ours.returncode == real.returncode, \
            f"{name} on {host}: exit {ours.returncode} != {real.returncode}\n" \
            f"ours: {ours.stderr}\nreal: {real.stderr}"
        if host != "nosuchhost":
            assert re.search(re.escape(name) + r":\d+", ours.stderr), \
                f"{name} on {host}: our error does not name file:line:\n{ours.stderr}"
    assert failed > 1, f"{name}: Debian's drbdadm accepted it on every host"


@pytest.mark.parametrize("cmd", ["wait-connect", "wait-sync"])
def test_wait_targets(cmd):
    """RES, RES/VNR, RES:PEER and RES:PEER/VNR pick the resource,
    connection or volume variant of drbdsetup's wait commands."""
    preflight()
    for target in ("sw", "sw/1", "sw:sw3", "sw:sw2/1", "all"):
        args = ["-c", "v41-startup-wait.conf", "-d", cmd, target]
        real, ours = both("sw1", args)
        assert (ours.returncode, ours.stdout) == (real.returncode, real.stdout), \
            f"{args}\nours:\n{ours.stdout}{ours.stderr}\nreal:\n{real.stdout}{real.stderr}"
        assert f"drbdsetup {cmd}-" in ours.stdout


BAD_INPUT = [
    # (what, config, host, args, exit code, message)
    ("unknown resource", "v01-two-node.conf", "alpha", ["-d", "up", "nosuch"], 1,
     "'nosuch' not defined in your config"),
    ("no section for this host", "v01-two-node.conf", "gamma", ["-d", "up", "r0"], 1,
     "'r0' not defined in your config (for this host)"),
    ("unknown command", "v01-two-node.conf", "alpha", ["frobnicate", "r0"], 1,
     "Unknown command 'frobnicate'"),
    ("no resource named", "v01-two-node.conf", "alpha", ["-d", "up"], 1,
     "No resource names specified"),
    ("missing config file", "nonexistent.conf", "alpha", ["-d", "up", "r0"], 20,
     "nonexistent.conf"),
    ("unknown option", "b02-unknown-option.conf", "ba", ["-d", "up", "r"], 10,
     "b02-unknown-option.conf:2"),
    ("value out of range", "b03-out-of-range.conf", "ba", ["-d", "up", "r"], 10,
     "b03-out-of-range.conf:2"),
    ("missing include", "b04-missing-include.conf", "ba", ["-d", "up", "r"], 10,
     "does-not-exist.conf"),
    ("duplicate minor", "b05-dup-minor.conf", "ba", ["-d", "up", "r"], 10,
     "b05-dup-minor.conf:3"),
    ("duplicate node-id", "b06-dup-node-id.conf", "ba", ["-d", "up", "r"], 10,
     "b06-dup-node-id.conf:4"),
]


@pytest.mark.parametrize("case", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input(case):
    preflight()
    _, conf, host, args, code, msg = case
    real, ours = both(host, ["-c", conf] + args)
    assert real.returncode == code, f"Debian's drbdadm: {real.returncode}\n{real.stderr}"
    assert ours.returncode == code, f"ours: {ours.returncode}\n{ours.stderr}"
    assert msg in ours.stderr, ours.stderr
    assert ours.stdout == "" or "USAGE" in ours.stderr


FAULTS = [
    # (drbdadm command, the call that fails, its exit code)
    ("up", "new-resource", 10), ("up", "new-minor", 10), ("up", "new-peer", 10),
    ("up", "new-path", 20), ("up", "peer-device-options", 10), ("up", "apply-al", 1),
    ("up", "apply-al", 10), ("up", "attach", 10), ("up", "connect", 10), ("up", "nothing", 0),
    ("adjust", "new-peer", 10), ("primary", "primary", 11), ("primary --force", "primary", 17),
    ("secondary", "secondary", 11), ("get-gi", "get-gi", 10), ("get-gi", "get-gi", 11),
    ("show-gi", "nothing", 0), ("dstate", "dstate", 10), ("disconnect", "disconnect", 10),
    ("detach", "detach", 20), ("connect", "connect", 10), ("down", "down", 10),
    ("dump-md", "dump-md", 10), ("apply-al", "apply-al", 1),
    ("create-md", "nothing", 0), ("create-md --force", "nothing", 0),
    ("create-md", "read-dev-uuid", 10), ("create-md", "create-md", 10),
    ("create-md", "create-md", 1), ("create-md", "write-dev-uuid", 20),
]


@contextlib.contextmanager
def fake_env(log, fail, code, dev_uuid="00000000CAFEF00D"):
    """The fake tools' settings in ENV for the commands run inside."""
    log.write_text("")
    ENV.update(FAKE_LOG=str(log), FAIL=fail, CODE=str(code), DEV_UUID=dev_uuid)
    try:
        yield
    finally:
        for k in ("FAKE_LOG", "FAIL", "CODE", "DEV_UUID"):
            ENV.pop(k)


def fake_tools(tmp_path):
    """drbdsetup and drbdmeta that log their arguments and fail on demand;
    read-dev-uuid prints $DEV_UUID."""
    fake = tmp_path / "fake"
    fake.write_text('#!/bin/sh\necho "$(basename $0) $*" >> "$FAKE_LOG"\n'
                    'case "$*" in *read-dev-uuid*) echo "$DEV_UUID";; esac\n'
                    'case "$*" in *"$FAIL"*) exit "$CODE";; esac\nexit 0\n')
    fake.chmod(0o755)
    for n in ("drbdsetup", "drbdmeta"):
        (tmp_path / n).symlink_to(fake)
    return str(tmp_path / "drbdsetup"), str(tmp_path / "drbdmeta")


@pytest.mark.parametrize("cmd,fail,code", FAULTS, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in FAULTS])
def test_exec_like_drbdadm(cmd, fail, code, tmp_path):
    """Not a dry run: the same calls in the same order, the same messages
    ("Command '...' terminated with exit code N", "skipped due to earlier
    error") and the same exit code as Debian's drbdadm, for each failure."""
    preflight()
    setup, meta = fake_tools(tmp_path)
    results = []
    for prog in ("drbdadm", OURS):
        log = tmp_path / "log"
        with fake_env(log, fail, code):
            r = as_host("y1", [prog, "-c", "v22-conn-pd.conf", "-s", setup, "-m", meta]
                        + cmd.split() + ["pd"], (["10.190.0.1"], []))
        err = "".join(l for l in r.stderr.splitlines(True) if "modinfo" not in l)
        results.append((r.returncode, r.stdout, err, log.read_text()))
    assert results[1] == results[0]
    assert results[0][3], "no call was made"


def test_verify_ips():
    """Like drbdadm, up refuses a host whose address is not on this machine
    (and a dry run from a script does not check)."""
    preflight()
    for prog in ("drbdadm", OURS):
        r = as_host("alpha", [prog, "-c", "v01-two-node.conf", "-s", "/bin/true", "-m",
                              "/bin/true", "up", "r0"], ([], []))
        assert r.returncode == 10, (prog, r.stderr)
        assert "IP 10.99.0.1 not found on this host." in r.stderr
        r = as_host("alpha", [prog, "-c", "v01-two-node.conf", "-d", "up", "r0"], ([], []))
        assert r.returncode == 0, (prog, r.stderr)


def test_create_md_max_peers(tmp_path):
    """create-md runs drbdmeta with the diskful peer count or --max-peers,
    between read-dev-uuid and write-dev-uuid (as Debian's drbdadm, which
    keeps the device UUID for its usage counter); a device without one
    gets a random one."""
    preflight()
    setup, meta = fake_tools(tmp_path)
    log = tmp_path / "log"
    for extra, peers in (([], "1"), (["--max-peers=7"], "7")):
        with fake_env(log, "nothing", 0, dev_uuid=""):
            r = as_host("client3", [OURS, "-c", "v07-diskless.conf", "-s", setup, "-m", meta,
                                    "create-md"] + extra + ["client"])
            assert r.returncode == 10 and "requires a local disk" in r.stderr, r.stderr
            r = as_host("server1", [OURS, "-c", "v07-diskless.conf", "-s", setup, "-m", meta,
                                    "create-md"] + extra + ["client"])
        assert r.returncode == 0, r.stderr
        call = "drbdmeta 50 v09 /dev/vg/c0 internal"
        assert re.fullmatch(f"{call} read-dev-uuid\n{call} create-md {peers}\n"
                            f"{call} write-dev-uuid [0-9A-F]{{16}}\n", log.read_text())
