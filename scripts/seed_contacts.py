#!/usr/bin/python3
"""Bulk-load partners and leads with realistically mixed phone formatting (issue 5, item 1).

    scripts/seed_contacts.py --db NAME --partners 1000000 --leads 200000 [--seed 42]

The database needs crm, contacts and phone_validation. Rows go in through PostgreSQL
COPY FROM STDIN (not the ORM). With pbx_callcenter installed, the pbx lookup keys are computed with
the module's own ``lib.phone.index_key`` so they are exactly what the ORM would store; without
it (benchmark_install.py), they are left to the module's install. Odoo's ``phone_sanitized`` is
filled (E.164 of mobile, else phone) where the column exists. Odoo 19 has no ``mobile``: there a
record's one number goes in ``phone`` (mobile-only records included).
Ends with ANALYZE and prints the load time.
"""

import argparse
import io
import os
import random
import sys
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "odoo_addon", "pbx_callcenter"))
from lib import phone  # noqa: E402  (the module's own key function)

# Valid number ranges, so phonenumbers reads them the way it would read real data.
VN_MOBILE = ["90", "91", "93", "94", "96", "97", "98", "99", "86", "88", "89",
             "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77",
             "78", "79", "81", "82", "83", "84", "85"]
VN_FIXED = ["24", "28"]  # Hanoi, HCMC: 2x + 8 digits
US_AREA = ["212", "415", "650", "312", "617", "206", "305", "404", "512", "702"]
FR_PREFIX = ["6", "7", "1", "2", "3", "4", "5"]
COUNTRY_WEIGHTS = [("VN", 0.6), ("US", 0.2), ("FR", 0.2)]


def random_national(rng, country):
    """(country, national significant number) of a plausible number."""
    if country == "VN":
        if rng.random() < 0.85:
            return rng.choice(VN_MOBILE) + "%07d" % rng.randrange(10**7)
        return rng.choice(VN_FIXED) + "%08d" % rng.randrange(10**8)
    if country == "US":
        return rng.choice(US_AREA) + str(rng.randrange(2, 10)) + "%06d" % rng.randrange(10**6)
    return rng.choice(FR_PREFIX) + "%08d" % rng.randrange(10**8)


CC = {"VN": "84", "US": "1", "FR": "33"}


def _group(digits, sizes, sep):
    out, i = [], 0
    for size in sizes:
        if i >= len(digits):
            break
        out.append(digits[i:i + size])
        i += size
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(out)


def format_number(rng, country, nsn):
    """One of the formats users really type."""
    cc = CC[country]
    trunk = "" if country == "US" else "0"
    style = rng.randrange(9)
    if style == 0:
        return "+" + cc + nsn                                     # E.164
    if style == 1:
        return trunk + nsn if country != "US" else nsn            # national, with 0
    if style == 2:
        return "00" + cc + nsn                                    # 0084...
    if style == 3:
        return "+" + cc + " " + _group(nsn, (2, 3, 2, 2), " ")    # +84 98 946 43 44
    if style == 4:
        return _group(trunk + nsn, (4, 3, 3), "-")                # 0989-464-344
    if style == 5:
        if country == "US":
            return "(%s) %s-%s" % (nsn[:3], nsn[3:6], nsn[6:])    # (212) 555-0100
        return "(%s) %s" % (trunk + nsn[:2], _group(nsn[2:], (3, 4), " "))
    if style == 6:
        return cc + nsn                                           # no-plus international
    if style == 7:
        return "+" + cc + "-" + _group(nsn, (3, 3, 4), "-")
    return _group(trunk + nsn, (3, 3, 4), ".")                     # 098.946.4344


def sanitized(raw_list, country):
    for raw in raw_list:
        if raw:
            pn = phone.normalize(raw, country)
            if pn.e164:
                return pn.e164
    return None


