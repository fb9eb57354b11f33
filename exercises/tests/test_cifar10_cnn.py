"""單元五的公開測試 — public tests of unit 5 (cifar10_cnn.py). 需要 TensorFlow / needs TensorFlow."""

import numpy as np
import pytest


def _exercise(name, points=1):
    def mark(test):
        return pytest.mark.exercise(name)(pytest.mark.points(points)(test))

    return mark


def _layer_names(model):
    names = []
    for layer in model.layers:
        names += _layer_names(layer) if hasattr(layer, "layers") and not layer.name.startswith("mobilenetv2") else [
            type(layer).__name__]
    return names


X = np.array([[[[0, 128, 255]] * 32] * 32] * 2, dtype=np.uint8)  # (2, 32, 32, 3)
Y = np.array([3, 9])


@_exercise("preprocess", 2)
def test_preprocess_scales_to_unit_interval(cifar10_cnn, close):
    x, _y = cifar10_cnn.preprocess(X, Y)
    assert np.asarray(x).dtype == np.float32, f"x 的 dtype 應為 float32 / x should be float32, got {np.asarray(x).dtype}"
    close(x[0, 0, 0], [0.0, 128 / 255, 1.0], "preprocess(x, y)[0][0, 0, 0]")


@_exercise("preprocess", 2)
def test_preprocess_one_hot(cifar10_cnn, close):
    _x, y = cifar10_cnn.preprocess(X, Y.reshape(-1, 1))
    expected = np.zeros((2, 10))
    expected[0, 3] = expected[1, 9] = 1
    close(y, expected, "preprocess(x, [[3], [9]])[1]")


@_exercise("build_dnn")
def test_build_dnn_has_no_convolution(cifar10_cnn):
    names = _layer_names(cifar10_cnn.build_dnn())
    assert "Conv2D" not in names and "Flatten" in names, f"DNN 應攤平且沒有卷積 / flat, no Conv2D: {names}"


@_exercise("build_cnn", 2)
def test_build_cnn_layer_types(cifar10_cnn):
    names = _layer_names(cifar10_cnn.build_cnn())
    assert names.count("Conv2D") >= 2, f"至少兩個 Conv2D / at least two Conv2D: {names}"
    assert "MaxPooling2D" in names, f"至少一個 MaxPooling2D / at least one MaxPooling2D: {names}"
    assert names[-1] == "Dense", f"最後一層應為 Dense / the last layer should be Dense: {names}"


@_exercise("build_cnn", 2)
def test_build_cnn_outputs_probabilities(cifar10_cnn, close):
    """隨機輸入的輸出是機率：每列總和為 1。A forward pass on random input gives probabilities."""
    model = cifar10_cnn.build_cnn()
    out = np.asarray(model(np.random.default_rng(0).uniform(size=(3, 32, 32, 3)).astype("float32")))
    assert out.shape == (3, 10), f"輸出形狀 output shape {out.shape}，應為 expected (3, 10)"
    close(out.sum(axis=1), np.ones(3), "build_cnn()(x).sum(axis=1)", rtol=1e-4)
    assert (out >= 0).all(), "機率不可為負 / probabilities are not negative"


@_exercise("build_augmentation")
def test_augmentation_identity_at_inference(cifar10_cnn, close):
    x = np.random.default_rng(1).uniform(size=(2, 32, 32, 3)).astype("float32")
    close(np.asarray(cifar10_cnn.build_augmentation()(x, training=False)), x, "build_augmentation()(x, training=False)")


@_exercise("build_transfer_model")
def test_transfer_model_output(cifar10_cnn):
    model = cifar10_cnn.build_transfer_model()
    assert tuple(model.output_shape) == (None, 10), f"輸出形狀 output shape {model.output_shape}"
