"""NIP: 18 digits, a real birth date, a real appointment month, gender digit 1 or 2."""

import pytest
from django.core.exceptions import ValidationError

from workflow.nip import format_nip, validate_nip


@pytest.mark.parametrize(
    "nip",
    ["197006231998031009", "19700623 199803 1 009", "198512312010122001", "200002292024011001"],
)
def test_good_nip_is_accepted(nip):
    validate_nip(nip)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19700623199803100", "nip_format"),  # 17 digits
        ("1970062319980310091", "nip_format"),  # 19 digits
        ("19700623199803100A", "nip_format"),
        ("197002301998031009", "nip_birth"),  # 30 February
        ("199902291998031009", "nip_birth"),  # 29 February of a common year
        ("197006231998131009", "nip_appointment"),  # month 13
        ("197006231998001009", "nip_appointment"),  # month 00
        ("197006231969031009", "nip_appointment"),  # appointed before birth
        ("197006231998033009", "nip_gender"),
        ("197006231998030009", "nip_gender"),
    ],
)
def test_bad_nip_is_refused_with_the_reason(nip, code):
    with pytest.raises(ValidationError) as error:
        validate_nip(nip)
    assert error.value.code == code


def test_nip_is_shown_grouped_as_in_the_sop():
    assert format_nip("197006231998031009") == "19700623 199803 1 009"
