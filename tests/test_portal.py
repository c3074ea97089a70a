"""Portal definitions load from data files and can be pointed at a local copy."""

import pytest

from crawler.portal import PortalError, load_portal, portal_names


def test_shipped_portals():
    assert {"beijing", "dongcheng", "zfxxgk-legacy", "trs", "sample"} <= set(portal_names())


@pytest.mark.parametrize("name", ["beijing", "dongcheng", "zfxxgk-legacy", "trs", "sample"])
def test_each_definition_loads(name):
    portal = load_portal(name)
    assert portal.rules.report_links
    assert portal.start


def test_base_url_override_moves_start_and_domain():
    portal = load_portal("beijing").with_base_url("http://127.0.0.1:8123")
    assert portal.start_urls == ["http://127.0.0.1:8123/gongkai/zfxxgk/gknb/index.html"]
    assert portal.allowed_domains == ("127.0.0.1",)


def test_generic_trs_needs_a_base_url():
    portal = load_portal("trs")
    assert portal.base_url == ""
    assert portal.with_base_url("http://127.0.0.1:9/xxgk/gknb/").start_urls == [
        "http://127.0.0.1:9/xxgk/gknb/index.html"]


def test_agency_and_year_from_url():
    portal = load_portal("dongcheng")
    url = "https://www.bjdch.gov.cn/zfxxgkzl/zfxxgknb/2019nb/dcqjd2019/202001/t20200115_1.html"
    assert portal.agency_of(url) == "dcqjd"
    assert portal.year_of(url) == 2019
    legacy = load_portal("zfxxgk-legacy")
    assert legacy.agency_of("http://zfxxgk.beijing.gov.cn/dcq11A047/zfxxgknb/list.shtml") == "dcq11A047"


def test_unknown_portal():
    with pytest.raises(PortalError, match="known"):
        load_portal("nowhere")
