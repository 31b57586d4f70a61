/* Exercises the installed C API; run by Tests/AutoconfCTests (and under valgrind).
 *   capi_check basic VERSION
 *   capi_check lookup OPTIONS_JSON EMAIL EXPECTED     blocking and async; both documents contain EXPECTED
 *   capi_check threads                                100 offline lookups from 8 threads, blocking and async
 *   capi_check cancel                                 cancels a lookup stuck on a silent DNS server; frees a busy handle
 *   capi_check verify OPTIONS_JSON EMAIL PASSWORD FLAGS EXPECTED_CODE EXPECTED
 *   capi_check leak COUNT                             COUNT offline lookups (half blocking, half async), for valgrind
 *   capi_check forget                                 leaks one document on purpose: proves valgrind sees a lost string
 * Prints "ok" and exits 0 when every check passed. */
#define _POSIX_C_SOURCE 200809L
#include <autoconf.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failures;
static pthread_mutex_t report = PTHREAD_MUTEX_INITIALIZER;

#define CHECK(condition, ...)                                                    \
    do {                                                                         \
        if (!(condition)) {                                                      \
            pthread_mutex_lock(&report);                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #condition); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            failures++;                                                          \
            pthread_mutex_unlock(&report);                                       \
        }                                                                        \
    } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One asynchronous answer, waited for. */
struct waiter {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int done;
    pthread_t thread;
    char *json, *error;
};

static void waiter_init(struct waiter *w) {
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->cond, NULL);
}

static void on_answer(void *user, char *json, char *error) {
    struct waiter *w = user;
    pthread_mutex_lock(&w->mutex);
    w->json = json;
    w->error = error;
    w->thread = pthread_self();
    w->done++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
}

/* Waits at most `seconds`; returns 0 when the callback ran. */
static int waiter_wait(struct waiter *w, double seconds) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)seconds;
    pthread_mutex_lock(&w->mutex);
    int status = 0;
    while (!w->done && status == 0) status = pthread_cond_timedwait(&w->cond, &w->mutex, &deadline);
    int done = w->done;
    pthread_mutex_unlock(&w->mutex);
    return done ? 0 : -1;
}

static void waiter_destroy(struct waiter *w) {
    autoconf_string_free(w->json);
    autoconf_string_free(w->error);
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->cond);
}

static autoconf_t *must_new(const char *options) {
    char *error = NULL;
    autoconf_t *autoconf = autoconf_new(options, &error);
    if (!autoconf) {
        fprintf(stderr, "FAIL autoconf_new(%s): %s\n", options, error ? error : "(no error)");
        exit(1);
    }
    return autoconf;
}

/* autoconf_new must refuse `options` with an error containing `expected`. */
static void refuses(const char *options, const char *expected) {
    char *error = (char *)"untouched";
    autoconf_t *autoconf = autoconf_new(options, &error);
    CHECK(autoconf == NULL, "accepted %s", options);
    CHECK(error && strstr(error, expected), "options %s: error '%s', expected '%s'", options, error ? error : "(null)", expected);
    if (autoconf) autoconf_free(autoconf);
    if (error && strcmp(error, "untouched") != 0) autoconf_string_free(error);
}

