#!/usr/bin/env bash
# Peer: the cleaning job done the way a SQL user would with PostgreSQL 15 (Debian's package):
# load the CSV with COPY, clean with SQL functions (normalize(…, NFC), regexp_replace, initcap,
# to_date, convert_from(convert_to(…, 'WIN1252'), 'UTF8') for the classic UTF-8-as-Windows-1252
# mojibake, unaccent() for accent-free matching of the official lists and of the 2025 old → new
# ward table), then COPY the result out in input order.
#
#   bench/peers/clean_pg.sh IN.csv OUT.csv FINDINGS.csv DATA_DIR
#
# Runs a throwaway cluster (scripts/pg-cluster.sh: initdb in a temp dir, Unix socket only,
# stopped and removed at the end). Prints "pg: load X s, clean Y s" on stderr. Like the pandas
# peer it does not know TCVN3/VNI/VIQR or tone placement; PostgreSQL reads a two-digit year YY
# as the year nearest 2020 (to_date's rule).
set -euo pipefail
in=$(readlink -f "$1"); out=$(readlink -f "$2"); fnd=$(readlink -f "$3"); data=$(readlink -f "$4")
here=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/clean-pg.XXXXXX)
port=${PGPEER_PORT:-55493}
cleanup() { PGTEST_PORT=$port "$here/scripts/pg-cluster.sh" stop "$dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
url=$(PGTEST_PORT=$port "$here/scripts/pg-cluster.sh" start "$dir")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$url")

# The input's header (column names as they stand) and position of each column.
mapfile -t header < <(/usr/bin/python3 -c '
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    for h in next(csv.reader(f)): print(h)' "$in")
cols=""; outcols=""
for i in "${!header[@]}"; do
  cols+="${cols:+, }c$i text"
done

t0=$(date +%s.%N)
"${PSQL[@]}" <<SQL
CREATE EXTENSION unaccent;
CREATE TABLE raw (ord bigserial, $cols);
\copy raw ($(for i in "${!header[@]}"; do printf '%sc%d' "$([ "$i" -gt 0 ] && echo ,)" "$i"; done)) FROM '$in' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')
CREATE TABLE ethnic (code text, name text, variants text, share_pct text, share_hcmc_pct text, population_2019 text);
\copy ethnic FROM '$data/ethnic_groups.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE religion (code text, name text, variants text, share_pct text, share_hcmc_pct text);
\copy religion FROM '$data/religions.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE edu (code text, name text, variants text, kind text, share_pct text);
\copy edu FROM '$data/education_levels.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE theory (code text, name text, variants text, share_pct text);
\copy theory FROM '$data/theory_levels.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE wmap (old_level text, old_province_code text, old_province_name text, old_district_code text,
  old_district_name text, old_code text, old_name text, old_code_in_old_list text, new_province_code text,
  new_province_name text, new_commune_code text, new_commune_name text, coverage text, n_targets int, note text);
\copy wmap FROM '$data/admin_units/map_old_to_new_dvhcvn.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE newc (commune_code text, name text, full_name text, name_en text, full_name_en text, code_name text,
  unit_type text, province_code text, province_name text, area_km2 text, population text, admin_center text,
  merged_from_text text, note text);
\copy newc FROM '$data/admin_units/new_communes_2025-07.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE newp (province_code text, name text, full_name text, name_en text, full_name_en text, code_name text,
  unit_type text, n_phuong text, n_xa text, n_dac_khu text, area_km2 text, population text, admin_center text,
  merged_from_text text, units_text text);
\copy newp FROM '$data/admin_units/new_provinces_2025-07.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE oldp (province_code text, name text, name_en text, full_name text, full_name_en text, code_name text,
  unit_type text, region text);
\copy oldp FROM '$data/admin_units/old_provinces_2025-03.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE pmap (old_province_code text, old_province_name text, new_province_code text, new_province_name text);
\copy pmap FROM '$data/admin_units/map_old_to_new_provinces.csv' WITH (FORMAT csv, HEADER true)
SQL
t1=$(date +%s.%N)

