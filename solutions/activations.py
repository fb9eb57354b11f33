"""單元二：激活函數與導數 — Unit 2: activation functions and their derivatives.

每個函式都是逐元素（elementwise）計算：輸入可以是純量，也可以是任意形狀的陣列，
輸出與輸入同形狀。沒有任何函式會修改它的輸入。
Every function is elementwise: a scalar or an array of any shape goes in, the same
shape comes out. No function modifies its input.

導數函式接收的是**激活前**的值 ``x``（pre-activation），不是激活後的輸出。
The derivative functions take the pre-activation ``x``, not the activation's output.
"""

import numpy as np


def sigmoid(x):
    """Sigmoid（邏輯函數）：``1 / (1 + e^(−x))``，輸出在 (0, 1) 之間。

    The logistic sigmoid. It must not overflow: ``sigmoid(-1000)`` is 0 (or a tiny
    number) and ``sigmoid(1000)`` is 1, with no ``RuntimeWarning`` and no ``nan``.
    提示：``e^(−x)`` 在 ``x`` 很負時會溢位；對 ``x < 0`` 改寫成 ``e^x / (1 + e^x)``。
    Hint: ``e^(−x)`` overflows for very negative ``x``; for ``x < 0`` use the equal
    form ``e^x / (1 + e^x)``.

    Parameters
    ----------
    x : float or array_like
        任意形狀。Any shape.

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀。Same shape as ``x``.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    """
    ### BEGIN SOLUTION
    x = _as_float(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]
    ### END SOLUTION


def sigmoid_derivative(x):
    """Sigmoid 的導數 ``σ(x)·(1 − σ(x))`` — the derivative of the sigmoid.

    注意：參數是激活前的 ``x``，不是 ``σ(x)``；``x·(1 − x)`` 是常見的錯誤。
    Note: the argument is the pre-activation ``x``, not ``σ(x)``; ``x·(1 − x)`` is a
    common mistake. The largest value is 0.25, at ``x = 0``.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀。Same shape as ``x``.
    """
    ### BEGIN SOLUTION
    s = sigmoid(x)
    return s * (1.0 - s)
    ### END SOLUTION


def tanh(x):
    """雙曲正切 ``tanh(x)``，輸出在 (−1, 1) 之間 — the hyperbolic tangent.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀。Same shape as ``x``.
    """
    ### BEGIN SOLUTION
    return np.tanh(_as_float(x))[()]
    ### END SOLUTION


def tanh_derivative(x):
    """``tanh`` 的導數 ``1 − tanh(x)²`` — the derivative of ``tanh``.

    Parameters
    ----------
    x : float or array_like
        激活前的值。The pre-activation.

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀，最大值 1（在 ``x = 0``）。Same shape; at most 1, at ``x = 0``.
    """
    ### BEGIN SOLUTION
    t = np.tanh(_as_float(x))
    return (1.0 - t * t)[()]
    ### END SOLUTION


def relu(x):
    """ReLU：``max(0, x)`` — the rectified linear unit.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀。Same shape as ``x``.
    """
    ### BEGIN SOLUTION
    return np.maximum(_as_float(x), 0.0)[()]
    ### END SOLUTION


def relu_derivative(x):
    """ReLU 的導數：``x ≥ 0`` 時為 1，否則為 0 — the derivative of ReLU.

    在 ``x = 0`` 導數其實不存在；本課依投影片的約定取 1。
    At ``x = 0`` the derivative does not exist; this course follows the slide and uses 1.

    Parameters
    ----------
    x : float or array_like

    Returns
    -------
    float or ndarray of float
        0.0 或 1.0，與 ``x`` 同形狀。0.0 or 1.0, same shape as ``x``.
    """
    ### BEGIN SOLUTION
    x = _as_float(x)
    return np.where(x >= 0, 1.0, 0.0).astype(x.dtype)[()]
    ### END SOLUTION


def numerical_derivative(f, x, h=1e-5):
    """中央差分的數值導數 — the central-difference numerical derivative.

    ``(f(x + h) − f(x − h)) / (2h)``，逐元素。投影片寫的是單邊極限
    ``(f(x + h) − f(x)) / h``；中央差分的誤差是 O(h²)，準確得多。
    Elementwise. The slide writes the one-sided limit; the central difference is
    asked for because its error is O(h²) instead of O(h).

    Parameters
    ----------
    f : callable
        逐元素的函式，例如 `sigmoid`。An elementwise function, such as `sigmoid`.
    x : float or array_like
        在哪些點求導數。Where to take the derivative.
    h : float, optional
        步長，正數。The step, positive.

    Returns
    -------
    float or ndarray of float
        與 ``x`` 同形狀。Same shape as ``x``.

    Examples
    --------
    >>> round(float(numerical_derivative(np.sin, 0.0)), 6)
    1.0
    """
    ### BEGIN SOLUTION
    if h <= 0:
        raise ValueError(f"h must be positive, got {h}")
    x = _as_float(x)
    return ((np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2.0 * h))[()]
    ### END SOLUTION


def _as_float(x):
    """``x`` as a floating ndarray (float64 unless it already is a float array)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)
