import pytest

from lib.contrast import contrast_ratio, darkened_to, format_ratio, parse_hex, relative_luminance


def test_black_and_white_have_the_extreme_luminances_and_a_ratio_of_21():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)


def test_the_ratio_does_not_depend_on_the_order_of_the_colours():
    assert contrast_ratio("#1e7b34", "#ffffff") == pytest.approx(contrast_ratio("#ffffff", "#1e7b34"))


def test_known_ratios_against_white_match_the_wcag_reference_values():
    # WebAIM's contrast checker: #767676 on white is 4.54:1, #949494 is 3.03:1.
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#949494") == pytest.approx(3.03, abs=0.01)


def test_the_seeds_yellow_is_too_light_against_white_and_its_green_and_red_are_not():
    assert contrast_ratio("#f2c200") < 3
    assert contrast_ratio("#1e7b34") >= 3
    assert contrast_ratio("#b3261e") >= 3


def test_a_ratio_is_written_with_a_decimal_comma_and_rounded_down():
    assert format_ratio(2.999) == "2,99:1"
    assert format_ratio(21) == "21,00:1"


def test_a_darkened_colour_reaches_the_minimum_and_keeps_a_colour_that_already_does():
    darker = darkened_to("#f2c200")
    assert contrast_ratio(darker) >= 3
    assert contrast_ratio(darker) < 3.2
    assert darkened_to("#1e7b34") == "#1e7b34"


@pytest.mark.parametrize("text", ["f2c200", "#f2c20", "#ggg000", "", "#f2c2000"])
def test_anything_but_hash_and_six_hex_digits_is_refused(text):
    with pytest.raises(ValueError):
        parse_hex(text)
