#ifndef AUTOCONF_CCARES_SHIM_H
#define AUTOCONF_CCARES_SHIM_H
#include <ares.h>
#include <ares_dns.h>
#include <arpa/nameser.h>
#include <netdb.h>
#endif
