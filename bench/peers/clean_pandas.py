#!/usr/bin/python3
"""Peer: the cleaning job done the way a competent analyst would with pandas (Debian's
python3-pandas; run with /usr/bin/python3).

    clean_pandas.py IN.csv OUT.csv FINDINGS.csv DATA_DIR

It knows what a careful user would look up: the "UTF-8 read as Windows-1252" fix
(s.encode('cp1252').decode('utf-8')), NFC, Ð → Đ, title case, the usual date formats with
pd.to_datetime, Excel serial numbers, CCCD digits and lost leading zeros, the 2018 phone table,
the official lists and their variants (data/*.csv) matched on an accent-free key, abbreviations
in addresses, and the 2025 old → new ward table (data/admin_units/map_old_to_new_dvhcvn.csv).
It does not know TCVN3/VNI/VIQR, Vietnamese tone placement, or two-digit years beyond Python's
own %y rule. OUT keeps the input's columns and row order; FINDINGS lists the cells it flags
(line,id,column,code,severity,message,original,suggested with only id/column/code filled in).
"""
import csv
import re
import sys
import unicodedata

import pandas as pd

IN, OUT, FND, DATA = sys.argv[1:5]
df = pd.read_csv(IN, dtype=str, keep_default_na=False, encoding="utf-8-sig")
flags = []


def flag(mask, column, code):
    for stt in df.loc[mask, "STT"]:
        flags.append((stt, column, code))


