"""Unit 5 (cifar10_cnn.py), its NumPy-only exercises: the reference against TensorFlow.

Oracles: ``tf.image.resize(method="bilinear", antialias=False)`` and
``keras.layers.Resizing`` for `resize_bilinear`; ``tf.math.in_top_k`` and Keras'
top-k accuracy metrics for `top_k_accuracy`, ties included. The reference module itself
imports no TensorFlow (a test below checks that in a fresh process).
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.course import paths, reference

cnn = reference.load("cifar10_cnn")

TF_REASON = "TensorFlow is not installed (pip install -e '.[cnn]')"
TF_TOL = dict(rtol=1e-5, atol=1e-4)  # TensorFlow resizes in float32


@pytest.fixture(scope="module")
def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("tensorflow", reason=TF_REASON)


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def test_the_numpy_only_exercises_import_no_tensorflow():
    script = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('m', {str(paths.SOLUTIONS / 'cifar10_cnn.py')!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "m.resize_bilinear(m.np.zeros((4, 4, 3)), 2, 2); m.top_k_accuracy([0], [[1.0, 0.0]], k=1)\n"
        "print(sorted(n for n in ('tensorflow', 'keras') if n in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- resize_bilinear
SIZES = [((2, 2), (4, 4)), ((5, 7), (3, 11)), ((45, 60), (32, 32)), ((32, 32), (96, 96)), ((1, 1), (3, 2)),
         ((9, 4), (9, 4)), ((13, 6), (1, 1)), ((3, 8), (7, 2))]


@pytest.mark.parametrize("shape, size", SIZES)
@pytest.mark.parametrize("channels", [None, 3])
def test_resize_bilinear_matches_tf_image_resize(tf, shape, size, channels):
    full = shape + ((channels,) if channels else ())
    image = np.random.default_rng(sum(full)).uniform(0, 255, size=full)
    got = cnn.resize_bilinear(image, *size)
    batch = image[None] if channels else image[None, ..., None]
    expected = tf.image.resize(batch.astype(np.float32), size, method="bilinear", antialias=False).numpy()[0]
    np.testing.assert_allclose(got, expected if channels else expected[..., 0], **TF_TOL)


@pytest.mark.parametrize("shape, size", SIZES)
def test_resize_bilinear_matches_keras_resizing_layer(keras, shape, size):
    image = np.random.default_rng(len(shape) + shape[0]).integers(0, 256, size=shape + (3,)).astype(np.uint8)
    layer = keras.layers.Resizing(*size, interpolation="bilinear")
    expected = np.asarray(layer(image[None].astype(np.float32)))[0]
    np.testing.assert_allclose(cnn.resize_bilinear(image, *size), expected, **TF_TOL)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 20), st.integers(1, 20), st.integers(0, 2**31 - 1))
def test_resize_bilinear_matches_tf_on_random_sizes(tf, h, w, height, width, seed):
    image = np.random.default_rng(seed).normal(size=(h, w, 2))
    expected = tf.image.resize(image[None].astype(np.float32), (height, width), method="bilinear",
                               antialias=False).numpy()[0]
    np.testing.assert_allclose(cnn.resize_bilinear(image, height, width), expected, rtol=1e-5, atol=1e-5)


def test_resize_bilinear_keeps_constants_and_the_input_and_rejects_bad_sizes():
    image = np.full((6, 5, 3), 7, dtype=np.uint8)
    before = image.copy()
    np.testing.assert_allclose(cnn.resize_bilinear(image, 11, 3), 7.0)
    np.testing.assert_array_equal(image, before)
    for args in ((image, 0, 3), (image, 3, -1), (image, 2.5, 3), (np.zeros((2, 2, 2, 2)), 3, 3), (np.zeros((0, 4)), 2, 2)):
        with pytest.raises(ValueError):
            cnn.resize_bilinear(*args)


# ----------------------------------------------------------------------------- top_k_accuracy
def _in_top_k(tf, labels, probs, k):
    return float(np.mean(tf.math.in_top_k(labels.astype(np.int32), probs.astype(np.float32), k).numpy()))


@pytest.mark.parametrize("k", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("decimals", [None, 1, 0])
def test_top_k_accuracy_matches_tf_in_top_k_with_and_without_ties(tf, k, decimals):
    """Scores rounded to 1 or 0 decimals tie often (0 decimals: nearly all tied)."""
    rng = np.random.default_rng(k)
    probs = rng.dirichlet(np.ones(10), size=200) * 3
    if decimals is not None:
        probs = np.round(probs, decimals)
    labels = rng.integers(0, 10, size=200)
    assert cnn.top_k_accuracy(labels, probs, k=k) == pytest.approx(_in_top_k(tf, labels, probs, k), abs=1e-12)


def test_a_class_tied_with_the_kth_counts_as_in(tf):
    probs = np.array([[0.3, 0.3, 0.3, 0.1], [0.4, 0.2, 0.2, 0.2], [0.25, 0.25, 0.25, 0.25]])
    labels = np.array([2, 3, 3])
    assert _in_top_k(tf, labels, probs, 1) == cnn.top_k_accuracy(labels, probs, k=1) == pytest.approx(2 / 3)
    assert _in_top_k(tf, labels, probs, 2) == cnn.top_k_accuracy(labels, probs, k=2) == 1.0


@pytest.mark.parametrize("k", [1, 3, 5])
def test_top_k_accuracy_matches_keras_top_k_metrics(keras, k):
    rng = np.random.default_rng(10 + k)
    probs = rng.dirichlet(np.ones(10), size=120).astype(np.float32)
    labels = rng.integers(0, 10, size=120)
    sparse = keras.metrics.SparseTopKCategoricalAccuracy(k=k)
    sparse.update_state(labels, probs)
    dense = keras.metrics.TopKCategoricalAccuracy(k=k)
    dense.update_state(np.eye(10, dtype=np.float32)[labels], probs)
    assert cnn.top_k_accuracy(labels, probs, k=k) == pytest.approx(float(sparse.result()), abs=1e-6)
    assert cnn.top_k_accuracy(np.eye(10)[labels], probs, k=k) == pytest.approx(float(dense.result()), abs=1e-6)


def test_top_k_accuracy_label_layouts_agree_and_bad_input_is_rejected():
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(6), size=25)
    labels = rng.integers(0, 6, size=25)
    top2 = cnn.top_k_accuracy(labels, probs, k=2)
    assert cnn.top_k_accuracy(np.eye(6)[labels], probs, k=2) == top2
    assert cnn.top_k_accuracy(labels.reshape(-1, 1), probs, k=2) == top2
    assert cnn.top_k_accuracy(labels, probs, k=6) == 1.0
    assert cnn.top_k_accuracy(labels, probs, k=1) == np.mean(probs.argmax(axis=1) == labels)
    for args, kwargs in [((labels, probs), {"k": 0}), ((labels[:-1], probs), {}), ((labels + 6, probs), {}),
                         ((labels, probs[0]), {}), ((labels, probs), {"k": 1.5})]:
        with pytest.raises(ValueError):
            cnn.top_k_accuracy(*args, **kwargs)
