"""Page images for OCR: 8-bit grey numpy arrays, made upright (quarter turns) and straight (deskew).

Why our own deskew rather than Tesseract's: Tesseract only corrects small skews inside its layout
analysis, and its single-column mode (which reads our pages best) does not straighten the page first.
The angle search here is the classic projection profile: on a downscaled, binarised page, shear the
dark pixels by each candidate angle and keep the angle whose row histogram is sharpest (text lines
then fall into few rows). numpy does it in ~50 ms; scipy.ndimage then rotates the full page once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_SKEW = 5.0  # degrees searched either way
MAX_SIDE = 5000  # pixels: larger pages are scaled down before OCR (a poster, a 600 dpi A3 scan)


def grey(pixels: Any) -> np.ndarray:
    """An 8-bit grey array from a grey, RGB(A) or BGR(A) array (channel order hardly matters for text)."""
    arr = np.asarray(pixels)
    if arr.ndim == 3:
        arr = arr[..., :3].mean(axis=2)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def limit_size(img: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """Scale a huge page down (integer step) so one page never holds gigabytes of OCR work."""
    step = int(np.ceil(max(img.shape) / max_side))
    return np.ascontiguousarray(img[::step, ::step]) if step > 1 else img


def turn(img: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees, counter-clockwise."""
    k = (degrees // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k)) if k else img


def _ink(img: np.ndarray) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Coordinates of the dark pixels of a downscaled copy (centred x), and its height."""
    step = max(1, int(round(max(img.shape) / 800)))
    small = img[::step, ::step]
    ys, xs = np.nonzero(small < 128)
    if len(ys) < 200:
        return None
    if len(ys) > 200_000:  # a dark page (photo): a sample of the ink tells the angle as well
        pick = np.random.default_rng(0).choice(len(ys), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    return ys, xs - small.shape[1] / 2.0, small.shape[0]


def _search(img: np.ndarray, max_angle: float) -> tuple[float, float]:
    """(best angle, its sharpness) of the projection-profile search; (0, 0) with too little ink."""
    ink = _ink(img)
    if ink is None:
        return 0.0, 0.0
    ys, xs_c, height = ink

    def sharpness(angle: float) -> float:
        # rows of the image rotated by -angle: y' = y + x*tan(angle) (image y grows downwards)
        rows = np.round(ys + xs_c * np.tan(np.radians(angle))).astype(np.int64)
        rows = rows[(rows >= 0) & (rows < height)]
        hist = np.bincount(rows, minlength=height).astype(np.float64)
        return float(np.sum(np.diff(hist) ** 2)) / max(1, len(rows))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [sharpness(a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores = [sharpness(a) for a in fine]
    i = int(np.argmax(scores))
    return float(fine[i]), float(scores[i])


def skew_angle(img: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The skew of the text lines in degrees (positive: the text runs uphill, counter-clockwise), found
    by a coarse then fine projection-profile search; 0.0 for a page with too little ink to tell."""
    best = _search(img, max_angle)[0]
    return round(best, 2) if abs(best) >= 0.15 else 0.0


def sideways(img: np.ndarray) -> bool:
    """True when the text lines run up or down the page (a page fed in turned by a quarter): the
    ink's column profile is sharper than its row profile."""
    rows = _search(img, MAX_SKEW)[1]
    cols = _search(np.ascontiguousarray(img.T), MAX_SKEW)[1]
    return cols > 1.3 * rows


def rotate(img: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees counter-clockwise about the centre, same size, white where the page
    had nothing (so no black wedge is read as text)."""
    if not angle:
        return img
    from scipy import ndimage

    out = ndimage.rotate(img, angle, reshape=False, order=1, mode="constant", cval=255, prefilter=False)
    return np.ascontiguousarray(out.astype(np.uint8))


def upright(img: np.ndarray, degrees: int, skew: float) -> np.ndarray:
    """The page as OCR read it: first the quarter turn, then the skew undone (the viewer shows this)."""
    return rotate(turn(img, degrees), -skew) if skew else turn(img, degrees)
