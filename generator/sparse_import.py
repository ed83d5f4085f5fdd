"""Importing scipy.sparse without the numpy submodules it never uses.

scipy (1.15 to at least 1.17) vendors array_api_compat, whose `numpy` namespace is made
at import by `from numpy import *` and then `hasattr(numpy, name)` for every name of
`dir(numpy)`. numpy loads its submodules lazily, on first attribute access, and both
`numpy.__all__` and `dir(numpy)` name them all: so importing scipy.sparse imported
numpy.f2py, numpy.testing, numpy.ma, numpy.polynomial and others (and what they import:
json, email, charset_normalizer). That was 0.10 s of the 0.17 s of `from scipy import
sparse` on the benchmark machine, in every build that groups articles again (an edit in
an article's lead), about a tenth of such a build at 1,000 articles.

So while scipy.sparse is imported, numpy's `__all__` and `__dir__` name only what numpy
has already loaded; both are put back afterwards. scipy's copy of the namespace then
lacks those submodules: only its test helpers use any of them (`xp.testing`), and the
submodules it needs (linalg, fft) it imports itself. numpy as the rest of the program
sees it is unchanged.
"""

from __future__ import annotations

import importlib
import sys
import threading

_ONE_AT_A_TIME = threading.Lock()
"""The preview builds in threads: two imports at once would each put back what the
other had changed, leaving numpy changed."""


def import_sparse() -> None:
    """Import scipy.sparse, once per process, without numpy's unused submodules; then
    `from scipy import sparse` finds it imported. Where numpy lacks `__all__` (another
    layout than numpy 2's), scipy is imported as it is."""
    if "scipy.sparse" in sys.modules:
        return
    with _ONE_AT_A_TIME:
        if "scipy.sparse" not in sys.modules:
            _import_with_numpy_trimmed()


def _import_with_numpy_trimmed() -> None:
    import numpy

    namespace = vars(numpy)
    if not isinstance(namespace.get("__all__"), list):
        importlib.import_module("scipy.sparse")
        return
    every_name: list[str] = namespace["__all__"]
    own_dir = namespace.get("__dir__")
    listed = own_dir if own_dir is not None else lambda: list(namespace)
    numpy.__all__ = [name for name in every_name if name in namespace]
    numpy.__dir__ = lambda: [name for name in listed() if name in namespace]  # type: ignore[method-assign]
    try:
        importlib.import_module("scipy.sparse")
    finally:
        numpy.__all__ = every_name
        if own_dir is None:
            del numpy.__dir__
        else:
            numpy.__dir__ = own_dir  # type: ignore[method-assign]
