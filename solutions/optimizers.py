"""單元四：優化器 — Unit 4: optimizers (GD, SGD, RMSProp, Adam).

每一步都是「純」的：回傳新的 ``w``（與新的狀態），不修改傳進來的任何東西。
Every step is pure: it returns a new ``w`` (and a new state) and leaves its inputs as
they were.

``grad`` 是損失對 ``w`` 的梯度，形狀與 ``w`` 相同。
``grad`` is the gradient of the loss with respect to ``w``, shaped like ``w``.
"""

import numpy as np


def gd_step(w, grad, lr):
    """梯度下降的一步：``w − lr·grad`` — one gradient-descent step.

    Parameters
    ----------
    w : ndarray
        目前的參數。The current parameters.
    grad : ndarray, shape w.shape
        梯度。The gradient.
    lr : float
        學習率 η。The learning rate η.

    Returns
    -------
    ndarray of float, shape w.shape
        新的參數（新陣列）。The new parameters, a new array.
    """
    ### BEGIN SOLUTION
    return np.asarray(w, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)
    ### END SOLUTION


def minibatches(n, batch_size, rng):
    """把 ``n`` 個樣本洗牌後切成小批次 — shuffle ``n`` samples and cut them into batches.

    呼叫**一次** ``perm = rng.permutation(n)``，再依序切成每段 ``batch_size`` 個；
    最後一段可能比較短。
    Call ``perm = rng.permutation(n)`` once, then cut it into consecutive chunks of
    ``batch_size``; the last chunk may be smaller.

    Parameters
    ----------
    n : int
        樣本數。Number of samples.
    batch_size : int
        每批幾個，正整數。Samples per batch, positive.
    rng : numpy.random.Generator
        例如 ``np.random.default_rng(0)``。For example ``np.random.default_rng(0)``.

    Returns
    -------
    list of ndarray of int
        每個元素是一批樣本的索引；合起來正好是 ``0 … n−1`` 各一次。
        The index arrays of the batches; together they hold ``0 … n−1`` once each.

    Examples
    --------
    >>> [len(b) for b in minibatches(10, 4, np.random.default_rng(0))]
    [4, 4, 2]
    """
    ### BEGIN SOLUTION
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    perm = rng.permutation(n)
    return [perm[i : i + batch_size] for i in range(0, n, batch_size)]
    ### END SOLUTION


def gd_epoch(w, X, y, grad_fn, lr):
    """批次梯度下降的一個 epoch：用全部資料算一次梯度、走一步 — one epoch of batch GD.

    Parameters
    ----------
    w : ndarray
    X : ndarray, shape (n, ...)
        全部的訓練資料。All the training inputs.
    y : ndarray, shape (n, ...)
        全部的目標值。All the targets.
    grad_fn : callable
        ``grad_fn(w, X, y)`` 回傳損失對 ``w`` 的梯度。Returns the gradient at ``w``.
    lr : float

    Returns
    -------
    ndarray, shape w.shape
    """
    ### BEGIN SOLUTION
    return gd_step(w, grad_fn(w, X, y), lr)
    ### END SOLUTION


def sgd_epoch(w, X, y, grad_fn, lr, batch_size, rng):
    """隨機（小批次）梯度下降的一個 epoch — one epoch of mini-batch SGD.

    對 ``minibatches(len(X), batch_size, rng)`` 的每一批 ``idx``：
    ``w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)``。
    For each ``idx`` in ``minibatches(len(X), batch_size, rng)``:
    ``w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)``.

    Parameters
    ----------
    w, X, y, grad_fn, lr
        同 `gd_epoch`。As in `gd_epoch`.
    batch_size : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape w.shape
        這個 epoch 結束時的參數。The parameters at the end of the epoch.
    """
    ### BEGIN SOLUTION
    for idx in minibatches(len(X), batch_size, rng):
        w = gd_step(w, grad_fn(w, X[idx], y[idx]), lr)
    return w
    ### END SOLUTION


