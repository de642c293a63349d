"""Automatic split-brain recovery between two udrbdd nodes (drbd-wire-protocol.md
§11 post-processing, drbd-metadata-resync.md §5): a was Primary when the
nodes were parted, b was promoted while apart, both wrote; at reconnect the
split brain is detected and each after-sb policy picks the victim its name
says, which then resyncs from the survivor. rr-conflict refuses to make a
Primary the target. Manual recovery is in test_udrbdd_peers.py."""
import subprocess

import pytest

from test_udrbdd_peers import data_hash, demote, read_backing, usable_bytes, wait_status
from test_udrbdd_verify import CONNECTED_A, running_pair

KiB = 1024


def write(d, off, n, pattern):
    r = subprocess.run(["qemu-io", "-f", "raw", d.uri(), "-c", f"write -P {pattern} {off} {n}"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def split(a, b, a_bytes, b_bytes):
    """a Primary (older), b promoted while apart (younger): each writes its
    own pattern at 4 MiB (a_bytes, b_bytes; 0 = nothing)."""
    b.run("disconnect", "r0", "0", check=True)
    wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:Connecting\n\n")
    b.run("primary", "r0", check=True)
    for d, n, pattern in ((a, a_bytes, 0x61), (b, b_bytes, 0x62)):
        if n:
            write(d, 4 << 20, n, pattern)


def reconnect(b):
    b.run("connect", "r0", "0", check=True)


def check_victim(survivor, victim, pattern, nbytes):
    log = open(victim.log).read()
    assert "becoming SyncTarget" in log, log
    assert "Split-Brain detected" in log
    size = usable_bytes(survivor)
    assert data_hash(survivor, size) == data_hash(victim, size)
    if nbytes:
        assert read_backing(victim, 4 << 20, nbytes) == bytes([pattern]) * nbytes


SECONDARIES = "r0 role:Secondary\n  disk:UpToDate\n  {} role:Secondary\n    peer-disk:UpToDate\n\n"


@pytest.mark.parametrize("policy,a_bytes,b_bytes,victim", [
    ("discard-zero-changes", 128 * KiB, 0, "b"),
    ("discard-least-changes", 64 * KiB, 256 * KiB, "a"),
    ("discard-younger-primary", 64 * KiB, 64 * KiB, "b"),
    ("discard-older-primary", 64 * KiB, 64 * KiB, "a"),
])
def test_after_sb_0pri(tmp_path, policy, a_bytes, b_bytes, victim):
    """Both Secondary again at reconnect: after-sb-0pri decides."""
    with running_pair(tmp_path, f"--after-sb-0pri={policy}") as (a, b):
        split(a, b, a_bytes, b_bytes)
        demote(a)
        demote(b)
        reconnect(b)
        wait_status(a, SECONDARIES.format("b"), timeout=60)
        wait_status(b, SECONDARIES.format("a"), timeout=60)
        survivor, loser = (a, b) if victim == "b" else (b, a)
        pattern, n = (0x61, a_bytes) if victim == "b" else (0x62, b_bytes)
        check_victim(survivor, loser, pattern, n)


def test_after_sb_0pri_discard_local_remote(tmp_path):
    """discard-remote on a pairs with discard-local on b (P_PROTOCOL's
    compatibility rule): b's changes go, whatever was written."""
    with running_pair(tmp_path) as (a, b):
        a.run("net-options", "r0", "1", "--after-sb-0pri=discard-remote", check=True)
        b.run("net-options", "r0", "0", "--after-sb-0pri=discard-local", check=True)
        split(a, b, 64 * KiB, 512 * KiB)
        demote(a)
        demote(b)
        reconnect(b)
        wait_status(b, SECONDARIES.format("a"), timeout=60)
        check_victim(a, b, 0x61, 64 * KiB)


def test_after_sb_1pri_discard_secondary(tmp_path):
    """a still Primary at reconnect, b Secondary: discard-secondary makes b
    the target, a stays Primary."""
    with running_pair(tmp_path, "--after-sb-1pri=discard-secondary") as (a, b):
        split(a, b, 64 * KiB, 256 * KiB)
        demote(b)
        reconnect(b)
        wait_status(a, CONNECTED_A, timeout=60)
        check_victim(a, b, 0x61, 64 * KiB)


def test_rr_conflict_keeps_a_primary_from_becoming_target(tmp_path):
    """after-sb-1pri violently-as0p with after-sb-0pri discard-older-primary
    would make the Primary (a, the older) the target: rr-conflict
    disconnect (the default) makes a drop the connection and go StandAlone
    (b, which would be the source, tries again, as 8.4's peer does), and no
    data moves either way."""
    with running_pair(tmp_path, "--after-sb-1pri=violently-as0p",
                      "--after-sb-0pri=discard-older-primary") as (a, b):
        split(a, b, 64 * KiB, 64 * KiB)
        demote(b)
        before = {d: data_hash(d, usable_bytes(d)) for d in (a, b)}
        reconnect(b)
        wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:StandAlone\n\n",
                    timeout=30)
        wait_status(b, "r0 role:Secondary\n  disk:UpToDate\n  a connection:Connecting\n\n")
        assert "I shall become SyncTarget, but I am primary!" in open(a.log).read()
        for d in (a, b):
            assert data_hash(d, usable_bytes(d)) == before[d]


def test_second_primary_refused_while_connected(tmp_path):
    """The way to a split brain is closed while Connected: without
    allow-two-primaries the Secondary cannot be promoted next to a Primary."""
    with running_pair(tmp_path) as (a, b):
        r = b.run("primary", "r0")
        assert r.returncode == 11, (r.returncode, r.stderr)
        assert "Multiple primaries not allowed by config" in r.stderr
        wait_status(a, CONNECTED_A)


@pytest.mark.parametrize("zero_pri,victim", [
    ("discard-younger-primary", "b"),   # the Secondary (b, younger) loses: agreed
    ("discard-older-primary", None),    # it would be the Primary: no consensus
])
def test_after_sb_1pri_consensus(tmp_path, zero_pri, victim):
    """consensus resolves only where the 0pri policy discards the
    Secondary's data; otherwise the split brain stays and both drop."""
    with running_pair(tmp_path, "--after-sb-1pri=consensus", f"--after-sb-0pri={zero_pri}") \
            as (a, b):
        split(a, b, 64 * KiB, 64 * KiB)
        demote(b)
        reconnect(b)
        if victim:
            wait_status(a, CONNECTED_A, timeout=60)
            check_victim(a, b, 0x61, 64 * KiB)
        else:
            wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:StandAlone\n\n",
                        timeout=30)
            assert "Split-Brain detected but unresolved" in open(a.log).read()


def test_after_sb_1pri_call_pri_lost_after_sb(tmp_path):
    """call-pri-lost-after-sb: the 0pri answer discards the Primary (a, the
    older); it gives up the role (nobody holds its device) and resyncs from
    b as DRBD does ("Successfully gave up primary role.")."""
    with running_pair(tmp_path, "--after-sb-1pri=call-pri-lost-after-sb",
                      "--after-sb-0pri=discard-older-primary") as (a, b):
        split(a, b, 64 * KiB, 128 * KiB)
        demote(b)
        reconnect(b)
        wait_status(a, SECONDARIES.format("b"), timeout=60)
        assert "Successfully gave up primary role." in open(a.log).read()
        check_victim(b, a, 0x62, 128 * KiB)
