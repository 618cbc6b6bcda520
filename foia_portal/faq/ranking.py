"""What an FAQ search adds up to rank articles: the words typed, the phrases, the synonyms, and
how rare each is. The engines in faq/search.py turn these into bm25 (SQLite) or rarity-weighted
matches and ts_rank_cd (PostgreSQL); docs/faq-search.md has the reasons and the figures.
"""

from __future__ import annotations

import math
from dataclasses import replace

from foia_portal.faq.synonyms import Glossary, SearchPlan
from foia_portal.faq.words import STOP_WORDS

# A phrase of the query found in an article counts on top of its words; a synonym counts at most
# 0.7 of the word typed, so that it ranks below the exact word, never above it.
PHRASE_WEIGHT = 1.0
SYNONYM_WEIGHT = 0.7
# How well the article's question alone matches, added to how well the whole article matches.
QUESTION_WEIGHT = 4.0
# PostgreSQL: a match in the question counts this much more than one in the answer; and the
# weight of ts_rank_cd over the whole article (cover density) beside the rarity of the matches.
QUESTION_MATCH = 2.0
DENSITY_WEIGHT = 0.5


def ranked_parts(plan: SearchPlan) -> list[tuple[tuple, float]]:
    """What the ranking adds up, with its weight: the words, the phrases, each synonym group."""
    parts: list[tuple[tuple, float]] = [(plan.words, 1.0)]
    if plan.phrases:
        parts.append((plan.phrases, PHRASE_WEIGHT))
    parts += [(group.alternatives, group.weight) for group in plan.groups]
    return parts


def rarity(articles: int, matching: int) -> float:
    """bm25's inverse document frequency, as FTS5 computes it (never below a millionth)."""
    return max(math.log((articles - matching + 0.5) / (matching + 0.5)), 1e-6)


MAX_COUNTS_KEPT = 50_000  # terms whose article counts are kept per content version


def weigh(engine, plan: SearchPlan, glossary: Glossary) -> SearchPlan:
    """The plan with each term's rarity, and each synonym group weighted so that a synonym
    never counts more than SYNONYM_WEIGHT of the word typed: a synonym rarer than the word
    typed would otherwise outweigh it in bm25. Synonyms no article holds are dropped.

    Articles are counted per word, once per word and content version (one statement for the
    words not met before), and the counts kept with the glossary: queries are made of a
    vocabulary that soon repeats, while their phrases rarely do. A phrase is taken to be as
    rare as its rarest word (it is never more common than that word).
    """
    terms = {(word,) for word in plan.words} | set(plan.phrases)
    terms |= {group.typed for group in plan.groups}
    terms |= {a for group in plan.groups for a in group.alternatives}
    counts = glossary.document_counts
    words = {word for term in terms for word in meaningful(term)}
    missing = [word for word in words if word not in counts]
    if missing or glossary.article_count is None:
        if len(counts) > MAX_COUNTS_KEPT:
            counts.clear()
            missing = list(words)
        articles, found = engine.document_counts(missing)
        counts.update(found)
        glossary.article_count = articles
    articles = glossary.article_count
    rarities = {
        term: max(rarity(articles, counts[word]) for word in meaningful(term)) for term in terms
    }
    groups = []
    for group in plan.groups:
        present = tuple(
            a for a in group.alternatives if all(counts[word] for word in meaningful(a))
        )
        if not present:
            continue
        weight = SYNONYM_WEIGHT
        # A phrase typed ("where is my request") is weighed as a whole, uncapped: PostgreSQL,
        # which drops its stop words, would count it as common as "request".
        if len(group.typed) == 1:
            weight *= min(1.0, rarities[group.typed] / max(rarities[a] for a in present))
        groups.append(replace(group, alternatives=present, weight=weight))
    return replace(plan, groups=tuple(groups), rarity=rarities)


def meaningful(term: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a term that the engines count (all of them if all are stop words)."""
    return tuple(word for word in term if word not in STOP_WORDS) or term
