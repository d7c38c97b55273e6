"""Which language an article is in: langdetect's profiles, shipped inside its wheel (nothing is downloaded)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

__all__ = ("Detected", "detect_language")


@dataclass(frozen=True)
class Detected:
    """The most probable language (ISO 639-1 code as langdetect reports it) and its probability."""

    code: str
    probability: float


#: Below this probability an unsupported best guess gives way to the best supported candidate: short German
#: texts are sometimes taken for Danish or Dutch.
UNSURE = 0.9


def detect_language(text: str, supported: Collection[str] = ()) -> Detected:
    """Detect the language of a text, reproducibly (the detector's sampling is seeded).

    Args:
        text: The article text.
        supported: Languages the caller can handle; one of them is preferred when the best guess is another
            language with a probability under :data:`UNSURE`.

    Returns:
        The best language; code ``"und"`` with probability 0 when the text has no letters to go by.
    """
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        ranked = detect_langs(text)
    except LangDetectException:
        return Detected("und", 0.0)
    best = ranked[0]
    if str(best.lang) not in supported and best.prob < UNSURE:
        for cand in ranked[1:]:
            if str(cand.lang) in supported:
                return Detected(str(cand.lang), float(cand.prob))
        restricted = _restricted(text, supported)
        if restricted is not None:
            return restricted
    return Detected(str(best.lang), float(best.prob))


def _restricted(text: str, supported: Collection[str]) -> Detected | None:
    from langdetect import detector_factory
    from langdetect.lang_detect_exception import LangDetectException

    detector_factory.init_factory()
    factory = detector_factory._factory
    known = [code for code in supported if factory is not None and code in factory.langlist]
    if not known or factory is None:
        return None
    detector = factory.create()
    detector.set_prior_map(dict.fromkeys(known, 1.0))
    detector.append(text)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:
        return None
    return Detected(str(ranked[0].lang), float(ranked[0].prob)) if ranked else None
