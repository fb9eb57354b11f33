"""Checks of the Keras models students build, done in the trusted process.

A model reaches the grader as data — its ``to_json()`` and compile configuration, or a
``.keras`` file — and is rebuilt here with Keras' safe mode: a ``Lambda`` layer holding
Python code is refused, as is any class that is not Keras' own. Training that decides
points runs here too, seeded, on a fixed budget.
"""

import functools
import json
import os
import tempfile
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from autograder.course import messages
from autograder.grading.problems import Mismatch, StudentError

if TYPE_CHECKING:
    from keras import Layer, Model

AUG_TRANSFORMS = ("RandomRotation", "RandomTranslation", "RandomZoom")
ACCURACY_NAMES = ("accuracy", "acc", "categorical_accuracy")
ACCURACY_CLASSES = ("Accuracy", "CategoricalAccuracy")
MAX_TRAIN_PARAMS = 5_000_000


@functools.cache
def keras() -> ModuleType:
    """Keras, imported on first use and set up for reproducible CPU training."""
    from autograder.course import machine

    machine.quiet_tensorflow()
    import keras as k
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    return k


def _safe_mode():
    from keras.src.saving.serialization_lib import SafeModeScope

    return SafeModeScope(True)


def _refusal(exc, what):
    text = str(exc)
    if "Lambda" in text and ("safe_mode" in text or "arbitrary code" in text):
        return StudentError(messages.text("model_lambda", what=what))
    if "Could not locate" in text or "Unknown layer" in text or "custom_objects" in text:
        return StudentError(messages.text("model_custom", what=what, detail=text.splitlines()[0][:200]))
    return StudentError(messages.text("model_unreadable", what=what, detail=f"{type(exc).__name__}: {text[:200]}"))


def rebuild(data: object, call: str) -> "Model":
    """The model described by a ``keras_model`` driver's reply, rebuilt in safe mode.

    Raises
    ------
    Mismatch
        The builder did not return a Keras model.
    StudentError
        A ``Lambda`` layer with Python code, a custom class, or a broken description.
    """
    k = keras()
    if not isinstance(data, dict) or not isinstance(data.get("json"), str):
        kind = data.get("class", "?") if isinstance(data, dict) else type(data).__name__
        raise Mismatch(messages.text("model_not_keras", call=call, type=kind))
    try:
        with _safe_mode():
            return k.models.model_from_json(data["json"])
    except Exception as exc:  # noqa: BLE001 - any failure to rebuild is the student's model's
        raise _refusal(exc, call) from None


def load_model_file(data: bytes, call: str) -> "Model":
    """A submitted ``.keras`` file (bytes) loaded in safe mode, uncompiled."""
    k = keras()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        try:
            return k.saving.load_model(path, safe_mode=True, compile=False)
        except Exception as exc:  # noqa: BLE001
            raise _refusal(exc, call) from None


def is_application(layer: "Layer") -> bool:
    """A ``keras.applications`` base model (kept whole when counting layers)."""
    return type(layer).__name__ in ("Functional", "Model") and layer.name.startswith("mobilenetv2")


def flat_layers(model: "Model") -> list["Layer"]:
    """Every layer of ``model``, nested Sequential/Functional models opened up (an
    application base such as MobileNetV2 counts as one layer)."""
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers") and not is_application(layer):
            out += flat_layers(layer)
        else:
            out.append(layer)
    return out


def count(model: "Model", class_name: str) -> int:
    """How many layers of ``class_name`` ``model`` has (`flat_layers`)."""
    return sum(type(layer).__name__ == class_name for layer in flat_layers(model))


def need(model: "Model", class_name: str, at_least: int, call: str) -> None:
    """At least ``at_least`` layers of ``class_name``."""
    found = count(model, class_name)
    if found < at_least:
        raise Mismatch(messages.text("model_needs_layer", call=call, layer=class_name, need=at_least, found=found))


def check_softmax_output(model: "Model", num_classes: int, call: str) -> None:
    """Output ``(None, num_classes)`` from ``Dense(num_classes, activation="softmax")``
    (or a ``Dense(num_classes)`` followed by a softmax layer)."""
    shape = tuple(model.output_shape)
    if shape != (None, num_classes):
        raise Mismatch(messages.text("model_output_shape", call=call, expected=(None, num_classes), got=shape))
    layers = [layer for layer in flat_layers(model) if type(layer).__name__ != "InputLayer"]
    last = layers[-1] if layers else None
    name = type(last).__name__
    if name == "Dense" and getattr(last, "units", None) == num_classes and last.get_config().get("activation") == "softmax":
        return
    if name in ("Softmax", "Activation") and len(layers) > 1 and type(layers[-2]).__name__ == "Dense":
        if name == "Softmax" or last.get_config().get("activation") == "softmax":
            return
    raise Mismatch(messages.text("model_softmax", call=call, n=num_classes, got=name))


