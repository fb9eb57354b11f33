"""Comparing what the student's code returned with what the reference returns.

Every check raises `autograder.grading.problems.Mismatch` with a message that names the call,
what was expected and what came back: the type, the shape, the first differing index,
the largest error. Values reach this module already decoded from the child, so they are
plain data: ``None``, numbers, strings, lists, tuples, dicts, NumPy scalars and arrays,
or `autograder.sandbox.codec.Unsupported`.

Tolerance (the contract's grading policy): ``|got − expected| ≤ atol + rtol·|expected|``
with ``rtol = 1e-5`` and, unless given, ``atol = 1e-6 · max|expected|`` (at least
``1e-12``), so float32 arithmetic passes where the maths is stable.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograder.course import messages
from autograder.grading.problems import Mismatch
from autograder.sandbox.codec import Unsupported

if TYPE_CHECKING:
    from autograder.grading.student import CallRecord

RTOL = 1e-5
ATOL_SCALE = 1e-6
SHOW_WHOLE = 36  # arrays up to this many elements are printed in full in a message


def _fmt(x):
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    return repr(x)


def _kind(x):
    if isinstance(x, Unsupported):
        return x.type_name
    if isinstance(x, np.ndarray):
        return f"ndarray {x.dtype} {x.shape}"
    return type(x).__name__


def _as_real_array(got, call, expected_kind):
    """``got`` as a float64 array, or a Mismatch explaining why it is not numbers."""
    if got is None:
        raise Mismatch(messages.text("returned_none", call=call))
    if isinstance(got, Unsupported):
        raise Mismatch(messages.text("unsupported", call=call, type=got.type_name, expected=expected_kind))
    if isinstance(got, (str, bytes, dict)):
        raise Mismatch(messages.text("not_numbers", call=call, type=_kind(got), expected=expected_kind))
    try:
        arr = np.asarray(got)
    except (ValueError, TypeError):  # ragged lists
        raise Mismatch(messages.text("not_numbers", call=call, type=_kind(got), expected=expected_kind)) from None
    if arr.dtype.kind == "c":
        raise Mismatch(messages.text("complex_values", call=call))
    if arr.dtype.kind not in "biuf":
        raise Mismatch(messages.text("not_numbers", call=call, type=_kind(got), expected=expected_kind))
    return arr.astype(np.float64)


def _shape_text(shape):
    return "()" if shape == () else str(tuple(shape))


def _image_details(expected, got):
    """The report's pictures of an image item: at most ``MAX_SIDE`` elements a side are
    kept (a returned 4096×4096 array is not held whole until the report is drawn)."""
    from autograder.grading.images import preview

    if got.ndim != 2 or got.size == 0:
        return {"image": {"expected": expected, "got": got}}
    small, shape = preview(got)
    return {"image": {"expected": expected, "got": small, "shapes": {"got": shape}}}


def close(got: object, expected: object, call: str, *, rtol: float = RTOL, atol: float | None = None,
          image: bool = False, part: str | None = None) -> None:
    """Check that ``got`` equals ``expected`` within tolerance.

    Parameters
    ----------
    got : object
        What the student's code returned (decoded data).
    expected : array_like or number
        The reference's value.
    call : str
        The call's description, for the message.
    rtol, atol : float, optional
        Tolerances; ``atol`` defaults to ``1e-6 · max|expected|``.
    image : bool, optional
        The value is an image: attach expected and returned arrays to the problem's
        ``details`` so that reports can show them side by side (a returned array is kept
        at most 256 elements a side, `autograder.grading.images.preview`).
    part : str, optional
        Which part of a larger result this is (``"y_hat"``, ``"grads['W1']"``).

    Raises
    ------
    Mismatch
    """
    expected = np.asarray(expected, dtype=np.float64)
    label = call if part is None else f"{call} → {part}"
    kind = messages.text("expected_number") if expected.ndim == 0 else messages.text("expected_array")
    arr = _as_real_array(got, label, kind)
    details = _image_details(expected, arr) if image else {}
    if arr.shape != expected.shape:
        raise Mismatch(
            messages.text("wrong_shape", call=label, expected=_shape_text(expected.shape), got=_shape_text(arr.shape)),
            details=details if image and arr.ndim == 2 else {},
        )
    if atol is None:
        finite = expected[np.isfinite(expected)]
        atol = max(1e-12, ATOL_SCALE * float(np.max(np.abs(finite)))) if finite.size else 1e-12
    if np.allclose(arr, expected, rtol=rtol, atol=atol, equal_nan=True):
        return  # the common case; the rest only builds the message
    both_nan = np.isnan(arr) & np.isnan(expected)
    same_inf = np.isinf(expected) & (arr == expected)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(arr - expected)
        bad = ~((err <= atol + rtol * np.abs(expected)) | both_nan | same_inf)
    if not bad.any():
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    got_at, exp_at = arr[first], expected[first]
    index = str(first) if arr.ndim else "()"
    if not np.isfinite(got_at) and np.isfinite(exp_at):
        message = messages.text("not_finite", call=label, index=index, got=_fmt(got_at), expected=_fmt(exp_at))
    elif arr.ndim == 0:
        message = messages.text("wrong_value", call=label, expected=_fmt(exp_at), got=_fmt(got_at),
                                max_error=_fmt(float(err)))
    else:
        finite_err = err[np.isfinite(err)]
        message = messages.text(
            "wrong_values", call=label, count=int(bad.sum()), total=bad.size, index=index,
            expected=_fmt(exp_at), got=_fmt(got_at),
            max_error=_fmt(float(finite_err.max())) if finite_err.size else "inf",
        )
    if 0 < arr.ndim and arr.size <= SHOW_WHOLE:
        message = messages.join(message, messages.text(
            "arrays_side_by_side",
            expected=array_text(expected),
            got=array_text(arr),
        ))
    raise Mismatch(message, details=details)


def integer(got: object, expected: int, call: str) -> None:
    """Check an int result: a Python or NumPy integer equal to ``expected`` (not ``4.0``)."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        shown = repr(float(got)) if isinstance(got, (float, np.floating)) else _fmt(got)
        raise Mismatch(messages.text("not_int", call=call, type=_kind(got), got=shown))
    if int(got) != int(expected):
        raise Mismatch(messages.text("wrong_int", call=call, expected=int(expected), got=int(got)))


