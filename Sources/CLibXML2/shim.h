#ifndef SLAC_CLIBXML2_SHIM_H
#define SLAC_CLIBXML2_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with Foundation's ICU.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <stdarg.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
#include <libxml/c14n.h>

/// `xmlFree` is a mutable C global that Swift 6 rejects; call it through this wrapper.
static inline void slac_xmlFree(void *pointer) { xmlFree(pointer); }

/// Where libxml2's and libxslt's generic messages go: Swift cannot implement their variadic error
/// callback, so the callback below formats each message with vsnprintf and hands the text to this
/// non-variadic sink.
typedef void (*slac_xml_message_sink)(void *user, const char *text);

/// The context pointer given to libxml2 or libxslt: the sink and its user data.
typedef struct slac_xml_error_target {
    slac_xml_message_sink sink;
    void *user;
} slac_xml_error_target;

/// An `xmlGenericErrorFunc`: formats into a bounded buffer (longer messages are cut) and forwards
/// the text; messages arrive in pieces, the sink joins them.
static void slac_xml_generic_error(void *context, const char *format, ...) {
    if (context == NULL || format == NULL) return;
    slac_xml_error_target *target = (slac_xml_error_target *)context;
    if (target->sink == NULL) return;
    char buffer[2048];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer, sizeof buffer, format, arguments);
    va_end(arguments);
    target->sink(target->user, buffer);
}

/// Routes libxml2's generic errors of this thread (encodings, I/O, XPath) to `target`.
static inline void slac_xml_set_generic_error_target(slac_xml_error_target *target) {
    xmlSetGenericErrorFunc(target, target == NULL ? NULL : slac_xml_generic_error);
}
#endif
