"""Resource Directory (ResourceManager 2020-03-31) through tea-openapi's generic client, both signature styles."""

from __future__ import annotations

import time

import pytest
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.client import Client
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from ram_emulator.pytest_plugin import start_emulator, stop_emulator

from .conftest import acs3_request, expect_error

RD_VERSION = "2020-03-31"
ACCOUNT_KEYS = {"AccountId", "AccountName", "DisplayName", "FolderId", "ResourceDirectoryId", "ResourceDirectoryPath", "Status", "Type",
                "JoinMethod", "JoinTime", "ModifyTime"}


def rd_client(emulator, account: str = "central", signature_algorithm: str | None = None, **credentials) -> Client:
    if not credentials:
        keys = emulator.account(account)
        credentials = {"access_key_id": keys.access_key_id, "access_key_secret": keys.access_key_secret}
    return Client(open_api_models.Config(endpoint=emulator.endpoint, protocol="http", signature_algorithm=signature_algorithm, **credentials))


def call(client: Client, action: str, parameters: dict[str, str] | None = None, *, in_body: bool = False) -> dict:
    params = Params(action=action, version=RD_VERSION, protocol="HTTP", pathname="/", method="POST", auth_type="AK", style="RPC",
                    req_body_type="formData", body_type="json")
    request = OpenApiRequest(body=parameters) if in_body else OpenApiRequest(query=parameters or {})
    reply = client.call_api(params, request, RuntimeOptions())
    assert reply["statusCode"] == 200
    return reply["body"]


def all_accounts(client: Client, page_size: int = 100) -> list[dict]:
    accounts: list[dict] = []
    page = 1
    while True:
        body = call(client, "ListAccounts", {"PageNumber": str(page), "PageSize": str(page_size)})
        accounts.extend(body["Accounts"]["Account"])
        if page * page_size >= body["TotalCount"]:
            return accounts
        page += 1


def last_logged(emulator) -> dict:
    # The server appends the log entry just after sending the reply: give it a moment.
    deadline = time.monotonic() + 2
    while True:
        entries = emulator.log()
        if entries or time.monotonic() > deadline:
            return entries[-1]
        time.sleep(0.01)


# ACS3 (the default), signature v1 through tea-openapi's "v2" algorithm, parameters in the query or a form body.
STYLES = [(None, False), (None, True), ("v2", False), ("v2", True)]


@pytest.mark.parametrize(("signature_algorithm", "in_body"), STYLES)
def test_get_resource_directory_every_signing_style(emulator, signature_algorithm, in_body):
    body = call(rd_client(emulator, signature_algorithm=signature_algorithm), "GetResourceDirectory", {}, in_body=in_body)
    directory = body["ResourceDirectory"]
    assert directory["MasterAccountId"] == "1000000000000001"
    assert directory["ResourceDirectoryId"].startswith("rd-") and directory["RootFolderId"].startswith("r-")
    assert body["RequestId"]
    assert last_logged(emulator)["style"] == ("v1" if signature_algorithm == "v2" else "acs3")


@pytest.mark.parametrize(("signature_algorithm", "in_body"), STYLES)
def test_list_accounts_pages_with_both_styles(emulator, signature_algorithm, in_body):
    client = rd_client(emulator, signature_algorithm=signature_algorithm)
    first = call(client, "ListAccounts", {"PageNumber": "1", "PageSize": "3"}, in_body=in_body)
    second = call(client, "ListAccounts", {"PageNumber": "2", "PageSize": "3"}, in_body=in_body)
    assert first["TotalCount"] == second["TotalCount"] == 4
    assert (first["PageNumber"], first["PageSize"], len(first["Accounts"]["Account"])) == (1, 3, 3)
    assert len(second["Accounts"]["Account"]) == 1
    ids = [account["AccountId"] for account in first["Accounts"]["Account"] + second["Accounts"]["Account"]]
    assert sorted(ids) == ["1000000000000001", "1000000000000002", "1000000000000003", "1000000000000004"]
    for account in first["Accounts"]["Account"]:
        assert set(account) == ACCOUNT_KEYS
        assert account["Status"] == "CreateSuccess"
    assert emulator.counters("central")["by_operation"]["ListAccounts"]["reads"] == 2


def test_account_attributes_and_folders(emulator):
    client = rd_client(emulator)
    accounts = {account["DisplayName"]: account for account in all_accounts(client)}
    root_id = call(client, "GetResourceDirectory")["ResourceDirectory"]["RootFolderId"]
    folders = {folder["FolderName"]: folder["FolderId"] for folder in call(client, "ListFoldersForParent")["Folders"]["Folder"]}
    assert set(folders) == {"Production", "Development"}
    sub_folders = call(client, "ListFoldersForParent", {"ParentFolderId": folders["Production"]})["Folders"]["Folder"]
    assert [folder["FolderName"] for folder in sub_folders] == ["Regulated"]
    assert accounts["prod"]["FolderId"] == folders["Production"]
    assert accounts["dev"]["FolderId"] == accounts["staging"]["FolderId"] == folders["Development"]
    assert accounts["central"]["FolderId"] == root_id
    assert accounts["central"]["Type"] == "CloudAccount" and accounts["dev"]["Type"] == "ResourceAccount"
    assert accounts["dev"]["JoinMethod"] == "created"
    assert accounts["dev"]["ResourceDirectoryPath"] == f"{root_id}/{folders['Development']}/1000000000000002"

    folder = call(client, "GetFolder", {"FolderId": sub_folders[0]["FolderId"]})["Folder"]
    assert folder["ParentFolderId"] == folders["Production"]
    assert folder["ResourceDirectoryPath"] == f"{root_id}/{folders['Production']}/{sub_folders[0]['FolderId']}"

    in_development = call(client, "ListAccountsForParent", {"ParentFolderId": folders["Development"], "PageSize": "100"})
    assert sorted(account["DisplayName"] for account in in_development["Accounts"]["Account"]) == ["dev", "staging"]
    assert in_development["TotalCount"] == 2
    keyword = call(client, "ListAccounts", {"QueryKeyword": "stag"})
    assert [account["DisplayName"] for account in keyword["Accounts"]["Account"]] == ["staging"]