static int basic(const char *version) {
    CHECK(strcmp(autoconf_version(), version) == 0, "version %s, expected %s", autoconf_version(), version);
    CHECK(autoconf_version() == autoconf_version(), "the version string is not static");

    refuses("{", "the options are not a JSON object");
    refuses("[1, 2]", "the options are not a JSON object");
    refuses("\"offline\"", "the options are not a JSON object");
    refuses("{\"timeout\": 0}", "--timeout must be between 0 and 600 seconds");
    refuses("{\"timeout\": \"5\"}", "option 'timeout' must be a number of seconds");
    refuses("{\"offline\": 1}", "option 'offline' must be true or false");
    refuses("{\"plugins\": [1]}", "option 'plugins' must be an array of strings");
    refuses("{\"plugins\": [\"nope\"]}", "unknown plugin 'nope' (available: ");
    refuses("{\"ofline\": true}", "unknown option 'ofline' (known: timeout, offline,");
    refuses("{\"dns-server\": [\"not an address\"]}", "not an address");
    refuses("{\"prefer\": \"smtp\"}", "--prefer must be imap or pop3");
    refuses("{\"providers\": [\"/nonexistent/dir\"]}", "--providers /nonexistent/dir: not a directory");
    refuses("{\"ispdb-url\": \"ftp://x\"}", "--ispdb-url");
    refuses("{\"security\": \"tls2\"}", "--security");
    refuses("{\"offline\": true}\xff", "not valid UTF-8");
    /* NULL out-parameter: no crash, no leak. */
    CHECK(autoconf_new("{", NULL) == NULL, "bad JSON accepted without an error pointer");

    char *error = (char *)"untouched";
    autoconf_t *defaults = autoconf_new(NULL, &error);
    CHECK(defaults && error == NULL, "NULL options refused: %s", error);
    autoconf_free(defaults);
    autoconf_free(NULL);
    autoconf_string_free(NULL);

    autoconf_t *autoconf = must_new("{\"offline\": true, \"timeout\": 5}");
    char *json = autoconf_lookup_json(autoconf, "someone@gmail.com", &error);
    CHECK(json && error == NULL, "lookup failed: %s", error);
    CHECK(json && strstr(json, "\"schemaVersion\" : 1") && strstr(json, "\"imap.gmail.com\""), "unexpected document %s", json);
    autoconf_string_free(json);

    struct { const char *email; const char *expected; } bad[] = {
        {NULL, "email is NULL"},
        {"a@b@c", "invalid email address 'a@b@c': the address has more than one '@'"},
        {"\xff@example.com", "email is not valid UTF-8"},
        {"", "invalid email address"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json = autoconf_lookup_json(autoconf, bad[i].email, &error);
        CHECK(json == NULL && error && strstr(error, bad[i].expected), "email %zu: json %s error %s", i, json, error);
        autoconf_string_free(json);
        autoconf_string_free(error);
        /* The async path reports the same error through the callback. */
        struct waiter w;
        waiter_init(&w);
        long request = autoconf_lookup_async(autoconf, bad[i].email, on_answer, &w);
        CHECK(request > 0, "async start refused");
        CHECK(waiter_wait(&w, 10) == 0, "no callback");
        CHECK(w.json == NULL && w.error && strstr(w.error, bad[i].expected), "async email %zu: %s", i, w.error);
        waiter_destroy(&w);
    }
    json = autoconf_lookup_json(NULL, "someone@gmail.com", &error);
    CHECK(json == NULL && error && strcmp(error, "the autoconf handle is NULL") == 0, "NULL handle: %s", error);
    autoconf_string_free(error);
    CHECK(autoconf_lookup_json(autoconf, NULL, NULL) == NULL, "NULL email without error pointer");
    CHECK(autoconf_lookup_async(NULL, "someone@gmail.com", on_answer, NULL) == -1, "NULL handle started");
    CHECK(autoconf_lookup_async(autoconf, "someone@gmail.com", NULL, NULL) == -1, "NULL callback started");
    CHECK(autoconf_cancel(autoconf, 123456) == -1, "unknown request cancelled");
    CHECK(autoconf_cancel(NULL, 1) == -1, "NULL handle cancelled");

    char *document = (char *)"untouched";
    error = (char *)"untouched";
    CHECK(autoconf_verify_json(autoconf, "someone@gmail.com", NULL, 4, 0, &document, &error) == AUTOCONF_BAD_INPUT, "NULL password");
    CHECK(document == NULL && error && strcmp(error, "password is NULL") == 0, "NULL password: %s", error);
    autoconf_string_free(error);
    CHECK(autoconf_verify_json(autoconf, "someone@gmail.com", "", 0, 0, &document, &error) == AUTOCONF_BAD_INPUT, "empty password");
    autoconf_string_free(error);
    CHECK(autoconf_verify_json(autoconf, "nobody@unknown-domain.test", "pw", 2, 0, &document, &error) == AUTOCONF_NOT_FOUND, "not found");
    CHECK(document && strstr(document, "\"found\" : false") && error && strstr(error, "no configuration found"), "not found: %s", error);
    autoconf_string_free(document);
    autoconf_string_free(error);
    CHECK(autoconf_verify_json(NULL, "someone@gmail.com", "pw", 2, 0, NULL, NULL) == AUTOCONF_BAD_INPUT, "NULL handle");
    autoconf_free(autoconf);
    return 0;
}

/* Blocking, then async, with the same options: both documents contain `expected`. */
static int lookup(const char *options, const char *email, const char *expected) {
    autoconf_t *autoconf = must_new(options);
    char *error = NULL;
    char *json = autoconf_lookup_json(autoconf, email, &error);
    CHECK(json && strstr(json, expected), "blocking: %s / %s", json ? json : "(null)", error ? error : "");
    autoconf_string_free(json);
    autoconf_string_free(error);

    struct waiter w;
    waiter_init(&w);
    CHECK(autoconf_lookup_async(autoconf, email, on_answer, &w) > 0, "async start");
    CHECK(waiter_wait(&w, 30) == 0, "no callback");
    CHECK(w.json && strstr(w.json, expected), "async: %s / %s", w.json ? w.json : "(null)", w.error ? w.error : "");
    CHECK(!pthread_equal(w.thread, pthread_self()), "callback ran on the caller's thread");
    waiter_destroy(&w);
    autoconf_free(autoconf);
    return 0;
}

#define THREADS 8
#define LOOKUPS 100

struct worker {
    autoconf_t *autoconf;
    int index;
    int done;
};

static void *work(void *argument) {
    struct worker *worker = argument;
    for (int n = worker->index; n < LOOKUPS; n += THREADS) {
        char email[64], expected[96];
        snprintf(email, sizeof email, "user%d@gmail.com", n);
        snprintf(expected, sizeof expected, "\"email\" : \"user%d@gmail.com\"", n);
        char *json = NULL, *error = NULL;
        if (n % 2 == 0) {
            json = autoconf_lookup_json(worker->autoconf, email, &error);
        } else {
            struct waiter w;
            waiter_init(&w);
            CHECK(autoconf_lookup_async(worker->autoconf, email, on_answer, &w) > 0, "async start %d", n);
            CHECK(waiter_wait(&w, 30) == 0, "no callback for %d", n);
            json = w.json;
            error = w.error;
            w.json = w.error = NULL;
            waiter_destroy(&w);
        }
        CHECK(json && strstr(json, expected) && strstr(json, "\"imap.gmail.com\""), "lookup %d: %s", n, error ? error : "(wrong document)");
        autoconf_string_free(json);
        autoconf_string_free(error);
        worker->done++;
    }
    return NULL;
}

static int threads(void) {
    autoconf_t *autoconf = must_new("{\"offline\": true}");
    pthread_t thread[THREADS];
    struct worker workers[THREADS];
    double start = now();
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){autoconf, i, 0};
        pthread_create(&thread[i], NULL, work, &workers[i]);
    }
    int done = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(thread[i], NULL);
        done += workers[i].done;
    }
    CHECK(done == LOOKUPS, "%d lookups done", done);
    printf("threads: %d lookups from %d threads in %.1f ms\n", done, THREADS, (now() - start) * 1000);
    autoconf_free(autoconf);
    return 0;
}

