"""Image variants with Pillow: EXIF orientation applied then all metadata dropped,
decompression bombs refused from the header before any pixel is decoded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError, features

from lms_file.domain.errors import ContentRefused
from lms_file.domain.model import Variant
from lms_file.handlers.ports import RenderedVariant

# 40 megapixels: a 12 MP phone photo passes, a 20000 x 20000 "bomb" does not.
DEFAULT_MAX_PIXELS = 40_000_000


def _refused(description: str) -> ContentRefused:
    return ContentRefused("content_type", "IMAGE_REFUSED", description)


class PillowVariants:
    def __init__(self, *, max_pixels: int = DEFAULT_MAX_PIXELS, avif: bool | None = None) -> None:
        self._max_pixels = max_pixels
        self._avif = features.check("avif") if avif is None else avif

    @property
    def formats(self) -> tuple[str, ...]:
        return ("webp", "avif", "jpg") if self._avif else ("webp", "jpg")

    def render(self, source: Path, widths: Sequence[int]) -> list[RenderedVariant]:
        try:
            with Image.open(source) as opened:
                if opened.width * opened.height > self._max_pixels:
                    raise _refused(
                        f"{opened.width} x {opened.height} pixels is above the limit of {self._max_pixels}"
                    )
                if getattr(opened, "n_frames", 1) > 1:
                    raise _refused("animated images are not accepted")
                if widths:  # JPEG decodes at 1/2, 1/4, 1/8 scale when that still covers the widest variant
                    opened.draft("RGB", (max(widths), max(widths)))
                opened.load()
                upright = ImageOps.exif_transpose(opened)
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as broken:
            raise _refused(f"the image cannot be decoded ({type(broken).__name__})") from broken
        alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        base = upright.convert("RGBA" if alpha else "RGB")
        targets = sorted({w for w in widths if w <= base.width}) or [base.width]
        rendered = []
        for width in targets:
            height = max(1, round(base.height * width / base.width))
            resized = base if width == base.width else base.resize((width, height), Image.Resampling.LANCZOS)
            for fmt in self.formats:
                rendered.append(self._encode(resized, width, fmt))
        return rendered

    def _encode(self, image: Image.Image, width: int, fmt: str) -> RenderedVariant:
        out = io.BytesIO()
        if fmt == "webp":
            image.save(out, "WEBP", quality=80, method=4)
            content_type = "image/webp"
        elif fmt == "avif":
            image.save(out, "AVIF", quality=60, speed=8)
            content_type = "image/avif"
        else:  # the JPEG fallback has no alpha channel
            flat = image.convert("RGB") if image.mode != "RGB" else image
            flat.save(out, "JPEG", quality=82, optimize=True, progressive=True)
            content_type = "image/jpeg"
        data = out.getvalue()
        return RenderedVariant(Variant(f"w{width}.{fmt}", content_type, width, image.height, len(data)), data)
