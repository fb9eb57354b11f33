"""Hidden graders of unit 5, ``cifar10_cnn.py`` (+ ``cifar10_cnn.keras``) — 100 points.

The child only builds: each model comes back as ``to_json()`` and its compile
configuration and is rebuilt here in Keras' safe mode. Everything that decides points
about a model — its layers, its output, its training on a fixed, seeded budget, the
accuracy of a submitted ``.keras`` file — is computed here.
"""

import os

import numpy as np
import pytest

from autograder.course import cifar10, messages, units
from autograder.course import machine
from autograder.grading import keras_checks as kc
from autograder.grading.problems import Mismatch, Missing, NotGraded, PartialCredit

grade = pytest.mark.grade
# An item that needs TensorFlow on the grading machine is not_graded without it (autograder.course.machine).
needs_tensorflow = pytest.mark.needs("tensorflow")

# The grader's training budget for the student's architecture, on the synthetic set:
# 2000 images, at most 3 epochs of batches of 32 (stopping early once the training
# accuracy reaches 0.98), then accuracy on 1000 test images. Measured with this budget:
# the reference 1.000, the TensorFlow tutorial's CNN 0.693, a two-Conv2D CNN 0.680, the
# flat reference DNN 0.185 — so 0.50 tells a CNN that learns from one that does not.
SYNTHETIC = {"n_train": 2000, "n_test": 1000, "seed": 2024}
TRAIN_EPOCHS, TRAIN_BATCH, TRAIN_SEED = 3, 32, 7
SYNTHETIC_ACCURACY = 0.50
KERAS_FILE, = units.get("cifar10_cnn").files  # the trained model file handed in
ACCURACY_BANDS = ((0.70, 1.0), (0.60, 2 / 3), (0.50, 1 / 3))  # accuracy → share of the item's points


@pytest.fixture(scope="session")
def keras():
    try:
        return kc.keras()
    except ImportError:
        raise NotGraded(messages.text("tensorflow_unavailable", install=machine.install_hint("tensorflow"))) from None


@pytest.fixture(scope="session")
def synthetic(keras):
    """The synthetic CIFAR-shaped set, scaled and one-hot: (x_train, y_train, x_test, y_test)."""
    d = cifar10.synthetic(**SYNTHETIC)
    eye = np.eye(10, dtype=np.float32)
    return (d.x_train.astype(np.float32) / 255, eye[d.y_train], d.x_test.astype(np.float32) / 255, eye[d.y_test])


@pytest.fixture(scope="session")
def real_cifar10():
    """The real CIFAR-10 where it is on disk (``$AUTOGRADER_CIFAR10`` or the Keras cache)."""
    return cifar10.load(os.environ.get("AUTOGRADER_CIFAR10") or None)


def describe(builder, kwargs):
    return f"{builder}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def built(student, builder, **kwargs):
    """The student's ``builder(**kwargs)`` as model data (built once per submission)."""
    key = ("built", builder, tuple(sorted(kwargs.items())))
    return student.memo(key, lambda: student.driver("keras_model", builder, description=describe(builder, kwargs),
                                                    **kwargs))


def rebuilt(student, builder, **kwargs):
    """The model of ``built`` rebuilt here in safe mode (once per submission)."""
    key = ("rebuilt", builder, tuple(sorted(kwargs.items())))
    return student.memo(key, lambda: kc.rebuild(built(student, builder, **kwargs), describe(builder, kwargs)))


def check_other_shapes(student, builder):
    """``builder`` honours ``input_shape`` and ``num_classes`` other than CIFAR-10's."""
    kwargs = {"input_shape": (28, 28, 3), "num_classes": 4}
    kc.check_softmax_output(rebuilt(student, builder, **kwargs), 4, describe(builder, kwargs))


def check_compiled(student, builder):
    """The compile settings of ``builder()``: a model refused in safe mode scores nothing, these included."""
    rebuilt(student, builder)
    kc.check_compiled(built(student, builder), f"{builder}()")


# ----------------------------------------------------------------------------- preprocess
def raw_batch(rng, n=6):
    return rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8), rng.integers(0, 10, size=n)


@needs_tensorflow
@grade("preprocess", 4, public=True)
def test_preprocess_scales_pixels(student, ref, check, rng):
    x, y = raw_batch(rng)
    got = check.tuple_of(student.preprocess(x, y), 2)
    check.close(got[0], ref.preprocess(x, y)[0], part="x")
    check.dtype(got[0], "float32", call=f"{student.last.description} → x")


@needs_tensorflow
@grade("preprocess", 4, public=True)
def test_preprocess_one_hot(student, ref, check, rng):
    x, y = raw_batch(rng, 10)
    got = check.tuple_of(student.preprocess(x, y), 2)
    check.close(got[1], ref.preprocess(x, y)[1], part="y")
    check.dtype(got[1], "float32", call=f"{student.last.description} → y")


