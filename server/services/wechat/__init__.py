"""WeChat's server API: the client, mini-program login, content moderation and 小程序码."""

from .client import WeChatClient, WeChatError, WeChatNotConfigured, WeChatUnavailable
from .codes import miniprogram_code
from .login import AlreadyBound, InviteInvalid, LoginUnavailable, bind, dev_login_on, log_in

__all__ = [
    "AlreadyBound",
    "InviteInvalid",
    "LoginUnavailable",
    "WeChatClient",
    "WeChatError",
    "WeChatNotConfigured",
    "WeChatUnavailable",
    "bind",
    "dev_login_on",
    "log_in",
    "miniprogram_code",
]
