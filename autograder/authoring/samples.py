"""Sample submissions made from the reference solutions: each with one realistic mistake.

Used by ``autograder demo`` (a class to grade), the batch benchmark (many generated
students) and the project's tests (each mistake must lose exactly its items). Each
mutant names the text it replaces in ``solutions/<unit>.py``; `mutate` fails loudly
when that text is no longer there, so a changed solution cannot silently turn a mutant
into a copy of the solution.
"""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from autograder.course import paths, units
from autograder.intake import loader


def solution_source(unit: str) -> str:
    return (paths.SOLUTIONS / f"{unit}.py").read_text(encoding="utf-8")


def stub_source(unit: str) -> str:
    return (paths.EXERCISES / f"{unit}.py").read_text(encoding="utf-8")


def mutate(unit: str, old: str, new: str, count: int = 1) -> str:
    """The solution of ``unit`` with ``old`` replaced by ``new`` (exactly ``count`` times)."""
    source = solution_source(unit)
    found = source.count(old)
    if found != count:
        raise AssertionError(f"mutant of {unit}: {old!r} occurs {found} times, expected {count}")
    return source.replace(old, new)


def solution_files(**replaced: str) -> dict[str, str]:
    """``{file: source}`` of all NumPy units' solutions, with ``replaced`` units swapped in."""
    files = {f"{u.name}.py": solution_source(u.name) for u in units.NUMPY_UNITS}
    for unit, source in replaced.items():
        files[f"{unit}.py"] = source
    return files


@dataclass
class Mutant:
    """A wrong submission and the items it must fail (all others must pass); ``diagnosis``
    is the catalog id of its misconception (`autograder.grading.diagnoses`), named on exactly
    those items, or `None` for a mistake outside the catalog."""

    name: str
    unit: str
    old: str
    new: str
    fails: frozenset
    diagnosis: str | None = None

    def files(self) -> dict[str, str]:
        return solution_files(**{self.unit: mutate(self.unit, self.old, self.new)})

    def submission(self) -> loader.LoadedSubmission:
        return loader.from_files(self.name, self.files())


def _ids(unit, *names):
    return frozenset(f"{unit}.{n}" for n in names)


