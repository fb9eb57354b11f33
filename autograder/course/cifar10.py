"""CIFAR-10 for the CNN unit: the real data where it is on disk, else a synthetic stand-in.

`load` finds the real CIFAR-10 without ever downloading it: in a path it is given, or
in the Keras cache that ``keras.datasets.cifar10.load_data()`` fills. It reads

* the pickled batches of the official Python release (``data_batch_1`` … ``data_batch_5``,
  ``test_batch``), with an unpickler that can rebuild NumPy arrays and nothing else;
* folders of images in class sub-folders, ``train/<class>/*`` and ``test/<class>/*``;
* the same layout packed as ``.tar.gz`` archives (one for each split, or one for both),
  decoded straight from the archive and cached as an ``.npz`` so the next load is fast;
* an ``.npz`` with Keras' keys ``x_train``, ``y_train``, ``x_test``, ``y_test``.

`synthetic` makes a small set in the same shapes for machines without CIFAR-10 (CI, a
student's laptop offline): each class is a shape drawn at a random place, so a network
that shares weights across positions (a CNN) learns it far better than one that sees
each pixel separately (a flat DNN).

Every array this module returns is channels-last: images ``uint8 (N, 32, 32, 3)``,
labels ``int64 (N,)`` in 0–9, the index of the class in `CLASS_NAMES`.
"""

import hashlib
import io
import os
import pickle
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.course.files import atomic_open

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
"""The CIFAR-10 classes; the index of a name is its label (the contract's tuple)."""

IMAGE_SHAPE = (32, 32, 3)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".tif", ".tiff", ".webp")
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"
BATCHES_DIR = "cifar-10-batches-py"
BATCHES_DIR_TARGET = "cifar-10-batches-py-target"  # Keras >= 3.6 extracts into this folder
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
SPLITS = ("train", "test")


@dataclass
class Dataset:
    """CIFAR-10 (or the synthetic stand-in), as NumPy arrays.

    Attributes
    ----------
    x_train : ndarray of uint8, shape (N, 32, 32, 3)
        Training images, channels-last, pixel values 0–255.
    y_train : ndarray of int64, shape (N,)
        Training labels 0–9 (index into `CLASS_NAMES`).
    x_test : ndarray of uint8, shape (M, 32, 32, 3)
    y_test : ndarray of int64, shape (M,)
    source : str
        Where the data came from: ``"synthetic"`` or a description naming the path.
    real : bool
        True for CIFAR-10 itself, False for `synthetic`.

    Raises
    ------
    ValueError
        Arrays of the wrong dtype or shape, or labels outside 0–9.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    real: bool

    def __post_init__(self):
        for split in SPLITS:
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            _check_split(x, y, f"{split} split of {self.source}")


def _check_split(x, y, what):
    if not isinstance(x, np.ndarray) or x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
        got = f"{x.dtype} {x.shape}" if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"{what}: images must be uint8 (N, 32, 32, 3), got {got}")
    if not isinstance(y, np.ndarray) or y.dtype != np.int64 or y.shape != (x.shape[0],):
        got = f"{y.dtype} {y.shape}" if isinstance(y, np.ndarray) else type(y).__name__
        raise ValueError(f"{what}: labels must be int64 ({x.shape[0]},), got {got}")
    if y.size and (y.min() < 0 or y.max() >= len(CLASS_NAMES)):
        raise ValueError(f"{what}: labels must be 0-9, got values from {y.min()} to {y.max()}")


def _labels(y, n, what):
    """``y`` as int64 ``(n,)``: accepts ``(n,)`` or Keras' ``(n, 1)`` of any integer dtype."""
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.size != n or y.ndim > 2:
        raise ValueError(f"{what}: labels must be {n} integers, got {y.dtype} {y.shape}")
    return y.reshape(-1).astype(np.int64)


# ---------------------------------------------------------------------------
# where to look
# ---------------------------------------------------------------------------

