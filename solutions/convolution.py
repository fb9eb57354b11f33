"""單元一：卷積、濾波、池化 — Unit 1: convolution, filtering and pooling.

本課的「卷積」指的是 Keras ``Conv2D`` 所計算的互相關（cross-correlation）：
卷積核**不翻轉**。投影片上的手算例題也是這樣算的。

In this course "convolution" is what Keras ``Conv2D`` computes: cross-correlation,
the kernel is **not** flipped. The slides' worked examples follow this.

影像一律是 channels-last：``(H, W)`` 或 ``(H, W, C)``。沒有任何函式會修改它的輸入。
Images are channels-last, ``(H, W)`` or ``(H, W, C)``. No function modifies its inputs.
"""

import numpy as np

# ---------------------------------------------------------------------------
# 投影片「動手算算看」的例題（已給定，不計分）
# The slide "動手算算看" (given, not graded)
# ---------------------------------------------------------------------------
SOBEL_EXAMPLE_IMAGE = np.array(
    [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 3, 3, 3, 0],
        [0, 0, 1, 1, 3, 0],
        [0, 0, 1, 1, 3, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]
)
SOBEL_EXAMPLE_FILTER = np.array(
    [
        [1, 0, -1],
        [1, 0, -1],
        [1, 0, -1],
    ]
)

# 請用手（紙筆）算出 SOBEL_EXAMPLE_IMAGE 與 SOBEL_EXAMPLE_FILTER 的卷積結果
# （valid、stride 1，所以是 4×4），填成 NumPy 陣列或巢狀 list。不要呼叫 conv2d！
# Work out by hand the valid, stride-1 convolution of SOBEL_EXAMPLE_IMAGE with
# SOBEL_EXAMPLE_FILTER (a 4×4 result) and type it in as a NumPy array or a nested
# list. Do not call conv2d!
### BEGIN SOLUTION
HAND_SOBEL_ANSWER = np.array(
    [
        [-4, -4, -2, 4],
        [-5, -5, -4, 5],
        [-2, -2, -4, 2],
        [-1, -1, -2, 1],
    ]
)
### END SOLUTION

# 投影片「What is convolution?」的例題（已給定，不計分）
# The slide "What is convolution?" (given, not graded)
CROSS_EXAMPLE_IMAGE = np.array(
    [
        [0, 0, 0, 0, 0],
        [0, 0, 1, 1, 0],
        [1, 1, 1, 1, 1],
        [0, 1, 0, 1, 1],
        [0, 0, 1, 0, 1],
    ]
)
CROSS_EXAMPLE_FILTER = np.array(
    [
        [0, 1, 0],
        [1, 1, 1],
        [0, 1, 0],
    ]
)

# 請用手算出 CROSS_EXAMPLE_IMAGE 與 CROSS_EXAMPLE_FILTER 的卷積結果（valid、stride 1，3×3）。
# Work out by hand the valid, stride-1 result of CROSS_EXAMPLE_IMAGE with
# CROSS_EXAMPLE_FILTER (3×3), as a NumPy array or a nested list.
### BEGIN SOLUTION
HAND_CROSS_ANSWER = np.array(
    [
        [2, 3, 3],
        [4, 4, 5],
        [2, 4, 3],
    ]
)
### END SOLUTION

# ---------------------------------------------------------------------------
# 常用的 3×3 濾波器（已給定，不計分） — common 3×3 filters (given, not graded)
# ---------------------------------------------------------------------------
SOBEL_H = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
"""水平邊緣（上下亮度變化）— horizontal edges (change from top to bottom)."""
SOBEL_V = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
"""垂直邊緣（左右亮度變化）— vertical edges (change from left to right)."""
LAPLACIAN = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])
"""拉普拉斯：所有方向的邊緣 — Laplacian: edges in every direction."""


