"""The browsable API contract renders in a real browser with nothing fetched from elsewhere."""


def test_the_api_docs_page_renders_the_contract_from_local_assets(page, live_server):
    page.goto("/api/mp/v1/docs")
    page.get_by_text("/api/mp/v1/visits", exact=True).first.wait_for(timeout=15000)
    assert "Qiaomen mini-program API" in page.content()
    assert all(url.startswith(live_server.url) for url in page.requested_urls), page.requested_urls
