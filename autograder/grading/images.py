"""Small pictures of image-valued results, for feedback: expected beside returned.

The one place where an array becomes a picture (`collect` for a result, `pair` for
one item, `to_png` for one array). Both pictures of a pair share one grey scale (the
range of the expected image), so a difference in brightness on the page is a
difference in the values. Pixels are enlarged (nearest neighbour) so a 10×10 result is
still visible.

Whatever a submission returns, a picture stays small: an array with a side longer than
`MAX_SIDE` is drawn from every k-th row and column (`preview`, a strided view, so no
full-size copy is made), and the PNG records the size it was taken from
(`source_shape`), for the page to say "shown downsampled from 4096×4096".
"""

import io
import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from autograder.grading.result import Result

__all__ = ["TARGET_SIZE", "MAX_SIDE", "MAX_PNG_BYTES", "preview", "to_png", "source_shape", "pair", "collect"]

TARGET_SIZE = 160  # the longer side on the page, in screen pixels
MAX_SIDE = 256  # the longest side drawn, in array elements; longer arrays are downsampled
MAX_PNG_BYTES = 256 * 1024  # a MAX_SIDE² grey PNG of pure noise is about 66 KB
_SHAPE_KEY = "autograder-source-shape"


def preview(array: object, max_side: int = MAX_SIDE) -> tuple[np.ndarray, tuple[int, ...]]:
    """A 2-D array cut down to at most ``max_side`` per side, and the shape it had.

    Parameters
    ----------
    array : array_like, shape (H, W)
    max_side : int

    Returns
    -------
    (numpy.ndarray, tuple)
        ``array[::k, ::k]`` as float64 with ``k = ceil(max(H, W) / max_side)`` (``k = 1``
        for a small array), and ``(H, W)``. Only the kept elements are converted.
    """
    a = np.asarray(array)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {a.shape}")
    step = max(1, math.ceil(max(a.shape) / max_side)) if a.size else 1
    return np.array(a[::step, ::step], dtype=np.float64), tuple(int(n) for n in a.shape)


def to_png(array: np.ndarray, low: float, high: float, shape: tuple[int, ...] | None = None) -> bytes:
    """A 2-D array as PNG bytes, mapping ``[low, high]`` to black…white.

    Parameters
    ----------
    array : array_like, shape (H, W)
        Downsampled first (`preview`) when a side is longer than `MAX_SIDE`.
    low, high : float
        The values drawn black and white.
    shape : tuple, optional
        The size the array was taken from, when it is already a preview; recorded in
        the PNG (see `source_shape`) when it differs from the drawn size.
    """
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    raw = np.asarray(array)
    if raw.ndim != 2 or raw.size == 0:
        raise ValueError(f"expected a non-empty 2-D array, got shape {raw.shape}")
    a, own_shape = preview(raw)
    shape = tuple(shape) if shape is not None else own_shape
    span = high - low if high > low else 1.0
    with np.errstate(invalid="ignore", over="ignore"):
        grey = np.clip(np.nan_to_num((a - low) / span, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    image = Image.fromarray((grey * 255).round().astype(np.uint8), mode="L")
    scale = max(1, TARGET_SIZE // max(a.shape))
    image = image.resize((a.shape[1] * scale, a.shape[0] * scale), Image.NEAREST)
    info = PngInfo()
    if shape != a.shape:
        info.add_text(_SHAPE_KEY, "x".join(str(n) for n in shape))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()


def source_shape(png: bytes) -> tuple[int, int] | None:
    """``(H, W)`` of the array a `to_png` picture was downsampled from, or ``None`` when
    it shows the whole array (or is not such a PNG)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png)) as image:
            text = image.text.get(_SHAPE_KEY)
    except Exception:  # noqa: BLE001 - a picture we cannot read simply has no note
        return None
    try:
        h, w = (int(n) for n in text.split("x"))
    except (AttributeError, ValueError):
        return None
    return h, w


def pair(details: dict | None) -> dict[str, bytes] | None:
    """``{"expected": png, "got": png}`` from an item's ``details["image"]``, or ``None``.

    ``details["image"]`` holds ``expected`` and ``got`` (2-D arrays, ``got`` maybe a
    `preview`) and optionally ``shapes`` (``{"got": (H, W)}``: the full size of a
    preview). The returned picture is drawn only when it is a 2-D array; otherwise only
    the expected one is. A PNG over `MAX_PNG_BYTES` (it cannot be, from `to_png`) is
    dropped.
    """
    image = (details or {}).get("image") if isinstance(details, dict) else None
    if not image:
        return None
    shapes = image.get("shapes") or {}
    expected = np.asarray(image["expected"])
    if expected.ndim != 2 or expected.size == 0:
        return None
    expected, expected_shape = preview(expected)
    finite = expected[np.isfinite(expected)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    out = {"expected": to_png(expected, low, high, shapes.get("expected", expected_shape))}
    got = image.get("got")
    if got is not None and np.ndim(got) == 2 and np.size(got) > 0:
        out["got"] = to_png(got, low, high, shapes.get("got"))
    return {k: v for k, v in out.items() if len(v) <= MAX_PNG_BYTES} or None


def collect(result: "Result") -> dict[str, dict[str, bytes]]:
    """``{item_id: {"expected": png, "got": png}}`` for the items of ``result`` whose
    details hold images (`pair`); items without pictures are left out."""
    out = {}
    for item in result.items:
        pictures = pair(getattr(item, "details", None))
        if pictures:
            out[item.id] = pictures
    return out
