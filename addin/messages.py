"""The message catalogue: what staff read when we refuse an input or a document breaks the schema.

Rule messages are data (schema/rules-*.json "messages"); these are the program's own. A refusal's key is
its stable message id (`UserError.code`, listed in docs/bad-input.md), with `:variant` where one id has
several wordings. Fields in {braces} are filled in by `refuse` and `problem`.

Every refusal of the package is raised through `refuse` (tests/test_messages.py checks that no module
builds a UserError of its own); the modules compute only the values, never the words.
"""
from __future__ import annotations

from addin.errors import UserError

_CANNOT_READ_JSON = "无法读取文件 {path}：{reason}。请检查路径。"   # one wording, two ids (missing or not)

REFUSALS = {
    # --- the command line -------------------------------------------------------------------------------------
    "args.to": "--to 的取值“{text}”无效：可选 {choices}（用逗号分隔，如 --to docx,html）。",
    "args.year:range": "--year {year} 不在 {minimum}–{maximum} 之间（本格式自 {minimum} 年度起适用）。",
    "args.year:rollup": "无法确定汇总年度（各单位的报告年度：{years}），请用 --year 指定。",
    "args.control_char": "--{option} 的值含有换行或控制字符（{chars}），不能写入工作簿和报告标题。"
                         "请只写一行文字，如 --{option} 某县人民政府。",
    "args.jobs": "--jobs {jobs} 不是有效的进程数：请给 1 或更大的整数（本机有 {cores} 个处理器核，更多也不会更快）。",
    "args.audit_single": "--html 与 --to-workbook 只能用于一个文件。",
    # --- a workbook: the file and its zip container (io/container.py) ----------------------------------------
    "input.missing": "找不到文件：{path}。请检查文件名和路径。",
    "input.not_file": "{path} 不是文件。请给出 .xlsx 工作簿的路径。",
    "input.unreadable": "无法读取文件 {path}（{reason}）。请检查文件权限，或关闭占用该文件的程序。",
    "input.empty": "文件 {path} 是空的（0 字节）。请重新保存或重新获取该文件。",
    "input.too_large": "文件 {path} 过大（{size} MB，上限 {limit} MB），不像年报工作簿，已拒绝读取。",
    "input.encrypted": "文件 {path} 受密码保护（已加密）。请在 Excel/WPS 中打开，取消“用密码进行加密”后另存为 .xlsx 再试。",
    "input.xls": "文件 {path} 是旧版 .xls 工作簿。请在 Excel/WPS 中另存为“Excel 工作簿（*.xlsx）”。",
    "input.not_xlsx": "文件 {path} 不是 .xlsx 工作簿（可能是 CSV、文本或其他格式改了扩展名）。"
                      "请使用年报标准模板（nianbao template 生成）填报。",
    "input.corrupt": "文件 {path} 已损坏（压缩包不完整或无法解开）。请重新保存或重新获取该文件。",
    "input.too_many_parts": "文件 {path} 含 {count} 个部件（上限 {limit}），不像年报工作簿，已拒绝读取。",
    "input.zip_bomb": "文件 {path} 解压后过大（{size} MB）或压缩比异常（可能是“压缩炸弹”），已拒绝读取。",
    "input.docx": "文件 {path} 是 Word 文档，不是 .xlsx 工作簿。请使用年报标准模板填报。",
    "input.ods": "文件 {path} 是 OpenDocument（.ods）文件。请在 WPS/LibreOffice 中另存为“Excel 2007-365 (.xlsx)”再试。",
    "input.not_workbook": "文件 {path} 是压缩包，但不含 Excel 工作簿的内容。请使用年报标准模板填报。",
    "input.unsafe_xml": "文件 {path} 的部件 {part} 含不安全的 XML（文档类型声明：实体扩展或外部实体），可能是恶意文件，已拒绝读取。",
    "input.strict": "文件 {path} 是“Strict Open XML”格式。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”。",
    # --- a workbook: its sheets (io/reader.py) ----------------------------------------------------------------
    "input.too_many_cells:streamed": "文件 {path} 的工作表“{sheet}”含超过 {limit} 个有内容的单元格，不像年报工作簿，"
                                     "已拒绝读取。请删除多余内容，或使用标准模板重新填报。",
    "input.too_many_cells:filled": "文件 {path} 的工作表“{sheet}”含超过 {limit} 个有内容的单元格，不像年报工作簿，"
                                   "已拒绝读取。请删除多余内容（包括隐藏的工作表），或使用标准模板重新填报。",
    "input.too_many_cells:styled": "文件 {path} 的工作表“{sheet}”含超过 {limit} 个单元格（含只设了格式的空单元格），"
                                   "不像年报工作簿，已拒绝读取。请删除多余内容（包括隐藏的工作表），或使用标准模板重新填报。",
    "setup.defusedxml": "读取被拒绝：openpyxl 未启用 defusedxml（环境变量 OPENPYXL_DEFUSEDXML=False？）。",
    "input.unsafe_xml:openpyxl": "文件 {path} 含不安全的 XML（实体声明或外部实体），可能是恶意文件，已拒绝读取。",
    "input.corrupt:openpyxl": "无法读取工作簿 {path}：文件已损坏或不是 Excel 工作簿（{error}）。"
                              "请在 Excel 或 WPS 中打开后另存为“Excel 工作簿（*.xlsx）”再试。",
    "input.version": "工作簿 {path} 是 {declared} 版年报模板，本工具支持 {version} 版格式。"
                     "请升级 nianbao（pip install -U nianbao），或使用 {version} 版标准模板。",
    "input.not_template": "文件 {path} 不是年报工作簿：找不到表二、表三、表四的任何数据格（没有标准模板的定义名称，"
                          "也找不到官方标签）。请使用标准模板（nianbao template 生成）填报。",
    "input.text_too_long": "文件 {path} 的文字块 {where} 长达 {rows} 行（上限 {limit} 行），不像年报内容，"
                           "已拒绝读取。请检查该区域是否有多余内容（例如远在下方的单元格），删除后再试。",
    "input.explain_sheet_missing": "工作簿中没有“{explain_sheet}”表（可能被删除或改名），无法保存“{results_sheet}”中填写的说明。"
                                   "请从标准模板（nianbao template 生成）把“{explain_sheet}”表复制到本工作簿后再校验。",
    "input.explanations_full": "“{explain_sheet}”表已写满，无法保存“{results_sheet}”中填写的说明。"
                               "请合并或删去不再需要的说明后再校验。",
    # --- several workbooks, the prior year, roll-up -----------------------------------------------------------
    "input.empty_folder": "{paths} 中没有找到 .xlsx 工作簿。",
    "input.empty_folder:skipped": "{paths} 中没有找到 .xlsx 工作簿（跳过了 {skipped}）。",
    "input.prior_missing": "在文件夹 {folder} 中没有找到“{organ}”{year} 年度的工作簿（按机关名称和年度对应）。"
                           "请直接给出上年工作簿的文件名。",
    "input.prior_year": "{source} 是 {prior_year} 年度的报告，本年报告是 {year} 年度；跨年核对需要 {wanted} 年度的报告。",
    "input.nothing_to_roll_up": "没有可以汇总的单位：{units}",
    # --- the JSON report document (io/document.py, io/template.py) --------------------------------------------
    "input.missing:json": _CANNOT_READ_JSON,
    "input.unreadable:json": _CANNOT_READ_JSON,
    "input.not_file:json": "{path} 不是普通文件（是文件夹、设备或管道），无法作为数据文档读取。"
                           "请给出 nianbao dump 生成的 .json 文件。",
    "json.schema": "数据文档 {path} 不符合格式，未生成工作簿：\n{problems}",
    "json.too_large": "文件 {path} 过大（超过 {limit} MB 上限），不像年报数据文档。",
    "json.encoding": "文件 {path} 不是 UTF-8 编码的 JSON 文本。请用 nianbao dump 生成数据文档。",
    "json.invalid:syntax": "文件 {path} 不是有效的 JSON（第 {line} 行第 {column} 列：{reason}）。",
    "json.invalid:depth": "文件 {path} 的 JSON 嵌套过深，不是年报数据文档。",
    "json.number_too_long": "文件 {path} 含有位数过多的数字（超过 {digits} 位），不是年报数据。请检查数据文档中的数字。",
    "json.not_object": "文件 {path} 不是年报数据文档（顶层应为对象）。请用 nianbao dump 生成数据文档。",
    "json.control_char": "数据文档 {path} 中有 Excel 单元格不能保存的字符（控制字符或不成对的代理字符），"
                         "未生成工作簿。请删去这些字符：\n{places}",
    "json.unknown_element": "文档中有模板中没有的项目，无法填入：{elements}。请确认文档的格式版本为 {version}。",
    "json.too_many_explanations": "文档中有 {count} 条说明，超过“{explain_sheet}”表的 {limit} 行上限。"
                                  "请合并内容相近的说明，或删去已不需要的说明后再试。",
    # --- writing (io/atomic.py, review/batch.py, the annotated copy) ------------------------------------------
    "output.name_too_long": "输出文件名过长：{target}（{size} 字节，文件系统上限 {limit} 字节），未写入任何文件。"
                            "请把工作簿改用较短的文件名（汉字每个占 3 字节），或指定较短的输出文件名。",
    "output.is_dir": "输出位置 {target} 是一个文件夹，不是文件，未写入任何文件。请给出文件名"
                     "（含文件夹时如 文件夹/年报.xlsx），或把同名文件夹移走、改名。",
    "output.not_regular": "输出位置 {target} 不是普通文件（是设备、管道或套接字），未写入任何文件。"
                          "本工具只写普通文件：请指定其他文件名。",
    "output.folder_is_file": "输出文件夹 {folder} 是一个文件，不是文件夹，未写入任何文件。请指定一个文件夹。",
    "output.no_folder": "输出文件夹不存在：{folder}。请先创建该文件夹，或指定其他输出位置。",
    "output.locked": "输出文件 {target} 正被 Excel、Word 或 WPS 打开（旁边有锁定文件 {owner}），未写入任何文件。"
                     "请先关闭该文件再试；如程序已关闭，删除 {owner} 即可。",
    "output.exists": "输出文件已存在：{target}。如需覆盖，请加 --force；也可以先把它移走或改名。",
    "output.exists:newer": "输出文件 {target} 已存在，且比工作簿 {workbook} 新（可能已手工修改过），未导出任何文件。"
                           "如确要覆盖，请加 --force；或用 --out 指定其他文件夹。",
    "output.suffix": "输出文件名 {target} 应以 {suffix} 结尾（写出的是 Excel 工作簿）。请改用如 {better} 的文件名。",
    "output.disk_full": "磁盘空间不足，无法写入 {target}，未写入任何文件（原有文件未改动）。"
                        "请清理磁盘空间，或指定其他磁盘上的输出位置。",
    "output.readonly": "无法在文件夹 {folder} 中写入 {name}（{reason}），未写入任何文件。"
                       "请检查该文件夹是否只读、是否有写入权限，或指定其他位置。",
    "output.readonly:temp": "无法在文件夹 {folder} 中建立临时文件。",
    "output.readonly:batch": "无法在文件夹 {folder} 中写入 {name}（{reason}）：请检查该文件夹是否只读，"
                             "或换一个位置。尚未开始校验。",
    "output.partial": "写入中途失败（{reason}），且未能全部恢复原文件；原文件保存在：{kept}。请手工改回原名。",
    "output.write_failed": "未能写入 {target}（{reason}）：磁盘可能已满或文件夹不可写；校验结果已在上面列出，"
                           "腾出空间或换一个位置后重新运行。",
    "output.write_failed:annotate": "已校验，但未写入标注副本（{reason}）。请检查文件夹 {folder} 是否可写、磁盘是否已满。",
    "output.is_input": "标注副本不能覆盖输入文件 {path}。请用另一个文件名。",
    "internal": "内部错误（{kind}）：{error}。请把该文件发给维护人员。",
    # --- installing the Excel add-in (excel/install.py) -------------------------------------------------------
    "addin.no_excel": "本机不是 Windows 或 macOS，没有 Microsoft Excel，无法安装 Excel 加载项。"
                      "请在命令行使用同样的校验和导出：\n"
                      "  nianbao validate 文件.xlsx --annotate   （另存“文件.校验.xlsx”：问题格标色、加批注，并附“校验结果”表）\n"
                      "  nianbao export 文件.xlsx               （在工作簿旁生成年度报告）",
    "output.locked:addin": "无法写入或删除 {target}：文件正被使用。请先退出 Excel，再运行本命令。",
    "output.readonly:addin": "无法写入 {target}（{reason}）。请检查该文件夹的权限。",
    "addin.runpython": "已安装加载项，但“xlwings runpython install”没有成功。请在终端运行该命令后重启 Excel。",
    # --- auditing published reports (audit/) ------------------------------------------------------------------
    "input.missing:audit": "找不到文件 {path}。请检查路径。",
    "audit.unsupported": "文件 {path} 的类型（{suffix}）不能审读。支持：网页 .html/.htm、PDF、Word .docx、"
                         "文本 .txt/.md；Word 97-2003 的 .doc 请先另存为 .docx。",
    "audit.too_large": "文件 {path} 过大（超过 {limit} MB），不像一份年度报告。",
    "audit.no_text": "文件 {path} 中没有可读的文字。若是扫描件（图片 PDF），请取得文字版或先做文字识别（OCR）。",
    "audit.encoding": "文件 {path} 的文字编码无法识别（不是 UTF-8，也不是 GBK/GB18030）。请另存为 UTF-8 后再试。",
    "audit.corrupt:docx": "无法读取 Word 文件 {path}：文件已损坏或不是 .docx（{error}）。",
    "audit.corrupt:pdf": "无法读取 PDF 文件 {path}：文件已损坏、加密或不是 PDF（{error}）。",
    "setup.pdfplumber": "读取 PDF 需要 pdfplumber：pip install pdfplumber",
    "audit.not_report": "文件 {path} 中没有找到年度报告的任何章节标题（如“一、总体情况”“三、收到和处理政府信息公开申请情况”），"
                        "不像政府信息公开工作年度报告。请确认文件内容。",
    "audit.nothing": "在 {paths} 中没有找到可审读的文件（.html/.htm/.pdf/.docx/.txt/.md）。",
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
    "number.date": "填的是日期 {value}（输入的数字被当成了日期，或单元格格式为“日期”），应填{what}数字。"
                   "请把单元格格式改为“常规”后重新输入；没有的填 0。",
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
