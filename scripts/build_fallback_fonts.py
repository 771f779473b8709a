"""Rebuild the rare-character fallback fonts in resources/fonts/ from their Debian packages.

The 公文 fonts (FandolFang, Noto Serif SC subset to GB2312) and WenQuanYi Micro Hei cover
the common characters. Names may use any CJK ideograph (䶮 U+4DAE in Extension A, 𠇔 U+201D4
and 𪚥 U+2A6A5 in Extension B, 堃 犇 昇 … outside GB2312), so the documents and the UI fall
back, per character, to these Ming (宋体-style) fonts:

- HanaMin A/B (Debian ``fonts-hanazono``, Hanazono Font License or OFL 1.1; used here under
  the Hanazono Font License, which allows modification): URO outside GB2312, Extension A,
  the compatibility ideographs, and Extensions B–F — split into files under 12 MB each;
- BabelStone Han (Debian ``fonts-babelstone-han``, Arphic Public License; a few glyphs
  CC BY-SA): the ideographs HanaMin lacks, mostly Extensions G and H.

Each output keeps only its share of the code points (subset with fontTools, no hinting, no
layout tables) and gets its own family name (``EvMing*``) so that Qt can list them as
separate fallback families. Deterministic: same package versions → same bytes.

Usage::

    .venv/bin/python scripts/build_fallback_fonts.py              # apt-get download + convert
    .venv/bin/python scripts/build_fallback_fonts.py --debs DIR   # .deb files already here
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_fonts import FIXED_TIME, OUT, charset  # noqa: E402

PACKAGES = {"fonts-hanazono": "20170904-2.1", "fonts-babelstone-han": "15.0.5-2"}
HANA = "usr/share/fonts/truetype/hanazono"
BABEL = "usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"


def span(lo: int, hi: int) -> set[int]:
    return set(range(lo, hi + 1))


URO = span(0x4E00, 0x9FFF)
EXT_A = span(0x3400, 0x4DBF)
EXT_B = span(0x20000, 0x2A6DF)
EXT_C_F = span(0x2A700, 0x2EBEF)
EXT_G_H = span(0x30000, 0x323AF)
COMPAT = span(0xF900, 0xFAFF) | span(0x2F800, 0x2FA1F)
ALL_CJK = URO | EXT_A | EXT_B | EXT_C_F | EXT_G_H | COMPAT
B_SPLIT = 0x25400  # Extension B in two halves of ~11 MB


@dataclass(frozen=True)
class Target:
    output: str
    family: str
    source: str
    points: str  # key of the code point set, resolved in ``wanted``


TARGETS = [
    Target("EvMingA.ttf", "EvMingA", f"{HANA}/HanaMinA.ttf", "a"),
    Target("EvMingB1.ttf", "EvMingB1", f"{HANA}/HanaMinB.ttf", "b1"),
    Target("EvMingB2.ttf", "EvMingB2", f"{HANA}/HanaMinB.ttf", "b2"),
    Target("EvMingC.ttf", "EvMingC", f"{HANA}/HanaMinB.ttf", "c"),
    Target("EvMingG.ttf", "EvMingG", BABEL, "g"),
]


def wanted(key: str, tree: Path) -> set[int]:
    if key == "a":  # GB2312 is in the bundled Noto Serif SC already
        return (URO - charset("gb2312")) | EXT_A | COMPAT
    if key == "b1":
        return {c for c in EXT_B if c < B_SPLIT}
    if key == "b2":
        return {c for c in EXT_B if c >= B_SPLIT}
    if key == "c":
        return EXT_C_F
    covered = set()
    for name in ("HanaMinA.ttf", "HanaMinB.ttf"):
        covered |= set(TTFont(tree / HANA / name, lazy=True).getBestCmap())
    return ALL_CJK - covered


def rename(font: TTFont, family: str) -> None:
    """Own family/full/PostScript names; copyright and licence records stay."""
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 18):
            value = {1: family, 3: f"{family};evalapp", 4: family, 6: family,
                     16: family, 17: "Regular", 18: family}[record.nameID]
            record.string = value


def build(target: Target, tree: Path, out: Path) -> Path:
    font = TTFont(tree / target.source, recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "FFTM", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted(target.points, tree) & set(font.getBestCmap()))
    subsetter.subset(font)
    rename(font, target.family)
    font["head"].created = font["head"].modified = FIXED_TIME
    path = out / target.output
    font.save(path)
    print(f"{target.output}: {len(font.getBestCmap())} characters, "
          f"{path.stat().st_size / 1e6:.1f} MB", flush=True)
    return path


def write_licences(tree: Path, out: Path) -> None:
    doc = tree / "usr/share/doc"
    hana = (doc / "fonts-hanazono/copyright").read_text(encoding="utf-8")
    (out / "LICENSE-hanazono.txt").write_text(
        "HanaMinA / HanaMinB (花園明朝), © GlyphWiki Project.\n"
        f"Source: Debian package fonts-hanazono {PACKAGES['fonts-hanazono']}.\n"
        "Dual licence: Hanazono Font License, or SIL OFL 1.1. The files EvMingA.ttf, "
        "EvMingB1.ttf, EvMingB2.ttf and EvMingC.ttf are modified versions (subset, renamed) "
        "distributed under the Hanazono Font License.\n\n" + hana, encoding="utf-8")
    babel = (doc / "fonts-babelstone-han/copyright").read_text(encoding="utf-8")
    (out / "LICENSE-babelstone-han.txt").write_text(
        "BabelStone Han, © Arphic Technology Co., Ltd.; Andrew West (BabelStone); "
        "Christopher J. Fynn.\n"
        f"Source: Debian package fonts-babelstone-han {PACKAGES['fonts-babelstone-han']}.\n"
        "Licence: Arphic Public License (below); some symbol glyphs CC BY-SA 3.0/4.0. "
        "EvMingG.ttf is a derivative (subset to the ideographs HanaMin lacks, renamed), "
        "distributed under the same licence.\n\n" + babel, encoding="utf-8")


def extract(debs: Path, tree: Path) -> Path:
    for deb in sorted(debs.glob("*.deb")):
        if any(deb.name.startswith(name + "_") for name in PACKAGES):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    return tree


def download(workdir: Path) -> Path:
    for name, version in PACKAGES.items():
        subprocess.run(["apt-get", "download", f"{name}={version}"], cwd=workdir, check=True)
    return extract(workdir, workdir / "x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debs", type=Path, help="folder holding the downloaded .deb files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = extract(args.debs, Path(tmp) / "x") if args.debs else download(Path(tmp))
        for target in TARGETS:
            build(target, tree, args.out)
        write_licences(tree, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
