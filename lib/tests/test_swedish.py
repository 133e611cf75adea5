from lib.swedish import MONTHS, swedish_key


def test_months_are_named_from_january():
    assert MONTHS[0] == "januari" and MONTHS[8] == "september" and len(MONTHS) == 12


def test_a_a_and_o_with_marks_sort_after_z_in_swedish_order():
    words = ["Öppenvård", "Ärende", "Ålder", "Zon", "Boendestöd", "écu"]
    assert sorted(words, key=swedish_key) == ["Boendestöd", "écu", "Zon", "Ålder", "Ärende", "Öppenvård"]