@needs_tensorflow
@grade("preprocess", 2)
def test_preprocess_labels_as_column(student, ref, check, rng):
    """Keras' ``cifar10.load_data()`` gives labels of shape (N, 1)."""
    x, y = raw_batch(rng, 5)
    got = check.tuple_of(student.preprocess(x, y.reshape(-1, 1)), 2)
    check.close(got[1], ref.preprocess(x, y.reshape(-1, 1))[1], part="y")


@needs_tensorflow
@grade("preprocess", 2)
def test_preprocess_leaves_inputs(student, ref, check, rng):
    x, y = raw_batch(rng, 4)
    got = check.tuple_of(student.preprocess(x, y), 2)
    check.close(got[0], ref.preprocess(x, y)[0], part="x")
    check.unmodified()


# ----------------------------------------------------------------------------- resize_bilinear
# NumPy only: no item of resize_bilinear or top_k_accuracy asks for the keras fixture.
@grade("resize_bilinear", 2, public=True)
def test_resize_bilinear_small_grid(student, ref, check):
    """2×2 → 4×4 and 2×3 → 5×4: the half-pixel centres and the clamped border."""
    for image, size in [(np.array([[0.0, 4.0], [8.0, 12.0]]), (4, 4)),
                        (np.array([[1.0, 2.0, 6.0], [3.0, 9.0, 0.0]]), (5, 4))]:
        check.close(student.resize_bilinear(image, *size), ref.resize_bilinear(image, *size))


@grade("resize_bilinear", 2)
def test_resize_bilinear_colour_photo_down_to_32(student, ref, check, rng):
    """A (45, 60, 3) uint8 picture to the network's 32×32, left as it was."""
    image = rng.integers(0, 256, size=(45, 60, 3), dtype=np.uint8)
    check.close(student.resize_bilinear(image, 32, 32), ref.resize_bilinear(image, 32, 32))
    check.unmodified()


@grade("resize_bilinear", 2)
def test_resize_bilinear_uneven_ratios(student, ref, check, rng):
    """Up along one axis and down along the other, same size, one pixel."""
    for shape, size in [((7, 5), (3, 11)), ((6, 4, 2), (6, 4)), ((1, 1), (3, 2)), ((10, 3, 3), (4, 7))]:
        image = rng.normal(size=shape)
        check.close(student.resize_bilinear(image, *size), ref.resize_bilinear(image, *size))


# ----------------------------------------------------------------------------- build_dnn
@needs_tensorflow
@grade("build_dnn", 5)
def test_build_dnn_is_flat(student):
    call = "build_dnn()"
    model = rebuilt(student, "build_dnn")
    if kc.count(model, "Conv2D"):
        raise Mismatch(messages.text("model_has_conv", call=call))
    kc.need(model, "Flatten", 1, call)
    kc.need(model, "Dense", 2, call)
    kc.check_softmax_output(model, 10, call)


@needs_tensorflow
@grade("build_dnn", 3)
def test_build_dnn_compiled(student):
    check_compiled(student, "build_dnn")


@needs_tensorflow
@grade("build_dnn", 3)
def test_build_dnn_shapes_and_classes(student):
    check_other_shapes(student, "build_dnn")


# ----------------------------------------------------------------------------- build_cnn
@needs_tensorflow
@grade("build_cnn", 7)
def test_build_cnn_layers(student):
    call = "build_cnn()"
    model = rebuilt(student, "build_cnn")
    kc.need(model, "Conv2D", 2, call)
    kc.need(model, "MaxPooling2D", 1, call)
    if not (kc.count(model, "Flatten") or kc.count(model, "GlobalAveragePooling2D")):
        raise Mismatch(messages.text("model_needs_layer", call=call, layer="Flatten / GlobalAveragePooling2D",
                                     need=1, found=0))
    kc.check_softmax_output(model, 10, call)


@needs_tensorflow
@grade("build_cnn", 4)
def test_build_cnn_compiled(student):
    check_compiled(student, "build_cnn")


@needs_tensorflow
@grade("build_cnn", 2)
def test_build_cnn_shapes_and_classes(student):
    check_other_shapes(student, "build_cnn")


def trained(student, synthetic):
    data = built(student, "build_cnn")
    return student.memo("trained_cnn", lambda: kc.train_and_evaluate(
        data, synthetic, epochs=TRAIN_EPOCHS, batch_size=TRAIN_BATCH, seed=TRAIN_SEED, call="build_cnn()"))


