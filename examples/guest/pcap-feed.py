#!/usr/bin/env python3
"""Feeds Ethernet frames from a pcap file to the guest's NE2000 under QEMU, and records the
frames the guest sends.

QEMU connects to this script through a stream socket netdev (frames carry a 4-byte
big-endian length prefix):

    ./pcap-feed.py --port 5556 --in build/net-sample.pcap --out build/net-out.pcap &
    qemu-system-i386 ... -append scenario=net \
        -device ne2k_isa,iobase=0x300,irq=9,netdev=n0 -netdev socket,id=n0,connect=127.0.0.1:5556

The script waits for the guest's first frame (netsrv's ARP request, sent once the card is
running), then sends the pcap's frames one at a time, waiting up to --wait seconds after each
for the guest's answer, so the guest sees the same frames in the same order on every run.

    ./pcap-feed.py --make-sample build/net-sample.pcap    # writes the sample capture
"""
import argparse
import socket
import struct
import sys

GUEST_IP = bytes([10, 0, 2, 15])
GW_IP = bytes([10, 0, 2, 2])
GW_MAC = bytes.fromhex("52550a000202")
GUEST_MAC = bytes.fromhex("525400123456")   # QEMU's default NIC MAC
BCAST = b"\xff" * 6


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, payload, src=GW_IP, dst=GUEST_IP):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return GUEST_MAC + GW_MAC + b"\x08\x00" + hdr + payload


def arp(op, sha, spa, tha, tpa, dst):
    return dst + sha + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def sample_frames():
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"kerf ping"
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    udp = lambda port, data: struct.pack("!HHHH", 40000, port, 8 + len(data), 0) + data
    return [
        arp(2, GW_MAC, GW_IP, GUEST_MAC, GUEST_IP, GUEST_MAC),          # gateway's answer
        arp(1, GW_MAC, GW_IP, b"\0" * 6, GUEST_IP, BCAST),               # who has 10.0.2.15
        ipv4(1, icmp),                                                   # ping
        ipv4(17, udp(7, b"hello kerf")),                                 # UDP echo
        ipv4(17, udp(9, b"discard me")),                                 # ignored port
        ipv4(17, udp(7, b"second request")),                             # UDP echo
    ]


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)) + fr)   # fixed timestamps


def read_pcap(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        sys.exit("%s: not a pcap file (too short)" % path)
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic == 0xA1B2C3D4 else ">" if magic == 0xD4C3B2A1 else None
    if endian is None:
        sys.exit("%s: not a pcap file (bad magic at offset 0)" % path)
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        if off + 16 + incl > len(data):
            sys.exit("%s: truncated record at offset %d" % (path, off))
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def recv_frame(conn, timeout):
    conn.settimeout(timeout)
    try:
        hdr = b""
        while len(hdr) < 4:
            chunk = conn.recv(4 - len(hdr))
            if not chunk:
                return None
            hdr += chunk
        n = struct.unpack("!I", hdr)[0]
        body = b""
        conn.settimeout(5)
        while len(body) < n:
            chunk = conn.recv(n - len(body))
            if not chunk:
                return None
            body += chunk
        return body
    except socket.timeout:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make-sample", metavar="PCAP")
    ap.add_argument("--port", type=int, default=5556)
    ap.add_argument("--in", dest="inp", metavar="PCAP")
    ap.add_argument("--out", metavar="PCAP")
    ap.add_argument("--wait", type=float, default=0.5, help="seconds to wait for answers")
    ap.add_argument("--ready-file", metavar="PATH",
                    help="created once the port listens (QEMU must not connect earlier)")
    a = ap.parse_args()
    if a.make_sample:
        write_pcap(a.make_sample, sample_frames())
        return
    if not a.inp:
        ap.error("--in PCAP or --make-sample PCAP is required")
    frames = read_pcap(a.inp)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", a.port))
    srv.listen(1)
    if a.ready_file:
        open(a.ready_file, "w").close()
    srv.settimeout(60)
    conn, _ = srv.accept()
    sent = []
    first = recv_frame(conn, 30)
    if first is not None:
        sent.append(first)
    for fr in frames:
        conn.sendall(struct.pack("!I", len(fr)) + fr)
        while True:
            got = recv_frame(conn, a.wait)
            if got is None:
                break
            sent.append(got)
    if a.out:
        write_pcap(a.out, sent)
    print("pcap-feed: fed %d frames, guest sent %d" % (len(frames), len(sent)), file=sys.stderr)
    conn.close()


if __name__ == "__main__":
    main()
