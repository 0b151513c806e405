"""Writing is an operator's act: commits need the admin password, set by whoever runs the server."""

import hmac
import os

import streamlit as st

PASSWORD_ENV = "S400_ADMIN_PASSWORD"


def configured_password() -> str | None:
    """The admin password from ``$S400_ADMIN_PASSWORD`` or ``admin_password`` in Streamlit secrets."""
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        return st.secrets.get("admin_password") or None
    except Exception:  # no secrets file at all is the normal case, whatever Streamlit raises for it
        return None


def how_to_enable() -> None:
    """Say that committing is off and how an operator turns it on."""
    st.info(f"Committing is switched off on this server. To enable it, set the environment variable "
            f"`{PASSWORD_ENV}`, or `admin_password` in `.streamlit/secrets.toml`, and restart the server. "
            "You can still preview any file.", icon=":material/lock:")


def authorised(key: str) -> tuple[bool, str]:
    """A password and name field; returns (password correct, who) without ever echoing the password."""
    expected = configured_password()
    left, right = st.columns(2)
    who = left.text_input("Your name (recorded with the commit)", key=f"{key}_who", max_chars=80)
    given = right.text_input("Admin password", type="password", key=f"{key}_password")
    correct = bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
    if given and not correct:
        st.error("That password is not the admin password.")
    return correct, who.strip() or "admin"