def keras_home() -> Path:
    """Keras' home folder: ``$KERAS_HOME`` if set, else ``~/.keras``.

    Returns
    -------
    pathlib.Path
    """
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def keras_cache_dirs() -> list[Path]:
    """The folders where ``keras.datasets.cifar10.load_data()`` leaves the pickled batches.

    Returns
    -------
    list of pathlib.Path
        Keras ≥ 3.6's ``datasets/cifar-10-batches-py-target/cifar-10-batches-py`` and
        Keras ≤ 3.5's ``datasets/cifar-10-batches-py``, in that order.
    """
    datasets = keras_home() / "datasets"
    return [datasets / BATCHES_DIR_TARGET / BATCHES_DIR, datasets / BATCHES_DIR]


def cache_dir() -> Path:
    """Where decoded archives are cached: ``$XDG_CACHE_HOME/autograder`` or ``~/.cache/autograder``.

    Returns
    -------
    pathlib.Path
    """
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "autograder"


def load(path: str | os.PathLike | None = None, *,
         cache: str | os.PathLike | None = None) -> Dataset | None:
    """The real CIFAR-10, from ``path`` or the Keras cache; None when it is not on disk.

    Nothing is downloaded. Without ``path`` the Keras cache is searched (see
    `keras_cache_dirs`; ``$KERAS_HOME`` is respected) and None is returned when it holds
    no CIFAR-10, so the caller can fall back to `synthetic`. A ``path`` that is given
    must hold CIFAR-10: anything else is an error, never a silent fallback.

    Parameters
    ----------
    path : str, os.PathLike, tuple of two of them, or None
        One of

        * a folder of the pickled batches (``data_batch_1`` … ``data_batch_5``,
          ``test_batch``), or a folder holding ``cifar-10-batches-py/`` (either Keras
          layout) — such as a Keras home or its ``datasets`` folder;
        * a folder holding ``train/<class>/*`` and ``test/<class>/*`` images;
        * a folder holding ``.tar.gz`` archives of that layout (one per split, the
          split in the name, as ``cifar10-train-jpeg.tar.gz`` and
          ``cifar10-test-jpeg.tar.gz``), one such archive (its sibling for the other
          split is found by name), an archive holding both splits, or a
          ``(train_archive, test_archive)`` pair;
        * an ``.npz`` file with ``x_train``, ``y_train``, ``x_test``, ``y_test``.

        Class folders map to labels by their index in `CLASS_NAMES`.
    cache : str, os.PathLike or None
        Where archives' decoded arrays are cached (default `cache_dir`). The cache file
        is keyed by the archives' paths, sizes and modification times; a cache folder
        that cannot be written is skipped.

    Returns
    -------
    Dataset or None
        ``real=True``, ``source`` names the path and layout. None only when ``path``
        is None and the Keras cache has no CIFAR-10.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist, or a layout it starts is incomplete (a missing batch,
        class folder or split).
    ValueError
        ``path`` exists but is not CIFAR-10 in any of these layouts: wrong keys, shapes
        or image sizes, unknown class folders.
    pickle.UnpicklingError
        A batch file asks for anything but NumPy arrays (a tampered file).
    """
    if path is None:
        found = [f for f in keras_cache_dirs() if any((f / n).is_file() for n in (*TRAIN_BATCHES, TEST_BATCH))]
        complete = [f for f in found if all((f / n).is_file() for n in (*TRAIN_BATCHES, TEST_BATCH))]
        if complete or found:  # an incomplete cache is an error (FileNotFoundError), not "nothing"
            return _from_batches((complete or found)[0])
        return None
    cache = Path(cache) if cache is not None else cache_dir()
    if isinstance(path, (tuple, list)):
        if len(path) != 2:
            raise ValueError(f"a pair of archives (train, test) was expected, got {len(path)} paths")
        archives = [Path(p).expanduser() for p in path]
        for archive in archives:
            if not archive.is_file():
                raise FileNotFoundError(f"no such archive: {archive}")
        return _from_archives(archives, cache)
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"no CIFAR-10 at {path}: the path does not exist")
    if path.is_file():
        if path.suffix == ".npz":
            return _from_npz(path)
        if _is_archive(path):
            return _from_archives(_archive_with_sibling(path), cache)
        raise ValueError(
            f"{path} is not CIFAR-10: a file must be an .npz (x_train, y_train, x_test, y_test) "
            "or a .tar.gz of train/<class>/ and test/<class>/ images"
        )
    for folder in (path, path / BATCHES_DIR, path / BATCHES_DIR_TARGET / BATCHES_DIR,
                   path / "datasets" / BATCHES_DIR_TARGET / BATCHES_DIR, path / "datasets" / BATCHES_DIR):
        if any((folder / name).is_file() for name in (*TRAIN_BATCHES, TEST_BATCH)):
            return _from_batches(folder)
    if any((path / split).is_dir() for split in SPLITS):
        return _from_folders(path)
    archives = sorted(p for p in path.iterdir() if p.is_file() and _is_archive(p))
    if archives:
        return _from_archives(_pick_archives(archives, path), cache)
    raise ValueError(
        f"{path} is not CIFAR-10: it holds no pickled batches ({', '.join(TRAIN_BATCHES[:1])} … "
        f"{TEST_BATCH}), no train/ and test/ class folders and no .tar.gz archives of them"
    )


