"""Learning the organisation's own coding: an event sub-type classifier trained on the
project's coded incidents and their narratives (imported ACLED/UCDP notes count).

A multinomial logistic regression on TF-IDF weighted words and word pairs, written in
numpy (already a dependency) and trained with mini-batch Adam: on the ACLED notes of
Bangladesh it codes the sub-type right about nine times in ten where naive Bayes got
seven (bench/extract.py). It needs no model file and nothing downloaded, and it is
trained anew from the project itself, never shipped with the app, so no third party's
data goes out with it. Too few coded incidents (fewer than :data:`MIN_INCIDENTS`, or
fewer than two sub-types with :data:`MIN_PER_TYPE` each) and the drafting falls back
on keyword rules.

When to trust it over a strong keyword rule is learnt too (:func:`calibrate`): the
latest tenth of the coded incidents is held out, a model trained on the rest, and the
lowest confidence at which that model beats the rules on the held-out part kept as
:attr:`TypeClassifier.trust`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
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
MAX_TRAIN = 30_000  # the latest coded incidents: coding practice drifts over the years
EPOCHS = 4
DEFAULT_TRUST = 0.9  # too few incidents to hold some out: trust only a sure model
_HOLD_OUT = 0.1
_MIN_HELD = 50
_TOKEN = re.compile(r"[a-z][a-z'-]+")


def features(text: str) -> Counter[str]:
    """Words and neighbouring word pairs of a text with their counts, lower-cased,
    numbers dropped (a figure says nothing about the kind of event)."""
    words = _TOKEN.findall(text.lower())
    return Counter([*words, *(f"{a} {b}" for a, b in pairwise(words))])


@dataclass
class TypeClassifier:
    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray  # per vocabulary entry
    weights: np.ndarray  # vocabulary × classes
    bias: np.ndarray  # per class
    trained_on: int
    trust: float = DEFAULT_TRUST  # confidence from which it overrules a strong keyword rule

    def predict(self, text: str) -> tuple[str, float]:
        """The most likely sub-event type and its probability under the model."""
        ids, values = _vector(features(text), self.vocab, self.idf)
        scores = self.bias + (values @ self.weights[ids] if len(ids) else 0.0)
        scores = scores - scores.max()
        probs = np.exp(scores)
        probs /= probs.sum()
        best = int(probs.argmax())
        return self.classes[best], float(probs[best])


def _vector(
    counts: Counter[str], vocab: dict[str, int], idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse TF-IDF vector (sub-linear term frequency, unit length): indices, values."""
    pairs = [(vocab[f], 1.0 + math.log(n)) for f, n in counts.items() if f in vocab]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    values = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs)) * idf[ids]
    return ids, values / math.sqrt(float(values @ values))


def train(
    texts: list[str], labels: list[str], *, epochs: int = EPOCHS, seed: int = 0
) -> TypeClassifier | None:
    """A classifier for ``labels`` from ``texts``, or None when there are too few."""
    data = _prepare(texts, labels)
    if data is None:
        return None
    return data.fit(len(data.y), epochs, seed)


@dataclass
class _Data:
    """The texts as vectors over one vocabulary, kept to fit on all or a part of them."""

    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    vectors: list[tuple[np.ndarray, np.ndarray]]
    y: np.ndarray

    def fit(self, first: int, epochs: int, seed: int) -> TypeClassifier:
        """A classifier on the first ``first`` texts."""
        weights, bias = _fit(
            self.vectors[:first], self.y[:first], len(self.vocab), len(self.classes), epochs, seed
        )
        return TypeClassifier(self.classes, self.vocab, self.idf, weights, bias, first)


def _prepare(texts: list[str], labels: list[str]) -> _Data | None:
    counts = Counter(labels)
    keep = {c for c, n in counts.items() if n >= MIN_PER_TYPE}
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in keep and t.strip()]
    if len(pairs) < MIN_INCIDENTS or len(keep) < 2:
        return None
    docs = [features(t) for t, _ in pairs]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vocab_words = [w for w, n in df.most_common(MAX_FEATURES) if n >= 2]
    vocab = {w: i for i, w in enumerate(vocab_words)}
    n_docs = len(docs)
    idf = np.log((1 + n_docs) / (1 + np.array([df[w] for w in vocab_words], dtype=float))) + 1
    classes = sorted(keep)
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for _, label in pairs])
    return _Data(classes, vocab, idf, [_vector(d, vocab, idf) for d in docs], y)