# Column index by header name.
ix() { for i in "${!header[@]}"; do [[ "${header[$i]}" == "$1" ]] && { echo "c$i"; return; }; done; echo "NULL"; }
NAME=$(ix "Họ và tên"); GENDER=$(ix "Giới tính"); STT=$(ix "STT"); CCCD=$(ix "Số CCCD"); PHONE=$(ix "Điện thoại")
BIRTH=$(ix "Ngày sinh"); ADM=$(ix "Ngày vào Đảng"); FULL=$(ix "Ngày chính thức"); ISSUED=$(ix "Ngày cấp thẻ")
ETH=$(ix "Dân tộc"); REL=$(ix "Tôn giáo"); HOME=$(ix "Quê quán"); BPLACE=$(ix "Nơi sinh"); RES=$(ix "Nơi thường trú")
EDU=$(ix "Trình độ GDPT"); PROF=$(ix "Chuyên môn"); TH=$(ix "Lý luận chính trị"); ST=$(ix "Tình trạng"); CARD=$(ix "Số thẻ")

# The expression for each column, by its header.
select_list="ord"; inner="*"
for i in "${!header[@]}"; do
  c="c$i"
  case "${header[$i]}" in
    "Họ và tên") e="initcap(fix_text($c))" ;;
    "Giới tính") e="CASE k($c) WHEN 'nam' THEN 'Nam' WHEN 'nam gioi' THEN 'Nam' WHEN 'm' THEN 'Nam' WHEN 'nu' THEN 'Nữ' WHEN 'nu gioi' THEN 'Nữ' WHEN 'f' THEN 'Nữ' ELSE $c END" ;;
    "Ngày sinh"|"Ngày vào Đảng"|"Ngày chính thức"|"Ngày cấp thẻ")
      inner+=", fix_date($c) AS fd$i"; e="coalesce(fd$i, $c)"; select_list+=", fd$i IS NULL AS bad$i" ;;
    "Dân tộc") e="voc('eth', fix_text($c))" ;;
    "Tôn giáo") e="voc('rel', fix_text($c))" ;;
    "Trình độ GDPT") e="voc('edu', fix_text($c))" ;;
    "Chuyên môn") e="voc('prof', fix_text($c))" ;;
    "Lý luận chính trị") e="voc('th', fix_text($c))" ;;
    "Tình trạng") e="CASE k($c) WHEN 'dang vien chinh thuc' THEN 'Chính thức' WHEN 'chinh thuc' THEN 'Chính thức' WHEN 'dang vien du bi' THEN 'Dự bị' WHEN 'du bi' THEN 'Dự bị' ELSE fix_text($c) END" ;;
    "Quê quán"|"Nơi sinh") e="place(fix_text($c))" ;;
    "Nơi thường trú") e="fix_address(fix_text($c))" ;;
    "Số CCCD") e="fix_cccd($c)" ;;
    "Điện thoại") e="fix_phone($c)" ;;
    *) e="$c" ;;
  esac
  select_list+=", $e AS $c"
done

"${PSQL[@]}" <<SQL
CREATE FUNCTION k(t text) RETURNS text LANGUAGE sql IMMUTABLE AS
  \$\$ SELECT btrim(regexp_replace(lower(unaccent(replace(replace(coalesce(t, ''), 'Đ', 'D'), 'đ', 'd'))), '[^a-z0-9]+', ' ', 'g')) \$\$;
