#!/usr/bin/env bash
# Peer: duplicate members with PostgreSQL 15 + pg_trgm (and unaccent), the way a SQL user would:
# load the CSV with \copy, fold diacritics with unaccent(), a GIN trigram index, a similarity
# self-join (a.name % b.name, pg_trgm.similarity_threshold) within the same birth year, unioned
# with same-citizen-ID pairs, then a hand-set rule.
#
#   bench/peers/dedupe_pg.sh ROSTER.csv PAIRS.csv [TIMEOUT_SECONDS]
#
# Runs a throwaway cluster (scripts/pg-cluster.sh: initdb in a temp dir, Unix socket only) and
# stops it at the end. The join takes pairs with similarity >= 0.6 (pg_trgm.similarity_threshold).
# Rule: similarity >= 0.6 and one of birth date, citizen ID, phone,
# admission date equal; or the same citizen ID and similarity >= 0.4. Writes id_a,id_b,probability.
# With TIMEOUT_SECONDS (default 3600) the join is cancelled when it runs longer; the script then
# says so and writes no pairs.
set -euo pipefail
src=$(readlink -f "$1"); out=$(readlink -f "$2"); timeout_s=${3:-3600}
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/dedupe-pg.XXXXXX)
port=${PGPEER_PORT:-55491}
cleanup() { PGTEST_PORT=$port "$here/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
url=$(PGTEST_PORT=$port "$here/scripts/pg-cluster.sh" start "$dir")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$url")

# Column positions by header name (the two generators differ in column count).
read -r ncol i_stt i_name i_dob i_cccd i_phone i_adm < <(/usr/bin/python3 - "$src" <<'PY'
import csv, sys
with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:
    h = [c.strip() for c in next(csv.reader(f))]
def ix(n): return h.index(n) + 1
print(len(h), ix('STT'), ix('Họ và tên'), ix('Ngày sinh'), ix('Số CCCD'), ix('Điện thoại'), ix('Ngày vào Đảng'))
PY
)
cols=$(for k in $(seq 1 "$ncol"); do printf 'c%d text%s' "$k" "$([ "$k" -lt "$ncol" ] && echo ,)"; done)

t0=$(date +%s.%N)
# COPY refuses bytes that are not UTF-8 (exports mix encodings cell by cell): drop them first.
iconv -f UTF-8 -t UTF-8 -c "$src" > "$dir/clean.csv" || true
chmod o+r "$dir/clean.csv"
"${PSQL[@]}" <<SQL
CREATE EXTENSION pg_trgm;
CREATE EXTENSION unaccent;
CREATE TABLE raw ($cols);
\copy raw FROM '$dir/clean.csv' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')
CREATE TABLE r AS
  SELECT c$i_stt AS id, lower(unaccent(coalesce(c$i_name, ''))) AS n, coalesce(c$i_dob, '') AS dob,
         coalesce(substring(c$i_dob from '(\d{4})\s*$'), '') AS byear,
         regexp_replace(coalesce(c$i_cccd, ''), '\D', '', 'g') AS cccd,
         regexp_replace(coalesce(c$i_phone, ''), '\D', '', 'g') AS phone, coalesce(c$i_adm, '') AS adm
  FROM raw;
CREATE INDEX r_trgm ON r USING gin (n gin_trgm_ops);
CREATE INDEX r_cccd ON r (cccd);
ANALYZE r;
SQL
t1=$(date +%s.%N)
status=0
"${PSQL[@]}" <<SQL || status=$?
SET statement_timeout = '${timeout_s}s';
SET pg_trgm.similarity_threshold = 0.6;
CREATE TABLE cand AS
  SELECT a.id AS id_a, b.id AS id_b, similarity(a.n, b.n) AS sim,
         (a.dob <> '' AND a.dob = b.dob) OR (a.cccd <> '' AND a.cccd = b.cccd) OR
         (a.phone <> '' AND a.phone = b.phone) OR (a.adm <> '' AND a.adm = b.adm) AS other,
         (a.cccd <> '' AND a.cccd = b.cccd) AS same_id
  FROM r a JOIN r b ON a.n % b.n AND a.id < b.id AND a.byear = b.byear
  UNION
  SELECT a.id, b.id, similarity(a.n, b.n), true, true
  FROM r a JOIN r b ON a.cccd = b.cccd AND a.cccd <> '' AND a.id < b.id;
\copy (SELECT id_a, id_b, 1.0 AS probability FROM cand WHERE (sim >= 0.6 AND other) OR (same_id AND sim >= 0.4)) TO '$dir/pairs.csv' WITH (FORMAT csv, HEADER true)
SELECT 'compared ' || count(*) FROM cand;
SQL
t2=$(date +%s.%N)
if [[ $status -ne 0 ]]; then
  echo "pg_trgm: the similarity join did not finish within ${timeout_s} s (load $(echo "$t1 - $t0" | bc) s)" >&2
  echo "id_a,id_b,probability" > "$out"
  exit 3
fi
cp "$dir/pairs.csv" "$out"
echo "pg_trgm: load+index $(echo "$t1 - $t0" | bc) s, join+rule $(echo "$t2 - $t1" | bc) s, $(($(wc -l < "$out") - 1)) matches" >&2
