"""The join link's QR code: an SVG of exactly the modules of the right URL's QR code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno

SVG = "{http://www.w3.org/2000/svg}"
BORDER = 4  # segno's quiet zone, in modules


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """Read the dark modules back from segno's path: rows of horizontal runs, each drawn
    with ``h`` at half a module below the row's top, moved between with ``M``/``m``."""
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    (line,) = [path for path in root.iter(f"{SVG}path") if path.get("class") == "qrline"]
    x = y = 0.0
    dark = set()
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", line.get("d")):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            run = int(first)
            dark.update((int(y - 0.5) - BORDER, int(x) - BORDER + step) for step in range(run))
            x += run
    return dark


def qr_modules(text: str) -> set[tuple[int, int]]:
    matrix = segno.make(text, error="m", micro=False).matrix
    return {(row, col) for row, bits in enumerate(matrix) for col, bit in enumerate(bits) if bit}


def test_the_qr_code_draws_the_join_url_of_the_round(client, lobby) -> None:
    code = lobby["code"]
    response = client.get(f"/play/{code.lower()}/qr.svg")
    svg = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == f"http://localhost/play/{code}"
    assert dark_modules(svg) == qr_modules(f"http://localhost/play/{code}")
    assert dark_modules(svg) != qr_modules(f"http://localhost/play/{code}X")


def test_the_qr_code_is_cacheable_and_follows_the_host(client, lobby) -> None:
    path = f"/play/{lobby['code']}/qr.svg"
    first = client.get(path)
    assert first.cache_control.public
    assert first.cache_control.max_age == 86_400
    assert "Host" in first.vary
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    elsewhere = client.get(path, base_url="https://quiz.example.org")
    assert elsewhere.headers["ETag"] != first.headers["ETag"]
    expected = f"https://quiz.example.org/play/{lobby['code']}"
    assert dark_modules(elsewhere.get_data(as_text=True)) == qr_modules(expected)


def test_an_unknown_code_has_no_qr_code(client) -> None:
    response = client.get("/play/NOPE99/qr.svg")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
