"""drbdsetup role / cstate / dstate and drbdadm's role, cstate, dstate on
top of them, against what DRBD 9 printed in the same states
(drbd9-cli/s01-two-node-sync/a: 01 unknown resource, 05 Connecting,
07 StandAlone, 09 Connected both Inconsistent)."""
from test_udrbdd_peers import start_pair, wait_status


def test_state_words_follow_the_connection(tmp_path):
    a, b = start_pair(tmp_path)
    try:
        assert (a.run("role", "r0").stdout, a.run("role", "r0").returncode) == ("Secondary\n", 0)
        assert a.run("cstate", "r0", "1").stdout == "StandAlone\n"
        assert a.run("dstate", "0").stdout == "Inconsistent/DUnknown\n"
        a.run("connect", "r0", "1", check=True)
        assert a.run("cstate", "r0", "1").stdout == "Connecting\n"
        b.run("connect", "r0", "0", check=True)
        wait_status(a, "r0 role:Secondary\n  disk:Inconsistent\n  b role:Secondary\n"
                       "    peer-disk:Inconsistent\n\n")
        assert a.run("cstate", "r0", "1").stdout == "Connected\n"
        assert a.run("cstate", "r0").stdout == "Connected\n"
        assert a.run("dstate", "0").stdout == "Inconsistent/Inconsistent\n"
        b.run("primary", "r0", "--force", check=True)
        assert b.run("role", "r0").stdout == "Primary\n"
        assert b.run("dstate", "0").stdout.startswith("UpToDate/")
    finally:
        for d in (a, b):
            d.stop()


def test_state_words_refusals(udrbdd):
    r = udrbdd.run("role", "r0")
    assert (r.returncode, r.stdout, r.stderr) == (10, "", "r0: Unknown resource\n")
    r = udrbdd.run("cstate", "r0", "1")
    assert (r.returncode, r.stdout) == (10, "")
    assert r.stderr == "r0: Failure: (158) Unknown resource\nr0: No such connection\n"
    udrbdd.run("new-resource", "r0", "0", check=True)
    r = udrbdd.run("cstate", "r0", "1")
    assert (r.returncode, r.stderr) == (10, "r0: No such connection\n")
    r = udrbdd.run("dstate", "7")
    assert r.returncode == 10 and r.stdout == ""
    r = udrbdd.run("role")
    assert r.returncode == 20 and "Missing argument" in r.stderr
