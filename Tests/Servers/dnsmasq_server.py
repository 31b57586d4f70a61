#!/usr/bin/env python3
"""Starts dnsmasq (Debian's dnsmasq-base) on 127.0.0.1 with the given config file, on a free port,
and prints `READY {"port": N}` once it answers. Stays in the foreground; SIGTERM, or the parent
going away, stops dnsmasq too. Stdlib only.

usage: dnsmasq_server.py CONFIG_FILE
"""
import json, os, random, signal, socket, struct, subprocess, sys, time

def free_port():
    # A port free for both UDP and TCP right now (dnsmasq binds both).
    for _ in range(50):
        port = random.randint(20000, 60000)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            u.bind(("127.0.0.1", port)); t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close(); t.close()
    raise SystemExit("no free port")

def answers(port):
    query = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    for label in b"ready.test".split(b"."):
        query += bytes([len(label)]) + label
    query += b"\x00" + struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.2)
    try:
        s.sendto(query, ("127.0.0.1", port))
        s.recvfrom(4096)
        return True
    except OSError:
        return False
    finally:
        s.close()

def main():
    # A child of a Swift test inherits the signal mask of a dispatch thread, which blocks SIGTERM:
    # unblock it so ServerProcess.stop() ends this server (and dnsmasq, which inherits our mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    config = sys.argv[1]
    for attempt in range(5):
        port = free_port()
        child = subprocess.Popen([
            "dnsmasq", "--no-daemon", f"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces",
            "--no-resolv", "--no-hosts", "--pid-file=", "--cache-size=0", f"--conf-file={config}",
            "--log-facility=/dev/null",
        ], stdout=subprocess.DEVNULL)
        deadline = time.time() + 5
        while time.time() < deadline and child.poll() is None:
            if answers(port):
                break
            time.sleep(0.02)
        if child.poll() is None and answers(port):
            break
        child.kill(); child.wait()
    else:
        raise SystemExit("dnsmasq did not start")

    def stop(*_):
        child.terminate()
        try:
            child.wait(2)
        except subprocess.TimeoutExpired:
            child.kill()
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY " + json.dumps({"port": port}), flush=True)
    parent = os.getppid()
    while child.poll() is None:
        if os.getppid() != parent:
            stop()
        time.sleep(0.5)

if __name__ == "__main__":
    main()
