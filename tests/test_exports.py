from datetime import date
from decimal import Decimal

import pytest

from casework.exports import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_formula_text_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Đorđević", "", None, 42, Decimal("-5.00"), date(2011, 1, 1)])
def test_other_values_pass_unchanged(value):
    assert safe_cell(value) == value
