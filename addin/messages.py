"""The message catalogue: what staff read when we refuse an input or a document breaks the schema.

Rule messages are data (schema/rules-*.json "messages"); these are the program's own. A refusal's key is
its stable message id (`UserError.code`, listed in docs/bad-input.md), with `:variant` where one id has
several wordings. Fields in {braces} are filled in by `refuse` and `problem`.
"""
from __future__ import annotations

from addin.errors import UserError

REFUSALS = {
    "args.to": "--to 的取值“{text}”无效：可选 {choices}（用逗号分隔，如 --to docx,html）。",
    "args.year:range": "--year {year} 不在 {minimum}–{maximum} 之间（本格式自 {minimum} 年度起适用）。",
    "args.year:rollup": "无法确定汇总年度（各单位的报告年度：{years}），请用 --year 指定。",
    "input.prior_missing": "在文件夹 {folder} 中没有找到“{organ}”{year} 年度的工作簿（按机关名称和年度对应）。"
                           "请直接给出上年工作簿的文件名。",
    "input.prior_year": "{source} 是 {prior_year} 年度的报告，本年报告是 {year} 年度；跨年核对需要 {wanted} 年度的报告。",
    "input.nothing_to_roll_up": "没有可以汇总的单位：{units}",
    "input.missing": "无法读取文件 {path}：{reason}。请检查路径。",
    "input.unreadable": "无法读取文件 {path}：{reason}。请检查路径。",
    "json.schema": "数据文档 {path} 不符合格式，未生成工作簿：\n{problems}",
    "json.too_large": "文件 {path} 过大（{size} MB，上限 {limit} MB），不像年报数据文档。",
    "json.encoding": "文件 {path} 不是 UTF-8 编码的 JSON 文本。请用 nianbao dump 生成数据文档。",
    "json.invalid:syntax": "文件 {path} 不是有效的 JSON（第 {line} 行第 {column} 列：{reason}）。",
    "json.invalid:depth": "文件 {path} 的 JSON 嵌套过深，不是年报数据文档。",
    "json.not_object": "文件 {path} 不是年报数据文档（顶层应为对象）。请用 nianbao dump 生成数据文档。",
    "output.exists:newer": "输出文件 {target} 已存在，且比工作簿 {workbook} 新（可能已手工修改过），未导出任何文件。"
                           "如确要覆盖，请加 --force；或用 --out 指定其他文件夹。",
}

# What is wrong with a value in a report document (JSON Schema errors), for the S*/B4 rule messages.
PROBLEMS = {
    "structure.required": "缺少 {missing}",
    "structure.extra": "含有格式之外的项目：{extra}",
    "structure.const": "format 应为 “{expected}”，这里是 “{found}”",
    "structure.type": "应为{types}",
    "structure.max_items": "最多 {limit} 项，这里有 {count} 项",
    "structure.other": "不符合数据文档的格式（{keyword}）",
    "text.too_long": "文字过长（上限 {limit} 字），请精简。",
    "text.type": "应为{types}。",
    "text.too_many": "说明最多 {limit} 条，这里有 {count} 条。",
    "text.required": "每条说明须有 规则编号(rule)、对象(target)、说明(text)。",
    "text.other": "不符合数据文档的格式（{keyword}）。",
    "number.boolean": "填的是逻辑值 {value}，应填{what}数字。",
    "number.not_number": "不是数字（{type}），应填{what}。",
    "number.nan": "不是有效数字，应填{what}。",
    "number.negative": "填的是负数 {value}，{what}不能为负数；没有的填 0。",
    "number.too_large": "数值 {value} 超出合理范围（上限 {limit}），请核实。",
    "number.decimal_count": "填的是小数 {value}，件数应为整数。",
    "number.decimals": "金额 {value} 超过 {decimals} 位小数（单位为万元，精确到元为 {decimals} 位小数），请四舍五入。",
    "number.other": "数值 {value} 不符合要求（{keyword} {expected}）。",
    "number.formula": "是公式且没有计算结果（工作簿未经 Excel 等程序重新计算保存），请直接填写数字。",
    "number.error_value": "显示错误值 {value}，请改为直接填写数字。",
    "number.dash": "填的是“{value}”，没有的请填 0，不要留空或填符号。",
    "number.text_format": "填的“{value}”是文本格式的数字（单元格格式为“文本”，或粘贴时带了文本格式）。"
                          "请把单元格格式改为“常规”或“数值”后重新输入 {value}。",
    "number.with_unit": "填的是文本“{value}”，请只填数字 {number}（不要带单位、空格或全角字符）。",
    "number.text": "填的是文本“{value}”，应填{what}数字；没有的填 0。",
    "organ.blank": "未填写，此项必填。",
    "organ.enum": "“{value}”不在可选范围内，请从下拉列表中选择：{choices}。",
    "organ.pattern": "“{value}”格式不对：{prompt}",
    "organ.range": "{value} 不在 {minimum}–{maximum} 之间（本格式自 {minimum} 年度起适用）。",
    "organ.too_long": "过长（上限 {limit} 字）。",
    "organ.type": "“{value}”应为{expected}。",
    "organ.other": "“{value}”不符合要求（{keyword}）。",
}


def refuse(key: str, **fields) -> UserError:
    """The UserError of a catalogued refusal; its code is the key without the variant."""
    return UserError(REFUSALS[key].format(**fields), code=key.split(":")[0])


def problem(key: str, **fields) -> str:
    return PROBLEMS[key].format(**fields)
