"""Replay of the 3CX CRM template (vendors/threecx/pbx_callcenter_3cx.xml): what 3CX sends for each
scenario. Test code only (the module's tests and tests/python), no Odoo import.

The replay (:func:`scenarios`, :func:`simulate_request`) follows 3CX's documented template
rules closely enough to build the requests a PBX would send: ``[Variable]`` substitution, the
``<Number Prefix MaxLength>`` formatting of ``[Number]``, headers and JSON ``PostValues``. The
tests send exactly those requests, so the template and the routes cannot drift apart.
Expressions other than plain variables (``[[X].ToString("s")]``...) are not evaluated: the
caller gives their value, and an expression nobody gave fails loudly.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any

# the runtime half, re-exported so that a test reads one module
from ..vendors.threecx.template import TEMPLATE_PATH, URL_PARAMETER, read_template, render  # noqa: F401

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Scenario:
    """One ``<Scenario>`` as far as building and answering its request goes."""

    id: str
    method: str
    url: str
    skip_if: str
    headers: dict[str, str] = field(default_factory=dict)
    post_values: dict[str, str] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)


def parse(xml_text: str) -> ElementTree.Element:
    return ElementTree.fromstring(xml_text.encode("utf-8"))


def number_format(root: ElementTree.Element) -> tuple[str, str]:
    element = root.find("Number")
    return element.get("Prefix", "AsIs"), element.get("MaxLength", "")


def parameters(root: ElementTree.Element) -> dict[str, str]:
    """Parameter name -> default value."""
    return {param.get("Name"): param.get("Default", "") for param in root.iter("Parameter")}


def scenarios(xml_text: str) -> dict[str, Scenario]:
    """Scenario id -> :class:`Scenario` (the contact lookup's id is '')."""
    found = {}
    for element in parse(xml_text).find("Scenarios").findall("Scenario"):
        request = element.find("Request")
        scenario = Scenario(
            id=element.get("Id", ""),
            method=request.get("RequestType", "Get").upper(),
            url=request.get("Url", ""),
            skip_if=request.get("SkipIf", ""),
            headers={value.get("Key"): value.text or ""
                     for value in request.iterfind("Headers/Value")},
            post_values={value.get("Key"): value.text or ""
                         for value in request.iterfind("PostValues/Value")},
            rules=[rule.text or "" for rule in element.iterfind("Rules/Rule")],
            variables={var.get("Name"): var.get("Path") for var in element.iterfind("Variables/Variable")},
            outputs={out.get("Type"): out.get("Value") for out in element.iterfind("Outputs/Output")},
        )
        if scenario.id in found:
            raise ValueError(f"duplicate scenario id {scenario.id!r}")
        found[scenario.id] = scenario
    return found


def expressions(text: str) -> list[str]:
    """The top-level ``[...]`` expressions of a template value, brackets included."""
    found, depth, start = [], 0, 0
    for index, ch in enumerate(text):
        if ch == "[":
            if depth == 0:
                start = index
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
            if depth == 0:
                found.append(text[start:index + 1])
    if depth:
        raise ValueError(f"unbalanced brackets in {text!r}")
    return found


def variables_used(text: str) -> set[str]:
    """Every ``[Name]`` variable referenced by a template value, nested ones included."""
    return set(re.findall(r"\[([A-Za-z_][A-Za-z0-9_]*)\]", text))


def format_number(number: str, prefix: str, max_length: str = "") -> str:
    """``[Number]`` as the template's ``<Number>`` element makes it (3CX documentation):
    AsIs keeps ``+``/``00``, Off drops it, Plus writes ``+``, Zeros writes ``00``; MaxLength
    keeps that many last digits."""
    text = number.strip()
    for international in ("+", "00"):
        if text.startswith(international) and prefix != "AsIs":
            text = {"Off": "", "Plus": "+", "Zeros": "00"}[prefix] + text[len(international):]
            break
    if max_length.strip():
        text = text[-int(max_length):]
    return text


def evaluate(text: str, values: dict[str, str]) -> str:
    """``text`` with each top-level ``[...]`` replaced: by ``values[expression]`` when the whole
    expression is given, else by ``values[Name]`` for a plain ``[Name]``. KeyError otherwise."""
    result = text
    for expression in expressions(text):
        if expression in values:
            value = values[expression]
        elif _VARIABLE.fullmatch(expression[1:-1]):
            value = values[expression[1:-1]]
        else:
            raise KeyError(f"no value given for the expression {expression}")
        result = result.replace(expression, value, 1)
    return result


def skipped(scenario: Scenario, values: dict[str, str]) -> bool:
    """Whether ``SkipIf`` skips the scenario; only the ``[Flag]!=True`` form is understood."""
    if not scenario.skip_if:
        return False
    match = re.fullmatch(r"\[([A-Za-z_][A-Za-z0-9_]*)\]!=True", scenario.skip_if)
    if not match:
        raise ValueError(f"unsupported SkipIf {scenario.skip_if!r}")
    return values[match[1]] != "True"


def simulate_request(scenario: Scenario, values: dict[str, str]) -> dict[str, Any]:
    """The request 3CX sends for ``scenario``: method, URL (substituted WITHOUT URL-encoding,
    as 3CX does), headers and JSON body (PostValues as strings)."""
    return {
        "method": scenario.method,
        "url": evaluate(scenario.url, values),
        "headers": {key: evaluate(text, values) for key, text in scenario.headers.items()},
        "body": {key: evaluate(text, values) for key, text in scenario.post_values.items()}
        if scenario.post_values else None,
    }


def read_path(data: Any, path: str) -> list[Any]:
    """Values at a 3CX Variable path (``contacts.first_name``): dotted keys, walking through
    lists element by element."""
    current = [data]
    for key in path.split("."):
        following = []
        for item in current:
            for element in item if isinstance(item, list) else [item]:
                if isinstance(element, dict) and key in element:
                    following.append(element[key])
        current = following
    return [value for item in current for value in (item if isinstance(item, list) else [item])]
