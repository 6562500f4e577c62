"""`nianbao addin install | remove [--dry-run]`: the 年报 add-in into Excel's startup folder (XLSTART).

install writes a copy of the add-in whose own config sheet (nianbao.conf) holds the Python interpreter
of the environment nianbao is installed in — so staff configure nothing, and since the add-in's VBA reads
settings only from itself and the user's own file, no workbook can change that interpreter. The user
XLSTART folder is one of Excel's default trusted locations, so the add-in's macros run without a prompt
and without a Trust Center change. On Linux (no Excel) it says so and points to the command line.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from addin.messages import REFUSALS, refuse

ADDIN_FILE = "nianbao.xlam"
MAC_STARTUP = ("Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")
NO_EXCEL = REFUSALS["addin.no_excel"]    # also what a dry run on such a machine says


@dataclass
class Plan:
    action: str
    platform: str
    target: Path | None = None
    interpreter: str = ""
    conf: dict[str, str] = field(default_factory=dict)
    extra: list[list[str]] = field(default_factory=list)   # commands to run (Mac: xlwings runpython install)


def kind(platform: str) -> str:
    return "win" if platform.startswith("win") else "mac" if platform == "darwin" else "other"


def startup_dir(platform: str, home: Path, env: dict) -> Path | None:
    k = kind(platform)
    if k == "win":
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if k == "mac":
        return home / MAC_STARTUP
    return None


def plan(action: str, platform: str | None = None, home: Path | None = None, env: dict | None = None,
         executable: str | None = None) -> Plan:
    platform = platform or sys.platform
    home = home or Path.home()
    env = dict(os.environ if env is None else env)
    executable = executable or sys.executable
    folder = startup_dir(platform, home, env)
    if folder is not None and kind(platform) != kind(sys.platform):   # describing another OS (tests, --dry-run)
        folder = (PureWindowsPath if kind(platform) == "win" else PurePosixPath)(str(folder).replace("/", "\\")
                                                                                   if kind(platform) == "win" else str(folder))
    p = Plan(action, platform, None if folder is None else folder / ADDIN_FILE, executable)
    if action == "install" and folder is not None:
        p.conf = {"INTERPRETER_WIN" if kind(platform) == "win" else "INTERPRETER_MAC": executable}
        if kind(platform) == "mac":
            p.extra.append([executable, "-m", "xlwings.cli", "runpython", "install"])
    return p


def describe(p: Plan, dry_run: bool) -> str:
    if p.target is None:
        return NO_EXCEL
    will = "将" if dry_run else "已"
    lines = [("（试运行，不做任何修改）" if dry_run else "")]
    if p.action == "install":
        lines += [f"{will}写入加载项：{p.target}",
                  f"{will}在加载项的配置表（nianbao.conf）中写入 Python：{p.interpreter}"]
        lines += [f"{will}运行：{' '.join(cmd)}" for cmd in p.extra]
        lines += ["完成后请重新启动 Excel，功能区会出现“年报”选项卡（校验、清除标记、导出报告、新建模板、规则说明）。",
                  "加载项放在 Excel 的启动文件夹（XLSTART），这是 Excel 默认的受信任位置，宏可直接运行，"
                  "一般无需更改信任中心设置。"]
    else:
        exists = hasattr(p.target, "exists") and p.target.exists()
        lines.append(f"{will}删除加载项：{p.target}" if exists or dry_run else f"未安装加载项（{p.target} 不存在）。")
        lines.append("重新启动 Excel 后“年报”选项卡消失。")
    return "\n".join(x for x in lines if x)


def execute(p: Plan) -> None:
    from addin.excel import xlambuild
    from addin.io import atomic

    if p.target is None:
        raise refuse("addin.no_excel")
    try:
        if p.action == "install":
            p.target.parent.mkdir(parents=True, exist_ok=True)
            with atomic.atomic_path(p.target) as tmp:
                tmp.write_bytes(xlambuild.build(p.conf))
            for cmd in p.extra:
                subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        elif p.target.exists():
            p.target.unlink()
    except PermissionError:
        raise refuse("output.locked:addin", target=p.target)
    except OSError as e:
        raise refuse("output.readonly:addin", target=p.target, reason=e.strerror)
    except subprocess.SubprocessError:
        raise refuse("addin.runpython")


def run(action: str, dry_run: bool = False, **kw) -> str:
    p = plan(action, **kw)
    if p.target is None:
        if dry_run:
            return NO_EXCEL
        raise refuse("addin.no_excel")
    text = describe(p, dry_run)
    if not dry_run:
        execute(p)
    return text
