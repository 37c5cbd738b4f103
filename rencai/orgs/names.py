"""Search keys derived from unit names at write time.

- `normalize_name`: NFKC, case-folded, only letters and digits kept (CJK, CJK
  extensions included); punctuation such as （）·- and spaces are dropped. Queries
  go through the same function, so "广州(集团)" finds "广州（集团）".
- `name_grams`: the text indexed for substring search — every overlapping pair of
  characters of every name, space-separated, names separated by a 3-character
  token that can never be a bigram (so a phrase never spans two names), with a
  leading and trailing space. ``"广州市人社局"`` → ``" 广州 州市 市人 人社 社局 "``.
  A query of n ≥ 2 characters becomes the phrase of its n-1 bigrams, which SQLite
  FTS5 (unicode61 tokenizer: one bigram, one token) matches as a phrase — exact
  substring semantics, also for 2-character queries that trigram indexes cannot
  serve. PostgreSQL uses it for 2-character queries only, through a GIN index
  on ``string_to_array(btrim(search_grams), ' ')`` (one exact key per bigram).
- `names_text`: the normalized names, space-separated — PostgreSQL answers queries
  of 3+ characters with ``search_text LIKE '%广州市天%'`` on a pg_trgm GIN index
  (trigrams of consecutive characters are far more selective than bigram words).
- `pinyin_initials`: ``广州市人社局`` → ``gzsrsj`` (pypinyin; letters and digits kept).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

NAME_SEPARATOR_TOKEN = "qqq"  # 3 characters: never equal to a bigram token


def normalize_name(text: str | None) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def bigrams(normalized: str) -> list[str]:
    return [normalized[i : i + 2] for i in range(len(normalized) - 1)]


def name_grams(names: Iterable[str]) -> str:
    parts = []
    for name in names:
        grams = bigrams(normalize_name(name))
        if grams:
            parts.append(" ".join(grams))
    return " " + f" {NAME_SEPARATOR_TOKEN} ".join(parts) + " " if parts else ""


def names_text(names: Iterable[str]) -> str:
    """Normalized names separated by spaces (a substring never spans two names)."""
    return " ".join(n for n in (normalize_name(name) for name in names) if n)


def query_grams(query: str) -> list[str]:
    """Bigrams of a normalized query (empty when it has fewer than 2 characters)."""
    return bigrams(normalize_name(query))


@functools.cache
def _char_initial(char: str) -> str:
    return lazy_pinyin(char, style=Style.FIRST_LETTER)[0]


@functools.cache
def _polyphonic_phrases() -> dict[str, str]:
    """Phrases (2–4 characters) whose initials differ from their characters' default
    readings, with their initials: 银行 → yh (not yx), 重庆 → cq, 番禺 → py, 商行 → sh."""
    from pypinyin.phrases_dict import phrases_dict

    found = {}
    for phrase, readings in phrases_dict.items():
        if not 2 <= len(phrase) <= 4 or len(readings) != len(phrase):
            continue
        initials = "".join(unicodedata.normalize("NFKD", r[0])[0].lower() for r in readings)
        if initials != "".join(_char_initial(c)[:1] for c in phrase):
            found[phrase] = initials
    return found


def pinyin_initials(name: str) -> str:
    """Initials of the name (``广州市人社局`` → ``gzsrsj``), phrase-aware like pypinyin.

    Per-character default readings, corrected by pypinyin's phrase dictionary for the
    phrases whose reading changes an initial (longest match, left to right). On
    generated company names this equals `lazy_pinyin(name, style=FIRST_LETTER)`
    except where pypinyin's segmenter splits the phrase (科大会计: it gives kdhj, we
    give the phrase reading kdkj), and it takes ≈15 µs instead of ≈160 µs — which
    matters for a 3-million-row import.
    """
    name = name or ""
    phrases = _polyphonic_phrases()
    out: list[str] = []
    i, n = 0, len(name)
    while i < n:
        for k in (4, 3, 2):
            initials = phrases.get(name[i : i + k]) if i + k <= n else None
            if initials:
                out.append(initials)
                i += k
                break
        else:
            out.append(_char_initial(name[i]))
            i += 1
    return normalize_name("".join(out))[:200]