/* A UDP socket on 127.0.0.1 that never answers: a DNS server every query waits on. */
static void sleep_ms(long ms) {
    struct timespec duration = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&duration, NULL);
}

static int silent_dns(int *port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || getsockname(fd, (struct sockaddr *)&address, &length) != 0) {
        perror("silent DNS socket");
        exit(1);
    }
    *port = ntohs(address.sin_port);
    return fd;
}

static int cancel(void) {
    int port;
    int fd = silent_dns(&port);
    char options[256];
    snprintf(options, sizeof options, "{\"timeout\": 60, \"plugins\": [\"srv\", \"mx\"], \"dns-server\": [\"127.0.0.1:%d\"]}", port);
    autoconf_t *autoconf = must_new(options);

    struct waiter w;
    waiter_init(&w);
    long request = autoconf_lookup_async(autoconf, "alice@example.test", on_answer, &w);
    CHECK(request > 0, "async start");
    sleep_ms(200);
    CHECK(w.done == 0, "the lookup ended before it was cancelled: %s", w.json);
    double start = now();
    CHECK(autoconf_cancel(autoconf, request) == 0, "cancel of a running request refused");
    CHECK(waiter_wait(&w, 10) == 0, "no callback after cancel");
    double elapsed = now() - start;
    CHECK(w.json == NULL && w.error && strcmp(w.error, "lookup cancelled") == 0, "cancelled lookup: %s / %s", w.json, w.error);
    CHECK(elapsed < 2, "the callback came %.2f s after cancel", elapsed);
    CHECK(autoconf_cancel(autoconf, request) == -1, "an answered request cancelled again");
    CHECK(w.done == 1, "callback ran %d times", w.done);
    printf("cancel: callback %.1f ms after autoconf_cancel\n", elapsed * 1000);
    waiter_destroy(&w);

    /* Freeing a handle with lookups running cancels them; their callbacks still run. */
    struct waiter busy[3];
    for (int i = 0; i < 3; i++) {
        waiter_init(&busy[i]);
        CHECK(autoconf_lookup_async(autoconf, "bob@example.test", on_answer, &busy[i]) > 0, "async start");
    }
    sleep_ms(100);
    autoconf_free(autoconf);
    for (int i = 0; i < 3; i++) {
        CHECK(waiter_wait(&busy[i], 10) == 0, "no callback after autoconf_free");
        CHECK(busy[i].error && strcmp(busy[i].error, "lookup cancelled") == 0, "after free: %s", busy[i].error);
        waiter_destroy(&busy[i]);
    }
    close(fd);
    return 0;
}