# ---------------------------------------------------------------------------
# the pickled batches
# ---------------------------------------------------------------------------

class RefusedGlobal(pickle.UnpicklingError):
    """A pickle asked for something `BatchUnpickler` does not allow."""


def _latin1_encode(text, encoding="latin1"):
    """``_codecs.encode`` as Python 3 writes bytes into protocol-2 pickles, latin-1 only."""
    if encoding.lower().replace("_", "-") not in ("latin1", "latin-1", "iso-8859-1", "l1"):
        raise RefusedGlobal(f"refusing _codecs.encode with encoding {encoding!r}")
    if not isinstance(text, str):
        raise RefusedGlobal(f"refusing _codecs.encode of a {type(text).__name__}")
    return text.encode("latin1")


def _reconstruct():
    try:
        from numpy._core.multiarray import _reconstruct as reconstruct  # NumPy >= 2
    except ImportError:  # pragma: no cover - NumPy 1.x
        from numpy.core.multiarray import _reconstruct as reconstruct
    return reconstruct


class BatchUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and refuses every other global.

    A CIFAR-10 batch is a dict of bytes, lists and one NumPy array; the only globals its
    pickle names are NumPy's array reconstruction (``numpy.core.multiarray._reconstruct``
    or ``numpy._core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``) and,
    in protocol-2 pickles written by Python 3, ``_codecs.encode`` for bytes (allowed for
    latin-1 only). Anything else — ``os.system``, ``builtins.eval``, … — raises
    `RefusedGlobal` (a `pickle.UnpicklingError`) naming the refused global, before it
    could run.
    """

    def find_class(self, module, name):
        if module in ("numpy.core.multiarray", "numpy._core.multiarray") and name == "_reconstruct":
            return _reconstruct()
        if module == "numpy" and name == "ndarray":
            return np.ndarray
        if module == "numpy" and name == "dtype":
            return np.dtype
        if module == "_codecs" and name == "encode":
            return _latin1_encode
        raise RefusedGlobal(
            f"refusing to load global {module}.{name}: a CIFAR-10 batch holds only NumPy arrays, "
            "bytes and lists (the file is not a CIFAR-10 batch, or it was tampered with)"
        )


def read_batch(file: str | os.PathLike | io.BufferedIOBase) -> tuple[np.ndarray, np.ndarray]:
    """One pickled CIFAR-10 batch, read without running anything but NumPy's array rebuild.

    Parameters
    ----------
    file : str, os.PathLike or binary file object
        ``data_batch_1`` … ``data_batch_5`` or ``test_batch`` of the official Python
        release (a protocol-2 pickle of ``{b"data": uint8 (10000, 3072), b"labels": […],
        b"batch_label": …, b"filenames": […]}``).

    Returns
    -------
    x : ndarray of uint8, shape (N, 32, 32, 3)
        Channels-last (the file stores each image as 1024 red, 1024 green, 1024 blue).
    y : ndarray of int64, shape (N,)

    Raises
    ------
    pickle.UnpicklingError
        The file names a global other than NumPy's array rebuild (see `BatchUnpickler`),
        or is not a pickle at all.
    ValueError
        The pickle is not a CIFAR-10 batch: not a dict, no ``data``/``labels``, wrong
        dtype or shape.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as f:
            return read_batch(f)
    what = getattr(file, "name", "batch")
    try:
        batch = BatchUnpickler(file, encoding="bytes").load()
    except RefusedGlobal:
        raise
    except Exception as exc:  # truncated or not a pickle: UnpicklingError, EOFError, KeyError, …
        raise pickle.UnpicklingError(f"{what} is not a readable pickle: {type(exc).__name__}: {exc}") from exc
    if not isinstance(batch, dict):
        raise ValueError(f"{what} is not a CIFAR-10 batch: a dict was expected, got {type(batch).__name__}")
    batch = {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in batch.items()}
    if "data" not in batch or "labels" not in batch:
        raise ValueError(f"{what} is not a CIFAR-10 batch: it has no 'data' and 'labels' (keys: {sorted(map(str, batch))})")
    data = batch["data"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        got = f"{data.dtype} {data.shape}" if isinstance(data, np.ndarray) else type(data).__name__
        raise ValueError(f"{what} is not a CIFAR-10 batch: 'data' must be uint8 (N, 3072), got {got}")
    x = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    try:
        y = np.asarray(batch["labels"])
    except (ValueError, TypeError):
        raise ValueError(f"{what} is not a CIFAR-10 batch: 'labels' is not a list of integers") from None
    return np.ascontiguousarray(x), _labels(y, len(x), what)


def _from_batches(folder):
    missing = [n for n in (*TRAIN_BATCHES, TEST_BATCH) if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"incomplete CIFAR-10 batches in {folder}: missing {', '.join(missing)}")
    parts = [read_batch(folder / name) for name in TRAIN_BATCHES]
    x_test, y_test = read_batch(folder / TEST_BATCH)
    return Dataset(
        np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts]), x_test, y_test,
        source=f"pickled batches in {folder}", real=True,
    )


