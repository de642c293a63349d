"""drbdsetup status --verbose --statistics of a live udrbdd pair in the
states real DRBD 9 was recorded in (drbd9-cli/s01-two-node-sync and
s07-split-brain): the same
objects, fields, order and spelling; values that depend on the run (sizes,
counters, progress, the backing device, peer names) are not compared."""
import os

from conftest import ROOT
from test_udrbdd_peers import start_pair, wait_status

GOLDEN = os.path.join(os.path.dirname(ROOT), "shared", "testdata", "drbd9-cli")
S01, S07 = "s01-two-node-sync", "s07-split-brain"
RUN_DEP = {"size", "read", "written", "al-writes", "bm-writes", "upper-pending",
           "lower-pending", "received", "sent", "out-of-sync", "pending", "unacked",
           "ap-in-flight", "rs-in-flight", "backing_dev", "done", "eta", "dbdt1"}


def objects(text):
    """(indent, words) per object line; wrapped continuation lines (which
    depend on the width of the values) are joined to their object."""
    objs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent in (0, 2, 4):
            objs.append((indent, line.split()))
        else:
            objs[-1][1].extend(line.split())
    return objs


def shape(text):
    out = []
    for indent, words in objects(text):
        keys = []
        for w in words:
            k, sep, _ = w.partition(":")
            if sep:
                keys.append(k if k in RUN_DEP else w)
            else:
                keys.append("<peer>" if indent == 2 else w)
        out.append((indent, keys))
    return out


def golden(scenario, node, moment):
    with open(os.path.join(GOLDEN, scenario, node, moment,
                           "status-verbose-statistics.out")) as f:
        return f.read()


def check(d, node, moment, known=(), scenario=S01):
    """known: (golden word, our word) pairs of differences left to fix."""
    ours = shape(d.run("status", "--verbose", "--statistics").stdout)
    want = shape(golden(scenario, node, moment))
    for g, o in known:
        want = [(i, [o if w == g else w for w in ws]) for i, ws in want]
    assert ours == want, f"{node}/{moment}"


def wait_for_text(d, text, timeout=30):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in d.run("status", "--verbose", "--statistics").stdout:
            return
        time.sleep(0.05)
    raise AssertionError(f"never saw {text}")




def test_status_verbose_statistics_in_the_recorded_states(tmp_path):
    a, b = start_pair(tmp_path)
    try:
        a.run("connect", "r0", "1", check=True)
        check(a, "a", "05-up-connecting-peer-absent")
        a.run("disconnect", "r0", "1", check=True)
        check(a, "a", "07-standalone-attached")
        for d in (a, b):
            d.run("connect", "r0", d.peer_id, check=True)
        for d, peer in ((a, "b"), (b, "a")):
            wait_status(d, f"r0 role:Secondary\n  disk:Inconsistent\n  {peer} role:Secondary\n"
                           "    peer-disk:Inconsistent\n\n")
        check(a, "a", "09-connected-both-inconsistent")
        check(b, "b", "04-connected-both-inconsistent")
        for d in (a, b):   # throttled as in the recording, to catch the resync
            d.run("peer-device-options", "r0", d.peer_id, "0", "--resync-rate=1M",
                  "--c-plan-ahead=0", "--c-max-rate=1M", check=True)
        a.run("primary", "r0", "--force", check=True)
        wait_for_text(a, "replication:SyncSource")
        check(a, "a", "11-syncing-source")
        wait_for_text(b, "replication:SyncTarget")
        check(b, "b", "05-syncing-target")
        for d in (a, b):
            d.run("peer-device-options", "r0", d.peer_id, "0", "--resync-rate=100M",
                  "--c-plan-ahead=0", "--c-max-rate=100M", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n"
                       "    peer-disk:UpToDate\n\n", timeout=60)
        check(a, "a", "13-connected-uptodate-primary")
        check(b, "b", "07-connected-uptodate-secondary")
        a.run("secondary", "r0", check=True)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a role:Secondary\n"
                       "    peer-disk:UpToDate\n\n")
        check(a, "a", "35-connected-uptodate-both-secondary")
        b.run("down", "r0", check=True)
        wait_status(a, "r0 role:Secondary\n  disk:UpToDate\n  b connection:Connecting\n\n")
        check(a, "a", "36-peer-down")
    finally:
        for d in (a, b):
            d.stop()


def test_status_after_a_split_brain(tmp_path):
    """drbd9-cli/s07-split-brain: both Primary, diverged, connect: both
    StandAlone (after-sb policies at their default: disconnect)."""
    from test_udrbdd_split_brain import split
    from test_udrbdd_verify import running_pair
    with running_pair(tmp_path) as (a, b):
        split(a, b, 64 << 10, 64 << 10)
        wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:Connecting\n\n")
        a.run("disconnect", "r0", "1", check=True)
        check(a, "a", "09-disconnected-both-primary-diverged", scenario=S07)
        a.run("connect", "r0", "1", check=True)
        b.run("connect", "r0", "0", check=True)
        for d, peer in ((a, "b"), (b, "a")):
            wait_status(d, f"r0 role:Primary\n  disk:UpToDate\n  {peer} "
                           "connection:StandAlone\n\n", timeout=30)
        check(a, "a", "11-split-brain-standalone", scenario=S07)
        check(b, "b", "09-split-brain-standalone", scenario=S07)
