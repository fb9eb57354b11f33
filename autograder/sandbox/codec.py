"""Values across the process boundary, as data only.

A value is encoded as JSON in which containers and NumPy values are tagged objects,
and arrays travel as dtype + shape + raw bytes (base64) from an allow-list of dtypes.
Decoding builds nothing but ``None``, ``bool``, ``int``, ``float``, ``complex``,
``str``, ``bytes``, ``list``, ``tuple``, ``dict``, NumPy scalars and ``ndarray`` — no
pickle, no ``eval``, no import, no object hooks that run code.

References to things that only make sense in the child (a grader-owned function such
as ``mse_grad``, a seeded ``numpy.random.Generator``) are tags too; they are resolved
only where ``decode(..., resolve=...)`` is given a resolver, which only the child does.
A message from the child that carries such a tag is rejected by the parent.

Limits (`MAX_MESSAGE_BYTES`, `MAX_DEPTH`, `MAX_ITEMS`) bound what a hostile child can
make the parent allocate.
"""

import base64
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np

#: dtypes that may cross the boundary (native byte order is normalised on the way out)
ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128"]
)
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000
MAX_REPR = 200


class CodecError(ValueError):
    """A value that cannot be encoded, or a message that is not well-formed data."""


class TooLarge(CodecError):
    """A value over the size limit: never replaced by an `Unsupported` marker."""


class Unsupported:
    """Stands for a returned object the codec does not carry (a function, a class …).

    Attributes
    ----------
    type_name : str
        Its type's qualified name, as the child reported it.
    text : str
        A short ``repr`` from the child (untrusted text, truncated).
    """

    __slots__ = ("type_name", "text")

    def __init__(self, type_name, text):
        self.type_name = str(type_name)[:MAX_REPR]
        self.text = str(text)[:MAX_REPR]

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"

    def __eq__(self, other):
        return isinstance(other, Unsupported) and (self.type_name, self.text) == (other.type_name, other.text)

    __hash__ = None


class Ref:
    """A reference, resolved only in the child: ``Ref("fn", "mse_grad", {...})``.

    Parameters
    ----------
    kind : {"fn", "rng"}
        ``"fn"``: a grader-owned callable from `autograder.sandbox.trusted`, with keyword
        arguments bound; ``"rng"``: ``numpy.random.default_rng(seed)``.
    name : str or int
        The callable's name, or the seed.
    kwargs : dict, optional
        Values bound to the callable (encoded like any value).
    """

    __slots__ = ("kind", "name", "kwargs")

    def __init__(self, kind, name, kwargs=None):
        if kind not in ("fn", "rng"):
            raise CodecError(f"unknown reference kind {kind!r}")
        self.kind, self.name, self.kwargs = kind, name, dict(kwargs or {})

    def __repr__(self):
        if self.kind == "rng":
            return f"default_rng({self.name})"
        return self.name


def fn(name: str, **kwargs: Any) -> Ref:
    """A grader-owned callable for the child, e.g. ``fn("mse_grad")``."""
    return Ref("fn", name, kwargs)


def rng(seed: int) -> Ref:
    """``numpy.random.default_rng(seed)``, made in the child."""
    return Ref("rng", int(seed))


# ----------------------------------------------------------------------------- encode
def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _encode_array(a):
    dtype = a.dtype.newbyteorder("=") if a.dtype.byteorder not in ("=", "|") else a.dtype
    if dtype.name not in ALLOWED_DTYPES:
        raise CodecError(f"arrays of dtype {a.dtype} cannot be sent")
    if a.nbytes * 4 // 3 > MAX_MESSAGE_BYTES:  # checked before any copy is made
        raise TooLarge(f"an array of {a.nbytes // 2**20} MB is too large to send")
    shape = list(a.shape)  # np.ascontiguousarray makes a 0-d array 1-d: keep the shape
    a = np.ascontiguousarray(a, dtype=dtype)
    return {"$": "nd", "dtype": dtype.name, "shape": shape, "data": _b64(a.tobytes())}


