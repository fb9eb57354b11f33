"""Hidden graders of unit 4, ``optimizers.py`` — 100 points.

Steps after the first (where RMSProp's σ and Adam's bias correction matter), batch
sizes that do not divide n, a generator advanced exactly once per epoch, and pure
steps that leave ``w``, ``grad`` and the state as they were.
"""

import numpy as np
import pytest

from autograder.sandbox import trusted
from autograder.sandbox.codec import fn, rng as child_rng

grade = pytest.mark.grade


def regression(rng, n=10, d=3):
    X = rng.normal(size=(n, d))
    return X, X @ rng.normal(size=d) + rng.normal(0, 0.1, n)


# ----------------------------------------------------------------------------- gd_step
@grade("gd_step", 4, public=True)
def test_gd_step_values(student, ref, check):
    w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    check.close(student.gd_step(w, g, 0.1), ref.gd_step(w, g, 0.1))


@grade("gd_step", 2)
def test_gd_step_is_pure(student, ref, check, rng):
    w, g = rng.normal(size=5), rng.normal(size=5)
    check.close(student.gd_step(w, g, 0.3), ref.gd_step(w, g, 0.3))
    check.unmodified()


@grade("gd_step", 2)
def test_gd_step_matrix(student, ref, check, rng):
    w, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    check.close(student.gd_step(w, g, 0.05), ref.gd_step(w, g, 0.05))


# ----------------------------------------------------------------------------- minibatches
def check_minibatches(student, ref, check, n, batch_size, seed):
    description = f"minibatches({n}, {batch_size}, default_rng({seed}))"
    got = check.tuple_of(student.driver("minibatches_then_draw", n, batch_size, seed, description=description), 2)
    expected_rng = np.random.default_rng(seed)
    expected = ref.minibatches(n, batch_size, expected_rng)
    check.index_arrays(got[0], expected, call=description)
    return got[1], int(expected_rng.integers(0, 2**31))


@grade("minibatches", 5, public=True)
def test_minibatches_last_batch_smaller(student, ref, check):
    check_minibatches(student, ref, check, 10, 4, 0)


@grade("minibatches", 3)
def test_minibatches_even_split(student, ref, check):
    check_minibatches(student, ref, check, 12, 3, 7)


@grade("minibatches", 3)
def test_minibatches_batch_larger_than_n(student, ref, check):
    check_minibatches(student, ref, check, 5, 8, 3)


@grade("minibatches", 3)
def test_minibatches_permutation_called_once(student, ref, check):
    """The generator is advanced by exactly one ``rng.permutation(n)``."""
    got_draw, expected_draw = check_minibatches(student, ref, check, 9, 2, 11)
    check.integer(got_draw, expected_draw, call="rng.integers(…) after minibatches(9, 2, rng)")


# ----------------------------------------------------------------------------- gd_epoch / sgd_epoch
@grade("gd_epoch", 6)
def test_gd_epoch_linear_regression(student, check, rng):
    X, y = regression(rng)
    w = rng.normal(size=3)
    check.close(student.gd_epoch(w, X, y, fn("mse_grad"), 0.1), w - 0.1 * trusted.mse_grad(w, X, y))
    check.unmodified()


@grade("gd_epoch", 4)
def test_gd_epoch_logistic(student, check, rng):
    X = rng.normal(size=(12, 2))
    y = (X[:, 0] > 0).astype(float)
    w = np.zeros(2)
    check.close(student.gd_epoch(w, X, y, fn("logistic_grad"), 0.5), w - 0.5 * trusted.logistic_grad(w, X, y))


def check_sgd(student, ref, check, rng, n, batch_size, seed, lr=0.05):
    X, y = regression(rng, n=n)
    w = rng.normal(size=3)
    got = student.sgd_epoch(w, X, y, fn("mse_grad"), lr, batch_size, child_rng(seed))
    expected = ref.sgd_epoch(w, X, y, trusted.mse_grad, lr, batch_size, np.random.default_rng(seed))
    check.close(got, expected)


@grade("sgd_epoch", 5)
def test_sgd_epoch_even_batches(student, ref, check, rng):
    check_sgd(student, ref, check, rng, n=12, batch_size=4, seed=1)


@grade("sgd_epoch", 6)
def test_sgd_epoch_batch_size_does_not_divide(student, ref, check, rng):
    check_sgd(student, ref, check, rng, n=11, batch_size=4, seed=2)


@grade("sgd_epoch", 5)
def test_sgd_epoch_batch_of_one(student, ref, check, rng):
    check_sgd(student, ref, check, rng, n=6, batch_size=1, seed=3, lr=0.01)


