"""Rebuild the 公文 fonts in resources/fonts/ from their Debian packages (needs fontTools).

reportlab embeds TrueType outlines only, while FandolFang and Noto Serif CJK are CFF
(PostScript) fonts; this script converts them once with fontTools' cu2qu and, for the large
Noto faces, subsets them to GB2312 plus the symbols the documents print (a GBK subset would
be 18.5 MB per face). Characters outside a font fall back, per character, to the next font of
the stack in ``evalapp/reports/fonts.py`` and finally to WenQuanYi Micro Hei.

Usage::

    .venv/bin/python scripts/build_fonts.py                 # apt-get download into a temp dir
    .venv/bin/python scripts/build_fonts.py --debs /tmp/x   # .deb files already downloaded
    .venv/bin/python scripts/build_fonts.py --charset gb2312 --only noto-regular

The output is deterministic (fixed timestamps), so re-running it reproduces the committed
files byte for byte given the same package versions (listed in resources/fonts/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"
FIXED_TIME = 0x0000_0000_E1A0_0000  # head.created/modified: a fixed date for reproducibility

PACKAGES = {
    "texlive-lang-chinese": "2022.20230122-1",
    "fonts-noto-cjk": "1:20220127+repack1-1",
}
FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
NOTO_DIR = "usr/share/fonts/opentype/noto"
NOTO_SC_INDEX = 2  # JP, KR, SC, TC, HK in NotoSerifCJK-*.ttc


@dataclass(frozen=True)
class Target:
    key: str
    source: str  # path inside the extracted packages
    font_number: int
    output: str
    subset: bool
    drop: tuple[int, ...] = ()  # code points whose glyph is wrong and must fall back


TARGETS = [
    # FandolFang draws U+FFE5 (fullwidth yen) as "$": drop it so ￥ falls back to Noto.
    Target("fandol-fang", f"{FANDOL_DIR}/FandolFang-Regular.otf", 0,
           "FandolFang-Regular.ttf", subset=False, drop=(0xFFE5,)),
    Target("fandol-kai", f"{FANDOL_DIR}/FandolKai-Regular.otf", 0,
           "FandolKai-Regular.ttf", subset=False, drop=(0xFFE5,)),
    Target("noto-regular", f"{NOTO_DIR}/NotoSerifCJK-Regular.ttc", NOTO_SC_INDEX,
           "NotoSerifSC-Regular.ttf", subset=True),
    Target("noto-bold", f"{NOTO_DIR}/NotoSerifCJK-Bold.ttc", NOTO_SC_INDEX,
           "NotoSerifSC-Bold.ttf", subset=True),
]


def charset(name: str) -> set[int]:
    """Code points of GB2312 or GBK (all double-byte codes that decode), plus ASCII/Latin-1,
    general punctuation, CJK symbols, full-width forms and the shapes the documents print."""
    codec = "gb2312" if name == "gb2312" else "gbk"
    lead = range(0xA1, 0xF8) if codec == "gb2312" else range(0x81, 0xFF)
    trail = range(0xA1, 0xFF) if codec == "gb2312" else range(0x40, 0xFF)
    points: set[int] = set()
    for hi in lead:
        for lo in trail:
            try:
                points.update(map(ord, bytes((hi, lo)).decode(codec)))
            except UnicodeDecodeError:
                pass
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F),
              (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x25FF),
              (0x2600, 0x26FF), (0x2700, 0x27BF), (0x3000, 0x303F), (0x3200, 0x32FF),
              (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
    for lo, hi in ranges:
        points.update(range(lo, hi + 1))
    return points


def download(workdir: Path) -> Path:
    """apt-get download the pinned packages and extract them with dpkg-deb -x."""
    tree = workdir / "x"
    for name, version in PACKAGES.items():
        spec = f"{name}={version}"
        print(f"apt-get download {spec}", flush=True)
        subprocess.run(["apt-get", "download", spec], cwd=workdir, check=True)
    return extract(workdir, tree)


def extract(debs: Path, tree: Path) -> Path:
    for deb in sorted(debs.glob("*.deb")):
        if any(deb.name.startswith(name + "_") for name in PACKAGES):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(tree)], check=True)
    return tree


def _quadratic_glyphs(font: TTFont, max_err: float) -> dict:
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    return glyphs


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace the CFF table by glyf/loca (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = _quadratic_glyphs(font, max_err)
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        width = hmtx.metrics[name][0]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 0)
    maxp.maxComponentElements = 0
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: CID fonts have none worth keeping
    post.extraNames, post.mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def build(target: Target, tree: Path, out: Path, points: set[int], max_err: float) -> Path:
    started = time.perf_counter()
    font = TTFont(tree / target.source, fontNumber=target.font_number,
                  recalcTimestamp=False, lazy=False)
    if target.subset:
        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.layout_features = ["*"]
        options.hinting = False
        options.drop_tables += ["VORG", "vhea", "vmtx", "BASE"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=points & set(font.getBestCmap()))
        subsetter.subset(font)
    for table in font["cmap"].tables:
        for code in target.drop:
            table.cmap.pop(code, None)
    cff_to_truetype(font, max_err)
    font["head"].created = font["head"].modified = FIXED_TIME
    path = out / target.output
    font.save(path)
    size = path.stat().st_size / 1e6
    print(f"{target.output}: {len(font.getBestCmap())} characters, {size:.1f} MB, "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return path


def write_licences(tree: Path, out: Path) -> None:
    fandol_doc = tree / "usr/share/doc/texlive-doc/fonts/fandol"
    gpl = gzip.decompress((fandol_doc / "COPYING.gz").read_bytes()).decode()
    readme = (fandol_doc / "README").read_text()
    (out / "LICENSE-fandol.txt").write_text(
        "Fandol fonts (FandolFang-Regular, FandolKai-Regular), by the Fandol team "
        "(Clerk Ma, Jie Su).\n"
        "Source: Debian package texlive-lang-chinese "
        f"{PACKAGES['texlive-lang-chinese']}, CTAN fandol v0.3.\n"
        "Licence: GNU GPL version 3 with the GPL font exception (README below).\n"
        "FandolFang-Regular.ttf and FandolKai-Regular.ttf here are converted from CFF to "
        "TrueType outlines with fontTools (scripts/build_fonts.py); U+FFE5 was removed from "
        "their cmaps.\n\n"
        "Font exception: As a special exception, if you create a document which uses this "
        "font, and embed this font or unaltered portions of this font into the document, "
        "this font does not by itself cause the resulting document to be covered by the GNU "
        "General Public License. This exception does not however invalidate any other "
        "reasons why the document might be covered by the GNU General Public License.\n\n"
        "---- README ----\n" + readme + "\n---- COPYING ----\n" + gpl, encoding="utf-8")
    copyright_text = (tree / "usr/share/doc/fonts-noto-cjk/copyright").read_text()
    ofl = copyright_text[copyright_text.index("License: SIL-1.1\n -"):]
    ofl = "\n".join(line.removeprefix(" ")
                    for line in ofl.splitlines()[1:]).replace("\n.\n", "\n\n")
    (out / "LICENSE-noto-cjk.txt").write_text(
        "Noto Serif CJK SC (Regular, Bold). © 2017-2022 Adobe (http://www.adobe.com/); "
        "see the font's name table.\n"
        f"Source: Debian package fonts-noto-cjk {PACKAGES['fonts-noto-cjk']}.\n"
        "Licence: SIL Open Font License 1.1 (below).\n"
        "NotoSerifSC-*.ttf here are Modified Versions: subset to GB2312 + symbols and converted "
        "from CFF to TrueType outlines with fontTools (scripts/build_fonts.py).\n\n" + ofl,
        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debs", type=Path, help="folder holding the downloaded .deb files")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--charset", choices=["gb2312", "gbk"], default="gb2312")
    parser.add_argument("--max-err", type=float, default=1.0, help="cu2qu error in font units")
    parser.add_argument("--only", action="append", choices=[t.key for t in TARGETS])
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tree = (extract(args.debs, Path(tmp) / "x") if args.debs else download(Path(tmp)))
        points = charset(args.charset)
        for target in TARGETS:
            if not args.only or target.key in args.only:
                build(target, tree, args.out, points, args.max_err)
        write_licences(tree, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
