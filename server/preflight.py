"""What the app checks of its installation when it starts, so that a missing part fails loudly, in one line.

A missing ``node_modules`` once left the resident's signature pad silently doing nothing; a missing font
broke the door labels only when a head first printed them. Both now stop the app before the first request.
"""
from __future__ import annotations

import os
from pathlib import Path

from server.config import ConfigError


def check_installation(config) -> None:
    """Check the front-end assets, the label font and the instance and upload folders.

    Raises:
        ConfigError: naming what is missing and how to put it in place.
    """
    from server.services.registry.font import CJKFontMissing, cjk_font
    from server.web.assets import missing_vendor_files

    missing = missing_vendor_files(config["ASSETS_DIR"])
    if missing:
        raise ConfigError(f"前端资源缺失（{config['ASSETS_DIR']} 中没有 {missing[0]} 等 {len(missing)} 个文件）："
                          "请在项目目录运行 npm ci（或 make assets），或用 ASSETS_DIR 指向已安装的 node_modules")
    _writable_folder("UPLOAD_DIR", Path(config["UPLOAD_DIR"]))
    if config["QIAOMEN_ENV"] != "production" or config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Development keeps its keys there and SQLite its file; production on PostgreSQL writes nothing there.
        _writable_folder("INSTANCE_DIR", Path(config["INSTANCE_DIR"]))
    try:
        cjk_font(config.get("LABEL_FONT") or None)
    except CJKFontMissing as missing_font:
        raise ConfigError(f"门牌标签字体缺失：{missing_font}") from None


def _writable_folder(name: str, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{name} 目录 {folder} 无法创建（{exc.strerror}）：请检查路径和权限") from None
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise ConfigError(f"{name} 目录 {folder} 不可读写：请让运行本服务的用户拥有该目录的读写权限")
