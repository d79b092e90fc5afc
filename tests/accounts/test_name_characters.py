"""Names print as typed (issue 18, defect 5): letters of every script are accepted, but no
control, bidi or zero-width character, which would print a certificate name reversed
(U+202E) or with hidden parts."""

import pytest

from accounts.models import User
from cms.text import invisible_characters, without_invisible_characters

from .test_account_flows import GOOD, SIGNUP


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ó Súilleabháin",
        "Nguyễn Thị Minh Khai",
        "محمد الأحمد",
        "李小龍",
        "देवनागरी नाम",
        "Ἀλέξανδρος",
    ],
)
def test_names_in_every_script_are_accepted(client, db, name):
    response = client.post(SIGNUP, {**GOOD, "legal_name": name})
    assert response.status_code == 302
    assert User.objects.get().legal_name == name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Ann\u202eeeb", "U+202E"),  # right-to-left override: prints "Annbee"
        ("Ann\u200bBee", "U+200B"),  # zero-width space
        ("Ann\u2066Bee\u2069", "U+2066, U+2069"),  # isolates
        ("Ann\u200dBee", "U+200D"),  # zero-width joiner
        ("Ann\ufeffBee", "U+FEFF"),
        ("Ann\x07Bee", "U+0007"),
    ],
)
def test_invisible_characters_are_refused_with_a_clear_message(client, db, name, shown):
    response = client.post(SIGNUP, {**GOOD, "legal_name": name})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["legal_name"])
    assert "invisible or direction-changing characters" in errors
    assert shown in errors
    assert not User.objects.exists()


def test_the_profile_refuses_them_too_and_keeps_the_old_name(client, learner):
    client.force_login(learner)
    before = learner.legal_name
    data = {"email": learner.email, "legal_name": "Sam\u202eLegal", "licence_number": ""}
    data |= {"licence_state": "", "ncbtmb_number": ""}
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 400
    learner.refresh_from_db()
    assert learner.legal_name == before


def test_helpers_find_and_remove_each_character_once():
    assert invisible_characters("a\u202eb\u202ec\u200b") == ["\u202e", "\u200b"]
    assert without_invisible_characters("a\u202eb\u200bc") == "abc"
    assert invisible_characters("Ørjan Ñúñez") == []