MUTANTS = [
    Mutant(
        "flipped_kernel", "convolution",
        '    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))[::sh, ::sw]\n',
        '    kernel = kernel[::-1, ::-1]  # textbook convolution flips the kernel\n'
        '    windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw))[::sh, ::sw]\n',
        _ids("convolution", "conv2d_slide_sobel", "conv2d_kernel_not_flipped", "conv2d_non_square", "conv2d_stride",
             "conv2d_int_padding", "conv2d_same_padding_odd_total",
             "conv2d_picture_valid", "conv2d_multi_channels_and_bias", "conv2d_multi_no_bias",
             "conv2d_multi_stride_and_same", "conv2d_multi_one_channel_is_conv2d"),
        diagnosis='conv2d.flipped_kernel',
    ),
    Mutant(
        "same_padding_extra_zero_first", "convolution",
        "pads.append((total // 2, total - total // 2))",
        "pads.append((total - total // 2, total // 2))",
        _ids("convolution", "conv2d_same_padding_odd_total", "conv2d_multi_stride_and_same"),
        diagnosis='conv2d.same_extra_top_left',
    ),
    Mutant(
        "conv_output_size_true_division", "convolution",
        "return int((n + 2 * padding - k) // stride + 1)",
        "return (n + 2 * padding - k) / stride + 1",
        _ids("convolution", "conv_output_size_slides", "conv_output_size_stride_and_padding",
             "conv_output_size_random"),
        diagnosis='conv_output_size.float',
    ),
    Mutant(
        "max_pool_stride_one", "convolution",
        "    if stride is None:\n        stride = pool_size\n",
        "    if stride is None:\n        stride = 1\n",
        _ids("convolution", "max_pool2d_basic", "max_pool2d_channels", "max_pool2d_leftover_and_stride",
             "max_pool2d_negative"),
        diagnosis='max_pool2d.stride_one',
    ),
    Mutant(
        "params_without_bias", "convolution",
        "return int(kh * kw * c_in * filters + (filters if use_bias else 0))",
        "return int(kh * kw * c_in * filters)",
        _ids("convolution", "count_conv_params"),
        diagnosis='count_conv_params.no_bias',
    ),
    Mutant(
        "gaussian_not_normalised", "convolution",
        "    return g / g.sum()\n",
        "    return g\n",
        _ids("convolution", "gaussian_kernel_slide_table", "gaussian_kernel_sizes", "gaussian_kernel_extreme_sigma"),
        diagnosis='gaussian_kernel.unnormalised',
    ),
    Mutant(
        "flatten_column_major", "convolution",
        "return np.array(x).reshape(-1)",
        "return np.array(x).reshape(-1, order='F')",
        _ids("convolution", "flatten_row_major"),
        diagnosis='flatten.column_major',
    ),
    Mutant(
        "sigmoid_naive_overflows", "activations",
        "    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows\n"
        "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]\n",
        "    return (1.0 / (1.0 + np.exp(-x)))[()]\n",
        _ids("activations", "sigmoid_large_inputs"),
        diagnosis='sigmoid.overflow',
    ),
    Mutant(
        "sigmoid_derivative_of_output", "activations",
        "    s = sigmoid(x)\n    return s * (1.0 - s)\n",
        "    x = _as_float(x)\n    return x * (1.0 - x)\n",
        _ids("activations", "sigmoid_derivative_slide_values", "sigmoid_derivative_shapes",
             "sigmoid_derivative_large_inputs"),
        diagnosis='sigmoid_derivative.of_output',
    ),
    Mutant(
        "relu_derivative_zero_at_zero", "activations",
        "return np.where(x >= 0, 1.0, 0.0).astype(x.dtype)[()]",
        "return np.where(x > 0, 1.0, 0.0).astype(x.dtype)[()]",
        _ids("activations", "relu_derivative_at_zero_is_one", "relu_derivative_scalars"),
        diagnosis='relu_derivative.zero_at_zero',
    ),
    Mutant(
        "relu_in_place", "activations",
        "    return np.maximum(_as_float(x), 0.0)[()]\n",
        "    x = _as_float(x)\n    return np.maximum(x, 0.0, out=x)[()]\n",
        _ids("activations", "relu_leaves_input"),
    ),
    Mutant(
        "tanh_derivative_of_output", "activations",
        "    t = np.tanh(_as_float(x))\n    return (1.0 - t * t)[()]\n",
        "    x = _as_float(x)\n    return (1.0 - x * x)[()]\n",
        _ids("activations", "tanh_derivative_slide_values", "tanh_derivative_shapes",
             "tanh_derivative_large_inputs"),
        diagnosis='tanh_derivative.of_output',
    ),
    Mutant(
        "one_sided_difference", "activations",
        "return ((np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2.0 * h))[()]",
        "return ((np.asarray(f(x + h)) - np.asarray(f(x))) / h)[()]",
        _ids("activations", "numerical_derivative_is_central", "numerical_derivative_sin",
             "numerical_derivative_sigmoid", "numerical_derivative_default_h", "numerical_derivative_scalar"),
        diagnosis='numerical_derivative.one_sided',
    ),
    Mutant(
        "squared_error_mean_over_outputs", "backprop",
        "return float(np.sum((y - y_hat) ** 2) / y.shape[0])",
        "return float(np.mean((y - y_hat) ** 2))",
        _ids("backprop", "squared_error_sums_outputs_averages_samples"),
        diagnosis='squared_error.mean_over_outputs',
    ),
    Mutant(
        "backward_sums_over_samples", "backprop",
        "    delta2 = -2.0 * (y - y_hat) / n * y_hat * (1.0 - y_hat)  # (N, n_out)\n",
        "    delta2 = -2.0 * (y - y_hat) * y_hat * (1.0 - y_hat)  # (N, n_out)\n",
        _ids("backprop", "backward_random_network", "backward_averages_over_samples", "backward_several_outputs"),
        diagnosis='backward.no_batch_mean',
    ),
    Mutant(
        "numerical_gradient_not_restored", "backprop",
        "        w[i] = old\n        grad[i]",
        "        grad[i]",
        _ids("backprop", "numerical_gradient_restores_w", "numerical_gradient_quadratic"),
        diagnosis='numerical_gradient.not_restored',
    ),
    Mutant(
        "numerical_gradient_perturbs_a_copy", "backprop",
        "    grad = np.zeros(w.shape, dtype=np.float64)\n",
        "    grad = np.zeros(w.shape, dtype=np.float64)\n    w = w.copy()\n",
        _ids("backprop", "numerical_gradient_closure"),
        diagnosis='numerical_gradient.perturbs_copy',
    ),
    Mutant(
        "minibatches_extra_draw", "optimizers",
        "    perm = rng.permutation(n)\n",
        "    perm = rng.permutation(n)\n    rng.random()  # an extra, unasked-for draw\n",
        _ids("optimizers", "minibatches_permutation_called_once"),
    ),
    Mutant(
        "sgd_global_shuffle", "optimizers",
        "    for idx in minibatches(len(X), batch_size, rng):\n",
        "    for idx in minibatches(len(X), batch_size, np.random):  # NumPy's global generator\n",
        _ids("optimizers", "sgd_epoch_even_batches", "sgd_epoch_batch_size_does_not_divide", "sgd_epoch_batch_of_one"),
    ),
    Mutant(
        "rmsprop_sigma_starts_at_zero", "optimizers",
        "        sigma = np.abs(g)\n",
        "        sigma = np.sqrt((1.0 - alpha) * g**2)\n",
        _ids("optimizers", "rmsprop_first_step", "rmsprop_second_step", "rmsprop_many_steps",
             "rmsprop_small_gradients", "optimize_rmsprop_steep_bowl"),
        diagnosis='rmsprop_step.sigma0_zero',
    ),
    Mutant(
        "adam_without_bias_correction", "optimizers",
        "    m_hat = m / (1.0 - beta1**t)\n    v_hat = v / (1.0 - beta2**t)\n",
        "    m_hat = m\n    v_hat = v\n",
        _ids("optimizers", "adam_first_step", "adam_cs231n_step_from_t5", "adam_many_steps", "optimize_adam_rosenbrock"),
        diagnosis='adam_step.no_bias_correction',
    ),
    Mutant(
        "gd_step_in_place", "optimizers",
        "    return np.asarray(w, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)\n",
        "    w = np.asarray(w, dtype=np.float64)\n    w -= lr * np.asarray(grad, dtype=np.float64)\n    return w\n",
        # A float64 w is changed in place: the purity items and everything that checks it.
        _ids("optimizers", "gd_step_is_pure", "gd_epoch_linear_regression", "optimize_gd_bowl"),
    ),
    # ------------------------------------------------------------------ more of the catalog's misconceptions
    Mutant(
        "conv_output_size_rounds_up", "convolution",
        "return int((n + 2 * padding - k) // stride + 1)",
        "return int(np.ceil((n + 2 * padding - k) / stride)) + 1",
        _ids("convolution", "conv_output_size_stride_and_padding", "conv_output_size_random"),
        diagnosis="conv_output_size.ceil",
    ),
    Mutant(
        "conv2d_stride_ignored", "convolution",
        "    sh, sw = (int(s) for s in strides)\n",
        "    sh, sw = 1, 1  # one pixel at a time\n",
        _ids("convolution", "conv2d_stride", "conv2d_int_padding", "conv2d_same_padding_odd_total",
             "conv2d_multi_stride_and_same"),
        diagnosis="conv2d.stride_ignored",
    ),
    Mutant(
        "same_padding_symmetric", "convolution",
        "pads.append((total // 2, total - total // 2))",
        "pads.append(((k - 1) // 2, (k - 1) // 2))",
        _ids("convolution", "conv2d_same_padding_odd_total", "conv2d_multi_stride_and_same"),
        diagnosis="conv2d.same_symmetric",
    ),
    Mutant(
        "conv2d_multi_without_bias", "convolution",
        "        out = out + bias\n",
        "        pass  # the bias is checked but never added\n",
        _ids("convolution", "conv2d_multi_channels_and_bias", "conv2d_multi_stride_and_same"),
        diagnosis="conv2d_multi.bias_ignored",
    ),
    Mutant(
        "global_average_over_channels", "convolution",
        "return x.mean(axis=(0, 1))",
        "return x.mean(axis=2)",
        _ids("convolution", "global_average_pool"),
        diagnosis="global_average_pool.over_channels",
    ),
    Mutant(
        "params_without_input_channels", "convolution",
        "return int(kh * kw * c_in * filters + (filters if use_bias else 0))",
        "return int(kh * kw * filters + (filters if use_bias else 0))",
        _ids("convolution", "count_conv_params", "count_conv_params_no_bias"),
        diagnosis="count_conv_params.no_input_channels",
    ),
    Mutant(
        "gaussian_without_two", "convolution",
        "/ (2.0 * sigma**2))",
        "/ sigma**2)",
        _ids("convolution", "gaussian_kernel_slide_table", "gaussian_kernel_sizes", "gaussian_kernel_extreme_sigma"),
        diagnosis="gaussian_kernel.missing_factor_two",
    ),
    Mutant(
        "median_is_mean", "convolution",
        "return np.median(windows, axis=(-2, -1))",
        "return windows.sum(axis=(-2, -1)) / size**2",
        _ids("convolution", "median_filter_salt", "median_filter_random", "median_filter_size5_non_square"),
        diagnosis="median_filter.mean",
    ),
    Mutant(
        "sobel_abs_sum", "convolution",
        "return np.hypot(gx, gy)",
        "return abs(gx) + abs(gy)",
        _ids("convolution", "sobel_magnitude_edges", "sobel_magnitude_picture"),
        diagnosis="sobel_magnitude.abs_sum",
    ),
    Mutant(
        "sharpen_subtracts", "convolution",
        "return image + amount * conv2d(image, LAPLACIAN, padding=1)",
        "return image - amount * conv2d(image, LAPLACIAN, padding=1)",
        _ids("convolution", "sharpen_picture", "sharpen_default_amount"),
        diagnosis="sharpen.minus",
    ),
    Mutant(
        "squared_error_summed", "backprop",
        "return float(np.sum((y - y_hat) ** 2) / y.shape[0])",
        "return float(((y - y_hat) ** 2).sum())",
        _ids("backprop", "squared_error_sums_outputs_averages_samples"),
        diagnosis="squared_error.no_mean",
    ),
    Mutant(
        "backward_without_hidden_derivative", "backprop",
        "    delta1 = (delta2 @ np.asarray(params[\"W2\"]).T) * a1 * (1.0 - a1)  # (N, n_hidden)\n",
        "    delta1 = delta2.dot(np.asarray(params[\"W2\"]).T)  # (N, n_hidden)\n",
        _ids("backprop", "backward_slide_network", "backward_random_network", "backward_averages_over_samples",
             "backward_several_outputs"),
        diagnosis="backward.no_hidden_derivative",
    ),
    Mutant(
        "slide_gradient_without_minus", "backprop",
        "return (-2.0 * (y - y_hat) * y_hat * (1.0 - y_hat) * z_prev)[()]",
        "return (2 * (y - y_hat) * y_hat * (1 - y_hat) * z_prev)[()]",
        _ids("backprop", "slide_gradient_scalars", "slide_gradient_arrays"),
        diagnosis="slide_gradient.sign",
    ),
    Mutant(
        "relative_error_without_floor", "backprop",
        "np.maximum(1e-8, np.abs(a) + np.abs(b))",
        "(abs(a) + abs(b))",
        _ids("backprop", "relative_error_near_zero"),
        diagnosis="relative_error.no_floor",
    ),
    Mutant(
        "gd_step_ascends", "optimizers",
        "    return np.asarray(w, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)\n",
        "    return np.asarray(w, dtype=np.float64) + np.asarray(grad, dtype=np.float64) * lr\n",
        _ids("optimizers", "gd_step_values", "gd_step_is_pure", "gd_step_matrix", "gd_epoch_linear_regression",
             "gd_epoch_logistic", "sgd_epoch_even_batches", "sgd_epoch_batch_size_does_not_divide",
             "sgd_epoch_batch_of_one", "optimize_gd_bowl"),
        diagnosis="gd_step.ascent",
    ),
    Mutant(
        "minibatches_drop_last", "optimizers",
        "return [perm[i : i + batch_size] for i in range(0, n, batch_size)]",
        "return [perm[i * batch_size : (i + 1) * batch_size] for i in range(n // batch_size)]",
        _ids("optimizers", "minibatches_last_batch_smaller", "minibatches_batch_larger_than_n",
             "minibatches_permutation_called_once", "sgd_epoch_batch_size_does_not_divide"),
        diagnosis="minibatches.drop_last",
    ),
    Mutant(
        "rmsprop_stores_square", "optimizers",
        "    if state is None:\n        sigma = np.abs(g)\n    else:\n"
        "        sigma = np.sqrt(alpha * np.asarray(state[\"sigma\"]) ** 2 + (1.0 - alpha) * g**2)\n"
        "    w_new = np.asarray(w, dtype=np.float64) - lr * g / (sigma + eps)\n",
        "    if state is None:\n        sigma = g * g\n    else:\n"
        "        sigma = alpha * np.asarray(state[\"sigma\"]) + (1.0 - alpha) * g**2\n"
        "    w_new = np.asarray(w, dtype=np.float64) - lr * g / (np.sqrt(sigma) + eps)\n",
        _ids("optimizers", "rmsprop_first_step", "rmsprop_second_step", "rmsprop_many_steps",
             "rmsprop_small_gradients"),
        diagnosis="rmsprop_step.stores_square",
    ),
    Mutant(
        "rmsprop_eps_inside_root", "optimizers",
        "    w_new = np.asarray(w, dtype=np.float64) - lr * g / (sigma + eps)\n",
        "    w_new = np.asarray(w, dtype=np.float64) - lr * g / np.sqrt(sigma**2 + eps)\n",
        _ids("optimizers", "rmsprop_small_gradients"),
        diagnosis="rmsprop_step.eps_in_sqrt",
    ),
    Mutant(
        "adam_increments_t_late", "optimizers",
        "    t += 1\n    m = beta1 * m + (1.0 - beta1) * g\n    v = beta2 * v + (1.0 - beta2) * g**2\n"
        "    m_hat = m / (1.0 - beta1**t)\n    v_hat = v / (1.0 - beta2**t)\n",
        "    m = beta1 * m + (1.0 - beta1) * g\n    v = beta2 * v + (1.0 - beta2) * g**2\n"
        "    with np.errstate(divide=\"ignore\", invalid=\"ignore\"):\n"
        "        m_hat = m / (1.0 - beta1**t)\n        v_hat = v / (1.0 - beta2**t)\n    t = t + 1\n",
        _ids("optimizers", "adam_first_step", "adam_cs231n_step_from_t5", "adam_many_steps",
             "optimize_adam_rosenbrock"),
        diagnosis="adam_step.t_late",
    ),
    Mutant(
        "bilateral_not_normalised", "convolution",
        "    return (weights * windows).sum(axis=(-2, -1)) / weights.sum(axis=(-2, -1))\n",
        "    return (weights * windows).sum(axis=(-2, -1))\n",
        _ids("convolution", "bilateral_filter_keeps_a_step_edge", "bilateral_filter_picture",
             "bilateral_filter_sigmas_and_sizes"),
    ),
    Mutant(
        "bilateral_range_weight_only", "convolution",
        "    weights = spatial * np.exp(",
        "    weights = np.exp(",
        # A noiseless step stays a step without the distance factor: only the other items see it.
        _ids("convolution", "bilateral_filter_picture", "bilateral_filter_sigmas_and_sizes"),
    ),
    # ------------------------------------------------------------------ exercises the catalog has no id for
    Mutant(
        "hand_sobel_signs_flipped", "convolution",
        "        [-4, -4, -2, 4],\n        [-5, -5, -4, 5],\n",
        "        [4, 4, 2, -4],\n        [5, 5, 4, -5],\n",
        _ids("convolution", "hand_sobel_answer"),
    ),
    Mutant(
        "hand_cross_one_window_off", "convolution",
        "        [2, 3, 3],\n        [4, 4, 5],\n",
        "        [1, 3, 3],\n        [4, 4, 5],\n",
        _ids("convolution", "hand_cross_answer"),
    ),
    Mutant(
        "average_kernel_divides_by_size", "convolution",
        "    return np.full((size, size), 1.0 / size**2)\n",
        "    return np.full((size, size), 1.0 / size)\n",
        _ids("convolution", "average_kernel"),
    ),
    Mutant(
        "tanh_forgets_the_denominator", "activations",
        "    return np.tanh(_as_float(x))[()]\n",
        "    x = _as_float(x)\n    return ((np.exp(x) - np.exp(-x)) / 2)[()]  # sinh: the division by cosh is missing\n",
        _ids("activations", "tanh_large_inputs", "tanh_shapes", "tanh_slide_values"),
    ),
    Mutant(
        "forward_linear_output", "backprop",
        "    y_hat = _sigmoid(z2)\n",
        "    y_hat = z2  # the output layer's sigmoid is missing\n",
        _ids("backprop", "backward_averages_over_samples", "backward_random_network", "backward_several_outputs",
             "backward_slide_network", "forward_batch_of_one_and_many", "forward_leaves_inputs",
             "forward_random_network", "forward_slide_network"),
    ),
]


