"""Hidden graders of unit 3, ``backprop.py`` — 100 points.

The slide's network (Dense + sigmoid, twice; squared error averaged over samples) on
the slide's 1-1-1 case and on seeded random networks; ``backward`` is checked with
the student's own ``forward`` cache (the `forward_backward` driver).
"""

import numpy as np
import pytest

from autograder.sandbox import trusted
from autograder.sandbox.codec import fn

grade = pytest.mark.grade


def network(rng, n_in, n_hidden, n_out, n):
    params = {
        "W1": rng.normal(0, 1, (n_in, n_hidden)),
        "b1": rng.normal(0, 0.5, n_hidden),
        "W2": rng.normal(0, 1, (n_hidden, n_out)),
        "b2": rng.normal(0, 0.5, n_out),
    }
    x = rng.normal(0, 1, (n, n_in))
    y = rng.uniform(0, 1, (n, n_out))
    return x, y, params


def slide_network():
    """The slide's chain: one input, one hidden unit, one output."""
    params = {"W1": np.array([[0.5]]), "b1": np.array([0.1]), "W2": np.array([[-0.8]]), "b2": np.array([0.2])}
    return np.array([[1.5]]), np.array([[1.0]]), params


def check_forward(student, ref, check, x, params):
    got = check.tuple_of(student.forward(x, params), 2)
    check.close(got[0], ref.forward(x, params)[0], part="y_hat")


# ----------------------------------------------------------------------------- forward
@grade("forward", 5, public=True)
def test_forward_slide_network(student, ref, check):
    x, _y, params = slide_network()
    check_forward(student, ref, check, x, params)


@grade("forward", 8)
def test_forward_random_network(student, ref, check, rng):
    x, _y, params = network(rng, 3, 5, 2, 4)
    check_forward(student, ref, check, x, params)


@grade("forward", 4)
def test_forward_batch_of_one_and_many(student, ref, check, rng):
    for n in (1, 7):
        x, _y, params = network(rng, 4, 3, 3, n)
        check_forward(student, ref, check, x, params)


@grade("forward", 3)
def test_forward_leaves_inputs(student, ref, check, rng):
    x, _y, params = network(rng, 2, 4, 1, 5)
    check_forward(student, ref, check, x, params)
    check.unmodified()


# ----------------------------------------------------------------------------- squared_error
@grade("squared_error", 4, public=True)
def test_squared_error_slide(student, ref, check):
    y, y_hat = np.array([[1.0]]), np.array([[0.62]])
    check.close(student.squared_error(y, y_hat), ref.squared_error(y, y_hat))


@grade("squared_error", 6)
def test_squared_error_sums_outputs_averages_samples(student, ref, check, rng):
    cases = [(rng.uniform(size=(n, k)), rng.uniform(size=(n, k))) for n, k in [(5, 3), (2, 1), (8, 4)]]
    for (y, y_hat), got in student.each("squared_error", cases):
        check.close(got, ref.squared_error(y, y_hat))


# ----------------------------------------------------------------------------- backward
def check_backward(student, ref, check, x, y, params):
    description = "forward(x, params) → backward(y, cache, params)"
    got = check.tuple_of(student.driver("forward_backward", x, y, params, description=description), 2)
    _y_hat, cache = ref.forward(x, params)
    check.dict_close(got[1], ref.backward(y, cache, params), call=description, rtol=1e-5)


@grade("backward", 8, public=True)
def test_backward_slide_network(student, ref, check):
    x, y, params = slide_network()
    check_backward(student, ref, check, x, y, params)


@grade("backward", 10)
def test_backward_random_network(student, ref, check, rng):
    x, y, params = network(rng, 3, 5, 2, 4)
    check_backward(student, ref, check, x, y, params)


@grade("backward", 6)
def test_backward_averages_over_samples(student, ref, check, rng):
    """The same network on 1 and on 6 samples: the gradient is an average, not a sum."""
    for n in (1, 6):
        x, y, params = network(rng, 2, 3, 1, n)
        check_backward(student, ref, check, x, y, params)


@grade("backward", 6)
def test_backward_several_outputs(student, ref, check, rng):
    x, y, params = network(rng, 4, 6, 3, 5)
    check_backward(student, ref, check, x, y, params)
    check.unmodified()


# ----------------------------------------------------------------------------- slide_gradient
@grade("slide_gradient", 5, public=True)
def test_slide_gradient_scalars(student, ref, check):
    for args, got in student.each("slide_gradient", [(1.0, 0.6, 0.5), (0.0, 0.3, 0.9), (1.0, 0.99, 0.2)]):
        check.close(got, ref.slide_gradient(*args))


@grade("slide_gradient", 5)
def test_slide_gradient_arrays(student, ref, check, rng):
    y, y_hat, z = rng.uniform(size=6), rng.uniform(size=6), rng.uniform(size=6)
    check.close(student.slide_gradient(y, y_hat, z), ref.slide_gradient(y, y_hat, z))


# ----------------------------------------------------------------------------- numerical_gradient
@grade("numerical_gradient", 5)
def test_numerical_gradient_sum_of_squares(student, check, rng):
    w = rng.normal(size=5)
    check.close(student.numerical_gradient(fn("sum_squares"), w), 2 * w, rtol=1e-6, atol=1e-8)


@grade("numerical_gradient", 8)
def test_numerical_gradient_closure(student, check, rng):
    """f reads w through a closure: only perturbing w itself, in place, works."""
    w = rng.normal(size=(2, 3))
    got = check.tuple_of(student.driver("numerical_gradient_closure", w,
                                        description="numerical_gradient(f reading w by closure, w)"), 2)
    check.close(got[0], trusted.numerical_gradient_closure_expected(w), rtol=1e-6, atol=1e-8, part="gradient")


@grade("numerical_gradient", 4)
def test_numerical_gradient_restores_w(student, check, rng):
    w = rng.normal(size=(3, 2))
    got = student.numerical_gradient(fn("sum_sin"), w)
    check.close(got, np.cos(w), rtol=1e-6, atol=1e-8)
    check.unmodified()


@grade("numerical_gradient", 3)
def test_numerical_gradient_quadratic(student, check, rng):
    A = rng.normal(size=(4, 4))
    A = A @ A.T
    b = rng.normal(size=4)
    w = rng.normal(size=4)
    check.close(student.numerical_gradient(fn("quadratic", A=A, b=b), w), trusted.quadratic_grad(w, A, b),
                rtol=1e-5, atol=1e-7)


# ----------------------------------------------------------------------------- relative_error
@grade("relative_error", 5)
def test_relative_error_values(student, ref, check, rng):
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for args, got in student.each("relative_error", [(a, b), (a, a * (1 + 1e-7))]):
        check.close(got, ref.relative_error(*args))


@grade("relative_error", 5)
def test_relative_error_near_zero(student, ref, check):
    """Where |a| + |b| is tiny the denominator is 1e-8, not 0."""
    a, b = np.array([0.0, 1e-12, 1.0]), np.array([0.0, -1e-12, 1.0])
    check.close(student.relative_error(a, b), ref.relative_error(a, b))
