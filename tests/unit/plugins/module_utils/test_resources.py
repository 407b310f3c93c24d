# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The helpers the modules share: tag reconciliation, lookup options, policy views."""

from __future__ import annotations

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import (
    default_document,
    lookup_error,
    policy_view,
    reconcile_tags,
)


class RecordingApi:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def tag_resource(self, resource_type, name, tags):
        self.calls.append(("tag", resource_type, name, tags))

    def untag_resource(self, resource_type, name, keys):
        self.calls.append(("untag", resource_type, name, keys))


@pytest.mark.parametrize("check_mode", [False, True])
def test_reconcile_tags_removes_before_it_sets_and_sends_nothing_in_check_mode(check_mode):
    api = RecordingApi()
    after = reconcile_tags(api, "role", "r", {"keep": "1", "old": "x", "change": "a"}, {"keep": "1", "change": "b"}, True, check_mode)
    assert after == {"keep": "1", "change": "b"}
    expected = [("untag", "role", "r", ["old"]), ("tag", "role", "r", {"change": "b"})]
    assert api.calls == ([] if check_mode else expected)


def test_reconcile_tags_without_change_or_without_tags():
    api = RecordingApi()
    assert reconcile_tags(api, "policy", "p", {"a": "1"}, None, True, False) is None
    assert reconcile_tags(api, "policy", "p", {"a": "1", "b": "2"}, {"a": "1"}, False, False) is None
    assert reconcile_tags(api, "policy", "p", None, {}, True, False) is None
    assert api.calls == []


def test_lookup_error_names_the_option():
    assert lookup_error(None, None, "role") is None
    assert lookup_error("ok-name", None, "policy") is None
    assert lookup_error("bad name", None, "role").startswith("name: ")
    assert lookup_error(None, "", "role") == "name_filter: must not be empty; leave it out to list every role"


def test_policy_view_shows_dates_only_when_known():
    wire = {"PolicyName": "p", "PolicyType": "Custom", "DefaultVersion": "v1", "AttachmentCount": 2, "CreateDate": "2026-01-01T00:00:00Z"}
    assert policy_view(wire) == {
        "name": "p", "type": "Custom", "description": "", "default_version": "v1", "attachment_count": 2, "create_date": "2026-01-01T00:00:00Z",
    }


def test_default_document_is_parsed_but_not_normalised():
    text = '{"Version":"1","Statement":[{"Effect":"allow","Action":"a:b","Resource":"*"}]}'
    assert default_document({"Policy": {}, "DefaultPolicyVersion": {"PolicyDocument": text}})["Statement"][0]["Effect"] == "allow"
    assert default_document({}) is None
