"""Site names in news text: each AOI's id and ``aliases`` (any script), matched with the language's inflection.

"Dunai" is also "Dunais", "Дунай" also "Дуная" and "Дунае" (``site_strip`` drops the final letter that
inflection replaces, ``site_suffix`` allows that many letters after the name), and Korean names take particles
and compounds ("두나이항에서", "순안국제공항"), so in a language with a long suffix a name matches as a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from monitor.claims.extract.lexicon import LanguageLexicon
from monitor.config.models import AOIConfig

__all__ = ("SiteNames",)


@dataclass
class SiteNames:
    """Site names from the AOI configs (id, name, aliases), compiled per language."""

    aois: Mapping[str, AOIConfig]
    _cache: dict[str, list[tuple[str, re.Pattern[str]]]] = field(default_factory=dict)

    def patterns(self, code: str, lang: LanguageLexicon) -> list[tuple[str, re.Pattern[str]]]:
        """One pattern per site, allowing the language's inflection of names.

        Args:
            code: Language code (cache key).
            lang: Its lexicon.

        Returns:
            ``[(aoi_id, pattern)]``.
        """
        if code not in self._cache:
            out = []
            for aoi in self.aois.values():
                alts = []
                for name in sorted({aoi.id, *aoi.aliases}, key=len, reverse=True):
                    stem, extra = name, lang.site_suffix
                    if lang.site_strip and name[-1].lower() in lang.site_strip and len(name) > 3:
                        stem, extra = name[:-1], extra + 1
                    if lang.site_suffix >= 5:
                        alts.append(re.escape(stem))
                    else:
                        alts.append(rf"(?<!\w){re.escape(stem)}\w{{0,{extra}}}(?!\w)")
                out.append((aoi.id, re.compile("|".join(alts), re.IGNORECASE)))
            self._cache[code] = out
        return self._cache[code]
