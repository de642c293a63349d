"""drbdsetup wait-connect-* and wait-sync-* (ctl/cmd_wait.c) against a
running udrbdd, with drbd-utils 9.22's rules: a StandAlone connection ends
the wait (unless --wait-after-sb), wfc-timeout counts per peer device and
exits 5, wait-connect returns once connected (even while syncing) and
wait-sync only once the resync is done; argument errors exit 20 with
drbdsetup's messages. drbdadm's wait-connect/wait-sync calls are compared
with Debian's drbdadm in test_drbdadm.py."""
import subprocess
import threading

from conftest import free_port, make_backing
from test_udrbdd_peers import start_pair, up_with_peer, wait_status

MiB = 1 << 20
FIXUP = ("degr-wfc-timeout has to be shorter than wfc-timeout\n"
         "degr-wfc-timeout implicitly set to wfc-timeout (1s)\n"
         "outdated-wfc-timeout has to be shorter than degr-wfc-timeout\n"
         "outdated-wfc-timeout implicitly set to degr-wfc-timeout (1s)\n")


def test_standalone_timeouts_and_errors(udrbdd, tmp_path):
    up_with_peer(udrbdd, make_backing(str(tmp_path / "disk.img"), 16 * MiB), free_port())
    run = udrbdd.run
    # StandAlone: nothing will change by itself, so the wait ends at once.
    for cmd in (["wait-connect-resource", "r0"], ["wait-sync-connection", "r0", "1"],
                ["wait-connect-volume", "r0", "1", "0"]):
        r = run(*cmd)
        assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), (cmd, r)
    # ... unless told to wait after a split brain: then the timeout ends it.
    r = run("wait-connect-resource", "r0", "--wait-after-sb", "--wfc-timeout=1")
    assert r.returncode == 5, r
    assert r.stderr == FIXUP + "\ndrbd r0 connection to peer-id 1 ('b') is StandAlone, " \
        "but I'm configured to wait anways (--wait-after-sb)\n"
    # No peer devices (unknown resource, other volume): nothing to wait for.
    assert run("wait-connect-resource", "nosuch").returncode == 0
    run("connect", "r0", "1", check=True)
    # Connecting to an absent peer: only the timeout ends the wait.
    for cmd in (["wait-connect-resource", "r0"], ["wait-sync-connection", "r0", "1"],
                ["wait-connect-volume", "r0", "1", "0"]):
        r = run(*cmd, "--wfc-timeout=1")
        assert (r.returncode, r.stderr) == (5, FIXUP), (cmd, r)
    r = run("wait-connect-volume", "r0", "1", "7", "--wfc-timeout=1")
    assert r.returncode == 0, r
    # Bad input, drbdsetup's words and exit code.
    for cmd, msg in (
            (["wait-sync-volume", "r0", "1"], "Missing argument 'volume'\n"),
            (["wait-connect-connection", "r0"], "Missing argument 'peer_node_id'\n"),
            (["wait-connect-resource", "r0", "--wfc-timeout=300001"],
             "wfc_timeout => 300001 out of range [0..300000]\n"),
            (["wait-connect-resource", "r0", "--degr-wfc-timeout=x"], "x is not a valid number\n"),
            (["wait-connect-resource", "r0", "--bogus"],
             "drbdsetup wait-connect-resource: unrecognized option '--bogus'\n")):
        r = run(*cmd)
        assert (r.returncode, r.stderr) == (20, msg), (cmd, r)


def background(d, *args):
    """A drbdsetup call running while the test changes the state."""
    out = {}
    t = threading.Thread(target=lambda: out.update(r=d.run(*args)))
    t.start()
    return t, out


def test_connect_and_sync_end_the_wait(tmp_path):
    """Waits started before the peers connect end when they do: a is
    promoted alone (UpToDate), b waits while Connecting, then a connects
    too and a full sync a -> b runs. wait-connect ends when the connection
    is up, wait-sync only once the sync is done, so b is UpToDate the
    moment it returns."""
    a, b = nodes = start_pair(tmp_path)
    try:
        a.run("primary", "r0", "--force", check=True)
        b.run("connect", "r0", "0", check=True)   # Connecting: a is not
        waits = [background(b, "wait-sync-resource", "r0"),
                 background(b, "wait-connect-volume", "r0", "0", "0")]
        r = b.run("wait-connect-resource", "r0", "--wfc-timeout=1")
        assert r.returncode == 5, r
        a.run("connect", "r0", "1", check=True)
        sync = waits[0]
        sync[0].join(120)
        assert not sync[0].is_alive()
        assert sync[1]["r"].returncode == 0, sync[1]["r"]
        assert b.run("status", "r0").stdout == "r0 role:Secondary\n  disk:UpToDate\n" \
            "  a role:Primary\n    peer-disk:UpToDate\n\n"
        waits[1][0].join(60)
        assert waits[1][1]["r"].returncode == 0, waits[1][1]["r"]
        r = a.run("wait-sync-connection", "r0", "1", "--wfc-timeout=1")
        assert r.returncode == 0, r
    finally:
        for d in nodes:
            d.stop()


def test_killed_client_ends_the_wait(udrbdd, tmp_path):
    """A drbdsetup killed while it waits does not leave the engine's thread
    behind: udrbdd still answers and stops cleanly."""
    import os
    up_with_peer(udrbdd, make_backing(str(tmp_path / "disk.img"), 16 * MiB), free_port())
    udrbdd.run("connect", "r0", "1", check=True)
    env = dict(os.environ, UDRBD_CONTROL=udrbdd.control)
    from conftest import BUILD
    p = subprocess.Popen([os.path.join(BUILD, "cmd", "drbdsetup"), "wait-connect-resource",
                          "r0"], env=env)
    try:
        assert p.wait(timeout=0.5) is None
    except subprocess.TimeoutExpired:
        pass
    p.kill()
    p.wait()
    assert udrbdd.run("status", "r0").returncode == 0
    udrbdd.run("down", "r0", check=True)