# ----------------------------------------------------------------------------- rmsprop_step
def run_rmsprop(student, ref, check, rng, steps, shape=(4,), scale=1.0, **hyper):
    w = rng.normal(size=shape)
    state = None
    ref_w, ref_state = w, None
    for t in range(steps):
        g = rng.normal(size=shape) * (t + 1) * scale
        got = check.tuple_of(student.call("rmsprop_step", w, g, state, **hyper).value, 2)
        check.unmodified()
        ref_w, ref_state = ref.rmsprop_step(ref_w, g, ref_state, **hyper)
        check.close(got[0], ref_w, part=f"w after step {t + 1}")
        got_state = check.dict_with(got[1], ["sigma"])
        check.close(got_state["sigma"], ref_state["sigma"], part=f"state['sigma'] after step {t + 1}")
        w, state = got[0], got_state


@grade("rmsprop_step", 6, public=True)
def test_rmsprop_first_step(student, ref, check, rng):
    """σ⁰ = |g⁰|: the first step moves every element by about lr."""
    run_rmsprop(student, ref, check, rng, 1, lr=0.1)


@grade("rmsprop_step", 6)
def test_rmsprop_second_step(student, ref, check, rng):
    run_rmsprop(student, ref, check, rng, 2, lr=0.01, alpha=0.9)


@grade("rmsprop_step", 3)
def test_rmsprop_many_steps(student, ref, check, rng):
    run_rmsprop(student, ref, check, rng, 6, shape=(2, 3), lr=0.05, alpha=0.8)


@grade("rmsprop_step", 3)
def test_rmsprop_small_gradients(student, ref, check, rng):
    """Gradients near 1e-5, where σ + eps and sqrt(σ² + eps) part: eps stays outside the root."""
    run_rmsprop(student, ref, check, rng, 3, lr=0.01, scale=1e-5)


# ----------------------------------------------------------------------------- adam_step
def run_adam(student, ref, check, rng, steps, w=None, state=None, grads=None, **hyper):
    w = rng.normal(size=5) if w is None else w
    ref_w, ref_state = w, state
    for t in range(steps):
        g = rng.normal(size=w.shape) if grads is None else grads
        got = check.tuple_of(student.call("adam_step", w, g, state, **hyper).value, 2)
        check.unmodified()
        ref_w, ref_state = ref.adam_step(ref_w, g, ref_state, **hyper)
        check.close(got[0], ref_w, part=f"w after step {t + 1}")
        got_state = check.dict_with(got[1], ["m", "v", "t"])
        for key in ("m", "v"):
            check.close(got_state[key], ref_state[key], part=f"state[{key!r}] after step {t + 1}")
        check.integer(got_state["t"], ref_state["t"], call=f"state['t'] after step {t + 1}")
        w, state = got[0], got_state


@grade("adam_step", 6, public=True)
def test_adam_first_step(student, ref, check, rng):
    """With bias correction the first step is about lr in every element."""
    run_adam(student, ref, check, rng, 1, lr=0.01)


@grade("adam_step", 6)
def test_adam_cs231n_step_from_t5(student, ref, check, rng):
    """CS231n's check: a step from m, v given and t = 5."""
    w = np.linspace(-0.4, 0.6, 20).reshape(4, 5)
    state = {"m": np.linspace(0.6, 0.9, 20).reshape(4, 5), "v": np.linspace(0.7, 0.5, 20).reshape(4, 5), "t": 5}
    run_adam(student, ref, check, rng, 1, w=w, state=state, grads=np.linspace(-0.6, 0.4, 20).reshape(4, 5), lr=1e-2)


@grade("adam_step", 6)
def test_adam_many_steps(student, ref, check, rng):
    run_adam(student, ref, check, rng, 5, lr=0.02, beta1=0.8, beta2=0.99)


# ----------------------------------------------------------------------------- optimize
@grade("optimize", 5, public=True)
def test_optimize_gd_bowl(student, ref, check):
    w0, scales = np.array([4.0, -8.0]), np.array([1.0, 1.0])
    got = student.optimize(fn("bowl_grad", scales=scales), w0, "gd", 4, lr=0.25)
    check.close(got, ref.optimize(lambda w: trusted.bowl_grad(w, scales), w0, "gd", 4, lr=0.25))
    check.unmodified()


@grade("optimize", 4)
def test_optimize_rmsprop_steep_bowl(student, ref, check):
    w0, scales = np.array([3.0, 3.0]), np.array([0.1, 10.0])
    got = student.optimize(fn("bowl_grad", scales=scales), w0, "rmsprop", 8, lr=0.1)
    check.close(got, ref.optimize(lambda w: trusted.bowl_grad(w, scales), w0, "rmsprop", 8, lr=0.1))


@grade("optimize", 4)
def test_optimize_adam_rosenbrock(student, ref, check):
    w0 = np.array([-1.2, 1.0])
    got = student.optimize(fn("rosenbrock_grad"), w0, "adam", 10, lr=0.05)
    check.close(got, ref.optimize(trusted.rosenbrock_grad, w0, "adam", 10, lr=0.05))


@grade("optimize", 3)
def test_optimize_zero_steps(student, ref, check, rng):
    w0 = rng.normal(size=(2, 2))
    got = student.optimize(fn("rosenbrock_grad"), w0, "adam", 0, lr=0.1)
    check.close(got, ref.optimize(trusted.rosenbrock_grad, w0, "adam", 0, lr=0.1))
