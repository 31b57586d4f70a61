#!/usr/bin/env python3
"""A DNSSEC-signed zone served by a real authoritative server: signs ZONE_FILE with keys made by
ldns-keygen (ldnsutils), signs it with ldns-signzone and serves it with nsd (Debian's nsd) on
127.0.0.1 (UDP and TCP) on a free port. Stdlib only.

usage: nsd_server.py ORIGIN ZONE_FILE [--tamper OWNER] [--unsigned-child LABEL]

ZONE_FILE holds the zone's records in master-file syntax (relative names are under ORIGIN); SOA
and NS records are added. --tamper OWNER flips a byte in the signature of every RRset at OWNER
after signing (the zone still loads, validation of those RRsets fails: bogus).
--unsigned-child LABEL delegates LABEL.ORIGIN (NS, no DS: an insecure delegation, proven by the
signed NSEC chain) and serves it, unsigned, with the same records: a real unsigned domain under a
signed parent.

Prints `READY {"port": N, "anchor": "...", "wrongAnchor": "..."}`: `anchor` is a trust-anchor
file (unbound's trust-anchor-file format) holding the zone's DS record; `wrongAnchor` holds the DS
of a key that did not sign the zone. Exits when the parent goes away or on SIGTERM.
"""
import base64, json, os, random, shutil, signal, socket, struct, subprocess, sys, tempfile, time

from dnsmasq_server import free_port  # a port free for both UDP and TCP (nsd binds both)

def answers(port, origin):
    query = struct.pack(">HHHHHH", 0x1234, 0x0000, 1, 0, 0, 0)
    for label in origin.rstrip(".").encode().split(b"."):
        query += bytes([len(label)]) + label
    query += b"\x00" + struct.pack(">HH", 6, 1)  # SOA
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    try:
        s.sendto(query, ("127.0.0.1", port))
        data, _ = s.recvfrom(4096)
        return len(data) >= 12 and (data[3] & 0x0F) == 0
    except OSError:
        return False
    finally:
        s.close()

def keygen(directory, origin, ksk):
    args = ["ldns-keygen", "-a", "ECDSAP256SHA256", "-r", "/dev/urandom"] + (["-k"] if ksk else []) + [origin]
    base = subprocess.run(args, cwd=directory, check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(directory, base)

def tamper(signed_text, owner):
    """Flips one byte of the signature of every RRSIG at OWNER."""
    out = []
    for line in signed_text.splitlines():
        fields = line.split()
        if len(fields) > 12 and fields[0].lower() == owner.lower() and fields[3] == "RRSIG":
            signature = bytearray(base64.b64decode("".join(fields[12:])))
            signature[len(signature) // 2] ^= 0x55
            line = "\t".join(fields[:12] + [base64.b64encode(bytes(signature)).decode()])
        out.append(line)
    return "\n".join(out) + "\n"

def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    origin = sys.argv[1].rstrip(".") + "."
    records = open(sys.argv[2]).read()
    tamper_owner = None
    if "--tamper" in sys.argv:
        tamper_owner = sys.argv[sys.argv.index("--tamper") + 1].rstrip(".") + "."
        if not tamper_owner.lower().endswith(origin.lower()):
            tamper_owner += origin
    child = None
    if "--unsigned-child" in sys.argv:
        child = sys.argv[sys.argv.index("--unsigned-child") + 1].strip(".") + "." + origin
    directory = tempfile.mkdtemp(prefix="nsd-")
    zone = os.path.join(directory, "zone")
    with open(zone, "w") as f:
        f.write(f"$ORIGIN {origin}\n$TTL 300\n"
                f"@ IN SOA ns1.{origin} hostmaster.{origin} 1 3600 600 86400 300\n"
                f"@ IN NS ns1.{origin}\nns1 IN A 127.0.0.1\n" + records + "\n"
                + (f"{child} IN NS ns1.{origin}\n" if child else ""))
    if child:
        with open(os.path.join(directory, "child"), "w") as f:
            f.write(f"$ORIGIN {child}\n$TTL 300\n"
                    f"@ IN SOA ns1.{origin} hostmaster.{origin} 1 3600 600 86400 300\n"
                    f"@ IN NS ns1.{origin}\n" + records + "\n")
    zsk = keygen(directory, origin, ksk=False)
    ksk = keygen(directory, origin, ksk=True)
    other = keygen(directory, origin, ksk=True)
    # Valid from an hour ago for a week, whatever the clock says.
    now = time.time()
    stamp = lambda t: time.strftime("%Y%m%d%H%M%S", time.gmtime(t))
    subprocess.run(["ldns-signzone", "-i", stamp(now - 3600), "-e", stamp(now + 7 * 86400), "-o", origin,
                    "-f", zone + ".signed", zone, zsk, ksk], check=True, capture_output=True)
    if tamper_owner:
        text = open(zone + ".signed").read()
        open(zone + ".signed", "w").write(tamper(text, tamper_owner))
    anchor = os.path.join(directory, "anchor.ds")
    wrong = os.path.join(directory, "wrong-anchor.ds")
    open(anchor, "w").write(open(ksk + ".ds").read())
    open(wrong, "w").write(open(other + ".ds").read())

    for attempt in range(5):
        port = free_port()
        config = os.path.join(directory, "nsd.conf")
        with open(config, "w") as f:
            f.write(f"""server:
  ip-address: 127.0.0.1@{port}
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "{directory}"
  database: ""
  zonelistfile: "{directory}/zone.list"
  xfrdfile: "{directory}/xfrd.state"
  xfrdir: "{directory}"
  pidfile: "{directory}/nsd.pid"
  logfile: "{directory}/nsd.log"
  server-count: 1
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: "{origin}"
  zonefile: "{zone}.signed"
""" + (f"""zone:
  name: "{child}"
  zonefile: "{directory}/child"
""" if child else ""))
        child = subprocess.Popen(["nsd", "-d", "-c", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 5
        while time.time() < deadline and child.poll() is None:
            if answers(port, origin):
                break
            time.sleep(0.02)
        if child.poll() is None and answers(port, origin):
            break
        child.kill(); child.wait()
    else:
        raise SystemExit("nsd did not start: " + open(os.path.join(directory, "nsd.log")).read()[-500:])

    def stop(*_):
        child.terminate()
        try:
            child.wait(2)
        except subprocess.TimeoutExpired:
            child.kill()
        shutil.rmtree(directory, ignore_errors=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY " + json.dumps({"port": port, "anchor": anchor, "wrongAnchor": wrong}), flush=True)
    parent = os.getppid()
    while child.poll() is None:
        if os.getppid() != parent:
            stop()
        time.sleep(0.5)

main()
