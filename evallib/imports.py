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
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["PAPERMILL_OPTIONAL", "SLOW_OPTIONAL", "skip_slow_optional_imports", "unavailable"]

#: Optional modules that other libraries try to import and that evallib never needs.
SLOW_OPTIONAL = ("rfc3987_syntax",)
#: Cloud clients papermill tries at import for its s3:// and github:// notebook paths (boto3
#: alone costs 0.23 s); evallib passes local paths only.  Kept unloaded while the warm
#: process imports papermill, then importable again (a user's notebook may use boto3).
PAPERMILL_OPTIONAL = ("boto3", "github")


def skip_slow_optional_imports() -> None:
    """Make ``import`` of :data:`SLOW_OPTIONAL` fail with ImportError in this process (their
    importers treat them as optional); a module already imported is left as it is."""
    for name in SLOW_OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


@contextmanager
def unavailable(names: tuple[str, ...]) -> Iterator[None]:
    """Within the block, ``import`` of ``names`` fails with ImportError (modules already
    imported are left alone); afterwards they can be imported again."""
    added = [n for n in names if n not in sys.modules]
    for n in added:
        sys.modules[n] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for n in added:
            if sys.modules.get(n, 0) is None:
                del sys.modules[n]
