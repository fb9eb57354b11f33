"""Unit 2 (activations.py): the reference solution against independent oracles.

Oracles: ``scipy.special.expit`` (a sigmoid that never overflows), ``np.tanh`` /
``np.cosh``, the analytic derivative formulas, the sigmoid's symmetry, and central
differences.
"""

import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.course import reference

act = reference.load("activations")

PROPS = settings(max_examples=50, deadline=None)
_finite = dict(allow_nan=False, allow_infinity=False)
EPS64 = np.finfo(np.float64).eps

WIDE = np.concatenate(
    [
        [-1000.0, -745.0, -710.0, -100.0, -36.5, -30.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 30.0, 36.5, 100.0, 710.0, 1000.0],
        np.linspace(-50, 50, 201),
        [-1e308, 1e308],
    ]
)


def _no_fp_warnings():
    """Context: overflow/invalid/divide warn (whatever np.seterr says) and warnings raise."""

    class _Ctx:
        def __enter__(self):
            self._w = warnings.catch_warnings()
            self._w.__enter__()
            warnings.simplefilter("error")
            self._e = np.errstate(over="warn", invalid="warn", divide="warn")
            self._e.__enter__()

        def __exit__(self, *exc):
            self._e.__exit__(*exc)
            return self._w.__exit__(*exc)

    return _Ctx()


def test_sigmoid_matches_expit_over_a_wide_range_without_warnings():
    """Oracle: scipy.special.expit, with every warning turned into an error."""
    with _no_fp_warnings():
        got = act.sigmoid(WIDE)
        got_neg, got_pos = float(act.sigmoid(-1000.0)), float(act.sigmoid(1000.0))
        deriv = act.sigmoid_derivative(WIDE)
    assert not np.any(np.isnan(got)) and not np.any(np.isnan(deriv))
    np.testing.assert_allclose(got, scipy.special.expit(WIDE), rtol=1e-14, atol=1e-300)
    assert 0.0 <= got_neg < 1e-300 and got_pos == 1.0
    assert np.all((got >= 0) & (got <= 1))
    # σ(1 − σ), the contract's formula, cancels for large x: absolute error up to ~eps.
    np.testing.assert_allclose(deriv, scipy.special.expit(WIDE) * scipy.special.expit(-WIDE), rtol=1e-12, atol=4 * EPS64)


def test_sigmoid_float32_input_stays_finite():
    """Oracle: expit on float32 (±1000 does not overflow in single precision either)."""
    x = np.array([-1000, -90, -1, 0, 1, 90, 1000], dtype=np.float32)
    with _no_fp_warnings():
        got = act.sigmoid(x)
    np.testing.assert_allclose(got, scipy.special.expit(x.astype(np.float64)), rtol=1e-6, atol=1e-30)


@PROPS
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.floats(-1e4, 1e4, **_finite)))
def test_sigmoid_symmetry(x):
    """Oracle: σ(−x) = 1 − σ(x).

    Tolerance: both sides are values in [0, 1] computed with a handful of correctly
    rounded operations; ``1 − σ(x)`` is exact for σ(x) ≥ ½ (Sterbenz) and its error is
    ≤ ½ ulp(1) otherwise, σ(−x) carries ≤ ~3 ulps of a value ≤ 1. So an absolute
    4·eps (≈ 8.9e-16) bounds the difference for every x; a relative tolerance would be
    unsound because 1 − σ(x) has no relative accuracy when σ(x) is close to 1.
    """
    with _no_fp_warnings():
        np.testing.assert_allclose(act.sigmoid(-x), 1.0 - act.sigmoid(x), rtol=0, atol=4 * EPS64)


@PROPS
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.floats(-800, 800, **_finite)))
def test_tanh_and_its_derivative_match_numpy_and_cosh(x):
    """Oracle: np.tanh, and the analytic 1 − tanh² = 1/cosh² (cosh finite for |x| ≤ 700)."""
    with _no_fp_warnings():
        got = act.tanh(x)
        d = act.tanh_derivative(x)
    np.testing.assert_allclose(got, np.tanh(x), rtol=1e-15, atol=0)
    np.testing.assert_allclose(d, 1.0 - np.tanh(x) ** 2, rtol=1e-12, atol=1e-300)
    small = np.abs(x) <= 300  # cosh(x)² stays finite
    np.testing.assert_allclose(d[small], 1.0 / np.cosh(x[small]) ** 2, rtol=1e-12, atol=8 * EPS64)
    assert np.all((d >= 0) & (d <= 1))


