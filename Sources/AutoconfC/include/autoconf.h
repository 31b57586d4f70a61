/*
 * autoconf.h — the C API of autoconf: given user@domain, find the IMAP/POP3/SMTP servers,
 * ports, TLS modes, authentication and username. Link with `pkg-config --cflags --libs autoconf`.
 *
 * C11, no Swift types. The answers are the JSON documents `autoconf lookup --json` prints
 * (schema version 1, described in the README): the C API adds no format of its own.
 *
 * Ownership
 *   - Every `char *` the library gives you — a return value, an `*error` out-parameter, the two
 *     arguments of an autoconf_callback — is a NUL-terminated UTF-8 string that belongs to you:
 *     free it with autoconf_string_free() (not free(); NULL is accepted). The only exception is
 *     autoconf_version(), a static string never freed.
 *   - Strings you pass in (options, addresses) are only read during the call and may be freed
 *     when it returns. The password given to autoconf_verify_json() is copied into memory the
 *     library zeroes when the login test is over; your buffer is never written.
 *   - An autoconf_t comes from autoconf_new() and is released once with autoconf_free(). Freeing
 *     it while asynchronous lookups are running cancels them; their callbacks still run (with the
 *     error "lookup cancelled"), and the handle's memory lives until the last of them returns.
 *     Do not use a handle after autoconf_free().
 *   - Out-parameters (`error`, `json`) may be NULL when you do not want them; when given, they are
 *     always written: NULL or a string.
 *
 * Threads
 *   - Every function may be called from any thread, at the same time, on the same handle.
 *   - autoconf_lookup_json() and autoconf_verify_json() block the calling thread until the answer
 *     is there (at most the `timeout` option, default 10 s, per lookup; the login test has a
 *     deadline of the same length).
 *   - autoconf_lookup_async() returns at once. Its callback runs exactly once, on a thread the
 *     library starts for that lookup (never on the caller's thread, never inside
 *     autoconf_lookup_async), so a callback may block or call any function here, including
 *     autoconf_free() on its own handle.
 *   - The library installs no signal handlers and never exits or aborts the host: every failure
 *     (NULL, invalid UTF-8, bad JSON, an unknown option) comes back as an error string.
 *
 * Home directory
 *   - The library reads nothing from $HOME or $XDG_* unless asked: the user's provider directory
 *     ("user-providers": true) and the lookup cache ("cache": true) are off by default.
 */
#ifndef AUTOCONF_H
#define AUTOCONF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The same exit codes as the `autoconf` command (README, "Exit codes"). */
enum {
    AUTOCONF_FOUND = 0,          /* a configuration was found (verify: every login worked) */
    AUTOCONF_NOT_FOUND = 1,      /* nothing found */
    AUTOCONF_BAD_INPUT = 2,      /* the address, an option or an argument */
    AUTOCONF_NETWORK_FAILURE = 3,/* nothing found and no network source could be reached */
    AUTOCONF_INTERNAL_ERROR = 4,
    AUTOCONF_LOGIN_FAILED = 5    /* verify: a login refused, OAuth2 needed, or not confirmed */
};

/* Flags of autoconf_verify_json(). */
enum {
    /* Log in even when the answer's trust is "confirm" (the CLI's --yes): only after the user
     * has seen the servers and their registrable domains. Without it such an answer is not
     * tried and the call returns AUTOCONF_LOGIN_FAILED. */
    AUTOCONF_VERIFY_ACCEPT_CONFIRM = 1,
    /* Allow sending the password over an unencrypted connection (--allow-plaintext). */
    AUTOCONF_VERIFY_ALLOW_PLAINTEXT = 2
};

typedef struct autoconf autoconf_t;

/*
 * Called once per autoconf_lookup_async(): `json` is the lookup's document (also when nothing
 * was found: see its "found" key) and `error` NULL, or `json` NULL and `error` one line (a bad
 * address, "lookup cancelled"). Both belong to the callback: free them with
 * autoconf_string_free().
 */
typedef void (*autoconf_callback)(void *user, char *json, char *error);

/* The library's version, e.g. "0.1.0" (the same as `autoconf --version`). Static; never freed. */
const char *autoconf_version(void);

/*
 * A handle with these options, or NULL with *error set. `options_json` is NULL, "" or a JSON
 * object whose keys are the long options of `autoconf lookup` without their dashes, e.g.
 *   {"timeout": 5, "offline": true, "plugins": ["user-files", "bundled"],
 *    "providers": ["/etc/myapp/providers"], "ca-file": "/etc/myapp/root.pem",
 *    "dns-server": ["127.0.0.1:5353"], "prefer": "pop3"}
 * Repeatable options take an array of strings; flags take true/false; seconds are numbers.
 * Keys: timeout, offline, plugins, providers, user-providers, prefer, https-only, real-name,
 * dns-server, trust-resolver-ad, ca-file, resolve, connect-to, ispdb-url, office365-url,
 * http-timeout, cache, refresh, cache-dir, imap, pop3, smtp, security, username.
 * An unknown key, a wrong type or an invalid value is an error with the CLI's message.
 */
autoconf_t *autoconf_new(const char *options_json, char **error);

/* Releases a handle (NULL is accepted). See "Ownership" for lookups still running. */
void autoconf_free(autoconf_t *autoconf);

/*
 * Looks up `email` and blocks until the answer: the JSON document of `autoconf lookup --json`
 * (also when nothing was found: "found" is false), or NULL with *error set (bad address, bad
 * argument).
 */
char *autoconf_lookup_json(autoconf_t *autoconf, const char *email, char **error);

/*
 * Starts a lookup and returns at once: a request id (> 0) for autoconf_cancel(), or -1 when
 * nothing was started (NULL handle or callback, or no thread could be made) — then the callback
 * is not called. A bad address is reported through the callback.
 */
long autoconf_lookup_async(autoconf_t *autoconf, const char *email, autoconf_callback callback, void *user);

/*
 * Cancels an asynchronous lookup: its callback runs soon with the error "lookup cancelled".
 * Returns 0 when the request was still running, -1 when it is unknown or already answered
 * (its callback has run or is about to).
 */
int autoconf_cancel(autoconf_t *autoconf, long request);

/*
 * Looks up `email`, then logs in to the chosen servers with this password (bytes, not
 * NUL-terminated; the library zeroes its copies when done). Blocks. Returns an exit code:
 * AUTOCONF_FOUND when every login worked, AUTOCONF_LOGIN_FAILED, AUTOCONF_NOT_FOUND,
 * AUTOCONF_NETWORK_FAILURE, or AUTOCONF_BAD_INPUT. *json receives the document of
 * `autoconf lookup --verify --json` (with its "verification" key) when a lookup was made,
 * *error one line when the call failed or no login was tried. `flags`: AUTOCONF_VERIFY_*.
 */
int autoconf_verify_json(autoconf_t *autoconf, const char *email, const void *password, size_t password_length,
                         unsigned flags, char **json, char **error);

/* Frees a string the library returned (NULL is accepted). */
void autoconf_string_free(char *string);

#ifdef __cplusplus
}
#endif

#endif
