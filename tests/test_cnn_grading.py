"""Grading the CNN unit: the reference earns every point it can, the stub none, each
mistake loses its items, models with code are refused, and the trained-model file is
scored by accuracy bands (or said to be ungradable without the data)."""

import numpy as np
import pytest

from autograder.authoring import samples
from autograder.course import units
from autograder.grading import engine
from autograder.intake import loader

pytest.importorskip("tensorflow", reason="TensorFlow is not installed (pip install -e '.[cnn]')")
pytestmark = pytest.mark.slow

UNIT = ["cifar10_cnn"]


def cnn_source(*replacements):
    source = samples.solution_source("cifar10_cnn")
    for old, new in replacements:
        assert old in source, old
        source = source.replace(old, new, 1)
    return source


# One submission with five independent mistakes, each in a different exercise.
MANY_MISTAKES = cnn_source(
    ("x.astype(np.float32) / 255.0", "x.astype(np.float32)"),
    ("            layers.Flatten(),\n            layers.Dense(256",
     "            layers.Conv2D(8, 3),\n            layers.Flatten(),\n            layers.Dense(256"),
    ('layers.RandomFlip("horizontal")', 'layers.RandomFlip("horizontal_and_vertical")'),
    ("    base.trainable = False\n", ""),
    ("validation_split=validation_split, verbose=2", "verbose=2"),
)
LAMBDA_CNN = cnn_source(("            layers.GlobalAveragePooling2D(),",
                         "            layers.GlobalAveragePooling2D(),\n            layers.Lambda(lambda t: t * 1.0),"))
SPARSE_CNN = cnn_source(('model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy"',
                         'model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy"'))


@pytest.fixture(scope="module")
def graded():
    subs = [
        loader.from_files("solution", {"cifar10_cnn.py": samples.solution_source("cifar10_cnn")}),
        loader.from_files("solution_again", {"cifar10_cnn.py": samples.solution_source("cifar10_cnn")}),
        loader.from_files("stub", {"cifar10_cnn.py": samples.stub_source("cifar10_cnn")}),
        loader.from_files("many_mistakes", {"cifar10_cnn.py": MANY_MISTAKES}),
        loader.from_files("lambda_layer", {"cifar10_cnn.py": LAMBDA_CNN}),
        loader.from_files("sparse_loss", {"cifar10_cnn.py": SPARSE_CNN}),
    ]
    results = {}
    engine.Engine(units=UNIT).run(subs, lambda r: results.__setitem__(r.submission, r))
    return results


def _by_status(result):
    out = {}
    for item in result.items:
        out.setdefault(item.status, set()).add(item.exercise)
    return out


def test_reference_earns_every_point_but_the_model_file(graded):
    result = graded["solution"]
    assert result.max_score == engine.unit_points()["cifar10_cnn"]
    failed = [(i.id, i.message["en"]) for i in result.items if i.status != "passed"]
    assert failed == [("cifar10_cnn.trained_model_file_accuracy", "cifar10_cnn.keras is missing from your "
                       "submission, so this item scores 0.")]


def test_same_submission_same_score(graded):
    first, again = graded["solution"].to_json(), graded["solution_again"].to_json()
    again["submission"] = first["submission"]
    assert first == again


def test_stub_earns_nothing(graded):
    statuses = _by_status(graded["stub"])
    unit = units.get("cifar10_cnn")
    assert statuses == {"not_implemented": set(unit.code_exercises), "missing": set(unit.files)}
    assert len(unit.code_exercises) > 1 and unit.files


def test_each_mistake_loses_its_exercise(graded):
    result = graded["many_mistakes"]
    failed = {i.id.split(".", 1)[1] for i in result.items if i.status != "passed"}
    assert failed == {
        "preprocess_scales_pixels", "preprocess_leaves_inputs",   # forgot / 255
        "build_dnn_is_flat",                                      # a Conv2D in the DNN
        "augmentation_flips_horizontally_only",                   # flips upside down too
        "transfer_base_is_frozen_mobilenetv2", "transfer_trains_only_the_head",  # base not frozen
        "train_keeps_a_validation_split",                         # no validation split
        "trained_model_file_accuracy",
    }
    messages = {i.id.split(".", 1)[1]: i.message["en"] for i in result.items}
    assert "should have no Conv2D" in messages["build_dnn_is_flat"]
    assert '"horizontal"' in messages["augmentation_flips_horizontally_only"]
    assert "frozen" in messages["transfer_base_is_frozen_mobilenetv2"]
    assert "val_loss" in messages["train_keeps_a_validation_split"]


