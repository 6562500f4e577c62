"""Thin backends that apply a mark plan (addin.review.marks) to a workbook."""