def copy_rows(cur, table, columns, rows):
    """COPY rows (dicts by column; other keys ignored) into `columns` of `table`."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if row[c] is None else str(row[c]) for c in columns))
        buf.write("\n")
    buf.seek(0)
    cur.copy_expert(
        "COPY %s (%s) FROM STDIN" % (table, ", ".join(columns)), buf)


def copy_batches(conn, cur, table, columns, count, batch, make_row, t0):
    """COPY make_row(0) ... make_row(count - 1) into `table`, committing each batch."""
    done = 0
    while done < count:
        n = min(batch, count - done)
        copy_rows(cur, table, columns, [make_row(i) for i in range(done, done + n)])
        done += n
        conn.commit()
        print("%s %d/%d  %.0fs" % (table, done, count, time.time() - t0), flush=True)


def scalar(cur, query, params=None):
    """The first value of the first row `query` returns."""
    cur.execute(query, params)
    return cur.fetchone()[0]


def check_not_null(cur, table, columns):
    cur.execute("""
        SELECT column_name FROM information_schema.columns
         WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
    """, (table,))
    missing = [c for (c,) in cur.fetchall() if c not in columns]
    if missing:
        sys.exit("%s has NOT NULL columns this seeder does not fill: %s" % (table, missing))


def has_column(cur, table, column):
    cur.execute("SELECT 1 FROM information_schema.columns WHERE table_name=%s AND column_name=%s",
                (table, column))
    return cur.fetchone() is not None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--partners", type=int, default=1_000_000)
    ap.add_argument("--leads", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--batch", type=int, default=50_000)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    conn = psycopg2.connect(dbname=args.db)
    cur = conn.cursor()
    cur.execute("SELECT code, id FROM res_country WHERE code IN ('VN','US','FR')")
    country_ids = dict(cur.fetchall())
    company_id = scalar(cur, "SELECT id FROM res_company ORDER BY id LIMIT 1")
    uid = scalar(cur, "SELECT id FROM res_users WHERE login = 'admin'")

    countries = [c for c, _ in COUNTRY_WEIGHTS]
    weights = [w for _, w in COUNTRY_WEIGHTS]

    def phones(country):
        """(phone, mobile) for one record: ~10% none, ~20% with a mobile too."""
        r = rng.random()
        if r < 0.10:
            return None, None
        ph = format_number(rng, country, random_national(rng, country))
        mob = None
        if r > 0.80:
            mob = format_number(rng, country, random_national(rng, country))
        elif r < 0.15:  # mobile only
            ph, mob = None, ph
        return ph, mob

    # Odoo 19 dropped `mobile`: its one number is the phone, else the mobile
    mobiles = has_column(cur, "res_partner", "mobile")

    def numbers(country):
        """The values of number_cols for one record."""
        ph, mob = phones(country)
        return [ph, mob] if mobiles else [ph or mob]

    def record_country():
        c = rng.choices(countries, weights)[0]
        # 5% have no country set: keys then come from E.164 when written internationally,
        # else from raw digits (exactly what the ORM computes).
        return c, (None if rng.random() < 0.05 else c)

    # Without the module's columns (seeding before `-i pbx_callcenter`, to time the install's
    # own key computation and indexing), the keys are left out.
    keys = has_column(cur, "res_partner", "pbx_phone_key")
    if not keys:
        print("pbx_callcenter columns absent: loading without keys", flush=True)
    number_cols = ["phone", "mobile"] if mobiles else ["phone"]
    key_cols = [f"pbx_{column}_key" for column in number_cols] if keys else []
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())

    def contact(columns):
        """The columns partners and leads share, of one record with random numbers."""
        c, cset = record_country()
        nums = numbers(c)
        row = {"country_id": country_ids[cset] if cset else None, "create_uid": uid,
               "write_uid": uid, "create_date": stamp, "write_date": stamp}
        row.update(zip(number_cols, nums))
        if keys:
            row.update(zip(key_cols, [phone.index_key(num, cset) for num in nums]))
        if "phone_sanitized" in columns:
            row["phone_sanitized"] = sanitized(nums[::-1], cset)
        return row

    def table_columns(table, columns, optional):
        """`columns` and those of `optional` the table has; exits on a NOT NULL one missing."""
        columns = columns + number_cols + key_cols + [
            c for c in optional if has_column(cur, table, c)]
        check_not_null(cur, table, columns + ["id"])
        return columns

    t0 = time.time()

    # ---- partners
    p_cols = table_columns("res_partner", [
        "id", "commercial_partner_id", "name", "complete_name", "active", "type", "is_company",
        "company_id", "country_id", "create_uid", "write_uid", "create_date", "write_date",
        "lang"], ["phone_sanitized", "autopost_bills", "partner_share", "color"])
    # Ids allocated up front so commercial_partner_id (the partner itself) goes in the COPY.
    first_id = scalar(cur, "SELECT nextval('res_partner_id_seq')")
    cur.execute("SELECT setval('res_partner_id_seq', %s)", (first_id + args.partners,))

    def partner(i):
        row = contact(p_cols)
        is_company = rng.random() < 0.1
        name = ("Company %d" if is_company else "Contact %d") % (i + 1)
        row.update(id=first_id + i, commercial_partner_id=first_id + i, name=name,
                   complete_name=name, active="t", type="contact",
                   is_company="t" if is_company else "f", company_id=None, lang="en_US",
                   autopost_bills="ask", partner_share="t", color=0)
        return row

    copy_batches(conn, cur, "res_partner", p_cols, args.partners, args.batch, partner, t0)

    # ---- leads
    l_cols = table_columns("crm_lead", [
        "name", "type", "active", "company_id", "country_id", "create_uid", "write_uid",
        "create_date", "write_date", "priority", "contact_name"], ["phone_sanitized", "user_id"])

    def lead(i):
        row = contact(l_cols)
        row.update(name="Lead %d" % (i + 1),
                   type="lead" if rng.random() < 0.5 else "opportunity",
                   active="t" if rng.random() < 0.95 else "f", company_id=company_id,
                   priority="0", contact_name="Lead contact %d" % (i + 1), user_id=None)
        return row

    copy_batches(conn, cur, "crm_lead", l_cols, args.leads, args.batch, lead, t0)

    t_load = time.time() - t0
    conn.autocommit = True
    cur.execute("ANALYZE res_partner")
    cur.execute("ANALYZE crm_lead")
    total = time.time() - t0
    print("seed: %d partners + %d leads loaded in %.1f s (COPY %.1f s, ANALYZE %.1f s)"
          % (args.partners, args.leads, total, t_load, total - t_load))
    conn.close()


if __name__ == "__main__":
    main()
