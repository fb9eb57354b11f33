"""The reference CNN of unit 5 against the TensorFlow tutorial's CNN on CIFAR-10.

Usage::

    python benchmarks/cnn_reference.py --data /path/to/cifar10 [--epochs 10] [--batch-size 64]
                                       [--out benchmarks/results/cnn_reference.json]

Both models are trained in the same run, one after the other, on the same data with
the same seed:

* ``reference`` — ``build_cnn()`` of ``solutions/cifar10_cnn.py``, trained on
  ``preprocess(x, y)`` (x / 255, one-hot labels) with ``build_augmentation()`` applied
  to every training batch (``training=True``, in the ``tf.data`` pipeline);
* ``tutorial`` — the model of TensorFlow's CNN tutorial
  (https://www.tensorflow.org/tutorials/images/cnn): Conv2D(32, 3, relu) → MaxPool →
  Conv2D(64, 3, relu) → MaxPool → Conv2D(64, 3, relu) → Flatten → Dense(64, relu) →
  Dense(10) *logits*, Adam, ``SparseCategoricalCrossentropy(from_logits=True)`` on the
  integer labels, on x / 255 without augmentation — exactly as the tutorial does.

After every epoch the test accuracy and the epoch's wall time (training only; the
evaluation is timed separately) are recorded, and the results file is rewritten
(atomically), so an interrupted run still leaves its numbers. At the end a table is
printed with both models' accuracy after the same wall time: the time the faster model
took for all its epochs, read off each model's per-epoch curve (the last epoch that
finished within it).

``--data`` is anything `autograder.course.cifar10.load` reads (a folder of the pickled batches,
of class folders, of the JPEG ``.tar.gz`` archives, or an ``.npz``); without it the Keras
cache is used. ``--data synthetic`` runs on the synthetic stand-in (a quick smoke test).
"""

import argparse
import re
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import RESULTS, machine, median  # noqa: E402

TUTORIAL_URL = "https://www.tensorflow.org/tutorials/images/cnn"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="CIFAR-10 (see autograder.course.cifar10.load), or 'synthetic'")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", default="reference,tutorial",
                        help="comma-separated, in training order (default: reference,tutorial)")
    parser.add_argument("--limit", type=int, default=None,
                        help="use only the first N training images (for a quick check)")
    parser.add_argument("--out", type=Path, default=RESULTS / "cnn_reference.json")
    parser.add_argument("--report", type=Path, metavar="JSON",
                        help="only print the table of an existing results file (finished or interrupted)")
    return parser.parse_args(argv)


def machine_facts():
    import keras
    import numpy as np
    import tensorflow as tf

    facts = machine()
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    facts.update({
        "cpu_model": cpu_model or platform.processor() or None,
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "nice": os.nice(0) if hasattr(os, "nice") else None,
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    })
    return facts


def write_atomic(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def tutorial_cnn(input_shape=(32, 32, 3), num_classes=10):
    """The TensorFlow CNN tutorial's model, compiled as the tutorial does (logits, sparse labels)."""
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(num_classes),
        ],
        name="tf_tutorial_cnn",
    )
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def describe(model):
    return {
        "name": model.name,
        "params": int(model.count_params()),
        "layers": [f"{layer.__class__.__name__}" + (f"({layer.filters})" if hasattr(layer, "filters") else "")
                   + (f"({layer.units})" if hasattr(layer, "units") else "") for layer in model.layers],
        "optimizer": type(model.optimizer).__name__,
        "loss": model.loss if isinstance(model.loss, str) else type(model.loss).__name__,
    }


def make_callback(name, record, x_test, y_test, save):
    import keras

    class EpochRecorder(keras.callbacks.Callback):
        """Per epoch: training wall and CPU time, then test accuracy (evaluation timed apart)."""

        def on_epoch_begin(self, epoch, logs=None):
            self.wall, self.cpu = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
            start = time.perf_counter()
            loss, acc = self.model.evaluate(x_test, y_test, batch_size=256, verbose=0)
            eval_wall = time.perf_counter() - start
            previous = record["epochs"][-1] if record["epochs"] else {}
            cumulative = previous.get("cumulative_seconds", 0.0) + wall
            cumulative_cpu = previous.get("cumulative_cpu_seconds", 0.0) + cpu
            row = {
                "epoch": epoch + 1,
                "test_accuracy": round(float(acc), 4),
                "test_loss": round(float(loss), 4),
                "train_accuracy": round(float(logs.get("accuracy", float("nan"))), 4),
                "seconds": round(wall, 2),
                "cpu_seconds": round(cpu, 2),
                "cumulative_seconds": round(cumulative, 2),
                "cumulative_cpu_seconds": round(cumulative_cpu, 2),
                "eval_seconds": round(eval_wall, 2),
                "load_average": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
            }
            record["epochs"].append(row)
            print(f"{name:>9} epoch {row['epoch']:>2}: test accuracy {acc:.4f}  "
                  f"{wall:6.1f} s wall  {cpu:6.1f} s CPU  (evaluation {eval_wall:.1f} s)", flush=True)
            save()

    return EpochRecorder()