CREATE FUNCTION fix_text(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS \$\$
DECLARE r text := coalesce(t, '');
BEGIN
  IF r ~ '[ÃÄÅÆ]|á[º»]' THEN
    BEGIN r := convert_from(convert_to(r, 'WIN1252'), 'UTF8'); EXCEPTION WHEN others THEN r := coalesce(t, ''); END;
  END IF;
  r := replace(replace(normalize(r, NFC), 'Ð', 'Đ'), chr(8203), '');
  RETURN btrim(regexp_replace(r, '\s+', ' ', 'g'));
END \$\$;
CREATE FUNCTION fix_date(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS \$\$
DECLARE s text := btrim(coalesce(t, '')); d date;
BEGIN
  IF s = '' OR s ~ '^\d{4}$' THEN RETURN s; END IF;
  IF s ~* '^năm \d{4}$' THEN RETURN right(s, 4); END IF;
  BEGIN
    IF s ~ '^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$' THEN d := to_date(translate(s, '.-', '//'), 'DD/MM/YYYY');
    ELSIF s ~ '^\d{4}-\d{1,2}-\d{1,2}$' THEN d := to_date(s, 'YYYY-MM-DD');
    ELSIF s ~ '^\d{1,2}/\d{1,2}/\d{2}$' THEN d := to_date(s, 'DD/MM/YY');
    ELSIF s ~ '^\d{4,5}$' THEN d := date '1899-12-30' + s::int;
    ELSE RETURN NULL; END IF;
  EXCEPTION WHEN others THEN RETURN NULL;
  END;
  RETURN to_char(d, 'DD/MM/YYYY');
END \$\$;
CREATE FUNCTION fix_cccd(t text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
  SELECT CASE WHEN t ~ '^\s*\d[\d.,]*[eE]\+\d+\s*$' THEN t
              WHEN length(regexp_replace(t, '\D', '', 'g')) IN (10, 11) THEN lpad(regexp_replace(t, '\D', '', 'g'), 12, '0')
              WHEN regexp_replace(t, '\D', '', 'g') = '' THEN t
              ELSE regexp_replace(t, '\D', '', 'g') END \$\$;
CREATE TABLE old_prefix (old4 text PRIMARY KEY, new3 text);
INSERT INTO old_prefix VALUES ('0120','070'),('0121','079'),('0122','077'),('0126','076'),('0128','078'),
  ('0123','083'),('0124','084'),('0125','085'),('0127','081'),('0129','082'),('0162','032'),('0163','033'),
  ('0164','034'),('0165','035'),('0166','036'),('0167','037'),('0168','038'),('0169','039'),('0186','056'),
  ('0188','058'),('0199','059');
CREATE FUNCTION fix_phone(t text) RETURNS text LANGUAGE plpgsql STABLE AS \$\$
DECLARE d text := regexp_replace(coalesce(t, ''), '\D', '', 'g'); n text;
BEGIN
  IF d = '' THEN RETURN t; END IF;
  IF d LIKE '0084%' THEN d := '0' || substr(d, 5);
  ELSIF d LIKE '84%' AND length(d) IN (11, 12) THEN d := '0' || substr(d, 3); END IF;
  IF length(d) = 9 AND d NOT LIKE '0%' THEN d := '0' || d; END IF;
  IF length(d) = 11 THEN SELECT new3 INTO n FROM old_prefix WHERE old4 = substr(d, 1, 4);
    IF n IS NOT NULL THEN d := n || substr(d, 5); END IF; END IF;
  RETURN d;
END \$\$;
-- Official lists: every name and variant under its accent-free key.
CREATE TABLE vocab (list text, k text, name text);
INSERT INTO vocab SELECT DISTINCT ON (l, k(v)) l, k(v), name FROM (
  SELECT 'eth' l, name, unnest(string_to_array(name || '|' || coalesce(variants, ''), '|')) v FROM ethnic
  UNION ALL SELECT 'rel', name, unnest(string_to_array(name || '|' || coalesce(variants, ''), '|')) FROM religion
  UNION ALL SELECT 'edu', name, unnest(string_to_array(name || '|' || coalesce(variants, ''), '|')) FROM edu WHERE kind <> 'professional'
  UNION ALL SELECT 'prof', name, unnest(string_to_array(name || '|' || coalesce(variants, ''), '|')) FROM edu WHERE kind = 'professional'
  UNION ALL SELECT 'th', name, unnest(string_to_array(name || '|' || coalesce(variants, ''), '|')) FROM theory) x
  WHERE v <> '' ORDER BY l, k(v), name;
CREATE UNIQUE INDEX ON vocab (list, k);
-- Provinces (current names; old names go to their new province), wards old and new.
CREATE TABLE prov (k text PRIMARY KEY, full_name text);
INSERT INTO prov SELECT k(name), full_name FROM newp ON CONFLICT DO NOTHING;
INSERT INTO prov SELECT k(o.name), n.full_name FROM oldp o JOIN pmap m ON m.old_province_code = o.province_code
  JOIN newp n ON n.province_code = m.new_province_code ON CONFLICT DO NOTHING;
INSERT INTO prov VALUES ('hcm', 'Thành phố Hồ Chí Minh'), ('tphcm', 'Thành phố Hồ Chí Minh'), ('tp hcm', 'Thành phố Hồ Chí Minh')
  ON CONFLICT DO NOTHING;
CREATE TABLE oldw AS SELECT k(old_name) kw, k(old_district_name) kd, min(new_commune_name || ', ' || new_province_name) target
  FROM wmap WHERE old_level = 'commune' GROUP BY 1, 2 HAVING count(*) = 1;
CREATE INDEX ON oldw (kw, kd);
CREATE TABLE curw AS SELECT k(full_name) kw, k(province_name) kp, min(full_name || ', ' || province_name) target
  FROM newc GROUP BY 1, 2;
CREATE INDEX ON curw (kw, kp);
CREATE FUNCTION expand(p text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
  SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    btrim(p), '^P\.\s*', 'Phường '), '^X\.\s*', 'Xã '), '^TT\.\s*', 'Thị trấn '), '^Q\.\s*', 'Quận '),
    '^H\.\s*', 'Huyện '), '^(TP\.?\s*HCM|Tp\.?\s*HCM|TPHCM|TP\.? Hồ Chí Minh|Tp\.? Hồ Chí Minh)$', 'Thành phố Hồ Chí Minh'),
    '^TP\.\s*', 'Thành phố ') \$\$;
