#!/usr/bin/env python3
"""Tiny DNS servers for cases dnsmasq cannot play, on 127.0.0.1 UDP (and TCP), stdlib only.

  dns_stub.py silent          reads every query and never answers (a dead resolver)
  dns_stub.py signed ZONE     answers from a JSON zone with the AD bit set, as a validating
                              resolver does for DNSSEC-signed data; unknown names get NXDOMAIN.
  dns_stub.py delayed MS ZONE answers from a JSON zone (no AD bit) MS milliseconds after each
                              query, each on its own timer: a resolver across a real network,
                              for the benchmark's "one DNS round trip" at a realistic latency.
  dns_stub.py --log FILE MODE …  also appends "TYPE NAME" for every query received to FILE (the
                              type's number, the name without its final dot; "." for the root).

A name whose entry holds "REFUSED" (any value) is answered REFUSED, as a resolver that will not
answer for it does.

A name with no records of its own but names below it is an empty non-terminal: it exists
(NOERROR, no answers), as RFC 8020 requires; only names with nothing at or below them are NXDOMAIN.

ZONE: {"name": {"A": ["127.0.0.1"], "MX": [[10, "mx.host"]], "SRV": [[0, 1, 993, "imap.host"]],
                "TXT": ["text"]}}
Prints `READY {"port": N}`; exits when the parent goes away.
"""
import json, os, signal, socket, struct, sys, threading, time

TYPES = {"A": 1, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33}

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"

def rdata(kind, value):
    if kind == "A":
        return socket.inet_aton(value)
    if kind == "AAAA":
        return socket.inet_pton(socket.AF_INET6, value)
    if kind == "MX":
        return struct.pack(">H", value[0]) + encode_name(value[1])
    if kind == "SRV":
        return struct.pack(">HHH", value[0], value[1], value[2]) + encode_name(value[3])
    if kind == "TXT":
        data = value.encode()
        return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, max(1, len(data)), 255))
    raise ValueError(kind)

def answer(query, zone, authenticated=True):
    if len(query) < 12:
        return None
    qid, flags, qd = struct.unpack(">HHH", query[:6])
    pos, labels = 12, []
    while pos < len(query) and query[pos] != 0:
        n = query[pos]
        labels.append(query[pos + 1:pos + 1 + n].decode(errors="replace"))
        pos += 1 + n
    pos += 1
    qtype, qclass = struct.unpack(">HH", query[pos:pos + 4])
    question = query[12:pos + 4]
    name = ".".join(labels).lower()
    records = zone.get(name)
    if records is None and any(key.endswith("." + name) for key in zone):
        records = {}
    rcode = 0 if records is not None else 3
    if records is not None and "REFUSED" in records:
        rcode, records = 5, {}
    answers = []
    for kind, values in (records or {}).items():
        if TYPES.get(kind) == qtype:
            for value in values:
                data = rdata(kind, value)
                answers.append(b"\xc0\x0c" + struct.pack(">HHIH", qtype, 1, 60, len(data)) + data)
    # QR, RD copied, RA, AD (0x0020), rcode.
    out_flags = 0x8000 | (flags & 0x0100) | 0x0080 | (0x0020 if authenticated else 0) | rcode
    header = struct.pack(">HHHHHH", qid, out_flags, 1, len(answers), 0, 0)
    return header + question + b"".join(answers)

def main():
    # A child of a Swift test inherits the signal mask of a dispatch thread, which blocks SIGTERM:
    # unblock it so ServerProcess.stop() ends this server (and dnsmasq, which inherits our mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    log = None
    if sys.argv[1] == "--log":
        log = open(sys.argv[2], "a", buffering=1)
        del sys.argv[1:3]
    mode = sys.argv[1]
    zone = {}
    delay = 0.0
    if mode == "delayed":
        delay = float(sys.argv[2]) / 1000
    if mode in ("signed", "delayed"):
        with open(sys.argv[-1]) as f:
            zone = {k.lower().rstrip("."): v for k, v in json.load(f).items()}
    authenticated = mode == "signed"
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        tcp.bind(("127.0.0.1", port))
        tcp.listen(16)
    except OSError:
        tcp = None

    lock = threading.Lock()

    def note(query):
        if log is None or len(query) < 12:
            return
        pos, labels = 12, []
        while pos < len(query) and query[pos] != 0:
            labels.append(query[pos + 1:pos + 1 + query[pos]].decode(errors="replace"))
            pos += 1 + query[pos]
        qtype = struct.unpack(">H", query[pos + 1:pos + 3])[0] if pos + 3 <= len(query) else 0
        with lock:
            log.write("%d %s\n" % (qtype, ".".join(labels).lower() or "."))

    def serve_udp():
        while True:
            data, peer = udp.recvfrom(4096)
            note(data)
            if mode == "silent":
                continue
            reply = answer(data, zone, authenticated)
            if reply and delay > 0:
                threading.Timer(delay, udp.sendto, (reply, peer)).start()
            elif reply:
                udp.sendto(reply, peer)

    def serve_tcp():
        while tcp:
            conn, _ = tcp.accept()
            if mode == "silent":
                continue  # keep it open, never answer
            try:
                size = struct.unpack(">H", conn.recv(2))[0]
                data = b""
                while len(data) < size:
                    chunk = conn.recv(size - len(data))
                    if not chunk:
                        break
                    data += chunk
                note(data)
                reply = answer(data, zone, authenticated)
                if reply:
                    time.sleep(delay)
                    conn.sendall(struct.pack(">H", len(reply)) + reply)
            finally:
                conn.close()

    threading.Thread(target=serve_udp, daemon=True).start()
    threading.Thread(target=serve_tcp, daemon=True).start()
    print("READY " + json.dumps({"port": port}), flush=True)
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)

main()
