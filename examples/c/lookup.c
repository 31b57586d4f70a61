/* Looks up an address with the C API and prints the JSON document.
 *   cc lookup.c $(pkg-config --cflags --libs autoconf) -o lookup && ./lookup alice@gmail.com */
#include <autoconf.h>
#include <stdio.h>

int main(int argc, char **argv) {
    char *error = NULL;
    autoconf_t *autoconf = autoconf_new("{\"timeout\": 5}", &error);
    if (!autoconf) {
        fprintf(stderr, "lookup: %s\n", error);
        autoconf_string_free(error);
        return 2;
    }
    char *json = autoconf_lookup_json(autoconf, argc > 1 ? argv[1] : "someone@gmail.com", &error);
    if (json) puts(json);
    else fprintf(stderr, "lookup: %s\n", error);
    autoconf_string_free(json);
    autoconf_string_free(error);
    autoconf_free(autoconf);
    return json ? 0 : 2;
}
