"""Images for the good-example tests: real JPEGs, some carrying a GPS position in EXIF."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg(color: tuple[int, int, int] = (200, 60, 40), size: tuple[int, int] = (64, 48), *, gps: bool = False) -> bytes:
    img = Image.new("RGB", size, color)
    out = BytesIO()
    if gps:
        exif = Image.Exif()
        exif[MAKE] = "TestCam"
        exif.get_ifd(GPS_IFD).update(
            {
                1: "N",
                2: (21.0, 1.0, 41.0),  # Hà Nội, 21°01'41" N
                3: "E",
                4: (105.0, 50.0, 3.0),
            }
        )
        img.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    else:
        img.save(out, "JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 128)).save(out, "PNG")
    return out.getvalue()


def gps_of(data: bytes) -> dict:
    with Image.open(BytesIO(data)) as img:
        return dict(img.getexif().get_ifd(GPS_IFD))


def exif_of(data: bytes) -> dict:
    with Image.open(BytesIO(data)) as img:
        return dict(img.getexif())
