from lib.natural_order import natural_key


def test_numbers_inside_a_text_sort_by_value():
    labels = ["9 § 10 LSS", "9 § 2 LSS", "9 § 1 LSS", "11 kap. 1 § SoL", "4.1 § SoL"]
    assert sorted(labels, key=natural_key) == ["4.1 § SoL", "9 § 1 LSS", "9 § 2 LSS", "9 § 10 LSS", "11 kap. 1 § SoL"]


def test_letters_compare_without_regard_to_case():
    assert sorted(["b 1", "A 2", "a 1"], key=natural_key) == ["a 1", "A 2", "b 1"]


def test_text_without_numbers_sorts_as_text():
    assert natural_key("Stödboende") < natural_key("Tillsyn")


def test_a_typed_value_is_quoted_the_swedish_way_and_stays_one_line():
    from lib.swedish import quoted

    assert quoted("Boendestöd x") == "”Boendestöd x”"
    assert quoted("it's") == "”it's”"
    assert quoted("a\nb\u200b") == "”a\\u000ab\\u200b”"
    assert quoted(1999) == "”1999”"
