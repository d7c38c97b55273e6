"""Draft claims-ledger entries from news articles in several languages (``monitor claims extract``).

One concern per module: ``reading`` (text or HTML), ``language`` (detection), ``lexicon`` (the YAML word lists),
``text`` (sentences and clauses), ``quantities`` and ``dates`` (numbers and periods), ``sites`` (site names),
``matching`` (statements),
``drafts`` (schema, output, ``--append``) and ``extractor`` (one article, end to end).
"""

from monitor.claims.extract.drafts import Draft, Evidence, append_drafts, render_drafts, sort_drafts
from monitor.claims.extract.extractor import ArticleResult, extract_article
from monitor.claims.extract.lexicon import DEFAULT_LEXICON, Lexicon, load_lexicon
from monitor.claims.extract.reading import Article, read_article
from monitor.claims.extract.sites import SiteNames

__all__ = (
    "DEFAULT_LEXICON",
    "Article",
    "ArticleResult",
    "Draft",
    "Evidence",
    "Lexicon",
    "SiteNames",
    "append_drafts",
    "extract_article",
    "load_lexicon",
    "read_article",
    "render_drafts",
    "sort_drafts",
)
