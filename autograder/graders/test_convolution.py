"""Hidden graders of unit 1, ``convolution.py`` — 100 points.

Each item compares the student's values with the reference's on inputs made here
(seeded). The edge cases are the ones careless solutions get wrong: a flipped kernel,
stride > 1, ``"same"`` padding with an odd total, non-square images and kernels, 1×1
kernels, several channels, negative values, leftover rows in pooling.
"""

import numpy as np
import pytest

from autograder.grading.student import Args

grade = pytest.mark.grade


def picture(rng, h, w):
    """A small grayscale test picture (0–255): a bright disc, a dark bar, noise."""
    y, x = np.mgrid[0:h, 0:w]
    img = 60.0 + 40.0 * x / max(w - 1, 1)
    img[(y - h * 0.45) ** 2 + (x - w * 0.35) ** 2 < (min(h, w) * 0.28) ** 2] = 220.0
    img[int(h * 0.7) : int(h * 0.8), int(w * 0.5) :] = 20.0
    return np.clip(img + rng.normal(0, 6, (h, w)), 0, 255)


# ----------------------------------------------------------------------------- hand answers
@grade("HAND_SOBEL_ANSWER", 5, public=True)
def test_hand_sobel_answer(student, ref, check):
    got = student.answer("HAND_SOBEL_ANSWER")
    check.close(got, ref.conv2d(ref.SOBEL_EXAMPLE_IMAGE, ref.SOBEL_EXAMPLE_FILTER), call="HAND_SOBEL_ANSWER")


@grade("HAND_CROSS_ANSWER", 4, public=True)
def test_hand_cross_answer(student, ref, check):
    got = student.answer("HAND_CROSS_ANSWER")
    check.close(got, ref.conv2d(ref.CROSS_EXAMPLE_IMAGE, ref.CROSS_EXAMPLE_FILTER), call="HAND_CROSS_ANSWER")


# ----------------------------------------------------------------------------- conv_output_size
@grade("conv_output_size", 2, public=True)
def test_conv_output_size_slides(student, ref, check):
    for args, got in student.each("conv_output_size", [(6, 3), (5, 3), (32, 3, 1, 1)]):
        check.integer(got, ref.conv_output_size(*args))


@grade("conv_output_size", 2)
def test_conv_output_size_stride_and_padding(student, ref, check):
    cases = [(32, 3, 2, 1), (7, 2, 2, 0), (28, 5, 1, 2), (224, 7, 2, 3), (10, 4, 3, 0)]
    for args, got in student.each("conv_output_size", cases):
        check.integer(got, ref.conv_output_size(*args))


@grade("conv_output_size", 2)
def test_conv_output_size_random(student, ref, check, rng):
    draws = [(int(rng.integers(5, 64)), int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(0, 3)))
             for _ in range(20)]
    for case, got in student.each("conv_output_size", [Args(n, k, stride=s, padding=p) for n, k, s, p in draws]):
        check.integer(got, case.apply(ref.conv_output_size))


# ----------------------------------------------------------------------------- conv2d
@grade("conv2d", 3, public=True)
def test_conv2d_slide_sobel(student, ref, check):
    check.close(student.conv2d(ref.SOBEL_EXAMPLE_IMAGE, ref.SOBEL_EXAMPLE_FILTER),
                ref.conv2d(ref.SOBEL_EXAMPLE_IMAGE, ref.SOBEL_EXAMPLE_FILTER))


@grade("conv2d", 3, public=True)
def test_conv2d_slide_cross(student, ref, check):
    check.close(student.conv2d(ref.CROSS_EXAMPLE_IMAGE, ref.CROSS_EXAMPLE_FILTER),
                ref.conv2d(ref.CROSS_EXAMPLE_IMAGE, ref.CROSS_EXAMPLE_FILTER))