# Mistakes in unit 5's NumPy-only exercises, graded with
# ``Engine(units=["cifar10_cnn"], exercises=engine.numpy_only_exercises("cifar10_cnn"))``: no
# TensorFlow needed. Kept apart from MUTANTS, whose classes are graded on units 1–4.
CNN_NUMPY_MUTANTS = [
    Mutant(
        "resize_align_corners", "cifar10_cnn",
        "        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)\n",
        "        pos = np.arange(n_out) * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)  # corners on corners\n",
        _ids("cifar10_cnn", "resize_bilinear_small_grid", "resize_bilinear_colour_photo_down_to_32",
             "resize_bilinear_uneven_ratios"),
    ),
    Mutant(
        "resize_top_left_corners", "cifar10_cnn",
        "        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)\n",
        "        pos = np.clip(np.arange(n_out) * n_in / n_out, 0, n_in - 1)  # scales the corners, not the centres\n",
        _ids("cifar10_cnn", "resize_bilinear_small_grid", "resize_bilinear_colour_photo_down_to_32",
             "resize_bilinear_uneven_ratios"),
    ),
    Mutant(
        "top_k_argsort_drops_ties", "cifar10_cnn",
        "    higher = (probs > true_score[:, None]).sum(axis=1)  # classes that beat the true one\n"
        "    return float(np.mean(higher < k))\n",
        "    top = np.argsort(-probs, axis=1, kind=\"stable\")[:, :k]\n"
        "    return float(np.mean((top == y_true[:, None]).any(axis=1)))\n",
        # Continuous scores never tie: only the item with ties sees it.
        _ids("cifar10_cnn", "top_k_accuracy_ties_count_as_in"),
    ),
    Mutant(
        "top_k_lowest_scores", "cifar10_cnn",
        "    higher = (probs > true_score[:, None]).sum(axis=1)  # classes that beat the true one\n",
        "    higher = (probs < true_score[:, None]).sum(axis=1)  # sorted the wrong way round\n",
        _ids("cifar10_cnn", "top_k_accuracy_top1_and_top5", "top_k_accuracy_ties_count_as_in",
             "top_k_accuracy_one_hot_labels"),
    ),
]


