#!/usr/bin/env python3
"""Builds data/names/{family,middle,given}_names.csv from the vietnamese-namedb files.

Input (MIT, github.com/duyet/vietnamese-namedb @ 2129070d, as kept in shared/data/vntext/names):
  boy.txt, girl.txt, boy_one_word.txt, girl_one_word.txt, uit_member_*_freq.tsv
Usage: python3 build_name_tables.py SRC_DIR OUT_DIR
Every rule applied is described in data/SOURCES.md (section "names/"). Deterministic output.
"""
import collections
import re
import sys
import unicodedata

SRC, OUT = sys.argv[1], sys.argv[2]

# Published national surname shares (percent of the population). Pairs that are one name
# written two ways in the north and south (Hoàng/Huỳnh, Vũ/Võ) are split below by the
# UIT counts, which come from a Ho Chi Minh City university and so suit an HCMC roster.
PUBLISHED = [("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), (("Hoàng", "Huỳnh"), 5.1),
             ("Phan", 4.5), (("Vũ", "Võ"), 3.9), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
             ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5)]

# Target share of middle names starting with Thị (women) / Văn (men): see SOURCES.md.
THI_SHARE_FEMALE = 0.60
VAN_SHARE_MALE = 0.30

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
VOWELS = set("aeiouyăâêôơư")
LETTERS = set("abcdđeghiklmnopqrstuvxyăâêôơư")


def nfc(s):
    # The boy/girl lists write Đ as U+00D0 (Icelandic Eth) in places; the real letter is U+0110.
    s = s.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    return unicodedata.normalize("NFC", s.strip())


MODS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn


def split_marks(w):
    """NFD-splits a word into [(base letter with breve/circumflex/horn, tone or ''), ...].
    Returns None when the word holds a mark Vietnamese does not use (ö, ø, ñ ...)."""
    out = []
    for ch in unicodedata.normalize("NFD", w):
        if unicodedata.combining(ch):
            if not out:
                return None
            if ch in MODS:
                out[-1][0] = unicodedata.normalize("NFC", out[-1][0] + ch)
            elif ch in TONES and not out[-1][1]:
                out[-1][1] = ch
            else:
                return None
        else:
            out.append([ch, ""])
    return out


def valid_word(w):
    if not w or w != w[:1].upper() + w[1:].lower():
        return False  # case errors such as "KHoài"
    parts = split_marks(w)
    if parts is None:
        return False  # mojibake such as "Cöôøng", "Ñoã"
    if re.search(r"[aeou][âõ]", w.lower()):
        return False  # VNI remnants read as Windows-1252: "Laâm" (Lâm), "Ngoâ" (Ngô), "Vuõ" (Vũ)
    for letter, tone in parts:
        if letter.lower() not in LETTERS or tone and letter.lower() not in VOWELS:
            return False
    return sum(1 for _, t in parts if t) <= 1


def new_style_tone(w):
    """Puts the tone mark where the new (official) style puts it: 'Hoà' -> 'Hòa',
    'Thuý' -> 'Thúy', 'Hùynh' -> 'Huỳnh', 'Hòang' -> 'Hoàng'. Words that are not plain
    Vietnamese syllables are returned unchanged."""
    parts = split_marks(w)
    if parts is None or not valid_word(w):
        return w
    tones = [t for _, t in parts if t]
    if len(tones) != 1:
        return w
    letters = [l for l, _ in parts]
    low = [l.lower() for l in letters]
    i = 0
    if low[:2] == ["q", "u"] or (low[:2] == ["g", "i"] and len(low) > 2 and low[2] in VOWELS):
        i = 2
    while i < len(low) and low[i] not in VOWELS:
        i += 1
    j = i
    while j < len(low) and low[j] in VOWELS:
        j += 1
    nucleus = list(range(i, j))
    if not nucleus or any(c in VOWELS for c in low[j:]):
        return w
    marked = [k for k in nucleus if low[k] in ("ă", "â", "ê", "ô", "ơ")]
    if marked:
        pos = marked[-1]
    elif any(low[k] == "ư" for k in nucleus):
        pos = next(k for k in nucleus if low[k] == "ư")
    elif j < len(low):
        pos = nucleus[-1]
    elif len(nucleus) == 3:
        pos = nucleus[1]
    else:
        pos = nucleus[0]
    return unicodedata.normalize("NFC", "".join(l + (tones[0] if k == pos else "") for k, l in enumerate(letters)))


def norm_name(s):
    return " ".join(new_style_tone(w) for w in nfc(s).split())


def load_freq(fname):
    counts = collections.Counter()
    with open(f"{SRC}/{fname}", encoding="utf-8") as f:
        next(f)
        for line in f:
            name, c = line.rstrip("\n").split("\t")
            counts[norm_name(name)] += int(c)
    return counts


def load_list(fname):
    with open(f"{SRC}/{fname}", encoding="utf-8") as f:
        return [norm_name(l) for l in f if l.strip()]


