#!/usr/bin/env python
"""Draw the site icons (favicon.ico, touch and manifest PNGs) into rencai/static/rencai/icons:
the header's brand mark, 才 in white on the brand red, in the card's own font. Run once
after changing the mark: `.venv/bin/python scripts/make-icons.py`; the output is committed."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rencai" / "static" / "rencai" / "icons"
FONT = ROOT / "rencai" / "cards" / "fonts" / "wqy-microhei.ttc"
BRAND = (179, 38, 30)  # --brand in site.css


def icon(size: int, *, round_mark: bool) -> Image.Image:
    scale = 4  # draw large, then downsample for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if round_mark:
        draw.ellipse((0, 0, big - 1, big - 1), fill=BRAND)
    else:  # maskable: full bleed, the glyph inside the safe zone
        draw.rectangle((0, 0, big, big), fill=BRAND)
    font = ImageFont.truetype(str(FONT), int(big * (0.62 if round_mark else 0.5)), index=0)
    draw.text((big / 2, big / 2), "才", font=font, fill="white", anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(64, round_mark=True).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    icon(180, round_mark=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        icon(size, round_mark=True).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, round_mark=False).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