def index_arrays(got: object, expected: Sequence[np.ndarray], call: str) -> None:
    """Check a list of integer index arrays (``minibatches``) element by element."""
    if not isinstance(got, (list, tuple)):
        raise Mismatch(messages.text("wrong_type", call=call, expected=messages.text("expected_list"), got=_kind(got)))
    if len(got) != len(expected):
        raise Mismatch(messages.text("wrong_length", call=call, expected=len(expected), got=len(got)))
    for i, (g, e) in enumerate(zip(got, expected)):
        label = f"{call}[{i}]"
        arr = _as_real_array(g, label, messages.text("expected_array"))
        if arr.shape != np.shape(e):
            raise Mismatch(messages.text("wrong_shape", call=label, expected=_shape_text(np.shape(e)),
                                         got=_shape_text(arr.shape)))
        if not np.array_equal(arr, e):
            first = int(np.argwhere(arr != e)[0][0])
            raise Mismatch(messages.text("wrong_values", call=label, count=int((arr != e).sum()), total=arr.size,
                                         index=f"({first},)", expected=_fmt(e[first]), got=_fmt(arr[first]),
                                         max_error=_fmt(float(np.max(np.abs(arr - e))))))


def tuple_of(got: object, length: int, call: str) -> tuple | list:
    """Check that ``got`` is a tuple (or list) of ``length`` items and return it."""
    if not isinstance(got, (tuple, list)):
        raise Mismatch(messages.text("wrong_type", call=call, expected=messages.text("expected_tuple"), got=_kind(got)))
    if len(got) != length:
        raise Mismatch(messages.text("wrong_length", call=call, expected=length, got=len(got)))
    return got


def dict_with(got: object, keys: Iterable[str], call: str) -> dict:
    """Check that ``got`` is a dict that has (at least) ``keys`` and return it."""
    if not isinstance(got, dict):
        raise Mismatch(messages.text("wrong_type", call=call, expected=messages.text("expected_dict"), got=_kind(got)))
    missing = [k for k in keys if k not in got]
    if missing:
        raise Mismatch(messages.text("wrong_keys", call=call, expected=sorted(keys), got=sorted(map(str, got))))
    return got


