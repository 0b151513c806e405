"""Text from data on its way to the page: plain text only, never markup or a script link."""

import re
from urllib.parse import urlparse

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=www)(?=\.)")
WORD_JOINER = "\u2060"  # invisible: breaks the renderer's bare-URL autolinking, not the text


def md_escape(text: str) -> str:
    """Escape Markdown so data shows literally inside st.markdown/st.warning text.

    Escaping is not enough for bare addresses (https://..., www....): the renderer links them
    after escapes are undone, so an invisible word joiner is put inside the scheme separator.
    """
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text))
    return _MARKDOWN_SPECIALS.sub(r"\\\1", unlinked)


def safe_url(url) -> str | None:
    """The URL if it is an http(s) link, else None: a javascript: or data: URL never becomes a link."""
    if not isinstance(url, str):
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None