def strip_marks(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D")


def key(s):
    return re.sub(r"[^a-z0-9]+", " ", strip_marks(s).lower()).strip()


MOJIBAKE = re.compile("[ÃÄÅÆ]|á[º»]")


def fix_text(s):
    if MOJIBAKE.search(s):
        try:
            s = s.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    s = unicodedata.normalize("NFC", s).replace("Ð", "Đ").replace("\u200b", "")
    return " ".join(s.split())


def cached(fn):
    memo = {}

    def wrapper(s):
        r = memo.get(s)
        if r is None:
            r = memo[s] = fn(s)
        return r
    return wrapper


# ---------------------------------------------------------------- text and names
text_cols = [c for c in df.columns if c not in ("STT", "Số CCCD", "Điện thoại")]
for c in text_cols:
    df[c] = df[c].map(cached(fix_text))
df["Họ và tên"] = df["Họ và tên"].str.title()
df["Giới tính"] = df["Giới tính"].map(
    lambda s: {"nam": "Nam", "nam gioi": "Nam", "m": "Nam", "nu": "Nữ", "nu gioi": "Nữ", "f": "Nữ"}.get(key(s), s))

# ---------------------------------------------------------------- dates
for c in ["Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Ngày cấp thẻ"]:
    s = df[c].str.strip()
    out = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    for fmt in ["%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"]:
        out = out.fillna(pd.to_datetime(s, format=fmt, errors="coerce"))
    serial = pd.to_numeric(s, errors="coerce")
    is_serial = out.isna() & serial.between(2101, 60000)
    out[is_serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[is_serial], unit="D")
    year_only = s.str.fullmatch(r"\d{4}")
    text_year = s.str.extract(r"^[Nn]ăm (\d{4})$")[0]
    new = out.dt.strftime("%d/%m/%Y").copy()
    new[year_only] = s[year_only]
    new[text_year.notna()] = text_year[text_year.notna()]
    bad = new.isna() & (s != "")
    flag(bad, c, "date.unreadable")
    df[c] = new.where(new.notna(), df[c])

# ---------------------------------------------------------------- citizen ID
def fix_cccd(s):
    if re.fullmatch(r"\s*\d[\d.,]*[eE]\+\d+\s*", s):
        return s
    d = re.sub(r"\D", "", s)
    if len(d) in (10, 11):
        d = d.zfill(12)
    return d if d else s


df["Số CCCD"] = df["Số CCCD"].map(fix_cccd)
flag(df["Số CCCD"].str.len() != 12, "Số CCCD", "citizen_id.invalid")
g = df["Số CCCD"].str[3]
female = df["Giới tính"] == "Nữ"
flag(df["Số CCCD"].str.fullmatch(r"\d{12}") & ((g.isin(["1", "3"])) != female), "Số CCCD", "citizen_id.gender_mismatch")
flag(df["Số CCCD"].duplicated() & (df["Số CCCD"] != ""), "Số CCCD", "citizen_id.duplicate")
flag(df["Số thẻ"].duplicated() & (df["Số thẻ"] != ""), "Số thẻ", "card_number.duplicate")

# ---------------------------------------------------------------- phones
OLD = {"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078", "0123": "083", "0124": "084",
       "0125": "085", "0127": "081", "0129": "082", "0162": "032", "0163": "033", "0164": "034", "0165": "035",
       "0166": "036", "0167": "037", "0168": "038", "0169": "039", "0186": "056", "0188": "058", "0199": "059"}


def fix_phone(s):
    d = re.sub(r"\D", "", s)
    if d.startswith("0084"):
        d = "0" + d[4:]
    elif d.startswith("84") and len(d) in (11, 12):
        d = "0" + d[2:]
    if len(d) == 9 and not d.startswith("0"):
        d = "0" + d
    if len(d) == 11 and d[:4] in OLD:
        d = OLD[d[:4]] + d[4:]
    return d if d else s


df["Điện thoại"] = df["Điện thoại"].map(fix_phone)
flag(~df["Điện thoại"].str.fullmatch(r"0[35789]\d{8}|02\d{9}") & (df["Điện thoại"] != ""), "Điện thoại", "phone.invalid")


# ---------------------------------------------------------------- controlled values
def vocab(path, kind=None):
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    if kind is not None:
        t = t[(t["kind"] == "professional") == kind]
    m = {}
    for name, variants in zip(t["name"], t["variants"]):
        for v in [name] + [v for v in variants.split("|") if v]:
            m.setdefault(key(v), name)
    return m


for col, path, kind in [("Dân tộc", "ethnic_groups.csv", None), ("Tôn giáo", "religions.csv", None),
                        ("Trình độ GDPT", "education_levels.csv", False), ("Chuyên môn", "education_levels.csv", True),
                        ("Lý luận chính trị", "theory_levels.csv", None)]:
    m = vocab(f"{DATA}/{path}", kind)
    new = df[col].map(lambda s: m.get(key(s), s) if s else s)
    flag((new != "") & ~new.isin(set(m.values())), col, "controlled.unknown")
    df[col] = new
df["Tình trạng"] = df["Tình trạng"].map(
    lambda s: {"dang vien chinh thuc": "Chính thức", "chinh thuc": "Chính thức", "dang vien du bi": "Dự bị",
               "du bi": "Dự bị"}.get(key(s), s))

# ---------------------------------------------------------------- places and addresses
newp = pd.read_csv(f"{DATA}/admin_units/new_provinces_2025-07.csv", dtype=str)
oldp = pd.read_csv(f"{DATA}/admin_units/old_provinces_2025-03.csv", dtype=str)
pmap = pd.read_csv(f"{DATA}/admin_units/map_old_to_new_provinces.csv", dtype=str)
newc = pd.read_csv(f"{DATA}/admin_units/new_communes_2025-07.csv", dtype=str)
wmap = pd.read_csv(f"{DATA}/admin_units/map_old_to_new_dvhcvn.csv", dtype=str, keep_default_na=False)
prov = {key(n): f for n, f in zip(newp["name"], newp["full_name"])}
new_full = dict(zip(newp["province_code"], newp["full_name"]))
old_to_new = dict(zip(pmap["old_province_code"], pmap["new_province_code"]))
for n, code in zip(oldp["name"], oldp["province_code"]):
    prov.setdefault(key(n), new_full[old_to_new[code]])
prov.update({"hcm": new_full["79"], "tphcm": new_full["79"], "tp hcm": new_full["79"]})
TYPES = re.compile(r"^(tinh|thanh pho|tp|t)\s+")


@cached
def fix_place(s):
    k = TYPES.sub("", key(s))
    return prov.get(k, prov.get(k.replace(" ", ""), s))


for c in ["Quê quán", "Nơi sinh"]:
    df[c] = df[c].map(fix_place)

ABBR = [(r"^P\.\s*", "Phường "), (r"^X\.\s*", "Xã "), (r"^TT\.\s*", "Thị trấn "), (r"^Q\.\s*", "Quận "),
        (r"^H\.\s*", "Huyện "), (r"^TX\.\s*", "Thị xã "), (r"^(TP\.?\s*HCM|Tp\.?\s*HCM|TPHCM|TP\.? Hồ Chí Minh|Tp\.? Hồ Chí Minh)$",
                                                           "Thành phố Hồ Chí Minh"), (r"^TP\.\s*", "Thành phố ")]
single = wmap[wmap["old_code"].map(wmap["old_code"].value_counts()) == 1]
old_ward = {(key(w), key(d)): f"{n}, {p}" for w, d, n, p in
            zip(single["old_name"], single["old_district_name"], single["new_commune_name"], single["new_province_name"])}
cur_ward = {(key(f), key(p)): f"{f}, {p}" for f, p in zip(newc["full_name"], newc["province_name"])}


@cached
def fix_address(s):
    parts = [p.strip() for p in s.split(",") if p.strip()]
    for i, p in enumerate(parts):
        for pat, rep in ABBR:
            p = re.sub(pat, rep, p)
        parts[i] = p
    if len(parts) >= 3 and (parts[1].startswith(("Quận", "Huyện", "Thị xã", "Thành phố"))):
        hit = old_ward.get((key(parts[0]), key(parts[1])))
        if hit:
            return hit
    if len(parts) == 2:
        hit = cur_ward.get((key(parts[0]), key(parts[1])))
        if hit:
            return hit
    return ", ".join(parts)


df["Nơi thường trú"] = df["Nơi thường trú"].map(fix_address)
flag(df["Nơi thường trú"].str.contains(r"Quận|Huyện|Q\.", regex=True), "Nơi thường trú", "address.old_unit")

# ---------------------------------------------------------------- rules (the obvious ones)
b = pd.to_datetime(df["Ngày sinh"], format="%d/%m/%Y", errors="coerce")
a = pd.to_datetime(df["Ngày vào Đảng"], format="%d/%m/%Y", errors="coerce")
f = pd.to_datetime(df["Ngày chính thức"], format="%d/%m/%Y", errors="coerce")
k = pd.to_datetime(df["Ngày cấp thẻ"], format="%d/%m/%Y", errors="coerce")
flag((a - b).dt.days < 18 * 365.25, "Ngày vào Đảng", "admitted_on.under_age")
flag(f < a, "Ngày chính thức", "full_member_on.before_admission")
flag((f - a).dt.days < 365, "Ngày chính thức", "full_member_on.too_early")
flag((f - a).dt.days > 731, "Ngày chính thức", "full_member_on.late")
flag(k < f, "Ngày cấp thẻ", "card_issued_on.before_full")
flag(df["Ngày sinh"] == "", "Ngày sinh", "required.missing")

df.to_csv(OUT, index=False, encoding="utf-8-sig")
with open(FND, "w", encoding="utf-8-sig", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["line", "id", "column", "code", "severity", "message", "original", "suggested"])
    for stt, col, code in flags:
        w.writerow(["", stt, col, code, "", "", "", ""])
print(f"pandas: {len(df)} rows, {len(flags)} findings")
