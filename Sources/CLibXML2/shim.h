#ifndef AUTOCONF_CLIBXML2_SHIM_H
#define AUTOCONF_CLIBXML2_SHIM_H
// xmlversion.h first so ICU can be switched off before any header that would pull in ICU's
// UErrorCode, which clashes with Foundation's private copy.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#endif
