"""Unit 4 (optimizers.py): the reference solution against independent oracles.

Oracles: CS231n's published Adam check, ``keras.optimizers.Adam`` on a ``tf.Variable``,
the slide's RMSProp rule worked out by hand, the closed form of gradient descent on
``‖w‖²``, ``np.random.default_rng(seed).permutation`` for the mini-batches, and copies
taken before each call for purity.
"""

import copy
import math
import os

import numpy as np
import pytest

from autograder.course import reference

opt = reference.load("optimizers")

TF_REASON = "TensorFlow is not installed (pip install -e '.[cnn]')"


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on TensorFlow, imported only by the test that needs it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    pytest.importorskip("tensorflow", reason=TF_REASON)
    import keras

    return keras


def _rel_error(a, b):
    """CS231n's rel_error."""
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


# ---------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------
def test_adam_reproduces_cs231n_published_check():
    """Oracle: CS231n assignment 2 (optim.adam), state t = 5 → one step → t = 6."""
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    v = np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
    state = {"m": m, "v": v, "t": 5}
    expected_next_w = np.array(
        [
            [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
            [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
            [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
            [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459],
        ]
    )
    expected_v = np.array(
        [
            [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
            [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
            [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
            [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966],
        ]
    )
    expected_m = np.array(
        [
            [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
            [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
            [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
            [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85],
        ]
    )
    next_w, new_state = opt.adam_step(w, dw, state, lr=1e-2)
    # The published numbers are the exact values rounded to 8 decimals (the reference
    # rounds to exactly them), so each may be off by 5e-9. For next_w[1, 3] ≈ 0.0197
    # that rounding alone is a relative error of 5e-9 / (2·0.0197) ≈ 1.27e-7: "< 1e-7"
    # cannot be met by any correct Adam (CS231n's own solution gives 1.14e-7, and the
    # notebook says "around e-7 or less"). So: the rounding bound elementwise, and the
    # CS231n relative error with the bound that rounding permits for next_w.
    for got, expected in ((next_w, expected_next_w), (new_state["v"], expected_v), (new_state["m"], expected_m)):
        np.testing.assert_allclose(got, expected, rtol=0, atol=5e-9 + 1e-15)
    assert _rel_error(expected_next_w, next_w) < 1.2e-7
    assert _rel_error(expected_v, new_state["v"]) < 1e-7
    assert _rel_error(expected_m, new_state["m"]) < 1e-7
    assert new_state["t"] == 6 and isinstance(new_state["t"], (int, np.integer))
    assert state["t"] == 5  # the input state is left as it was


def test_adam_first_step_moves_every_weight_by_lr():
    """Oracle: Kingma & Ba §2.1 — with bias correction, step one is lr·sign(g) (up to eps)."""
    g = np.array([[3.0, -0.02], [1e-3, -40.0]])
    w0 = np.zeros_like(g)
    w1, state = opt.adam_step(w0, g, None, lr=0.05, eps=1e-12)
    np.testing.assert_allclose(w1, -0.05 * np.sign(g), rtol=1e-8)
    np.testing.assert_allclose(state["m"], 0.1 * g, rtol=1e-15)
    np.testing.assert_allclose(state["v"], 0.001 * g**2, rtol=1e-12)
    assert state["t"] == 1


@pytest.mark.parametrize("seed", [0, 1])
def test_adam_matches_keras_adam_over_several_steps(keras, seed):
    """Oracle: keras.optimizers.Adam.apply_gradients on a float64 tf.Variable, 20 steps.

    What Keras 3 does (keras/src/optimizers/adam.py): ``alpha = lr·sqrt(1−β2ᵗ)/(1−β1ᵗ)``,
    ``w −= alpha·m / (sqrt(v) + ε)``, which is Kingma & Ba's Algorithm 1 with ε replaced
    by ε/sqrt(1−β2ᵗ) (their "efficient version"). Two further Keras details:
    the learning rate lives in a float32 variable, and β1, β2 pass through a float32
    tensor in the bias corrections (``ops.cast(0.999, "float64")`` is 0.99900001...),
    which alone shifts a step by ~7e-6 relative. So we use values exact in float32:
    lr = 2⁻⁷, β1 = 1 − 2⁻³, β2 = 1 − 2⁻¹⁰.

    Tolerance: gradients have |g| ∈ [0.5, 2], so sqrt(v̂) ≥ 0.5 and |m̂| ≤ 2. With ε = 1e-12
    the two ε placements change a step by at most lr·(|m̂|/sqrt(v̂))·(ε/sqrt(1−β2))/sqrt(v̂)
    ≈ 2⁻⁷·4·3.2e-11·2 ≈ 2e-12; over 20 steps ≤ 4e-11, plus float64 rounding (~1e-15).
    An absolute 1e-10 therefore covers both, while any real difference in the algorithm
    (no bias correction, a wrong t, β's swapped) moves w by ~1e-3 or more.
    """
    import tensorflow as tf

    lr, beta1, beta2, eps, steps = 2.0**-7, 1 - 2.0**-3, 1 - 2.0**-10, 1e-12, 20
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=(3, 4))
    grads = rng.uniform(0.5, 2.0, size=(steps, 3, 4)) * rng.choice([-1.0, 1.0], size=(steps, 3, 4))

    var = tf.Variable(w0, dtype=tf.float64)
    keras_adam = keras.optimizers.Adam(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps)
    w, state = w0.copy(), None
    for t in range(steps):
        keras_adam.apply_gradients([(tf.constant(grads[t], dtype=tf.float64), var)])
        w, state = opt.adam_step(w, grads[t], state, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
        np.testing.assert_allclose(w, var.numpy(), rtol=0, atol=1e-10, err_msg=f"step {t + 1}")
    assert state["t"] == steps
    assert np.max(np.abs(w - w0)) > 1e-2  # the comparison is not between two resting points


# ---------------------------------------------------------------------------
# RMSProp
# ---------------------------------------------------------------------------
def test_rmsprop_two_steps_by_hand():
    """Oracle: the slide's rule worked out by hand: σ⁰ = |g⁰|, σ¹ = sqrt(α(σ⁰)² + (1−α)(g¹)²)."""
    lr, alpha, eps = 0.1, 0.9, 1e-8
    w0 = np.array([1.0, -2.0, 0.5])
    g0 = np.array([0.5, -4.0, 2.0])
    g1 = np.array([1.0, 2.0, -2.0])

    w1, s1 = opt.rmsprop_step(w0, g0, None, lr=lr, alpha=alpha, eps=eps)
    sigma0 = [0.5, 4.0, 2.0]
    np.testing.assert_allclose(s1["sigma"], sigma0, rtol=1e-15)
    expected_w1 = [1.0 - 0.1 * 0.5 / (0.5 + eps), -2.0 + 0.1 * 4.0 / (4.0 + eps), 0.5 - 0.1 * 2.0 / (2.0 + eps)]
    np.testing.assert_allclose(w1, expected_w1, rtol=1e-14)
    np.testing.assert_allclose(w1, w0 - 0.1 * np.sign(g0), rtol=1e-7)  # first step ≈ lr·sign(g)

    w2, s2 = opt.rmsprop_step(w1, g1, s1, lr=lr, alpha=alpha, eps=eps)
    sigma1 = [math.sqrt(0.9 * 0.25 + 0.1 * 1.0), math.sqrt(0.9 * 16.0 + 0.1 * 4.0), math.sqrt(0.9 * 4.0 + 0.1 * 4.0)]
    np.testing.assert_allclose(s2["sigma"], sigma1, rtol=1e-14)  # sqrt(0.325), sqrt(14.8), 2
    expected_w2 = [w1[i] - 0.1 * g1[i] / (sigma1[i] + eps) for i in range(3)]
    np.testing.assert_allclose(w2, expected_w2, rtol=1e-14)


# ---------------------------------------------------------------------------
# optimize
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("lr", [0.05, 0.1, 0.4])
def test_optimize_gd_on_squared_norm_is_geometric(lr):
    """Oracle: closed form; GD on f(w) = ‖w‖² (∇f = 2w) gives w_t = (1 − 2·lr)ᵗ·w0."""
    w0 = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
    before = w0.copy()
    steps = 25
    path = opt.optimize(lambda w: 2 * w, w0, "gd", steps, lr=lr)
    assert path.shape == (steps + 1, *w0.shape)
    np.testing.assert_array_equal(path[0], w0)
    factors = (1 - 2 * lr) ** np.arange(steps + 1)
    np.testing.assert_allclose(path, factors[:, None, None] * w0, rtol=1e-12, atol=1e-15)
    norms = np.linalg.norm(path.reshape(steps + 1, -1), axis=1)
    assert np.all(np.diff(norms) < 0)
    np.testing.assert_array_equal(w0, before)


@pytest.mark.parametrize(
    ("method", "step", "hyper"),
    [
        ("rmsprop", "rmsprop_step", {"lr": 0.05, "alpha": 0.8}),
        ("adam", "adam_step", {"lr": 0.1, "beta1": 0.8, "beta2": 0.99}),
        ("adam", "adam_step", {}),
    ],
)
def test_optimize_threads_the_state_through_the_steps(method, step, hyper):
    """Oracle: the step function called in a loop by hand, carrying its state."""
    target = np.array([1.0, -3.0, 2.0])

    def grad_fn(w):
        return 2 * (w - target) + np.sin(3 * w)

    w0 = np.zeros(3)
    path = opt.optimize(grad_fn, w0, method, 12, **hyper)
    assert path.shape == (13, 3)
    w, state, expected = w0.copy(), None, [w0.copy()]
    for _ in range(12):
        w, state = getattr(opt, step)(w, grad_fn(w), state, **hyper)
        expected.append(w)
    np.testing.assert_allclose(path, np.stack(expected), rtol=1e-14, atol=1e-15)


def test_optimize_with_zero_steps_and_bad_method():
    """Oracle: the contract — shape (1, *w0.shape); an unknown method is a ValueError."""
    w0 = np.ones((2, 2))
    path = opt.optimize(lambda w: w, w0, "adam", 0)
    assert path.shape == (1, 2, 2)
    np.testing.assert_array_equal(path[0], w0)
    with pytest.raises(ValueError):
        opt.optimize(lambda w: w, w0, "sgd-with-momentum", 3, lr=0.1)


# ---------------------------------------------------------------------------
# minibatches, gd_epoch, sgd_epoch
# ---------------------------------------------------------------------------
class _SpyRng:
    """A numpy Generator wrapper that records its permutation calls."""

    def __init__(self, seed):
        self._rng = np.random.default_rng(seed)
        self.permutation_calls = 0

    def permutation(self, x):
        self.permutation_calls += 1
        return self._rng.permutation(x)

    def __getattr__(self, name):
        return getattr(self._rng, name)


@pytest.mark.parametrize(("n", "batch_size"), [(10, 4), (12, 4), (5, 10), (7, 1), (1, 3), (9, 9)])
def test_minibatches_are_one_permutation_cut_in_chunks(n, batch_size):
    """Oracle: np.random.default_rng(seed).permutation(n) cut into chunks of batch_size."""
    seed = 100 + n
    spy = _SpyRng(seed)
    batches = opt.minibatches(n, batch_size, spy)
    assert spy.permutation_calls == 1

    perm = np.random.default_rng(seed).permutation(n)
    expected = [perm[i : i + batch_size] for i in range(0, n, batch_size)]
    assert len(batches) == len(expected) == math.ceil(n / batch_size)
    for got, exp in zip(batches, expected):
        np.testing.assert_array_equal(got, exp)
        assert np.issubdtype(np.asarray(got).dtype, np.integer)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def _ls_grad(w, X, y):
    """Gradient of the mean squared error of a linear model, mean over the batch."""
    return 2 * X.T @ (X @ w - y) / len(X)


def _regression(seed, n=11, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return X, y, rng.normal(size=d)


@pytest.mark.parametrize("extra", [0, 5])
def test_sgd_epoch_with_one_batch_equals_gd_epoch(extra):
    """Oracle: gd_epoch, and the step w − lr·∇ by hand; a mean gradient ignores the shuffle."""
    X, y, w0 = _regression(1)
    n = len(X)
    gd = opt.gd_epoch(w0, X, y, _ls_grad, 0.05)
    np.testing.assert_allclose(gd, w0 - 0.05 * _ls_grad(w0, X, y), rtol=1e-14)
    sgd = opt.sgd_epoch(w0, X, y, _ls_grad, 0.05, n + extra, np.random.default_rng(3))
    np.testing.assert_allclose(sgd, gd, rtol=1e-12, atol=1e-14)


def test_sgd_epoch_follows_the_minibatch_order():
    """Oracle: the permutation of default_rng(seed), walked batch by batch by hand."""
    X, y, w0 = _regression(2, n=10)
    lr, batch_size, seed = 0.1, 3, 42
    got = opt.sgd_epoch(w0, X, y, _ls_grad, lr, batch_size, np.random.default_rng(seed))
    perm = np.random.default_rng(seed).permutation(len(X))
    w = w0.copy()
    for i in range(0, len(X), batch_size):
        idx = perm[i : i + batch_size]
        w = w - lr * _ls_grad(w, X[idx], y[idx])
    np.testing.assert_allclose(got, w, rtol=1e-13, atol=1e-15)
    # The order matters: the unshuffled order gives a different result.
    w_plain = w0.copy()
    for i in range(0, len(X), batch_size):
        w_plain = w_plain - lr * _ls_grad(w_plain, X[i : i + batch_size], y[i : i + batch_size])
    assert not np.allclose(got, w_plain)


# ---------------------------------------------------------------------------
# Purity
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("with_state", [False, True])
def test_steps_are_pure(with_state):
    """Oracle: deep copies taken before the calls; returned arrays are not the inputs."""
    rng = np.random.default_rng(8)
    w = rng.normal(size=(2, 3))
    g = rng.normal(size=(2, 3))
    w_before, g_before = w.copy(), g.copy()

    new = opt.gd_step(w, g, 0.1)
    assert new is not w
    np.testing.assert_allclose(new, w_before - 0.1 * g_before, rtol=1e-15)

    rms_state = {"sigma": np.abs(rng.normal(size=(2, 3))) + 0.1} if with_state else None
    adam_state = (
        {"m": rng.normal(size=(2, 3)), "v": rng.uniform(0.1, 1, size=(2, 3)), "t": 3} if with_state else None
    )
    rms_before, adam_before = copy.deepcopy(rms_state), copy.deepcopy(adam_state)

    w_r, s_r = opt.rmsprop_step(w, g, rms_state)
    w_a, s_a = opt.adam_step(w, g, adam_state)

    for out in (w_r, w_a):
        assert out is not w and not np.shares_memory(out, w)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(g, g_before)
    if with_state:
        assert rms_state.keys() == rms_before.keys() and adam_state.keys() == adam_before.keys()
        np.testing.assert_array_equal(rms_state["sigma"], rms_before["sigma"])
        np.testing.assert_array_equal(adam_state["m"], adam_before["m"])
        np.testing.assert_array_equal(adam_state["v"], adam_before["v"])
        assert adam_state["t"] == 3
        assert s_r is not rms_state and s_a is not adam_state
        assert not np.shares_memory(s_r["sigma"], rms_state["sigma"])
        assert not np.shares_memory(s_a["m"], adam_state["m"])
        assert not np.shares_memory(s_a["v"], adam_state["v"])
    assert set(s_r) == {"sigma"} and set(s_a) == {"m", "v", "t"}


def test_epochs_do_not_modify_inputs():
    """Oracle: copies taken before the calls."""
    X, y, w0 = _regression(5)
    copies = [a.copy() for a in (X, y, w0)]
    opt.gd_epoch(w0, X, y, _ls_grad, 0.1)
    opt.sgd_epoch(w0, X, y, _ls_grad, 0.1, 4, np.random.default_rng(0))
    for a, b in zip((X, y, w0), copies):
        np.testing.assert_array_equal(a, b)
