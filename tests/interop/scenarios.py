"""The interop scenarios, run in one boot of the VM (README.md lists them).

    results = run(tmp, image)               # every scenario
    results = run(tmp, image, ["auth"])     # some of them

Each scenario is a function (s) of first_contact.py, replication.py or
divergence.py, registered in SCENARIOS in that order; it drives the kernel
(through the VM's kernel.sh functions) and udrbdd (through our drbdsetup
and its NBD export), then records checks with s.r.check(): one line
`RESULT <scenario>.<check> ok|fail <detail>` each, printed as it happens
and kept in results.rows. A scenario that raises gets a failed
`<scenario>.error` row and the next one still runs: every scenario starts
from both sides down with fresh meta data.

Command line (as root, udrbdd built in $UDRBD_BUILD or build/):

    python3 tests/interop/scenarios.py [--keep DIR] [SCENARIO...]
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(ROOT, "tests", "system")]

# Each registers its scenarios, in this order.
import first_contact  # noqa: E402,F401,I100
import replication  # noqa: E402,F401
import divergence  # noqa: E402,F401
from sides import SCENARIOS, Results, Sides, reset  # noqa: E402
from testbed import Testbed  # noqa: E402

# --- the run -----------------------------------------------------------------

def _keep_kernel_log(tb, sides, name):
    """The kernel's whole log of the scenario, beside udrbdd's log (the
    scenario's own view of it starts at its last Sides.mark())."""
    try:
        if sides:
            sides.kernel_log()
        text = sides.klog_all if sides else tb.vm.sh("k_dmesg")
    except AssertionError as e:
        text = f"(no kernel log: {e})\n"
    with open(os.path.join(tb.tmp, f"kernel-{name}.log"), "w") as f:
        f.write(text)


def run(tmp, image, names=None, emit=print):
    """Boots the VM once and runs the scenarios named (all by default)."""
    r = Results(emit)
    names = list(names or SCENARIOS)
    t0 = time.monotonic()
    with Testbed(tmp, image) as tb:
        tb.host.start_udrbdd()
        tb.vm.start()
        r.timings["boot"] = tb.vm.boot_seconds
        emit(f"interop: kernel {tb.vm.kernel_release} up in {tb.vm.boot_seconds:.1f} s")
        tb.vm.sh("k_dmesg >/dev/null")
        for name in names:
            r.scenario = name
            t = time.monotonic()
            sides = None
            try:
                reset(tb)
                sides = Sides(tb, r)
                SCENARIOS[name](sides)
            except Exception as e:   # the next scenario starts from scratch
                r.check("error", False, f"{type(e).__name__}: {e}")
            _keep_kernel_log(tb, sides, name)
            r.timings[name] = time.monotonic() - t
        r.scenario = "poweroff"
        tb.udrbd("down", "r0", check=False)
        tb.vm.run("k_down")
        r.check("clean", tb.vm.poweroff() == 0, "VM powered off")
    r.timings["total"] = time.monotonic() - t0
    emit("interop: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.timings.items()))
    return r


def main(argv):
    import argparse
    import shutil
    import tempfile
    import image
    ap = argparse.ArgumentParser(prog="scenarios.py")
    ap.add_argument("--keep", help="work directory to keep (logs, disks)")
    ap.add_argument("names", nargs="*", metavar="SCENARIO", help=", ".join(SCENARIOS))
    args = ap.parse_args(argv)
    for n in args.names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n}")
    build = os.environ.get("UDRBD_BUILD", os.path.join(ROOT, "build"))
    img = image.build(build)
    tmp = args.keep or tempfile.mkdtemp(prefix="udrbd-interop.")
    os.makedirs(tmp, exist_ok=True)
    try:
        r = run(tmp, img, args.names)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if r.failed() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