# ---------------------------------------------------------------------------
# images in class folders, loose or in archives
# ---------------------------------------------------------------------------

def _decode(data, what):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data) if isinstance(data, bytes) else data) as im:
            arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except Exception as exc:
        raise ValueError(f"{what} is not an image Pillow can read: {exc}") from exc
    if arr.shape != IMAGE_SHAPE:
        raise ValueError(f"{what} is {arr.shape[1]}x{arr.shape[0]}, CIFAR-10 images are 32x32")
    return arr


def _is_image(name):
    return not name.startswith(".") and name.lower().endswith(IMAGE_SUFFIXES)


def _stack(items, what):
    """``[(class index, sort key, image), …]`` → (x, y) sorted by class then name."""
    if not items:
        raise ValueError(f"{what}: no images")
    items.sort(key=lambda item: item[:2])
    return np.stack([im for _, _, im in items]), np.array([c for c, _, _ in items], dtype=np.int64)


def _class_index(name, where):
    try:
        return CLASS_NAMES.index(name)
    except ValueError:
        raise ValueError(f"{where}: {name!r} is not a CIFAR-10 class ({', '.join(CLASS_NAMES)})") from None


def _from_folders(root):
    arrays = {}
    for split in SPLITS:
        folder = root / split
        if not folder.is_dir():
            raise FileNotFoundError(f"no {split}/ folder in {root} (class folders need both train/ and test/)")
        classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        missing = sorted(set(CLASS_NAMES) - {p.name for p in classes}, key=CLASS_NAMES.index)
        if missing:
            raise FileNotFoundError(f"{folder} lacks the class folders {', '.join(missing)}")
        items = []
        for class_dir in classes:
            label = _class_index(class_dir.name, folder)
            for file in class_dir.iterdir():
                if file.is_file() and _is_image(file.name):
                    items.append((label, file.name, _decode(file.read_bytes(), file)))
        arrays[split] = _stack(items, folder)
    return Dataset(*arrays["train"], *arrays["test"], source=f"image folders in {root}", real=True)


def _is_archive(path):
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _split_in_name(path):
    name = path.name.lower()
    found = [s for s in SPLITS if s in name]
    return found[0] if len(found) == 1 else None


