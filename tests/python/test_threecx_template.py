"""The 3CX CRM template shipped in vendors/threecx: well-formed, complete, and in step with the routes
(URLs, request keys, the answer paths its Variables read) — so template and endpoints cannot drift."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lib import payload, tokens
from pbx_callcenter.tests import threecx_replay as tpl
from pbx_callcenter.vendors.threecx import protocol as threecx

XML = tpl.read_template()
SCENARIOS = tpl.scenarios(XML)
CONTACT_SCENARIOS = ("", "SearchContacts", "CreateContactRecord", "CreateContactRecordFromClient")
PATHS = {"": threecx.LOOKUP_PATH, "SearchContacts": threecx.SEARCH_PATH,
         "CreateContactRecord": threecx.CONTACT_PATH,
         "CreateContactRecordFromClient": threecx.CONTACT_PATH, "ReportCall": threecx.JOURNAL_PATH}
#: 3CX's own variables the template may use (3CX template documentation and shipping templates).
PREDEFINED = {
    "Number", "CallType", "Agent", "AgentEmail", "QueueExtension", "Duration", "DurationTimespan",
    "CallStartTimeUTC", "CallStartTimeLocal", "RecordingUrl", "FirstName", "LastName", "Email",
    "SearchText",
}
OUTPUT_TYPES = {
    "ContactID", "FirstName", "LastName", "CompanyName", "Email", "PhoneMobile", "PhoneBusiness",
    "ContactUrl", "EntityId", "EntityType",
}
SAMPLE = {
    "OdooUrl": "https://odoo.example.com", "ApiToken": "pbx_token", "Number": "+84989464344",
    "CallType": "Outbound", "Agent": "101", "AgentEmail": "sally@example.com", "QueueExtension": "",
    "Duration": "00:01:05", '[[[DurationTimespan].get_TotalSeconds()].ToString("F0")]': "65",
    '[[CallStartTimeUTC].ToString("s")]': "2025-03-14T10:00:00",
    '[[CallStartTimeLocal].ToString("s")]': "2025-03-14T17:00:00", "RecordingUrl": "",
    "FirstName": "Ann", "LastName": "Lee", "Email": "ann@example.com", "SearchText": "Ann Lee",
    "CreateContactEnabled": "True", "ReportCallEnabled": "True",
}


def sample_values():
    prefix, max_length = tpl.number_format(tpl.parse(XML))
    return dict(SAMPLE, Number=tpl.format_number(SAMPLE["Number"], prefix, max_length))


def path_of(url):
    return urlsplit(url).path


# ---- structure -----------------------------------------------------------------------------

def test_the_template_is_well_formed_with_the_crm_root_attributes():
    root = tpl.parse(XML)
    assert root.tag == "Crm"
    assert root.get("Name") and root.get("Country") and root.get("Version").isdigit()
    assert [child.tag for child in root] == [
        "Number", "Connection", "Parameters", "Authentication", "Scenarios"]


def test_the_template_has_the_lookup_search_create_and_journal_scenarios():
    assert set(SCENARIOS) == {
        "", "SearchContacts", "CreateContactRecord", "CreateContactRecordFromClient", "ReportCall"}


def test_every_scenario_is_a_rest_request_to_our_routes_under_the_odoo_url():
    for scenario_id, scenario in SCENARIOS.items():
        assert scenario.url.startswith("[" + tpl.URL_PARAMETER + "]"), scenario_id
        assert path_of(scenario.url[len(tpl.URL_PARAMETER) + 2:]) == PATHS[scenario_id]


def test_the_lookup_sends_the_number_in_the_parameter_the_route_reads():
    query = parse_qs(urlsplit(SCENARIOS[""].url).query)
    assert query == {threecx.LOOKUP_NUMBER: ["[Number]"]}
    assert SCENARIOS[""].method == "GET"


def test_the_search_sends_the_typed_text_in_the_parameter_the_route_reads():
    scenario = SCENARIOS["SearchContacts"]
    assert parse_qs(urlsplit(scenario.url).query) == {threecx.SEARCH_QUERY: ["[SearchText]"]}
    assert (scenario.method, scenario.skip_if, scenario.post_values) == ("GET", "", {})


def test_the_search_shows_its_contacts_as_the_lookup_shows_the_caller():
    search, lookup = SCENARIOS["SearchContacts"], SCENARIOS[""]
    assert (search.rules, search.variables, search.outputs) == (
        lookup.rules, lookup.variables, lookup.outputs)


def test_the_token_travels_in_a_header_the_routes_accept_and_never_in_a_url():
    for scenario in SCENARIOS.values():
        assert "ApiToken" not in scenario.url
        assert scenario.headers == {"X-Api-Key": "[ApiToken]"}
        request = tpl.simulate_request(scenario, sample_values())
        assert tokens.token_from_request(request["headers"], {}) == "pbx_token"


def test_authentication_is_left_to_the_headers():
    assert tpl.parse(XML).find("Authentication").get("Type") == "No"


def test_the_number_is_sent_with_zeros_so_an_unencoded_query_keeps_it():
    request = tpl.simulate_request(SCENARIOS[""], sample_values())
    number = parse_qs(urlsplit(request["url"]).query)[threecx.LOOKUP_NUMBER][0]
    assert number == "0084989464344"


def test_the_admin_parameters_are_the_url_the_token_and_two_switches():
    params = {p.get("Name"): p for p in tpl.parse(XML).iter("Parameter")}
    assert set(params) == {"OdooUrl", "ApiToken", "CreateContactEnabled", "ReportCallEnabled"}
    assert params["ApiToken"].get("Type") == "Password" and params["ApiToken"].get("Default") == ""
    for switch in ("CreateContactEnabled", "ReportCallEnabled"):
        assert params[switch].get("Type") == "Boolean"


def test_every_variable_used_in_a_request_is_a_parameter_or_a_3cx_variable():
    known = set(tpl.parameters(tpl.parse(XML))) | PREDEFINED
    for scenario in SCENARIOS.values():
        texts = [scenario.url, scenario.skip_if, *scenario.headers.values(),
                 *scenario.post_values.values()]
        for text in texts:
            assert tpl.variables_used(text) <= known, text


def test_skip_conditions_name_boolean_parameters():
    params = {p.get("Name"): p.get("Type") for p in tpl.parse(XML).iter("Parameter")}
    for scenario in SCENARIOS.values():
        for name in tpl.variables_used(scenario.skip_if):
            assert params[name] == "Boolean"
    assert SCENARIOS["ReportCall"].skip_if == "[ReportCallEnabled]!=True"
    assert SCENARIOS["CreateContactRecord"].skip_if == "[CreateContactEnabled]!=True"


# ---- requests match what the routes read ---------------------------------------------------------

def test_the_journal_sends_exactly_the_keys_the_mapping_reads():
    assert set(SCENARIOS["ReportCall"].post_values) == set(threecx.JOURNAL_FIELDS)


def test_the_create_scenarios_send_only_keys_the_route_reads():
    for scenario_id in ("CreateContactRecord", "CreateContactRecordFromClient"):
        assert "number" in SCENARIOS[scenario_id].post_values
        assert set(SCENARIOS[scenario_id].post_values) <= set(threecx.CONTACT_FIELDS)


def test_the_simulated_journal_request_maps_onto_a_call():
    body = tpl.simulate_request(SCENARIOS["ReportCall"], sample_values())["body"]
    kind, data = threecx.to_canonical("ReportCall", body, "Asia/Ho_Chi_Minh")
    assert (kind, data["direction"], data["duration"], data["calldate"], data["extension"]) == (
        "call_out", "out", 65, "2025-03-14T10:00:00Z", "101")


def test_the_simulated_create_request_is_a_valid_contact_body():
    body = tpl.simulate_request(SCENARIOS["CreateContactRecordFromClient"], sample_values())["body"]
    assert threecx.parse_contact(body)["first_name"] == "Ann"


def search_query_of(search_text):
    """What the search route reads of the request 3CX builds for ``search_text``."""
    request = tpl.simulate_request(SCENARIOS["SearchContacts"], dict(sample_values(), SearchText=search_text))
    value = parse_qs(urlsplit(request["url"]).query, keep_blank_values=True).get(threecx.SEARCH_QUERY, [None])
    return threecx.read_query(value[0])


@pytest.mark.parametrize("typed, read", [
    ("Ann Lee", "Ann Lee"), ("  ann   lee ", "ann lee"), ("ann@lee.example", "ann@lee.example"),
    ("50%_off", "50%_off"), ("Zoë", "Zoë"),
    pytest.param("x" * threecx.MAX_QUERY, "x" * threecx.MAX_QUERY, id="max"),
])
def test_the_simulated_search_request_reads_back_the_text_typed(typed, read):
    assert search_query_of(typed) == read


@pytest.mark.parametrize("typed, problem", [
    ("", "required"), ("[SearchText]", "required"), ("a", "too short"), (" a ", "too short"),
    pytest.param("x" * (threecx.MAX_QUERY + 1), "too long", id="max+1"),
    pytest.param("x" * 10240, "too long", id="10kB"),
    ("ann%0Alee", "control characters"), ("ann%00", "control characters"), ("a%09b", "control characters"),
])
def test_a_search_text_too_short_too_long_or_with_control_characters_is_refused_by_name(typed, problem):
    with pytest.raises(payload.PayloadError) as refused:
        search_query_of(typed)
    assert list(refused.value.fields) == [threecx.SEARCH_QUERY]
    assert problem in refused.value.fields[threecx.SEARCH_QUERY]


@pytest.mark.parametrize("text, number", [
    ("0989 464 344", True), ("+84 98-946.43/44", True), ("(098) 946", True), ("344", True),
    ("12", False), ("Ann", False), ("0989abc", False), ("ann@0989.example", False), ("3M Company", False),
])
def test_only_digits_with_number_separators_are_searched_as_a_number(text, number):
    assert threecx.is_number_query(text) is number


def test_a_number_query_finds_the_whole_number_in_any_format_or_its_last_digits():
    exact, prefixes = threecx.number_keys("0989 464 344", "VN", 9)
    assert exact == "84989464344"[::-1]
    assert "989464344"[::-1] in prefixes
    assert threecx.number_keys("464344", None, 9) == ("464344"[::-1], ("464344"[::-1],))
    assert threecx.number_keys("0084 989 464 344", None, 9)[1][-1] == "84989464344"[::-1]


def test_a_search_answer_holds_at_most_the_limit_of_contacts():
    item = sample_answer()["contacts"][0]
    assert threecx.search_answer("ann", [item] * threecx.SEARCH_LIMIT)["found"] is True
    assert threecx.search_answer("ann", []) == {"ok": True, "query": "ann", "found": False, "contacts": []}
    with pytest.raises(ValueError):
        threecx.search_answer("ann", [item] * (threecx.SEARCH_LIMIT + 1))


def test_an_expression_without_a_value_fails_the_simulation_loudly():
    values = sample_values()
    del values['[[CallStartTimeUTC].ToString("s")]']
    with pytest.raises(KeyError):
        tpl.simulate_request(SCENARIOS["ReportCall"], values)


# ---- the answer matches what the Variables read ------------------------------------------------

def sample_answer():
    item = threecx.contact(model="res.partner", record_id=12, first_name="Ann", last_name="Lee",
                           company="Acme", email="ann@example.com", phone_business="+84989464344",
                           phone_mobile="+84912345678", url="https://odoo.example.com/web#id=12")
    return threecx.lookup_answer("0084989464344", [item], blocked=False)


@pytest.mark.parametrize("scenario_id", CONTACT_SCENARIOS)
def test_every_variable_and_rule_path_reads_a_key_of_the_answer(scenario_id):
    scenario = SCENARIOS[scenario_id]
    answer = sample_answer()
    for path in [*scenario.rules, *scenario.variables.values()]:
        assert re.fullmatch(r"contacts\.[a-z_]+", path), path
        assert path.split(".", 1)[1] in threecx.CONTACT_KEYS
        assert tpl.read_path(answer, path), path


@pytest.mark.parametrize("scenario_id", CONTACT_SCENARIOS)
def test_outputs_are_known_types_built_from_the_scenario_variables(scenario_id):
    scenario = SCENARIOS[scenario_id]
    assert set(scenario.outputs) <= OUTPUT_TYPES
    assert {"ContactUrl", "EntityId", "EntityType"} <= set(scenario.outputs)
    for value in scenario.outputs.values():
        assert tpl.variables_used(value) <= set(scenario.variables), value


def test_the_outputs_of_a_sample_answer_are_the_contact():
    scenario, answer = SCENARIOS[""], sample_answer()
    variables = {name: tpl.read_path(answer, path)[0] for name, path in scenario.variables.items()}
    outputs = {kind: tpl.evaluate(value, variables) for kind, value in scenario.outputs.items()}
    assert outputs["FirstName"] == "Ann" and outputs["CompanyName"] == "Acme"
    assert outputs["EntityId"] == "partner-12" and outputs["EntityType"] == "Contacts"
    assert outputs["ContactUrl"] == "https://odoo.example.com/web#id=12"


def test_an_empty_answer_matches_no_rule():
    answer = threecx.lookup_answer("0084989464344", [], blocked=False)
    assert tpl.read_path(answer, SCENARIOS[""].rules[0]) == []


# ---- rendering the download --------------------------------------------------------------------

def test_rendering_fills_in_the_odoo_url_and_nothing_else():
    rendered = tpl.render(XML, "https://odoo.example.com/")
    params = tpl.parameters(tpl.parse(rendered))
    assert params["OdooUrl"] == "https://odoo.example.com"
    assert params["ApiToken"] == ""
    assert rendered.replace('Default="https://odoo.example.com"', 'Default=""', 1) == XML


@pytest.mark.parametrize("url", [
    None, "", "javascript:alert(1)", 'https://x.example.com/" Evil="1', "https://a.example.com/<x>",
    "ftp://odoo.example.com", "https://a.exa\nmple.com/", "https://a.example.com/\x7f",
    "https://a.example.com/?a=1&b=2",
])
def test_rendering_leaves_the_template_alone_for_unusable_urls(url):
    assert tpl.render(XML, url) == XML


@pytest.mark.parametrize("number, prefix, max_length, expected", [
    ("+84989464344", "Zeros", "", "0084989464344"), ("0084989464344", "Plus", "", "+84989464344"),
    ("+84989464344", "Off", "", "84989464344"), ("+84989464344", "AsIs", "", "+84989464344"),
    ("0989464344", "Zeros", "", "0989464344"), ("+84989464344", "AsIs", "6", "464344"),
])
def test_the_number_is_formatted_as_the_number_element_says(number, prefix, max_length, expected):
    assert tpl.format_number(number, prefix, max_length) == expected
