"""單元二的公開測試 — public tests of unit 2 (activations.py)."""

import warnings

import numpy as np
import pytest


def _exercise(name, points=1):
    def mark(test):
        return pytest.mark.exercise(name)(pytest.mark.points(points)(test))

    return mark


X = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


@_exercise("sigmoid")
def test_sigmoid_at_zero(activations, close):
    close(activations.sigmoid(0.0), 0.5, "sigmoid(0.0)")


@_exercise("sigmoid")
def test_sigmoid_values(activations, close):
    close(activations.sigmoid(X), 1 / (1 + np.exp(-X)), "sigmoid([-2, -0.5, 0, 0.5, 2])")


@_exercise("sigmoid", 2)
def test_sigmoid_large_inputs_no_overflow(activations, close):
    """|x| = 1000 不可溢位、不可出現 nan。No overflow warning and no nan at |x| = 1000."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 任何警告都算失敗 — any warning fails the test
        got = activations.sigmoid(np.array([-1000.0, 1000.0]))
    close(got, [0.0, 1.0], "sigmoid([-1000, 1000])")


@_exercise("sigmoid_derivative", 2)
def test_sigmoid_derivative(activations, close):
    """參數是激活前的 x：σ'(0) = 0.25。The argument is the pre-activation x."""
    s = 1 / (1 + np.exp(-X))
    close(activations.sigmoid_derivative(X), s * (1 - s), "sigmoid_derivative([-2, -0.5, 0, 0.5, 2])")


@_exercise("tanh")
def test_tanh(activations, close):
    close(activations.tanh(X), np.tanh(X), "tanh([-2, -0.5, 0, 0.5, 2])")


@_exercise("tanh_derivative", 2)
def test_tanh_derivative(activations, close):
    close(activations.tanh_derivative(X), 1 - np.tanh(X) ** 2, "tanh_derivative([-2, -0.5, 0, 0.5, 2])")


@_exercise("relu")
def test_relu(activations, close):
    close(activations.relu(X), [0, 0, 0, 0.5, 2], "relu([-2, -0.5, 0, 0.5, 2])")


@_exercise("relu_derivative", 2)
def test_relu_derivative_is_one_at_zero(activations, close):
    """投影片的約定：x ≥ 0 時為 1（包含 0）。The slide's convention: 1 at x = 0."""
    close(activations.relu_derivative(X), [0, 0, 1, 1, 1], "relu_derivative([-2, -0.5, 0, 0.5, 2])")


@_exercise("numerical_derivative", 2)
def test_numerical_derivative_of_cube(activations, close):
    """中央差分：(x+h)³ − (x−h)³ over 2h = 3x² + h²。"""
    got = activations.numerical_derivative(lambda t: t**3, np.array([1.0, 2.0]), h=1e-3)
    close(got, [3.000001, 12.000001], "numerical_derivative(x³, [1, 2], h=1e-3)", rtol=1e-9)


@_exercise("numerical_derivative")
def test_numerical_derivative_matches_sigmoid_derivative(activations, close):
    got = activations.numerical_derivative(lambda t: 1 / (1 + np.exp(-t)), X)
    s = 1 / (1 + np.exp(-X))
    close(got, s * (1 - s), "numerical_derivative(sigmoid, x)", rtol=1e-6)
