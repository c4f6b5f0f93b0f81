"""Import-time costs evallib's own processes avoid.

``nbformat`` (and so papermill, nbclient, nbconvert) imports ``jsonschema``, whose format
checkers import the optional ``rfc3987_syntax`` if it is installed (``jsonschema[format-
nongpl]`` installs it).  That package compiles about 35 Lark grammars when imported: 1.9 s on
this machine, on every ``evallib`` command that runs a notebook, for an ``iri`` format that no
notebook schema uses (python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532).

:func:`skip_slow_optional_imports` marks it as absent — only in processes evallib owns (the CLI
and the warm report workers), never on ``import evallib`` inside a user's session.
"""

from __future__ import annotations

import sys

__all__ = ["SLOW_OPTIONAL", "skip_slow_optional_imports"]

#: Optional modules that other libraries try to import and that evallib never needs.
SLOW_OPTIONAL = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make ``import`` of :data:`SLOW_OPTIONAL` fail with ImportError in this process (their
    importers treat them as optional); a module already imported is left as it is."""
    for name in SLOW_OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
