"""on-io-error call-local-io-error (drbd.conf "disk" section): a write error
on the backing device calls the local-io-error handler with DRBD's
environment, then detaches as on-io-error detach does; pass_on only
reports it."""
import os
import subprocess
import time

from conftest import Udrbdd, make_backing, need_tool

MiB = 1 << 20


def start(tmp_path, on_io_error):
    helper = tmp_path / "helper.sh"
    helper.write_text("#!/bin/sh\n"
                      "echo \"$@ minor=$DRBD_MINOR backing=$DRBD_BACKING_DEV\" >> "
                      f"{tmp_path}/called\n")
    helper.chmod(0o755)
    d = Udrbdd(str(tmp_path), "--usermode-helper", str(helper)).start()
    disk = make_backing(str(tmp_path / "disk.img"), 16 * MiB)
    d.run("new-resource", "r0", "0", check=True)
    d.run("new-minor", "r0", "0", "0", check=True)
    d.run("attach", "0", disk, disk, "internal", f"--on-io-error={on_io_error}", check=True)
    d.run("primary", "r0", "--force", check=True)
    return d, disk


def failing_write(d):
    d.udrbd("faults", "--enable-faults=0x10", "--fault-rate=100", check=True)
    r = subprocess.run(["qemu-io", "-f", "raw", d.uri(), "-c", "write -P 0x22 0 64k"],
                       capture_output=True, text=True)
    d.udrbd("faults", "--enable-faults=0", check=True)
    assert "error" in (r.stdout + r.stderr).lower()


def test_call_local_io_error_calls_the_handler_then_detaches(tmp_path):
    need_tool("qemu-io")
    d, disk = start(tmp_path, "call-local-io-error")
    try:
        failing_write(d)
        deadline = time.time() + 10
        while time.time() < deadline and "disk:Diskless" not in d.run("status", "r0").stdout:
            time.sleep(0.05)
        assert "disk:Diskless" in d.run("status", "r0").stdout
        while time.time() < deadline and not os.path.exists(tmp_path / "called"):
            time.sleep(0.05)
        assert open(tmp_path / "called").read() == f"local-io-error r0 minor=0 backing={disk}\n"
        assert "helper command: " in open(d.log).read()
    finally:
        d.stop()


def test_pass_on_only_reports(tmp_path):
    need_tool("qemu-io")
    d, _ = start(tmp_path, "pass_on")
    try:
        failing_write(d)
        time.sleep(0.5)
        assert "disk:UpToDate" in d.run("status", "r0").stdout
        assert not os.path.exists(tmp_path / "called")
    finally:
        d.stop()
