"""Online verify between two udrbdd nodes on loopback (drbd-wire-protocol.md
§12 "Online verify", §14): blocks changed behind udrbd's back on the
Secondary's backing file are found by `drbdsetup verify`, logged as DRBD
logs them (testdata/drbd9-cli/s06-verify dmesg), marked out of sync on both
sides, and repaired by the resync that the Primary's next reconnect runs."""
import contextlib
import re
import time

from test_udrbdd_peers import (data_hash, read_backing, start_pair, usable_bytes,
                               wait_status)

CONNECTED_B = "r0 role:Secondary\n  disk:UpToDate\n  a role:Primary\n    peer-disk:UpToDate\n\n"
CONNECTED_A = "r0 role:Primary\n  disk:UpToDate\n  b role:Secondary\n    peer-disk:UpToDate\n\n"


def wait_log(d, text, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = open(d.log).read()
        if text in log:
            return log
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never logged:\n" + open(d.log).read())


def connected_pair(tmp_path, *net):
    nodes = start_pair(tmp_path, copy_disk=True)
    for d in nodes:
        if net:
            d.run("net-options", "r0", d.peer_id, *net, check=True)
        d.run("peer-device-options", "r0", d.peer_id, "0", "--c-plan-ahead=0",
              "--resync-rate=100M")
        d.run("connect", "r0", d.peer_id, check=True)
    a, b = nodes
    a.run("primary", "r0", check=True)
    wait_status(b, CONNECTED_B)
    return nodes


@contextlib.contextmanager
def running_pair(tmp_path, *net):
    """connected_pair, stopped however the test ends."""
    nodes = connected_pair(tmp_path, *net)
    try:
        yield nodes
    finally:
        for d in nodes:
            d.stop()


def corrupt(d, sector, nbytes):
    with open(d.disk, "r+b") as f:
        f.seek(sector * 512)
        f.write(b"\xee" * nbytes)


def oos_kib(d):
    out = d.run("status", "r0", "--verbose", "--statistics").stdout
    return int(re.search(r"out-of-sync:(\d+)", out).group(1))


def test_verify_finds_blocks_changed_behind_udrbds_back(tmp_path):
    with running_pair(tmp_path, "--verify-alg=sha256") as nodes:
        a, b = nodes
        size = usable_bytes(a)
        good = read_backing(a, 800 * 512, 4096)
        # the same blocks DRBD 9 found in s06-verify: 1 + 3 blocks
        corrupt(b, 800, 4096)
        corrupt(b, 1600, 3 * 4096)
        r = a.run("verify", "r0", "1", "0")
        assert r.returncode == 0, r.stderr
        for d in nodes:
            log = wait_log(d, "Online verify done")
            assert "Online verify found 4 4k blocks out of sync!" in log, log
            assert "Out of sync: start=800, size=8 (sectors)" in log
            assert "Out of sync: start=1600, size=24 (sectors)" in log
            assert oos_kib(d) == 16
        assert "Starting Online Verify from sector 0" in open(a.log).read()
        assert "Online Verify start sector: 0" in open(b.log).read()
        wait_status(a, CONNECTED_A)
        wait_status(b, CONNECTED_B)
        assert read_backing(b, 800 * 512, 4096) == b"\xee" * 4096   # verify changes nothing

        # The Primary's reconnect starts a new data generation: the resync
        # carries exactly the 4 blocks verify marked.
        b.run("disconnect", "r0", "0", check=True)
        b.run("connect", "r0", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        assert "resync started: 16 KiB to fetch" in open(b.log).read()
        assert read_backing(b, 800 * 512, 4096) == good
        assert data_hash(a, size) == data_hash(b, size)

        # verify from the Secondary's side now finds nothing
        r = b.run("verify", "r0", "0", "0")
        assert r.returncode == 0, r.stderr
        for d in nodes:
            log = wait_log(d, "Online verify done (total", timeout=30)
        time.sleep(0.5)
        for d in nodes:
            assert open(d.log).read().count("Online verify found") == 1
            assert oos_kib(d) == 0


def test_verify_start_and_stop_sectors(tmp_path):
    """--start/--stop (in sectors, with drbdsetup's suffixes) bound the run:
    a corrupted block outside the range is not found, one inside is."""
    with running_pair(tmp_path, "--verify-alg=crc32c") as nodes:
        a, b = nodes
        corrupt(b, 0, 4096)            # before the start
        corrupt(b, 4096, 4096)         # 2 MiB in: inside
        corrupt(b, 16384, 4096)        # 8 MiB: after the stop
        r = a.run("verify", "r0", "1", "0", "--start=1M", "--stop=4M")
        assert r.returncode == 0, r.stderr
        for d in nodes:
            log = wait_log(d, "Online verify done")
            assert "Online verify found 1 4k blocks out of sync!" in log, log
            assert "Out of sync: start=4096, size=8 (sectors)" in log
        assert "Starting Online Verify from sector 2048" in open(a.log).read()
        assert "Online Verify start sector: 2048" in open(b.log).read()
        wait_status(b, CONNECTED_B)


def test_verify_refusals(tmp_path):
    """Without verify-alg: 'Need a verify algorithm' (SS_NO_VERIFY_ALG, exit
    11 as drbdsetup's); without a connection: 'State change requires a
    connection'; unknown volume: the kernel's invalid-request answer."""
    with running_pair(tmp_path) as nodes:
        a, b = nodes
        r = a.run("verify", "r0", "1", "0")
        assert r.returncode == 11, (r.returncode, r.stderr)
        assert "Need a verify algorithm to start online verify" in r.stderr
        r = a.run("verify", "r0", "1", "7")
        assert r.returncode != 0 and "unknown volume" in r.stderr, r.stderr
        b.run("disconnect", "r0", "0", check=True)
        for d in nodes:
            d.run("net-options", "r0", d.peer_id, "--verify-alg=sha1", check=True)
        r = a.run("verify", "r0", "1", "0")
        assert r.returncode == 11, (r.returncode, r.stderr)
        assert "State change requires a connection" in r.stderr


def test_checksum_based_resync_sends_only_differing_blocks(tmp_path):
    """csums-alg: after a Primary's reconnect, the target sends the digest
    of each out-of-sync block (P_CSUM_RS_REQUEST); blocks the source has
    alike are answered P_RS_IS_IN_SYNC and not transferred. Here the
    Primary rewrites 256 KiB with the data it already has, and changes
    64 KiB: only those 64 KiB travel."""
    import subprocess
    with running_pair(tmp_path, "--csums-alg=sha1") as nodes:
        a, b = nodes
        size = usable_bytes(a)
        b.run("disconnect", "r0", "0", check=True)
        wait_status(a, "r0 role:Primary\n  disk:UpToDate\n  b connection:Connecting\n\n")
        same = read_backing(a, 4 << 20, 256 << 10)
        with open(tmp_path / "same.bin", "wb") as f:
            f.write(same)
        for cmd in (f"write -s {tmp_path / 'same.bin'} {4 << 20} 256k",
                    f"write -P 0x7e {8 << 20} 64k"):
            r = subprocess.run(["qemu-io", "-f", "raw", a.uri(), "-c", cmd],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
        assert oos_kib(a) == 320
        b.run("connect", "r0", "0", check=True)
        wait_status(b, CONNECTED_B, timeout=60)
        log = wait_log(b, "had equal checksums")
        assert "resync started: 320 KiB to fetch (checksum-based)" in log, log
        assert "80 % had equal checksums, eliminated: 256K; transferred 64K total 320K" in log
        assert data_hash(a, size) == data_hash(b, size)


def test_different_verify_alg_refused(tmp_path):
    """Both sides must agree on verify-alg at the handshake (§6.6): a
    difference is logged with both values and the connection goes
    StandAlone on the side that sees it."""
    nodes = start_pair(tmp_path, copy_disk=True)
    a, b = nodes
    try:
        a.run("net-options", "r0", "1", "--verify-alg=sha1", check=True)
        b.run("net-options", "r0", "0", "--verify-alg=sha256", check=True)
        for d in nodes:
            d.run("connect", "r0", d.peer_id, check=True)
        log = wait_log(a, 'Different verify-alg settings. me="sha1" peer="sha256"')
        wait_status(a, "r0 role:Secondary\n  disk:UpToDate\n  b connection:StandAlone\n\n")
    finally:
        for d in nodes:
            d.stop()
