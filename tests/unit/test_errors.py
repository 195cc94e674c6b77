"""InputError keeps its parts across a process boundary (multiprocessing pickles it)."""

import pickle

from dualdx.core.errors import InputError


def test_input_error_survives_pickling_with_its_parts() -> None:
    e = InputError("annotations.json", "variant 3 has no 'gene'", "re-run annotate",
                   where="variants[3]")
    back = pickle.loads(pickle.dumps(e))
    assert isinstance(back, InputError)
    assert (back.path, back.problem, back.fix, back.where) == (
        "annotations.json", "variant 3 has no 'gene'", "re-run annotate", "variants[3]")
    assert str(back) == str(e)
