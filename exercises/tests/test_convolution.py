"""單元一的公開測試 — public tests of unit 1 (convolution.py)."""

import numpy as np
import pytest

SOBEL_IMAGE = np.array(
    [[0, 0, 0, 0, 0, 0], [0, 0, 3, 3, 3, 0], [0, 0, 1, 1, 3, 0],
     [0, 0, 1, 1, 3, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]
)
SOBEL_FILTER = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
CROSS_IMAGE = np.array(
    [[0, 0, 0, 0, 0], [0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 1], [0, 0, 1, 0, 1]]
)
CROSS_FILTER = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]])


def _exercise(name, points=1):
    def mark(test):
        return pytest.mark.exercise(name)(pytest.mark.points(points)(test))

    return mark


@_exercise("HAND_SOBEL_ANSWER", 2)
def test_hand_sobel_answer_shape(convolution, answer):
    """手算答案是 4×4（6 − 3 + 1 = 4）。The hand answer is 4×4."""
    assert np.shape(answer(convolution.HAND_SOBEL_ANSWER)) == (4, 4), "HAND_SOBEL_ANSWER 應為 4×4 / should be 4×4"


@_exercise("HAND_SOBEL_ANSWER")
def test_hand_sobel_answer_first_row(convolution, answer, close):
    """左上角：三列的第 0 行減第 2 行，(0−0)+(0−3)+(0−1) = −4。"""
    got = np.asarray(answer(convolution.HAND_SOBEL_ANSWER))
    close(got[0, 0], -4, "HAND_SOBEL_ANSWER[0][0]")


@_exercise("HAND_CROSS_ANSWER", 2)
def test_hand_cross_answer_shape(convolution, answer):
    assert np.shape(answer(convolution.HAND_CROSS_ANSWER)) == (3, 3), "HAND_CROSS_ANSWER 應為 3×3 / should be 3×3"


@_exercise("HAND_CROSS_ANSWER")
def test_hand_cross_answer_corner(convolution, answer, close):
    """左上角的十字：中心 (1,1) 是 0，上 0、下 1、左 0、右 1：0 + 0 + 1 + 0 + 1 = 2。"""
    got = np.asarray(answer(convolution.HAND_CROSS_ANSWER))
    close(got[0, 0], 2, "HAND_CROSS_ANSWER[0][0]")


@_exercise("conv_output_size")
@pytest.mark.parametrize(
    "args, expected",
    [((6, 3), 4), ((5, 3), 3), ((32, 3, 1, 1), 32), ((32, 3, 2, 1), 16), ((7, 2, 2, 0), 3)],
)
def test_conv_output_size(convolution, args, expected):
    got = convolution.conv_output_size(*args)
    assert isinstance(got, (int, np.integer)), f"conv_output_size{args} 應回傳整數 / should return an int, got {got!r}"
    assert got == expected, f"conv_output_size{args}: 得到 got {got}，應為 expected {expected}"


@_exercise("conv_output_size")
def test_conv_output_size_rejects_bad_arguments(convolution, rejects):
    """步幅不是正數、補零是負數、濾波器比補零後的輸入還大。"""
    rejects("conv_output_size(6, 3, stride=0)", convolution.conv_output_size, 6, 3, stride=0)
    rejects("conv_output_size(6, 3, padding=-1)", convolution.conv_output_size, 6, 3, padding=-1)
    rejects("conv_output_size(2, 5)", convolution.conv_output_size, 2, 5)


@_exercise("conv2d", 2)
def test_conv2d_slide_sobel(convolution, close):
    """投影片「動手算算看」— the slide's 6×6 example."""
    expected = [[-4, -4, -2, 4], [-5, -5, -4, 5], [-2, -2, -4, 2], [-1, -1, -2, 1]]
    close(convolution.conv2d(SOBEL_IMAGE, SOBEL_FILTER), expected, "conv2d(SOBEL_EXAMPLE_IMAGE, SOBEL_EXAMPLE_FILTER)")


