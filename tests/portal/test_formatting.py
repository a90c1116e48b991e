from datetime import UTC, datetime

from django.utils import translation

from workflow.templatetags.portal import long_date, long_datetime, nip


def test_dates_are_written_in_indonesian():
    with translation.override("id"):
        assert long_date(datetime(2024, 12, 30, 3, 0, tzinfo=UTC)) == "30 Desember 2024"


def test_times_are_shown_in_wib():
    with translation.override("id"):
        assert long_datetime(datetime(2024, 12, 30, 7, 30, tzinfo=UTC)) == (
            "30 Desember 2024, 14.30 WIB"
        )


def test_nip_is_grouped_as_printed():
    assert nip("197006231998031009") == "19700623 199803 1 009"