def _fit(
    vectors: list[tuple[np.ndarray, np.ndarray]],
    y: np.ndarray,
    n_features: int,
    n_classes: int,
    epochs: int,
    seed: int,
    batch: int = 256,
    rate: float = 0.05,
    l2: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by mini-batch Adam; only the rows of the words a batch holds
    are updated (lazy Adam), so a step costs what the batch's words cost."""
    w = np.zeros((n_features, n_classes))
    b = np.zeros(n_classes)
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    rng = np.random.default_rng(seed)
    step = 0
    lengths = np.array([len(ids) for ids, _ in vectors])
    for _ in range(epochs):
        order = rng.permutation(len(vectors))
        for s in range(0, len(order), batch):
            chosen = order[s : s + batch]
            chosen = chosen[lengths[chosen] > 0]
            if not len(chosen):
                continue
            ids = np.concatenate([vectors[i][0] for i in chosen])
            vals = np.concatenate([vectors[i][1] for i in chosen])
            starts = np.concatenate(([0], np.cumsum(lengths[chosen])[:-1]))
            rows = np.repeat(np.arange(len(chosen)), lengths[chosen])
            z = np.add.reduceat(w[ids] * vals[:, None], starts, axis=0) + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(chosen)), y[chosen]] -= 1.0
            p /= len(chosen)
            contrib = p[rows] * vals[:, None]
            by_word = np.argsort(ids, kind="stable")
            sorted_ids = ids[by_word]
            first = np.flatnonzero(np.concatenate(([True], sorted_ids[1:] != sorted_ids[:-1])))
            touched = sorted_ids[first]
            grad = np.add.reduceat(contrib[by_word], first, axis=0) + l2 * w[touched]
            step += 1
            fix1, fix2 = 1 - 0.9**step, 1 - 0.999**step
            m_w[touched] = 0.9 * m_w[touched] + 0.1 * grad
            v_w[touched] = 0.999 * v_w[touched] + 0.001 * grad * grad
            w[touched] -= rate * (m_w[touched] / fix1) / (np.sqrt(v_w[touched] / fix2) + 1e-8)
            gb = p.sum(axis=0)
            m_b = 0.9 * m_b + 0.1 * gb
            v_b = 0.999 * v_b + 0.001 * gb * gb
            b -= rate * (m_b / fix1) / (np.sqrt(v_b / fix2) + 1e-8)
    return w, b


RuleGuess = Callable[[str], tuple[str, float] | None]


def calibrate(
    texts: list[str], labels: list[str], rule: RuleGuess, strong: float
) -> TypeClassifier | None:
    """A classifier on all of ``texts`` (oldest first) whose :attr:`trust` was measured
    on the latest tenth against ``rule`` (sub-type and weight, or None): the lowest
    model confidence above which following the model codes the held-out part best.
    (The vocabulary and its weights are counted over all texts: no label is read.)"""
    keep = [(t, y) for t, y in zip(texts, labels, strict=True) if t.strip()]
    data = _prepare([t for t, _ in keep], [y for _, y in keep])
    if data is None:
        return None
    model = data.fit(len(data.y), EPOCHS, 0)
    known = set(data.classes)
    kept = [(t, y) for t, y in keep if y in known]
    held = max(_MIN_HELD, int(len(kept) * _HOLD_OUT))
    if len(kept) - held < MIN_INCIDENTS:
        return model
    probe = data.fit(len(kept) - held, EPOCHS - 1, 1)
    cases = []
    for text, label in kept[-held:]:
        guess = rule(text)
        if guess is None or guess[1] < strong:
            continue
        sub, prob = probe.predict(text)
        if sub != guess[0]:
            cases.append((prob, sub == label, guess[0] == label))
    best, best_right = DEFAULT_TRUST, -1
    for trust in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01):
        right = sum(m if p >= trust else r for p, m, r in cases)
        if right > best_right:
            best, best_right = trust, right
    model.trust = best if cases else DEFAULT_TRUST
    return model


def train_for_project(session: Session, rule: RuleGuess, strong: float) -> TypeClassifier | None:
    """Train on the project's coded incidents: reviewed ones and imported datasets (drafts
    typed or drafted here are left out: nobody has confirmed their coding yet)."""
    latest = session.execute(
        select(Incident.narrative, Incident.sub_event_type)
        .where(
            or_(Incident.review_status != ReviewStatus.DRAFT, Incident.dataset_key.is_not(None))
        )
        .order_by(Incident.date_start.desc())
        .limit(MAX_TRAIN)
    ).all()
    rows = latest[::-1]  # oldest first: the latest are held out for calibration
    texts = [narrative or "" for narrative, _ in rows]  # titles may name the type
    return calibrate(texts, [sub for _, sub in rows], rule, strong)
