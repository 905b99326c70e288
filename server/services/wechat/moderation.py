"""Checking what residents write with WeChat's ``msg_sec_check`` (v2), when WeChat is configured.

The check needs the openid of someone who used the mini-program in the last two
hours; a resident on the web page has none, so the check runs as
``WECHAT_SEC_CHECK_OPENID`` (a staff member's openid). Without it, or when
WeChat cannot answer, text is kept and flagged for review: a resident is never
turned away because WeChat is down.
"""
from __future__ import annotations

import logging

from server.services.wechat.client import WeChatClient, WeChatError, WeChatNotConfigured, WeChatUnavailable

log = logging.getLogger(__name__)
PASS, REVIEW, RISKY = "pass", "review", "risky"


def check_text(text: str, config, scene: int = 2) -> str:
    """``pass``, ``review`` or ``risky`` for ``text``; ``pass`` when WeChat is not configured at all."""
    try:
        client = WeChatClient.from_config(config)
    except WeChatNotConfigured:
        return PASS
    openid = config.get("WECHAT_SEC_CHECK_OPENID")
    if not openid:
        return REVIEW
    try:
        suggest = client.msg_sec_check(text, openid, scene=scene).get("suggest", REVIEW)
    except (WeChatError, WeChatUnavailable) as error:
        log.warning("msg_sec_check unavailable (%s): text kept for review", error)
        return REVIEW
    return suggest if suggest in (PASS, REVIEW, RISKY) else REVIEW
