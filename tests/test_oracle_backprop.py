"""Unit 3 (backprop.py): the reference solution against independent oracles.

Oracles: the network and loss written again here with ``scipy.special.expit``, an own
central-difference loop over every parameter (not the reference's
``numerical_gradient``), the slide's formula, and TensorFlow's automatic
differentiation of the same network built from Keras ``Dense`` layers (float64).
"""

import os

import numpy as np
import pytest
from scipy.special import expit

from autograder.course import reference

bp = reference.load("backprop")

TF_REASON = "TensorFlow is not installed (pip install -e '.[cnn]')"
KEYS = ("W1", "b1", "W2", "b2")


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on TensorFlow, imported only by the test that needs it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    pytest.importorskip("tensorflow", reason=TF_REASON)
    import keras

    return keras


def _rel_error(a, b):
    """CS231n's relative error, written again here."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


def _make_case(seed, n, n_in, n_hidden, n_out):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(n_in, n_hidden)),
        "b1": rng.normal(size=(n_hidden,)),
        "W2": rng.normal(size=(n_hidden, n_out)),
        "b2": rng.normal(size=(n_out,)),
    }
    x = rng.normal(size=(n, n_in))
    y = rng.uniform(size=(n, n_out))
    return x, y, params


def _own_loss(x, y, params):
    """The slide's network and sum((y − ŷ)²)/N, independently of the reference."""
    a1 = expit(x @ params["W1"] + params["b1"])
    y_hat = expit(a1 @ params["W2"] + params["b2"])
    return np.sum((y - y_hat) ** 2) / x.shape[0]


def _own_numerical_grads(x, y, params, h=1e-5):
    """Central differences, perturbing copies of the parameters one element at a time.

    h = 1e-5 balances the O(h²) truncation error against the rounding error
    ~eps·L/h; with these seeds every relative error stays below 1e-8 (at h = 1e-6 the
    rounding error alone reaches ~5e-8 on the smallest gradient entries).
    """
    grads = {}
    for key in KEYS:
        g = np.zeros_like(params[key])
        for i in np.ndindex(params[key].shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][i] += h
            minus[key][i] -= h
            g[i] = (_own_loss(x, y, plus) - _own_loss(x, y, minus)) / (2 * h)
        grads[key] = g
    return grads


# (seed, N, n_in, n_hidden, n_out)
NETWORKS = [
    (0, 4, 3, 5, 2),
    (1, 4, 3, 5, 2),
    (2, 7, 2, 3, 4),
    (3, 1, 1, 1, 1),  # the slide's case: one sample, one unit per layer
    (4, 1, 3, 4, 1),
    (5, 10, 6, 2, 3),
]


@pytest.mark.parametrize(("seed", "n", "n_in", "n_hidden", "n_out"), NETWORKS)
def test_backward_matches_own_finite_differences(seed, n, n_in, n_hidden, n_out):
    """Oracle: own central-difference loop (h = 1e-5, float64) on an own forward pass."""
    x, y, params = _make_case(seed, n, n_in, n_hidden, n_out)
    params_before = {k: v.copy() for k, v in params.items()}
    y_hat, cache = bp.forward(x, params)
    np.testing.assert_allclose(y_hat, expit(expit(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]),
                               rtol=1e-13)
    assert bp.squared_error(y, y_hat) == pytest.approx(_own_loss(x, y, params), rel=1e-13)

    grads = bp.backward(y, cache, params)
    numeric = _own_numerical_grads(x, y, params)
    assert set(grads) == set(KEYS)
    for key in KEYS:
        assert np.shape(grads[key]) == params[key].shape, key
        assert _rel_error(grads[key], numeric[key]) < 1e-7, (key, grads[key], numeric[key])
    for key in KEYS:
        np.testing.assert_array_equal(params[key], params_before[key])


def test_backward_gradient_is_not_the_per_sample_sum():
    """Oracle: own finite differences; the loss is averaged over N, so is its gradient."""
    x, y, params = _make_case(9, 5, 3, 4, 2)
    _, cache = bp.forward(x, params)
    grads = bp.backward(y, cache, params)
    numeric = _own_numerical_grads(x, y, params)
    # Off by the factor N = 5 would give a relative error of 4/6 ≈ 0.67.
    assert _rel_error(grads["W2"], numeric["W2"]) < 1e-7
    assert _rel_error(grads["W2"] * 5, numeric["W2"]) > 0.5


