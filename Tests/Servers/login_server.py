#!/usr/bin/env python3
"""IMAP, POP3 and SMTP login server for the login-test suite (stdlib asyncio + ssl only).

Listens on 127.0.0.1, port 0, with one implicit-TLS and one STARTTLS listener per protocol, and
prints `READY {"imaps": p, "imap": p, "pop3s": p, "pop3": p, "smtps": p, "smtp": p}`.

Real logins: IMAP LOGIN and AUTHENTICATE PLAIN/LOGIN, POP3 USER/PASS and AUTH PLAIN/LOGIN, SMTP
AUTH PLAIN/LOGIN, each checked against the accounts given with --account USER:PASSWORD.
Every credential received is logged (JSON lines, --log) with whether TLS was active, so a test
can assert that nothing was sent before TLS. The password itself is never logged.

Options:
  --strip-starttls   the STARTTLS listeners neither advertise nor accept STARTTLS (a stripping
                     attacker) but still accept logins in plaintext
  --fail-text TEXT   the text of every refused login (e.g. "[ALERT] Application-specific password required")
  --only-mechanisms  comma-separated SASL mechanisms to offer (default PLAIN,LOGIN; "" offers none)
"""
import argparse
import asyncio
import base64
import json
import os
import signal
import ssl
import sys

# A child spawned from a Dispatch worker thread inherits its blocked signals: without this,
# the test's SIGTERM would be ignored until the ten-minute limit.
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])

parser = argparse.ArgumentParser()
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--account", action="append", default=[])
parser.add_argument("--log", required=True)
parser.add_argument("--strip-starttls", action="store_true")
parser.add_argument("--fail-text", default="authentication failed")
# Seconds before a refusal is sent, like dovecot's auth_failure_delay (2 s by default).
parser.add_argument("--fail-delay", type=float, default=0.05)
parser.add_argument("--only-mechanisms", default="PLAIN,LOGIN")
args = parser.parse_args()

ACCOUNTS = dict(a.split(":", 1) for a in args.account)
MECHANISMS = [m for m in args.only_mechanisms.split(",") if m]
CONTEXT = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
CONTEXT.load_cert_chain(args.cert, args.key)


