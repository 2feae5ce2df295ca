"""Fetching a page with the toolbar and then the collector panel's content, as the toolbar's script does."""

import re

PANEL_ID = "CollectorPanel"
REQUEST_ID_PATTERN = re.compile(r'data-request-id="([0-9a-f]+)"')


def request_id_of(page_html):
    match = REQUEST_ID_PATTERN.search(page_html)
    assert match is not None, "the page has no toolbar (data-request-id missing)"
    return match.group(1)


def panel_button(page_html):
    """The toolbar's side-bar entry of the panel: its title and subtitle."""
    start = page_html.index(f'id="djdt-{PANEL_ID}"')
    return page_html[start:page_html.index("</li>", start)]


def render_panel(client, page_html):
    """GET the toolbar's render_panel view for the collector panel; return its HTML."""
    response = client.get(
        "/__debug__/render_panel/", {"request_id": request_id_of(page_html), "panel_id": PANEL_ID}
    )
    assert response.status_code == 200
    return response.json()["content"]


def load_panel(client, path="/", **environ):
    """GET `path` with extra environ keys, then the panel content; return (page response, panel HTML)."""
    response = client.get(path, **environ)
    page_html = response.content.decode()
    return response, render_panel(client, page_html)