# The CNN unit's misconceptions (graded with TensorFlow, so kept out of `MUTANTS`, which
# the batch benchmark and the demo draw from). ``fails`` are the items that must name
# ``diagnosis``; a model mistake may also cost training items, which name nothing.
CNN_MUTANTS = [
    Mutant(
        "preprocess_not_scaled", "cifar10_cnn",
        "x.astype(np.float32) / 255.0", "x.astype(np.float32)",
        _ids("cifar10_cnn", "preprocess_scales_pixels", "preprocess_leaves_inputs"),
        diagnosis="preprocess.no_scaling",
    ),
    Mutant(
        "preprocess_integer_labels", "cifar10_cnn",
        "np.eye(10, dtype=np.float32)[y.astype(np.int64)]", "y.astype(np.int64)",
        _ids("cifar10_cnn", "preprocess_one_hot", "preprocess_labels_as_column"),
        diagnosis="preprocess.integer_labels",
    ),
    Mutant(
        "cnn_ends_in_logits", "cifar10_cnn",
        "            layers.GlobalAveragePooling2D(),\n            layers.Dense(num_classes, activation=\"softmax\"),",
        "            layers.GlobalAveragePooling2D(),\n            layers.Dense(num_classes),",
        _ids("cifar10_cnn", "build_cnn_layers", "build_cnn_shapes_and_classes"),
        diagnosis="build_cnn.logits",
    ),
    Mutant(
        "cnn_average_pooling", "cifar10_cnn",
        "out.append(layers.MaxPooling2D())", "out.append(layers.AveragePooling2D(2))",
        _ids("cifar10_cnn", "build_cnn_layers"),
        diagnosis="build_cnn.no_pooling",
    ),
    Mutant(
        "dnn_with_a_convolution", "cifar10_cnn",
        "            layers.Flatten(),\n            layers.Dense(256",
        "            layers.Conv2D(8, 3, activation=\"relu\"),\n            layers.Flatten(),\n            layers.Dense(256",
        _ids("cifar10_cnn", "build_dnn_is_flat"),
        diagnosis="build_dnn.has_convolution",
    ),
    Mutant(
        "augmentation_flips_vertically", "cifar10_cnn",
        'layers.RandomFlip("horizontal")', 'layers.RandomFlip("horizontal_and_vertical")',
        _ids("cifar10_cnn", "augmentation_flips_horizontally_only"),
        diagnosis="build_augmentation.vertical_flip",
    ),
    Mutant(
        "transfer_base_trainable", "cifar10_cnn",
        "    base.trainable = False\n", "",
        _ids("cifar10_cnn", "transfer_base_is_frozen_mobilenetv2", "transfer_trains_only_the_head"),
        diagnosis="build_transfer_model.base_trainable",
    ),
    Mutant(
        "train_without_validation", "cifar10_cnn",
        ", validation_split=validation_split, verbose=2)", ", verbose=2)",
        _ids("cifar10_cnn", "train_keeps_a_validation_split"),
    ),
]


