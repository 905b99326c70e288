"""What every error answer looks like, for tests to check against."""


def assert_error_shape(body, code):
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), "message is for a person, in Chinese"
