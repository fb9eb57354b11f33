"""單元三：反向傳播與連鎖律 — Unit 3: backpropagation and the chain rule.

投影片上的網路：輸入 → Dense + sigmoid（隱藏層）→ Dense + sigmoid（輸出層），
損失是平方誤差。The slide's network: input → Dense + sigmoid (hidden) →
Dense + sigmoid (output), with the squared error as the loss.

``params`` 是一個 dict（與 Keras ``Dense`` 的 kernel 排列相同）—
``params`` is a dict in Keras' ``Dense`` kernel layout:

- ``W1``: ``(n_in, n_hidden)``, ``b1``: ``(n_hidden,)``
- ``W2``: ``(n_hidden, n_out)``, ``b2``: ``(n_out,)``

``x`` 的形狀是 ``(N, n_in)``，``y`` 是 ``(N, n_out)``：每一列是一個樣本。
``x`` is ``(N, n_in)`` and ``y`` is ``(N, n_out)``: one row per sample.
"""

import numpy as np


def _sigmoid(z):
    """數值穩定的 sigmoid（已給定）— a numerically stable sigmoid (given)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def forward(x, params):
    """前向傳播 — the forward pass.

    ``z1 = x @ W1 + b1``、``a1 = σ(z1)``、``z2 = a1 @ W2 + b2``、``ŷ = σ(z2)``。

    Parameters
    ----------
    x : ndarray, shape (N, n_in)
    params : dict
        ``W1 (n_in, n_hidden)``, ``b1 (n_hidden,)``, ``W2 (n_hidden, n_out)``, ``b2 (n_out,)``.

    Returns
    -------
    y_hat : ndarray of float, shape (N, n_out)
        網路的輸出，每個值都在 (0, 1)。The network's output, each value in (0, 1).
    cache : dict
        反向傳播需要的中間值（內容由你決定），會原封不動交給 `backward`。
        Whatever `backward` needs (your choice); it is handed back to `backward` as is.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (N, n_in), got shape {x.shape}")
    z1 = x @ params["W1"] + params["b1"]
    a1 = _sigmoid(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    y_hat = _sigmoid(z2)
    return y_hat, {"x": x, "a1": a1, "y_hat": y_hat}
    ### END SOLUTION


def squared_error(y, y_hat):
    """平方誤差損失 — the squared-error loss.

    ``L = sum((y − ŷ)²) / N``：對輸出加總、對樣本平均。N = 1 時就是投影片的
    ``L = (y − ŷ)²``。Summed over the outputs, averaged over the samples; for N = 1 it
    is the slide's ``L = (y − ŷ)²``.

    Parameters
    ----------
    y, y_hat : ndarray, shape (N, n_out)
        正確答案與網路輸出。Targets and outputs.

    Returns
    -------
    float
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=np.float64)
    y_hat = np.asarray(y_hat, dtype=np.float64)
    if y.ndim != 2 or y.shape != y_hat.shape:
        raise ValueError(f"y and y_hat must be 2-D of one shape, got {y.shape} and {y_hat.shape}")
    return float(np.sum((y - y_hat) ** 2) / y.shape[0])
    ### END SOLUTION


def backward(y, cache, params):
    """反向傳播：用連鎖律算出 `squared_error` 對每個參數的梯度 — the backward pass.

    由輸出往回：``∂L/∂ŷ = −2(y − ŷ)/N``，乘上 ``σ'(z2) = ŷ(1 − ŷ)`` 得到 ``δ2``；
    ``∂L/∂W2 = a1ᵀ δ2``、``∂L/∂b2 = Σ δ2``；再把 ``δ2 W2ᵀ`` 乘上 ``a1(1 − a1)`` 得到
    ``δ1``，同樣得到 ``∂L/∂W1``、``∂L/∂b1``。
    From the output back: ``∂L/∂ŷ = −2(y − ŷ)/N``, times ``σ'(z2) = ŷ(1 − ŷ)`` gives
    ``δ2``; then ``∂L/∂W2 = a1ᵀ δ2`` and ``∂L/∂b2 = Σ δ2`` (over samples); ``δ2 W2ᵀ``
    times ``a1(1 − a1)`` gives ``δ1`` and, likewise, ``∂L/∂W1`` and ``∂L/∂b1``.

    Parameters
    ----------
    y : ndarray, shape (N, n_out)
    cache : dict
        `forward` 回傳的 cache。The cache that `forward` returned.
    params : dict
        與 `forward` 相同的參數。The same parameters as in `forward`.

    Returns
    -------
    dict
        鍵與形狀都和 ``params`` 相同：``W1, b1, W2, b2``。
        The keys and shapes of ``params``.
    """
    ### BEGIN SOLUTION
    y = np.asarray(y, dtype=np.float64)
    x, a1, y_hat = cache["x"], cache["a1"], cache["y_hat"]
    n = y.shape[0]
    delta2 = -2.0 * (y - y_hat) / n * y_hat * (1.0 - y_hat)  # (N, n_out)
    delta1 = (delta2 @ np.asarray(params["W2"]).T) * a1 * (1.0 - a1)  # (N, n_hidden)
    return {
        "W1": x.T @ delta1,
        "b1": delta1.sum(axis=0),
        "W2": a1.T @ delta2,
        "b2": delta2.sum(axis=0),
    }
    ### END SOLUTION


def slide_gradient(y, y_hat, z_prev):
    """投影片上的 ``∇_{W^3_11} L = −2(y − ŷ) · ŷ(1 − ŷ) · z_prev`` — the slide's gradient.

    一個權重的梯度：損失對 ``ŷ`` 的導數，乘上 sigmoid 的導數，乘上這個權重所連接的
    前一層輸出 ``z_prev``。逐元素計算。
    The gradient of one weight: the loss's derivative with respect to ``ŷ``, times the
    sigmoid's derivative, times the previous layer's output ``z_prev`` that the weight
    multiplies. Elementwise.

    Parameters
    ----------
    y, y_hat, z_prev : float or array_like
        可互相廣播的形狀。Broadcastable shapes.

    Returns
    -------
    float or ndarray of float
    """
    ### BEGIN SOLUTION
    y, y_hat, z_prev = (np.asarray(a, dtype=np.float64) for a in (y, y_hat, z_prev))
    return (-2.0 * (y - y_hat) * y_hat * (1.0 - y_hat) * z_prev)[()]
    ### END SOLUTION


def numerical_gradient(f, w, h=1e-5):
    """數值梯度：一次擾動 ``w`` 的一個元素，做中央差分 — the numerical gradient.

    對每個索引 ``i``：把 ``w[i]`` 改成 ``w[i] + h`` 算 ``f(w)``，改成 ``w[i] − h`` 再算一次，
    梯度是兩者之差除以 ``2h``，然後把 ``w[i]`` 改回原值。要**就地**（in place）修改 ``w``
    本身，因為 ``f`` 可能透過閉包（closure）讀取同一個 ``w``；改一個副本是錯的。
    For each index ``i``: set ``w[i]`` to ``w[i] + h`` and evaluate ``f(w)``, then
    ``w[i] − h``, take the difference over ``2h``, and put ``w[i]`` back. Perturb ``w``
    itself, in place: ``f`` may read ``w`` through a closure, so perturbing a copy is
    wrong. On return ``w`` holds its original values.

    Parameters
    ----------
    f : callable
        ``f(w)`` 回傳一個純量（例如損失）。Returns a scalar, such as a loss.
    w : ndarray of float
        任意形狀。Any shape.
    h : float, optional

    Returns
    -------
    ndarray of float64, shape w.shape
    """
    ### BEGIN SOLUTION
    if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
        raise ValueError("w must be a float ndarray (it is perturbed in place)")
    grad = np.zeros(w.shape, dtype=np.float64)
    for i in np.ndindex(w.shape):
        old = w[i]
        w[i] = old + h
        f_plus = float(f(w))
        w[i] = old - h
        f_minus = float(f(w))
        w[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad
    ### END SOLUTION


def relative_error(a, b):
    """相對誤差 ``max(|a − b| / max(1e-8, |a| + |b|))`` — the relative error (CS231n).

    用來比較解析梯度與數值梯度：小於 1e-7 通常代表正確。
    Compares an analytic and a numerical gradient: below 1e-7 usually means correct.

    Parameters
    ----------
    a, b : float or array_like
        同形狀（或可廣播）。Same (or broadcastable) shapes.

    Returns
    -------
    float
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
    ### END SOLUTION