def check_compiled(data: object, call: str) -> dict:
    """Compiled with an optimizer, categorical (not sparse) cross-entropy and accuracy.

    Returns the compile configuration (a dict).
    """
    raw = data.get("compile") if isinstance(data, dict) else None
    if not raw:
        raise Mismatch(messages.text("model_not_compiled", call=call))
    try:
        config = json.loads(raw)
    except (TypeError, ValueError):
        raise Mismatch(messages.text("model_not_compiled", call=call)) from None
    if not config.get("optimizer"):
        raise Mismatch(messages.text("model_not_compiled", call=call))
    loss = _loss_name(config.get("loss"))
    if loss is None or "sparse" in loss:
        raise Mismatch(messages.text("model_loss", call=call, got=loss))
    if loss not in ("categorical_crossentropy", "categoricalcrossentropy"):
        raise Mismatch(messages.text("model_loss", call=call, got=loss))
    if not any(_is_accuracy(m) for m in _flatten(config.get("metrics"))):
        raise Mismatch(messages.text("model_accuracy", call=call))
    return config


def _loss_name(loss):
    if isinstance(loss, str):
        return loss.lower()
    if isinstance(loss, dict):
        name = loss.get("class_name")
        if name == "function":
            name = loss.get("config")
        return str(name).lower() if name else None
    return None


def _flatten(value):
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flatten(item)]
    if isinstance(value, dict) and "class_name" not in value:
        return [v for item in value.values() for v in _flatten(item)]
    return [value]


def _is_accuracy(metric):
    if isinstance(metric, str):
        return metric.lower() in ACCURACY_NAMES
    if isinstance(metric, dict):
        name = metric.get("class_name")
        if name == "function":
            return str(metric.get("config")).lower() in ACCURACY_NAMES
        return name in ACCURACY_CLASSES or str((metric.get("config") or {}).get("name", "")).lower() in ACCURACY_NAMES
    return False


def compile_like(model: "Model", config: dict) -> "Model":
    """Compile ``model`` as the student did (safe-mode deserialisation)."""
    with _safe_mode():
        model.compile_from_config(config)
    return model


def train_and_evaluate(model_data: dict, data: tuple, *, epochs: int, batch_size: int, seed: int,
                       call: str) -> dict:
    """Rebuild the student's model, train it here on ``data`` (seeded), evaluate it.

    Parameters
    ----------
    model_data : dict
        A ``keras_model`` driver's reply.
    data : tuple
        ``(x_train, y_train, x_test, y_test)``: float32 images in [0, 1], one-hot labels.

    Returns
    -------
    dict
        ``{"losses": [per-epoch training loss], "accuracy": test accuracy}``.
    """
    k = keras()
    k.utils.set_random_seed(seed)
    model = rebuild(model_data, call)
    config = check_compiled(model_data, call)
    params = model.count_params()
    if params > MAX_TRAIN_PARAMS:
        raise Mismatch(messages.text("model_too_large", call=call, params=params, limit=MAX_TRAIN_PARAMS))
    compile_like(model, config)
    x_train, y_train, x_test, y_test = data
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True,
                        callbacks=[_StopWhenLearned(k)])
    probabilities = model.predict(x_test, batch_size=256, verbose=0)
    accuracy = float(np.mean(np.argmax(probabilities, axis=1) == np.argmax(y_test, axis=1)))
    return {"losses": [float(v) for v in history.history["loss"]], "accuracy": accuracy}


def _StopWhenLearned(k, accuracy=0.98, min_epochs=2):
    """A callback ending training once the training accuracy reaches ``accuracy``
    (after ``min_epochs``): a model that has learned the set needs no more epochs.
    Deterministic, as the seeded batches are."""

    class StopWhenLearned(k.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            learned = [v for key, v in logs.items() if "acc" in key and not key.startswith("val_")]
            if epoch + 1 >= min_epochs and learned and max(learned) >= accuracy:
                self.model.stop_training = True

    return StopWhenLearned()


def accuracy_of(model: "Model", x_uint8: np.ndarray, y: np.ndarray) -> float:
    """Test accuracy of ``model`` on uint8 images: on ``x / 255`` (as `preprocess` makes
    them) and, for a model that rescales by itself, on raw pixels; the better counts."""
    labels = np.asarray(y).reshape(-1)
    best = 0.0
    for x in (x_uint8.astype(np.float32) / 255.0, x_uint8.astype(np.float32)):
        out = model.predict(x, batch_size=500, verbose=0)
        out = out[0] if isinstance(out, (list, tuple)) else out
        if np.ndim(out) != 2 or out.shape[0] != len(labels):
            raise Mismatch(messages.text("model_output_shape", call="cifar10_cnn.keras",
                                         expected=(None, 10), got=tuple(np.shape(out))))
        best = max(best, float(np.mean(np.argmax(out, axis=1) == labels)))
    return best
