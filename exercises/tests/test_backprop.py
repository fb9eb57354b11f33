"""單元三的公開測試 — public tests of unit 3 (backprop.py)."""

import numpy as np
import pytest


def _exercise(name, points=1):
    def mark(test):
        return pytest.mark.exercise(name)(pytest.mark.points(points)(test))

    return mark


def _params():
    return {
        "W1": np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]),
        "b1": np.array([0.01, 0.02, 0.03]),
        "W2": np.array([[0.7], [-0.8], [0.9]]),
        "b2": np.array([0.05]),
    }


X = np.array([[1.0, 2.0], [0.5, -1.0]])
Y = np.array([[1.0], [0.0]])


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@_exercise("forward", 2)
def test_forward_output(backprop, close):
    p = _params()
    expected = _sigmoid(_sigmoid(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    y_hat, _cache = backprop.forward(X, p)
    close(y_hat, expected, "forward(x, params)[0]")


@_exercise("squared_error")
def test_squared_error_slide(backprop, close):
    """N = 1：L = (y − ŷ)²。"""
    close(backprop.squared_error(np.array([[1.0]]), np.array([[0.6]])), 0.16, "squared_error([[1]], [[0.6]])")


@_exercise("squared_error")
def test_squared_error_averages_over_samples(backprop, close):
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    y_hat = np.array([[0.5, 0.5], [0.0, 0.0]])
    close(backprop.squared_error(y, y_hat), (0.25 + 0.25 + 1.0) / 2, "squared_error(2 samples, 2 outputs)")


@_exercise("backward", 3)
def test_backward_matches_finite_differences(backprop, close):
    """解析梯度要與數值梯度相符。The analytic gradient matches finite differences."""
    p = _params()
    y_hat, cache = backprop.forward(X, p)
    grads = backprop.backward(Y, cache, p)
    h = 1e-6
    for name in ("W1", "b1", "W2", "b2"):
        numeric = np.zeros_like(p[name])
        for i in np.ndindex(p[name].shape):
            plus, minus = _params(), _params()
            plus[name][i] += h
            minus[name][i] -= h
            lp = np.sum((Y - backprop.forward(X, plus)[0]) ** 2) / len(X)
            lm = np.sum((Y - backprop.forward(X, minus)[0]) ** 2) / len(X)
            numeric[i] = (lp - lm) / (2 * h)
        close(grads[name], numeric, f"backward(...)['{name}']", rtol=1e-4, atol=1e-9)


@_exercise("slide_gradient", 2)
def test_slide_gradient(backprop, close):
    close(backprop.slide_gradient(1.0, 0.6, 0.5), -2 * 0.4 * 0.6 * 0.4 * 0.5, "slide_gradient(1.0, 0.6, 0.5)")


@_exercise("numerical_gradient", 2)
def test_numerical_gradient_quadratic(backprop, close):
    w = np.array([1.0, -2.0, 3.0])
    got = backprop.numerical_gradient(lambda v: np.sum(v**2), w)
    close(got, 2 * np.array([1.0, -2.0, 3.0]), "numerical_gradient(sum(w²), [1, -2, 3])", rtol=1e-6)


@_exercise("numerical_gradient", 2)
def test_numerical_gradient_closure_and_restore(backprop, close):
    """f 透過閉包讀 w，所以必須就地擾動；結束後 w 要還原。
    f reads w through a closure, so w must be perturbed in place and restored."""
    w = np.array([[0.5, -1.5], [2.0, 0.25]])
    original = w.copy()
    got = backprop.numerical_gradient(lambda _ignored: np.sum(np.sin(w)), w)
    close(got, np.cos(original), "numerical_gradient(closure over w, w)", rtol=1e-6)
    close(w, original, "w after numerical_gradient (must be restored)")


@_exercise("relative_error")
def test_relative_error(backprop, close):
    close(backprop.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])), 0.2 / 4.2, "relative_error([1, 2], [1, 2.2])")
