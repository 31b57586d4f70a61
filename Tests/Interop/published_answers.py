#!/usr/bin/env python3
"""Reads what autoconf publishes with implementations autoconf did not write.

Usage: published_answers.py MANIFEST.json — a list of {"kind", "file", "expect"}:
  pox           exchangelib 4.x's Autodiscover POX parser (the Outlook response schema)
  mobileconfig  Python's plistlib, plus the keys Apple documents for com.apple.mail.managed
  config        ElementTree, with the element names and values Thunderbird's reader accepts
Prints one line per file and exits 1 if any check fails.
"""
import json
import plistlib
import re
import sys
import xml.etree.ElementTree as ET

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def pox(path, expect):
    from exchangelib.autodiscover.properties import Autodiscover
    with open(path, "rb") as f:
        answer = Autodiscover.from_bytes(f.read())
    if expect.get("error"):
        try:
            answer.raise_errors()
            check(False, f"{path}: expected an error response")
        except Exception as error:  # exchangelib's own exception for an unknown mailbox
            check(type(error).__name__ == expect["error"], f"{path}: {type(error).__name__}: {error}")
        return
    answer.raise_errors()
    got = [
        {"type": p.type, "server": p.server, "port": p.port, "login": p.login_name, "ssl": p.ssl, "spa": p.spa,
         "authRequired": p.auth_required}
        for p in answer.response.account.protocols if p.type in ("IMAP", "POP3", "SMTP")
    ]
    check(got == expect["protocols"], f"{path}: protocols {got} != {expect['protocols']}")
    check(answer.response.account.action == "settings", f"{path}: action {answer.response.account.action}")


APPLE_AUTH = {"EmailAuthNone", "EmailAuthPassword", "EmailAuthCRAMMD5", "EmailAuthNTLM", "EmailAuthHTTPMD5"}
UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$", re.I)


def payload_keys(payload, where):
    for key, kind in (("PayloadIdentifier", str), ("PayloadType", str), ("PayloadUUID", str), ("PayloadVersion", int)):
        check(isinstance(payload.get(key), kind), f"{where}: {key} missing or not {kind.__name__}")
    check(bool(UUID.match(payload.get("PayloadUUID", ""))), f"{where}: PayloadUUID is not a UUID")


def mobileconfig(path, expect):
    with open(path, "rb") as f:
        profile = plistlib.load(f)
    payload_keys(profile, f"{path} (profile)")
    check(profile.get("PayloadType") == "Configuration", f"{path}: profile PayloadType {profile.get('PayloadType')}")
    mails = [p for p in profile.get("PayloadContent", []) if p.get("PayloadType") == "com.apple.mail.managed"]
    check(len(mails) == 1, f"{path}: {len(mails)} com.apple.mail.managed payloads")
    if not mails:
        return
    mail = mails[0]
    payload_keys(mail, f"{path} (mail)")
    check(mail.get("EmailAccountType") in ("EmailTypeIMAP", "EmailTypePOP"), f"{path}: EmailAccountType")
    for side in ("Incoming", "Outgoing"):
        check(mail.get(f"{side}MailServerAuthentication") in APPLE_AUTH, f"{path}: {side}MailServerAuthentication")
        check(isinstance(mail.get(f"{side}MailServerPortNumber"), int), f"{path}: {side}MailServerPortNumber not an integer")
        check(isinstance(mail.get(f"{side}MailServerUseSSL"), bool), f"{path}: {side}MailServerUseSSL not a boolean")
    for key, value in expect.items():
        check(mail.get(key) == value, f"{path}: {key} = {mail.get(key)!r}, expected {value!r}")


THUNDERBIRD_SOCKETS = {"plain", "SSL", "STARTTLS"}
THUNDERBIRD_AUTH = {"password-cleartext", "plain", "password-encrypted", "secure", "GSSAPI", "NTLM", "OAuth2", "none",
                    "client-IP-address", "TLS-client-cert", "smtp-after-pop"}


def config(path, expect):
    root = ET.parse(path).getroot()
    check(root.tag == "clientConfig", f"{path}: root {root.tag}")
    provider = root.find("emailProvider")
    check(provider is not None and provider.get("id"), f"{path}: no emailProvider id")
    if provider is None:
        return
    check([d.text for d in provider.findall("domain")] == expect["domains"], f"{path}: domains")
    servers = []
    for tag in ("incomingServer", "outgoingServer"):
        for server in provider.findall(tag):
            socket = server.findtext("socketType")
            check(socket in THUNDERBIRD_SOCKETS, f"{path}: socketType {socket}")
            for auth in server.findall("authentication"):
                check(auth.text in THUNDERBIRD_AUTH, f"{path}: authentication {auth.text}")
            port = server.findtext("port")
            check(port is not None and port.isdigit(), f"{path}: port {port}")
            servers.append([server.get("type"), server.findtext("hostname"), int(port or 0), socket, server.findtext("username")])
    check(servers == expect["servers"], f"{path}: servers {servers} != {expect['servers']}")


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    for item in manifest:
        before = len(failures)
        try:
            {"pox": pox, "mobileconfig": mobileconfig, "config": config}[item["kind"]](item["file"], item["expect"])
        except Exception as error:
            failures.append(f"{item['file']}: {type(error).__name__}: {error}")
        print(("ok   " if len(failures) == before else "FAIL ") + item["kind"] + " " + item["file"])
    for failure in failures:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
