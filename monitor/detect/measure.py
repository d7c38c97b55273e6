"""Turn labelled candidate pixels into measured objects and classes.

Every function here works on a label image (0 = background, 1..n = objects) and a per-pixel statistic
(a CFAR or robust z-score: how many background standard deviations a pixel sits above its surroundings).
Sizes come from second moments of each object's pixel footprint; classes from an AOI's ordered size rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from monitor.config.models import SizeRule

__all__ = (
    "Blob",
    "classify",
    "feret_lengths",
    "matching_rule",
    "measure_blobs",
    "rafted_pair",
    "score_from_stat",
    "split_long",
)


@dataclass(frozen=True)
class Blob:
    """One measured object on the working grid.

    ``row``/``col`` are fractional pixel indices (pixel centres at integers), weighted by how far each pixel
    exceeds the background. Sizes are ground metres; ``heading_deg`` is clockwise from grid north, 0-180.
    ``peak`` and ``mean`` are the largest and average statistic over the object's pixels.
    """

    label: int
    row: float
    col: float
    length_m: float
    width_m: float
    heading_deg: float
    area_px: int
    peak: float
    mean: float


def score_from_stat(peak: float, mean: float, threshold: float) -> float:
    """Map an object's contrast statistic to a 0..1 confidence.

    The contrast ``s = (peak + mean) / 2`` is mapped by ``1 - 0.5 * exp(-(s - t) / t)``: an object whose
    contrast just equals the detection threshold ``t`` scores 0.5, one at twice the threshold about 0.82,
    and the score approaches 1 for very bright objects. Objects held together only by the lower hysteresis
    threshold can fall below 0.5 (clipped at 0). The mapping is monotone in ``s``, so ranking by score is
    ranking by contrast.

    Args:
        peak: Largest statistic inside the object.
        mean: Mean statistic inside the object.
        threshold: The detection threshold the statistic was compared with (> 0).

    Returns:
        The score in [0, 1].
    """
    t = max(threshold, 1e-6)
    s = 0.5 * (peak + mean)
    return float(min(1.0, max(0.0, 1.0 - 0.5 * math.exp(-(s - t) / t))))


def measure_blobs(labels: NDArray[np.integer], count: int, stat: NDArray[np.floating], pixel_m: float) -> list[Blob]:
    """Centroid, size, heading and contrast of every labelled object, in one vectorised pass.

    Length and width are ``sqrt(12 * lambda + 1)`` pixels, where ``lambda`` are the eigenvalues of the
    footprint's covariance: exact for a filled ``L x W`` pixel rectangle (variance ``(L**2 - 1) / 12``) and
    never below one pixel, which corrects the bias of raw moments on objects only a few pixels long.

    Args:
        labels: Label image, 0 for background.
        count: Number of labels (largest label value).
        stat: Per-pixel statistic, same shape as ``labels``.
        pixel_m: Ground size of a pixel in metres.

    Returns:
        One :class:`Blob` per non-empty label, ordered by label.
    """
    if count == 0:
        return []
    lab = labels.ravel().astype(np.int64)
    sel = lab > 0
    lab = lab[sel]
    rows, cols = np.divmod(np.flatnonzero(sel), labels.shape[1])
    r = rows.astype(np.float64)
    c = cols.astype(np.float64)
    z = stat.ravel()[sel].astype(np.float64)
    n = count + 1

    def total(w: NDArray[np.float64] | None) -> NDArray[np.float64]:
        return np.bincount(lab, weights=w, minlength=n).astype(np.float64)

    area = total(None)
    safe = np.maximum(area, 1.0)
    mr, mc = total(r) / safe, total(c) / safe
    vrr = np.maximum(total(r * r) / safe - mr**2, 0.0)
    vcc = np.maximum(total(c * c) / safe - mc**2, 0.0)
    vrc = total(r * c) / safe - mr * mc
    half_tr = 0.5 * (vrr + vcc)
    disc = np.sqrt((0.5 * (vrr - vcc)) ** 2 + vrc**2)
    lam1, lam2 = half_tr + disc, np.maximum(half_tr - disc, 0.0)
    theta = 0.5 * np.arctan2(2.0 * vrc, vcc - vrr)
    heading = np.degrees(np.arctan2(np.cos(theta), -np.sin(theta))) % 180.0
    w = np.maximum(z, 0.0) + 1e-6
    wsum = np.maximum(total(w), 1e-12)
    wr, wc = total(w * r) / wsum, total(w * c) / wsum
    peak = np.full(n, -np.inf)
    np.maximum.at(peak, lab, z)
    mean = total(z) / safe
    out = []
    for i in np.flatnonzero(area[1:] > 0) + 1:
        out.append(
            Blob(
                label=int(i),
                row=float(wr[i]),
                col=float(wc[i]),
                length_m=float(math.sqrt(12.0 * lam1[i] + 1.0) * pixel_m),
                width_m=float(math.sqrt(12.0 * lam2[i] + 1.0) * pixel_m),
                heading_deg=float(heading[i]),
                area_px=int(area[i]),
                peak=float(peak[i]),
                mean=float(mean[i]),
            )
        )
    return out


def feret_lengths(labels: NDArray[np.integer], blobs: Sequence[Blob], pixel_m: float) -> list[float]:
    """Largest pixel-centre distance across each object plus one pixel, in metres (the Feret diameter).

    An aircraft's footprint is a cross, whose second moments understate both fuselage and wings; its
    largest dimension (length or span, whichever is bigger) is what the size rules are written for.
    Objects over 400 pixels fall back to the moment length.

    Args:
        labels: Label image.
        blobs: Measurements of ``labels``.
        pixel_m: Ground pixel size in metres.

    Returns:
        One length per blob, in order.
    """
    boxes = ndimage.find_objects(labels.astype(np.int32))
    out = []
    for b in blobs:
        sl = boxes[b.label - 1] if b.label - 1 < len(boxes) else None
        if sl is None or b.area_px > 400:
            out.append(b.length_m)
            continue
        rr, cc = np.nonzero(labels[sl] == b.label)
        d2 = (rr[:, None] - rr[None, :]) ** 2 + (cc[:, None] - cc[None, :]) ** 2
        out.append(float((math.sqrt(float(d2.max())) + 1.0) * pixel_m))
    return out


def split_long(
    labels: NDArray[np.integer],
    blobs: Sequence[Blob],
    stat: NDArray[np.floating],
    pixel_m: float,
    longest_m: float,
) -> tuple[NDArray[np.int32], int]:
    """Cut objects at least 1.6x the longest expected ship into ship-sized pieces.

    Ships moored bow to stern along a quay merge into one long object. Such an object is cut across its
    long axis into ``round(length / longest_m)`` pieces (at least two); each cut is placed at the weakest
    point of the object's brightness profile within a fifth of a piece of the even-spacing position, which
    is usually the gap between two hulls.

    Args:
        labels: Label image.
        blobs: Measurements of ``labels`` (from :func:`measure_blobs`).
        stat: Per-pixel statistic used to find gaps.
        pixel_m: Ground pixel size in metres.
        longest_m: Length of the longest ship expected at the site.

    Returns:
        ``(labels, count)``: the relabelled image (new pieces get new labels; labels of dropped objects
        stay unused) and the largest label.
    """
    out = labels.astype(np.int32, copy=True)
    if not any(b.length_m >= 1.6 * longest_m for b in blobs):
        return out, int(out.max(initial=0))
    next_label = int(out.max()) + 1
    boxes = ndimage.find_objects(out)
    for b in blobs:
        if b.length_m < 1.6 * longest_m:
            continue
        box = boxes[b.label - 1]
        rr, cc = np.nonzero(out[box] == b.label)
        rr, cc = rr + box[0].start, cc + box[1].start
        axis_r = -math.cos(math.radians(b.heading_deg))
        axis_c = math.sin(math.radians(b.heading_deg))
        t = (rr - b.row) * axis_r + (cc - b.col) * axis_c
        t0 = t.min()
        bins = np.floor(t - t0).astype(np.int64)
        profile = np.bincount(bins, weights=np.maximum(stat[rr, cc], 0.0))
        pieces = max(2, round(b.length_m / longest_m))
        step = (bins.max() + 1) / pieces
        cuts = []
        for k in range(1, pieces):
            lo = max(1, int(k * step - step / 5))
            hi = min(len(profile) - 1, int(k * step + step / 5) + 1)
            cuts.append(lo + int(np.argmin(profile[lo:hi])) if hi > lo else int(k * step))
        piece = np.searchsorted(np.asarray(cuts), bins, side="right")
        out[rr, cc] = np.where(piece == 0, b.label, next_label + piece - 1)
        next_label += pieces - 1
    return out, next_label - 1


def classify(
    length_m: float,
    width_m: float,
    zones: Iterable[str],
    rules: Sequence[SizeRule],
    family: Iterable[str],
    sensor: str | None = None,
) -> str | None:
    """Apply an AOI's size rules to one measured object.

    Rules are tried in order and the first match wins. A rule matches when its class belongs to ``family``
    (ship classes for water objects, aircraft classes for airside objects), the length and width fall in its
    ranges, if it names zones, one of them is among the object's ``zones`` (polygon names, roles and kinds at
    the object's centre), and, if it names sensors, the measurement came from one of them.

    Args:
        length_m: Measured length in metres.
        width_m: Measured width in metres.
        zones: Zone identifiers at the object's centre.
        rules: The ordered size rules.
        family: Classes this object may take.
        sensor: The sensor that measured the object (None matches only rules that name no sensors).

    Returns:
        The class, or None when no rule matches (the object is dropped).
    """
    rule = matching_rule(length_m, width_m, zones, rules, family, sensor)
    return None if rule is None else rule.object_class


def matching_rule(
    length_m: float,
    width_m: float,
    zones: Iterable[str],
    rules: Sequence[SizeRule],
    family: Iterable[str],
    sensor: str | None = None,
) -> SizeRule | None:
    """The first size rule that matches an object (see :func:`classify`), or None.

    Args:
        length_m: Measured length in metres.
        width_m: Measured width in metres.
        zones: Zone identifiers at the object's centre.
        rules: The ordered size rules.
        family: Classes this object may take.
        sensor: The sensor that measured the object.

    Returns:
        The rule, or None.
    """
    allowed = set(family)
    here = set(zones)
    for rule in rules:
        if rule.object_class not in allowed:
            continue
        if not (rule.min_length_m <= length_m <= rule.max_length_m):
            continue
        if not (rule.min_width_m <= width_m <= rule.max_width_m):
            continue
        if rule.zones is not None and not here.intersection(rule.zones):
            continue
        if rule.sensors is not None and sensor not in rule.sensors:
            continue
        return rule
    return None


def rafted_pair(
    row: float, col: float, heading_deg: float, width_m: float, pixel_m: float
) -> list[tuple[float, float]]:
    """Centres of two equal hulls moored side by side that were measured as one object.

    Each lies a quarter of the measured width from the middle, across the long axis.

    Args:
        row: Centre row of the merged object (pixels).
        col: Centre column (pixels).
        heading_deg: Long axis, clockwise from grid north.
        width_m: Measured width of the pair in metres.
        pixel_m: Ground pixel size in metres.

    Returns:
        Two ``(row, col)`` centres.
    """
    h = math.radians(heading_deg)
    step = width_m / 4.0 / pixel_m
    dr, dc = math.sin(h) * step, math.cos(h) * step
    return [(row - dr, col - dc), (row + dr, col + dc)]
