"""Unit 1 (convolution.py): the reference solution against independent oracles.

Oracles: SciPy (``scipy.signal.correlate2d``, ``scipy.ndimage.median_filter``,
``scipy.signal.windows.gaussian``), Keras layers (``Conv2D``, ``MaxPooling2D``,
``GlobalAveragePooling2D``, ``Flatten``), CS231n's published ``conv_forward_naive``
numbers, the slides' own numbers, and plain-NumPy loops in the property tests.

TensorFlow is imported lazily by the ``keras`` fixture, so the SciPy tests run (and run
fast) without it.
"""

import os

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.course import reference

conv = reference.load("convolution")

TF_REASON = "TensorFlow is not installed (pip install -e '.[cnn]')"
KERAS_TOL = dict(rtol=1e-5, atol=1e-5)  # Keras computes in float32


@pytest.fixture(scope="module")
def keras():
    """Keras 3 on TensorFlow, imported only by the tests that need it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    pytest.importorskip("tensorflow", reason=TF_REASON)
    import keras

    return keras


def _run_layer(keras, layer, x):
    """Call ``layer`` eagerly on a batch of one channels-last sample; drop the batch axis."""
    out = layer(np.asarray(x, dtype=np.float32)[None])
    return keras.ops.convert_to_numpy(out)[0]


# ---------------------------------------------------------------------------
# conv2d vs scipy.signal.correlate2d
# ---------------------------------------------------------------------------
CORR_SHAPES = [
    ((7, 11), (3, 3)),
    ((9, 5), (2, 4)),
    ((6, 8), (1, 1)),
    ((5, 13), (5, 1)),
    ((12, 7), (4, 7)),
    ((3, 3), (3, 3)),
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("image_shape", "kernel_shape"), CORR_SHAPES)
def test_conv2d_valid_matches_scipy_correlate2d(image_shape, kernel_shape, seed):
    """Oracle: scipy.signal.correlate2d(mode="valid") (cross-correlation, no flip)."""
    rng = np.random.default_rng(seed)
    image = rng.normal(size=image_shape) * 3.0  # negative and positive values
    kernel = rng.normal(size=kernel_shape)
    expected = scipy.signal.correlate2d(image, kernel, mode="valid")
    np.testing.assert_allclose(conv.conv2d(image, kernel), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv.conv2d(image, kernel, padding="valid"), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_is_not_flipped_convolution():
    """Oracle: correlate2d, and it must differ from scipy's (flipped) convolve2d here."""
    rng = np.random.default_rng(7)
    image = rng.integers(-5, 6, size=(6, 7))
    kernel = np.array([[1, 2, 0], [0, -1, 3]])
    got = conv.conv2d(image, kernel)
    np.testing.assert_allclose(got, scipy.signal.correlate2d(image, kernel, mode="valid"))
    assert not np.allclose(got, scipy.signal.convolve2d(image, kernel, mode="valid"))


