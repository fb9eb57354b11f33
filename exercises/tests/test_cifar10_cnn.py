"""單元五的公開測試 — public tests of unit 5 (cifar10_cnn.py).

Keras 的練習需要 TensorFlow；`resize_bilinear` 與 `top_k_accuracy` 只用 NumPy。
The Keras exercises need TensorFlow; `resize_bilinear` and `top_k_accuracy` need NumPy only.
"""

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


@_exercise("resize_bilinear", 2)
def test_resize_bilinear_doubles_a_2x2_grid(cifar10_cnn, close):
    """半像素中心：輸出第 1 列落在原圖 y = 1.5·2/4 − 0.5 = 0.25，是 0 與 8 的 3:1 混合 = 2。"""
    got = cifar10_cnn.resize_bilinear(np.array([[0.0, 4.0], [8.0, 12.0]]), 4, 4)
    expected = [[0, 1, 3, 4], [2, 3, 5, 6], [6, 7, 9, 10], [8, 9, 11, 12]]
    close(got, expected, "resize_bilinear([[0, 4], [8, 12]], 4, 4)")


@_exercise("resize_bilinear")
def test_resize_bilinear_keeps_channels(cifar10_cnn):
    got = np.asarray(cifar10_cnn.resize_bilinear(np.zeros((45, 60, 3), dtype=np.uint8), 32, 32))
    assert got.shape == (32, 32, 3), f"resize_bilinear(x (45, 60, 3), 32, 32) 形狀 shape {got.shape}，應為 expected (32, 32, 3)"


@_exercise("resize_bilinear")
def test_resize_bilinear_same_size_is_identity(cifar10_cnn, close):
    image = np.random.default_rng(2).uniform(0, 255, size=(5, 7))
    close(cifar10_cnn.resize_bilinear(image, 5, 7), image, "resize_bilinear(x (5, 7), 5, 7)")


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


PROBS = np.array([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6], [0.2, 0.7, 0.1]])


@_exercise("top_k_accuracy", 2)
def test_top_k_accuracy_by_hand(cifar10_cnn, close):
    """正確類別 1：第 1 張排第 2、第 2 張排第 2、第 3 張排第 1。"""
    close(cifar10_cnn.top_k_accuracy([1, 1, 1], PROBS, k=1), 1 / 3, "top_k_accuracy([1, 1, 1], probs, k=1)")
    close(cifar10_cnn.top_k_accuracy([1, 1, 1], PROBS, k=2), 1.0, "top_k_accuracy([1, 1, 1], probs, k=2)")


@_exercise("top_k_accuracy")
def test_top_k_accuracy_counts_a_tie_as_in(cifar10_cnn, close):
    """和第 k 名同分也算（tf.math.in_top_k）。A class tied with the k-th counts."""
    close(cifar10_cnn.top_k_accuracy([1], [[0.4, 0.4, 0.2]], k=1), 1.0, "top_k_accuracy([1], [[0.4, 0.4, 0.2]], k=1)")


@_exercise("top_k_accuracy")
def test_top_k_accuracy_one_hot_labels(cifar10_cnn, close):
    close(cifar10_cnn.top_k_accuracy(np.eye(3)[[0, 2, 0]], PROBS, k=1), 2 / 3, "top_k_accuracy(one-hot [0, 2, 0], probs, k=1)")


@_exercise("build_transfer_model")
def test_transfer_model_output(cifar10_cnn):
    model = cifar10_cnn.build_transfer_model()
    assert tuple(model.output_shape) == (None, 10), f"輸出形狀 output shape {model.output_shape}"


@_exercise("train", 2)
def test_train_returns_the_history_of_its_epochs(cifar10_cnn):
    """小模型、小資料訓練 2 個 epoch：History 有 2 個 loss 與驗證集的 val_loss。"""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(40, 4, 4, 3)).astype("float32"), np.eye(10, dtype="float32")[rng.integers(0, 10, 40)]
    history = cifar10_cnn.train(model, x, y, epochs=2, batch_size=8, validation_split=0.25)
    logs = getattr(history, "history", None)
    assert isinstance(logs, dict), f"train 應回傳 model.fit 的 History / should return the History of model.fit, got {history!r}"
    assert len(logs.get("loss", [])) == 2, f"epochs=2 應有 2 個 loss / 2 epochs give 2 losses, got {logs.get('loss')}"
    assert "val_loss" in logs, f"validation_split=0.25 應有 val_loss / should give val_loss, got keys {sorted(logs)}"
