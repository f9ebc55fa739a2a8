#include "linkage/file_input.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "quality/mapping.hpp"
#include "quality/reader.hpp"
#include "quality/standardizer.hpp"
#include "vntext/text.hpp"

namespace dangbo::linkage {

using quality::Field;

int parse_gender_cell(std::string_view s) {
  std::string k = vntext::search_key(s);
  if (k == "nam" || k == "m" || k == "male" || k == "trai" || k == "nam gioi") return 0;
  if (k == "nu" || k == "f" || k == "female" || k == "gai" || k == "nu gioi") return 1;
  return -1;
}

namespace {

struct Columns {
  int id = -1, full = -1, family_middle = -1, family = -1, middle = -1, given = -1, gender = -1, birth = -1,
      cid = -1, town = -1, admitted = -1, phone = -1, card = -1, org_code = -1, org_name = -1;
};

// Per-thread memo of standardized values for the fields whose values repeat (names, places,
// dates, gender): a roster of a million rows has a few hundred thousand distinct names and far
// fewer distinct places and dates. Each map is emptied when it passes kCap entries.
struct StrHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StrMap = std::unordered_map<std::string, V, StrHash, std::equal_to<>>;  // find(string_view)

struct Memo {
  static constexpr std::size_t kCap = 400000;
  std::vector<quality::Finding> scratch;
  StrMap<std::string> by_field[8];
  StrMap<std::shared_ptr<const NameKeys>> names;  // standardized name → keys
  std::string nk;
};

// A person with its keys, computed on a worker thread.
struct Prepared {
  Person p;
  std::shared_ptr<const NameKeys> keys;
  std::string town;
};

// One row → Person, each needed cell through the quality standardizer.
void to_person(const quality::Standardizer& st, const Columns& c, const quality::RawRecord& rec, uint16_t source,
               Prepared& out, Memo& memo) {
  Person& p = out.p;
  auto raw = [&](int k) -> std::string_view {
    return k >= 0 && std::size_t(k) < rec.cells.size() ? std::string_view(rec.cells[std::size_t(k)]) : std::string_view();
  };
  auto std_cell = [&](Field f, int k) -> std::string {
    std::string_view r = raw(k);
    if (r.empty()) return std::string();
    int slot = -1;
    switch (f) {
      case Field::full_name: case Field::family_middle: case Field::family_name: case Field::middle_name:
      case Field::given_name: slot = 0; break;
      case Field::home_town: slot = 1; break;
      case Field::birth_date: slot = 2; break;
      case Field::admitted_on: slot = 3; break;
      case Field::gender: slot = 4; break;
      default: break;
    }
    if (slot < 0) {
      memo.scratch.clear();
      return st.standardize_cell(f, r, memo.scratch, k);
    }
    auto& map = memo.by_field[slot];
    auto it = map.find(r);
    if (it != map.end()) return it->second;
    if (map.size() >= Memo::kCap) map.clear();
    memo.scratch.clear();
    std::string v = st.standardize_cell(f, r, memo.scratch, k);
    map.emplace(std::string(r), v);
    return v;
  };
  p.name.clear(), p.family.clear(), p.middle.clear(), p.given.clear();
  p.source = source;
  p.standardized = true;
  std::string id = c.id >= 0 ? vntext::collapse_spaces(raw(c.id)) : std::string();
  p.id = id.empty() ? std::to_string(rec.line) : id;
  if (c.full >= 0) p.name = std_cell(Field::full_name, c.full);
  if (p.name.empty()) {
    if (c.family_middle >= 0) {
      std::string fm = std_cell(Field::family_middle, c.family_middle);
      auto sp = fm.find(' ');
      p.family = fm.substr(0, sp);
      p.middle = sp == std::string::npos ? std::string() : fm.substr(sp + 1);
    }
    if (c.family >= 0) p.family = std_cell(Field::family_name, c.family);
    if (c.middle >= 0) p.middle = std_cell(Field::middle_name, c.middle);
    if (c.given >= 0) p.given = std_cell(Field::given_name, c.given);
  }
  p.gender = parse_gender_cell(std_cell(Field::gender, c.gender));
  p.birth = parse_loose_date(std_cell(Field::birth_date, c.birth));
  p.citizen_id = std_cell(Field::citizen_id, c.cid);
  p.home_town = std_cell(Field::home_town, c.town);
  p.admitted = parse_loose_date(std_cell(Field::admitted_on, c.admitted));
  std::string phone = std_cell(Field::phone, c.phone);
  p.phone = phone.substr(0, phone.find(';'));  // several numbers: the first
  p.card_number = std_cell(Field::card_number, c.card);
  p.org = std::string(c.org_code >= 0 ? raw(c.org_code) : raw(c.org_name));
  // keys of the name (memo by the standardized name) and of the home town
  std::string& nk = memo.nk;
  if (p.name.empty()) nk.assign(p.family).append(1, '\x1f').append(p.middle).append(1, '\x1f').append(p.given);
  else nk.assign(p.name);
  auto it = memo.names.find(std::string_view(nk));
  if (it == memo.names.end()) {
    if (memo.names.size() >= Memo::kCap) memo.names.clear();
    it = memo.names.emplace(nk, std::make_shared<const NameKeys>(name_keys(p))).first;
  }
  out.keys = it->second;
  out.town = p.home_town.empty() ? std::string() : vntext::search_key(p.home_town);
}

}  // namespace

FileStats read_people(const std::string& path, uint16_t source, const quality::Standardizer& st,
                      const std::string& id_column, int threads, Dataset& d) {
  std::unique_ptr<quality::RecordReader> reader;
  if (quality::looks_like_xlsx(path)) reader = quality::XlsxReader::open_file(path);
  else reader = quality::open_csv(path);
  FileStats fs;
  fs.path = path;
  fs.source = reader->describe();

  std::vector<quality::RawRecord> head;
  for (int k = 0; k < 12; ++k) {
    quality::RawRecord r;
    if (!reader->next(r)) break;
    head.push_back(std::move(r));
  }
  if (head.empty()) throw std::runtime_error("Tệp " + path + " không có dữ liệu");
  const std::size_t h = quality::find_header_row(head);
  bool two_rows = false;
  std::vector<std::string> header = quality::build_header(head, h, reader->merges(), &two_rows);
  quality::Mapping m = quality::auto_mapping(header);
  Columns c;
  c.id = m.id_column;
  if (!id_column.empty()) {
    c.id = -1;
    const std::string want = vntext::search_key(id_column);
    for (std::size_t k = 0; k < header.size(); ++k)
      if (header[k] == id_column || vntext::search_key(header[k]) == want) c.id = int(k);
    if (c.id < 0) throw std::runtime_error("Tệp " + path + " không có cột mã '" + id_column + "'");
  }
  if (c.id >= 0) fs.id_header = header[std::size_t(c.id)];
  c.full = m.column_of(Field::full_name);
  c.family_middle = m.column_of(Field::family_middle);
  c.family = m.column_of(Field::family_name);
  c.middle = m.column_of(Field::middle_name);
  c.given = m.column_of(Field::given_name);
  c.gender = m.column_of(Field::gender);
  c.birth = m.column_of(Field::birth_date);
  c.cid = m.column_of(Field::citizen_id);
  c.town = m.column_of(Field::home_town);
  c.admitted = m.column_of(Field::admitted_on);
  c.phone = m.column_of(Field::phone);
  c.card = m.column_of(Field::card_number);
  c.org_code = m.column_of(Field::org_code);
  c.org_name = m.column_of(Field::org_name);
  if (c.full < 0 && c.given < 0)
    throw std::runtime_error("Tệp " + path + ": không tìm thấy cột họ tên (\"Họ và tên\") hay cột tên (\"Tên\")");

  // Rows after the header, in batches standardized on `threads` threads, added in file order.
  std::vector<quality::RawRecord> batch;
  for (std::size_t k = h + (two_rows ? 2 : 1); k < head.size(); ++k) batch.push_back(std::move(head[k]));
  const std::size_t kBatch = 8192;
  const int nt = std::max(1, threads);
  std::vector<Prepared> people;
  std::vector<Memo> memo(static_cast<std::size_t>(nt));
  bool more = true;
  using Clock = std::chrono::steady_clock;
  double t_read = 0, t_std = 0, t_add = 0;
  while (more) {
    auto t0 = Clock::now();
    while (batch.size() < kBatch) {
      quality::RawRecord r;
      if (!reader->next(r)) {
        more = false;
        break;
      }
      bool blank = true;
      for (auto& cell : r.cells)
        if (!cell.empty()) blank = false;
      if (!blank) batch.push_back(std::move(r));
    }
    auto t1 = Clock::now();
    people.resize(batch.size());
    auto work = [&](int t) {
      for (std::size_t i = std::size_t(t); i < batch.size(); i += std::size_t(nt))
        to_person(st, c, batch[i], source, people[i], memo[std::size_t(t)]);
    };
    if (nt == 1 || batch.size() < 256) {
      work(0);
      for (int t = 1; t < nt; ++t) work(t);
    } else {
      std::vector<std::thread> ts;
      for (int t = 0; t < nt; ++t) ts.emplace_back(work, t);
      for (auto& t : ts) t.join();
    }
    auto t2 = Clock::now();
    for (auto& x : people) {
      if (x.p.name.empty() && x.p.family.empty() && x.p.given.empty()) ++fs.rows_without_name;
      d.add(x.p, *x.keys, x.town);
    }
    auto t3 = Clock::now();
    t_read += std::chrono::duration<double>(t1 - t0).count();
    t_std += std::chrono::duration<double>(t2 - t1).count();
    t_add += std::chrono::duration<double>(t3 - t2).count();
    fs.rows += batch.size();
    batch.clear();
  }
  fs.seconds_read = t_read;
  fs.seconds_standardize = t_std;
  fs.seconds_add = t_add;
  return fs;
}

}  // namespace dangbo::linkage
