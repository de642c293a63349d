"""An NBD client that talks the way WNBD's driver does (ARCHITECTURE.md,
"What WNBD's NBD client does"), written from the NBD protocol document and
that list of facts:

- fixed newstyle; NO_ZEROES only when the server offers it;
- NBD_OPT_GO naming the export with no information requests, so the
  server must send NBD_INFO_EXPORT on its own; on NBD_REP_ERR_UNSUP it
  falls back to NBD_OPT_EXPORT_NAME on the same connection (go=False
  starts with EXPORT_NAME, as WNBD does when told not to use GO);
- no structured replies: simple replies only, read data after them;
- the command flags in the upper half of the 32-bit type word;
- one connection, many requests in flight, replies taken in whatever
  order they come (matched by handle);
- 512-byte granularity, requests up to 2 MiB, FLUSH carrying the range
  of SCSI SYNCHRONIZE CACHE, TRIM lengths that fit 32 bits.
"""
import socket
import struct

MAGIC_INIT = b"NBDMAGIC"
IHAVEOPT = 0x49484156454F5054
OPT_REPLY_MAGIC = 0x3E889045565A9
REQ_MAGIC = 0x25609513
SIMPLE_REPLY_MAGIC = 0x67446698

FLAG_FIXED_NEWSTYLE = 1
FLAG_NO_ZEROES = 2
OPT_EXPORT_NAME = 1
OPT_GO = 7
REP_ACK = 1
REP_INFO = 3
REP_FLAG_ERROR = 1 << 31
REP_ERR_UNSUP = REP_FLAG_ERROR | 1
INFO_EXPORT = 0

CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH, CMD_TRIM = 0, 1, 2, 3, 4
CMD_FLAG_FUA = 1
TF_READ_ONLY, TF_SEND_FLUSH, TF_SEND_FUA, TF_SEND_TRIM = 2, 4, 8, 32

SECTOR = 512
MAX_REQUEST = 2 << 20


class NbdError(Exception):
    pass


class WnbdLikeClient:
    def __init__(self, host, port, name, go=True, timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.name = name.encode()
        self.go = go
        self.size = None
        self.tflags = None
        self.next_handle = 1
        self.pending = {}	# handle -> (command, length)
        self.reply_order = []	# handles in the order their replies came
        self.options_sent = []

    def close(self):
        self.sock.close()

    def _recv(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise NbdError(f"server closed the connection ({len(buf)} of {n} bytes)")
            buf += chunk
        return bytes(buf)

    def _option(self, opt, data):
        self.options_sent.append(opt)
        self.sock.sendall(struct.pack(">QII", IHAVEOPT, opt, len(data)) + data)

    # ---- handshake ---------------------------------------------------------

    def handshake(self):
        if self._recv(8) != MAGIC_INIT:
            raise NbdError("no NBDMAGIC")
        magic, gflags = struct.unpack(">QH", self._recv(10))
        if magic != IHAVEOPT:
            raise NbdError("not a newstyle server")
        self.no_zeroes = bool(gflags & FLAG_NO_ZEROES)
        cflags = FLAG_FIXED_NEWSTYLE | (FLAG_NO_ZEROES if self.no_zeroes else 0)
        self.sock.sendall(struct.pack(">I", cflags))
        if self.go and self._opt_go():
            return self.size, self.tflags
        self._opt_export_name()
        return self.size, self.tflags

    def _opt_go(self):
        """True when GO was taken; False when the server does not know it."""
        data = struct.pack(">I", len(self.name)) + self.name + struct.pack(">H", 0)
        self._option(OPT_GO, data)
        while True:
            magic, opt, rtype, dlen = struct.unpack(">QIII", self._recv(20))
            payload = self._recv(dlen)
            if magic != OPT_REPLY_MAGIC or opt != OPT_GO:
                raise NbdError(f"bad option reply magic {magic:#x} option {opt}")
            if rtype == REP_ERR_UNSUP:
                return False
            if rtype & REP_FLAG_ERROR:
                raise NbdError(f"GO refused ({rtype:#x}): {payload.decode(errors='replace')}")
            if rtype == REP_INFO and len(payload) >= 12 and \
                    struct.unpack(">H", payload[:2])[0] == INFO_EXPORT:
                self.size, self.tflags = struct.unpack(">QH", payload[2:12])
            if rtype == REP_ACK:
                if self.size is None:
                    # WNBD would map a disk of size 0.
                    raise NbdError("GO acknowledged without NBD_INFO_EXPORT")
                return True

    def _opt_export_name(self):
        self._option(OPT_EXPORT_NAME, self.name)
        self.size, self.tflags = struct.unpack(">QH", self._recv(10))
        if not self.no_zeroes:
            self._recv(124)

    # ---- transmission --------------------------------------------------------

    def submit(self, cmd, offset, length, data=b"", flags=0):
        """Sends one request without waiting; returns its handle."""
        if cmd in (CMD_READ, CMD_WRITE) and length > MAX_REQUEST:
            raise ValueError("WNBD never sends more than 2 MiB")
        if cmd == CMD_WRITE and len(data) != length:
            raise ValueError("payload length")
        handle = self.next_handle
        self.next_handle += 1
        word = (flags << 16) | cmd
        # WNBD stores its handle in host order; the server only echoes it.
        hdr = struct.pack(">II", REQ_MAGIC, word) + struct.pack("<Q", handle) + \
            struct.pack(">QI", offset, length & 0xFFFFFFFF)
        self.sock.sendall(hdr + data)
        self.pending[handle] = (cmd, length)
        return handle

    def collect(self, count=None):
        """Reads replies in the order they arrive: {handle: (error, data)}."""
        out = {}
        count = len(self.pending) if count is None else count
        for _ in range(count):
            magic, err = struct.unpack(">II", self._recv(8))
            handle = struct.unpack("<Q", self._recv(8))[0]
            if magic != SIMPLE_REPLY_MAGIC:
                raise NbdError(f"reply magic {magic:#x}")
            if handle not in self.pending:
                raise NbdError(f"reply for unknown handle {handle}")
            cmd, length = self.pending.pop(handle)
            data = self._recv(length) if cmd == CMD_READ and err == 0 else b""
            self.reply_order.append(handle)
            out[handle] = (err, data)
        return out

    def disconnect(self):
        self.sock.sendall(struct.pack(">II", REQ_MAGIC, CMD_DISC) + bytes(8) +
                          struct.pack(">QI", 0, 0))
        self.sock.close()
