"""Small pictures of image-valued results, for feedback: expected beside returned.

Both pictures of a pair share one grey scale (the range of the expected image), so a
difference in brightness on the page is a difference in the values. Pixels are
enlarged (nearest neighbour) so a 10×10 result is still visible.
"""

import io

import numpy as np
from PIL import Image

TARGET_SIZE = 160  # the longer side, in screen pixels


def to_png(array, low, high):
    """A 2-D array as PNG bytes, mapping ``[low, high]`` to black…white."""
    a = np.asarray(array, dtype=np.float64)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"expected a non-empty 2-D array, got shape {a.shape}")
    span = high - low if high > low else 1.0
    grey = np.clip(np.nan_to_num((a - low) / span, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    image = Image.fromarray((grey * 255).round().astype(np.uint8), mode="L")
    scale = max(1, TARGET_SIZE // max(a.shape))
    image = image.resize((a.shape[1] * scale, a.shape[0] * scale), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pair(details):
    """``{"expected": png, "got": png}`` from an item's ``details["image"]``, or ``None``.

    The returned picture is drawn only when it is a 2-D array; otherwise only the
    expected one is.
    """
    image = (details or {}).get("image")
    if not image:
        return None
    expected = np.asarray(image["expected"], dtype=np.float64)
    if expected.ndim != 2 or expected.size == 0:
        return None
    finite = expected[np.isfinite(expected)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    out = {"expected": to_png(expected, low, high)}
    got = image.get("got")
    if got is not None and np.ndim(got) == 2 and np.size(got) > 0:
        out["got"] = to_png(got, low, high)
    return out