@pytest.mark.parametrize("padding", [1, 2, 3])
@pytest.mark.parametrize(("image_shape", "kernel_shape"), [((5, 8), (3, 3)), ((4, 3), (5, 2)), ((6, 6), (1, 1))])
def test_conv2d_int_padding_matches_correlate2d_of_padded_image(image_shape, kernel_shape, padding):
    """Oracle: correlate2d(np.pad(image, p), kernel, "valid")."""
    rng = np.random.default_rng(padding * 100 + kernel_shape[0])
    image = rng.uniform(-2, 2, size=image_shape)
    kernel = rng.uniform(-1, 1, size=kernel_shape)
    expected = scipy.signal.correlate2d(np.pad(image, padding), kernel, mode="valid")
    np.testing.assert_allclose(conv.conv2d(image, kernel, padding=padding), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride", [2, 3, (2, 1), (1, 3), (3, 2)])
@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_stride_is_stride_one_result_subsampled(stride, padding):
    """Oracle: the stride-1 correlate2d result sliced [::sh, ::sw]."""
    rng = np.random.default_rng(3)
    image = rng.normal(size=(11, 10))
    kernel = rng.normal(size=(3, 2))
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    full = scipy.signal.correlate2d(np.pad(image, padding), kernel, mode="valid")
    got = conv.conv2d(image, kernel, stride=stride, padding=padding)
    np.testing.assert_allclose(got, full[::sh, ::sw], rtol=1e-12, atol=1e-12)


def test_sobel_magnitude_and_sharpen_match_scipy():
    """Oracle: correlate2d with the slide's filters, composed as the contract says."""
    rng = np.random.default_rng(11)
    image = rng.integers(0, 256, size=(9, 12)).astype(np.uint8)
    f = image.astype(np.float64)
    gy = scipy.signal.correlate2d(f, conv.SOBEL_H, mode="valid")
    gx = scipy.signal.correlate2d(f, conv.SOBEL_V, mode="valid")
    np.testing.assert_allclose(conv.sobel_magnitude(image), np.sqrt(gx**2 + gy**2), rtol=1e-12)
    lap = scipy.signal.correlate2d(np.pad(f, 1), conv.LAPLACIAN, mode="valid")
    np.testing.assert_allclose(conv.sharpen(image, amount=0.5), f + 0.5 * lap, rtol=1e-12, atol=1e-9)


# ---------------------------------------------------------------------------
# median_filter vs scipy.ndimage.median_filter
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", [3, 5])
@pytest.mark.parametrize("kind", ["float", "int"])
def test_median_filter_matches_scipy_ndimage_cropped(size, kind):
    """Oracle: scipy.ndimage.median_filter(size) cropped to the valid region."""
    rng = np.random.default_rng(size)
    if kind == "float":
        image = rng.normal(size=(10, 13))
    else:  # many ties, like salt-and-pepper noise on a flat image
        image = rng.choice([0, 0, 0, 100, 255], size=(10, 13))
    r = size // 2
    expected = scipy.ndimage.median_filter(image.astype(np.float64), size=size)[r:-r, r:-r]
    got = conv.median_filter(image, size=size)
    assert got.shape == (10 - size + 1, 13 - size + 1)
    np.testing.assert_allclose(got, expected, rtol=0, atol=0)


# ---------------------------------------------------------------------------
# Keras layers
# ---------------------------------------------------------------------------
# (H, W, Cin, Cout, kernel_size, strides, padding, use_bias)
CONV2D_CASES = [
    (7, 7, 3, 4, 3, 2, "same", True),
    (8, 8, 3, 4, 3, 2, "same", True),
    (7, 8, 2, 3, 3, 2, "same", False),
    (8, 7, 2, 2, 4, 2, "same", True),  # even kernel: the odd extra zero at bottom/right
    (6, 9, 2, 3, (4, 2), (1, 3), "same", True),
    (5, 5, 1, 2, 5, 1, "same", True),
    (9, 7, 3, 2, 3, 1, "valid", True),
    (9, 7, 3, 2, (3, 2), 2, "valid", False),
    (6, 5, 4, 3, 1, 1, "valid", True),
]


@pytest.mark.parametrize(("h", "w", "cin", "cout", "k", "s", "padding", "use_bias"), CONV2D_CASES)
def test_conv2d_multi_matches_keras_conv2d(keras, h, w, cin, cout, k, s, padding, use_bias):
    """Oracle: keras.layers.Conv2D with the same weights (set_weights), one image."""
    rng = np.random.default_rng(h * 100 + w * 10 + cin)
    kh, kw = (k, k) if np.ndim(k) == 0 else k
    x = rng.normal(size=(h, w, cin)).astype(np.float32)
    kernels = rng.normal(size=(kh, kw, cin, cout)).astype(np.float32)
    bias = rng.normal(size=(cout,)).astype(np.float32)

    layer = keras.layers.Conv2D(cout, (kh, kw), strides=s, padding=padding, use_bias=use_bias, activation=None)
    layer.build((1, h, w, cin))
    layer.set_weights([kernels, bias] if use_bias else [kernels])
    expected = _run_layer(keras, layer, x)

    got = conv.conv2d_multi(x, kernels, bias=bias if use_bias else None, stride=s, padding=padding)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **KERAS_TOL)


# (H, W, C, pool_size, strides)
POOL_CASES = [
    (8, 8, 3, 2, None),
    (7, 7, 3, 2, None),
    (7, 9, 2, 3, None),
    (8, 8, 2, 3, 2),
    (9, 7, 1, 2, 1),
    (5, 6, 3, 3, 1),
    (10, 11, 2, 2, 3),
]


