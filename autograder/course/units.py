"""The course's units and exercises: the one list every other module reads.

Names follow ``EXERCISES.md``. A unit is a module a student submits
(``convolution.py`` …); an exercise is a name in it that items check.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """One unit of the course.

    Attributes
    ----------
    name : str
        Module name without ``.py``; also the ``unit`` field of a result.
    number : int
        1-based position in the course; the nbgrader assignment is ``f"{number:02d}_{name}"``.
    title : dict
        ``{"zh-TW": …, "en": …}``.
    exercises : tuple of str
        Graded names, in the order the lesson teaches them.
    given : tuple of str
        Constants that ship in the stub and are not graded.
    needs_tensorflow : bool
        Whether grading needs TensorFlow (only the CNN unit).
    numpy_only : tuple of str
        Exercises of a TensorFlow unit that are written and graded with NumPy alone.
    """

    name: str
    number: int
    title: dict
    exercises: tuple
    given: tuple = ()
    needs_tensorflow: bool = False
    numpy_only: tuple = ()

    @property
    def filename(self):
        return f"{self.name}.py"

    @property
    def assignment(self):
        """The nbgrader assignment name, such as ``01_convolution``."""
        return f"{self.number:02d}_{self.name}"


UNITS = (
    Unit(
        "convolution",
        1,
        {"zh-TW": "卷積、濾波、池化", "en": "Convolution, filtering and pooling"},
        (
            "HAND_SOBEL_ANSWER",
            "HAND_CROSS_ANSWER",
            "conv_output_size",
            "conv2d",
            "conv2d_multi",
            "max_pool2d",
            "flatten",
            "global_average_pool",
            "count_conv_params",
            "average_kernel",
            "gaussian_kernel",
            "median_filter",
            "bilateral_filter",
            "sobel_magnitude",
            "sharpen",
        ),
        given=(
            "SOBEL_EXAMPLE_IMAGE",
            "SOBEL_EXAMPLE_FILTER",
            "CROSS_EXAMPLE_IMAGE",
            "CROSS_EXAMPLE_FILTER",
            "SOBEL_H",
            "SOBEL_V",
            "LAPLACIAN",
        ),
    ),
    Unit(
        "activations",
        2,
        {"zh-TW": "激活函數與導數", "en": "Activation functions and derivatives"},
        (
            "sigmoid",
            "sigmoid_derivative",
            "tanh",
            "tanh_derivative",
            "relu",
            "relu_derivative",
            "numerical_derivative",
        ),
    ),
    Unit(
        "backprop",
        3,
        {"zh-TW": "反向傳播與連鎖律", "en": "Backpropagation and the chain rule"},
        (
            "forward",
            "squared_error",
            "backward",
            "slide_gradient",
            "numerical_gradient",
            "relative_error",
        ),
    ),
    Unit(
        "optimizers",
        4,
        {"zh-TW": "優化器", "en": "Optimizers"},
        (
            "gd_step",
            "minibatches",
            "gd_epoch",
            "sgd_epoch",
            "rmsprop_step",
            "adam_step",
            "optimize",
        ),
    ),
    Unit(
        "cifar10_cnn",
        5,
        {"zh-TW": "Keras CIFAR-10 卷積網路", "en": "A Keras CNN for CIFAR-10"},
        (
            "preprocess",
            "resize_bilinear",
            "build_dnn",
            "build_cnn",
            "build_augmentation",
            "top_k_accuracy",
            "build_transfer_model",
            "train",
            "cifar10_cnn.keras",
        ),
        given=("CLASS_NAMES",),
        needs_tensorflow=True,
        numpy_only=("resize_bilinear", "top_k_accuracy"),
    ),
)

BY_NAME = {unit.name: unit for unit in UNITS}
NUMPY_UNITS = tuple(unit for unit in UNITS if not unit.needs_tensorflow)


def get(name):
    """The `Unit` called ``name`` (``"convolution"``, …); `KeyError` names the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown unit {name!r}; units are {', '.join(BY_NAME)}") from None
