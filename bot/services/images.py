"""Photos people send are re-encoded before anyone else sees them: the copy we keep has no
EXIF (no GPS position, no camera serial, no time taken), no XMP, no comments, no ICC
profile. Plain Pillow, no Telegram."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from bot.services.errors import InvalidInput

MAX_SIDE = 2048  # px: plenty for an article, and a photo stays a few hundred kB
MAX_PIXELS = 50_000_000  # a larger image is refused before it is decoded (decompression bombs)
JPEG_QUALITY = 85


@dataclass(frozen=True)
class CleanImage:
    data: bytes  # JPEG, no metadata
    width: int
    height: int


def strip_image(data: bytes) -> CleanImage:
    from PIL import Image, ImageOps, UnidentifiedImageError  # on first use: Pillow is large

    """Decode, apply the EXIF orientation, drop every metadata block, re-encode as JPEG.

    Raises InvalidInput("photo_unreadable") for anything Pillow cannot read as an image.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as src:
                if src.width * src.height > MAX_PIXELS:
                    raise InvalidInput("photo_unreadable")
                src.seek(0)  # the first frame of an animation
                upright = ImageOps.exif_transpose(src)
                upright.load()
                if upright.mode in ("RGBA", "LA", "P", "PA"):
                    rgba = upright.convert("RGBA")
                    flat = Image.new("RGB", rgba.size, (255, 255, 255))
                    flat.paste(rgba, mask=rgba.getchannel("A"))
                    upright = flat
                elif upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                # A new image built from the pixels alone: nothing of src.info can follow it.
                clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    except InvalidInput:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise InvalidInput("photo_unreadable") from None
    out = BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanImage(out.getvalue(), clean.width, clean.height)
