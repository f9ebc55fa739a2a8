// dangbo::quality — small helpers shared by the import and campaign routes (internal).
#pragma once
#include <boost/json.hpp>

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "http/http.hpp"
#include "quality/import.hpp"
#include "quality/mapping.hpp"
#include "web/web.hpp"

namespace dangbo::quality::web_util {

using web::vietnam_time;  // (src/web/web.hpp)

/// A positive integer path or query value; `what` names it in the 404/422.
inline int64_t positive(const std::string& s, bool not_found_on_error, const char* what) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    if (not_found_on_error) throw base::Error(base::ErrorKind::not_found, "not_found", std::string("Không tìm thấy ") + what);
    throw base::Error(base::ErrorKind::bad_request, "param", std::string("Tham số ") + what + " phải là số nguyên dương");
  }
  return std::stoll(s);
}

/// One part of a multipart/form-data body.
struct Part {
  std::string name, filename, content_type, data;
};

/// Parses multipart/form-data (RFC 7578, http::parse_multipart). Throws bad_request when the body
/// is not one.
inline std::vector<Part> parse_multipart(const std::string& body, const std::string& content_type) {
  auto parsed = http::parse_multipart(body, content_type);
  if (!parsed)
    throw base::Error(base::ErrorKind::bad_request, "multipart", "Nội dung tải lên không đúng dạng multipart/form-data");
  std::vector<Part> parts;
  parts.reserve(parsed->size());
  for (auto& p : *parsed) parts.push_back({std::move(p.name), std::move(p.filename), std::move(p.content_type), std::string(p.data)});
  return parts;
}

/// The member fields a column can be mapped to, in the order of the selects.
inline const std::vector<Field>& mappable_fields() {
  static const std::vector<Field> f = {
      Field::none,          Field::row_number,   Field::member_id,    Field::id,           Field::full_name,
      Field::family_middle,
      Field::family_name,   Field::middle_name,  Field::given_name,   Field::other_names,  Field::gender,
      Field::birth_date,    Field::birth_place,  Field::home_town,    Field::residence,    Field::residence_code,
      Field::ethnicity,     Field::religion,     Field::citizen_id,   Field::phone,        Field::email,
      Field::admitted_on,   Field::full_member_on, Field::card_number, Field::card_issued_on, Field::education,
      Field::professional,  Field::theory_level, Field::occupation,   Field::position,     Field::status,
      Field::org_name,      Field::org_code};
  return f;
}

/// English label of a field (the Vietnamese one is field_label_vi).
inline std::string field_label_en(Field f) {
  switch (f) {
    case Field::none: return "(not used)";
    case Field::row_number: return "Row number";
    case Field::id: return "The file's own record id";
    case Field::member_id: return "Member id (this registry)";
    case Field::full_name: return "Full name";
    case Field::family_middle: return "Family and middle name";
    case Field::family_name: return "Family name";
    case Field::middle_name: return "Middle name";
    case Field::given_name: return "Given name";
    case Field::other_names: return "Other names";
    case Field::gender: return "Gender";
    case Field::birth_date: return "Birth date";
    case Field::birth_place: return "Place of birth";
    case Field::home_town: return "Home town";
    case Field::residence: return "Residence";
    case Field::residence_code: return "Residence unit code";
    case Field::ethnicity: return "Ethnicity";
    case Field::religion: return "Religion";
    case Field::citizen_id: return "Citizen ID";
    case Field::phone: return "Phone";
    case Field::email: return "Email";
    case Field::admitted_on: return "Admission date";
    case Field::full_member_on: return "Full membership date";
    case Field::card_number: return "Party card number";
    case Field::card_issued_on: return "Card issued on";
    case Field::education: return "General education";
    case Field::professional: return "Professional qualification";
    case Field::theory_level: return "Political theory";
    case Field::occupation: return "Occupation";
    case Field::position: return "Position";
    case Field::status: return "Status";
    case Field::org_name: return "Party cell (name)";
    case Field::org_code: return "Party cell (code)";
  }
  return std::string(field_name(f));
}

inline std::string field_label(Field f, const std::string& lang) {
  return lang == "en" ? field_label_en(f) : std::string(field_label_vi(f));
}

inline boost::json::object job_json(const ImportJob& j) {
  boost::json::object o;
  o["id"] = j.id;
  o["kind"] = j.kind;
  o["org"] = boost::json::object{{"code", j.org_code}, {"name", j.org_name}};
  o["file_name"] = j.file_name;
  o["file_sha256"] = j.file_sha256;
  o["file_size"] = j.file_size;
  o["source"] = j.source;
  o["dry_run"] = j.dry_run;
  o["status"] = j.status;
  o["batch_size"] = j.batch_size;
  o["batches"] = j.batches_done;
  o["rows_total"] = j.rows_total;
  o["rows_read"] = j.rows_read;
  o["rows_stored"] = j.stored();
  o["rows_created"] = j.rows_created;
  o["rows_updated"] = j.rows_updated;
  o["rows_unchanged"] = j.rows_unchanged;
  o["rows_rejected"] = j.rows_rejected;
  o["rows_blank"] = j.rows_blank;
  o["findings_open"] = j.findings_open;
  o["findings_auto"] = j.findings_auto;
  o["accounting_ok"] = j.rows_read == j.stored() + j.rows_rejected;
  o["message"] = j.message;
  o["created_by"] = j.created_by_name;
  o["created_at"] = j.created_at;
  o["started_at"] = j.started_at.empty() ? boost::json::value(nullptr) : boost::json::value(j.started_at);
  o["finished_at"] = j.finished_at.empty() ? boost::json::value(nullptr) : boost::json::value(j.finished_at);
  try {
    o["summary"] = boost::json::parse(j.summary.empty() ? "{}" : j.summary);
  } catch (...) {
    o["summary"] = boost::json::object{};
  }
  return o;
}

}  // namespace dangbo::quality::web_util
