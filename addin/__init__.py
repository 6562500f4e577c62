"""nianbao — 政府信息公开工作年度报告 (国办公开办函〔2021〕30号) template, validator and report writer.

The import package is `addin`; the command is `nianbao`.
"""
__version__ = "0.1.0"