CREATE FUNCTION fix_address(t text) RETURNS text LANGUAGE plpgsql STABLE AS \$\$
DECLARE parts text[]; hit text;
BEGIN
  SELECT array_agg(expand(x) ORDER BY o) INTO parts FROM unnest(string_to_array(t, ',')) WITH ORDINALITY u(x, o) WHERE btrim(x) <> '';
  IF parts IS NULL THEN RETURN t; END IF;
  IF array_length(parts, 1) >= 3 AND parts[2] ~ '^(Quận|Huyện|Thị xã|Thành phố)' THEN
    SELECT target INTO hit FROM oldw WHERE kw = k(parts[1]) AND kd = k(parts[2]);
    IF hit IS NOT NULL THEN RETURN hit; END IF;
  END IF;
  IF array_length(parts, 1) = 2 THEN
    SELECT target INTO hit FROM curw WHERE kw = k(parts[1]) AND kp = k(parts[2]);
    IF hit IS NOT NULL THEN RETURN hit; END IF;
  END IF;
  RETURN array_to_string(parts, ', ');
END \$\$;

CREATE TABLE findings (stt text, col text, code text);
CREATE FUNCTION voc(l text, t text) RETURNS text LANGUAGE sql STABLE AS
  \$\$ SELECT coalesce((SELECT name FROM vocab WHERE list = l AND k = k(t)), t) \$\$;
CREATE FUNCTION place(t text) RETURNS text LANGUAGE sql STABLE AS
  \$\$ SELECT coalesce((SELECT full_name FROM prov WHERE k = btrim(regexp_replace(k(t), '^(tinh|thanh pho|tp|t)\s+', ''))), t) \$\$;
-- One pass over the rows: every column's expression.
CREATE TABLE c AS SELECT $select_list FROM (SELECT $inner FROM raw) s;
INSERT INTO findings SELECT $STT, 'Ngày sinh', 'date.unreadable' FROM c WHERE ${BIRTH/c/bad};
INSERT INTO findings SELECT $STT, 'Ngày vào Đảng', 'date.unreadable' FROM c WHERE ${ADM/c/bad};
INSERT INTO findings SELECT $STT, 'Ngày chính thức', 'date.unreadable' FROM c WHERE ${FULL/c/bad};
INSERT INTO findings SELECT $STT, 'Ngày cấp thẻ', 'date.unreadable' FROM c WHERE ${ISSUED/c/bad};
INSERT INTO findings SELECT $STT, 'Dân tộc', 'controlled.unknown' FROM c
  WHERE $ETH <> '' AND NOT EXISTS (SELECT 1 FROM vocab v WHERE v.list = 'eth' AND v.name = $ETH);
INSERT INTO findings SELECT $STT, 'Tôn giáo', 'controlled.unknown' FROM c
  WHERE $REL <> '' AND NOT EXISTS (SELECT 1 FROM vocab v WHERE v.list = 'rel' AND v.name = $REL);
