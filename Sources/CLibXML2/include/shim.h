#ifndef AUTOCONF_CLIBXML2_SHIM_H
#define AUTOCONF_CLIBXML2_SHIM_H
// xmlversion.h first so ICU can be switched off before any header that would pull in ICU's
// UErrorCode, which clashes with Foundation's private copy.
//
// `libxml` beside this header links to /usr/include/libxml2/libxml (libxml2-dev): this directory is
// the target's public include path, which SwiftPM passes to every target that imports the module,
// so <libxml/...> resolves without pkg-config (whose --libs would link libxml2).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

// libxml2 is not linked: LibXML.swift dlopens libxml2.so.2 at first use, because linking it (and
// ICU, liblzma, libz and libstdc++ behind it) costs every process ~2 ms at startup. Nothing here
// may reference a libxml2 function or variable; only the headers' types and constants are used.
//
// Function-pointer types for what LibXML resolves with dlsym, from libxml2's own prototypes
// (__typeof__ is never evaluated, so no symbol is referenced), so they cannot drift.
typedef __typeof__(&xmlInitParser) autoconf_xmlInitParser_fn;
typedef __typeof__(&xmlNewParserCtxt) autoconf_xmlNewParserCtxt_fn;
typedef __typeof__(&xmlFreeParserCtxt) autoconf_xmlFreeParserCtxt_fn;
typedef __typeof__(&xmlSetStructuredErrorFunc) autoconf_xmlSetStructuredErrorFunc_fn;
typedef __typeof__(&xmlCtxtReadMemory) autoconf_xmlCtxtReadMemory_fn;
typedef __typeof__(&xmlCtxtGetLastError) autoconf_xmlCtxtGetLastError_fn;
typedef __typeof__(&xmlFreeDoc) autoconf_xmlFreeDoc_fn;
typedef __typeof__(&xmlDocGetRootElement) autoconf_xmlDocGetRootElement_fn;
typedef __typeof__(&xmlGetLineNo) autoconf_xmlGetLineNo_fn;
typedef __typeof__(&xmlNewDoc) autoconf_xmlNewDoc_fn;
typedef __typeof__(&xmlNewNode) autoconf_xmlNewNode_fn;
typedef __typeof__(&xmlNewProp) autoconf_xmlNewProp_fn;
typedef __typeof__(&xmlNodeAddContent) autoconf_xmlNodeAddContent_fn;
typedef __typeof__(&xmlAddChild) autoconf_xmlAddChild_fn;
typedef __typeof__(&xmlDocSetRootElement) autoconf_xmlDocSetRootElement_fn;
typedef __typeof__(&xmlDocDumpFormatMemoryEnc) autoconf_xmlDocDumpFormatMemoryEnc_fn;
typedef __typeof__(&xmlValidateNCName) autoconf_xmlValidateNCName_fn;
#endif
