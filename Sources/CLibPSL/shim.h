#ifndef AUTOCONF_CLIBPSL_SHIM_H
#define AUTOCONF_CLIBPSL_SHIM_H
#include <libpsl.h>
#endif
