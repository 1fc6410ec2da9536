#ifndef SLAC_CLIBXSLT_SHIM_H
#define SLAC_CLIBXSLT_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with Foundation's ICU; this must
// come before any other libxml2 or libxslt header.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <stdarg.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>

/// Where libxslt's messages go: Swift cannot implement libxslt's variadic error callback, so the
/// callback below formats each message with vsnprintf and hands the text to this non-variadic sink.
typedef void (*slac_xslt_message_sink)(void *user, const char *text);

/// The context pointer given to libxslt: the sink and its user data.
typedef struct slac_xslt_error_target {
    slac_xslt_message_sink sink;
    void *user;
} slac_xslt_error_target;

/// libxslt's `xmlGenericErrorFunc`: formats into a bounded buffer (longer messages are cut) and
/// forwards the text; messages arrive in pieces, the sink joins them.
static void slac_xslt_generic_error(void *context, const char *format, ...) {
    if (context == NULL || format == NULL) return;
    slac_xslt_error_target *target = (slac_xslt_error_target *)context;
    if (target->sink == NULL) return;
    char buffer[2048];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer, sizeof buffer, format, arguments);
    va_end(arguments);
    target->sink(target->user, buffer);
}

/// Routes libxslt's process-wide generic errors (stylesheet compilation) to `target`.
static inline void slac_xslt_set_generic_error_target(slac_xslt_error_target *target) {
    xsltSetGenericErrorFunc(target, target == NULL ? NULL : slac_xslt_generic_error);
}

/// Routes one transformation's errors to `target`.
static inline void slac_xslt_set_transform_error_target(xsltTransformContextPtr context, slac_xslt_error_target *target) {
    xsltSetTransformErrorFunc(context, target, slac_xslt_generic_error);
}

/// Routes libxml2's process-wide generic errors (used by XPath during a transformation) to `target`.
static inline void slac_xml_set_generic_error_target(slac_xslt_error_target *target) {
    xmlSetGenericErrorFunc(target, target == NULL ? NULL : slac_xslt_generic_error);
}

/// `xmlFree` is a mutable C global that Swift 6 rejects; call it through this wrapper.
static inline void slac_xslt_xmlFree(void *pointer) { xmlFree(pointer); }
#endif
