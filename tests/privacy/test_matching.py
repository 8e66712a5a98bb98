"""Duplicate keys ignore accents, case, spacing and phone formatting (no app needed)."""

from datetime import date

from portal.core.text import name_sort_key
from portal.privacy.matching import (
    group_by_keys,
    normalise_email,
    normalise_name,
    normalise_phone,
    person_keys,
)


def test_names_match_without_accents_case_or_extra_spaces():
    assert normalise_name("  José ", "CASTILLO  Núñez") == normalise_name("jose", "castillo nunez")


def test_emails_are_trimmed_and_lower_cased():
    assert normalise_email(" Ana.Diaz@Example.ORG ") == "ana.diaz@example.org"


def test_phones_compare_their_last_nine_digits():
    assert normalise_phone("+34 612-345-678") == normalise_phone("612 345 678") == "612345678"
    assert normalise_phone("12-34") == ""


def test_the_same_name_needs_the_same_birth_date():
    born = date(2010, 5, 1)
    same = person_keys(first_name="Diego", last_name="Castillo", born_on=born)
    assert same & person_keys(first_name="DIEGO", last_name="Castíllo", born_on=born)
    assert not same & person_keys(first_name="Diego", last_name="Castillo",
                                  born_on=date(2010, 5, 2))


def test_groups_join_people_sharing_any_key():
    people = [(1, {"email:a"}), (2, {"email:a", "phone:9"}), (3, {"phone:9"}), (4, {"x"})]
    assert group_by_keys(people) == [[1, 2, 3]]


def test_names_sort_with_accents_next_to_their_letters():
    names = ["Bravo", "Álvarez", "alvarez", "Zapata", "Ávila"]
    assert sorted(names, key=name_sort_key) == ["alvarez", "Álvarez", "Ávila", "Bravo",
                                                "Zapata"]
