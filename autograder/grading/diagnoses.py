"""The error model: the course's known misconceptions, each as a trusted implementation.

The contract's "Misconceptions (diagnoses)" catalog, one definition per id. A
misconception of a NumPy exercise is the reference module with one idea changed: its
``patch`` receives a private copy of the reference module and returns the functions it
replaces there (functions of the copy call each other through the copy, so a flipped
kernel in ``conv2d`` also flips it in ``conv2d_multi`` and ``sharpen``). A misconception
of the CNN unit's models is a test on the rebuilt model's configuration (``shows``).

`diagnose` names a misconception for a failed item from behaviour only: it replays the
item's recorded calls (their inputs, what the student returned, the side conditions the
item checked) on every candidate and names one only when it alone reproduces all of them
within the comparison's tolerance while the reference does not.
"""

import copy
import types
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from autograder.course import messages, reference
from autograder.grading import compare
from autograder.sandbox import trusted
from autograder.sandbox.codec import Ref


@dataclass(frozen=True)
class Misconception:
    """One catalog entry.

    Attributes
    ----------
    id : str
        ``"<exercise>.<name>"`` as in the contract's table.
    unit : str
        The unit whose reference it changes.
    also : tuple of str
        Other exercises whose items it can explain (their reference calls this exercise).
    patch : callable or None
        ``patch(module) -> {name: function}`` on a private copy of the reference module.
    shows : callable or None
        CNN unit: ``shows(model) -> bool`` on the rebuilt Keras model.
    items : tuple of str
        CNN unit: the item ids whose failure this configuration explains.
    """

    id: str
    unit: str
    also: tuple = ()
    patch: object = None
    shows: object = None
    items: tuple = ()

    @property
    def exercise(self) -> str:
        return self.id.rsplit(".", 1)[0]


CATALOG = {}


def _register(mis):
    if mis.id in CATALOG:
        raise ValueError(f"misconception {mis.id} defined twice")
    CATALOG[mis.id] = mis


def error(unit: str, id: str, also: Iterable[str] = ()) -> Callable[[Callable], Callable]:
    """Decorator: ``patch`` functions of NumPy misconceptions."""
    def register(patch):
        _register(Misconception(id, unit, tuple(also), patch=patch))
        return patch
    return register


def configuration(id: str, items: Iterable[str]) -> Callable[[Callable], Callable]:
    """Decorator: ``shows`` tests of the CNN unit's model misconceptions."""
    def register(shows):
        _register(Misconception(id, "cifar10_cnn", patch=None, shows=shows, items=tuple(items)))
        return shows
    return register


def message(mis_id: str) -> dict:
    """``{"id", "zh-TW", "en"}``: what the result says of the misconception ``mis_id``."""
    """The student's text of ``mis_id``: ``{"id", "zh-TW", "en"}``."""
    return {"id": mis_id, **messages.text(f"diagnosis.{mis_id}")}


# ============================================================================ unit 1
CONV_USERS = ("conv2d_multi", "sobel_magnitude", "sharpen")


