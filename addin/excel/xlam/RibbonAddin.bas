Attribute VB_Name = "RibbonAddin"
' nianbao: the buttons of the ribbon tab (customUI.xml). One macro per button, because RunPython cannot
' tell which button was pressed. Each runs one function of the Python module addin.xl (addin/xl.py).
' Each command first drops '' (the current folder) from sys.path, so no file planted beside a workbook
' can shadow the package; addin.xl then removes the active workbook's folder as well.
Option Explicit

Sub Validate(control As IRibbonControl)
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.validate()"
End Sub

Sub ClearMarks(control As IRibbonControl)
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.clear()"
End Sub

Sub ExportReport(control As IRibbonControl)
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.export()"
End Sub

Sub NewTemplate(control As IRibbonControl)
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.new_template()"
End Sub

Sub ShowRules(control As IRibbonControl)
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.rules()"
End Sub
