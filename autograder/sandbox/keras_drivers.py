"""Grader-owned drivers for the CNN unit, run in the child (imported only for it).

They turn what the student's builders return into data: a model travels as its
``to_json()`` and its compile configuration, never as an object, and the parent
rebuilds it from that data in safe mode.
"""

import json


def _model_data(model):
    """``{"json": …, "compile": … or None, "class": …}`` of a Keras model."""
    out = {"class": f"{type(model).__module__}.{type(model).__qualname__}"}
    out["json"] = model.to_json()
    try:
        config = model.get_compile_config() if getattr(model, "compiled", False) else None
        out["compile"] = json.dumps(config) if config is not None else None
    except Exception as exc:  # noqa: BLE001 - reported, the parent decides
        out["compile"] = None
        out["compile_error"] = f"{type(exc).__name__}: {exc}"[:300]
    return out


def keras_model(module, builder, **kwargs):
    """``module.<builder>(**kwargs)`` as model data (see `_model_data`)."""
    model = getattr(module, builder)(**kwargs)
    if not hasattr(model, "to_json"):
        return {"class": f"{type(model).__module__}.{type(model).__qualname__}", "json": None, "compile": None}
    return _model_data(model)


def keras_train(module, x, y, epochs, batch_size, validation_split, seed):
    """The student's ``train`` on a tiny model of ours; returns ``history.history``.

    The model is fixed here (a softmax regression on the flattened image), so the item
    grades ``train`` alone, whatever ``build_cnn`` does.
    """
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=x.shape[1:]), keras.layers.Flatten(),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    history = module.train(model, x, y, epochs=epochs, batch_size=batch_size, validation_split=validation_split)
    kind = f"{type(history).__module__}.{type(history).__qualname__}"
    logs = getattr(history, "history", None)
    if not isinstance(logs, dict):
        return {"class": kind, "history": None}
    return {"class": kind, "history": {str(k): [float(v) for v in vals] for k, vals in logs.items()}}


DRIVERS = {f.__name__: f for f in (keras_model, keras_train)}