def _pick_archives(archives, folder):
    """The archives of a folder to read: one per split by name, or the only one."""
    by_split = {}
    for archive in archives:
        split = _split_in_name(archive)
        if split:
            by_split.setdefault(split, []).append(archive)
    if all(len(by_split.get(s, [])) == 1 for s in SPLITS):
        return [by_split["train"][0], by_split["test"][0]]
    if len(archives) == 1:
        return archives
    raise ValueError(
        f"{folder} holds the archives {', '.join(a.name for a in archives)}: expected one whose name "
        "says 'train' and one that says 'test' (or a single archive with both splits)"
    )


def _archive_with_sibling(archive):
    split = _split_in_name(archive)
    if split:
        other = "test" if split == "train" else "train"
        sibling = archive.with_name(archive.name.replace(split, other).replace(split.upper(), other.upper()))
        if sibling != archive and sibling.is_file():
            return sorted([archive, sibling], key=lambda p: _split_in_name(p) != "train")
    return [archive]


def _cache_file(archives, cache):
    key = hashlib.sha256()
    for archive in archives:
        st = archive.stat()
        key.update(f"{archive.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return cache / f"cifar10-{key.hexdigest()[:20]}.npz"


def _read_cache(file):
    try:
        with np.load(file, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in ("x_train", "y_train", "x_test", "y_test")}
        for split in SPLITS:
            _check_split(arrays[f"x_{split}"], arrays[f"y_{split}"], str(file))
    except Exception:  # absent, half-written or damaged: decode the archives again
        return None
    return arrays


def _write_cache(file, arrays):
    try:
        with atomic_open(file, mode=0o644) as f:
            np.savez(f, **arrays)
    except OSError:
        return None  # a read-only or full disk only costs speed
    return file


def _read_archive(archive, items):
    """Decode the ``<split>/<class>/<image>`` members of ``archive`` into ``items[split]``."""
    try:
        tar = tarfile.open(archive, mode="r|*")  # a stream: members in order, nothing extracted
    except (tarfile.TarError, OSError) as exc:
        raise ValueError(f"{archive} is not a readable tar archive: {exc}") from exc
    with tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) < 3 or not _is_image(parts[-1]) or parts[-3] not in SPLITS:
                continue
            label = _class_index(parts[-2], f"{archive}:{member.name}")
            data = tar.extractfile(member).read()
            items[parts[-3]].append((label, member.name, _decode(data, f"{archive}:{member.name}")))


def _from_archives(archives, cache):
    names = " and ".join(str(a) for a in archives)
    cache_file = _cache_file(archives, cache)
    arrays = _read_cache(cache_file)
    if arrays is None:
        items = {split: [] for split in SPLITS}
        for archive in archives:
            _read_archive(archive, items)
        for split in SPLITS:
            if not items[split]:
                raise FileNotFoundError(f"no {split}/<class>/ images in {names}")
            labels = {label for label, _, _ in items[split]}
            if len(labels) != len(CLASS_NAMES):
                missing = [CLASS_NAMES[i] for i in range(len(CLASS_NAMES)) if i not in labels]
                raise FileNotFoundError(f"{names}: {split}/ lacks the classes {', '.join(missing)}")
        (x_train, y_train), (x_test, y_test) = (_stack(items[s], f"{names} {s}/") for s in SPLITS)
        arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
        cached = _write_cache(cache_file, arrays)
        source = f"tar archives {names}" + (f" (decoded, cached in {cached})" if cached else "")
    else:
        source = f"tar archives {names} (from the cache {cache_file})"
    return Dataset(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], source=source, real=True)


# ---------------------------------------------------------------------------
# .npz
# ---------------------------------------------------------------------------

def _from_npz(path):
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        npz = np.load(path, allow_pickle=False)
    except Exception as exc:
        raise ValueError(f"{path} is not a readable .npz: {exc}") from exc
    with npz:
        missing = [k for k in keys if k not in npz.files]
        if missing:
            raise ValueError(f"{path} is not CIFAR-10: it lacks {', '.join(missing)} (it has {', '.join(npz.files)})")
        try:
            arrays = {k: npz[k] for k in keys}
        except ValueError as exc:  # object arrays: refused, never unpickled
            raise ValueError(f"{path}: {exc}") from None
    for split in SPLITS:
        x = arrays[f"x_{split}"]
        if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"{path}: x_{split} must be uint8 (N, 32, 32, 3), got {x.dtype} {x.shape}")
        arrays[f"y_{split}"] = _labels(arrays[f"y_{split}"], len(x), f"{path}: y_{split}")
    return Dataset(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                   source=f"npz file {path}", real=True)


