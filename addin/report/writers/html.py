"""The report as one self-contained HTML page: inline CSS, no scripts, no external fonts, printable.

Tables carry rowspan/colspan exactly as the official template, and the Word report's column widths and header
breaks (商业|企业), so a header never wraps one character a line; on a phone a wide table scrolls sideways
inside its own box while the text reflows. Every text from the workbook is escaped.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from addin.report.model import Report, TableGrid
from addin.report.writers import one_line, storable
from addin.report.writers.docx import CELL_MARGIN_MM, column_widths_mm, header_lines

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "仿宋_GB2312", "仿宋", FangSong, STFangsong, "Noto Serif CJK SC", serif; font-size: 16pt;
       line-height: 28.95pt; max-width: 156mm; margin: 2em auto; padding: 0 1em; color: #000; background: #fff; }
h1 { font-family: "方正小标宋简体", "小标宋", "宋体", SimSun, "Noto Serif CJK SC", serif; font-size: 22pt;
     font-weight: normal; text-align: center; line-height: 1.5; margin: 0 0 28.95pt; }
h1 span { display: block; }
h2 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal;
     margin: 0; text-indent: 2em; page-break-after: avoid; }
h3 { font-family: "楷体_GB2312", "楷体", KaiTi, STKaiti, "AR PL UKai CN", serif; font-size: 16pt;
     font-weight: normal; margin: 0; text-indent: 2em; page-break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.draft { text-indent: 0; text-align: right; font-family: "黑体", SimHei, sans-serif; }
.table { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0.5em 0 1em; }
table { border-collapse: collapse; width: 100%; min-width: 156mm; font-size: 10.5pt;
        line-height: 1.35; }
table.small { font-size: 9pt; }
th, td { border: 1px solid #000; padding: 1px 2px; text-align: center; vertical-align: middle; font-weight: normal; }
td.label { text-align: left; }
th.corner { text-align: left; }
th.head { white-space: nowrap; }   /* broken between words by <br> only: 商业<br>企业 */
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
@media print { body { margin: 0; padding: 0; max-width: none; } .table { overflow: visible; } }
@media (max-width: 600px) { body { font-size: 13pt; line-height: 1.8; margin: 1em auto; } h1 { font-size: min(18pt, 5vw); }
                            h2, h3, h4 { font-size: 13pt; text-indent: 0; } }
"""


def page(report: Report) -> str:
    e = escape
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(one_line(report.title))}</title>", f"<style>{CSS}</style>", "</head>", "<body>"]
    if report.draft:
        out.append(f'<p class="draft">{e(one_line(report.draft_mark))}</p>')
    out.append("<h1>" + "".join(f"<span>{e(one_line(line))}</span>" for line in report.title_lines()) + "</h1>")
    out.extend(f"<p>{e(storable(p))}</p>" for p in report.preamble)
    for s in report.sections:
        out.append(f'<h2 id="{e(s.id)}">{e(one_line(s.heading))}</h2>')
        for b in s.blocks:
            if b.kind in ("heading2", "heading3"):
                h = int(b.kind[-1]) + 1
                out.append(f"<h{h}>{e(one_line(b.text))}</h{h}>")
            elif b.kind == "table":
                out.append(table(b.table))
            elif b.kind == "generated":
                out.append(f'<p class="generated">{e(storable(b.text))}</p>')
            else:
                out.append(f"<p>{e(storable(b.text))}</p>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def table(grid: TableGrid) -> str:
    """An HTML table with the template's merged cells; header rows in <thead> (repeated when printed)."""
    e = escape
    small = grid.n_cols > 6
    cls = ' class="small"' if small else ""
    widths = column_widths_mm(grid)
    lines = [f'<div class="table"><table id="{e(grid.id)}"{cls}>', "<colgroup>"]
    lines += [f'<col style="width:{w / sum(widths) * 100:.2f}%">' for w in widths]
    lines.append("</colgroup>")
    for r, row in enumerate(grid.rows()):
        if r == 0:
            lines.append("<thead>")
        if r == grid.header_rows:
            lines.append("</thead><tbody>")
        cells = []
        for c in row:
            tag = "td" if c.kind in ("label", "value") else "th"
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            if (c.kind == "label" and c.rowspan == 1) or (c.kind == "corner" and len(c.text) > 8):
                attrs += f' class="{c.kind}"'
            if c.element:
                attrs += f' data-cell="{e(c.element)}"'
            text = e(c.text)
            if c.kind == "header" and c.colspan == 1:
                chars = int((widths[c.col] - CELL_MARGIN_MM) / ((9 if small else 10.5) * 25.4 / 72))
                text = "<br>".join(e(x) for x in header_lines(c.text, chars))
                attrs += ' class="head"'
            cells.append(f"<{tag}{attrs}>{text}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def write(report: Report, path: Path) -> None:
    from addin.report.fingerprint import signed_text

    Path(path).write_text(signed_text(page(report)), encoding="utf-8")
