"""The one phone-number rule (``privacy.phones``): which numbers count, and the one form each is stored in."""
import pytest

from server.services.privacy.masking import mask_phones_in
from server.services.privacy.phones import mobile_number, phone_number


@pytest.mark.parametrize("written", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                     "+86-138-1234-5678", "+8613812345678", "8613812345678",
                                     "１３８１２３４５６７８", " 13812345678 "])
def test_a_mainland_mobile_however_written_is_stored_as_its_eleven_digits(written):
    assert mobile_number(written) == phone_number(written) == "13812345678"


@pytest.mark.parametrize("written", ["19012345678", "16612345678", "17012345678", "14712345678"])
def test_mobiles_of_every_allocated_range_count(written):
    assert mobile_number(written) == written


@pytest.mark.parametrize("written", ["", None, "12345", "1381234567", "138123456789", "15412345678", "12012345678",
                                     "+1 650 253 0000", "+86", "138\x001234", "023-79221234", "95588", "张三"])
def test_anything_else_is_no_mobile(written):
    assert mobile_number(written) is None


@pytest.mark.parametrize("written, stored", [
    ("023-79221234", "023-79221234"), ("02379221234", "023-79221234"), ("(023)79221234", "023-79221234"),
    ("023 7922 1234", "023-79221234"), ("+86 23 7922 1234", "023-79221234"), ("0571-88886666", "0571-88886666"),
    ("010-12345678", "010-12345678"), ("0991-1234567", "0991-1234567"),
])
def test_a_landline_counts_as_a_phone_but_not_a_mobile_and_is_stored_with_its_area_code(written, stored):
    assert phone_number(written) == stored and mobile_number(written) is None


@pytest.mark.parametrize("written", ["0231234567", "0571-8888666", "400-810-8888", "000-12345678", "12345"])
def test_a_landline_of_the_wrong_length_or_a_service_number_is_no_phone(written):
    assert phone_number(written) is None


def test_numbers_in_free_text_are_masked_widely_landlines_and_long_digit_runs_are_not():
    assert mask_phones_in("请回电15412345678") == "请回电154****5678", "masking errs on the side of hiding"
    assert mask_phones_in("门牌号 0571-88886666，订单 2138123456789") == "门牌号 0571-88886666，订单 2138123456789"
