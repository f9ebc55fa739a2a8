// The 422 problem+json of a rejected edit (web::validation_problem): users read each field by
// its Vietnamese label, never by the API name (found by the newcomer test: "phone: Số điện
// thoại…"); the API names stay in `errors` and `fields[].field` for programs.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "web/web.hpp"

using namespace dangbo;

namespace {

TEST(ValidationProblem, TheDetailNamesFieldsByTheirVietnameseLabels) {
  web::I18n i18n;
  i18n.load(std::string(DANGBO_SOURCE_DIR) + "/web/i18n");
  const std::map<std::string, std::string> errors = {
      {"phone", "Số điện thoại '12345' không đúng dạng"},
      {"birth_date", "Ngày '30/02/1970' không hợp lệ"},
      {"full_member_on", "Ngày chính thức không được trước ngày vào Đảng"},
      {"nickname", "Trường 'nickname' không tồn tại hoặc không được sửa"},
  };
  auto r = web::validation_problem(i18n, errors);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto p = boost::json::parse(r.body).as_object();
  EXPECT_EQ(p.at("status").as_int64(), 422);
  EXPECT_EQ(p.at("title").as_string(), "Dữ liệu không hợp lệ");
  // (std::map order: birth_date, full_member_on, nickname, phone)
  EXPECT_EQ(p.at("detail").as_string(),
            "Ngày sinh: Ngày '30/02/1970' không hợp lệ; Ngày chính thức: Ngày chính thức không được trước ngày vào Đảng; "
            "Trường 'nickname' không tồn tại hoặc không được sửa; Điện thoại: Số điện thoại '12345' không đúng dạng");
  const std::string detail(p.at("detail").as_string());
  for (const char* key : {"phone:", "birth_date:", "full_member_on:", "nickname:"})
    EXPECT_EQ(detail.find(key), std::string::npos) << key << " in " << detail;
  // the machine names, for programs
  auto& errs = p.at("errors").as_object();
  EXPECT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs.at("phone").as_string(), "Số điện thoại '12345' không đúng dạng");
  auto& fields = p.at("fields").as_array();
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].as_object().at("field").as_string(), "birth_date");
  EXPECT_EQ(fields[0].as_object().at("label").as_string(), "Ngày sinh");
  EXPECT_EQ(fields[0].as_object().at("message").as_string(), "Ngày '30/02/1970' không hợp lệ");
  EXPECT_EQ(fields[2].as_object().at("field").as_string(), "nickname");
  EXPECT_EQ(fields[2].as_object().at("label").as_string(), "");
  EXPECT_EQ(fields[3].as_object().at("label").as_string(), "Điện thoại");
  // sensitive fields have their own catalog keys
  auto s = web::validation_problem(i18n, {{"vetting_notes", "Nội dung quá dài"}}, "sensitive_");
  EXPECT_EQ(boost::json::parse(s.body).as_object().at("detail").as_string(), "Ghi chú thẩm tra, xác minh: Nội dung quá dài");
}

}  // namespace
