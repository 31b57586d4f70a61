#!/usr/bin/env python3
"""Mail banner servers for probe tests: just enough IMAP (greeting, CAPABILITY, STARTTLS, LOGOUT),
POP3 (greeting, CAPA, STLS, QUIT) and SMTP (greeting, EHLO, STARTTLS, QUIT), with implicit TLS,
STARTTLS or plain, on 127.0.0.1. Stdlib only (asyncio + ssl).

usage: mail_server.py CONFIG.json
CONFIG: {"listeners": [{"name": "imaps", "protocol": "imap", "tls": "implicit" | "starttls" | "plain",
                        "cert": "chain.pem", "key": "key.pem", "auth": true, "delay_ms": 0}]}
Every listener binds port 0; prints `READY {"imaps": PORT, ...}`. Exits when the parent goes away.
"""
import asyncio, json, os, signal, ssl, sys

def context(spec):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(spec["cert"], spec["key"])
    return ctx

def capabilities(spec, secure):
    proto, auth, tls = spec["protocol"], spec.get("auth", True), spec["tls"]
    offer_tls = tls == "starttls" and not secure
    if proto == "imap":
        caps = ["IMAP4rev1"]
        if offer_tls:
            caps += ["STARTTLS", "LOGINDISABLED"]
        elif auth:
            caps += ["AUTH=PLAIN", "AUTH=SCRAM-SHA-256"]
        return caps
    if proto == "pop3":
        caps = ["TOP", "UIDL"]
        if offer_tls:
            caps.append("STLS")
        elif auth:
            caps += ["USER", "SASL PLAIN"]
        return caps
    caps = ["autoconf-test", "PIPELINING", "8BITMIME"]
    if offer_tls:
        caps.append("STARTTLS")
    if auth and (secure or tls == "plain"):
        caps.append("AUTH PLAIN LOGIN")
    return caps

async def session(reader, writer, spec):
    secure = spec["tls"] == "implicit"
    proto = spec["protocol"]
    delay = spec.get("delay_ms", 0) / 1000
    if delay:
        await asyncio.sleep(delay)

    def send(line):
        writer.write((line + "\r\n").encode())

    async def upgrade():
        nonlocal secure
        await writer.drain()
        await writer.start_tls(context(spec))
        secure = True

    greeting = {"imap": "* OK test IMAP ready", "pop3": "+OK test POP3 ready", "smtp": "220 mail.test ESMTP ready"}[proto]
    if proto == "imap" and spec.get("greeting_capabilities"):
        # As Dovecot does: the capabilities in the greeting, and CAPABILITY itself refused, so a
        # test sees that the client used the greeting's list.
        greeting = "* OK [CAPABILITY " + " ".join(capabilities(spec, secure)) + "] test IMAP ready"
    send(greeting)
    await writer.drain()
    while True:
        raw = await reader.readline()
        if not raw:
            break
        line = raw.decode(errors="replace").strip()
        word = line.split(" ")
        if proto == "imap":
            tag, cmd = word[0], (word[1].upper() if len(word) > 1 else "")
            if cmd == "CAPABILITY" and spec.get("greeting_capabilities"):
                send(f"{tag} BAD use the greeting's capabilities")
            elif cmd == "CAPABILITY":
                send("* CAPABILITY " + " ".join(capabilities(spec, secure)))
                send(f"{tag} OK CAPABILITY completed")
            elif cmd == "STARTTLS" and not secure and spec["tls"] == "starttls":
                send(f"{tag} OK Begin TLS negotiation now")
                await upgrade()
                continue
            elif cmd == "LOGOUT":
                send("* BYE bye")
                send(f"{tag} OK LOGOUT completed")
                await writer.drain()
                break
            else:
                send(f"{tag} BAD unknown command")
        elif proto == "pop3":
            cmd = word[0].upper()
            if cmd == "CAPA":
                send("+OK Capability list follows")
                for cap in capabilities(spec, secure):
                    send(cap)
                send(".")
            elif cmd == "STLS" and not secure and spec["tls"] == "starttls":
                send("+OK Begin TLS negotiation")
                await upgrade()
                continue
            elif cmd == "QUIT":
                send("+OK bye")
                await writer.drain()
                break
            else:
                send("-ERR unknown command")
        else:
            cmd = word[0].upper()
            if cmd in ("EHLO", "HELO"):
                caps = capabilities(spec, secure)
                for cap in caps[:-1]:
                    send("250-" + cap)
                send("250 " + caps[-1])
            elif cmd == "STARTTLS" and not secure and spec["tls"] == "starttls":
                send("220 2.0.0 Ready to start TLS")
                await upgrade()
                continue
            elif cmd == "QUIT":
                send("221 2.0.0 bye")
                await writer.drain()
                break
            else:
                send("502 5.5.2 unknown command")
        await writer.drain()
    writer.close()

async def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    with open(sys.argv[1]) as f:
        config = json.load(f)
    ports = {}
    for spec in config["listeners"]:
        tls_ctx = context(spec) if spec["tls"] == "implicit" else None

        async def handler(reader, writer, spec=spec):
            try:
                await asyncio.wait_for(session(reader, writer, spec), 30)
            except Exception:
                writer.close()

        server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls_ctx)
        ports[spec["name"]] = server.sockets[0].getsockname()[1]
    print("READY " + json.dumps(ports), flush=True)
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(0.5)

asyncio.run(main())
