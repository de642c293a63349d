"""TCP round trips as a replicated write and its ack make them: a request of
REQ bytes answered by REP bytes on one TCP_NODELAY connection.

    pingpong.py server HOST PORT REQ REP
    pingpong.py client HOST PORT REQ REP COUNT   -> "median p99" in microseconds

The client sends COUNT + COUNT/10 requests and drops the first tenth
(warm-up). Used by netbench.sh and replication.sh."""
import socket
import statistics
import sys
import time


def recv_exactly(c, n, buf):
    view = memoryview(buf)[:n]
    while view:
        k = c.recv_into(view)
        if not k:
            return False
        view = view[k:]
    return True


def serve(host, port, req, rep):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen()
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf, out = bytearray(req), bytes(rep)
        while recv_exactly(c, req, buf):
            c.sendall(out)
        c.close()


def client(host, port, req, rep, count):
    c = socket.create_connection((host, port))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg, buf, rtt = bytes(req), bytearray(rep), []
    for i in range(count + count // 10):
        t = time.perf_counter_ns()
        c.sendall(msg)
        recv_exactly(c, rep, buf)
        if i >= count // 10:
            rtt.append((time.perf_counter_ns() - t) / 1000)
    rtt.sort()
    print("%.1f %.1f" % (statistics.median(rtt), rtt[int(len(rtt) * 0.99) - 1]))


def main(argv):
    mode, host, port, req, rep = argv[:5]
    if mode == "server":
        serve(host, int(port), int(req), int(rep))
    else:
        client(host, int(port), int(req), int(rep), int(argv[5]))


if __name__ == "__main__":
    main(sys.argv[1:])