def combined_source(unit: str, mutants: Iterable["Mutant"]) -> str:
    """The solution of ``unit`` with every mutant of ``mutants`` applied (they must not overlap)."""
    source = solution_source(unit)
    for m in mutants:
        if source.count(m.old) != 1:
            raise AssertionError(f"mutant {m.name}: {m.old!r} occurs {source.count(m.old)} times")
        source = source.replace(m.old, m.new)
    return source


def generated_class(n: int, seed: int = 0) -> dict[str, dict[str, str]]:
    """``{student: {file: source}}`` of ``n`` students with 0–3 mistakes each (in
    different units), reproducible from ``seed``. Every student's files differ (a
    comment names the student), so no two share a content hash."""
    import random

    chooser = random.Random(seed)
    by_unit = {}
    for mutant in MUTANTS:
        by_unit.setdefault(mutant.unit, []).append(mutant)
    students = {}
    for i in range(n):
        chosen = chooser.sample(sorted(by_unit), chooser.choice([0, 1, 1, 2, 2, 3]))
        replaced = {}
        for unit in chosen:
            mutant = chooser.choice(by_unit[unit])
            replaced[unit] = mutate(unit, mutant.old, mutant.new)
        name = f"student{i:03d}"
        files = solution_files(**replaced)
        students[name] = {f: f"# {name}\n{source}" for f, source in files.items()}
    return students


def write_class(folder: str | os.PathLike, students: dict[str, dict[str, str]]) -> Path:
    """Write ``{student: {file: source}}`` as one folder per student; return ``folder``."""
    folder = Path(folder)
    for student, files in students.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        for name, source in files.items():
            (folder / student / name).write_text(source, encoding="utf-8")
    return folder
