#!/usr/bin/python3
"""Peer: duplicate members with pandas + jellyfish (Debian's python3-pandas, python3-jellyfish),
written the way a Python user would: exact blocking with DataFrame.merge, Jaro-Winkler on the
names, a hand-set rule.

  dedupe_pandas.py ROSTER.csv PAIRS.csv

Blocking: (given name without diacritics, birth year, family-name initial), citizen ID, phone.
(Given name + birth year alone makes 75 million pair rows for a million records: more memory
than a user's machine has for a DataFrame of pairs.) Rule: Jaro-Winkler of the diacritic-free
full names >= 0.92 and one of birth date, citizen ID, phone, admission date equal; or the same
citizen ID and Jaro-Winkler >= 0.80. Writes id_a,id_b,probability (1 for a match).
"""
import sys, time, unicodedata, re
import pandas as pd
import jellyfish

t0 = time.time()
src, out = sys.argv[1], sys.argv[2]
# exports mix encodings cell by cell: bytes that are not UTF-8 become U+FFFD
df = pd.read_csv(src, dtype=str, keep_default_na=False, encoding='utf-8-sig', encoding_errors='replace')
cols = {c.strip(): c for c in df.columns}
def col(*names):
    for n in names:
        if n in cols:
            return df[cols[n]]
    return pd.Series([''] * len(df))

def fold(s):
    s = unicodedata.normalize('NFD', s.lower()).replace('đ', 'd').replace('\u0111', 'd')
    s = ''.join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r'[^a-z0-9]+', ' ', s).strip()

r = pd.DataFrame({
    'id': col('STT', 'id'),
    'key': col('Họ và tên').map(fold),
    'dob': col('Ngày sinh').str.strip(),
    'cccd': col('Số CCCD').str.replace(r'\D', '', regex=True),
    'phone': col('Điện thoại').str.replace(r'\D', '', regex=True),
    'adm': col('Ngày vào Đảng').str.strip(),
})
r['given'] = r['key'].str.split().str[-1].fillna('')
r['init'] = r['key'].str[:1]
r['byear'] = r['dob'].str.extract(r'(\d{4})$', expand=False).fillna('')
t_read = time.time() - t0

def block(on):
    x = r[(r[on] != '').all(axis=1)] if isinstance(on, list) else r[r[on] != '']
    m = x.merge(x, on=on, suffixes=('_a', '_b'))
    return m[m['id_a'] < m['id_b']]

parts = [block(['given', 'byear', 'init']), block('cccd'), block('phone')]
keep = ['id_a', 'id_b', 'key_a', 'key_b', 'dob_a', 'dob_b', 'cccd_a', 'cccd_b', 'phone_a', 'phone_b', 'adm_a', 'adm_b']
for i, p in enumerate(parts):
    for c in ('cccd', 'phone', 'dob'):
        if c + '_a' not in p.columns:  # the blocking column itself comes back unsuffixed
            p[c + '_a'] = p[c]
            p[c + '_b'] = p[c]
    parts[i] = p[keep]
pairs = pd.concat(parts, ignore_index=True).drop_duplicates(['id_a', 'id_b'])
t_block = time.time() - t0 - t_read

jw = [jellyfish.jaro_winkler_similarity(a, b) for a, b in zip(pairs['key_a'], pairs['key_b'])]
pairs['jw'] = jw
other = ((pairs['dob_a'] == pairs['dob_b']) & (pairs['dob_a'] != '')) | \
        ((pairs['cccd_a'] == pairs['cccd_b']) & (pairs['cccd_a'] != '')) | \
        ((pairs['phone_a'] == pairs['phone_b']) & (pairs['phone_a'] != '')) | \
        ((pairs['adm_a'] == pairs['adm_b']) & (pairs['adm_a'] != ''))
same_id = (pairs['cccd_a'] == pairs['cccd_b']) & (pairs['cccd_a'] != '')
match = ((pairs['jw'] >= 0.92) & other) | (same_id & (pairs['jw'] >= 0.80))
res = pairs.loc[match, ['id_a', 'id_b']].copy()
res['probability'] = 1.0
res.to_csv(out, index=False)
t_all = time.time() - t0
print(f"pandas+jellyfish: {len(r)} records, {len(pairs)} pairs compared, {len(res)} matches; "
      f"seconds read={t_read:.1f} block={t_block:.1f} total={t_all:.1f}", file=sys.stderr)