def test_lambda_layer_is_refused_with_a_clear_message(graded):
    result = graded["lambda_layer"]
    cnn = [i for i in result.items if i.exercise == "build_cnn"]
    assert {i.status for i in cnn} == {"error"}
    assert all("Lambda layer holding Python code" in i.message["en"] for i in cnn)
    assert all("Lambda" in i.message["zh-TW"] for i in cnn)
    assert all(i.status == "passed" for i in result.items if i.exercise in ("build_dnn", "preprocess"))


def test_sparse_loss_fails_compilation_items_only(graded):
    failed = {i.id.split(".", 1)[1] for i in graded["sparse_loss"].items if i.status != "passed"}
    assert failed == {"build_cnn_compiled", "build_cnn_loss_falls_in_training",
                      "build_cnn_learns_the_synthetic_set", "trained_model_file_accuracy"}


# ----------------------------------------------------------------------------- the model file
def _model_file(tmp_path, name, always, lambda_layer=False):
    """A .keras model that always answers class ``always``."""
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Flatten()(inputs)
    if lambda_layer:
        x = keras.layers.Lambda(lambda t: t * 0.0)(x)
    outputs = keras.layers.Dense(10, activation="softmax", kernel_initializer="zeros",
                                 bias_initializer=keras.initializers.Constant(np.eye(10)[always] * 5))(x)
    path = tmp_path / f"{name}.keras"
    keras.Model(inputs, outputs).save(path)
    return path.read_bytes()


def test_model_file_scored_by_accuracy_bands(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    y_test = np.array([0] * 65 + [1] * 35)  # a model always saying 0 is right 65 % of the time
    data = tmp_path / "cifar10.npz"
    np.savez(data, x_train=rng.integers(0, 256, (10, 32, 32, 3), dtype=np.uint8), y_train=np.arange(10),
             x_test=rng.integers(0, 256, (100, 32, 32, 3), dtype=np.uint8), y_test=y_test.reshape(-1, 1))
    subs = [loader.from_files("says_zero", {"cifar10_cnn.keras": _model_file(tmp_path, "zero", 0)}),
            loader.from_files("says_one", {"cifar10_cnn.keras": _model_file(tmp_path, "one", 1)}),
            loader.from_files("lambda_model", {"cifar10_cnn.keras": _model_file(tmp_path, "lam", 0, True)})]
    monkeypatch.setenv("AUTOGRADER_CIFAR10", str(data))
    results = {}
    engine.Engine(units=UNIT).run(subs, lambda r: results.__setitem__(r.submission, r))
    item = {name: next(i for i in r.items if i.exercise == "cifar10_cnn.keras") for name, r in results.items()}
    assert (item["says_zero"].status, item["says_zero"].score) == ("failed", 8.0)  # 0.65: the 0.60 band
    assert "0.650" in item["says_zero"].message["en"]
    assert (item["says_one"].status, item["says_one"].score) == ("failed", 0.0)   # 0.35
    assert item["lambda_model"].status == "error" and "Lambda" in item["lambda_model"].message["en"]
    for result in results.values():  # no module: every other item says the file is missing
        assert {i.status for i in result.items if i.exercise != "cifar10_cnn.keras"} == {"missing"}


def test_model_file_without_the_data_is_not_a_silent_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_CIFAR10", "")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    sub = loader.from_files("no_data", {"cifar10_cnn.keras": _model_file(tmp_path, "zero", 0)})
    result = engine.grade(sub, units=UNIT)
    item = next(i for i in result.items if i.exercise == "cifar10_cnn.keras")
    assert item.status == "not_graded" and "CIFAR-10 test set is not on the grading machine" in item.message["en"]
    assert (item.score, item.max_score) == (0, 0)  # the machine's lack: in neither score nor maximum
    assert "CIFAR-10" in item.message["zh-TW"]