@grade("conv2d", 3)
def test_conv2d_kernel_not_flipped(student, ref, check, rng):
    """An asymmetric kernel tells cross-correlation from flipped convolution."""
    image = picture(rng, 12, 12)
    kernel = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -3.0]])
    check.close(student.conv2d(image, kernel), ref.conv2d(image, kernel), image=True)


@grade("conv2d", 3)
def test_conv2d_non_square(student, ref, check, rng):
    cases = [(rng.normal(size=shape), rng.normal(size=kshape)) for shape, kshape in [((9, 14), (3, 5)), ((15, 8), (4, 2)),
                                                                                     ((7, 7), (1, 6))]]
    for (image, kernel), got in student.each("conv2d", cases):
        check.close(got, ref.conv2d(image, kernel))
        check.unmodified()


@grade("conv2d", 3)
def test_conv2d_stride(student, ref, check, rng):
    image, kernel = picture(rng, 16, 13), rng.normal(size=(3, 3))
    for case, got in student.each("conv2d", [Args(image, kernel, stride=stride) for stride in (2, 3, (2, 1), (1, 3))]):
        check.close(got, case.apply(ref.conv2d))


@grade("conv2d", 3)
def test_conv2d_int_padding(student, ref, check, rng):
    image = rng.normal(size=(8, 11))
    cases = [Args(image, rng.normal(size=kshape), stride=stride, padding=padding)
             for kshape, padding, stride in [((3, 3), 1, 1), ((5, 3), 2, 1), ((3, 3), 1, 2), ((2, 2), 3, 2)]]
    for case, got in student.each("conv2d", cases):
        check.close(got, case.apply(ref.conv2d))


@grade("conv2d", 3)
def test_conv2d_same_padding_odd_total(student, ref, check, rng):
    """Keras' "same": output ceil(n/s), the odd extra zero at the bottom/right."""
    cases = [Args(rng.normal(size=shape), rng.normal(size=kshape), stride=stride, padding="same")
             for shape, kshape, stride in [((7, 8), (3, 3), 2), ((8, 8), (4, 4), 1), ((9, 6), (2, 3), 2),
                                           ((10, 7), (4, 2), 3)]]
    for case, got in student.each("conv2d", cases):
        check.close(got, case.apply(ref.conv2d))


@grade("conv2d", 1)
def test_conv2d_one_by_one_and_negative(student, ref, check, rng):
    image = rng.normal(-5, 10, size=(6, 9))
    cases = [(image, kernel) for kernel in (np.array([[-2.5]]), rng.normal(size=(1, 1)), -np.ones((2, 3)))]
    for (image, kernel), got in student.each("conv2d", cases):
        check.close(got, ref.conv2d(image, kernel))


@grade("conv2d", 1)
def test_conv2d_picture_valid(student, ref, check, rng):
    image = picture(rng, 24, 24)
    check.close(student.conv2d(image, ref.SOBEL_V), ref.conv2d(image, ref.SOBEL_V), image=True)
    check.unmodified()


