"""Pure normalisation helpers for resolution: identifiers in URLs and text, title keys, names.

Nothing here knows about records or clusters; `dlkg.resolve` combines these into decisions.
Every function is total (never raises on odd input) and deterministic. Three modules:
`identifiers` (URLs, arXiv ids, DOIs, venue keys, slugs), `titles` (folding, title keys) and
`names` (person names); this package re-exports their public names.
"""

from __future__ import annotations

from .identifiers import (
    ARXIV_HOSTS,
    VenueKey,
    arxiv_id_from_text,
    arxiv_id_from_url,
    clean_url,
    doi_from_file_name,
    doi_from_text,
    doi_from_url,
    section_slug,
    slug_matches_title,
    slugify,
    url_key,
    venue_url_key,
)
from .names import (
    PersonName,
    clean_name_text,
    family_compatible,
    given_compatible,
    make_name,
    name_richness,
    names_compatible,
    parse_person_name,
    same_tokens,
)
from .titles import clean_title, fold, title_key, title_similarity, word_key

__all__ = [
    "ARXIV_HOSTS",
    "PersonName",
    "VenueKey",
    "arxiv_id_from_text",
    "arxiv_id_from_url",
    "clean_name_text",
    "clean_title",
    "clean_url",
    "doi_from_file_name",
    "doi_from_text",
    "doi_from_url",
    "family_compatible",
    "fold",
    "given_compatible",
    "make_name",
    "name_richness",
    "names_compatible",
    "parse_person_name",
    "same_tokens",
    "section_slug",
    "slug_matches_title",
    "slugify",
    "title_key",
    "title_similarity",
    "url_key",
    "venue_url_key",
    "word_key",
]
