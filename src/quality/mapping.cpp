// Column mapping: header recognition, mapping files, header row detection.

#include "quality/mapping.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "vntext/encoding.hpp"
#include "vntext/text.hpp"
#include "vntext/utf8.hpp"

namespace dangbo::quality {

namespace {

struct FieldInfo {
  Field f;
  std::string_view name, label;
};

constexpr FieldInfo kFields[] = {
    {Field::none, "none", "(không dùng)"},
    {Field::row_number, "row_number", "STT"},
    {Field::id, "id", "Mã riêng của tệp"},
    {Field::member_id, "member_id", "Mã đảng viên (trong hệ thống)"},
    {Field::full_name, "full_name", "Họ và tên"},
    {Field::family_middle, "family_middle", "Họ và tên đệm"},
    {Field::family_name, "family_name", "Họ"},
    {Field::middle_name, "middle_name", "Tên đệm"},
    {Field::given_name, "given_name", "Tên"},
    {Field::other_names, "other_names", "Bí danh"},
    {Field::gender, "gender", "Giới tính"},
    {Field::birth_date, "birth_date", "Ngày sinh"},
    {Field::birth_place, "birth_place", "Nơi sinh"},
    {Field::home_town, "home_town", "Quê quán"},
    {Field::residence, "residence", "Nơi thường trú"},
    {Field::residence_code, "residence_code", "Mã ĐVHC thường trú"},
    {Field::ethnicity, "ethnicity", "Dân tộc"},
    {Field::religion, "religion", "Tôn giáo"},
    {Field::citizen_id, "citizen_id", "Số CCCD"},
    {Field::phone, "phone", "Điện thoại"},
    {Field::email, "email", "Thư điện tử"},
    {Field::admitted_on, "admitted_on", "Ngày vào Đảng"},
    {Field::full_member_on, "full_member_on", "Ngày chính thức"},
    {Field::card_number, "card_number", "Số thẻ đảng viên"},
    {Field::card_issued_on, "card_issued_on", "Ngày cấp thẻ"},
    {Field::education, "education", "Trình độ giáo dục phổ thông"},
    {Field::professional, "professional", "Trình độ chuyên môn"},
    {Field::theory_level, "theory_level", "Lý luận chính trị"},
    {Field::occupation, "occupation", "Nghề nghiệp"},
    {Field::position, "position", "Chức vụ"},
    {Field::status, "status", "Tình trạng"},
    {Field::org_name, "org_name", "Chi bộ"},
    {Field::org_code, "org_code", "Mã chi bộ"},
};

// Header keys: the search key of the header with every space removed.
const std::unordered_map<std::string_view, Field>& exact_keys() {
  static const std::unordered_map<std::string_view, Field> m = [] {
    std::unordered_map<std::string_view, Field> r;
    auto add = [&](Field f, std::initializer_list<std::string_view> keys) {
      for (auto k : keys) r.emplace(k, f);
    };
    add(Field::row_number, {"stt", "tt", "sott", "sothutu", "thutu", "no"});
    // "Mã" (the registry's export) and "Mã đảng viên" (its fix sheet) hold the registry's member
    // id; the longer names are kept for a file's own codes. Exact names only: "Mã tổ chức", "Mã
    // chi bộ", "Mã số thẻ" never read as one of these.
    add(Field::member_id, {"ma", "madangvien", "madv", "id"});
    add(Field::id, {"masodangvien", "msdv", "masodv", "mahoso", "sohoso"});
    add(Field::full_name, {"hovaten", "hoten", "hotendangvien", "hovatendangvien", "hovatenkhaisinh",
                           "hotenkhaisinh", "hovatendangdung", "hotendangdung", "tendangvien", "fullname",
                           "name", "hovatenthuonggoi", "hovatendangvien"});
    add(Field::family_middle, {"hodem", "hovatendem", "holot", "hovachulot"});
    add(Field::family_name, {"ho"});
    add(Field::middle_name, {"tendem", "chulot"});
    add(Field::given_name, {"ten"});
    add(Field::other_names, {"bidanh", "tengoikhac", "tenkhac", "tenkhaisinh"});
    add(Field::gender, {"gioitinh", "gt", "phai", "namnu", "sex", "gender"});
    add(Field::birth_date, {"ngaysinh", "ns", "ngaythangnamsinh", "sinhngay", "namsinh", "dob",
                            "ngaysinhdangvien", "ngaythangsinh", "birthdate"});
    add(Field::birth_place, {"noisinh", "noisinhkhaisinh"});
    add(Field::home_town, {"quequan", "nguyenquan", "que"});
    add(Field::residence, {"noithuongtru", "diachi", "diachithuongtru", "thuongtru", "noiohiennay", "noio",
                           "choohiennay", "diachilienhe", "diachicutru", "noicutru", "noiohientai",
                           "diachihiennay", "address", "hokhauthuongtru", "hokhau"});
    add(Field::residence_code, {"madvhcthuongtru", "madvhc", "maxaphuong", "maphuongxa"});
    add(Field::ethnicity, {"dantoc"});
    add(Field::religion, {"tongiao"});
    add(Field::citizen_id, {"cccd", "cmnd", "socccd", "socmnd", "cmndcccd", "cccdcmnd", "socmndcccd", "socccdcmnd",
                            "sodinhdanh", "sodinhdanhcanhan", "cancuoc", "socancuoc", "thecancuoc",
                            "cancuoccongdan", "socancuoccongdan", "chungminhnhandan", "sochungminhnhandan",
                            "cmtnd", "socmt", "cmt", "madinhdanh", "socccdcmt"});
    add(Field::phone, {"dienthoai", "sdt", "sodienthoai", "sodt", "dtdd", "didong", "dienthoaididong",
                       "sodienthoaididong", "phone", "mobile", "tel", "dienthoailienhe"});
    add(Field::email, {"email", "thudientu", "mail", "diachiemail"});
    add(Field::admitted_on, {"ngayvaodang", "ngayketnap", "vaodang", "ngayketnapdang", "ngayvaodangdubi",
                             "ngayketnapvaodang"});
    add(Field::full_member_on, {"ngaychinhthuc", "ngaycongnhanchinhthuc", "chinhthuc", "ngayct",
                                "ngaychuyenchinhthuc", "ngayvaodangchinhthuc", "ngaydangvienchinhthuc"});
    add(Field::card_number, {"sothe", "sothedang", "sothedangvien", "thedangvien", "sothedv"});
    add(Field::card_issued_on, {"ngaycapthe", "ngaycapthedang", "ngayphatthe", "ngaycapthedangvien"});
    add(Field::education, {"trinhdogdpt", "trinhdovanhoa", "vanhoa", "gdpt", "trinhdophothong",
                           "giaoducphothong", "hocvan", "trinhdogiaoducphothong", "tdvh"});
    add(Field::professional, {"chuyenmon", "trinhdochuyenmon", "cmnv", "trinhdochuyenmonnghiepvu", "trinhdocm",
                              "tdcm"});
    add(Field::theory_level, {"lyluanchinhtri", "llct", "trinhdolyluanchinhtri", "trinhdollct", "chinhtri",
                              "trinhdochinhtri"});
    add(Field::occupation, {"nghenghiep", "nghenghiephiennay", "congviec", "congviechiennay"});
    add(Field::position, {"chucvu", "chucdanh", "chucvudang", "chucvuhiennay"});
    add(Field::status, {"tinhtrang", "trangthai", "tinhtrangdangvien", "loaidangvien"});
    add(Field::org_name, {"chibo", "tochucdang", "chibosinhhoat", "tenchibo", "donvi"});
    add(Field::org_code, {"machibo", "matochuc", "madonvi", "matochucdang"});
    return r;
  }();
  return m;
}

// Longer headers that start with a known key ("Ngày sinh (dd/mm/yyyy)", "Số CCCD 12 số").
constexpr std::pair<std::string_view, Field> kPrefixes[] = {
    {"ngaycongnhanchinhthuc", Field::full_member_on},
    {"trinhdogiaoducphothong", Field::education},
    {"trinhdolyluanchinhtri", Field::theory_level},
    {"trinhdochuyenmon", Field::professional},
    {"sodinhdanhcanhan", Field::citizen_id},
    {"ngaychinhthuc", Field::full_member_on},
    {"noithuongtru", Field::residence},
    {"lyluanchinhtri", Field::theory_level},
    {"trinhdovanhoa", Field::education},
    {"sothedangvien", Field::card_number},
    {"ngayvaodang", Field::admitted_on},
    {"ngayketnap", Field::admitted_on},
    {"sodienthoai", Field::phone},
    {"trinhdogdpt", Field::education},
    {"sodinhdanh", Field::citizen_id},
    {"socancuoc", Field::citizen_id},
    {"ngaycapthe", Field::card_issued_on},
    {"dienthoai", Field::phone},
    {"ngaysinh", Field::birth_date},
    {"gioitinh", Field::gender},
    {"quequan", Field::home_town},
    {"hovaten", Field::full_name},
    {"socccd", Field::citizen_id},
    {"socmnd", Field::citizen_id},
    {"noisinh", Field::birth_place},
    {"tongiao", Field::religion},
    {"diachi", Field::residence},
    {"dantoc", Field::ethnicity},
    {"hoten", Field::full_name},
    {"sothe", Field::card_number},
    {"cccd", Field::citizen_id},
    {"cmnd", Field::citizen_id},
    {"sdt", Field::phone},
};

std::string compact_key(std::string_view s) {
  std::string k = vntext::search_key(s);
  k.erase(std::remove(k.begin(), k.end(), ' '), k.end());
  return k;
}

std::string strip_parens(std::string_view s) {
  std::string r;
  int depth = 0;
  for (char c : s) {
    if (c == '(' || c == '[') ++depth;
    else if ((c == ')' || c == ']') && depth > 0) --depth;
    else if (depth == 0) r += c;
  }
  return r;
}

Field lookup(const std::string& key) {
  if (key.empty()) return Field::none;
  const auto& ex = exact_keys();
  if (auto it = ex.find(key); it != ex.end()) return it->second;
  for (auto& [p, f] : kPrefixes)
    if (key.size() > p.size() && key.compare(0, p.size(), p) == 0) return f;
  return Field::none;
}

// A header cell repaired to UTF-8. Headers are short ("Sè CCCD" is TCVN3 for "Số CCCD" and
// also reads as Windows-1252), so when the repaired text is not a known header, the legacy
// readings a cell can have (TCVN3, VNI, Windows-1258, VIQR, VISCII; raw bytes or shown through
// Windows-1252) are tried and the first that names a known header is taken.
std::string clean_cell(std::string_view raw) {
  std::string text = vntext::collapse_spaces(vntext::repair_text(raw).text);
  if (text.empty() || raw.size() >= 200 || recognise_header(text) != Field::none) return text;
  using vntext::Encoding;
  static constexpr Encoding kShown[] = {Encoding::tcvn3_via_cp1252, Encoding::vni_via_cp1252,
                                        Encoding::cp1258_via_cp1252, Encoding::cp1252_mojibake_utf8,
                                        Encoding::viscii_via_cp1252, Encoding::viqr};
  static constexpr Encoding kRaw[] = {Encoding::tcvn3, Encoding::vni, Encoding::cp1258, Encoding::viscii,
                                      Encoding::tcvn_vn1};
  const bool utf8 = vntext::detail::valid_utf8(raw);
  auto try_all = [&](auto& encs) -> std::string {
    for (Encoding e : encs) {
      std::string d = vntext::collapse_spaces(vntext::repair_text(vntext::decode(raw, e)).text);
      if (d.find("\xEF\xBF\xBD") == std::string::npos && recognise_header(d) != Field::none) return d;
    }
    return {};
  };
  std::string d = utf8 ? try_all(kShown) : try_all(kRaw);
  return d.empty() ? text : d;
}

}  // namespace

std::string_view field_name(Field f) {
  for (auto& i : kFields)
    if (i.f == f) return i.name;
  return "none";
}

std::optional<Field> parse_field(std::string_view name) {
  for (auto& i : kFields)
    if (i.name == name) return i.f;
  return std::nullopt;
}

std::string_view field_label_vi(Field f) {
  for (auto& i : kFields)
    if (i.f == f) return i.label;
  return "";
}

Field recognise_header(std::string_view header) {
  Field f = lookup(compact_key(strip_parens(header)));
  if (f == Field::none) f = lookup(compact_key(header));
  return f;
}

int Mapping::column_of(Field f) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i] == f) return int(i);
  return -1;
}