# ----------------------------------------------------------------------------- conv2d_multi
@grade("conv2d_multi", 3)
def test_conv2d_multi_channels_and_bias(student, ref, check, rng):
    x, kernels, bias = rng.normal(size=(8, 7, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
    check.close(student.conv2d_multi(x, kernels, bias), ref.conv2d_multi(x, kernels, bias))
    check.unmodified()


@grade("conv2d_multi", 2)
def test_conv2d_multi_no_bias(student, ref, check, rng):
    x, kernels = rng.normal(size=(6, 6, 2)), rng.normal(size=(2, 3, 2, 3))
    check.close(student.conv2d_multi(x, kernels), ref.conv2d_multi(x, kernels))


@grade("conv2d_multi", 4)
def test_conv2d_multi_stride_and_same(student, ref, check, rng):
    x, kernels, bias = rng.normal(size=(9, 8, 2)), rng.normal(size=(3, 3, 2, 5)), rng.normal(size=5)
    cases = [Args(x, kernels, bias, stride=stride, padding=padding)
             for stride, padding in [(2, "same"), (1, "same"), (2, "valid"), ((1, 2), "same"), (3, "same")]]
    for case, got in student.each("conv2d_multi", cases):
        check.close(got, case.apply(ref.conv2d_multi))


@grade("conv2d_multi", 2)
def test_conv2d_multi_one_channel_is_conv2d(student, ref, check, rng):
    x, kernels = rng.normal(size=(7, 5, 1)), rng.normal(size=(3, 2, 1, 1))
    check.close(student.conv2d_multi(x, kernels), ref.conv2d_multi(x, kernels))


# ----------------------------------------------------------------------------- max_pool2d
@grade("max_pool2d", 2, public=True)
def test_max_pool2d_basic(student, ref, check):
    x = np.array([[1, 3, 2, 1], [4, 2, 0, 1], [5, 6, 1, 2], [7, 8, 3, 4]], dtype=float)
    check.close(student.max_pool2d(x), ref.max_pool2d(x))


@grade("max_pool2d", 2)
def test_max_pool2d_channels(student, ref, check, rng):
    x = rng.normal(size=(6, 8, 3))
    check.close(student.max_pool2d(x), ref.max_pool2d(x))
    check.unmodified()


@grade("max_pool2d", 2)
def test_max_pool2d_leftover_and_stride(student, ref, check, rng):
    x = rng.normal(size=(7, 9, 2))
    for args, got in student.each("max_pool2d", [(x, pool, stride) for pool, stride in [(2, None), (3, 2), (3, None),
                                                                                          (2, 1)]]):
        check.close(got, ref.max_pool2d(*args))


@grade("max_pool2d", 2)
def test_max_pool2d_negative(student, ref, check, rng):
    x = -np.abs(rng.normal(size=(5, 5)))
    check.close(student.max_pool2d(x, 2), ref.max_pool2d(x, 2))


# ----------------------------------------------------------------------------- flatten, GAP
@grade("flatten", 3)
def test_flatten_row_major(student, ref, check, rng):
    for (x,), got in student.each("flatten", [(rng.normal(size=shape),) for shape in [(4, 4, 3), (2, 5), (3, 2, 2, 2)]]):
        check.close(got, ref.flatten(x))


@grade("global_average_pool", 3)
def test_global_average_pool(student, ref, check, rng):
    cases = [(rng.normal(size=shape),) for shape in [(4, 4, 3), (5, 7, 8), (1, 1, 2)]]
    for (x,), got in student.each("global_average_pool", cases):
        check.close(got, ref.global_average_pool(x))


# ----------------------------------------------------------------------------- count_conv_params
@grade("count_conv_params", 3)
def test_count_conv_params(student, ref, check):
    for args, got in student.each("count_conv_params", [(3, 3, 3, 32), (3, 3, 32, 64), (5, 5, 1, 6), (1, 1, 64, 128)]):
        check.integer(got, ref.count_conv_params(*args))


@grade("count_conv_params", 2)
def test_count_conv_params_no_bias(student, ref, check):
    for case, got in student.each("count_conv_params", [Args(*args, use_bias=False) for args in [(3, 3, 3, 32),
                                                                                                (7, 7, 3, 64)]]):
        check.integer(got, case.apply(ref.count_conv_params))


# ----------------------------------------------------------------------------- filters
@grade("average_kernel", 2)
def test_average_kernel(student, ref, check):
    for (size,), got in student.each("average_kernel", [(3,), (5,), (1,), (4,)]):
        check.close(got, ref.average_kernel(size))


@grade("gaussian_kernel", 2, public=True)
def test_gaussian_kernel_slide_table(student, ref, check):
    check.close(student.gaussian_kernel(3, sigma=np.sqrt(0.5)), ref.gaussian_kernel(3, sigma=np.sqrt(0.5)))


@grade("gaussian_kernel", 2)
def test_gaussian_kernel_sizes(student, ref, check):
    for args, got in student.each("gaussian_kernel", [(5, 1.0), (7, 2.0), (1, 1.0)]):
        check.close(got, ref.gaussian_kernel(*args))


@grade("gaussian_kernel", 2)
def test_gaussian_kernel_extreme_sigma(student, ref, check):
    for case, got in student.each("gaussian_kernel", [Args(3, sigma=0.3), Args(5, sigma=50.0)]):
        check.close(got, case.apply(ref.gaussian_kernel))


@grade("median_filter", 2)
def test_median_filter_salt(student, ref, check, rng):
    image = picture(rng, 16, 16)
    noisy = image.copy()
    noisy[rng.random(image.shape) < 0.1] = 255.0
    check.close(student.median_filter(noisy, 3), ref.median_filter(noisy, 3), image=True)
    check.unmodified()


@grade("median_filter", 2)
def test_median_filter_random(student, ref, check, rng):
    x = rng.normal(size=(9, 9))
    check.close(student.median_filter(x), ref.median_filter(x))


@grade("median_filter", 2)
def test_median_filter_size5_non_square(student, ref, check, rng):
    x = rng.normal(size=(8, 12))
    check.close(student.median_filter(x, size=5), ref.median_filter(x, size=5))


@grade("bilateral_filter", 2, public=True)
def test_bilateral_filter_keeps_a_step_edge(student, ref, check):
    """A noiseless step 0 | 1 with a small sigma_range stays a step."""
    image = np.zeros((7, 10))
    image[:, 5:] = 1.0
    check.close(student.bilateral_filter(image, size=3, sigma_space=1.0, sigma_range=0.1),
                ref.bilateral_filter(image, size=3, sigma_space=1.0, sigma_range=0.1))


@grade("bilateral_filter", 2)
def test_bilateral_filter_picture(student, ref, check, rng):
    """The defaults on a 0–1 picture: noise smoothed, the disc's edge kept."""
    image = picture(rng, 18, 16) / 255.0
    check.close(student.bilateral_filter(image), ref.bilateral_filter(image), image=True)
    check.unmodified()


@grade("bilateral_filter", 2)
def test_bilateral_filter_sigmas_and_sizes(student, ref, check, rng):
    """Both sigmas matter: each changes the weights on its own."""
    image = rng.uniform(0, 255, size=(9, 11))
    cases = [Args(image, size=size, sigma_space=sigma_space, sigma_range=sigma_range)
             for size, sigma_space, sigma_range in [(3, 0.7, 40.0), (5, 2.0, 40.0), (5, 2.0, 5.0), (1, 1.0, 1.0)]]
    for case, got in student.each("bilateral_filter", cases):
        check.close(got, case.apply(ref.bilateral_filter))


@grade("sobel_magnitude", 3)
def test_sobel_magnitude_edges(student, ref, check):
    image = np.zeros((8, 8))
    image[:, 4:] = 1.0
    image[5:, :] += 2.0
    check.close(student.sobel_magnitude(image), ref.sobel_magnitude(image))


@grade("sobel_magnitude", 3)
def test_sobel_magnitude_picture(student, ref, check, rng):
    image = picture(rng, 20, 18)
    check.close(student.sobel_magnitude(image), ref.sobel_magnitude(image), image=True)
    check.unmodified()


@grade("sharpen", 3)
def test_sharpen_picture(student, ref, check, rng):
    image = picture(rng, 16, 20)
    check.close(student.sharpen(image, amount=0.5), ref.sharpen(image, amount=0.5), image=True)
    check.unmodified()


@grade("sharpen", 2)
def test_sharpen_default_amount(student, ref, check, rng):
    image = rng.normal(size=(6, 5))
    check.close(student.sharpen(image), ref.sharpen(image))


@grade("sharpen", 1)
def test_sharpen_amount_zero_is_identity(student, ref, check, rng):
    image = rng.normal(size=(5, 7))
    check.close(student.sharpen(image, amount=0.0), ref.sharpen(image, amount=0.0))
