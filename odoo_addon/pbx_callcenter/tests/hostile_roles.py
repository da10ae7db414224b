"""The roles of the hostile-roles suite (issue 9): every test_hostile_*.py module plays one kind of
attack as each of these people, over real HTTP or through the ORM as that user.

- outsider: no token at all (a request from the internet);
- a token holder of each connection kind (generic, asterisk, zadarma, yeastar, threecx), all in
  company A: ``self.kind_tokens[kind]`` / ``self.kind_connections[kind]``;
- ``salesperson`` (Call Center user of A) and ``salesperson2`` (a colleague, same company);
- ``manager``: a Call Center manager of A who is *not* a system administrator;
- ``user_b`` / ``manager_b``: a Call Center user and a Call Center manager of company B only,
  with B's own connection ``connection_b`` / ``token_b``;
- ``admin``: a system administrator (base.group_system) of A, the only one who may set URLs,
  secrets and the IP allow-list.
"""
from .common import MANAGER_GROUPS, SALESPERSON_GROUPS, PbxHttpCase

KINDS = ("generic", "asterisk", "zadarma", "yeastar", "threecx")


class HostileRolesCase(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Connection = env["pbx.connection"]
        cls.admin = cls.make_user("pbx_sysadmin", "Ada Admin",
                                  "base.group_system," + MANAGER_GROUPS)
        cls.kind_connections = {"generic": cls.connection}
        cls.kind_tokens = {"generic": cls.token}
        for kind in KINDS[1:]:
            result = Connection.provision({
                "name": f"Hostile {kind}", "kind": kind, "company_id": cls.company.id,
                "country_id": cls.vn.id, "tz": "Asia/Ho_Chi_Minh", "auto_create_inbound": False,
            })
            cls.kind_connections[kind] = Connection.browse(result["id"])
            cls.kind_tokens[kind] = result["token"]

        cls.company_b = env["res.company"].create({"name": "Hostile Company B",
                                                   "country_id": cls.vn.id})
        result = Connection.provision({
            "name": "PBX of B", "company_id": cls.company_b.id, "country_id": cls.vn.id,
            "tz": "Asia/Ho_Chi_Minh", "auto_create_inbound": False,
        })
        cls.connection_b = Connection.browse(result["id"])
        cls.token_b = result["token"]
        cls.user_b = cls.make_user("pbx_user_b", "Ursula B", SALESPERSON_GROUPS, cls.company_b)
        cls.manager_b = cls.make_user("pbx_manager_b", "Max Manager B", MANAGER_GROUPS,
                                      cls.company_b)
        env["pbx.extension"].create({"connection_id": cls.connection_b.id, "name": "201",
                                     "user_id": cls.user_b.id})

    def as_user(self, user, record_or_model):
        """The record (or model name) in an environment of `user` with only their companies
        allowed, as the web client would call it."""
        if isinstance(record_or_model, str):
            record_or_model = self.env[record_or_model]
        return record_or_model.with_user(user).with_context(
            allowed_company_ids=user.company_ids.ids)