# ---------------------------------------------------------------------------
# the synthetic stand-in
# ---------------------------------------------------------------------------

MOTIF = 14
"""Side of the synthetic motifs, in pixels: a 7×7 pattern drawn with 2×2-pixel dots."""


def _motifs():
    """Ten 14×14 boolean shapes, one per class: 7×7 patterns scaled up twice."""
    k = 7
    m = np.zeros((10, k, k), dtype=bool)
    c = k // 2
    ii, jj = np.mgrid[:k, :k]
    m[0, c, :] = True                                            # horizontal bar
    m[1, :, c] = True                                            # vertical bar
    m[2, c, :] = m[2, :, c] = True                               # plus
    m[3] = (ii == jj) | (ii + jj == k - 1)                       # X
    m[4] = (ii == 0) | (ii == k - 1) | (jj == 0) | (jj == k - 1)  # square outline
    m[5, 1:-1, 1:-1] = True                                      # filled square
    m[6] = np.abs((ii - c) ** 2 + (jj - c) ** 2 - 8) <= 3        # ring
    m[7] = ii >= jj                                              # triangle
    m[8, :, 0] = m[8, -1, :] = True                              # L
    m[9] = (ii + jj) % 2 == 0                                    # checkerboard
    return m.repeat(MOTIF // k, axis=1).repeat(MOTIF // k, axis=2)


def synthetic(n_train: int = 5000, n_test: int = 1000, seed: int = 0) -> Dataset:
    """A CIFAR-shaped stand-in: ten shapes at random places on noisy, tinted backgrounds.

    Class ``c`` is one 14×14 motif (bar, plus, X, ring, …, drawn with 2×2 dots) in a
    random bright colour, at a uniformly random position on a 32×32 background of a
    random dark tint plus pixel noise. Colours and tints carry no class information and the position is
    random, so a model must recognise a shape wherever it is: a small CNN (weights
    shared across positions, pooling) learns it to well over 90 % in a few epochs, a
    flat DNN, which must learn each shape at each position separately, stays far below.

    Parameters
    ----------
    n_train, n_test : int
        Sizes of the splits; classes are balanced (counts differ by at most one).
    seed : int
        The same seed gives the same arrays.

    Returns
    -------
    Dataset
        ``x_*`` uint8 ``(n, 32, 32, 3)``, ``y_*`` int64 ``(n,)``; ``real=False``,
        ``source="synthetic"``.

    Raises
    ------
    ValueError
        A negative size.
    """
    if n_train < 0 or n_test < 0:
        raise ValueError(f"sizes must be >= 0, got n_train={n_train}, n_test={n_test}")
    rng = np.random.default_rng(seed)
    motifs = _motifs()
    h, w, _ = IMAGE_SHAPE
    splits = []
    for n in (n_train, n_test):
        y = rng.permutation(np.arange(n) % len(CLASS_NAMES)).astype(np.int64)
        # background: uniform noise 0-31 on a random dark tint 0-79 per image and channel
        x = np.frombuffer(rng.bytes(n * h * w * 3), dtype=np.uint8).reshape(n, h, w, 3) & np.uint8(31)
        x += rng.integers(0, 80, size=(n, 1, 1, 3), dtype=np.uint8)
        # motif: a random bright colour (one channel dark, so hues vary) at a random position
        colour = rng.integers(200, 256, size=(n, 3), dtype=np.uint8)
        colour[np.arange(n), rng.integers(0, 3, size=n)] = rng.integers(0, 60, size=n, dtype=np.uint8)
        top = rng.integers(0, h - MOTIF + 1, size=n)
        left = rng.integers(0, w - MOTIF + 1, size=n)
        idx, r, c = np.nonzero(motifs[y])  # (image, row, col) of every motif pixel at once
        x[idx, top[idx] + r, left[idx] + c] = colour[idx]
        splits.append((x, y))
    (x_train, y_train), (x_test, y_test) = splits
    return Dataset(x_train, y_train, x_test, y_test, source="synthetic", real=False)