@needs_tensorflow
@grade("build_cnn", 4, timeout=120)
def test_build_cnn_loss_falls_in_training(student, synthetic):
    losses = trained(student, synthetic)["losses"]
    if not losses[-1] < losses[0]:
        raise Mismatch(messages.text("loss_not_falling", call="build_cnn()", losses=", ".join(f"{v:.3f}" for v in losses)))


@needs_tensorflow
@grade("build_cnn", 5, timeout=120)
def test_build_cnn_learns_the_synthetic_set(student, synthetic):
    accuracy = trained(student, synthetic)["accuracy"]
    if accuracy < SYNTHETIC_ACCURACY:
        raise Mismatch(messages.text("synthetic_accuracy", call="build_cnn()", accuracy=f"{accuracy:.3f}",
                                     threshold=SYNTHETIC_ACCURACY, epochs=TRAIN_EPOCHS, n=SYNTHETIC["n_train"]))


# ----------------------------------------------------------------------------- build_augmentation
def augmentation(student):
    return rebuilt(student, "build_augmentation")


@needs_tensorflow
@grade("build_augmentation", 3)
def test_augmentation_flips_horizontally_only(student):
    flips = [l for l in kc.flat_layers(augmentation(student)) if type(l).__name__ == "RandomFlip"]
    if not flips:
        raise Mismatch(messages.text("model_needs_layer", call="build_augmentation()", layer='RandomFlip("horizontal")',
                                     need=1, found=0))
    modes = [l.get_config().get("mode") for l in flips]
    if any(mode != "horizontal" for mode in modes):
        raise Mismatch(messages.text("flip_mode", call="build_augmentation()", got=", ".join(map(str, modes))))


@needs_tensorflow
@grade("build_augmentation", 2)
def test_augmentation_moves_or_turns(student):
    names = {type(l).__name__ for l in kc.flat_layers(augmentation(student))}
    if not names & set(kc.AUG_TRANSFORMS):
        raise Mismatch(messages.text("model_needs_layer", call="build_augmentation()",
                                     layer=" / ".join(kc.AUG_TRANSFORMS), need=1, found=0))


def _images(rng):
    return rng.uniform(0, 1, size=(4, 32, 32, 3)).astype(np.float32)


@needs_tensorflow
@grade("build_augmentation", 2)
def test_augmentation_is_identity_at_inference(student, check, rng, keras):
    layer = augmentation(student)
    x = _images(rng)
    check.close(np.asarray(layer(x, training=False)), x, call="build_augmentation()(x, training=False)", atol=1e-6)


@needs_tensorflow
@grade("build_augmentation", 3)
def test_augmentation_is_random_in_training(student, rng, keras):
    layer = augmentation(student)
    x = _images(rng)
    keras.utils.set_random_seed(11)
    first, second = (np.asarray(layer(x, training=True)) for _ in range(2))
    if np.allclose(first, x) or np.allclose(first, second):
        raise Mismatch(messages.text("not_random", call="build_augmentation()(x, training=True)"))


# ----------------------------------------------------------------------------- top_k_accuracy
def _scores(rng, n, c=10):
    return rng.dirichlet(np.ones(c), size=n)


@grade("top_k_accuracy", 2, public=True)
def test_top_k_accuracy_top1_and_top5(student, ref, check, rng):
    probs = _scores(rng, 40)
    y = rng.integers(0, 10, size=40)
    for k in (1, 5):
        check.close(student.top_k_accuracy(y, probs, k=k), ref.top_k_accuracy(y, probs, k=k))
    check.close(student.top_k_accuracy(y, probs), ref.top_k_accuracy(y, probs))


@grade("top_k_accuracy", 2)
def test_top_k_accuracy_ties_count_as_in(student, ref, check, rng):
    """Scores rounded to one decimal tie a lot; a class tied with the k-th counts."""
    probs = np.round(_scores(rng, 60, 6), 1)
    probs[0] = 0.25  # every class tied
    y = rng.integers(0, 6, size=60)
    for k in (1, 2, 3):
        check.close(student.top_k_accuracy(y, probs, k=k), ref.top_k_accuracy(y, probs, k=k))


@grade("top_k_accuracy", 2)
def test_top_k_accuracy_one_hot_labels(student, ref, check, rng):
    probs = _scores(rng, 30, 8)
    y = np.eye(8, dtype=np.float32)[rng.integers(0, 8, size=30)]
    for k in (1, 3, 8):
        check.close(student.top_k_accuracy(y, probs, k=k), ref.top_k_accuracy(y, probs, k=k))
    check.unmodified()


# ----------------------------------------------------------------------------- build_transfer_model
def transfer(student):
    return rebuilt(student, "build_transfer_model")


