"""Find which articles tell the same story (the fuzzy part of grouping)."""

from __future__ import annotations

from collections.abc import Sequence

from generator.config import TopicsConfig
from generator.models import Article


def cluster(articles: Sequence[Article], settings: TopicsConfig) -> list[list[Article]]:
    """Partition `articles` into stories; each list is one story."""
    return [[article] for article in articles]
