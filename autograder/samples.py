"""Sample submissions made from the reference solutions: each with one realistic mistake.

Used by ``autograder demo`` (a class to grade), the batch benchmark (many generated
students) and the project's tests (each mistake must lose exactly its items). Each
mutant names the text it replaces in ``solutions/<unit>.py``; `mutate` fails loudly
when that text is no longer there, so a changed solution cannot silently turn a mutant
into a copy of the solution.
"""

from dataclasses import dataclass

from autograder import loader, paths, units


def solution_source(unit):
    return (paths.SOLUTIONS / f"{unit}.py").read_text(encoding="utf-8")


def stub_source(unit):
    return (paths.EXERCISES / f"{unit}.py").read_text(encoding="utf-8")


def mutate(unit, old, new, count=1):
    """The solution of ``unit`` with ``old`` replaced by ``new`` (exactly ``count`` times)."""
    source = solution_source(unit)
    found = source.count(old)
    if found != count:
        raise AssertionError(f"mutant of {unit}: {old!r} occurs {found} times, expected {count}")
    return source.replace(old, new)


def solution_files(**replaced):
    """``{file: source}`` of all NumPy units' solutions, with ``replaced`` units swapped in."""
    files = {f"{u.name}.py": solution_source(u.name) for u in units.NUMPY_UNITS}
    for unit, source in replaced.items():
        files[f"{unit}.py"] = source
    return files


@dataclass
class Mutant:
    """A wrong submission and the items it must fail (all others must pass)."""

    name: str
    unit: str
    old: str
    new: str
    fails: frozenset

    def files(self):
        return solution_files(**{self.unit: mutate(self.unit, self.old, self.new)})

    def submission(self):
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
    ),
    Mutant(
        "same_padding_extra_zero_first", "convolution",
        "pads.append((total // 2, total - total // 2))",
        "pads.append((total - total // 2, total // 2))",
        _ids("convolution", "conv2d_same_padding_odd_total", "conv2d_multi_stride_and_same"),
    ),
    Mutant(
        "conv_output_size_true_division", "convolution",
        "return int((n + 2 * padding - k) // stride + 1)",
        "return (n + 2 * padding - k) // stride + 1.0",
        _ids("convolution", "conv_output_size_slides", "conv_output_size_stride_and_padding",
             "conv_output_size_random"),
    ),
    Mutant(
        "max_pool_stride_one", "convolution",
        "    if stride is None:\n        stride = pool_size\n",
        "    if stride is None:\n        stride = 1\n",
        _ids("convolution", "max_pool2d_basic", "max_pool2d_channels", "max_pool2d_leftover_and_stride",
             "max_pool2d_negative"),
    ),
    Mutant(
        "params_without_bias", "convolution",
        "return int(kh * kw * c_in * filters + (filters if use_bias else 0))",
        "return int(kh * kw * c_in * filters)",
        _ids("convolution", "count_conv_params"),
    ),
    Mutant(
        "gaussian_not_normalised", "convolution",
        "    return g / g.sum()\n",
        "    return g\n",
        _ids("convolution", "gaussian_kernel_slide_table", "gaussian_kernel_sizes", "gaussian_kernel_extreme_sigma"),
    ),
    Mutant(
        "flatten_column_major", "convolution",
        "return np.array(x).reshape(-1)",
        "return np.array(x).reshape(-1, order='F')",
        _ids("convolution", "flatten_row_major"),
    ),
    Mutant(
        "sigmoid_naive_overflows", "activations",
        "    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows\n"
        "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]\n",
        "    return (1.0 / (1.0 + np.exp(-x)))[()]\n",
        _ids("activations", "sigmoid_large_inputs"),
    ),
    Mutant(
        "sigmoid_derivative_of_output", "activations",
        "    s = sigmoid(x)\n    return s * (1.0 - s)\n",
        "    x = _as_float(x)\n    return x * (1.0 - x)\n",
        _ids("activations", "sigmoid_derivative_slide_values", "sigmoid_derivative_shapes",
             "sigmoid_derivative_large_inputs"),
    ),
    Mutant(
        "relu_derivative_zero_at_zero", "activations",
        "return np.where(x >= 0, 1.0, 0.0).astype(x.dtype)[()]",
        "return np.where(x > 0, 1.0, 0.0).astype(x.dtype)[()]",
        _ids("activations", "relu_derivative_at_zero_is_one", "relu_derivative_scalars"),
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
    ),
    Mutant(
        "one_sided_difference", "activations",
        "return ((np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2.0 * h))[()]",
        "return ((np.asarray(f(x + h)) - np.asarray(f(x))) / h)[()]",
        _ids("activations", "numerical_derivative_is_central", "numerical_derivative_sin",
             "numerical_derivative_sigmoid", "numerical_derivative_default_h", "numerical_derivative_scalar"),
    ),
    Mutant(
        "squared_error_mean_over_outputs", "backprop",
        "return float(np.sum((y - y_hat) ** 2) / y.shape[0])",
        "return float(np.mean((y - y_hat) ** 2))",
        _ids("backprop", "squared_error_sums_outputs_averages_samples"),
    ),
    Mutant(
        "backward_sums_over_samples", "backprop",
        "    delta2 = -2.0 * (y - y_hat) / n * y_hat * (1.0 - y_hat)  # (N, n_out)\n",
        "    delta2 = -2.0 * (y - y_hat) * y_hat * (1.0 - y_hat)  # (N, n_out)\n",
        _ids("backprop", "backward_random_network", "backward_averages_over_samples", "backward_several_outputs"),
    ),
    Mutant(
        "numerical_gradient_not_restored", "backprop",
        "        w[i] = old\n        grad[i]",
        "        grad[i]",
        _ids("backprop", "numerical_gradient_restores_w", "numerical_gradient_quadratic"),
    ),
    Mutant(
        "numerical_gradient_perturbs_a_copy", "backprop",
        "    grad = np.zeros(w.shape, dtype=np.float64)\n",
        "    grad = np.zeros(w.shape, dtype=np.float64)\n    w = w.copy()\n",
        _ids("backprop", "numerical_gradient_closure"),
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
             "optimize_rmsprop_steep_bowl"),
    ),
    Mutant(
        "adam_without_bias_correction", "optimizers",
        "    m_hat = m / (1.0 - beta1**t)\n    v_hat = v / (1.0 - beta2**t)\n",
        "    m_hat = m\n    v_hat = v\n",
        _ids("optimizers", "adam_first_step", "adam_cs231n_step_from_t5", "adam_many_steps", "optimize_adam_rosenbrock"),
    ),
    Mutant(
        "gd_step_in_place", "optimizers",
        "    return np.asarray(w, dtype=np.float64) - lr * np.asarray(grad, dtype=np.float64)\n",
        "    w = np.asarray(w, dtype=np.float64)\n    w -= lr * np.asarray(grad, dtype=np.float64)\n    return w\n",
        # A float64 w is changed in place: the purity items and everything that checks it.
        _ids("optimizers", "gd_step_is_pure", "gd_epoch_linear_regression", "optimize_gd_bowl"),
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
]


# Mistakes in unit 5's NumPy-only exercises, graded with
# ``Engine(units=["cifar10_cnn"], exercises=units.get("cifar10_cnn").numpy_only)``: no
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


def generated_class(n, seed=0):
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


def write_class(folder, students):
    """Write ``{student: {file: source}}`` as one folder per student; return ``folder``."""
    from pathlib import Path

    folder = Path(folder)
    for student, files in students.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        for name, source in files.items():
            (folder / student / name).write_text(source, encoding="utf-8")
    return folder