@needs_tensorflow
@grade("build_transfer_model", 5, timeout=60)
def test_transfer_base_is_frozen_mobilenetv2(student):
    call = "build_transfer_model()"
    bases = [l for l in kc.flat_layers(transfer(student)) if kc.is_application(l)]
    if not bases:
        raise Mismatch(messages.text("model_needs_layer", call=call, layer="MobileNetV2(include_top=False)",
                                     need=1, found=0))
    if any(base.trainable or base.trainable_weights for base in bases):
        raise Mismatch(messages.text("base_not_frozen", call=call))


@needs_tensorflow
@grade("build_transfer_model", 3, timeout=60)
def test_transfer_head(student):
    call = "build_transfer_model()"
    model = transfer(student)
    layers = [type(l).__name__ for l in kc.flat_layers(model)]
    base_at = next((i for i, l in enumerate(kc.flat_layers(model)) if kc.is_application(l)), None)
    if base_at is None or "GlobalAveragePooling2D" not in layers[base_at + 1:]:
        raise Mismatch(messages.text("model_needs_layer", call=call, layer="GlobalAveragePooling2D", need=1, found=0))
    kc.check_softmax_output(model, 10, call)


@needs_tensorflow
@grade("build_transfer_model", 2, timeout=60)
def test_transfer_compiled(student):
    check_compiled(student, "build_transfer_model")


@needs_tensorflow
@grade("build_transfer_model", 2, timeout=60)
def test_transfer_trains_only_the_head(student):
    """With the base frozen, only the new head's weights are trainable."""
    model = transfer(student)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    if not 0 < trainable <= 1280 * 10 * 4 + 10_000:
        raise Mismatch(messages.text("too_many_trainable", call="build_transfer_model()", got=trainable))


# ----------------------------------------------------------------------------- train
def history(student, synthetic):
    x, y = synthetic[0][:240], synthetic[1][:240]
    return student.memo("history", lambda: student.driver(
        "keras_train", x, y, 4, 32, 0.25, TRAIN_SEED,
        description="train(model, x (240 images), y, epochs=4, batch_size=32, validation_split=0.25)"))


def _logs(reply, call):
    if not isinstance(reply, dict) or not str(reply.get("class", "")).endswith("History") or not reply.get("history"):
        got = reply.get("class") if isinstance(reply, dict) else type(reply).__name__
        raise Mismatch(messages.text("not_history", call=call, got=got))
    return reply["history"]


CALL_TRAIN = "train(model, x, y, epochs=4, batch_size=32, validation_split=0.25)"


@needs_tensorflow
@grade("train", 5, timeout=120)
def test_train_returns_history_whose_loss_falls(student, synthetic):
    losses = _logs(history(student, synthetic), CALL_TRAIN).get("loss") or []
    if len(losses) < 2 or not losses[-1] < losses[0]:
        raise Mismatch(messages.text("loss_not_falling", call=CALL_TRAIN, losses=", ".join(f"{v:.3f}" for v in losses)))


@needs_tensorflow
@grade("train", 2, timeout=120)
def test_train_runs_the_epochs_asked_for(student, synthetic):
    losses = _logs(history(student, synthetic), CALL_TRAIN).get("loss") or []
    if len(losses) != 4:
        raise Mismatch(messages.text("wrong_epochs", call=CALL_TRAIN, expected=4, got=len(losses)))


@needs_tensorflow
@grade("train", 2, timeout=120)
def test_train_keeps_a_validation_split(student, synthetic):
    if "val_loss" not in _logs(history(student, synthetic), CALL_TRAIN):
        raise Mismatch(messages.text("no_validation", call=CALL_TRAIN))


# ----------------------------------------------------------------------------- the trained model file
@needs_tensorflow
@grade(KERAS_FILE, 12, needs_module=False, timeout=300)
def test_trained_model_file_accuracy(student, real_cifar10):
    data = student.files.get(KERAS_FILE)
    if data is None:
        raise Missing(messages.text("file_missing", file=KERAS_FILE))
    if real_cifar10 is None or not real_cifar10.real:
        raise NotGraded(messages.text("data_unavailable", file=KERAS_FILE))
    model = kc.load_model_file(data, KERAS_FILE)
    accuracy = kc.accuracy_of(model, real_cifar10.x_test, real_cifar10.y_test)
    points = 12
    for threshold, share in ACCURACY_BANDS:
        if accuracy >= threshold:
            if share == 1.0:
                return
            raise PartialCredit(messages.text("model_accuracy_band", accuracy=f"{accuracy:.3f}", threshold=threshold,
                                              top=ACCURACY_BANDS[0][0]), score=round(points * share, 6))
    raise Mismatch(messages.text("model_accuracy_low", accuracy=f"{accuracy:.3f}", lowest=ACCURACY_BANDS[-1][0]))