@_exercise("conv2d", 2)
def test_conv2d_slide_cross(convolution, close):
    """投影片「What is convolution?」— the slide's 5×5 example."""
    expected = [[2, 3, 3], [4, 4, 5], [2, 4, 3]]
    close(convolution.conv2d(CROSS_IMAGE, CROSS_FILTER), expected, "conv2d(CROSS_EXAMPLE_IMAGE, CROSS_EXAMPLE_FILTER)")


@_exercise("conv2d")
def test_conv2d_not_flipped(convolution, close):
    """卷積核不翻轉：核的左上角對齊視窗的左上角。The kernel is not flipped."""
    image = np.arange(9.0).reshape(3, 3)
    kernel = np.array([[1.0, 0.0], [0.0, 0.0]])
    close(convolution.conv2d(image, kernel), [[0, 1], [3, 4]], "conv2d(arange(9).reshape(3,3), [[1,0],[0,0]])")


@_exercise("conv2d")
def test_conv2d_stride_2(convolution, close):
    image = np.arange(25.0).reshape(5, 5)
    got = convolution.conv2d(image, np.ones((3, 3)), stride=2)
    close(got, [[54, 72], [144, 162]], "conv2d(arange(25).reshape(5,5), ones((3,3)), stride=2)")


@_exercise("conv2d")
def test_conv2d_padding_1(convolution, close):
    got = convolution.conv2d(np.ones((3, 3)), np.ones((3, 3)), padding=1)
    close(got, [[4, 6, 4], [6, 9, 6], [4, 6, 4]], "conv2d(ones((3,3)), ones((3,3)), padding=1)")


@_exercise("conv2d")
def test_conv2d_same_shape(convolution):
    got = convolution.conv2d(np.ones((7, 5)), np.ones((3, 3)), stride=2, padding="same")
    assert np.shape(got) == (4, 3), f'conv2d(7×5, 3×3, stride=2, padding="same") 形狀 shape {np.shape(got)}，應為 expected (4, 3)'


@_exercise("conv2d_multi", 2)
def test_conv2d_multi_sums_channels(convolution, close):
    """兩個通道各自卷積後相加，再加偏差。Channels are summed, then the bias added."""
    x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))], axis=-1)  # (3, 3, 2)
    kernels = np.ones((2, 2, 2, 1))
    got = convolution.conv2d_multi(x, kernels, bias=np.array([0.5]))
    close(got, np.full((2, 2, 1), 12.5), "conv2d_multi(x (3,3,2), ones((2,2,2,1)), bias=[0.5])")


@_exercise("conv2d_multi")
def test_conv2d_multi_rejects_mismatched_channels(convolution, rejects):
    """影像有 3 個通道，濾波器卻是給 2 個通道的。The kernels expect 2 channels, x has 3."""
    rejects("conv2d_multi(x (5, 5, 3), kernels (3, 3, 2, 4))", convolution.conv2d_multi,
            np.zeros((5, 5, 3)), np.zeros((3, 3, 2, 4)))


@_exercise("max_pool2d", 2)
def test_max_pool2d(convolution, close):
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 6, 1, 2], [7, 8, 3, 4]])
    close(convolution.max_pool2d(x), [[4, 2], [8, 4]], "max_pool2d(4×4)")


@_exercise("max_pool2d")
def test_max_pool2d_drops_leftover(convolution):
    got = convolution.max_pool2d(np.zeros((5, 7, 3)))
    assert np.shape(got) == (2, 3, 3), f"max_pool2d(5×7×3) 形狀 shape {np.shape(got)}，應為 expected (2, 3, 3)"


@_exercise("flatten")
def test_flatten_row_major(convolution, close):
    x = np.arange(12).reshape(2, 2, 3)
    close(convolution.flatten(x), np.arange(12), "flatten(arange(12).reshape(2,2,3))")


@_exercise("global_average_pool")
def test_global_average_pool(convolution, close):
    x = np.stack([np.ones((2, 2)), np.arange(4.0).reshape(2, 2)], axis=-1)
    close(convolution.global_average_pool(x), [1.0, 1.5], "global_average_pool(2×2×2)")