static int verify(const char *options, const char *email, const char *password, unsigned flags, int expected_code, const char *expected) {
    autoconf_t *autoconf = must_new(options);
    char *json = NULL, *error = NULL;
    int code = autoconf_verify_json(autoconf, email, password, strlen(password), flags, &json, &error);
    CHECK(code == expected_code, "code %d, expected %d (%s)", code, expected_code, error ? error : "");
    CHECK((json && strstr(json, expected)) || (error && strstr(error, expected)), "expected '%s' in %s / %s", expected, json, error);
    autoconf_string_free(json);
    autoconf_string_free(error);
    autoconf_free(autoconf);
    return 0;
}

/* Callback for the leak run: frees at once. */
static void discard(void *user, char *json, char *error) {
    struct waiter *w = user;
    /* A handle freed with lookups running cancels them: that answer is allowed here. */
    CHECK(json != NULL || (error && strcmp(error, "lookup cancelled") == 0), "leak lookup failed: %s", error);
    autoconf_string_free(json);
    autoconf_string_free(error);
    pthread_mutex_lock(&w->mutex);
    w->done++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
}

static int leak(int count) {
    autoconf_t *autoconf = must_new("{\"offline\": true}");
    struct waiter w;
    waiter_init(&w);
    int started = 0;
    for (int n = 0; n < count; n++) {
        char email[64];
        snprintf(email, sizeof email, "user%d@gmail.com", n);
        if (n % 2 == 0) {
            char *error = NULL;
            char *json = autoconf_lookup_json(autoconf, email, &error);
            CHECK(json != NULL, "lookup %d: %s", n, error);
            autoconf_string_free(json);
            autoconf_string_free(error);
        } else {
            CHECK(autoconf_lookup_async(autoconf, email, discard, &w) > 0, "async start %d", n);
            started++;
        }
        if (n % 100 == 99) {  /* a fresh handle now and then: handles are freed too */
            autoconf_free(autoconf);
            autoconf = must_new("{\"offline\": true}");
        }
    }
    pthread_mutex_lock(&w.mutex);
    while (w.done < started) pthread_cond_wait(&w.cond, &w.mutex);
    pthread_mutex_unlock(&w.mutex);
    waiter_destroy(&w);
    autoconf_free(autoconf);
    printf("leak: %d lookups\n", count);
    return 0;
}

static int forget(void) {
    autoconf_t *autoconf = must_new("{\"offline\": true}");
    char *json = autoconf_lookup_json(autoconf, "someone@gmail.com", NULL);
    CHECK(json != NULL, "lookup failed");
    json = NULL;  /* not freed */
    autoconf_free(autoconf);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) return 64;
    const char *mode = argv[1];
    if (strcmp(mode, "basic") == 0 && argc == 3) basic(argv[2]);
    else if (strcmp(mode, "lookup") == 0 && argc == 5) lookup(argv[2], argv[3], argv[4]);
    else if (strcmp(mode, "threads") == 0) threads();
    else if (strcmp(mode, "cancel") == 0) cancel();
    else if (strcmp(mode, "verify") == 0 && argc == 8) verify(argv[2], argv[3], argv[4], (unsigned)atoi(argv[5]), atoi(argv[6]), argv[7]);
    else if (strcmp(mode, "leak") == 0 && argc == 3) leak(atoi(argv[2]));
    else if (strcmp(mode, "forget") == 0) forget();
    else return 64;
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    puts("ok");
    return 0;
}
