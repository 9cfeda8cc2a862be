"""Text rules shared by the checks: sentence-ending punctuation and reserved words.

"Whole word" means not touching a letter or digit, except letters of scripts written without
spaces between words (Chinese, Japanese, Thai...), so "ChatGPTで使える" still names ChatGPT.
Reserved words are matched after NFKC normalization and case folding, so "ＧＰＴ" counts as "gpt".
"""

from __future__ import annotations

import re
import unicodedata

_ENDINGS = frozenset(".!?。！？…")
_QUOTES = frozenset("'\"`＂＇")
_RESERVED = re.compile(r"(?=(plugins?|chatgpt|openai|gpt))")
# Scripts written without spaces between words: a reserved word touching them is still a word.
_UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3000, 0x30FF),  # CJK punctuation, Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def ends_with_punctuation(text: str) -> bool:
    """True when the text ends in . ! ? 。 ！ ？ … after trailing spaces, quotes and brackets."""
    end = len(text)
    while end and _closing(text[end - 1]):
        end -= 1
    return bool(end) and text[end - 1] in _ENDINGS


def _closing(char: str) -> bool:
    return char.isspace() or char in _QUOTES or unicodedata.category(char) in ("Pe", "Pf", "Pi")


def _joins_word(char: str) -> bool:
    if not char.isalnum():
        return False
    point = ord(char)
    return not any(low <= point <= high for low, high in _UNSPACED_RANGES)


def reserved_words(text: str) -> list[str]:
    """The reserved words used as whole words in `text`, lower-case, in order of appearance."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    found: list[str] = []
    for match in _RESERVED.finditer(folded):
        word = match.group(1)
        start, end = match.start(1), match.start(1) + len(word)
        before = folded[start - 1] if start else ""
        after = folded[end] if end < len(folded) else ""
        touches = (before and _joins_word(before)) or (after and _joins_word(after))
        if not touches and word not in found:
            found.append(word)
    return found