std::string Mapping::column_key(std::size_t column) const {
  if (column >= header.size()) return {};
  for (std::size_t j = 0; j < column; ++j)
    if (header[j] == header[column]) return header[column] + " (cột " + std::to_string(column + 1) + ")";
  return header[column];
}

static void finish(Mapping& m) {
  // One column per field: later duplicates become plain text, and are reported.
  m.duplicates.clear();
  for (std::size_t i = 0; i < m.fields.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const bool same_field = m.fields[i] != Field::none && m.fields[j] == m.fields[i];
      const bool same_name = i < m.header.size() && !m.header[i].empty() && m.header[j] == m.header[i];
      if (!same_field && !same_name) continue;
      m.duplicates.emplace_back(int(i), int(j));
      if (same_field) m.fields[i] = Field::none;
      break;
    }
  m.id_column = m.column_of(Field::member_id);
  if (m.id_column < 0) m.id_column = m.column_of(Field::id);
  if (m.id_column < 0) m.id_column = m.column_of(Field::row_number);
}

Mapping auto_mapping(const std::vector<std::string>& header) {
  Mapping m;
  m.header = header;
  for (const auto& h : header) m.fields.push_back(recognise_header(h));
  finish(m);
  return m;
}

void apply_mapping_file(Mapping& m, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("Không đọc được tệp ánh xạ cột " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  apply_mapping_json(m, ss.str(), path);
}

void apply_mapping_json(Mapping& m, std::string_view json, std::string_view source) {
  const std::string path(source);
  boost::json::value v;
  {
    // Where the text stops being JSON, as a line and column (no parser internals).
    boost::json::stream_parser p;
    boost::system::error_code ec;
    const std::size_t used = p.write(json.data(), json.size(), ec);
    if (!ec) p.finish(ec);
    if (ec) {
      const std::size_t at = std::min(used, json.size());
      std::size_t line = 1, col = 1;
      for (std::size_t i = 0; i < at; ++i) {
        if (json[i] == '\n') ++line, col = 1;
        else if ((static_cast<unsigned char>(json[i]) & 0xC0) != 0x80) ++col;
      }
      throw std::runtime_error("Tệp ánh xạ cột " + path + " không phải JSON hợp lệ: lỗi ở dòng " + std::to_string(line) +
                               ", cột " + std::to_string(col) +
                               (at >= json.size() ? " (tệp kết thúc khi JSON chưa đóng)" : "") +
                               "; dạng đúng: {\"columns\": {\"<tên cột>\": \"<trường>\"}}");
    }
    v = p.release();
  }
  const auto* root = v.if_object();
  const auto* cols = root ? root->if_contains("columns") : nullptr;
  if (!cols || !cols->is_object())
    throw std::runtime_error("Tệp ánh xạ cột " + path + " phải có dạng {\"columns\": {\"<tên cột>\": \"<trường>\"}}");
  for (const auto& [key, val] : cols->as_object()) {
    if (!val.is_string())
      throw std::runtime_error("Tệp ánh xạ cột " + path + ": giá trị của \"" + std::string(key) + "\" phải là chuỗi");
    auto f = parse_field(std::string_view(val.as_string()));
    if (!f)
      throw std::runtime_error("Tệp ánh xạ cột " + path + ": trường không xác định \"" +
                               std::string(val.as_string()) + "\"");
    const std::string k = vntext::nfc(std::string_view(key));
    // The column of that name (the first, for a repeated header; the others are named
    // "<header> (cột N)"); also accepted without diacritics or in another case.
    bool found = false;
    for (std::size_t i = 0; i < m.header.size() && !found; ++i)
      if (m.column_key(i) == k) m.fields[i] = *f, found = true;
    if (!found) {
      const std::string ck = compact_key(k);
      for (std::size_t i = 0; i < m.header.size() && !found; ++i)
        if (compact_key(m.column_key(i)) == ck) m.fields[i] = *f, found = true;
    }
    if (!found) throw std::runtime_error("Tệp ánh xạ cột " + path + ": tệp dữ liệu không có cột \"" + k + "\"");
  }
  finish(m);
}

std::string mapping_json(const Mapping& m) {
  boost::json::object cols;
  for (std::size_t i = 0; i < m.header.size(); ++i) cols[m.column_key(i)] = std::string(field_name(m.fields[i]));
  boost::json::object root;
  root["columns"] = std::move(cols);
  return boost::json::serialize(root);
}

void save_mapping_file(const Mapping& m, const std::string& path) {
  boost::json::object cols;
  for (std::size_t i = 0; i < m.header.size(); ++i) cols[m.column_key(i)] = std::string(field_name(m.fields[i]));
  boost::json::object root;
  root["columns"] = std::move(cols);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("Không ghi được tệp ánh xạ cột " + path);
  out << boost::json::serialize(root) << "\n";
}

std::size_t find_header_row(const std::vector<RawRecord>& records, std::size_t max_scan) {
  std::size_t best = 0;
  int best_n = 1;
  for (std::size_t r = 0; r < records.size() && r < max_scan; ++r) {
    int n = 0;
    for (const auto& c : records[r].cells)
      if (!c.empty() && c.size() < 200 && recognise_header(clean_cell(c)) != Field::none) ++n;
    if (n > best_n) best_n = n, best = r;
  }
  return best;
}

std::vector<std::string> build_header(const std::vector<RawRecord>& records, std::size_t header,
                                      const std::vector<RecordReader::Merge>& merges, bool* two_rows) {
  if (two_rows) *two_rows = false;
  std::vector<std::string> h;
  if (header >= records.size()) return h;
  for (const auto& c : records[header].cells) h.push_back(clean_cell(c));
  const std::size_t line = records[header].line;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (const auto& m : merges) {
    if (m.row != line) continue;
    if (h.size() <= m.last_col) h.resize(m.last_col + 1);
    for (std::size_t c = m.first_col + 1; c <= m.last_col; ++c)
      if (h[c].empty()) h[c] = h[m.first_col];
    spans.emplace_back(m.first_col, m.last_col);
  }
  if (spans.empty() || header + 1 >= records.size()) return h;
  // Two-row header: text under a merged cell in the next record.
  const auto& sub = records[header + 1].cells;
  std::vector<std::string> joined = h;
  bool any = false;
  for (auto [a, b] : spans)
    for (std::size_t c = a; c <= b && c < sub.size(); ++c) {
      const std::string s = clean_cell(sub[c]);
      if (s.empty()) continue;
      // "Ngày" over "vào Đảng" → "Ngày vào Đảng"; "Ngày tháng năm" over "Vào Đảng" is not a
      // known header joined, but "Vào Đảng" alone is: the sub-header is used.
      const std::string both = joined[c].empty() ? s : joined[c] + " " + s;
      joined[c] = recognise_header(both) == Field::none && recognise_header(s) != Field::none ? s : both;
      any = true;
    }
  if (!any) return h;
  auto recognised = [](const std::vector<std::string>& v) {
    int n = 0;
    for (const auto& s : v) n += recognise_header(s) != Field::none;
    return n;
  };
  if (recognised(joined) <= recognised(h)) return h;
  if (two_rows) *two_rows = true;
  return joined;
}

}  // namespace dangbo::quality
