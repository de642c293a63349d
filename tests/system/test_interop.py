"""udrbd against the real Linux kernel DRBD 8.4.11 in a QEMU VM: one boot
runs every scenario of tests/interop/scenarios.py (see its README.md), then
one test per scenario asserts on that scenario's RESULT rows.

Skips only where QEMU or the namespaces cannot work here (never under
CI=true). The image is built from Debian packages on first use and cached
in $UDRBD_BUILD/interop/; the scenarios' RESULT lines are written to
$UDRBD_BUILD/interop/last-run.txt.
"""
import os
import shutil
import sys

import pytest

from conftest import BUILD, ROOT, need

sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
import scenarios  # noqa: E402

# Checks that fail because of a known udrbd difference from the kernel
# (scenario.check -> why, and where it is tracked): such a failure is an
# xfail; any other failure of the scenario fails the test.
# tests/interop/README.md, "What the kernel found", lists what was fixed.
KNOWN = {}


@pytest.fixture(scope="module")
def interop(tmp_path_factory):
    import cluster
    import image
    import vm
    why = vm.unavailable() or cluster.unavailable()
    need(why is None, f"interop VM: {why}")
    need(os.path.exists(os.path.join(BUILD, "cmd", "udrbdd")), "udrbdd is not built")
    for tool, package in (("qemu-io", "qemu-utils"), ("nbdcopy", "libnbd-bin")):
        need(shutil.which(tool) is not None, f"{tool} is not installed (package {package})")
    lines = []

    def emit(line):
        lines.append(line)
        print(line)
    img = image.build(BUILD, log=emit)
    try:
        return scenarios.run(tmp_path_factory.mktemp("interop"), img, emit=emit)
    finally:
        with open(os.path.join(BUILD, "interop", "last-run.txt"), "w") as f:
            f.writelines(l + "\n" for l in lines)


@pytest.mark.parametrize("name", list(scenarios.SCENARIOS) + ["poweroff"])
def test_interop(interop, name):
    rows = [r for r in interop.rows if r.scenario == name]
    assert rows, f"scenario {name} did not run"
    bad = [r for r in rows if not r.ok]
    unknown = [r for r in bad if f"{name}.{r.check}" not in KNOWN]
    assert not unknown, "\n".join(f"{r.scenario}.{r.check}: {r.detail}" for r in unknown)
    if bad:
        pytest.xfail("; ".join(f"{r.check}: {KNOWN[f'{name}.{r.check}']}" for r in bad))