def summarise(record):
    rows = record["epochs"]
    if rows:
        record["median_epoch_seconds"] = round(median([r["seconds"] for r in rows]), 2)
        record["median_epoch_cpu_seconds"] = round(median([r["cpu_seconds"] for r in rows]), 2)
        record["total_seconds"] = rows[-1]["cumulative_seconds"]
        record["final_test_accuracy"] = rows[-1]["test_accuracy"]
        record["best_test_accuracy"] = max(r["test_accuracy"] for r in rows)


def cumulative(rows, key):
    """Running totals of ``rows[i][key]`` (``"seconds"`` or ``"cpu_seconds"``)."""
    total, out = 0.0, []
    for r in rows:
        total += r[key]
        out.append(total)
    return out


def equal_time(models, epochs, key="seconds"):
    """Each model's accuracy after the time the faster one needed for all its epochs.

    ``key`` is ``"seconds"`` (wall time) or ``"cpu_seconds"`` (process CPU time, which a
    busy machine disturbs less). A model's accuracy at that time is that of its last
    epoch finished within it (None if none was).
    """
    finished = {n: m for n, m in models.items() if len(m["epochs"]) == epochs}
    if len(finished) < 2:
        return None
    totals = {n: cumulative(m["epochs"], key) for n, m in finished.items()}
    budget_model = min(finished, key=lambda n: totals[n][-1])
    budget = totals[budget_model][-1]
    out = {"seconds": round(budget, 2), "clock": "wall" if key == "seconds" else "cpu", "set_by": budget_model,
           "models": {}}
    for name, m in finished.items():
        done = [i for i, t in enumerate(totals[name]) if t <= budget + 1e-6]
        row = m["epochs"][done[-1]] if done else None
        out["models"][name] = {
            "epochs_finished": row["epoch"] if row else 0,
            "test_accuracy": row["test_accuracy"] if row else None,
            "at_seconds": round(totals[name][done[-1]], 2) if row else None,
        }
    return out


def table(result):
    models = result["models"]
    names = list(models)
    head = "epoch | " + " | ".join(f"{n} acc   {n} s" for n in names)
    lines = [head, "-" * len(head)]
    for e in range(max((len(m["epochs"]) for m in models.values()), default=0)):
        cells = []
        for n in names:
            rows = models[n]["epochs"]
            if e < len(rows):
                cells.append(f"{rows[e]['test_accuracy']:>{len(n) + 4}.4f} {rows[e]['seconds']:>{len(n) + 2}.1f}")
            else:
                cells.append(" " * (2 * len(n) + 7))
        lines.append(f"{e + 1:>5} | " + " | ".join(cells))
    for n in names:
        m = models[n]
        if m.get("final_test_accuracy") is not None:
            lines.append(f"{n}: final {m['final_test_accuracy']:.4f}, best {m['best_test_accuracy']:.4f}, "
                         f"median epoch {m['median_epoch_seconds']:.1f} s wall / {m['median_epoch_cpu_seconds']:.1f} s CPU, "
                         f"{m['total_seconds']:.0f} s in all, {m['params']:,} parameters")
    for field in ("equal_wall_time", "equal_cpu_time"):
        eq = result.get(field)
        if eq:
            lines.append(f"after {eq['seconds']:.0f} s of training {eq['clock']} time "
                         f"(all of {eq['set_by']}'s epochs):")
            for n, v in eq["models"].items():
                acc = "no epoch finished" if v["test_accuracy"] is None else f"{v['test_accuracy']:.4f}"
                lines.append(f"  {n}: {acc} ({v['epochs_finished']} epochs)")
    return "\n".join(lines)


