"""Learning the organisation's own coding: an event sub-type classifier trained on the
project's coded incidents and their narratives (imported ACLED/UCDP notes count).

A multinomial naive Bayes model on word and word-pair presence, in numpy (already a
dependency): it trains on tens of thousands of narratives in a second or two, needs no
model file and nothing downloaded, and is trained anew from the project itself — never
shipped with the app, so no third party's data goes out with it. Too few coded
incidents (fewer than :data:`MIN_INCIDENTS`, or fewer than two sub-types with
:data:`MIN_PER_TYPE` each) and the drafting falls back on keyword rules.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sitrep.model import Incident
from sitrep.model.enums import ReviewStatus

MIN_INCIDENTS = 100
MIN_PER_TYPE = 5
MAX_FEATURES = 60_000
_TOKEN = re.compile(r"[a-z][a-z'-]+")
_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "at",
        "to",
        "and",
        "or",
        "by",
        "for",
        "from",
        "with",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "it",
        "its",
        "as",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "which",
        "who",
    ]
)


def features(text: str) -> set[str]:
    """Words and neighbouring word pairs of a text, lower-cased, numbers dropped."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    return {*words, *(f"{a} {b}" for a, b in pairwise(words))}


@dataclass
class TypeClassifier:
    classes: list[str]
    vocab: dict[str, int]
    log_prior: np.ndarray
    log_like: np.ndarray  # classes × vocabulary
    trained_on: int

    def predict(self, text: str) -> tuple[str, float]:
        """The most likely sub-event type and its probability under the model."""
        ids = [self.vocab[f] for f in features(text) if f in self.vocab]
        scores = self.log_prior + (self.log_like[:, ids].sum(axis=1) if ids else 0.0)
        scores = scores - scores.max()
        probs = np.exp(scores)
        probs /= probs.sum()
        best = int(probs.argmax())
        return self.classes[best], float(probs[best])


def train(texts: list[str], labels: list[str], alpha: float = 0.2) -> TypeClassifier | None:
    """A classifier for ``labels`` from ``texts``, or None when there are too few."""
    counts = Counter(labels)
    keep = {c for c, n in counts.items() if n >= MIN_PER_TYPE}
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in keep and t.strip()]
    if len(pairs) < MIN_INCIDENTS or len(keep) < 2:
        return None
    docs = [features(t) for t, _ in pairs]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d)
    vocab_words = [w for w, n in df.most_common(MAX_FEATURES) if n >= 2]
    vocab = {w: i for i, w in enumerate(vocab_words)}
    classes = sorted(keep)
    index = {c: i for i, c in enumerate(classes)}
    totals = np.zeros((len(classes), len(vocab)), dtype=np.float64)
    docs_per_class = np.zeros(len(classes))
    for d, (_, y) in zip(docs, pairs, strict=True):
        row = index[y]
        docs_per_class[row] += 1
        ids = [vocab[f] for f in d if f in vocab]
        totals[row, ids] += 1.0
    smoothed = totals + alpha
    log_like = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
    log_prior = np.log(docs_per_class / docs_per_class.sum())
    return TypeClassifier(classes, vocab, log_prior, log_like, len(pairs))


def train_for_project(session: Session) -> TypeClassifier | None:
    """Train on the project's coded incidents: reviewed ones and imported datasets (drafts
    typed or drafted here are left out: nobody has confirmed their coding yet)."""
    rows = session.execute(
        select(Incident.title, Incident.narrative, Incident.sub_event_type).where(
            or_(Incident.review_status != ReviewStatus.DRAFT, Incident.dataset_key.is_not(None))
        )
    ).all()
    texts = [narrative or "" for _, narrative, _ in rows]  # titles may name the type
    return train(texts, [sub for _, _, sub in rows])