def test_only_the_management_account_may_list(emulator):
    dev = rd_client(emulator, "dev")
    # A member learns which directory it belongs to, but may not list it.
    assert call(dev, "GetResourceDirectory")["ResourceDirectory"]["MasterAccountId"] == "1000000000000001"
    for action, parameters in (("ListAccounts", {}), ("ListFoldersForParent", {}), ("GetFolder", {"FolderId": "r-Emu001"}),
                               ("ListAccountsForParent", {"ParentFolderId": "r-Emu001"})):
        error = expect_error(lambda action=action, parameters=parameters: call(dev, action, parameters),
                             "NoPermission.ResourceDirectory.MemberAccount", 409)
        assert error.data["HostId"] == "resourcemanager.aliyuncs.com"
    # Requests that reached an operation are counted, failures included.
    assert emulator.counters("dev")["reads"] == 5


def test_account_outside_the_directory_has_none(emulator):
    emulator.add_accounts([{"name": "loner", "account_id": "3000000000000009", "access_key_id": "LTAI4Loner",
                            "access_key_secret": "LonerSecret", "member": False}])
    loner = rd_client(emulator, access_key_id="LTAI4Loner", access_key_secret="LonerSecret")
    expect_error(lambda: call(loner, "GetResourceDirectory"), "EntityNotExists.ResourceDirectory", 404)
    expect_error(lambda: call(loner, "ListAccounts"), "EntityNotExists.ResourceDirectory", 404)


def test_assumed_role_session_of_the_management_account_may_list(emulator):
    central = emulator.account("central")
    emulator.add_accounts([{"name": "auditor", "account_id": "3000000000000010", "access_key_id": "LTAI4Auditor",
                            "access_key_secret": "AuditorSecret", "trusts": ["1000000000000001"]}])
    status, body, _headers = acs3_request(emulator, central, "AssumeRole", {
        "RoleArn": "acs:ram::3000000000000010:role/ResourceDirectoryAccountAccessRole", "RoleSessionName": "rd"}, version="2015-04-01")
    assert status == 200, body
    # The run-time account joined the directory: the management account sees it at once.
    ids = [account["AccountId"] for account in all_accounts(rd_client(emulator))]
    assert "3000000000000010" in ids and len(ids) == 5


def test_parameter_errors(emulator):
    client = rd_client(emulator)
    expect_error(lambda: call(client, "ListAccounts", {"PageSize": "101"}), "InvalidParameter.PageSize", 400)
    expect_error(lambda: call(client, "ListAccounts", {"PageNumber": "0"}), "InvalidParameter.PageNumber", 400)
    expect_error(lambda: call(client, "GetFolder", {"FolderId": "fd-nope"}), "EntityNotExists.Folder", 404)
    expect_error(lambda: call(client, "ListAccountsForParent", {}), "MissingParentFolderId", 400)
    expect_error(lambda: call(client, "CreateFolder", {"FolderName": "x"}), "InvalidAction.NotFound", 404)


def test_default_page_size_is_ten(emulator):
    emulator.add_accounts(members=25)
    body = call(rd_client(emulator), "ListAccounts")
    assert (body["PageSize"], body["TotalCount"], len(body["Accounts"]["Account"])) == (10, 29, 10)


def test_accounts_file_sets_folder_status_and_display_name(tmp_path):
    accounts_file = tmp_path / "accounts.yml"
    accounts_file.write_text(
        "members: 8\n"
        "accounts:\n"
        "  - {name: closing, account_id: '3000000000000001', access_key_id: LTAI4Closing, access_key_secret: ClosingSecret,\n"
        "     display_name: 'Closing Soon (legacy)', folder: Regulated, status: PromoteVerifying}\n"
    )
    process, control = start_emulator("--accounts", str(accounts_file))
    try:
        client = rd_client(control)
        accounts = all_accounts(client, page_size=5)
        assert len(accounts) == 4 + 1 + 8
        by_name = {account["DisplayName"]: account for account in accounts}
        closing = by_name["Closing Soon (legacy)"]
        assert (closing["Status"], closing["Type"], closing["JoinMethod"]) == ("PromoteVerifying", "CloudAccount", "invited")
        regulated = call(client, "GetFolder", {"FolderId": closing["FolderId"]})["Folder"]
        assert regulated["FolderName"] == "Regulated"
        # Generated members are spread over the four folders, two each.
        per_folder: dict[str, int] = {}
        for account in accounts:
            if account["DisplayName"].startswith("member-"):
                per_folder[account["FolderId"]] = per_folder.get(account["FolderId"], 0) + 1
        assert sorted(per_folder.values()) == [2, 2, 2, 2]
    finally:
        stop_emulator(process)
