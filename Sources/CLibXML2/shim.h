#ifndef SLAC_CLIBXML2_SHIM_H
#define SLAC_CLIBXML2_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with Foundation's ICU.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/c14n.h>

/// `xmlFree` is a mutable C global that Swift 6 rejects; call it through this wrapper.
static inline void slac_xmlFree(void *pointer) { xmlFree(pointer); }
#endif
