"""Finding the Chinese font that PDFs embed.

In this order: the file named by ``JIANGPU_CJK_FONT``; then fontconfig's
Noto Serif/Sans CJK SC (Debian's fonts-noto-cjk); then other common Chinese
families. A missing font is an error that says what to install: a PDF
whose Chinese prints as empty boxes is worse than no PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "JIANGPU_CJK_FONT"
FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC",
            "WenQuanYi Zen Hei", "AR PL UMing CN")
# The family name used in CSS for a font given by file.
FILE_FAMILY = "JiangpuCJK"
MISSING = ("找不到可嵌入 PDF 的中文字体。请以 root 运行 apt-get install fonts-noto-cjk（Debian 软件包），"
           f"或设置环境变量 {ENV_VAR} 指向一个中文字体文件（.otf/.ttf/.ttc）。")


class FontNotFound(Exception):
    """No Chinese font: the message (Chinese) says how to install one."""


@dataclass(frozen=True, slots=True)
class ChineseFont:
    family: str
    file: Path | None = None  # set when the font came from the environment variable

    def css(self) -> str:
        """CSS that makes ``family`` usable: an @font-face for a file, nothing for a system font."""
        if self.file is None:
            return ""
        return f'@font-face {{ font-family: "{FILE_FAMILY}"; src: url("{self.file.resolve().as_uri()}"); }}\n'


Runner = Callable[[list[str]], str]


def _fc_match(args: list[str]) -> str:
    if shutil.which(args[0]) is None:
        return ""
    done = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    return done.stdout if done.returncode == 0 else ""


def find_font(environ: Mapping[str, str], run: Runner = _fc_match) -> ChineseFont:
    named = environ.get(ENV_VAR)
    if named:
        path = Path(named)
        if not path.is_file():
            raise FontNotFound(f"环境变量 {ENV_VAR} 指向的字体文件不存在：{named}")
        return ChineseFont(FILE_FAMILY, path)
    for family in FAMILIES:
        # fc-match always answers with something; only an exact family match counts.
        found = run(["fc-match", "--format=%{family}", family])
        if family in found.split(","):
            return ChineseFont(family)
    raise FontNotFound(MISSING)
