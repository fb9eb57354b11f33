"""The data-only codec between the grader and the student's child process."""

import json
import math

import numpy as np
import pytest

from autograder.sandbox import codec


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2**80, 1.5, float("inf"), -float("inf"), "名稱", b"\x00\xff", 1 + 2j,
    [1, [2.0, "x"]], (1, (2, 3)), {"W1": 1, 3: "three", (1, 2): None},
    np.float32(0.25), np.int64(4), np.bool_(True),
    np.arange(12, dtype=np.int16).reshape(3, 4), np.array(3.5), np.zeros((0, 3)), np.ones((2, 2), dtype=np.complex64),
    np.arange(6.0).reshape(2, 3).T, np.array([1, 2], dtype=">i4"),
])
def test_round_trip(value):
    back = codec.decode(codec.encode(value))
    if isinstance(value, np.ndarray):
        assert isinstance(back, np.ndarray) and back.shape == value.shape
        assert back.dtype == value.dtype.newbyteorder("=") and np.array_equal(back, value)
    elif isinstance(value, np.generic):
        assert type(back) is type(value) and back == value
    else:
        assert back == value and type(back) is type(value)


def test_nan_round_trips():
    assert math.isnan(codec.decode(codec.encode(float("nan"))))
    assert np.isnan(codec.decode(codec.encode(np.array([np.nan])))).all()


def test_object_arrays_and_objects_are_refused_or_marked():
    with pytest.raises(codec.CodecError):
        codec.encode(np.array([object()], dtype=object))
    marked = codec.decode(codec.encode(np.array([object()], dtype=object), lenient=True))
    assert isinstance(marked, codec.Unsupported) and "dtype object" in marked.type_name
    assert isinstance(codec.decode(codec.encode(lambda: 1, lenient=True)), codec.Unsupported)


def test_subclasses_arrive_as_plain_arrays():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    back = codec.decode(codec.encode(np.zeros(3).view(Liar)))
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


def test_references_resolve_only_where_a_resolver_is_given():
    data = codec.encode([codec.fn("mse_grad", lr=0.1), codec.rng(3)])
    with pytest.raises(codec.CodecError, match="references are not accepted"):
        codec.decode(data)
    resolved = codec.decode(data, resolve=lambda ref: (ref.kind, ref.name, ref.kwargs))
    assert resolved == [("fn", "mse_grad", {"lr": 0.1}), ("rng", 3, {})]


@pytest.mark.parametrize("message", [
    b"\xff\xfe", b"{not json", b'{"$": "pickle", "data": "gASV"}', b'{"$": "nd", "dtype": "object", "shape": [1], "data": ""}',
    b'{"$": "nd", "dtype": "float64", "shape": [3], "data": "AAAA"}', b'{"$": "nd", "dtype": "float64", "shape": [-1], "data": ""}',
    b'{"$": "np", "dtype": "int64", "data": "AA=="}', b'{"$": "float", "text": "1e400"}', b"NaN",
    b'{"$": "dict", "items": [[[1], 2]]}', b"[" * 100 + b"]" * 100, b"1" * 5000,
])
def test_malformed_messages_are_codec_errors(message):
    with pytest.raises(codec.CodecError):
        codec.decode(message)


def test_size_limits(monkeypatch):
    monkeypatch.setattr(codec, "MAX_MESSAGE_BYTES", 1000)
    with pytest.raises(codec.TooLarge):
        codec.encode(np.zeros(1000), lenient=True)
    with pytest.raises(codec.CodecError):
        codec.decode(b" " * 2000)


def test_encoding_is_plain_json():
    text = codec.encode({"a": np.array([1.0])}).decode()
    assert json.loads(text)["$"] == "dict"


@pytest.mark.parametrize("message, reason", [
    (b"[" + b"[]," * (codec.MAX_ITEMS + 1) + b"[]]", "too many items"),
    (b"[" * (codec.MAX_DEPTH + 2) + b"]" * (codec.MAX_DEPTH + 2), "nested too deeply"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),  # past the parser's own limit
    (b"[[" + b'"' + b"[" * 100_000 + b'\\"' * 100_000 + b'"' + b"]" * 300, "not a JSON message"),
])
def test_budget_is_enforced_before_parsing(message, reason):
    """A small message that would parse into a huge or deep structure is refused before
    ``json.loads`` allocates it: the decoder's peak stays near the message's own size."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(codec.CodecError, match=reason):
            codec.decode(message)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * len(message) + (1 << 20)


def test_brackets_inside_strings_are_no_nesting():
    text = "[" * (codec.MAX_DEPTH * 100) + "{"
    assert codec.decode(codec.encode({"printed": [text, [text]]})) == {"printed": [text, [text]]}


def test_brackets_inside_strings_do_not_count_as_depth():
    value = {"text": "[" * 5000, "nested": [[[[1.0]]]]}
    assert codec.decode(codec.encode(value)) == value


def test_legitimately_nested_values_pass():
    value = 1.0
    for _ in range(codec.MAX_DEPTH // 2 - 1):  # a dict and a tuple: two levels each time
        value = {"k": (value,)}
    assert codec.decode(codec.encode(value)) == value