def rmsprop_step(w, grad, state, lr=0.01, alpha=0.9, eps=1e-8):
    """投影片的 RMSProp 一步 — one step of the slide's RMSProp.

    第一步（``state is None``）：``σ⁰ = |g⁰|``；之後 ``σᵗ = sqrt(α(σᵗ⁻¹)² + (1−α)(gᵗ)²)``。
    更新：``w_new = w − lr·g / (σᵗ + eps)``。
    First step (``state is None``): ``σ⁰ = |g⁰|``; then
    ``σᵗ = sqrt(α(σᵗ⁻¹)² + (1−α)(gᵗ)²)``; the update is ``w − lr·g / (σᵗ + eps)``.

    Parameters
    ----------
    w, grad : ndarray, same shape
    state : dict or None
        上一步回傳的 ``{"sigma": σ}``；第一步是 ``None``。
        The previous step's ``{"sigma": σ}``; ``None`` on the first step.
    lr, alpha, eps : float

    Returns
    -------
    w_new : ndarray, shape w.shape
    state_new : dict
        ``{"sigma": σᵗ}``（新的陣列，形狀同 ``w``）。A new array shaped like ``w``.
    """
    ### BEGIN SOLUTION
    g = np.asarray(grad, dtype=np.float64)
    if state is None:
        sigma = np.abs(g)
    else:
        sigma = np.sqrt(alpha * np.asarray(state["sigma"]) ** 2 + (1.0 - alpha) * g**2)
    w_new = np.asarray(w, dtype=np.float64) - lr * g / (sigma + eps)
    return w_new, {"sigma": sigma}
    ### END SOLUTION


def adam_step(w, grad, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam 的一步（Kingma & Ba, Algorithm 1）— one Adam step.

    ``state is None`` 表示 ``m = v = 0, t = 0``。然後：``t += 1``；
    ``m = β1·m + (1−β1)·g``；``v = β2·v + (1−β2)·g²``；偏差修正
    ``m̂ = m/(1−β1ᵗ)``、``v̂ = v/(1−β2ᵗ)``；``w_new = w − lr·m̂/(sqrt(v̂) + eps)``。
    ``state is None`` means ``m = v = 0, t = 0``. Then ``t += 1``, the moment updates,
    the bias corrections and the update above.

    Parameters
    ----------
    w, grad : ndarray, same shape
    state : dict or None
        ``{"m": m, "v": v, "t": t}``；第一步是 ``None``。``None`` on the first step.
    lr, beta1, beta2, eps : float

    Returns
    -------
    w_new : ndarray, shape w.shape
    state_new : dict
        ``{"m": m, "v": v, "t": t}``，``t`` 是整數。``t`` is an int.
    """
    ### BEGIN SOLUTION
    g = np.asarray(grad, dtype=np.float64)
    if state is None:
        m, v, t = np.zeros_like(g), np.zeros_like(g), 0
    else:
        m, v, t = np.asarray(state["m"]), np.asarray(state["v"]), int(state["t"])
    t += 1
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g**2
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    w_new = np.asarray(w, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, {"m": m, "v": v, "t": t}
    ### END SOLUTION


def optimize(grad_fn, w0, method, steps, **hyper):
    """從 ``w0`` 出發走 ``steps`` 步，回傳整條軌跡 — run an optimizer, return the path.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(w)`` 回傳 ``w`` 處的梯度。Returns the gradient at ``w``.
    w0 : ndarray
        起點。The starting point.
    method : {"gd", "rmsprop", "adam"}
        用哪個優化器的一步：`gd_step`、`rmsprop_step` 或 `adam_step`。
    steps : int
        走幾步（≥ 0）。How many steps.
    **hyper
        交給那一步的超參數，例如 ``lr=0.1``（``"gd"`` 一定會給 ``lr``）。
        Hyper-parameters for the step, such as ``lr=0.1`` (always given for ``"gd"``).

    Returns
    -------
    ndarray of float, shape (steps + 1, *w0.shape)
        第 0 列是 ``w0``，第 ``t`` 列是走完 ``t`` 步的位置。Row 0 is ``w0``; row ``t``
        is where ``t`` steps lead.

    Raises
    ------
    ValueError
        不認得的 ``method`` 或負的 ``steps``。An unknown method or negative steps.
    """
    ### BEGIN SOLUTION
    if method not in ("gd", "rmsprop", "adam"):
        raise ValueError(f'method must be "gd", "rmsprop" or "adam", got {method!r}')
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    w = np.array(w0, dtype=np.float64)
    path = [w]
    state = None
    for _ in range(steps):
        g = grad_fn(w)
        if method == "gd":
            w = gd_step(w, g, **hyper)
        elif method == "rmsprop":
            w, state = rmsprop_step(w, g, state, **hyper)
        else:
            w, state = adam_step(w, g, state, **hyper)
        path.append(w)
    return np.stack(path)
    ### END SOLUTION