@error("convolution", "conv_output_size.ceil")
def _(m):
    def conv_output_size(n, k, stride=1, padding=0):
        return int(-(-(n + 2 * padding - k) // stride) + 1)
    return {"conv_output_size": conv_output_size}


@error("convolution", "conv_output_size.float")
def _(m):
    def conv_output_size(n, k, stride=1, padding=0):
        return (n + 2 * padding - k) / stride + 1
    return {"conv_output_size": conv_output_size}


@error("convolution", "conv2d.flipped_kernel", also=CONV_USERS + ("HAND_SOBEL_ANSWER", "HAND_CROSS_ANSWER"))
def _(m):
    right = m.conv2d

    def conv2d(image, kernel, stride=1, padding=0):
        return right(image, np.asarray(kernel)[::-1, ::-1], stride, padding)
    # The hand answers worked out the same way.
    return {"conv2d": conv2d, "HAND_SOBEL_ANSWER": conv2d(m.SOBEL_EXAMPLE_IMAGE, m.SOBEL_EXAMPLE_FILTER),
            "HAND_CROSS_ANSWER": conv2d(m.CROSS_EXAMPLE_IMAGE, m.CROSS_EXAMPLE_FILTER)}


@error("convolution", "conv2d.stride_ignored", also=CONV_USERS)
def _(m):
    right = m.conv2d

    def conv2d(image, kernel, stride=1, padding=0):
        return right(image, kernel, 1, padding)
    return {"conv2d": conv2d}


def _same_padding(m, pads_of):
    right = m.conv2d

    def conv2d(image, kernel, stride=1, padding=0):
        if not (isinstance(padding, str) and padding == "same"):
            return right(image, kernel, stride, padding)
        image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel)
        strides = (stride, stride) if np.ndim(stride) == 0 else tuple(stride)
        pads = [pads_of(n, k, int(s)) for n, k, s in zip(image.shape, kernel.shape, strides)]
        return right(np.pad(image, pads), kernel, stride, 0)
    return {"conv2d": conv2d}


def _keras_total(n, k, s):
    return max((-(-n // s) - 1) * s + k - n, 0)


@error("convolution", "conv2d.same_extra_top_left", also=CONV_USERS)
def _(m):
    return _same_padding(m, lambda n, k, s: (_keras_total(n, k, s) - _keras_total(n, k, s) // 2,
                                             _keras_total(n, k, s) // 2))


@error("convolution", "conv2d.same_symmetric", also=CONV_USERS)
def _(m):
    return _same_padding(m, lambda n, k, s: ((k - 1) // 2, (k - 1) // 2))


@error("convolution", "conv2d_multi.bias_ignored")
def _(m):
    right = m.conv2d_multi

    def conv2d_multi(x, kernels, bias=None, stride=1, padding="valid"):
        return right(x, kernels, None, stride, padding)
    return {"conv2d_multi": conv2d_multi}


@error("convolution", "max_pool2d.stride_one")
def _(m):
    right = m.max_pool2d

    def max_pool2d(x, pool_size=2, stride=None):
        return right(x, pool_size, 1 if stride is None else stride)
    return {"max_pool2d": max_pool2d}


@error("convolution", "flatten.column_major")
def _(m):
    return {"flatten": lambda x: np.asarray(x).reshape(-1, order="F")}


@error("convolution", "global_average_pool.over_channels")
def _(m):
    return {"global_average_pool": lambda x: np.asarray(x, dtype=np.float64).mean(axis=-1)}


@error("convolution", "count_conv_params.no_bias")
def _(m):
    def count_conv_params(kh, kw, c_in, filters, use_bias=True):
        return int(kh * kw * c_in * filters)
    return {"count_conv_params": count_conv_params}


@error("convolution", "count_conv_params.no_input_channels")
def _(m):
    def count_conv_params(kh, kw, c_in, filters, use_bias=True):
        return int(kh * kw * filters + (filters if use_bias else 0))
    return {"count_conv_params": count_conv_params}


def _gaussian(size, sigma, denominator, normalise):
    r = np.arange(size) - size // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / denominator(sigma))
    return g / g.sum() if normalise else g


@error("convolution", "gaussian_kernel.missing_factor_two")
def _(m):
    return {"gaussian_kernel": lambda size=3, sigma=1.0: _gaussian(size, sigma, lambda s: s**2, True)}


@error("convolution", "gaussian_kernel.unnormalised")
def _(m):
    return {"gaussian_kernel": lambda size=3, sigma=1.0: _gaussian(size, sigma, lambda s: 2.0 * s**2, False)}


@error("convolution", "median_filter.mean")
def _(m):
    def median_filter(image, size=3):
        image = np.asarray(image, dtype=np.float64)
        return np.lib.stride_tricks.sliding_window_view(image, (size, size)).mean(axis=(-2, -1))
    return {"median_filter": median_filter}


@error("convolution", "sobel_magnitude.abs_sum")
def _(m):
    def sobel_magnitude(image):
        return np.abs(m.conv2d(image, m.SOBEL_V)) + np.abs(m.conv2d(image, m.SOBEL_H))
    return {"sobel_magnitude": sobel_magnitude}


@error("convolution", "sharpen.minus")
def _(m):
    def sharpen(image, amount=1.0):
        image = np.asarray(image, dtype=np.float64)
        return image - amount * m.conv2d(image, m.LAPLACIAN, padding=1)
    return {"sharpen": sharpen}


# ============================================================================ unit 2
def _floats(x):
    return np.asarray(x, dtype=np.float64)


@error("activations", "sigmoid.overflow")
def _(m):
    return {"sigmoid": lambda x: (1.0 / (1.0 + np.exp(-_floats(x))))[()]}


@error("activations", "sigmoid_derivative.of_output")
def _(m):
    return {"sigmoid_derivative": lambda x: (_floats(x) * (1.0 - _floats(x)))[()]}


@error("activations", "tanh_derivative.of_output")
def _(m):
    return {"tanh_derivative": lambda x: (1.0 - _floats(x) ** 2)[()]}


@error("activations", "relu_derivative.zero_at_zero")
def _(m):
    return {"relu_derivative": lambda x: np.where(_floats(x) > 0, 1.0, 0.0)[()]}


@error("activations", "numerical_derivative.one_sided")
def _(m):
    def numerical_derivative(f, x, h=1e-5):
        x = _floats(x)
        return ((np.asarray(f(x + h)) - np.asarray(f(x))) / h)[()]
    return {"numerical_derivative": numerical_derivative}


# ============================================================================ unit 3
@error("backprop", "squared_error.mean_over_outputs")
def _(m):
    return {"squared_error": lambda y, y_hat: float(np.mean((_floats(y) - _floats(y_hat)) ** 2))}


@error("backprop", "squared_error.no_mean")
def _(m):
    return {"squared_error": lambda y, y_hat: float(np.sum((_floats(y) - _floats(y_hat)) ** 2))}


@error("backprop", "backward.no_batch_mean")
def _(m):
    right = m.backward

    def backward(y, cache, params):
        n = np.asarray(y).shape[0]
        return {k: v * n for k, v in right(y, cache, params).items()}
    return {"backward": backward}


@error("backprop", "backward.no_hidden_derivative")
def _(m):
    def backward(y, cache, params):
        y = _floats(y)
        x, a1, y_hat = cache["x"], cache["a1"], cache["y_hat"]
        delta2 = -2.0 * (y - y_hat) / y.shape[0] * y_hat * (1.0 - y_hat)
        delta1 = delta2 @ np.asarray(params["W2"]).T  # σ'(z1) left out
        return {"W1": x.T @ delta1, "b1": delta1.sum(axis=0), "W2": a1.T @ delta2, "b2": delta2.sum(axis=0)}
    return {"backward": backward}


@error("backprop", "slide_gradient.sign")
def _(m):
    right = m.slide_gradient
    return {"slide_gradient": lambda y, y_hat, z_prev: (-np.asarray(right(y, y_hat, z_prev)))[()]}


@error("backprop", "numerical_gradient.perturbs_copy")
def _(m):
    right = m.numerical_gradient
    return {"numerical_gradient": lambda f, w, h=1e-5: right(f, np.array(w, dtype=np.float64), h)}


@error("backprop", "numerical_gradient.not_restored")
def _(m):
    def numerical_gradient(f, w, h=1e-5):
        grad = np.zeros(w.shape, dtype=np.float64)
        for i in np.ndindex(w.shape):
            old = w[i]
            w[i] = old + h
            f_plus = float(f(w))
            w[i] = old - h
            f_minus = float(f(w))
            grad[i] = (f_plus - f_minus) / (2.0 * h)
        return grad
    return {"numerical_gradient": numerical_gradient}


@error("backprop", "relative_error.no_floor")
def _(m):
    def relative_error(a, b):
        a, b = _floats(a), _floats(b)
        return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
    return {"relative_error": relative_error}


# ============================================================================ unit 4
STEP_USERS = ("optimize",)


@error("optimizers", "gd_step.ascent", also=("gd_epoch", "sgd_epoch", "optimize"))
def _(m):
    return {"gd_step": lambda w, grad, lr: _floats(w) + lr * _floats(grad)}


@error("optimizers", "minibatches.drop_last", also=("sgd_epoch",))
def _(m):
    right = m.minibatches

    def minibatches(n, batch_size, rng):
        batches = right(n, batch_size, rng)
        return batches[:-1] if batches and len(batches[-1]) < batch_size else batches
    return {"minibatches": minibatches}


@error("optimizers", "rmsprop_step.sigma0_zero", also=STEP_USERS)
def _(m):
    right = m.rmsprop_step

    def rmsprop_step(w, grad, state, lr=0.01, alpha=0.9, eps=1e-8):
        # σ⁻¹ = 0, so σ⁰ = sqrt((1 − α)·g²) instead of |g⁰|
        return right(w, grad, {"sigma": np.zeros_like(_floats(grad))} if state is None else state, lr, alpha, eps)
    return {"rmsprop_step": rmsprop_step}


@error("optimizers", "rmsprop_step.stores_square", also=STEP_USERS)
def _(m):
    def rmsprop_step(w, grad, state, lr=0.01, alpha=0.9, eps=1e-8):
        g = _floats(grad)
        square = g**2 if state is None else alpha * _floats(state["sigma"]) + (1.0 - alpha) * g**2
        return _floats(w) - lr * g / (np.sqrt(square) + eps), {"sigma": square}
    return {"rmsprop_step": rmsprop_step}


@error("optimizers", "rmsprop_step.eps_in_sqrt", also=STEP_USERS)
def _(m):
    def rmsprop_step(w, grad, state, lr=0.01, alpha=0.9, eps=1e-8):
        g = _floats(grad)
        square = g**2 if state is None else alpha * _floats(state["sigma"]) ** 2 + (1.0 - alpha) * g**2
        return _floats(w) - lr * g / np.sqrt(square + eps), {"sigma": np.sqrt(square)}
    return {"rmsprop_step": rmsprop_step}


def _adam(w, grad, state, lr, beta1, beta2, eps, correct, t_late):
    g = _floats(grad)
    if state is None:
        m_, v, t = np.zeros_like(g), np.zeros_like(g), 0
    else:
        m_, v, t = _floats(state["m"]), _floats(state["v"]), int(state["t"])
    if not t_late:
        t += 1
    m_ = beta1 * m_ + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g**2
    m_hat, v_hat = (m_ / (1.0 - beta1**t), v / (1.0 - beta2**t)) if correct else (m_, v)
    w_new = _floats(w) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, {"m": m_, "v": v, "t": t + 1 if t_late else t}


@error("optimizers", "adam_step.no_bias_correction", also=STEP_USERS)
def _(m):
    def adam_step(w, grad, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        return _adam(w, grad, state, lr, beta1, beta2, eps, correct=False, t_late=False)
    return {"adam_step": adam_step}


@error("optimizers", "adam_step.t_late", also=STEP_USERS)
def _(m):
    def adam_step(w, grad, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        return _adam(w, grad, state, lr, beta1, beta2, eps, correct=True, t_late=True)
    return {"adam_step": adam_step}


# ============================================================================ unit 5
@error("cifar10_cnn", "preprocess.no_scaling")
def _(m):
    right = m.preprocess

    def preprocess(x, y):
        return np.asarray(x).astype(np.float32), right(x, y)[1]
    return {"preprocess": preprocess}


@error("cifar10_cnn", "preprocess.integer_labels")
def _(m):
    right = m.preprocess
    # the labels as the vector the reference one-hot encodes
    return {"preprocess": lambda x, y: (right(x, y)[0], np.asarray(y).reshape(-1))}


def _layers(model):
    from autograder.grading import keras_checks as kc

    return [layer for layer in kc.flat_layers(model) if type(layer).__name__ != "InputLayer"]


def _activation(layer):
    return (layer.get_config().get("activation") or "linear") if hasattr(layer, "get_config") else "linear"


@configuration("build_cnn.logits", items=("cifar10_cnn.build_cnn_layers", "cifar10_cnn.build_cnn_shapes_and_classes"))
def _(model):
    layers = _layers(model)
    softmax = any(type(l).__name__ == "Softmax" or _activation(l) == "softmax" for l in layers)
    return bool(layers) and type(layers[-1]).__name__ == "Dense" and _activation(layers[-1]) == "linear" \
        and not softmax


@configuration("build_cnn.no_pooling", items=("cifar10_cnn.build_cnn_layers",))
def _(model):
    names = [type(l).__name__ for l in _layers(model)]
    return names.count("Conv2D") >= 2 and not any(n in ("MaxPooling2D", "MaxPool2D") for n in names)


@configuration("build_dnn.has_convolution", items=("cifar10_cnn.build_dnn_is_flat",))
def _(model):
    return any(type(l).__name__ in ("Conv2D", "Conv1D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D")
               for l in _layers(model))


@configuration("build_augmentation.vertical_flip", items=("cifar10_cnn.augmentation_flips_horizontally_only",))
def _(model):
    return any(type(l).__name__ == "RandomFlip" and l.get_config().get("mode") in ("vertical", "horizontal_and_vertical")
               for l in _layers(model))


@configuration("build_transfer_model.base_trainable",
               items=("cifar10_cnn.transfer_base_is_frozen_mobilenetv2", "cifar10_cnn.transfer_trains_only_the_head"))
def _(model):
    from autograder.grading import keras_checks as kc

    bases = [l for l in kc.flat_layers(model) if kc.is_application(l)]
    return bool(bases) and any(base.trainable and base.trainable_weights for base in bases)


# ============================================================================ replaying calls
@dataclass
class Call:
    """One call an item made to the student's code, as `diagnose` replays it.

    ``parts`` are the paths into the returned value that the item compared, each with
    the comparison's options (``rtol``, ``atol``, ``integer``); ``failed`` is true for the
    call whose check failed; ``warnings_checked`` / ``mutation_checked`` say which side
    conditions the item checked on it.
    """

    kind: str  # "call", "driver" or "answer"
    name: str
    args: tuple
    kwargs: dict
    record: object
    parts: list = field(default_factory=list)
    failed: bool = False
    warnings_checked: bool = False
    mutation_checked: bool = False


@dataclass
class Observation:
    value: object
    warned: bool
    mutated: bool


# Inputs may hold what the student's code returned earlier in the item (RMSProp's state):
# the error model only runs on inputs of a sensible size, in the grading process.
MAX_REPLAY_BYTES = 16 * 1024**2


def _nbytes(value, depth=0):
    if isinstance(value, np.ndarray):
        return value.nbytes
    if depth > 8:
        return MAX_REPLAY_BYTES + 1
    if isinstance(value, dict):
        return sum(_nbytes(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v, depth + 1) for v in value) + 8 * len(value)
    return 8


def _copy(value):
    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopyable input is passed as it is
        return value


def kept_inputs(args: tuple, kwargs: dict) -> tuple[tuple, dict] | None:
    """Copies of a call's inputs for replaying, or `None` when they are too large."""
    if _nbytes(args) + _nbytes(kwargs) > MAX_REPLAY_BYTES:
        return None
    return _copy(tuple(args)), _copy(dict(kwargs))


def _resolve(value):
    """Grader-owned references (``fn("mse_grad")``, ``rng(3)``) as local objects."""
    if isinstance(value, Ref):
        if value.kind == "rng":
            return np.random.default_rng(value.name)
        return trusted.make_callable(value.name, {k: _resolve(v) for k, v in value.kwargs.items()})
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_resolve(v) for v in value)
    return value


def _changed(before, after):
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape
                    and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, dict):
        return any(_changed(v, after.get(k)) for k, v in before.items()) if isinstance(after, dict) else True
    if isinstance(before, list):
        return len(before) != len(after) or any(_changed(a, b) for a, b in zip(before, after))
    return False


# The hand answers are the slide examples worked out with the module's own conv2d.
ANSWERS = {
    "HAND_SOBEL_ANSWER": lambda m: m.conv2d(m.SOBEL_EXAMPLE_IMAGE, m.SOBEL_EXAMPLE_FILTER),
    "HAND_CROSS_ANSWER": lambda m: m.conv2d(m.CROSS_EXAMPLE_IMAGE, m.CROSS_EXAMPLE_FILTER),
}


def observe(module: types.ModuleType, call: Call) -> Observation | None:
    """What ``module`` does with ``call``'s inputs, or `None` when it raises."""
    if call.args is None:
        return None  # inputs not kept (too large)
    if call.kind == "answer":
        run = ANSWERS.get(call.name)
        args, kwargs = (), {}
        if run is None:
            return None
    else:
        args, kwargs = _resolve(_copy(tuple(call.args))), _resolve(_copy(dict(call.kwargs)))
        if call.kind == "driver":
            driver = trusted.driver(call.name)
            run = lambda m: driver(m, *args, **kwargs)  # noqa: E731
        else:
            function = getattr(module, call.name, None)
            if function is None:
                return None
            run = lambda m: function(*args, **kwargs)  # noqa: E731
    before = (_copy(args), _copy(kwargs))
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn",
                                                                         invalid="warn", under="ignore"):
            warnings.simplefilter("always")
            value = run(module)
    except Exception:  # noqa: BLE001 - a misconception that cannot run on these inputs explains nothing
        return None
    warned = any(issubclass(w.category, RuntimeWarning) for w in caught)
    mutated = _changed(list(before[0]), list(args)) or _changed(before[1], kwargs)
    return Observation(value, warned, mutated)


_MISSING = object()


def part_of(value, path):
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return value


def reproduces(observation: Observation | None, call: Call) -> bool:
    """``observation`` matches what the student's call returned (and the side
    conditions the item checked on it), within the comparison's tolerance."""
    if observation is None:
        return False
    for path, options in call.parts or [((), {})]:
        mine, theirs = part_of(observation.value, path), part_of(call.record.value, path)
        if mine is _MISSING or theirs is _MISSING or not compare.same(theirs, mine, **options):
            return False
    if call.warnings_checked and observation.warned != any(w.startswith("RuntimeWarning") for w in call.record.warnings):
        return False
    if call.mutation_checked and observation.mutated != bool(call.record.mutated):
        return False
    return True


@cache
def variant(mis_id: str) -> types.ModuleType:
    """A private copy of the reference module with the misconception ``mis_id`` in it."""
    mis = CATALOG[mis_id]
    ref = reference.load(mis.unit)
    module = types.ModuleType(f"_autograder_misconception_{mis_id.replace('.', '_')}")
    space = module.__dict__
    space.update({k: v for k, v in vars(ref).items() if k not in ("__name__", "__spec__", "__loader__")})
    for name, value in list(space.items()):
        if isinstance(value, types.FunctionType) and value.__module__ == ref.__name__:
            clone = types.FunctionType(value.__code__, space, value.__name__, value.__defaults__, value.__closure__)
            clone.__kwdefaults__ = value.__kwdefaults__
            space[name] = clone
    space.update(mis.patch(module))
    return module


def candidates(exercise: str) -> list[Misconception]:
    """The misconceptions that may explain a failed item of ``exercise``, catalog order."""
    return [m for m in CATALOG.values() if m.patch is not None and (m.exercise == exercise or exercise in m.also)]


def diagnose(exercise: str, unit: str, calls: list[Call]) -> str | None:
    """The catalog id that explains a failed item, or `None`.

    Parameters
    ----------
    exercise, unit : str
        The item's exercise and unit.
    calls : list of Call
        The item's calls in order, those whose check failed marked ``failed``.
    """
    failing = [c for c in calls if c.failed]
    if not failing:
        return None
    observed = [c for c in calls if c.parts or c.failed]
    ref = reference.load(unit)
    if all(reproduces(observe(ref, c), c) for c in failing):
        return None  # the reference explains what the student's code did on these inputs
    found = [mis.id for mis in candidates(exercise)
             if mis.unit == unit and all(reproduces(observe(variant(mis.id), c), c) for c in observed)]
    # Two misconceptions that both explain the item cannot be told apart by it: name neither.
    return found[0] if len(found) == 1 else None


def diagnose_model(item_id: str, model: object) -> str | None:
    """The CNN unit's model misconception that explains the failed item ``item_id``."""
    found = []
    for mis in CATALOG.values():
        if mis.shows is not None and item_id in mis.items:
            try:
                if mis.shows(model):
                    found.append(mis.id)
            except Exception:  # noqa: BLE001 - an odd layer configuration explains nothing
                continue
    return found[0] if len(found) == 1 else None


# ============================================================================ coverage of the catalog
def coverage(mutants: list, results: dict) -> list[dict]:
    """Per catalog id, the mutant that exercises it and whether the grader named it.

    Parameters
    ----------
    mutants : list of autograder.authoring.samples.Mutant
    results : dict
        ``{mutant name: Result}``; a mutant without a result is reported as not graded.

    Returns
    -------
    list of dict
        ``{"id", "mutant", "failed", "named", "elsewhere", "other_failed"}``, catalog order:
        ``failed`` the number of the mutant's own items (``Mutant.fails``) that failed,
        ``named`` how many of them carry the id, ``elsewhere`` how many items carry a
        diagnosis they should not (should be 0), ``other_failed`` the failed items outside
        ``Mutant.fails`` (a CNN mistake may also slow training; the missing model file).
    """
    rows = []
    by_id = {m.diagnosis: m for m in mutants if m.diagnosis}
    for mis_id in CATALOG:
        mutant = by_id.get(mis_id)
        result = results.get(mutant.name) if mutant else None
        row = {"id": mis_id, "mutant": mutant.name if mutant else None, "failed": None, "named": None,
               "elsewhere": None, "other_failed": None}
        if result is not None:
            failed = [i for i in result.items if i.status != "passed" and i.id in mutant.fails]
            row["failed"] = len(failed)
            row["named"] = sum(1 for i in failed if i.diagnosis and i.diagnosis["id"] == mis_id)
            row["elsewhere"] = sum(1 for i in result.items if i.diagnosis and (
                i.diagnosis["id"] != mis_id or i.id not in mutant.fails))
            row["other_failed"] = sum(1 for i in result.items if i.status != "passed" and i.id not in mutant.fails)
        rows.append(row)
    return rows


def coverage_markdown(rows: list[dict]) -> str:
    """`coverage` as a Markdown table."""
    out = ["| misconception | mutant (`autograder.authoring.samples`) | its items failed | named on | named elsewhere "
           "| other items failed |",
           "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        graded = r["failed"] is not None
        out.append(f"| `{r['id']}` | {('`' + r['mutant'] + '`') if r['mutant'] else '—'} "
                   f"| {r['failed'] if graded else 'not graded'} | {r['named'] if graded else '—'} "
                   f"| {r['elsewhere'] if graded else '—'} | {r['other_failed'] if graded else '—'} |")
    return "\n".join(out) + "\n"
