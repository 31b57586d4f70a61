"""The C API through ctypes, with examples/python/autoconf.py: ctypes_check.py LIBRARY VERSION."""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../examples/python"))
import autoconf  # noqa: E402

library = autoconf.load(sys.argv[1])
assert library.autoconf_version().decode() == sys.argv[2], library.autoconf_version()

try:
    autoconf.Autoconf(library, timeout=0)
    raise SystemExit("timeout 0 accepted")
except autoconf.AutoconfError as error:
    assert str(error) == "--timeout must be between 0 and 600 seconds", error

handle = autoconf.Autoconf(library, offline=True)
document = handle.lookup("someone@gmail.com")
assert document["schemaVersion"] == 1 and document["found"], document
assert document["incoming"]["host"] == "imap.gmail.com", document["incoming"]
try:
    handle.lookup("a@b@c")
    raise SystemExit("a@b@c accepted")
except autoconf.AutoconfError as error:
    assert str(error).startswith("invalid email address 'a@b@c'"), error

answers = []
finished = threading.Event()
def done(document, error):
    answers.append((document, error))
    if len(answers) == 20:
        finished.set()
for n in range(20):
    handle.lookup_async(f"user{n}@gmail.com", done)
assert finished.wait(30), f"{len(answers)} of 20 callbacks"
emails = sorted(document["email"] for document, error in answers)
assert emails == sorted(f"user{n}@gmail.com" for n in range(20)), emails
assert not handle.cancel(123456)
handle.close()
print("ok")
