#ifndef AUTOCONF_CUNBOUND_SHIM_H
#define AUTOCONF_CUNBOUND_SHIM_H
#include <unbound.h>
// The libunbound functions AutoconfKit resolves with dlsym, as typed function pointers.
typedef struct ub_ctx *(*autoconf_ub_ctx_create_fn)(void);
typedef void (*autoconf_ub_ctx_delete_fn)(struct ub_ctx *);
typedef int (*autoconf_ub_ctx_set_option_fn)(struct ub_ctx *, const char *, const char *);
typedef int (*autoconf_ub_ctx_set_fwd_fn)(struct ub_ctx *, const char *);
typedef int (*autoconf_ub_ctx_resolvconf_fn)(struct ub_ctx *, const char *);
typedef int (*autoconf_ub_ctx_add_ta_file_fn)(struct ub_ctx *, const char *);
typedef int (*autoconf_ub_ctx_zone_remove_fn)(struct ub_ctx *, const char *);
typedef int (*autoconf_ub_ctx_async_fn)(struct ub_ctx *, int);
typedef int (*autoconf_ub_fd_fn)(struct ub_ctx *);
typedef int (*autoconf_ub_process_fn)(struct ub_ctx *);
typedef int (*autoconf_ub_resolve_async_fn)(struct ub_ctx *, const char *, int, int, void *, ub_callback_type, int *);
typedef int (*autoconf_ub_cancel_fn)(struct ub_ctx *, int);
typedef void (*autoconf_ub_resolve_free_fn)(struct ub_result *);
typedef const char *(*autoconf_ub_strerror_fn)(int);
#endif