@pytest.mark.parametrize("shape", [(3,), (2, 4), (3, 2, 2)])
def test_numerical_gradient_matches_own_loop_and_restores_w(shape):
    """Oracle: own central-difference loop; w is bit-for-bit restored and not replaced."""
    rng = np.random.default_rng(len(shape))
    w = rng.normal(size=shape)
    a = rng.normal(size=shape)
    before = w.copy()

    def f(v):
        return float(np.sum(np.sin(v) * a) + np.sum(v**2) ** 1.5)

    h = 1e-5
    own = np.zeros(shape)
    for i in np.ndindex(shape):
        p, m = w.copy(), w.copy()
        p[i] += h
        m[i] -= h
        own[i] = (f(p) - f(m)) / (2 * h)

    got = bp.numerical_gradient(f, w, h=h)
    assert got.shape == shape
    np.testing.assert_allclose(got, own, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(w, before)


def test_numerical_gradient_works_through_a_closure():
    """Oracle: backward; f ignores its argument and reads the weights through a closure."""
    x, y, params = _make_case(0, 4, 3, 5, 2)
    for key in KEYS:
        w = params[key]  # the very array that the closure reads
        before = w.copy()

        def f(_ignored):
            return bp.squared_error(y, bp.forward(x, params)[0])

        got = bp.numerical_gradient(f, w, h=1e-5)
        assert params[key] is w
        np.testing.assert_array_equal(w, before)
        _, cache = bp.forward(x, params)
        assert _rel_error(got, bp.backward(y, cache, params)[key]) < 1e-7, key


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_slide_gradient_equals_backward_for_a_1_1_1_network(seed):
    """Oracle: backward's ∂L/∂W2 for a 1-1-1 network with N = 1, z_prev the hidden activation."""
    x, y, params = _make_case(seed, 1, 1, 1, 1)
    y_hat, cache = bp.forward(x, params)
    z_prev = expit(x @ params["W1"] + params["b1"])  # the hidden unit's output
    expected = bp.backward(y, cache, params)["W2"]
    got = bp.slide_gradient(y[0, 0], y_hat[0, 0], z_prev[0, 0])
    assert float(got) == pytest.approx(float(expected[0, 0]), rel=1e-12)
    # And directly the slide's formula, and the arrays version.
    yy, yh, z = y[0, 0], y_hat[0, 0], z_prev[0, 0]
    assert float(got) == pytest.approx(-2 * (yy - yh) * yh * (1 - yh) * z, rel=1e-12)
    np.testing.assert_allclose(bp.slide_gradient(y, y_hat, z_prev), expected, rtol=1e-12)


def test_squared_error_for_one_sample_is_the_slides_loss():
    """Oracle: L = (y − ŷ)² for N = 1 (one output), and sum/N in general."""
    assert bp.squared_error(np.array([[0.8]]), np.array([[0.3]])) == pytest.approx(0.25, rel=1e-14)
    y = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    y_hat = np.array([[0.9, 0.2], [0.5, 0.1], [0.3, 0.6]])
    expected = (0.01 + 0.04 + 0.0 + 0.16 + 0.09 + 0.16) / 3
    got = bp.squared_error(y, y_hat)
    assert isinstance(got, (float, np.floating))
    assert got == pytest.approx(expected, rel=1e-14)


def test_relative_error_is_cs231n_formula():
    """Oracle: CS231n's rel_error written here, including the 1e-8 floor."""
    a = np.array([1.0, -2.0, 0.0, 1e-12])
    b = np.array([1.1, -2.0, 0.0, -1e-12])
    assert bp.relative_error(a, b) == pytest.approx(_rel_error(a, b), rel=1e-14)
    assert bp.relative_error(0.0, 0.0) == 0.0
    assert bp.relative_error(1e-10, 0.0) == pytest.approx(1e-2, rel=1e-12)  # floor 1e-8


@pytest.mark.parametrize(("seed", "n", "n_in", "n_hidden", "n_out"), [(0, 4, 3, 5, 2), (3, 1, 1, 1, 1), (7, 6, 4, 3, 3)])
def test_backward_matches_tensorflow_autodiff(keras, seed, n, n_in, n_hidden, n_out):
    """Oracle: tf.GradientTape on keras.Sequential([Dense(sigmoid), Dense(sigmoid)]) in float64."""
    import tensorflow as tf

    x, y, params = _make_case(seed, n, n_in, n_hidden, n_out)
    model = keras.Sequential(
        [
            keras.Input((n_in,), dtype="float64"),
            keras.layers.Dense(n_hidden, activation="sigmoid", dtype="float64"),
            keras.layers.Dense(n_out, activation="sigmoid", dtype="float64"),
        ]
    )
    model.set_weights([params[k] for k in KEYS])  # Keras' kernel layout is the contract's
    xt, yt = tf.constant(x, dtype=tf.float64), tf.constant(y, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y_hat_tf = model(xt)
        loss = tf.reduce_sum((yt - y_hat_tf) ** 2) / n
    tf_grads = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    assert y_hat_tf.dtype == tf.float64

    y_hat, cache = bp.forward(x, params)
    np.testing.assert_allclose(y_hat, y_hat_tf.numpy(), rtol=1e-12)
    assert bp.squared_error(y, y_hat) == pytest.approx(float(loss), rel=1e-12)
    grads = bp.backward(y, cache, params)
    for key, g in zip(KEYS, tf_grads):
        assert g.shape == params[key].shape
        np.testing.assert_allclose(grads[key], g, rtol=1e-9, atol=1e-14)
        assert _rel_error(grads[key], g) < 1e-7
