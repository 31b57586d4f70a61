#ifndef AUTOCONF_CCARES_SHIM_H
#define AUTOCONF_CCARES_SHIM_H
#include <ares.h>
#include <ares_dns.h>
#include <arpa/nameser.h>
#include <netdb.h>
// c-ares' header macros (ares_dns.h), which Swift cannot call: typed wrappers. They read or set
// fixed header fields only; every record is parsed by c-ares' own ares_parse_*_reply.
static inline int autoconf_dns_rcode(const unsigned char *h) { return DNS_HEADER_RCODE(h); }
static inline int autoconf_dns_ancount(const unsigned char *h) { return DNS_HEADER_ANCOUNT(h); }
// Z holds the three bits Z|AD|CD (RFC 4035 §3.2); AD is its middle bit.
static inline int autoconf_dns_authenticated_data(const unsigned char *h) { return (DNS_HEADER_Z(h) & 0x2) != 0; }
static inline void autoconf_dns_request_authenticated_data(unsigned char *h) { DNS_HEADER_SET_Z(h, 0x2); }
// ares_create_query(..., max_udp_size) ends the query with an EDNS OPT record (RFC 6891): root
// name, TYPE=41, CLASS=size, TTL=ext-rcode|version|flags, RDLEN=0. Sets its DO bit ("DNSSEC OK"),
// which asks a validating resolver to report validation; checks the layout before touching it.
static inline int autoconf_dns_set_dnssec_ok(unsigned char *q, int len) {
    if (len < 12 + 11) return 0;  // header + OPT record
    unsigned char *opt = q + len - 11;
    if (opt[0] != 0 || opt[1] != 0 || opt[2] != 41) return 0;
    opt[7] |= 0x80;
    return 1;
}
#endif