def _encode_numpy(value):
    if isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.name not in ALLOWED_DTYPES:
            raise CodecError(f"NumPy scalars of dtype {arr.dtype} cannot be sent")
        return {"$": "np", "dtype": arr.dtype.name, "data": _b64(arr.tobytes())}
    out = _encode_array(np.asarray(value))
    if type(value) is not np.ndarray:
        out["subclass"] = type(value).__qualname__[:MAX_REPR]
    return out


def _to_data(value, depth, lenient):
    if depth > MAX_DEPTH:
        raise CodecError("value is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        if math.isfinite(value):
            return value
        return {"$": "float", "text": repr(value)}  # nan, inf, -inf
    if isinstance(value, (np.ndarray, np.generic)):
        try:
            return _encode_numpy(value)
        except TooLarge:
            raise
        except CodecError:
            if lenient:
                return _unsupported(value)
            raise
    if isinstance(value, int):  # int subclasses (IntEnum …) travel as plain ints
        return int(value)
    if isinstance(value, float):
        return _to_data(float(value), depth, lenient)
    if isinstance(value, complex):
        return {"$": "complex", "re": _to_data(value.real, depth, lenient), "im": _to_data(value.imag, depth, lenient)}
    if isinstance(value, (bytes, bytearray)):
        return {"$": "bytes", "data": _b64(bytes(value))}
    if isinstance(value, list):
        return [_to_data(v, depth + 1, lenient) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "items": [_to_data(v, depth + 1, lenient) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "items": [[_to_data(k, depth + 1, lenient), _to_data(v, depth + 1, lenient)]
                                      for k, v in value.items()]}
    if isinstance(value, Ref):
        return {"$": "ref", "kind": value.kind, "name": value.name,
                "kwargs": _to_data(value.kwargs, depth + 1, lenient)}
    if lenient:
        return _unsupported(value)
    raise CodecError(f"values of type {type(value).__qualname__} cannot be sent")


def _unsupported(value):
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a hostile __repr__ must not break the reply
        text = "<repr failed>"
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    if isinstance(value, (np.ndarray, np.generic)):
        kind = f"{kind} of dtype {value.dtype}"
    return {"$": "unsupported", "type": kind[:MAX_REPR], "repr": str(text)[:MAX_REPR]}


def encode(value: Any, *, lenient: bool = False) -> bytes:
    """Encode ``value`` as UTF-8 JSON bytes.

    Parameters
    ----------
    value : object
        Built from the supported types.
    lenient : bool, optional
        Encode an unsupported object as an `Unsupported` marker instead of raising
        (the child uses this for whatever a student function returns).

    Raises
    ------
    CodecError
        An unsupported type (unless ``lenient``), a disallowed dtype, too deep a nest,
        too many items, or an encoded message over `MAX_MESSAGE_BYTES`.
    """
    try:
        data = json.dumps(_to_data(value, 0, lenient), allow_nan=False, separators=(",", ":"))
    except RecursionError:
        raise CodecError("value is nested too deeply") from None
    if len(data) > MAX_MESSAGE_BYTES:
        raise CodecError(f"value is too large to send ({len(data)} bytes)")
    data = data.encode("utf-8")
    _check_structure(data)  # what `decode` would refuse is not sent
    return data


# ----------------------------------------------------------------------------- decode
class _Budget:
    def __init__(self):
        self.items = 0

    def take(self, n=1):
        self.items += n
        if self.items > MAX_ITEMS:
            raise CodecError("message holds too many items")


def _from_data(obj, depth, budget, resolve):
    if depth > MAX_DEPTH:
        raise CodecError("message is nested too deeply")
    budget.take()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, list):
        return [_from_data(v, depth + 1, budget, resolve) for v in obj]
    if not isinstance(obj, dict):
        raise CodecError(f"unexpected JSON value of type {type(obj).__name__}")
    tag = obj.get("$")
    if tag == "nd":
        return _decode_array(obj)
    if tag == "np":
        dtype = _dtype(obj.get("dtype"))
        raw = _unb64(obj.get("data"))
        if len(raw) != dtype.itemsize:
            raise CodecError("NumPy scalar has the wrong number of bytes")
        return np.frombuffer(raw, dtype=dtype)[0].copy()
    if tag == "float":
        text = obj.get("text")
        if text not in ("nan", "inf", "-inf"):
            raise CodecError(f"bad special float {text!r}")
        return float(text)
    if tag == "complex":
        return complex(_number(obj.get("re"), depth, budget), _number(obj.get("im"), depth, budget))
    if tag == "bytes":
        return _unb64(obj.get("data"))
    if tag == "tuple":
        return tuple(_from_data(v, depth + 1, budget, resolve) for v in _list(obj.get("items")))
    if tag == "dict":
        out = {}
        for pair in _list(obj.get("items")):
            if not isinstance(pair, list) or len(pair) != 2:
                raise CodecError("dict items must be pairs")
            key = _from_data(pair[0], depth + 1, budget, resolve)
            try:
                out[key] = _from_data(pair[1], depth + 1, budget, resolve)
            except TypeError:
                raise CodecError(f"unhashable dict key of type {type(key).__name__}") from None
        return out
    if tag == "unsupported":
        return Unsupported(obj.get("type", "?"), obj.get("repr", ""))
    if tag == "ref":
        if resolve is None:
            raise CodecError("references are not accepted here")
        kwargs = _from_data(obj.get("kwargs"), depth + 1, budget, resolve)
        return resolve(Ref(obj.get("kind"), obj.get("name"), kwargs))
    raise CodecError(f"unknown tag {tag!r}")


def _number(obj, depth, budget):
    value = _from_data(obj, depth + 1, budget, None)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise CodecError("complex parts must be numbers")
    return value


def _list(obj):
    if not isinstance(obj, list):
        raise CodecError("expected a list")
    return obj


def _dtype(name):
    if name not in ALLOWED_DTYPES:
        raise CodecError(f"dtype {name!r} is not allowed")
    return np.dtype(name)


def _unb64(text):
    if not isinstance(text, str):
        raise CodecError("expected base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise CodecError("bad base64 data") from None


def _decode_array(obj):
    dtype = _dtype(obj.get("dtype"))
    shape = obj.get("shape")
    if not isinstance(shape, list) or len(shape) > 32 or not all(
        type(n) is int and 0 <= n <= MAX_MESSAGE_BYTES for n in shape
    ):
        raise CodecError(f"bad array shape {shape!r}")
    raw = _unb64(obj.get("data"))
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise CodecError("array data does not match its shape and dtype")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(data: bytes, *, resolve: Callable[[Ref], Any] | None = None) -> Any:
    """Decode bytes made by `encode`.

    Parameters
    ----------
    data : bytes
    resolve : callable, optional
        ``resolve(ref) -> object`` for `Ref` tags. Without it (the parent) a reference
        in the message is an error.

    Raises
    ------
    CodecError
        Anything that is not a well-formed message within the limits.
    """
    if len(data) > MAX_MESSAGE_BYTES:
        raise CodecError(f"message too large ({len(data)} bytes)")
    _check_structure(data)
    try:
        obj = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodecError(f"not a JSON message: {exc}") from None
    except RecursionError:  # the parser counts its own depth against Python's recursion limit
        raise CodecError("message is nested too deeply") from None
    except ValueError as exc:  # an int with too many digits
        raise CodecError(f"message rejected: {type(exc).__name__}") from None
    try:
        return _from_data(obj, 0, _Budget(), resolve)
    except RecursionError:
        raise CodecError("message is nested too deeply") from None


def _check_structure(data):
    """Refuse, before parsing, a message that would make too many values.

    Every JSON container or element past the first in a container is announced by a
    ``[``, ``{`` or ``,``; counting them (also inside strings: an over-count, never an
    under-count; base64 has none of them) bounds what ``json.loads`` would allocate.
    Depth needs no scan: the parser stops at Python's recursion limit, and `_from_data`
    at `MAX_DEPTH` (scanning for string boundaries with a regular expression took memory
    in proportion to the strings' length).
    """
    if data.count(b"[") + data.count(b"{") + data.count(b",") > MAX_ITEMS:
        raise CodecError("message holds too many items")


def _reject_constant(name):
    raise CodecError(f"bare {name} is not allowed")
