"""A private Wine prefix with its own persistent wineserver, for tests
that change the prefix (services, installed programs, registry): they must
not leave anything in the prefix tests/run-windows.sh shares."""
import os
import subprocess

from conftest import ROOT, need, need_tool

BUILD_WIN = os.environ.get("UDRBD_BUILD_WIN", os.path.join(ROOT, "build-win"))


def win_exe(rel):
    return os.path.join(BUILD_WIN, rel)


def winpath(path):
    """The name a Windows user types: Wine maps drive Z: to /."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


class WinePrefix:
    def __init__(self, path):
        self.path = path
        self.env = dict(os.environ, WINEPREFIX=path, WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=")
        self.server = None

    def start(self):
        for tool in ("wine", "wineserver"):
            need_tool(tool)
        os.makedirs(self.path, exist_ok=True)
        self.server = subprocess.Popen(["wineserver", "-f", "-p"], env=self.env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        # Starts the prefix's services with output going nowhere (a test's
        # wine process that started them would lend them its pipes).
        r = subprocess.run(["wine", "cmd", "/c", "exit"], env=self.env, timeout=300,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        assert r.returncode == 0, "wine does not start"
        return self

    def run(self, *argv, timeout=120):
        """wine ARGV...; output decoded, "\r\n" kept."""
        r = subprocess.run(["wine", *argv], capture_output=True, env=self.env,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        r.stdout = r.stdout.decode(errors="replace")
        r.stderr = r.stderr.decode(errors="replace")
        return r

    def drive_c(self, *parts):
        return os.path.join(self.path, "drive_c", *parts)

    def stop(self):
        """Ends the wineserver and every process of the prefix (ours)."""
        if self.server is None:
            return
        subprocess.run(["wineserver", "-k"], env=self.env, timeout=30)
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


def need_win_build(*rels):
    for rel in rels:
        need(os.path.exists(win_exe(rel)),
             f"{win_exe(rel)} is missing (tests/run-windows.sh builds it)")
