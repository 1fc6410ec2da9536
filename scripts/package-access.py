#!/usr/bin/env python3
"""Issue 11, point 6: `package` instead of `public` for what only this package uses.

Step 1: every declaration-level `public` in Sources/ becomes `package`, except in the SLACTool
library (the product library users import) and the `slac` executable.
Step 2: the declarations that SLACTool's public API needs (types in its public signatures, and
what they need in turn) become `public` again; the names are listed in KEEP_PUBLIC below, found
by building after step 1 and reading the compiler's "uses a package type" errors.
Run from the package root; idempotent."""
import pathlib, re, sys

KEEP_PUBLIC = ['WindowSelection', 'SQLDialect', 'SQLInputFormat']
TOOL_PACKAGE_FILES = {'ContractLoading.swift', 'PlanBuilding.swift', 'Digest.swift', 'UsageErrorText.swift'}
decl = re.compile(r'^(\s*(?:@\w+(?:\([^)]*\))?\s+)*)public\b', re.M)
for f in sorted(pathlib.Path('Sources').rglob('*.swift')):
    if f.parts[1] == 'slac':
        continue
    s = f.read_text()
    if f.parts[1] == 'SLACTool':
        # The library product: its commands, options, outputs and exit codes stay public; helpers
        # that hand out the package's model types (used by the executable and the tests) become package.
        if f.name in TOOL_PACKAGE_FILES:
            t = decl.sub(r'\1package', s)
        else:
            t = s.replace('    public static func evaluate(', '    package static func evaluate(')
        if t != s:
            f.write_text(t)
        continue
    t = decl.sub(r'\1package', s)
    for name in KEEP_PUBLIC:
        if not name:
            continue
        # `package struct NAME`, `package final class NAME`, `package enum NAME`, `package protocol NAME`, ...
        t = re.sub(r'^(\s*(?:@\w+(?:\([^)]*\))?\s+)*)package((?:\s+final|\s+indirect)*\s+(?:struct|enum|class|protocol|typealias|actor)\s+'
                   + re.escape(name) + r')\b', r'\1public\2', t, flags=re.M)
    if t != s:
        f.write_text(t)
