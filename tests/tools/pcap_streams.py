#!/usr/bin/env python3
"""Splits a packet capture into its TCP byte streams, one file per direction.

    pcap_streams.py CAPTURE.pcap[.xz] OUTDIR

Reads classic pcap (micro- or nanosecond, either byte order), optionally
xz-compressed, with Ethernet (optionally 802.1Q-tagged) or Linux cooked
(SLL) link layers carrying IPv4/TCP. Each direction of each TCP
conversation is reassembled by sequence number: retransmitted and
duplicate bytes are dropped, out-of-order segments wait for the gap to
fill. Writes

    OUTDIR/<stream>-<srcip>_<srcport>-<dstip>_<dstport>.bin
    OUTDIR/index.tsv

<stream> numbers conversations in order of first appearance, as
Wireshark's tcp.stream does (a SYN on a 4-tuple whose earlier
conversation was closed starts a new one), so the files line up with
tshark output such as the pdus.tsv tables of the golden captures.
index.tsv has one line per file: stream, src, sport, dst, dport, bytes,
first frame, number of bytes still missing (holes never filled), file
name. Standard library only (the DRBD tests run it at build time)."""
import lzma
import os
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK = 0x01, 0x02, 0x04, 0x10


def open_capture(path):
    if path.endswith(".xz"):
        return lzma.open(path, "rb")
    return open(path, "rb")


def read_records(f):
    """Yields (frame number, link type, frame bytes)."""
    hdr = f.read(24)
    if len(hdr) != 24:
        raise ValueError("short pcap header")
    magic = struct.unpack("<I", hdr[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end = ">"
    else:
        raise ValueError("not a classic pcap file (pcapng is not supported)")
    linktype = struct.unpack(end + "I", hdr[20:24])[0] & 0x0FFFFFFF
    frame = 0
    while True:
        rec = f.read(16)
        if not rec:
            return
        if len(rec) != 16:
            raise ValueError("truncated record header")
        incl = struct.unpack(end + "IIII", rec)[2]
        data = f.read(incl)
        if len(data) != incl:
            raise ValueError("truncated record")
        frame += 1
        yield frame, linktype, data


def ip_payload(linktype, data):
    """Returns the IPv4 packet inside a frame, or None."""
    if linktype == LINKTYPE_ETHERNET:
        off = 12
        etype = struct.unpack(">H", data[off:off + 2])[0]
        off += 2
        while etype in (0x8100, 0x88A8) and len(data) >= off + 4:
            etype = struct.unpack(">H", data[off + 2:off + 4])[0]
            off += 4
    elif linktype == LINKTYPE_LINUX_SLL:
        if len(data) < 16:
            return None
        etype = struct.unpack(">H", data[14:16])[0]
        off = 16
    else:
        raise ValueError("unsupported link type %d" % linktype)
    if etype != 0x0800:
        return None
    return data[off:]


def tcp_segment(ip):
    """Returns (src, dst, sport, dport, seq, flags, payload) or None."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 0x0F) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    frag = struct.unpack(">H", ip[6:8])[0]
    if ip[9] != 6 or frag & 0x3FFF:
        return None  # not TCP, or a fragment (never seen on these links)
    ip = ip[:total]  # drop Ethernet padding
    tcp = ip[ihl:]
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    flags = tcp[13]
    src = ".".join(str(b) for b in ip[12:16])
    dst = ".".join(str(b) for b in ip[16:20])
    return src, dst, sport, dport, seq, flags, bytes(tcp[doff:])


class Direction:
    """One direction of a conversation: bytes in sequence order."""

    def __init__(self, stream, src, sport, dst, dport, frame):
        self.stream, self.first_frame = stream, frame
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.next_seq = None  # absolute sequence number expected next
        self.pending = {}  # seq -> payload, waiting for a gap to fill
        self.chunks = []

    def add(self, seq, flags, payload):
        if flags & TCP_SYN:
            self.next_seq = (seq + 1) & 0xFFFFFFFF
            seq = self.next_seq
        if not payload:
            return
        if self.next_seq is None:  # capture started mid-stream
            self.next_seq = seq
        self.pending[seq] = max(self.pending.get(seq, b""), payload, key=len)
        self.drain()

    def drain(self):
        progress = True
        while progress and self.pending:
            progress = False
            for seq in list(self.pending):
                ahead = (seq - self.next_seq) & 0xFFFFFFFF
                data = self.pending[seq]
                if ahead >= 0x80000000:  # starts before next_seq
                    behind = 0x100000000 - ahead
                    del self.pending[seq]
                    if behind < len(data):
                        self.accept(data[behind:])
                    progress = True
                elif ahead == 0:
                    del self.pending[seq]
                    self.accept(data)
                    progress = True

    def accept(self, data):
        self.chunks.append(data)
        self.next_seq = (self.next_seq + len(data)) & 0xFFFFFFFF

    def missing(self):
        return sum(len(d) for d in self.pending.values())

    def name(self):
        return "%d-%s_%d-%s_%d.bin" % (self.stream, self.src, self.sport,
                                       self.dst, self.dport)


def split(path):
    """Returns the Direction objects of a capture in stream order."""
    convs = {}  # canonical 4-tuple -> (stream number, closed, {dir key: Direction})
    dirs = []
    nstreams = 0
    with open_capture(path) as f:
        for frame, linktype, data in read_records(f):
            ip = ip_payload(linktype, data)
            seg = ip and tcp_segment(ip)
            if not seg:
                continue
            src, dst, sport, dport, seq, flags, payload = seg
            key = tuple(sorted([(src, sport), (dst, dport)]))
            conv = convs.get(key)
            pure_syn = flags & (TCP_SYN | TCP_ACK) == TCP_SYN
            if conv is None or (pure_syn and conv[1]):
                conv = [nstreams, False, {}]
                convs[key] = conv
                nstreams += 1
            if flags & (TCP_FIN | TCP_RST):
                conv[1] = True
            dkey = (src, sport)
            d = conv[2].get(dkey)
            if d is None:
                d = Direction(conv[0], src, sport, dst, dport, frame)
                conv[2][dkey] = d
                dirs.append(d)
            d.add(seq, flags, payload)
    dirs.sort(key=lambda d: (d.stream, d.first_frame))
    return dirs


def write(dirs, outdir):
    """Writes the stream files and index.tsv of split()'s result."""
    os.makedirs(outdir, exist_ok=True)
    lines = ["stream\tsrc\tsport\tdst\tdport\tbytes\tfirst_frame\tmissing\tfile"]
    for d in dirs:
        data = b"".join(d.chunks)
        with open(os.path.join(outdir, d.name()), "wb") as out:
            out.write(data)
        lines.append("\t".join(str(x) for x in (
            d.stream, d.src, d.sport, d.dst, d.dport, len(data),
            d.first_frame, d.missing(), d.name())))
    with open(os.path.join(outdir, "index.tsv"), "w") as out:
        out.write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: pcap_streams.py CAPTURE.pcap[.xz] OUTDIR\n")
        return 2
    write(split(argv[1]), argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
