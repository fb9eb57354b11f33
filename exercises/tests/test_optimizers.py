"""單元四的公開測試 — public tests of unit 4 (optimizers.py)."""

import numpy as np
import pytest


def _exercise(name, points=1):
    def mark(test):
        return pytest.mark.exercise(name)(pytest.mark.points(points)(test))

    return mark


def _mse_grad(w, X, y):
    """線性迴歸 MSE 的梯度 — the gradient of linear regression's MSE."""
    return 2 * X.T @ (X @ w - y) / len(X)


@_exercise("gd_step")
def test_gd_step(optimizers, close):
    close(optimizers.gd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1), [0.95, 2.1], "gd_step([1, 2], [0.5, -1], 0.1)")


@_exercise("gd_step")
def test_gd_step_leaves_w_alone(optimizers, close):
    w = np.array([1.0, 2.0])
    optimizers.gd_step(w, np.array([1.0, 1.0]), 0.5)
    close(w, [1.0, 2.0], "w after gd_step (must not change)")


@_exercise("minibatches", 2)
def test_minibatches(optimizers, close):
    batches = optimizers.minibatches(10, 4, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 2], f"批次大小 batch sizes {[len(b) for b in batches]}，應為 expected [4, 4, 2]"
    expected = np.random.default_rng(0).permutation(10)
    close(np.concatenate(batches), expected, "concatenate(minibatches(10, 4, default_rng(0)))")


@_exercise("gd_epoch")
def test_gd_epoch(optimizers, close):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1.0, 2.0, 3.0])
    w = np.zeros(2)
    close(optimizers.gd_epoch(w, X, y, _mse_grad, 0.1), w - 0.1 * _mse_grad(w, X, y), "gd_epoch(zeros(2), X, y, mse_grad, 0.1)")


@_exercise("sgd_epoch", 2)
def test_sgd_epoch(optimizers, close):
    X = np.arange(10.0).reshape(5, 2) / 10
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    w = np.zeros(2)
    expected = w
    for idx in [b for b in np.array_split(np.random.default_rng(1).permutation(5), [2, 4]) if len(b)]:
        expected = expected - 0.5 * _mse_grad(expected, X[idx], y[idx])
    got = optimizers.sgd_epoch(w, X, y, _mse_grad, 0.5, 2, np.random.default_rng(1))
    close(got, expected, "sgd_epoch(zeros(2), X, y, mse_grad, 0.5, batch_size=2, default_rng(1))")


@_exercise("rmsprop_step", 2)
def test_rmsprop_first_step(optimizers, close):
    """第一步 σ⁰ = |g⁰|，所以每個元素都移動約 lr。On the first step each element moves by about lr."""
    w, state = optimizers.rmsprop_step(np.array([1.0, -1.0]), np.array([0.2, -4.0]), None, lr=0.1)
    close(w, [0.9, -0.9], "rmsprop_step(w, g, None, lr=0.1)[0]")
    close(state["sigma"], [0.2, 4.0], "rmsprop_step(w, g, None, lr=0.1)[1]['sigma']")


@_exercise("rmsprop_step")
def test_rmsprop_second_step(optimizers, close):
    w, state = optimizers.rmsprop_step(np.array([0.0]), np.array([1.0]), None, lr=0.1, alpha=0.9)
    w, state = optimizers.rmsprop_step(w, np.array([3.0]), state, lr=0.1, alpha=0.9)
    sigma = np.sqrt(0.9 * 1.0 + 0.1 * 9.0)
    close(state["sigma"], [sigma], "sigma after two steps")
    close(w, [-0.1 - 0.1 * 3.0 / sigma], "w after two steps")


@_exercise("adam_step", 2)
def test_adam_first_step_moves_by_lr(optimizers, close):
    """有偏差修正，第一步每個元素移動約 lr。With bias correction the first step is about lr."""
    w, state = optimizers.adam_step(np.array([1.0, 1.0]), np.array([0.001, -50.0]), None, lr=0.01)
    close(w, [0.99, 1.01], "adam_step(w, g, None, lr=0.01)[0]", rtol=1e-4)
    assert state["t"] == 1, f"state['t'] 應為 should be 1, got {state['t']!r}"


@_exercise("optimize", 2)
def test_optimize_gd_on_a_bowl(optimizers, close):
    """f(w) = ‖w‖²，梯度 2w；lr = 0.25 每步減半。Each GD step halves w."""
    path = optimizers.optimize(lambda w: 2 * w, np.array([4.0, -8.0]), "gd", 3, lr=0.25)
    close(path, [[4, -8], [2, -4], [1, -2], [0.5, -1]], 'optimize(2w, [4, -8], "gd", 3, lr=0.25)')


@_exercise("optimize")
def test_optimize_shape(optimizers):
    path = optimizers.optimize(lambda w: 2 * w, np.ones((2, 3)), "adam", 5, lr=0.1)
    assert np.shape(path) == (6, 2, 3), f"optimize(..., steps=5) 形狀 shape {np.shape(path)}，應為 expected (6, 2, 3)"


@_exercise("optimize")
def test_optimize_rejects_an_unknown_method(optimizers, rejects):
    rejects('optimize(2w, [1.0], "sgd", 3, lr=0.1)', optimizers.optimize, lambda w: 2 * w, np.array([1.0]), "sgd", 3,
            lr=0.1)
