"""Checks of real values against the generated JSON Schemas of ``contracts/`` (written by
``npm run build`` from the zod schemas of web/src/schemas). Pure Python, shared by the Odoo tests
and tests/python; needs ``jsonschema`` (Debian's python3-jsonschema, a test dependency only)."""
from functools import lru_cache

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..lib import contracts


@lru_cache(maxsize=None)
def validator(name):
    """The validator of ``contracts/<name>.schema.json`` (the schema itself checked first)."""
    schema = contracts.schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def problems(name, value):
    """How ``value`` breaks the contract ``name``, one line per error (empty: it conforms)."""
    found = []
    for error in validator(name).iter_errors(value):
        # No alternative (anyOf/oneOf) matched: say why the closest one does not.
        while error.context:
            error = best_match(error.context)
        where = ".".join(str(step) for step in error.absolute_path) or "<root>"
        found.append(f"{where}: {error.message}")
    return sorted(found)
