#!/usr/bin/env python3
"""Build step of the wire golden test: reassembles the TCP streams of the
DRBD 8.4 dialect captures and flattens Wireshark's per-frame PDU tables
into one expected line per PDU, for test_golden.c to compare against.

    golden_streams.py TESTDATA OUTDIR MANIFEST

For every drbd84-wire scenario and every drbd9-wire s08* capture (DRBD 9
speaking the 8.4 dialect) it writes OUTDIR/<scenario>/ with the stream
files and index.tsv of tests/tools/pcap_streams.py, and expect.tsv:

    stream src sport name length sector size block_id seq dp_flags

(empty where Wireshark shows no value). MANIFEST lists "<scenario>\t<mode>"
where mode "full" means expect.tsv lists every PDU of each direction with
fields, "names" that it lists PDU names Wireshark saw at segment starts (a
subsequence of the real PDUs). Without TESTDATA the manifest says
"#missing <path>" and the test skips (fails under CI=true)."""
import lzma
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
import pcap_streams  # noqa: E402

# Which PDUs Wireshark 4.0 gives which drbd.* fields (checked against the
# single-PDU rows of every pdus.tsv); the comma lists of a multi-PDU row
# hold values only for the PDUs that have the field, in order.
DATA = {"P_DATA", "P_DATA_REPLY", "P_RS_DATA_REPLY", "P_TRIM", "P_ZEROES",
        "P_WSAME"}
REQ = {"P_DATA_REQUEST", "P_RS_DATA_REQUEST", "P_RS_THIN_REQ",
       "P_OV_REQUEST", "P_OV_REPLY", "P_CSUM_RS_REQUEST"}
ACK = {"P_RECV_ACK", "P_WRITE_ACK", "P_RS_WRITE_ACK", "P_SUPERSEDED",
       "P_NEG_ACK", "P_NEG_DREPLY", "P_NEG_RS_DREPLY", "P_OV_RESULT",
       "P_RS_IS_IN_SYNC", "P_RS_CANCEL", "P_RETRY_WRITE"}
FIELDS = ("sector", "size", "block_id", "seq", "dp_flags")


def has_field(name, field):
    if field in ("sector", "size", "block_id"):
        return name in DATA or name in REQ or name in ACK
    if field == "seq":
        return name in DATA or name in ACK
    return name in DATA


def read_text(path):
    if path.endswith(".xz"):
        with lzma.open(path, "rt") as f:
            return f.read()
    with open(path) as f:
        return f.read()


def pdu_names(info):
    return [part.split("]")[0] for part in info.split("[")[1:]]


def expect_full(tsv):
    out = []
    lines = tsv.splitlines()
    head = lines[0].split("\t")
    col = {name: i for i, name in enumerate(head)}
    for line in lines[1:]:
        row = line.split("\t")
        row += [""] * (len(head) - len(row))
        names = pdu_names(row[col["_ws.col.Info"]])
        lists = {"length": row[col["drbd.length"]].split(",")}
        for f, c in zip(FIELDS, ("drbd.sector", "drbd.size", "drbd.block_id",
                                 "drbd.seq_num", "drbd.dp_flags")):
            lists[f] = [v for v in row[col[c]].split(",") if v]
        for i, name in enumerate(names):
            vals = [lists["length"][i] if i < len(lists["length"]) else ""]
            for f in FIELDS:
                vals.append(lists[f].pop(0) if has_field(name, f) and lists[f]
                            else "")
            out.append([row[col["tcp.stream"]], row[col["ip.src"]],
                        row[col["tcp.srcport"]], name] + vals)
        if any(lists[f] for f in FIELDS):
            raise ValueError("unassigned field values in frame " + row[0])
    return out


def expect_names(tshark_txt, streams):
    """tshark.txt has no stream numbers: find them from the 4-tuple."""
    by_tuple = {(d.src, d.sport, d.dst, d.dport): d.stream for d in streams}
    out = []
    for line in tshark_txt.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        f = line.split("\t")
        key = (f[2], int(f[3]), f[4], int(f[5]))
        for name in pdu_names(f[7]):
            out.append([str(by_tuple[key]), f[2], f[3], name] + [""] * 6)
    return out


def write_scenario(name, pcap, outdir, expect_rows):
    sdir = os.path.join(outdir, name)
    dirs = pcap_streams.split(pcap)
    pcap_streams.write(dirs, sdir)
    rows = expect_rows(dirs)
    with open(os.path.join(sdir, "expect.tsv"), "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


def main(argv):
    testdata, outdir, manifest = argv[1:4]
    d84 = os.path.join(testdata, "drbd84-wire")
    d9 = os.path.join(testdata, "drbd9-wire")
    if not os.path.isdir(d84) or not os.path.isdir(d9):
        with open(manifest, "w") as f:
            f.write("#missing %s\n" % testdata)
        return 0
    lines = []
    for name in sorted(os.listdir(d84)):
        sdir = os.path.join(d84, name)
        pcap = os.path.join(sdir, name + ".pcap.xz")
        if not os.path.isfile(pcap):
            continue
        tsv = [f for f in os.listdir(sdir) if ".pdus.tsv" in f][0]
        text = read_text(os.path.join(sdir, tsv))
        write_scenario(name, pcap, outdir, lambda dirs: expect_full(text))
        lines.append(name + "\tfull")
    for fname in sorted(os.listdir(d9)):
        if not (fname.startswith("s08") and fname.endswith(".pcap.xz")):
            continue
        name = fname[:-len(".pcap.xz")]
        text = read_text(os.path.join(d9, name + ".tshark.txt"))
        write_scenario(name, os.path.join(d9, fname), outdir,
                       lambda dirs: expect_names(text, dirs))
        lines.append(name + "\tnames")
    with open(manifest, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