@PROPS
@given(x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=st.floats(-20, 20, **_finite)))
def test_sigmoid_derivative_matches_formula_and_central_differences(x):
    """Oracles: expit(x)·expit(−x); an own central difference of expit; numerical_derivative."""
    d = act.sigmoid_derivative(x)
    # σ(1 − σ) (the contract's formula) loses relative accuracy for large x; absolute ≤ ~eps.
    np.testing.assert_allclose(d, scipy.special.expit(x) * scipy.special.expit(-x), rtol=1e-12, atol=4 * EPS64)
    h = 1e-5
    own = (scipy.special.expit(x + h) - scipy.special.expit(x - h)) / (2 * h)
    # Central difference: truncation h²/6·|σ'''| ≤ 2e-11, rounding ~eps/h ≈ 2e-11.
    np.testing.assert_allclose(d, own, rtol=0, atol=1e-9)
    np.testing.assert_allclose(act.numerical_derivative(act.sigmoid, x), own, rtol=0, atol=1e-9)
    assert np.all(d <= 0.25)
    # The common mistake x·(1 − x) is not what is computed.
    if np.any(np.abs(x) > 1):  # there x·(1 − x) ≤ 0 < σ′(x)
        assert not np.allclose(d, x * (1 - x))


@PROPS
@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(max_dims=3, max_side=5),
        elements=st.one_of(st.floats(-50, -1e-3, **_finite), st.floats(1e-3, 50, **_finite)),
    )
)
def test_relu_and_derivative_match_formulas_and_central_differences(x):
    """Oracles: np.maximum(x, 0), the indicator x ≥ 0, and numerical_derivative away from 0."""
    np.testing.assert_array_equal(act.relu(x), np.maximum(x, 0.0))
    d = act.relu_derivative(x)
    np.testing.assert_array_equal(d, (x >= 0).astype(float))
    h = 1e-5  # |x| ≥ 1e-3 > h: the difference never straddles the kink
    np.testing.assert_allclose(act.numerical_derivative(act.relu, x, h=h), d, rtol=0, atol=1e-9)
    np.testing.assert_allclose(act.numerical_derivative(act.tanh, x), act.tanh_derivative(x), rtol=0, atol=1e-9)


def test_relu_derivative_at_zero_is_one():
    """Oracle: the slide's convention, relu'(0) = 1 (also for −0.0 and integer 0)."""
    assert float(act.relu_derivative(0.0)) == 1.0
    assert float(act.relu_derivative(0)) == 1.0
    assert float(act.relu_derivative(-0.0)) == 1.0
    np.testing.assert_array_equal(act.relu_derivative(np.array([-1e-12, 0.0, 1e-12])), [0.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("f", "x", "expected"),
    [
        (np.sin, 0.3, np.cos(0.3)),
        (np.exp, 1.0, np.e),
        (lambda t: t**3, 2.0, 12.0),
        (np.log, 5.0, 0.2),
    ],
)
def test_numerical_derivative_matches_calculus(f, x, expected):
    """Oracle: known derivatives; central differences are O(h²) accurate (one-sided would not be)."""
    got = act.numerical_derivative(f, x)
    assert abs(float(got) - expected) < 1e-9 * max(1.0, abs(expected))


def test_numerical_derivative_is_central_not_one_sided():
    """Oracle: for f = x², the central difference is exactly 2x; the one-sided one is 2x + h."""
    x = np.array([-3.0, 0.0, 0.5, 7.0])
    got = act.numerical_derivative(lambda t: t * t, x, h=1e-2)
    np.testing.assert_allclose(got, 2 * x, rtol=0, atol=1e-9)


ALL_FUNCS = ["sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "relu", "relu_derivative"]


@pytest.mark.parametrize("name", ALL_FUNCS)
@pytest.mark.parametrize("x", [0.5, -2, 0, np.float32(1.5), np.float64(-0.25)])
def test_scalar_input_gives_a_float(name, x):
    """Oracle: float() accepts the result and it equals the array computation."""
    f = getattr(act, name)
    value = float(f(x))
    assert value == pytest.approx(float(f(np.array([x], dtype=np.float64))[0]), rel=1e-6)
    assert np.ndim(f(x)) == 0


@pytest.mark.parametrize("name", ALL_FUNCS)
@pytest.mark.parametrize("shape", [(), (7,), (2, 3, 4)])
def test_shape_preserved_and_input_unmodified(name, shape):
    """Oracle: the input's shape, and a copy taken before the call."""
    rng = np.random.default_rng(len(shape))
    x = rng.normal(scale=3.0, size=shape)
    before = x.copy()
    out = getattr(act, name)(x)
    assert np.shape(out) == shape
    np.testing.assert_array_equal(x, before)
    out_nd = act.numerical_derivative(getattr(act, name), x)
    assert np.shape(out_nd) == shape
    np.testing.assert_array_equal(x, before)


def test_integer_arrays_are_not_truncated():
    """Oracle: expit on the float version (an int input must not give an int result)."""
    x = np.array([-2, -1, 0, 1, 2])
    np.testing.assert_allclose(act.sigmoid(x), scipy.special.expit(x.astype(float)), rtol=1e-14)
    np.testing.assert_allclose(act.tanh(x), np.tanh(x.astype(float)), rtol=1e-14)
    np.testing.assert_array_equal(act.relu_derivative(x), [0.0, 0.0, 1.0, 1.0, 1.0])
