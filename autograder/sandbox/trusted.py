"""Grader-owned code that runs in the child: callables handed to student functions,
and drivers that chain several student calls.

A grader never sends a closure: it names a function here, with data bound to it
(``codec.fn("mse_grad")``), and the child builds it. The parent computes the expected
values with the same functions, imported from this module, so both sides agree on
what ``grad_fn`` or ``f`` means.
"""

import functools

import numpy as np


# --------------------------------------------------------------------------- f(x), elementwise
def square(x):
    return np.asarray(x, dtype=np.float64) ** 2


def cube(x):
    return np.asarray(x, dtype=np.float64) ** 3


def sin(x):
    return np.sin(np.asarray(x, dtype=np.float64))


def stable_sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


# --------------------------------------------------------------------------- f(w) -> scalar
def sum_squares(w):
    return float(np.sum(np.asarray(w, dtype=np.float64) ** 2))


def sum_sin(w):
    return float(np.sum(np.sin(np.asarray(w, dtype=np.float64))))


def quadratic(w, A, b):
    """``½ wᵀAw + bᵀw`` for a 1-D ``w``."""
    w = np.asarray(w, dtype=np.float64)
    return float(0.5 * w @ A @ w + b @ w)


def logistic_loss(w, X, y):
    """Mean binary cross-entropy of ``sigmoid(X @ w)`` against labels ``y`` in {0, 1}."""
    z = np.asarray(X, dtype=np.float64) @ np.asarray(w, dtype=np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


# --------------------------------------------------------------------------- grad_fn(w, X, y)
def mse_grad(w, X, y):
    """Gradient of ``mean((X @ w − y)²)``; ``X (n, d)``, ``w (d,)``, ``y (n,)``."""
    X = np.asarray(X, dtype=np.float64)
    return 2.0 * X.T @ (X @ np.asarray(w, dtype=np.float64) - y) / len(X)


def logistic_grad(w, X, y):
    """Gradient of `logistic_loss`."""
    X = np.asarray(X, dtype=np.float64)
    return X.T @ (stable_sigmoid(X @ np.asarray(w, dtype=np.float64)) - y) / len(X)


# --------------------------------------------------------------------------- grad_fn(w)
def bowl_grad(w, scales):
    """Gradient of ``Σ scales·w²``: an axis-aligned bowl, steep where ``scales`` is large."""
    return 2.0 * np.asarray(scales, dtype=np.float64) * np.asarray(w, dtype=np.float64)


def quadratic_grad(w, A, b):
    """Gradient of `quadratic`: ``A w + b``."""
    return np.asarray(A, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + b


def rosenbrock_grad(w):
    """Gradient of ``(1 − x)² + 100 (y − x²)²`` at ``w = (x, y)``."""
    x, y = np.asarray(w, dtype=np.float64)
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


CALLABLES = {
    f.__name__: f
    for f in (square, cube, sin, stable_sigmoid, softplus, sum_squares, sum_sin, quadratic,
              logistic_loss, mse_grad, logistic_grad, bowl_grad, quadratic_grad, rosenbrock_grad)
}


def make_callable(name, kwargs):
    """The callable ``name`` with ``kwargs`` bound (`KeyError` for unknown names)."""
    function = CALLABLES[name]
    return functools.partial(function, **kwargs) if kwargs else function


# --------------------------------------------------------------------------- drivers
def forward_backward(module, x, y, params):
    """``forward`` then ``backward`` with the student's own cache → ``(y_hat, grads)``."""
    y_hat, cache = module.forward(x, params)
    return y_hat, module.backward(y, cache, params)


def numerical_gradient_closure(module, w, h=1e-5):
    """``numerical_gradient(f, w)`` where ``f`` reads ``w`` through a closure.

    ``f`` ignores its argument and returns ``Σ sin(w)·c`` for fixed weights ``c``, so
    only a function that perturbs ``w`` itself, in place, gets the right gradient.

    Returns
    -------
    (ndarray, ndarray)
        The student's gradient and ``w`` as it is after the call.
    """
    w = np.array(w, dtype=np.float64)
    c = np.arange(1, w.size + 1, dtype=np.float64).reshape(w.shape)

    def f(_ignored):
        return float(np.sum(np.sin(w) * c))

    grad = module.numerical_gradient(f, w, h)
    return grad, w


def numerical_gradient_closure_expected(w):
    """The exact gradient of `numerical_gradient_closure`'s ``f``: ``cos(w)·c``."""
    w = np.asarray(w, dtype=np.float64)
    return np.cos(w) * np.arange(1, w.size + 1, dtype=np.float64).reshape(w.shape)


def minibatches_then_draw(module, n, batch_size, seed):
    """``minibatches(n, batch_size, default_rng(seed))``, then one more draw from that rng.

    The draw shows how far the student's code advanced the generator: it matches the
    reference only if ``rng.permutation`` was called exactly once.
    """
    rng = np.random.default_rng(seed)
    batches = module.minibatches(n, batch_size, rng)
    return batches, int(rng.integers(0, 2**31))


DRIVERS = {f.__name__: f for f in (forward_backward, numerical_gradient_closure, minibatches_then_draw)}


def driver(name):
    """The driver called ``name``; the CNN unit's drivers are imported on first use."""
    if name in DRIVERS:
        return DRIVERS[name]
    if name.startswith("keras_"):
        from autograder.sandbox import keras_drivers

        return keras_drivers.DRIVERS[name]
    raise KeyError(name)
