"""Password rules as NCSC and NIST SP 800-63B advise: length, a deny-list, no composition rules."""

from __future__ import annotations

MIN_LENGTH = 15  # the password is the only factor
MAX_LENGTH = 256  # checked before hashing, so nobody can make us hash a megabyte

# Common passwords and the service's own name; matched case-insensitively against the whole password.
DENY_LIST = frozenset(
    {
        "charter",
        "chartercharter",
        "charterpassword",
        "password",
        "passwordpassword",
        "passwordpassword1",
        "123456789012345",
        "1234567890123456",
        "qwertyuiopasdfgh",
        "qwertyuiopasdfghjkl",
        "iloveyouiloveyou",
        "letmeinletmeinletmein",
        "correcthorsebatterystaple",
        "aaaaaaaaaaaaaaa",
    }
)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """The reason a password is refused, or None when it is acceptable."""
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters; a passphrase of several words is easy to remember"
    folded = "".join(password.lower().split())
    if folded in DENY_LIST or ("charter" in folded and len(folded) < 20):
        return "Password is too common or too easy to guess; choose a longer phrase"
    if len(set(folded)) <= 2:
        return "Password is too easy to guess; choose a longer phrase"
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and folded == local * (len(folded) // max(len(local), 1)):
        return "Password must not be your email address"
    if name and folded == "".join(name.lower().split()):
        return "Password must not be your name"
    return None
