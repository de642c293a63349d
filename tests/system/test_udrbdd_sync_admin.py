"""The administrator's resync commands between two udrbdd nodes on loopback:
pause-sync/resume-sync (user_isp / peer_isp in P_STATE, PausedSyncS/T),
invalidate and invalidate-remote while Connected (cluster-wide
StartingSyncT/S, or WFBitMapT/S with --reset-bitmap=no) and alone, and
outdate, with drbdsetup's answers and exit codes for refusals."""
import re
import time

from test_udrbdd_peers import (data_hash, read_backing, start_pair, usable_bytes,
                               wait_status)
from test_udrbdd_verify import CONNECTED_A, CONNECTED_B, corrupt, oos_kib, running_pair


def wait_match(d, pattern, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = d.run("status", "r0").stdout
        if re.fullmatch(pattern, got):
            return got
        time.sleep(0.05)
    raise AssertionError(f"status never matched {pattern!r}; last {got!r}\n" + open(d.log).read())


def test_pause_and_resume_a_running_resync(tmp_path):
    """A slow initial sync; pause-sync on the target pauses both sides
    (resync-suspended:user here, :peer there), nothing moves while paused;
    resume-sync continues it to UpToDate; pausing twice or resuming what
    is not paused gets drbdsetup's answers."""
    import os
    nodes = start_pair(tmp_path)
    a, b = nodes
    try:
        with open(a.disk, "r+b") as f:
            f.write(os.urandom(8 << 20))
        for d in nodes:
            d.run("peer-device-options", "r0", d.peer_id, "0", "--c-plan-ahead=0",
                  "--resync-rate=1M", check=True)
            d.run("connect", "r0", d.peer_id, check=True)
        wait_status(b, "r0 role:Secondary\n  disk:Inconsistent\n  a role:Secondary\n"
                       "    peer-disk:Inconsistent\n\n")
        a.run("primary", "r0", "--force", check=True)
        wait_match(b, r"r0 role:Secondary\n  disk:Inconsistent\n  a role:Primary\n"
                      r"    replication:SyncTarget peer-disk:UpToDate done:[0-9.]+\n\n")
        b.run("pause-sync", "r0", "0", "0", check=True)
        wait_match(b, r"r0 role:Secondary\n  disk:Inconsistent\n  a role:Primary\n"
                      r"    replication:PausedSyncT peer-disk:UpToDate done:[0-9.]+"
                      r"[ \n]+resync-suspended:user\n\n")
        wait_match(a, r"r0 role:Primary\n  disk:UpToDate\n  b role:Secondary\n"
                      r"    replication:PausedSyncS peer-disk:Inconsistent done:[0-9.]+"
                      r"[ \n]+resync-suspended:peer\n\n")
        r = b.run("pause-sync", "r0", "0", "0")
        assert r.returncode == 10 and "Sync-pause flag is already set" in r.stderr, r.stderr
        r = a.run("resume-sync", "r0", "1", "0")
        assert r.returncode == 10, r.stderr
        assert "Note: Resync pause caused by the peer node." in r.stderr
        time.sleep(0.5)       # in-flight requests land
        left = oos_kib(b)
        time.sleep(1.5)
        assert oos_kib(b) == left > 0
        for d in nodes:
            d.run("peer-device-options", "r0", d.peer_id, "0", "--resync-rate=100M",
                  check=True)
        b.run("resume-sync", "r0", "0", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        wait_status(a, CONNECTED_A)
        assert "Syncer continues." in open(b.log).read()
        r = b.run("resume-sync", "r0", "0", "0")
        assert r.returncode == 10 and "Sync-pause flag is already cleared" in r.stderr
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)
    finally:
        for d in nodes:
            d.stop()


def test_invalidate_resyncs_everything_from_the_peer(tmp_path):
    """invalidate on the Secondary: agreed with the peer (StartingSyncT),
    every block marked, a full resync from the Primary repairs a block
    changed behind udrbd's back."""
    with running_pair(tmp_path) as nodes:
        a, b = nodes
        good = read_backing(a, 3 << 20, 4096)
        corrupt(b, (3 << 20) // 512, 4096)
        b.run("invalidate", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        log = open(b.log).read()
        assert "invalidate agreed by the peer" in log, log
        kib = usable_bytes(b) // 1024
        assert f"resync started: {kib} KiB to fetch" in log
        assert "the peer asks for a resync: becoming StartingSyncS" in open(a.log).read()
        assert read_backing(b, 3 << 20, 4096) == good
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)


def test_invalidate_without_reset_resyncs_only_marked_blocks(tmp_path):
    """After verify marked 2 blocks, invalidate --reset-bitmap=no (DRBD 9's
    WFBitMapT request) exchanges the bitmaps and moves just those 8 KiB, as
    DRBD 9 did in testdata s06-verify/b/15-16."""
    with running_pair(tmp_path, "--verify-alg=md5") as nodes:
        a, b = nodes
        corrupt(b, 104, 4096)
        corrupt(b, 9000, 4096)
        a.run("verify", "r0", "1", "0", check=True)
        deadline = time.time() + 30
        while "Online verify done" not in open(b.log).read() and time.time() < deadline:
            time.sleep(0.05)
        wait_status(b, CONNECTED_B)
        assert oos_kib(b) == 8
        b.run("invalidate", "0", "--reset-bitmap=no", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        assert "resync started: 8 KiB to fetch" in open(b.log).read()
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)


def test_invalidate_remote_pushes_everything_to_the_peer(tmp_path):
    with running_pair(tmp_path) as nodes:
        a, b = nodes
        corrupt(b, 2048, 8192)
        a.run("invalidate-remote", "r0", "1", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        wait_status(a, CONNECTED_A)
        assert "the peer asks for a resync: becoming StartingSyncT" in open(b.log).read()
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)


def test_invalidate_and_outdate_alone(tmp_path):
    """Without a connection: invalidate leaves the disk Inconsistent with
    every block out of sync, and the next connect resyncs it as target;
    outdate refuses while Connected or Primary, else Outdated (kept in the
    meta data: a detach/attach still shows Outdated)."""
    with running_pair(tmp_path) as nodes:
        a, b = nodes
        r = b.run("outdate", "0")
        assert r.returncode == 11 and "Refusing to be Outdated while Connected" in r.stderr
        r = a.run("invalidate-remote", "r0", "1", "9")
        assert r.returncode != 0 and "unknown volume" in r.stderr
        b.run("disconnect", "r0", "0", check=True)
        r = a.run("outdate", "0")     # a Primary keeps UpToDate data
        assert r.returncode == 17 and "Need access to UpToDate data" in r.stderr, r.stderr
        b.run("outdate", "0", check=True)
        assert b.run("status", "r0").stdout == "r0 role:Secondary\n  disk:Outdated\n  a connection:StandAlone\n\n"
        r = b.run("outdate", "0")
        assert r.returncode == 0, r.stderr     # nothing to do
        b.run("detach", "0", check=True)
        b.run("attach", "0", b.disk, b.disk, "internal", check=True)
        assert "disk:Outdated" in b.run("status", "r0").stdout
        b.run("invalidate", "0", check=True)
        assert b.run("status", "r0").stdout == ("r0 role:Secondary\n  disk:Inconsistent\n"
                                                "  a connection:StandAlone\n\n")
        assert oos_kib(b) == usable_bytes(b) // 1024
        r = a.run("invalidate-remote", "r0", "1", "0")
        assert r.returncode == 11 and "State change requires a connection" in r.stderr
        b.run("connect", "r0", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        size = usable_bytes(a)
        assert data_hash(a, size) == data_hash(b, size)


def test_resource_options_kept_and_shown(udrbdd):
    """new-resource's options (as drbdadm up passes them in testdata
    s04-quorum) and resource-options' changes appear in show as DRBD 9
    printed them; a wrong value is refused and creates nothing."""
    import os
    golden = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "testdata",
                          "drbd9-cli", "s04-quorum", "a", "04-up-alone-no-quorum", "show.out")
    d = udrbdd
    r = d.run("new-resource", "r1", "0", "--quorum=most")
    assert r.returncode == 20 and "quorum" in r.stderr, r.stderr
    assert d.run("status", "r1").returncode != 0       # nothing created
    d.run("new-resource", "r0", "0", "--quorum=majority", "--on-no-quorum=io-error", check=True)
    want = open(golden).read().split("    _this_host")[0]
    assert d.run("show", "r0").stdout.split("    _this_host")[0] == want
    d.run("resource-options", "r0", "--quorum=off", "--auto-promote=no", check=True)
    show = d.run("show", "r0").stdout
    assert "auto-promote    \tno;" in show and "quorum" not in show.replace("on-no-quorum", ""), show
    d.run("resource-options", "r0", "--set-defaults", check=True)
    assert "options {" not in d.run("show", "r0").stdout
    r = d.run("resource-options", "r9")
    assert r.returncode == 10 and "Unknown resource" in r.stderr, r.stderr
