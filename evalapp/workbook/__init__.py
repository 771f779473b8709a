"""The evaluation workbook (.xlsx): template, import, export, and the results workbook."""