def log(entry):
    with open(args.log, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Session:
    def __init__(self, protocol, reader, writer, implicit):
        self.protocol = protocol
        self.reader = reader
        self.writer = writer
        self.tls = implicit
        self.starttls_listener = not implicit

    async def send(self, line):
        self.writer.write((line + "\r\n").encode())
        await self.writer.drain()

    async def readline(self):
        line = await asyncio.wait_for(self.reader.readline(), 30)
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    async def upgrade(self):
        await self.writer.start_tls(CONTEXT)
        self.tls = True

    def offers_starttls(self):
        return self.starttls_listener and not self.tls and not args.strip_starttls

    def check(self, user, password, mechanism):
        ok = ACCOUNTS.get(user) == password
        log({"protocol": self.protocol, "user": user, "mechanism": mechanism, "tls": self.tls, "ok": ok})
        return ok

    async def sasl(self, mechanism, initial, prompt):
        """Runs AUTH PLAIN/LOGIN; returns (user, password) or None when cancelled/malformed."""
        try:
            if mechanism == "PLAIN":
                data = initial
                if data is None or data == "":
                    await self.send(prompt(""))
                    data = await self.readline()
                if data == "*":
                    return None
                parts = base64.b64decode(data).split(b"\0")
                return parts[1].decode(), parts[2].decode()
            if mechanism == "LOGIN":
                if initial:
                    user = base64.b64decode(initial).decode()
                else:
                    await self.send(prompt("VXNlcm5hbWU6"))
                    user = base64.b64decode(await self.readline()).decode()
                await self.send(prompt("UGFzc3dvcmQ6"))
                password = base64.b64decode(await self.readline()).decode()
                return user, password
        except (ValueError, IndexError, UnicodeDecodeError):
            return None
        return None


def imap_words(text):
    """Atoms and quoted strings, as curl sends them."""
    words, i = [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
        elif text[i] == '"':
            i += 1
            word = ""
            while i < len(text) and text[i] != '"':
                if text[i] == "\\" and i + 1 < len(text):
                    i += 1
                word += text[i]
                i += 1
            i += 1
            words.append(word)
        else:
            j = text.find(" ", i)
            j = len(text) if j < 0 else j
            words.append(text[i:j])
            i = j
    return words


async def imap(session):
    def capabilities():
        caps = ["IMAP4rev1"]
        if session.offers_starttls():
            caps.append("STARTTLS")
        caps += ["AUTH=" + m for m in MECHANISMS]
        return " ".join(caps)

    await session.send("* OK [CAPABILITY %s] test IMAP ready" % capabilities())
    authenticated = False
    while True:
        line = await session.readline()
        parts = line.split(" ", 2)
        tag = parts[0]
        command = parts[1].upper() if len(parts) > 1 else ""
        rest = parts[2] if len(parts) > 2 else ""
        log({"protocol": "imap", "tag": tag, "command": command})
        if command == "CAPABILITY":
            await session.send("* CAPABILITY " + capabilities())
            await session.send(tag + " OK CAPABILITY completed")
        elif command == "STARTTLS" and session.offers_starttls():
            await session.send(tag + " OK Begin TLS negotiation now")
            await session.upgrade()
        elif command == "LOGIN":
            words = imap_words(rest)
            if len(words) == 2 and session.check(words[0], words[1], "LOGIN-command"):
                authenticated = True
                await session.send(tag + " OK LOGIN completed")
            else:
                await asyncio.sleep(args.fail_delay)
                await session.send(tag + " NO " + args.fail_text)
        elif command == "AUTHENTICATE":
            words = rest.split(" ")
            mechanism = words[0].upper()
            if mechanism not in MECHANISMS:
                await session.send(tag + " NO unsupported mechanism")
                continue
            creds = await session.sasl(mechanism, words[1] if len(words) > 1 else None, lambda c: "+ " + c)
            if creds and session.check(creds[0], creds[1], mechanism):
                authenticated = True
                await session.send(tag + " OK AUTHENTICATE completed")
            else:
                await asyncio.sleep(args.fail_delay)
                await session.send(tag + " NO " + args.fail_text)
        elif command == "NOOP":
            await session.send(tag + " OK NOOP completed")
        elif command in ("LIST", "SELECT", "EXAMINE") and authenticated:
            await session.send(tag + " OK done")
        elif command == "LOGOUT":
            await session.send("* BYE logging out")
            await session.send(tag + " OK LOGOUT completed")
            return
        else:
            await session.send(tag + " BAD unknown or not allowed now")


async def pop3(session):
    await session.send("+OK test POP3 ready")
    user = None
    authenticated = False
    while True:
        line = await session.readline()
        command, _, rest = line.partition(" ")
        command = command.upper()
        if command == "CAPA":
            await session.send("+OK capability list follows")
            await session.send("USER")
            if MECHANISMS:
                await session.send("SASL " + " ".join(MECHANISMS))
            if session.offers_starttls():
                await session.send("STLS")
            await session.send(".")
        elif command == "STLS" and session.offers_starttls():
            await session.send("+OK begin TLS")
            await session.upgrade()
        elif command == "USER":
            user = rest
            await session.send("+OK send PASS")
        elif command == "PASS":
            if user is not None and session.check(user, rest, "USER-PASS"):
                authenticated = True
                await session.send("+OK logged in")
            else:
                await asyncio.sleep(args.fail_delay)
                await session.send("-ERR " + args.fail_text)
        elif command == "AUTH":
            words = rest.split(" ")
            mechanism = words[0].upper()
            if mechanism not in MECHANISMS:
                await session.send("-ERR unsupported mechanism")
                continue
            creds = await session.sasl(mechanism, words[1] if len(words) > 1 else None, lambda c: "+ " + c)
            if creds and session.check(creds[0], creds[1], mechanism):
                authenticated = True
                await session.send("+OK logged in")
            else:
                await asyncio.sleep(args.fail_delay)
                await session.send("-ERR " + args.fail_text)
        elif command == "NOOP" and authenticated:
            await session.send("+OK")
        elif command == "LIST" and authenticated:
            await session.send("+OK 0 messages")
            await session.send(".")
        elif command == "QUIT":
            await session.send("+OK bye")
            return
        else:
            await session.send("-ERR unknown or not allowed now")


async def smtp(session):
    await session.send("220 test.invalid ESMTP ready")
    while True:
        line = await session.readline()
        command, _, rest = line.partition(" ")
        command = command.upper()
        if command in ("EHLO", "HELO"):
            lines = ["test.invalid"]
            if session.offers_starttls():
                lines.append("STARTTLS")
            if MECHANISMS:
                lines.append("AUTH " + " ".join(MECHANISMS))
            lines.append("8BITMIME")
            for i, text in enumerate(lines):
                await session.send(("250 " if i == len(lines) - 1 else "250-") + text)
        elif command == "STARTTLS" and session.offers_starttls():
            await session.send("220 go ahead")
            await session.upgrade()
        elif command == "AUTH":
            words = rest.split(" ")
            mechanism = words[0].upper()
            if mechanism not in MECHANISMS:
                await session.send("504 5.5.4 unsupported mechanism")
                continue
            creds = await session.sasl(mechanism, words[1] if len(words) > 1 else None, lambda c: "334 " + c)
            if creds and session.check(creds[0], creds[1], mechanism):
                await session.send("235 2.7.0 Authentication successful")
            else:
                await asyncio.sleep(args.fail_delay)
                await session.send("535 5.7.8 " + args.fail_text)
        elif command in ("NOOP", "HELP", "RSET"):
            await session.send("250 2.0.0 OK")
        elif command == "QUIT":
            await session.send("221 bye")
            return
        else:
            await session.send("502 5.5.2 unknown command")


def handler(protocol, function, implicit):
    async def handle(reader, writer):
        session = Session(protocol, reader, writer, implicit)
        try:
            await function(session)
        except (EOFError, ConnectionError, asyncio.TimeoutError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass
    return handle


async def main():
    ports = {}
    servers = []
    for name, protocol, function, implicit in [
        ("imaps", "imap", imap, True), ("imap", "imap", imap, False),
        ("pop3s", "pop3", pop3, True), ("pop3", "pop3", pop3, False),
        ("smtps", "smtp", smtp, True), ("smtp", "smtp", smtp, False),
    ]:
        server = await asyncio.start_server(
            handler(protocol, function, implicit), "127.0.0.1", 0, ssl=CONTEXT if implicit else None)
        ports[name] = server.sockets[0].getsockname()[1]
        servers.append(server)
    print("READY " + json.dumps(ports), flush=True)
    # Ends when the test kills it, when the test process goes away, or after ten minutes.
    parent = os.getppid()
    for _ in range(600):
        await asyncio.sleep(1)
        if os.getppid() != parent:
            return


asyncio.run(main())