@pytest.mark.parametrize(("h", "w", "c", "pool", "stride"), POOL_CASES)
def test_max_pool2d_matches_keras_maxpooling2d(keras, h, w, c, pool, stride):
    """Oracle: keras.layers.MaxPooling2D(padding="valid"); also the 2-D (H, W) form."""
    rng = np.random.default_rng(h * w + pool)
    x = rng.normal(size=(h, w, c)).astype(np.float32)
    layer = keras.layers.MaxPooling2D(pool_size=pool, strides=stride, padding="valid")
    expected = _run_layer(keras, layer, x)

    got = conv.max_pool2d(x, pool_size=pool, stride=stride)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **KERAS_TOL)
    got_2d = conv.max_pool2d(x[:, :, 0], pool_size=pool, stride=stride)
    np.testing.assert_allclose(got_2d, expected[:, :, 0], **KERAS_TOL)


@pytest.mark.parametrize("shape", [(4, 4, 3), (7, 5, 2), (1, 9, 4)])
def test_global_average_pool_and_flatten_match_keras(keras, shape):
    """Oracle: keras.layers.GlobalAveragePooling2D and keras.layers.Flatten."""
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=shape).astype(np.float32) + 1.0
    gap = _run_layer(keras, keras.layers.GlobalAveragePooling2D(), x)
    got = conv.global_average_pool(x)
    assert got.shape == (shape[2],)
    np.testing.assert_allclose(got, gap, **KERAS_TOL)

    flat = _run_layer(keras, keras.layers.Flatten(), x)
    got = conv.flatten(x)
    assert got.shape == (x.size,)
    np.testing.assert_allclose(got, flat, **KERAS_TOL)


@pytest.mark.parametrize(
    ("kh", "kw", "c_in", "filters", "use_bias"),
    [(3, 3, 3, 32, True), (5, 5, 16, 8, False), (1, 1, 64, 10, True), (3, 2, 1, 1, True), (7, 7, 3, 64, False)],
)
def test_count_conv_params_matches_keras(keras, kh, kw, c_in, filters, use_bias):
    """Oracle: keras.layers.Conv2D(...).count_params() after build."""
    layer = keras.layers.Conv2D(filters, (kh, kw), use_bias=use_bias)
    layer.build((None, 16, 16, c_in))
    got = conv.count_conv_params(kh, kw, c_in, filters, use_bias=use_bias)
    assert isinstance(got, (int, np.integer)) and not isinstance(got, bool)
    assert got == layer.count_params()


# ---------------------------------------------------------------------------
# CS231n's published conv_forward_naive check
# ---------------------------------------------------------------------------
def _cs231n_rel_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))


