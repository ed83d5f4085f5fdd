"""`import_sparse` leaves out numpy's unused submodules and leaves numpy as it was.

Each check runs in a new interpreter: in this one scipy is already imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNUSED = ["numpy.f2py", "numpy.testing", "numpy.ma", "numpy.polynomial"]

_PROBE = """
import json, sys
import numpy
before = {"all": list(numpy.__all__), "dir": sorted(dir(numpy))}
from generator.sparse_import import import_sparse
import_sparse()
import_sparse()
from scipy import sparse
left = sparse.csr_matrix(([1.0, 2.0, 3.0], ([0, 0, 1], [0, 2, 1])), shape=(2, 3))
right = sparse.csr_matrix(([4.0, 5.0], ([0, 2], [1, 0])), shape=(3, 2))
print(json.dumps({
    "loaded": sorted(m for m in sys.modules if m.startswith("numpy.")),
    "same_all": list(numpy.__all__) == before["all"],
    "same_dir": sorted(dir(numpy)) == before["dir"],
    "product": (left @ right).toarray().tolist(),
    "sum": float(left.multiply(left).sum()),
}))
"""


@cache
def _probe() -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    found: dict[str, object] = json.loads(result.stdout)
    return found


def test_scipy_sparse_is_imported_without_numpys_unused_submodules() -> None:
    found = _probe()
    loaded = found["loaded"]
    assert isinstance(loaded, list)
    assert "numpy.linalg" in loaded  # what scipy needs is there
    assert [name for name in UNUSED if name in loaded] == []


def test_numpy_is_left_as_it_was_and_sparse_products_work() -> None:
    found = _probe()
    assert found["same_all"] is True
    assert found["same_dir"] is True
    assert found["product"] == [[10.0, 4.0], [0.0, 0.0]]
    assert found["sum"] == 14.0


_THREADS = """
import json, threading
import numpy
before = (list(numpy.__all__), sorted(dir(numpy)))
from generator.sparse_import import import_sparse
start = threading.Barrier(8)

def run():
    start.wait()
    import_sparse()

threads = [threading.Thread(target=run) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
from scipy import sparse
print(json.dumps((list(numpy.__all__), sorted(dir(numpy))) == before))
"""


def test_imports_in_several_threads_at_once_leave_numpy_as_it_was() -> None:
    """The preview builds in threads: numpy must come out of any interleaving as it was."""
    result = subprocess.run(
        [sys.executable, "-c", _THREADS], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(result.stdout) is True
