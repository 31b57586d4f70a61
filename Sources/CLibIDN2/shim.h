#ifndef AUTOCONF_CLIBIDN2_SHIM_H
#define AUTOCONF_CLIBIDN2_SHIM_H
#include <idn2.h>
#endif