def test_conv2d_multi_reproduces_cs231n_conv_forward_naive():
    """Oracle: CS231n assignment 2, conv_forward_naive's published correct_out (NCHW)."""
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    correct_out = np.array(
        [
            [
                [[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                [[0.50813986, 0.54309974], [0.64082444, 0.67101435]],
            ],
            [
                [[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                [[2.36270298, 2.36904306], [2.38090835, 2.38247847]],
            ],
        ]
    )
    kernels = w.transpose(2, 3, 1, 0)  # (F, C, HH, WW) -> (HH, WW, C, F)
    out = np.stack(
        [conv.conv2d_multi(x[n].transpose(1, 2, 0), kernels, bias=b, stride=2, padding=1).transpose(2, 0, 1)
         for n in range(x.shape[0])]
    )
    assert out.shape == correct_out.shape
    assert _cs231n_rel_error(out, correct_out) < 1e-7


# ---------------------------------------------------------------------------
# The slides' own numbers and the given constants
# ---------------------------------------------------------------------------
def _rows(*rows):
    return np.array([[int(ch) for ch in row] for row in rows])


def test_given_examples_are_the_slides():
    """Oracle: the contract's transcription of the slides."""
    np.testing.assert_array_equal(
        conv.SOBEL_EXAMPLE_IMAGE, _rows("000000", "003330", "001130", "001130", "000000", "000000")
    )
    np.testing.assert_array_equal(conv.SOBEL_EXAMPLE_FILTER, [[1, 0, -1]] * 3)
    np.testing.assert_array_equal(conv.CROSS_EXAMPLE_IMAGE, _rows("00000", "00110", "11111", "01011", "00101"))
    np.testing.assert_array_equal(conv.CROSS_EXAMPLE_FILTER, [[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    np.testing.assert_array_equal(conv.SOBEL_H, [[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    np.testing.assert_array_equal(conv.SOBEL_V, [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    np.testing.assert_array_equal(conv.LAPLACIAN, [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])


@pytest.mark.parametrize(
    ("answer", "image", "kernel", "shape"),
    [
        ("HAND_SOBEL_ANSWER", "SOBEL_EXAMPLE_IMAGE", "SOBEL_EXAMPLE_FILTER", (4, 4)),
        ("HAND_CROSS_ANSWER", "CROSS_EXAMPLE_IMAGE", "CROSS_EXAMPLE_FILTER", (3, 3)),
    ],
)
def test_hand_answers_match_correlate2d(answer, image, kernel, shape):
    """Oracle: scipy.signal.correlate2d of the slide's example; conv2d agrees too."""
    expected = scipy.signal.correlate2d(getattr(conv, image), getattr(conv, kernel), mode="valid")
    hand = np.asarray(getattr(conv, answer))
    assert hand.shape == shape
    np.testing.assert_array_equal(hand, expected)
    np.testing.assert_allclose(conv.conv2d(getattr(conv, image), getattr(conv, kernel)), expected)


def test_gaussian_kernel_matches_the_slide_table():
    """Oracle: the slide's 3×3 Gaussian table (σ = √0.5, rounded to 3 decimals)."""
    table = [[0.045, 0.122, 0.045], [0.122, 0.332, 0.122], [0.045, 0.122, 0.045]]
    np.testing.assert_array_equal(np.round(conv.gaussian_kernel(3, sigma=np.sqrt(0.5)), 3), table)


@pytest.mark.parametrize(("size", "sigma"), [(1, 1.0), (3, 1.0), (5, 0.8), (7, 2.5), (9, 1.3)])
def test_gaussian_kernel_matches_scipy_window(size, sigma):
    """Oracle: outer product of scipy.signal.windows.gaussian, normalised to sum 1."""
    g = scipy.signal.windows.gaussian(size, std=sigma)
    expected = np.outer(g, g) / np.outer(g, g).sum()
    got = conv.gaussian_kernel(size, sigma=sigma)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert got.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("size", [1, 3, 4])
def test_average_kernel_matches_uniform_filter(size):
    """Oracle: scipy.ndimage.uniform_filter (the mean of each window), cropped to valid."""
    rng = np.random.default_rng(size)
    image = rng.normal(size=(8, 9))
    k = conv.average_kernel(size)
    np.testing.assert_allclose(k, np.full((size, size), 1 / size**2), rtol=1e-15)
    lo = size // 2  # uniform_filter centres even windows at index size//2
    hi = size - 1 - lo
    expected = scipy.ndimage.uniform_filter(image, size=size)[lo : image.shape[0] - hi, lo : image.shape[1] - hi]
    np.testing.assert_allclose(conv.conv2d(image, k), expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("image_shape", "kernel_shape", "kwargs"),
    [
        ((4, 4, 3), (3, 3), {}),  # 3-D image
        ((5,), (3, 3), {}),  # 1-D image
        ((3, 3), (5, 5), {}),  # kernel larger than the image
        ((3, 3), (6, 3), {"padding": 1}),  # larger than the padded image
        ((4, 4), (3, 3), {"stride": 0}),
        ((4, 4), (3, 3), {"stride": -1}),
        ((4, 4), (3, 3), {"stride": (1, 0)}),
        ((4, 4), (3, 3), {"stride": (2, -2)}),
        ((4, 4), (3, 3), {"padding": "full"}),
        ((4, 4), (3, 3), {"padding": "bogus"}),
        ((4, 4), (3, 3), {"padding": -1}),
    ],
)
def test_conv2d_rejects_bad_arguments(image_shape, kernel_shape, kwargs):
    """Oracle: the contract's Raises section (ValueError)."""
    with pytest.raises(ValueError):
        conv.conv2d(np.ones(image_shape), np.ones(kernel_shape), **kwargs)


def test_conv2d_accepts_kernel_exactly_the_padded_size():
    """The boundary of the size check: a 5×5 kernel fits a 3×3 image padded by 1."""
    out = conv.conv2d(np.ones((3, 3)), np.ones((5, 5)), padding=1)
    np.testing.assert_allclose(out, [[9.0]])


@pytest.mark.parametrize("size", [0, 2, 4, -3])
def test_gaussian_kernel_rejects_even_or_nonpositive_size(size):
    """Oracle: the contract ("size odd")."""
    with pytest.raises(ValueError):
        conv.gaussian_kernel(size, sigma=1.0)


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------
PROPS = settings(max_examples=50, deadline=None)
_finite = dict(allow_nan=False, allow_infinity=False, allow_subnormal=False)


@PROPS
@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    kh=st.integers(1, 5),
    kw=st.integers(1, 5),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    p=st.integers(0, 2),
    seed=st.integers(0, 2**16),
)
def test_conv2d_shape_is_conv_output_size(h, w, kh, kw, sh, sw, p, seed):
    """Oracle: conv_output_size on each axis, and the formula floor((n+2p-k)/s)+1 itself."""
    assume(kh <= h + 2 * p and kw <= w + 2 * p)
    rng = np.random.default_rng(seed)
    out = conv.conv2d(rng.normal(size=(h, w)), rng.normal(size=(kh, kw)), stride=(sh, sw), padding=p)
    oh, ow = conv.conv_output_size(h, kh, sh, p), conv.conv_output_size(w, kw, sw, p)
    assert isinstance(oh, (int, np.integer)) and isinstance(ow, (int, np.integer))
    assert (oh, ow) == ((h + 2 * p - kh) // sh + 1, (w + 2 * p - kw) // sw + 1)
    assert out.shape == (oh, ow)


@PROPS
@given(h=st.integers(1, 12), w=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(1, 4))
def test_conv2d_same_padding_shape_is_ceil_n_over_s(h, w, k, s):
    """Oracle: Keras' "same" rule, output ceil(n / s)."""
    out = conv.conv2d(np.ones((h, w)), np.ones((k, k)), stride=s, padding="same")
    assert out.shape == (-(-h // s), -(-w // s))


@PROPS
@given(
    data=st.data(),
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    a=st.floats(-3, 3, **_finite),
    b=st.floats(-3, 3, **_finite),
)
def test_conv2d_is_linear_in_the_kernel(data, h, w, a, b):
    """Oracle: linearity, conv2d(x, a·k1 + b·k2) = a·conv2d(x, k1) + b·conv2d(x, k2)."""
    kh, kw = data.draw(st.integers(1, h)), data.draw(st.integers(1, w))
    elems = st.floats(-10, 10, **_finite)
    x = data.draw(hnp.arrays(np.float64, (h, w), elements=elems))
    k1 = data.draw(hnp.arrays(np.float64, (kh, kw), elements=elems))
    k2 = data.draw(hnp.arrays(np.float64, (kh, kw), elements=elems))
    lhs = conv.conv2d(x, a * k1 + b * k2)
    rhs = a * conv.conv2d(x, k1) + b * conv.conv2d(x, k2)
    # Rounding: each output is a sum of kh·kw products; bound by a generous multiple of eps.
    scale = kh * kw * np.abs(x).max(initial=0) * (abs(a) * np.abs(k1).max() + abs(b) * np.abs(k2).max())
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-13 * scale + 1e-300)


def _loop_pool(x, pool, stride, reduce):
    x3 = x if x.ndim == 3 else x[:, :, None]
    oh = (x3.shape[0] - pool) // stride + 1
    ow = (x3.shape[1] - pool) // stride + 1
    out = np.empty((oh, ow, x3.shape[2]))
    for i in range(oh):
        for j in range(ow):
            window = x3[i * stride : i * stride + pool, j * stride : j * stride + pool, :]
            out[i, j] = reduce(window.reshape(-1, x3.shape[2]), axis=0)
    return out if x.ndim == 3 else out[:, :, 0]


@PROPS
@given(
    data=st.data(),
    h=st.integers(1, 10),
    w=st.integers(1, 10),
    channels=st.sampled_from([None, 1, 3]),
)
def test_max_pool2d_dominates_average_pool_and_matches_loops(data, h, w, channels):
    """Oracle: per-window max and mean computed with plain NumPy loops; max ≥ mean."""
    pool = data.draw(st.integers(1, min(h, w)))
    stride = data.draw(st.one_of(st.none(), st.integers(1, 4)))
    shape = (h, w) if channels is None else (h, w, channels)
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3, **_finite)))
    s = pool if stride is None else stride
    got = conv.max_pool2d(x, pool_size=pool, stride=stride)
    avg = _loop_pool(x, pool, s, np.mean)
    assert got.shape == avg.shape
    np.testing.assert_array_equal(got, _loop_pool(x, pool, s, np.max))
    # A mean can round a hair above the max of equal values: allow a few ulps.
    assert np.all(got >= avg - 1e-12 * (1 + np.abs(avg)))


@PROPS
@given(
    x=hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.int64]),
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=5, max_side=9),
        elements=st.integers(-100, 100),
    ),
    k=hnp.arrays(np.float64, (3, 3), elements=st.floats(-5, 5, **_finite)),
)
def test_functions_leave_inputs_unmodified(x, k):
    """Oracle: a copy taken before the call (the contract: no function modifies its inputs)."""
    x_before, k_before = x.copy(), k.copy()
    conv.conv2d(x, k, padding="same", stride=2)
    conv.conv2d_multi(x[:, :, None], k[:, :, None, None], bias=np.array([1.0]), padding=1)
    conv.max_pool2d(x, 2)
    conv.median_filter(x, 3)
    conv.sobel_magnitude(x)
    conv.sharpen(x, 2.0)
    conv.flatten(x)
    conv.global_average_pool(x[:, :, None])
    np.testing.assert_array_equal(x, x_before)
    assert x.dtype == x_before.dtype
    np.testing.assert_array_equal(k, k_before)


# ----------------------------------------------------------------------------- bilateral_filter
def _bilateral_loop(image, size, sigma_space, sigma_range):
    """The contract's formula, one window and one pixel at a time."""
    r = size // 2
    h, w = image.shape
    out = np.empty((h - size + 1, w - size + 1))
    for i in range(r, h - r):
        for j in range(r, w - r):
            num = den = 0.0
            for dy in range(-r, r + 1):
                for dx in range(-r, r + 1):
                    p = image[i + dy, j + dx]
                    weight = np.exp(-(dy * dy + dx * dx) / (2 * sigma_space**2)) * np.exp(
                        -((p - image[i, j]) ** 2) / (2 * sigma_range**2))
                    num += weight * p
                    den += weight
            out[i - r, j - r] = num / den
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 9), st.integers(3, 9), st.sampled_from([1, 3, 5]),
       st.floats(0.3, 4.0), st.floats(0.02, 50.0), st.integers(0, 2**31 - 1))
def test_bilateral_filter_matches_a_loop_over_its_formula(h, w, size, sigma_space, sigma_range, seed):
    assume(size <= min(h, w))
    image = np.random.default_rng(seed).uniform(0, 1, size=(h, w))
    got = conv.bilateral_filter(image, size=size, sigma_space=sigma_space, sigma_range=sigma_range)
    np.testing.assert_allclose(got, _bilateral_loop(image, size, sigma_space, sigma_range), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size, sigma", [(3, 1.0), (5, 1.5), (7, 0.8)])
def test_bilateral_filter_with_huge_sigma_range_is_the_gaussian_blur(size, sigma):
    image = np.random.default_rng(size).uniform(0, 255, size=(12, 14))
    blurred = scipy.signal.correlate2d(image, conv.gaussian_kernel(size, sigma=sigma), mode="valid")
    got = conv.bilateral_filter(image, size=size, sigma_space=sigma, sigma_range=1e8)
    np.testing.assert_allclose(got, blurred, rtol=1e-9)


def test_a_step_edge_survives_a_small_sigma_range_and_the_gaussian_blurs_it():
    step = np.zeros((9, 12))
    step[:, 6:] = 1.0
    step += np.random.default_rng(0).normal(0, 0.01, step.shape)  # a little noise, far below the step
    kept = conv.bilateral_filter(step, size=5, sigma_space=2.0, sigma_range=0.1)
    blurred = scipy.signal.correlate2d(step, conv.gaussian_kernel(5, sigma=2.0), mode="valid")
    # Output columns 0–3 have their centre left of the edge, 4–7 right of it.
    assert np.all(np.abs(kept[:, :4]) < 0.02) and np.all(np.abs(kept[:, 4:] - 1) < 0.02)
    assert blurred[:, 3].mean() > 0.2 and blurred[:, 4].mean() < 0.8  # the Gaussian makes a ramp
    assert np.abs(kept - blurred).max() > 0.2


def test_bilateral_filter_leaves_its_input_and_rejects_bad_arguments():
    image = np.random.default_rng(1).uniform(size=(6, 6))
    before = image.copy()
    conv.bilateral_filter(image)
    np.testing.assert_array_equal(image, before)
    for kwargs in ({"size": 4}, {"size": 7}, {"sigma_space": 0.0}, {"sigma_range": -1.0}):
        with pytest.raises(ValueError):
            conv.bilateral_filter(image, **kwargs)
    with pytest.raises(ValueError):
        conv.bilateral_filter(np.zeros((5, 5, 3)))
