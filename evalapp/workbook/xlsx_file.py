"""Is the file a plain .xlsx workbook of a reasonable size? Recognised before anything is
parsed: an old .xls, an encrypted workbook, a .xlsm, an .ods, a text file, a cut-off copy, a
zip bomb; each refused in words a user understands (issue 12)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from evalapp.workbook.sheets import ImportIssue, WorkbookError

MAX_UNCOMPRESSED = 512 * 2**20  # bytes of XML once unzipped
MAX_STRINGS = 64 * 2**20    # bytes of the shared-strings part (all of it is held in memory)
MAX_RATIO = 100             # unzipped / zipped, for entries over 1 MB (a zip bomb is ~1000)
MAX_ENTRIES = 5_000         # files inside the zip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
FILE = ""  # ImportIssue.sheet of a problem with the whole file ("工作簿文件:...")


def fatal(message: str, sheet: str = FILE) -> WorkbookError:
    return WorkbookError([ImportIssue(sheet, None, None, None, message)])


def check_file(path: Path) -> None:
    """Refuse, in words a user understands, anything that is not a plain .xlsx workbook of a
    reasonable size."""
    if not path.exists():
        raise fatal(f"找不到文件“{path}”")
    if path.is_dir():
        raise fatal(f"“{path}”是文件夹,不是工作簿文件")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        raise fatal(f"无法打开文件“{path}”(没有读取权限,或文件正被占用)") from None
    if not head:
        raise fatal("文件是空的(0 字节),不是 Excel 工作簿")
    if head == OLE_MAGIC:
        raise fatal(_ole_message(path))
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise fatal("工作簿文件不完整或已损坏(可能没有复制或下载完整),无法读取:"
                         "请重新复制原文件,或在 Excel 中打开后另存再导入")
        raise fatal(_not_zip_message(path))
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive)
    except zipfile.BadZipFile:
        raise fatal("工作簿文件已损坏(压缩包结构不完整),无法读取") from None


def _ole_message(path: Path) -> str:
    """An OLE compound file: an encrypted (password-protected) .xlsx, or an old .xls."""
    data = path.read_bytes()[: 4 * 2**20]
    if any(mark in data for mark in ENCRYPTED_MARKS):
        return ("工作簿设置了打开密码(文件已加密),无法读取:请在 Excel 中用密码打开,"
                "在“文件 → 信息 → 保护工作簿 → 用密码进行加密”中清除密码,保存后再导入")
    return ("这是旧版 Excel 97-2003 工作簿(.xls),不能直接导入:请在 Excel 中打开,"
            "“另存为”Excel 工作簿(.xlsx)后再导入")


def _not_zip_message(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return f"这是文本文件({suffix}),不是 Excel 工作簿:请在 Excel 中另存为 .xlsx 后再导入"
    return ("文件不是 Excel 工作簿(.xlsx),内容无法识别:请选择用 Excel 保存的 .xlsx 文件"
            + (f"(此文件的扩展名为“{suffix}”)" if suffix and suffix != ".xlsx" else ""))


def _check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "mimetype" in names and "content.xml" in names:
        raise fatal("这是 OpenDocument 表格(.ods),不是 Excel 工作簿:"
                     "请另存为 Excel 工作簿(.xlsx)后再导入")
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise fatal("文件是压缩包,但不是 Excel 工作簿(.xlsx):请选择用 Excel 保存的 .xlsx 文件")
    content_types = archive.read("[Content_Types].xml")[: 2**20]
    if (path.suffix.lower() == ".xlsm" or b"macroEnabled" in content_types
            or any(n.lower().endswith("vbaproject.bin") for n in names)):
        raise fatal("这是启用宏的工作簿(.xlsm),为安全起见不导入:请在 Excel 中“另存为”"
                     "Excel 工作簿(.xlsx,不含宏)后再导入")
    if len(infos) > MAX_ENTRIES:
        raise fatal(f"工作簿内部文件过多({len(infos)} 个,上限 {MAX_ENTRIES}),不像考评工作簿")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise fatal(f"工作簿解压后有 {total // 2**20} MB,超过上限 {MAX_UNCOMPRESSED // 2**20} MB:"
                     "请删除多余的工作表、行、列或格式后再导入")
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > MAX_STRINGS:
            raise fatal(f"工作簿中的文字共有 {info.file_size // 2**20} MB,超过上限 "
                         f"{MAX_STRINGS // 2**20} MB,不像考评工作簿:请删除多余的内容后再导入")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise fatal(f"工作簿内部文件“{info.filename}”的压缩比异常"
                         f"({info.compress_size} 字节解压后为 {info.file_size} 字节),"
                         "可能是恶意构造的文件,不导入")
