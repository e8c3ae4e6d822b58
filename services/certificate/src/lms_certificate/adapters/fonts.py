"""The fonts certificates are set in: a family for Latin, Greek and Cyrillic text, and
the Noto (or Droid) face each other script falls back to. Registered with reportlab once
per process; every face is embedded (subset) in the PDF."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


class Script(enum.Enum):
    BASE = "base"
    DEVANAGARI = "devanagari"
    ARABIC = "arabic"
    CJK = "cjk"


# Families a template may name -> file under the font directory (TrueType outlines:
# reportlab embeds no CFF fonts, which is why CJK uses Droid Sans Fallback rather than
# the .ttc of fonts-noto-cjk).
FAMILIES = {
    "Noto Sans": "truetype/noto/NotoSans-Regular.ttf",
    "Noto Serif": "truetype/noto/NotoSerif-Regular.ttf",
    "DejaVu Sans": "truetype/dejavu/DejaVuSans.ttf",
}
FALLBACKS = {
    Script.DEVANAGARI: "truetype/noto/NotoSansDevanagari-Regular.ttf",
    Script.ARABIC: "truetype/noto/NotoSansArabic-Regular.ttf",
    Script.CJK: "truetype/droid/DroidSansFallbackFull.ttf",
}
_RANGES = (
    (
        Script.ARABIC,
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    (Script.DEVANAGARI, ((0x0900, 0x097F), (0xA8E0, 0xA8FF))),
    (
        Script.CJK,
        ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF)),
    ),
)


def script_of(char: str) -> Script | None:
    """The script a character needs a face for; None for neutral characters (spaces,
    digits, punctuation), which take the face of the text around them."""
    code = ord(char)
    for script, ranges in _RANGES:
        if any(low <= code <= high for low, high in ranges):
            return script
    if char.isalpha():
        return Script.BASE
    return None


@dataclass(frozen=True)
class Face:
    name: str  # the reportlab font name
    shaped: bool  # set through HarfBuzz (complex scripts)


class FontBook:
    def __init__(self, font_dir: str) -> None:
        self._dir = Path(font_dir)
        self._lock = threading.Lock()
        self._registered: set[str] = set()

    def families(self) -> frozenset[str]:
        """The families a template may use: those whose file is installed."""
        return frozenset(name for name, path in FAMILIES.items() if (self._dir / path).is_file())

    def missing_fallbacks(self) -> list[str]:
        return [str(self._dir / path) for path in FALLBACKS.values() if not (self._dir / path).is_file()]

    def face(self, family: str, script: Script) -> Face:
        if script is Script.BASE:
            return Face(self._register(f"lms-{family}", FAMILIES[family], shaped=False), False)
        shaped = script is Script.DEVANAGARI  # Arabic is reshaped before it gets here
        return Face(self._register(f"lms-{script.value}", FALLBACKS[script], shaped=shaped), shaped)

    def _register(self, name: str, relative: str, *, shaped: bool) -> str:
        with self._lock:
            if name not in self._registered:
                pdfmetrics.registerFont(TTFont(name, str(self._dir / relative), shapable=shaped))
                self._registered.add(name)
        return name
