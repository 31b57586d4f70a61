"""The autoconf C API from Python, with ctypes only (no build step).

    python3 autoconf.py alice@gmail.com            # prints the JSON document
    AUTOCONF_LIBRARY=/usr/local/lib/libAutoconfC.so python3 autoconf.py alice@gmail.com

Every string the library returns is copied into Python and freed with autoconf_string_free at
once, so nothing here leaks; a bad argument raises AutoconfError with the library's one line.
"""
import ctypes
import json
import os
import sys
import threading


class AutoconfError(Exception):
    pass


CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def load(path=None):
    library = ctypes.CDLL(path or os.environ.get("AUTOCONF_LIBRARY", "libAutoconfC.so"))
    library.autoconf_version.restype = ctypes.c_char_p
    library.autoconf_new.restype = ctypes.c_void_p
    library.autoconf_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    library.autoconf_free.argtypes = [ctypes.c_void_p]
    library.autoconf_lookup_json.restype = ctypes.c_void_p
    library.autoconf_lookup_json.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    library.autoconf_lookup_async.restype = ctypes.c_long
    library.autoconf_lookup_async.argtypes = [ctypes.c_void_p, ctypes.c_char_p, CALLBACK, ctypes.c_void_p]
    library.autoconf_cancel.restype = ctypes.c_int
    library.autoconf_cancel.argtypes = [ctypes.c_void_p, ctypes.c_long]
    library.autoconf_string_free.argtypes = [ctypes.c_void_p]
    return library


class Autoconf:
    """One handle: its options are fixed, lookups may run from any thread."""

    def __init__(self, library, **options):
        self._library = library
        error = ctypes.c_void_p()
        handle = library.autoconf_new(json.dumps(options).encode(), ctypes.byref(error))
        if not handle:
            raise AutoconfError(self._take(error.value))
        self._handle = handle
        self._callbacks = {}

    def _take(self, pointer):
        """Copies a library string into Python and frees it."""
        if not pointer:
            return None
        try:
            return ctypes.string_at(pointer).decode()
        finally:
            self._library.autoconf_string_free(pointer)

    def lookup(self, email):
        """The lookup's document (`autoconf lookup --json`) as a dict."""
        error = ctypes.c_void_p()
        document = self._library.autoconf_lookup_json(self._handle, email.encode(), ctypes.byref(error))
        if not document:
            raise AutoconfError(self._take(error.value))
        return json.loads(self._take(document))

    def lookup_async(self, email, done):
        """Starts a lookup; done(document, error) runs on a library thread. Returns the request id."""
        # An offline lookup can answer before autoconf_lookup_async has returned its id: the
        # callback waits until the id is known and the callback kept.
        started = threading.Event()
        request = None

        def answered(_user, document, error):
            started.wait()
            self._callbacks.pop(request, None)
            text, problem = self._take(document), self._take(error)
            done(json.loads(text) if text else None, problem)
        callback = CALLBACK(answered)
        try:
            request = self._library.autoconf_lookup_async(self._handle, email.encode(), callback, None)
            if request < 0:
                raise AutoconfError("the lookup could not be started")
            self._callbacks[request] = callback  # ctypes callbacks must outlive the call
        finally:
            started.set()
        return request

    def cancel(self, request):
        return self._library.autoconf_cancel(self._handle, request) == 0

    def close(self):
        if self._handle:
            self._library.autoconf_free(self._handle)
            self._handle = None


if __name__ == "__main__":
    autoconf = Autoconf(load(), timeout=5)
    try:
        print(json.dumps(autoconf.lookup(sys.argv[1] if len(sys.argv) > 1 else "someone@gmail.com"), indent=2))
    except AutoconfError as error:
        sys.exit(f"autoconf: {error}")
    finally:
        autoconf.close()