def dict_close(got: object, expected: dict, call: str, **tolerances: Any) -> None:
    """Check a dict of arrays key by key (``backward``'s gradients)."""
    got = dict_with(got, list(expected), call)
    for key, value in expected.items():
        close(got[key], value, call, part=f"[{key!r}]", **tolerances)


def unmodified(record: "CallRecord") -> None:
    """The call left its inputs as they were."""
    if record.mutated:
        raise Mismatch(messages.text("mutated", call=record.description, names=", ".join(record.mutated)))


def no_warning(record: "CallRecord", category: str = "RuntimeWarning") -> None:
    """The call raised no warning of ``category`` (overflow in ``exp``, say)."""
    hits = [w for w in record.warnings if w.startswith(category)]
    if hits:
        raise Mismatch(messages.text("warned", call=record.description, warnings="; ".join(hits[:2])))


def dtype(got: object, name: str, call: str) -> None:
    """An array of dtype ``name`` (``"float32"``) — asked for where the contract names one."""
    if not isinstance(got, np.ndarray) or got.dtype != np.dtype(name):
        raise Mismatch(messages.text("wrong_dtype", call=call, expected=name, got=_kind(got)))


def same(got: object, expected: object, *, rtol: float = RTOL, atol: float | None = None,
         integer: bool = False) -> bool:
    """Whether ``got`` equals ``expected`` as the checks above would judge it: numbers
    and arrays within tolerance (`close`), ints exactly and as ints (`integer`), lists,
    tuples and dicts element by element. Used to tell whether a misconception
    reproduces what the student's code returned."""
    if isinstance(expected, dict):
        return isinstance(got, dict) and set(map(str, got)) == set(map(str, expected)) and all(
            same(got.get(k), v, rtol=rtol, atol=atol, integer=integer) for k, v in expected.items())
    if isinstance(expected, (list, tuple)) and not _numeric_sequence(expected):
        return isinstance(got, (list, tuple)) and len(got) == len(expected) and all(
            same(g, e, rtol=rtol, atol=atol, integer=integer) for g, e in zip(got, expected))
    is_int = isinstance(expected, (int, np.integer)) and not isinstance(expected, (bool, np.bool_))
    if integer or is_int:
        got_int = isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_))
        if is_int or got_int:
            return is_int and got_int and int(got) == int(expected)
    try:
        close(got, expected, "", rtol=rtol, atol=atol)
    except (Mismatch, TypeError, ValueError):
        return False
    return True


def _numeric_sequence(value):
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


# ----------------------------------------------------------------------------- describing calls
def _array_text(value):
    """A small array with every element as ``{:.6g}`` (``-1e-09``, not ``-0.``)."""
    if value.ndim == 0:
        return _fmt(value[()])
    if value.dtype.kind not in "biuf":
        return " ".join(np.array2string(value, separator=", ").split())
    return "[" + ", ".join(_array_text(v) for v in value) + "]"


def array_text(value: object) -> str:
    """``value`` printed faithfully for a message (every element ``{:.6g}``, aligned)."""
    value = np.asarray(value)
    if value.dtype.kind not in "biuf":
        return np.array2string(value)
    width = max((len(_fmt(v)) for v in value.flat), default=1)
    return np.array2string(value, separator=" ", formatter={"all": lambda v: _fmt(v).rjust(width)},
                           max_line_width=100)


def describe_value(value: object, depth: int = 0) -> str:
    """A compact, faithful rendering of an argument: small arrays in full, others by
    dtype and shape; numbers as ``{:.6g}``."""
    from autograder.sandbox.codec import Ref

    if isinstance(value, np.ndarray):
        if value.size <= 6 and value.ndim <= 2:
            return _array_text(value)
        return f"array({value.dtype}, {'×'.join(map(str, value.shape)) or 'scalar'})"
    if isinstance(value, (bool, int, float, np.generic)) and not isinstance(value, (str, bytes)):
        return _fmt(value)
    if isinstance(value, (str, Ref)):
        return repr(value)
    if isinstance(value, dict):
        if depth > 1:
            return "{…}"
        return "{" + ", ".join(f"{k}: {describe_value(v, depth + 1)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        if len(value) <= 6 and depth <= 1:
            inner = ", ".join(describe_value(v, depth + 1) for v in value)
            return f"[{inner}]" if isinstance(value, list) else f"({inner})"
        return f"{type(value).__name__} of {len(value)}"
    if value is None:
        return "None"
    return type(value).__name__