def conv_output_size(n, k, stride=1, padding=0):
    """卷積輸出的邊長 — the output size of a convolution along one axis.

    公式 Formula: ``floor((n + 2·padding − k) / stride) + 1``.

    Parameters
    ----------
    n : int
        輸入的邊長（像素）。Input size along the axis, in pixels.
    k : int
        卷積核的邊長。Kernel size along the axis.
    stride : int, optional
        步幅，正整數。Stride, a positive integer.
    padding : int, optional
        每一邊補幾個 0。Zeros added on each side.

    Returns
    -------
    int
        輸出邊長，必須是整數（``4``，不是 ``4.0``）。The output size, an integer.

    Raises
    ------
    ValueError
        ``stride`` 不是正數、``padding`` 是負數，或卷積核比補零後的輸入還大。
        Non-positive stride, negative padding, or a kernel larger than the padded input.

    Examples
    --------
    >>> conv_output_size(6, 3)
    4
    >>> conv_output_size(32, 3, stride=2, padding=1)
    16
    """
    ### BEGIN SOLUTION
    if stride <= 0:
        raise ValueError(f"stride must be positive, got {stride}")
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    if k > n + 2 * padding:
        raise ValueError(f"kernel size {k} is larger than the padded input {n + 2 * padding}")
    return int((n + 2 * padding - k) // stride + 1)
    ### END SOLUTION


def conv2d(image, kernel, stride=1, padding=0):
    """單通道 2-D 卷積（互相關，卷積核不翻轉）— single-channel 2-D convolution.

    輸出位置 ``(i, j)`` 的值是卷積核蓋在補零後影像 ``(i·sh, j·sw)`` 處時，
    對應元素相乘再加總。The value at ``(i, j)`` is the sum of the elementwise product
    of the kernel with the padded image window whose top-left corner is ``(i·sh, j·sw)``.

    Parameters
    ----------
    image : array_like, shape (H, W)
        灰階影像。A grayscale image.
    kernel : array_like, shape (kh, kw)
        卷積核（濾波器）。The kernel (filter).
    stride : int or tuple of two ints, optional
        步幅 ``s`` 或 ``(sh, sw)``，正整數。The stride, ``s`` or ``(sh, sw)``.
    padding : int or {"valid", "same"}, optional
        整數 ``p``：四邊各補 ``p`` 個 0；``"valid"`` 等於 0；``"same"`` 與 Keras 相同：
        輸出邊長為 ``ceil(n / s)``，需要補的 0 總數若是奇數，多出來的那個補在下方／右方。
        An int ``p`` adds ``p`` zeros on every side; ``"valid"`` is 0; ``"same"`` is Keras'
        rule: the output size is ``ceil(n / s)`` and an odd extra zero goes at the
        bottom/right.

    Returns
    -------
    ndarray of float64, shape (H', W')
        ``H' = floor((H + pad_top + pad_bottom − kh) / sh) + 1``，``W'`` 同理。

    Raises
    ------
    ValueError
        維度不對、步幅不是正整數、不認得的 padding，或卷積核比補零後的影像大。
        Wrong number of dimensions, a non-positive stride, an unknown padding, or a
        kernel larger than the padded image.

    Examples
    --------
    >>> conv2d(np.ones((4, 4)), np.ones((3, 3)))
    array([[9., 9.],
           [9., 9.]])
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw), got shape {kernel.shape}")
    kh, kw = kernel.shape

    strides = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
    if len(strides) != 2 or any(int(s) != s or s <= 0 for s in strides):
        raise ValueError(f"stride must be a positive int or a pair of them, got {stride!r}")
    sh, sw = (int(s) for s in strides)

    if isinstance(padding, str):
        if padding == "valid":
            pads = [(0, 0), (0, 0)]
        elif padding == "same":
            # Keras: output ceil(n / s); an odd total leaves the extra zero at the end.
            pads = []
            for n, k, s in ((image.shape[0], kh, sh), (image.shape[1], kw, sw)):
                total = max((-(-n // s) - 1) * s + k - n, 0)
                pads.append((total // 2, total - total // 2))
        else:
            raise ValueError(f'padding must be an int, "valid" or "same", got {padding!r}')
    elif int(padding) == padding and padding >= 0:
        pads = [(int(padding), int(padding))] * 2
    else:
        raise ValueError(f"padding must be a non-negative integer, got {padding!r}")

    padded = np.pad(image, pads)
    if kh > padded.shape[0] or kw > padded.shape[1]:
        raise ValueError(f"kernel {kernel.shape} is larger than the padded image {padded.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))[::sh, ::sw]
    return np.einsum("ijab,ab->ij", windows, kernel)
    ### END SOLUTION


def conv2d_multi(x, kernels, bias=None, stride=1, padding="valid"):
    """多通道、多濾波器的卷積：一張影像上的 Keras ``Conv2D`` — multi-channel convolution.

    與 ``keras.layers.Conv2D(filters=Cout, kernel_size=(kh, kw), strides=stride,
    padding=padding, use_bias=bias is not None, activation=None)`` 對一張影像的計算相同：
    每個濾波器把所有輸入通道的互相關加總，再加上它的偏差。
    What ``keras.layers.Conv2D(..., activation=None)`` computes for one image: each
    filter sums the cross-correlations over all input channels, plus its bias.

    Parameters
    ----------
    x : array_like, shape (H, W, Cin)
        一張 channels-last 影像。One channels-last image.
    kernels : array_like, shape (kh, kw, Cin, Cout)
        Keras 的卷積核排列。Keras' kernel layout.
    bias : array_like, shape (Cout,), optional
        每個濾波器的偏差；``None`` 表示沒有偏差。One bias per filter, or ``None``.
    stride : int or tuple of two ints, optional
        同 `conv2d`。As in `conv2d`.
    padding : int or {"valid", "same"}, optional
        同 `conv2d`。As in `conv2d`.

    Returns
    -------
    ndarray of float64, shape (H', W', Cout)

    Raises
    ------
    ValueError
        維度或通道數不符，或 `conv2d` 會拒絕的參數。Mismatched shapes or channels, or
        any argument `conv2d` rejects.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    kernels = np.asarray(kernels, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (H, W, Cin), got shape {x.shape}")
    if kernels.ndim != 4:
        raise ValueError(f"kernels must be 4-D (kh, kw, Cin, Cout), got shape {kernels.shape}")
    cin, cout = kernels.shape[2:]
    if cin != x.shape[2]:
        raise ValueError(f"kernels expect {cin} input channels, x has {x.shape[2]}")
    # Output channel f: the sum over input channels c of conv2d(x[..., c], kernels[..., c, f]).
    out = np.stack(
        [
            sum(conv2d(x[:, :, c], kernels[:, :, c, f], stride, padding) for c in range(cin))
            for f in range(cout)
        ],
        axis=-1,
    )
    if bias is not None:
        bias = np.asarray(bias, dtype=np.float64)
        if bias.shape != (cout,):
            raise ValueError(f"bias must have shape ({cout},), got {bias.shape}")
        out = out + bias
    return out
    ### END SOLUTION


def max_pool2d(x, pool_size=2, stride=None):
    """最大池化（valid）— max pooling, as Keras ``MaxPooling2D`` with ``padding="valid"``.

    每個 ``pool_size × pool_size`` 視窗取最大值；不足一個視窗的剩餘列／行會被捨棄。
    Each ``pool_size × pool_size`` window gives its maximum; leftover rows and columns
    that do not fill a window are dropped.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        影像或特徵圖；有通道時每個通道各自池化。An image or feature map; channels
        are pooled separately.
    pool_size : int, optional
        視窗邊長。Window size.
    stride : int, optional
        步幅，預設等於 ``pool_size``。Stride, ``pool_size`` by default.

    Returns
    -------
    ndarray, shape (H', W') or (H', W', C)
        ``H' = floor((H − pool_size) / stride) + 1``；dtype 與輸入相同。Same dtype as ``x``.

    Raises
    ------
    ValueError
        維度不對、``pool_size``／``stride`` 不是正整數，或視窗比影像大。
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (H, W) or (H, W, C), got shape {x.shape}")
    if stride is None:
        stride = pool_size
    if pool_size <= 0 or stride <= 0:
        raise ValueError(f"pool_size and stride must be positive, got {pool_size}, {stride}")
    if pool_size > x.shape[0] or pool_size > x.shape[1]:
        raise ValueError(f"pool_size {pool_size} is larger than the image {x.shape[:2]}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_size, pool_size), axis=(0, 1))
    return windows[::stride, ::stride].max(axis=(-2, -1))
    ### END SOLUTION


def flatten(x):
    """攤平成一維（row-major），如同 Keras ``Flatten`` 作用在一個 channels-last 樣本上。

    Flatten to 1-D in row-major (C) order, as Keras ``Flatten`` does to one
    channels-last sample: ``(32, 32, 3)`` → ``(3072,)``, and neighbouring pixels of
    one row end up 3 places apart, of one column 96 places apart.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, shape (x.size,)
        新的陣列（不是輸入的 view）。A new array, not a view of the input.
    """
    ### BEGIN SOLUTION
    return np.array(x).reshape(-1)
    ### END SOLUTION


def global_average_pool(x):
    """全域平均池化：每個通道取平均 — global average pooling, as ``GlobalAveragePooling2D``.

    Parameters
    ----------
    x : array_like, shape (H, W, C)

    Returns
    -------
    ndarray of float, shape (C,)
        第 ``c`` 個值是第 ``c`` 個通道所有像素的平均。Entry ``c`` is the mean of channel ``c``.

    Raises
    ------
    ValueError
        ``x`` 不是三維。If ``x`` is not 3-D.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (H, W, C), got shape {x.shape}")
    return x.mean(axis=(0, 1))
    ### END SOLUTION


def count_conv_params(kh, kw, c_in, filters, use_bias=True):
    """Conv2D 層的可訓練參數數量 — trainable parameters of a Conv2D layer.

    每個濾波器有 ``kh·kw·c_in`` 個權重，加上（若 ``use_bias``）一個偏差。
    Each filter has ``kh·kw·c_in`` weights plus, with ``use_bias``, one bias.

    Parameters
    ----------
    kh, kw : int
        卷積核大小。Kernel size.
    c_in : int
        輸入通道數。Input channels.
    filters : int
        濾波器（輸出通道）數。Number of filters (output channels).
    use_bias : bool, optional

    Returns
    -------
    int
        整數（不是 float）。An integer, not a float.

    Examples
    --------
    >>> count_conv_params(3, 3, 3, 32)
    896
    """
    ### BEGIN SOLUTION
    for name, value in (("kh", kh), ("kw", kw), ("c_in", c_in), ("filters", filters)):
        if value <= 0:
            raise ValueError(f"{name} must be positive, got {value}")
    return int(kh * kw * c_in * filters + (filters if use_bias else 0))
    ### END SOLUTION


def average_kernel(size=3):
    """平均濾波器：每個權重都是 ``1/size²`` — the box (average) filter.

    Parameters
    ----------
    size : int, optional
        邊長，正整數。Side length, positive.

    Returns
    -------
    ndarray of float64, shape (size, size)
        總和為 1。Sums to 1.
    """
    ### BEGIN SOLUTION
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    return np.full((size, size), 1.0 / size**2)
    ### END SOLUTION


def gaussian_kernel(size=3, sigma=1.0):
    """高斯濾波器 — a normalised Gaussian kernel.

    在整數格點 ``x, y ∈ {−(size//2), …, size//2}`` 上取 ``exp(−(x²+y²)/(2σ²))``，
    再除以總和使其總和為 1。投影片上的表格就是 ``gaussian_kernel(3, sigma=sqrt(0.5))``
    四捨五入到小數點後三位。
    ``exp(−(x²+y²)/(2σ²))`` on the integer grid, divided by its sum. The slide's table
    is ``gaussian_kernel(3, sigma=sqrt(0.5))`` rounded to 3 decimals.

    Parameters
    ----------
    size : int, optional
        邊長，必須是正奇數。Side length, a positive odd integer.
    sigma : float, optional
        標準差，正數。Standard deviation, positive.

    Returns
    -------
    ndarray of float64, shape (size, size)
        對稱、總和為 1。Symmetric, sums to 1.

    Raises
    ------
    ValueError
        ``size`` 不是正奇數或 ``sigma`` 不是正數。
    """
    ### BEGIN SOLUTION
    if size <= 0 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd integer, got {size}")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    r = np.arange(size) - size // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma**2))
    return g / g.sum()
    ### END SOLUTION


def median_filter(image, size=3):
    """中值濾波（valid）：每個視窗取中位數，去除椒鹽雜訊 — median filter (valid).

    Parameters
    ----------
    image : array_like, shape (H, W)
    size : int, optional
        視窗邊長，正奇數。Window side, a positive odd integer.

    Returns
    -------
    ndarray of float64, shape (H − size + 1, W − size + 1)

    Raises
    ------
    ValueError
        維度不對、``size`` 不是正奇數，或視窗比影像大。
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if size <= 0 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd integer, got {size}")
    if size > image.shape[0] or size > image.shape[1]:
        raise ValueError(f"window {size}×{size} is larger than the image {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, (size, size))
    return np.median(windows, axis=(-2, -1))
    ### END SOLUTION


def bilateral_filter(image, size=5, sigma_space=1.0, sigma_range=0.1):
    """雙邊濾波（valid）：保留邊緣的平滑 — the bilateral filter (valid windows).

    每個視窗的中心 ``c`` 與視窗裡的每個像素 ``p`` 給一個權重，由兩個高斯相乘：
    距離愈遠、亮度差愈大，權重就愈小：
    Each pixel ``p`` of the window around the centre ``c`` gets a weight, the product
    of two Gaussians — one of the distance, one of the difference in brightness::

        w(p) = exp(−|p − c|² / (2·sigma_space²)) · exp(−(I(p) − I(c))² / (2·sigma_range²))
        輸出 output = Σ w(p)·I(p) / Σ w(p)

    ``|p − c|`` 用視窗內的整數格點 ``−(size//2) … size//2`` 計算（與 `gaussian_kernel`
    相同）。邊緣兩側亮度差很大，對面的像素權重幾乎是 0，所以邊緣不會被抹平；
    ``sigma_range`` 很大時第二個因子都是 1，結果就是高斯模糊。
    ``|p − c|`` is measured on the window's integer grid, as in `gaussian_kernel`.
    Across an edge the brightness differs a lot, so the far side gets almost no weight
    and the edge survives; a huge ``sigma_range`` makes the second factor 1, and the
    result is the Gaussian blur.

    Parameters
    ----------
    image : array_like, shape (H, W)
        灰階影像（任何數值範圍；``sigma_range`` 與它用同一個單位）。
        A grayscale image; ``sigma_range`` is in the same units as its values.
    size : int, optional
        視窗邊長，正奇數，不大於影像。Window side, a positive odd integer.
    sigma_space : float, optional
        空間高斯的標準差（像素），正數。Spatial standard deviation in pixels, positive.
    sigma_range : float, optional
        亮度高斯的標準差（與影像同單位），正數。Range standard deviation, positive.

    Returns
    -------
    ndarray of float64, shape (H − size + 1, W − size + 1)

    Raises
    ------
    ValueError
        維度不對、``size`` 不是正奇數或比影像大、``sigma`` 不是正數。
        Not 2-D, ``size`` not a positive odd integer or larger than the image, or a
        ``sigma`` that is not positive.

    Examples
    --------
    >>> step = np.repeat([[0.0] * 4 + [1.0] * 4], 5, axis=0)   # (5, 8): 左暗右亮 dark | bright
    >>> bilateral_filter(step, size=3, sigma_range=0.1).round(3)[0]
    array([0., 0., 0., 1., 1., 1.])
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if size <= 0 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd integer, got {size}")
    if size > image.shape[0] or size > image.shape[1]:
        raise ValueError(f"window {size}×{size} is larger than the image {image.shape}")
    if sigma_space <= 0 or sigma_range <= 0:
        raise ValueError(f"sigma_space and sigma_range must be positive, got {sigma_space} and {sigma_range}")
    r = np.arange(size) - size // 2
    spatial = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2.0 * sigma_space**2))  # (size, size)
    windows = np.lib.stride_tricks.sliding_window_view(image, (size, size))  # (H', W', size, size)
    centre = image[size // 2 : image.shape[0] - size // 2, size // 2 : image.shape[1] - size // 2]
    weights = spatial * np.exp(-((windows - centre[..., None, None]) ** 2) / (2.0 * sigma_range**2))
    return (weights * windows).sum(axis=(-2, -1)) / weights.sum(axis=(-2, -1))
    ### END SOLUTION

def sobel_magnitude(image):
    """Sobel 邊緣強度 — the Sobel gradient magnitude (valid).

    ``sqrt(conv2d(image, SOBEL_H)² + conv2d(image, SOBEL_V)²)``.

    Parameters
    ----------
    image : array_like, shape (H, W)

    Returns
    -------
    ndarray of float64, shape (H − 2, W − 2)
        非負。Non-negative.
    """
    ### BEGIN SOLUTION
    gy = conv2d(image, SOBEL_H)
    gx = conv2d(image, SOBEL_V)
    return np.hypot(gx, gy)
    ### END SOLUTION


def sharpen(image, amount=1.0):
    """銳利化：加上拉普拉斯邊緣 — sharpening by adding the Laplacian edges.

    ``image + amount · conv2d(image, LAPLACIAN, padding=1)``。

    Parameters
    ----------
    image : array_like, shape (H, W)
    amount : float, optional
        銳利的程度；0 表示原圖。How much to sharpen; 0 gives the image back.

    Returns
    -------
    ndarray of float64, shape (H, W)
        與輸入同大小（不裁切到 [0, 255]）。Same shape as the input, not clipped.
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    return image + amount * conv2d(image, LAPLACIAN, padding=1)
    ### END SOLUTION