UPDATE c SET $HOME = p.full_name FROM prov p
  WHERE p.k = btrim(regexp_replace(k($HOME), '^(tinh|thanh pho|tp|t)\s+', ''));
UPDATE c SET $BPLACE = p.full_name FROM prov p
  WHERE p.k = btrim(regexp_replace(k($BPLACE), '^(tinh|thanh pho|tp|t)\s+', ''));
UPDATE c SET $RES = fix_address($RES);
INSERT INTO findings SELECT $STT, 'Nơi thường trú', 'address.old_unit' FROM c WHERE $RES ~ '(Quận|Huyện|Q\.)';
INSERT INTO findings SELECT $STT, 'Số CCCD', 'citizen_id.invalid' FROM c WHERE $CCCD <> '' AND $CCCD !~ '^\d{12}$';
INSERT INTO findings SELECT $STT, 'Số CCCD', 'citizen_id.gender_mismatch' FROM c
  WHERE $CCCD ~ '^\d{12}$' AND (substr($CCCD, 4, 1) IN ('1', '3')) <> ($GENDER = 'Nữ');
INSERT INTO findings SELECT $STT, 'Số CCCD', 'citizen_id.duplicate' FROM
  (SELECT $STT, $CCCD, row_number() OVER (PARTITION BY $CCCD ORDER BY ord) rn FROM c WHERE $CCCD <> '') x WHERE rn > 1;
INSERT INTO findings SELECT $STT, 'Số thẻ', 'card_number.duplicate' FROM
  (SELECT $STT, $CARD, row_number() OVER (PARTITION BY $CARD ORDER BY ord) rn FROM c WHERE $CARD <> '') x WHERE rn > 1;
INSERT INTO findings SELECT $STT, 'Điện thoại', 'phone.invalid' FROM c
  WHERE $PHONE <> '' AND $PHONE !~ '^(0[35789]\d{8}|02\d{9})$';
CREATE FUNCTION d(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS \$\$
BEGIN RETURN CASE WHEN t ~ '^\d{2}/\d{2}/\d{4}$' THEN to_date(t, 'DD/MM/YYYY') END;
EXCEPTION WHEN others THEN RETURN NULL; END \$\$;
INSERT INTO findings SELECT $STT, 'Ngày vào Đảng', 'admitted_on.under_age' FROM c WHERE d($ADM) < d($BIRTH) + interval '18 years';
INSERT INTO findings SELECT $STT, 'Ngày chính thức', 'full_member_on.before_admission' FROM c WHERE d($FULL) < d($ADM);
INSERT INTO findings SELECT $STT, 'Ngày chính thức', 'full_member_on.too_early' FROM c
  WHERE d($FULL) >= d($ADM) AND d($FULL) < d($ADM) + interval '12 months';
INSERT INTO findings SELECT $STT, 'Ngày chính thức', 'full_member_on.late' FROM c WHERE d($FULL) > d($ADM) + interval '24 months';
INSERT INTO findings SELECT $STT, 'Ngày cấp thẻ', 'card_issued_on.before_full' FROM c WHERE d($ISSUED) < d($FULL);
INSERT INTO findings SELECT $STT, 'Ngày sinh', 'required.missing' FROM c WHERE coalesce($BIRTH, '') = '';
SQL
t2=$(date +%s.%N)
{
  printf '\xEF\xBB\xBF'
  "${PSQL[@]}" -c "\\copy (SELECT $(for i in "${!header[@]}"; do printf '%scoalesce(c%d, %s)' "$([ "$i" -gt 0 ] && echo ,)" "$i" "''"; done) FROM c ORDER BY ord) TO STDOUT WITH (FORMAT csv, HEADER false)" \
    | { /usr/bin/python3 -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(sys.argv[1:])' "${header[@]}"; cat; }
} > "$out"
{
  printf '\xEF\xBB\xBFline,id,column,code,severity,message,original,suggested\r\n'
  "${PSQL[@]}" -c "\\copy (SELECT '', stt, col, code, '', '', '', '' FROM findings) TO STDOUT WITH (FORMAT csv)"
} > "$fnd"
t3=$(date +%s.%N)
echo "pg: load $(echo "$t1 - $t0" | bc) s, clean $(echo "$t2 - $t1" | bc) s, write $(echo "$t3 - $t2" | bc) s" >&2
