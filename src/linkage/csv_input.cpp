#include "linkage/csv_input.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vntext/text.hpp"

namespace dangbo::linkage {

const std::map<std::string, std::vector<std::string>>& column_aliases() {
  static const std::map<std::string, std::vector<std::string>> a = {
      {"id", {"id", "ma dang vien", "ma ho so", "ma so", "ma", "record id", "stt", "so tt", "tt"}},
      {"name", {"ho va ten", "ho ten", "ho va ten dang vien", "ten day du", "full name", "name"}},
      {"family", {"ho", "family name", "family_name", "surname"}},
      {"middle", {"ten dem", "ten lot", "middle name", "middle_name"}},
      {"given", {"ten", "given name", "given_name", "first name"}},
      {"gender", {"gioi tinh", "gender", "sex", "phai"}},
      {"birth", {"ngay sinh", "ngay thang nam sinh", "sinh ngay", "nam sinh", "birth date", "birth_date", "dob"}},
      {"citizen_id", {"so cccd", "cccd", "so cccd cmnd", "cccd cmnd", "so cmnd", "cmnd", "so dinh danh", "so dinh danh ca nhan",
                      "citizen id", "citizen_id"}},
      {"home_town", {"que quan", "nguyen quan", "home town", "home_town"}},
      {"admitted", {"ngay vao dang", "ngay ket nap", "ngay ket nap dang", "admitted on", "admitted_on"}},
      {"phone", {"dien thoai", "so dien thoai", "sdt", "dt", "phone", "mobile"}},
      {"card", {"so the", "so the dang vien", "card number", "card_number"}},
      {"org", {"ma chi bo", "chi bo", "don vi", "to chuc dang", "organization", "org"}},
  };
  return a;
}

ColumnMap map_columns(const std::vector<std::string>& header, const std::string& id_column) {
  std::vector<std::string> keys;
  for (auto& h : header) keys.push_back(vntext::search_key(h));
  auto find = [&](const std::string& field) {
    for (auto& alias : column_aliases().at(field))
      for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == alias) return int(i);
    return -1;
  };
  ColumnMap c;
  if (!id_column.empty()) {
    std::string want = vntext::search_key(id_column);
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == want || header[i] == id_column) c.id = int(i);
    if (c.id < 0) throw std::runtime_error("Không có cột mã '" + id_column + "' trong dòng tiêu đề");
  } else {
    c.id = find("id");
  }
  if (c.id >= 0) c.id_header = header[std::size_t(c.id)];
  c.name = find("name");
  c.family = find("family");
  c.middle = find("middle");
  c.given = find("given");
  c.gender = find("gender");
  c.birth = find("birth");
  c.citizen_id = find("citizen_id");
  c.home_town = find("home_town");
  c.admitted = find("admitted");
  c.phone = find("phone");
  c.card = find("card");
  c.org = find("org");
  if (c.name < 0 && c.given < 0)
    throw std::runtime_error("Không tìm thấy cột họ tên (\"Họ và tên\") hay cột tên (\"Tên\") trong dòng tiêu đề");
  return c;
}

int parse_gender_cell(std::string_view s) {
  std::string k = vntext::search_key(s);
  if (k == "nam" || k == "m" || k == "male" || k == "trai") return 0;
  if (k == "nu" || k == "f" || k == "female" || k == "gai") return 1;
  return -1;
}

namespace {

// Splits one CSV record starting at pos; returns false at the end of the buffer. `line` is the
// 1-based line where the record starts and is advanced past it.
bool next_record(const std::string& buf, std::size_t& pos, char delim, std::vector<std::string>& cells,
                 std::size_t& line, std::size_t& start_line) {
  cells.clear();
  const std::size_t n = buf.size();
  // skip blank lines
  while (pos < n && (buf[pos] == '\n' || buf[pos] == '\r')) {
    if (buf[pos] == '\n') ++line;
    else if (pos + 1 >= n || buf[pos + 1] != '\n') ++line;
    ++pos;
  }
  if (pos >= n) return false;
  start_line = line;
  std::string cur;
  while (true) {
    if (pos < n && buf[pos] == '"') {
      ++pos;
      while (pos < n) {
        char c = buf[pos];
        if (c == '"') {
          if (pos + 1 < n && buf[pos + 1] == '"') {
            cur += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        if (c == '\n') ++line;
        cur += c;
        ++pos;
      }
      // text after the closing quote is kept
      while (pos < n && buf[pos] != delim && buf[pos] != '\n' && buf[pos] != '\r') cur += buf[pos++];
    } else {
      std::size_t e = pos;
      while (e < n && buf[e] != delim && buf[e] != '\n' && buf[e] != '\r') ++e;
      cur.assign(buf, pos, e - pos);
      pos = e;
    }
    cells.push_back(std::move(cur));
    cur.clear();
    if (pos >= n) return true;
    if (buf[pos] == delim) {
      ++pos;
      continue;
    }
    // end of line
    if (buf[pos] == '\r') ++pos;
    if (pos < n && buf[pos] == '\n') ++pos;
    ++line;
    return true;
  }
}

}  // namespace

FileStats read_people_csv(const std::string& path, uint16_t source, const std::string& id_column,
                          const std::function<void(const Person&)>& on_person) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("Không đọc được tệp " + path);
  std::string buf;
  f.seekg(0, std::ios::end);
  buf.resize(std::size_t(f.tellg()));
  f.seekg(0);
  f.read(buf.data(), std::streamsize(buf.size()));
  std::size_t pos = 0;
  if (buf.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
  // delimiter: the candidate that splits the header line into the most fields
  std::size_t eol = buf.find('\n', pos);
  std::string_view first(buf.data() + pos, (eol == std::string::npos ? buf.size() : eol) - pos);
  char delim = ',';
  std::size_t best = 0;
  for (char c : {',', ';', '\t', '|'}) {
    std::size_t k = std::size_t(std::count(first.begin(), first.end(), c));
    if (k > best) best = k, delim = c;
  }
  FileStats st;
  st.path = path;
  std::vector<std::string> cells;
  std::size_t line = 1, start = 1;
  if (!next_record(buf, pos, delim, cells, line, start)) throw std::runtime_error("Tệp " + path + " trống");
  st.columns = map_columns(cells, id_column);
  const ColumnMap& c = st.columns;
  Person p;
  p.source = source;
  auto cell = [&](int k) -> const std::string& {
    static const std::string empty;
    return k >= 0 && std::size_t(k) < cells.size() ? cells[std::size_t(k)] : empty;
  };
  while (next_record(buf, pos, delim, cells, line, start)) {
    ++st.rows;
    p.id = c.id >= 0 && !cell(c.id).empty() ? cell(c.id) : std::to_string(start);
    p.name = cell(c.name);
    p.family = cell(c.family);
    p.middle = cell(c.middle);
    p.given = cell(c.given);
    if (c.name >= 0 && !p.name.empty()) p.family.clear(), p.middle.clear(), p.given.clear();
    if (p.name.empty() && p.family.empty() && p.given.empty()) ++st.rows_without_name;
    p.gender = parse_gender_cell(cell(c.gender));
    p.birth = parse_loose_date(cell(c.birth));
    p.citizen_id = cell(c.citizen_id);
    p.home_town = cell(c.home_town);
    p.admitted = parse_loose_date(cell(c.admitted));
    p.phone = cell(c.phone);
    p.card_number = cell(c.card);
    p.org = cell(c.org);
    on_person(p);
  }
  return st;
}

}  // namespace dangbo::linkage