def report(path):
    """Print the table of a results file, finished or not (summaries recomputed)."""
    result = json.loads(Path(path).read_text(encoding="utf-8"))
    for record in result["models"].values():
        summarise(record)
    result["equal_wall_time"] = equal_time(result["models"], result["epochs"], "seconds")
    result["equal_cpu_time"] = equal_time(result["models"], result["epochs"], "cpu_seconds")
    print(f"{path}: {result.get('status')}, {result['data']['source']}")
    print(table(result))



def file_names_only(text):
    """``text`` with each absolute path cut to its file name (results hold no machine's folders)."""
    return re.sub(r"/(?:[^\s()/]+/)+([^\s()/]+)", r"\1", text)

def main(argv=None):
    args = parse_args(argv)
    if args.report:
        return report(args.report)
    import numpy as np
    import keras
    import tensorflow as tf

    from autograder.course import cifar10, reference

    if args.data == "synthetic":
        data = cifar10.synthetic()
    else:
        data = cifar10.load(args.data)
        if data is None:
            raise SystemExit("no CIFAR-10 in the Keras cache: give --data PATH (or --data synthetic)")
    x_train, y_train = data.x_train[: args.limit], data.y_train[: args.limit]
    ref = reference.load("cifar10_cnn")
    x, y_onehot = ref.preprocess(x_train, y_train)
    x_test, y_test_onehot = ref.preprocess(data.x_test, data.y_test)
    print(f"data: {data.source}: {len(x)} training, {len(x_test)} test images", flush=True)

    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = set(names) - {"reference", "tutorial"}
    if unknown:
        raise SystemExit(f"unknown models {sorted(unknown)}: use reference and/or tutorial")
    result = {
        "what": "reference build_cnn (+ build_augmentation) vs the TensorFlow tutorial CNN on CIFAR-10, "
                "same data, same seed, one after the other in one process",
        "status": "running",
        "machine": machine_facts(),
        "data": {"source": file_names_only(data.source), "real": data.real, "train": len(x), "test": len(x_test)},
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "timing": "seconds = wall time of each epoch's training (fit), evaluation excluded; "
                  "cpu_seconds = process CPU time of the same; the machine may be shared (see load_average)",
        "models": {},
    }

    def save():
        write_atomic(args.out, result)

    for name in names:
        keras.utils.set_random_seed(args.seed)
        if name == "reference":
            model = ref.build_cnn()
            augment = ref.build_augmentation()
            labels, test_labels = y_onehot, y_test_onehot
            setup = {"inputs": "preprocess(x, y): x / 255, one-hot labels",
                     "augmentation": [layer.__class__.__name__ for layer in augment.layers],
                     "loss_note": "softmax output, categorical cross-entropy (as compiled by build_cnn)"}
        else:
            model = tutorial_cnn()
            augment = None
            labels, test_labels = y_train.astype(np.int64), data.y_test.astype(np.int64)
            setup = {"inputs": "x / 255, integer labels", "augmentation": None,
                     "loss_note": "Dense(10) logits, SparseCategoricalCrossentropy(from_logits=True), "
                                  "Adam (defaults) — as in " + TUTORIAL_URL}
        ds = tf.data.Dataset.from_tensor_slices((x, labels)).shuffle(len(x), seed=args.seed,
                                                                      reshuffle_each_iteration=True)
        ds = ds.batch(args.batch_size)
        if augment is not None:
            ds = ds.map(lambda xb, yb, aug=augment: (aug(xb, training=True), yb),
                        num_parallel_calls=tf.data.AUTOTUNE)
        ds = ds.prefetch(tf.data.AUTOTUNE)
        record = {**describe(model), **setup, "epochs": []}
        result["models"][name] = record
        callback = make_callback(name, record, x_test, test_labels, save)
        save()
        print(f"training {name}: {record['params']:,} parameters", flush=True)
        model.fit(ds, epochs=args.epochs, verbose=0, callbacks=[callback])
        summarise(record)
        result["equal_wall_time"] = equal_time(result["models"], args.epochs, "seconds")
        result["equal_cpu_time"] = equal_time(result["models"], args.epochs, "cpu_seconds")
        save()
        del model, ds

    result["status"] = "complete"
    result["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None
    result["machine"]["date_finished"] = time.strftime("%Y-%m-%d %H:%M")
    save()
    print(table(result))
    print(f"written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
