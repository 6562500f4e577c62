"""Thin backends that apply a mark plan (addin.marks) to a workbook."""
