"""Target names: schemes, and credentials that never reach a message."""

from __future__ import annotations

import pytest

from generator.publish.job import PATH, SSH, redact, scheme_of, scrub


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("/srv/www", PATH),
        ("../www", PATH),
        ("file:///srv/www", "file"),
        ("GIT+SSH://git@host/x.git#p", "git+ssh"),
        ("rsync:///srv/www", "rsync"),
        ("deploy@host:/srv/www", SSH),
        ("host:www", SSH),
    ],
)
def test_scheme_of(url: str, scheme: str) -> None:
    assert scheme_of(url) == scheme


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("git+https://bob:s3cr3t@example.org/x.git#p", "git+https://***@example.org/x.git#p"),
        ("git+https://ghp_token123@example.org/x.git", "git+https://***@example.org/x.git"),
        ("git+ssh://git@example.org/x.git#p", "git+ssh://git@example.org/x.git#p"),
        ("git+ssh://deploy:pw1234@example.org/x.git", "git+ssh://***@example.org/x.git"),
        ("deploy@host:/srv/www", "deploy@host:/srv/www"),
        ("/srv/www", "/srv/www"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_scrub_removes_decoded_password_too() -> None:
    url = "git+https://bob:s3cr3t@example.org/x.git"
    text = "fatal: unable to access 'https://bob:s3cr3t@example.org/': s3cr3t rejected"
    assert scrub(text, url) == "fatal: unable to access 'https://***@example.org/': *** rejected"
