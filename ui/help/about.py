"""关于: version, the licences of the program's parts and of the bundled fonts."""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox

from evalapp import APP_NAME, __version__
from evalapp.paths import user_data_dir

FONTS = (("文泉驿微米黑 WenQuanYi Micro Hei", "界面、黑体", "Apache-2.0 / GPLv3(含字体例外)"),
         ("FandolFang、FandolKai", "仿宋、楷体", "GPLv3(含 GPL 字体例外)"),
         ("Noto Serif SC(思源宋体)", "宋体、小标宋替代", "SIL Open Font License 1.1"))
COMPONENTS = (("Qt 6 / PySide6", "LGPLv3"), ("SQLAlchemy、Alembic", "MIT"),
              ("openpyxl", "MIT"), ("reportlab", "BSD"), ("Python", "PSF License"))


def about_html() -> str:
    fonts = "".join(f"<tr><td>{name}</td><td>{role}</td><td>{licence}</td></tr>"
                    for name, role, licence in FONTS)
    parts = "、".join(f"{name}({licence})" for name, licence in COMPONENTS)
    return (f"<h3>{APP_NAME}</h3><p>版本 {__version__}(Python {sys.version.split()[0]},"
            f"PySide6 {pyside_version})<br/>全部离线运行,不连接网络。</p>"
            f"<p><b>随程序附带的字体</b>(许可证全文见程序目录 resources/fonts/):</p>"
            f"<table cellspacing='0' cellpadding='3' border='1'>"
            f"<tr><th>字体</th><th>用途</th><th>许可证</th></tr>{fonts}</table>"
            f"<p><b>使用的开源组件</b>:{parts}。</p>"
            f"<p>数据文件夹:{user_data_dir()}</p>")


def show_about(parent=None) -> None:
    QMessageBox.about(parent, "关于", about_html())