@_exercise("count_conv_params")
@pytest.mark.parametrize("args, expected", [((3, 3, 3, 32), 896), ((3, 3, 32, 64, False), 18432)])
def test_count_conv_params(convolution, args, expected):
    got = convolution.count_conv_params(*args)
    assert isinstance(got, (int, np.integer)), f"count_conv_params{args} 應回傳整數 / should return an int, got {got!r}"
    assert got == expected, f"count_conv_params{args}: 得到 got {got}，應為 expected {expected}"


@_exercise("average_kernel")
def test_average_kernel(convolution, close):
    close(convolution.average_kernel(3), np.full((3, 3), 1 / 9), "average_kernel(3)")


@_exercise("gaussian_kernel", 2)
def test_gaussian_kernel_slide_table(convolution, close):
    """投影片的高斯表 — the slide's table."""
    got = np.round(convolution.gaussian_kernel(3, sigma=np.sqrt(0.5)), 3)
    expected = [[0.045, 0.122, 0.045], [0.122, 0.332, 0.122], [0.045, 0.122, 0.045]]
    close(got, expected, "round(gaussian_kernel(3, sigma=sqrt(0.5)), 3)")


@_exercise("gaussian_kernel")
def test_gaussian_kernel_sums_to_one(convolution, close):
    close(np.sum(convolution.gaussian_kernel(5, sigma=1.0)), 1.0, "sum(gaussian_kernel(5, 1.0))")


@_exercise("gaussian_kernel")
def test_gaussian_kernel_rejects_bad_arguments(convolution, rejects):
    rejects("gaussian_kernel(4)", convolution.gaussian_kernel, 4)
    rejects("gaussian_kernel(3, sigma=0)", convolution.gaussian_kernel, 3, sigma=0.0)


@_exercise("median_filter", 2)
def test_median_filter_removes_salt(convolution, close):
    """中值濾波去掉一個亮點 — the median removes a single bright pixel."""
    image = np.zeros((5, 5))
    image[2, 2] = 255
    close(convolution.median_filter(image, 3), np.zeros((3, 3)), "median_filter(one bright pixel, 3)")


@_exercise("bilateral_filter", 2)
def test_bilateral_filter_keeps_a_step_edge(convolution, close):
    """左 0 右 1 的邊緣：對面的權重是 exp(−1/(2·0.1²)) = e⁻⁵⁰ ≈ 0，邊緣原封不動。"""
    step = np.zeros((7, 10))
    step[:, 5:] = 1.0
    expected = np.zeros((5, 8))
    expected[:, 4:] = 1.0
    close(convolution.bilateral_filter(step, size=3, sigma_space=1.0, sigma_range=0.1), expected,
          "bilateral_filter(step edge, size=3, sigma_space=1.0, sigma_range=0.1)", atol=1e-12)


@_exercise("bilateral_filter")
def test_bilateral_filter_huge_sigma_range_is_a_gaussian_blur(convolution, close):
    """sigma_range 很大時亮度因子都是 1：中心的結果就是高斯加權平均。"""
    image = np.arange(9.0).reshape(3, 3) ** 2
    offsets = np.array([[2, 1, 2], [1, 0, 1], [2, 1, 2]])  # x² + y² of each pixel
    g = np.exp(-offsets / 2.0)
    close(convolution.bilateral_filter(image, size=3, sigma_space=1.0, sigma_range=1e9), [[np.sum(g * image) / g.sum()]],
          "bilateral_filter(arange(9).reshape(3,3)**2, size=3, sigma_space=1.0, sigma_range=1e9)")


@_exercise("sobel_magnitude", 2)
def test_sobel_magnitude_vertical_edge(convolution, close):
    image = np.zeros((4, 4))
    image[:, 2:] = 1.0
    close(convolution.sobel_magnitude(image), np.full((2, 2), 4.0), "sobel_magnitude(vertical step edge)")


@_exercise("sharpen", 2)
def test_sharpen_flat_image_unchanged_inside(convolution, close):
    """平坦的區域不變，邊界因補零而變亮。A flat image is unchanged inside."""
    got = convolution.sharpen(np.ones((4, 4)), amount=1.0)
    expected = np.array([[6, 4, 4, 6], [4, 1, 1, 4], [4, 1, 1, 4], [6, 4, 4, 6]], dtype=float)
    close(got, expected, "sharpen(ones((4,4)), amount=1.0)")