def fmt(x):
    return f"{x:.4f}"


# ---------------------------------------------------------------- family names
sur = load_freq("uit_member_surname_freq.tsv")
# Not surnames, or not surnames in this spelling (checked by hand after the character filter):
# 'Y' is the Ê-đê male name prefix; 'Le' lost its marks; 'Student' is a placeholder;
# 'Trinh', 'Thi', 'Quang', 'Ánh', 'Hồng', 'Xa' look like given or middle names shifted into the
# surname column; "Hòa" (from "Hoà") and "Ất" likewise.
NOT_SURNAMES = {"Y", "Le", "Student", "Trinh", "Thi", "Quang", "Ánh", "Hồng", "Xa", "Hòa", "Ất"}
fam = {n: c for n, c in sur.items() if c >= 2 and all(valid_word(w) for w in n.split())
       and len(n.split()) == 1 and n not in NOT_SURNAMES}
rows = []
published_names = set()
pub_total = 0.0
for names, pct in PUBLISHED:
    pub_total += pct
    if isinstance(names, tuple):
        tot = sum(fam[n] for n in names)
        for n in names:
            rows.append((n, pct * fam[n] / tot, fam.get(n, 0), "published; split by UIT counts"))
            published_names.add(n)
    else:
        rows.append((names, pct, fam.get(names, 0), "published"))
        published_names.add(names)
rest = {n: c for n, c in fam.items() if n not in published_names}
rest_total = sum(rest.values())
for n, c in sorted(rest.items(), key=lambda kv: (-kv[1], kv[0])):
    rows.append((n, (100.0 - pub_total) * c / rest_total, c, "remainder by UIT counts"))
with open(f"{OUT}/family_names.csv", "w", encoding="utf-8", newline="\n") as f:
    f.write("name,share_pct,uit_count,basis\n")
    for n, pct, c, basis in rows:
        f.write(f"{n},{fmt(pct)},{c},{basis}\n")

# ---------------------------------------------------------------- gender evidence from the lists
boy, girl = load_list("boy.txt"), load_list("girl.txt")
boy_last = collections.Counter(x.split()[-1] for x in boy)
girl_last = collections.Counter(x.split()[-1] for x in girl)
boy_first = collections.Counter(x.split()[0] for x in boy if len(x.split()) > 1)
girl_first = collections.Counter(x.split()[0] for x in girl if len(x.split()) > 1)
for w in load_list("boy_one_word.txt"):
    boy_last[w] += 1
for w in load_list("girl_one_word.txt"):
    girl_last[w] += 1


def write_gendered(fname, entries):
    m_tot = sum(m for _, m, _, _ in entries)
    f_tot = sum(fe for _, _, fe, _ in entries)
    with open(f"{OUT}/{fname}", "w", encoding="utf-8", newline="\n") as f:
        f.write("name,male_pct,female_pct,uit_count\n")
        for n, m, fe, c in sorted(entries, key=lambda e: (-(e[1] / m_tot + e[2] / f_tot), e[0])):
            f.write(f"{n},{fmt(100 * m / m_tot)},{fmt(100 * fe / f_tot)},{c}\n")


# ---------------------------------------------------------------- given names
given = load_freq("uit_member_given_freq.tsv")
entries = []
for n, c in given.items():
    if c < 2 or len(n.split()) != 1 or not valid_word(n):
        continue
    b, g = boy_last[n], girl_last[n]
    if b + g == 0:
        continue  # gender cannot be told from the lists
    entries.append((n, c * b / (b + g), c * g / (b + g), c))
write_gendered("given_names.csv", entries)

# ---------------------------------------------------------------- middle names
middle = load_freq("uit_member_middle_freq.tsv")
entries = []
for n, c in middle.items():
    ws = n.split()
    if c < 2 or not 1 <= len(ws) <= 2 or not all(valid_word(w) for w in ws):
        continue
    if ws[0] == "Thị":
        m, fe = 0.0, float(c)
    elif ws[0] == "Văn":
        m, fe = float(c), 0.0
    else:
        b = sum(boy_first[w] for w in ws)
        g = sum(girl_first[w] for w in ws)
        if b + g == 0:
            continue
        m, fe = c * b / (b + g), c * g / (b + g)
    entries.append([n, m, fe, c])
# Re-weight so that Thị-first / Văn-first middles reach the target shares.
for idx, prefix, target in ((2, "Thị", THI_SHARE_FEMALE), (1, "Văn", VAN_SHARE_MALE)):
    tot = sum(e[idx] for e in entries)
    pre = sum(e[idx] for e in entries if e[0].split()[0] == prefix)
    k_pre = target * tot / pre
    k_other = (1 - target) * tot / (tot - pre)
    for e in entries:
        e[idx] *= k_pre if e[0].split()[0] == prefix else k_other
write_gendered("middle_names.csv", [tuple(e) for e in entries])
