"""Hidden graders of unit 2, ``activations.py`` — 100 points.

Values on scalars and arrays of several shapes, |x| = 1000 without overflow warnings
or nan, the derivative taking the pre-activation, ReLU' (0) = 1, and a central (not
one-sided) numerical derivative.
"""

import numpy as np
import pytest

from autograder.sandbox.codec import fn
from autograder.sandbox import trusted

grade = pytest.mark.grade

SLIDE_X = np.array([-3.0, -1.0, 0.0, 1.0, 3.0])
LARGE_X = np.array([-1000.0, -750.0, -40.0, 40.0, 750.0, 1000.0])


def shapes(rng):
    return [rng.normal(0, 4, size=s) for s in [(7,), (3, 4), (2, 3, 2)]]


# ----------------------------------------------------------------------------- sigmoid
@grade("sigmoid", 4, public=True)
def test_sigmoid_slide_values(student, ref, check):
    check.close(student.sigmoid(SLIDE_X), ref.sigmoid(SLIDE_X))


@grade("sigmoid", 4)
def test_sigmoid_shapes(student, ref, check, rng):
    for (x,), got in student.each("sigmoid", [(x,) for x in shapes(rng)]):
        check.close(got, ref.sigmoid(x))


@grade("sigmoid", 6)
def test_sigmoid_large_inputs(student, ref, check):
    """|x| up to 1000: no nan and no overflow warning."""
    check.close(student.sigmoid(LARGE_X), ref.sigmoid(LARGE_X))
    check.no_warning()


@grade("sigmoid", 2)
def test_sigmoid_scalar(student, ref, check):
    for (x,), got in student.each("sigmoid", [(x,) for x in (0.0, 2.0, -2.5)]):
        check.close(got, ref.sigmoid(x))


@grade("sigmoid", 2)
def test_sigmoid_leaves_input(student, ref, check, rng):
    x = rng.normal(size=10)
    check.close(student.sigmoid(x), ref.sigmoid(x))
    check.unmodified()


# ----------------------------------------------------------------------------- sigmoid_derivative
@grade("sigmoid_derivative", 4, public=True)
def test_sigmoid_derivative_slide_values(student, ref, check):
    """Takes the pre-activation x: σ'(0) = 0.25 (x·(1−x) would give 0)."""
    check.close(student.sigmoid_derivative(SLIDE_X), ref.sigmoid_derivative(SLIDE_X))


@grade("sigmoid_derivative", 5)
def test_sigmoid_derivative_shapes(student, ref, check, rng):
    for (x,), got in student.each("sigmoid_derivative", [(x,) for x in shapes(rng)]):
        check.close(got, ref.sigmoid_derivative(x))


@grade("sigmoid_derivative", 3)
def test_sigmoid_derivative_large_inputs(student, ref, check):
    check.close(student.sigmoid_derivative(LARGE_X), ref.sigmoid_derivative(LARGE_X))


# ----------------------------------------------------------------------------- tanh
@grade("tanh", 4, public=True)
def test_tanh_slide_values(student, ref, check):
    check.close(student.tanh(SLIDE_X), ref.tanh(SLIDE_X))


@grade("tanh", 4)
def test_tanh_shapes(student, ref, check, rng):
    for (x,), got in student.each("tanh", [(x,) for x in shapes(rng)]):
        check.close(got, ref.tanh(x))


@grade("tanh", 2)
def test_tanh_large_inputs(student, ref, check):
    check.close(student.tanh(LARGE_X), ref.tanh(LARGE_X))


@grade("tanh_derivative", 4, public=True)
def test_tanh_derivative_slide_values(student, ref, check):
    check.close(student.tanh_derivative(SLIDE_X), ref.tanh_derivative(SLIDE_X))


@grade("tanh_derivative", 5)
def test_tanh_derivative_shapes(student, ref, check, rng):
    for (x,), got in student.each("tanh_derivative", [(x,) for x in shapes(rng)]):
        check.close(got, ref.tanh_derivative(x))


@grade("tanh_derivative", 3)
def test_tanh_derivative_large_inputs(student, ref, check):
    check.close(student.tanh_derivative(LARGE_X), ref.tanh_derivative(LARGE_X))


# ----------------------------------------------------------------------------- relu
@grade("relu", 4, public=True)
def test_relu_slide_values(student, ref, check):
    check.close(student.relu(SLIDE_X), ref.relu(SLIDE_X))


@grade("relu", 4)
def test_relu_shapes(student, ref, check, rng):
    for (x,), got in student.each("relu", [(x,) for x in shapes(rng)]):
        check.close(got, ref.relu(x))


@grade("relu", 2)
def test_relu_leaves_input(student, ref, check, rng):
    """``np.maximum(x, 0, out=x)`` changes the caller's array."""
    x = rng.normal(size=(4, 5))
    check.close(student.relu(x), ref.relu(x))
    check.unmodified()


@grade("relu_derivative", 5, public=True)
def test_relu_derivative_at_zero_is_one(student, ref, check):
    x = np.array([-2.0, -1e-9, 0.0, 1e-9, 2.0])
    check.close(student.relu_derivative(x), ref.relu_derivative(x))


@grade("relu_derivative", 5)
def test_relu_derivative_shapes(student, ref, check, rng):
    for (x,), got in student.each("relu_derivative", [(x,) for x in shapes(rng)]):
        check.close(got, ref.relu_derivative(x))


@grade("relu_derivative", 4)
def test_relu_derivative_scalars(student, ref, check):
    for (x,), got in student.each("relu_derivative", [(x,) for x in (0.0, -3.0, 5.0)]):
        check.close(got, ref.relu_derivative(x))


# ----------------------------------------------------------------------------- numerical_derivative
@grade("numerical_derivative", 6)
def test_numerical_derivative_is_central(student, check):
    """For x³ the central difference is exactly 3x² + h²; a one-sided one is off by ~3xh."""
    x, h = np.array([1.0, 2.0, -1.5]), 1e-3
    check.close(student.numerical_derivative(fn("cube"), x, h), 3 * x**2 + h**2, rtol=1e-7)


@grade("numerical_derivative", 6)
def test_numerical_derivative_sin(student, check, rng):
    x = rng.uniform(-3, 3, size=8)
    check.close(student.numerical_derivative(fn("sin"), x), np.cos(x), rtol=1e-6, atol=1e-8)


@grade("numerical_derivative", 6)
def test_numerical_derivative_sigmoid(student, check, rng):
    x = rng.normal(0, 3, size=(3, 3))
    s = trusted.stable_sigmoid(x)
    check.close(student.numerical_derivative(fn("stable_sigmoid"), x, 1e-4), s * (1 - s), rtol=1e-6, atol=1e-9)


@grade("numerical_derivative", 3)
def test_numerical_derivative_default_h(student, check):
    x = np.array([0.5, -0.5])
    check.close(student.numerical_derivative(fn("softplus"), x), trusted.stable_sigmoid(x), rtol=1e-6)


@grade("numerical_derivative", 3)
def test_numerical_derivative_scalar(student, check):
    check.close(student.numerical_derivative(fn("square"), 3.0, 1e-2), 6.0, rtol=1e-7)
