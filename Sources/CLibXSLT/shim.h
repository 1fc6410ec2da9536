#ifndef SLAC_CLIBXSLT_SHIM_H
#define SLAC_CLIBXSLT_SHIM_H
// The libxml2 shim first: it keeps the system ICU out and defines the message target.
#include "../CLibXML2/shim.h"
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>

/// Routes libxslt's process-wide generic errors (stylesheet compilation) to `target`.
static inline void slac_xslt_set_generic_error_target(slac_xml_error_target *target) {
    xsltSetGenericErrorFunc(target, target == NULL ? NULL : slac_xml_generic_error);
}

/// Routes one transformation's errors to `target`.
static inline void slac_xslt_set_transform_error_target(xsltTransformContextPtr context, slac_xml_error_target *target) {
    xsltSetTransformErrorFunc(context, target, slac_xml_generic_error);
}

#endif
