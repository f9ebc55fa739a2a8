// Every action the code writes to the audit log has a label in both message catalogs, so the
// member page's and the audit page's "Thao tác" column never shows a raw key such as
// "audit_update_rejected" (found by a newcomer test). The actions are read from the sources:
// each audit_append call with a literal action, and "restructure." + every operation kind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "web/web.hpp"

using namespace dangbo;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::set<std::string> audited_actions() {
  const std::filesystem::path src = std::filesystem::path(DANGBO_SOURCE_DIR) / "src";
  std::set<std::string> out;
  const std::regex call(R"re(audit_append\(\s*[^,()]+,\s*[^,()]+,\s*"([a-z_.]+)")re");
  for (auto& e : std::filesystem::recursive_directory_iterator(src)) {
    if (e.path().extension() != ".cpp") continue;
    const std::string text = read(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it)
      if (std::string a = (*it)[1]; a.back() != '.') out.insert(a);  // "restructure." + op: below
  }
  // "restructure." + to_string(OpKind): the kinds as the enum lists them
  const std::string plan = read(src / "restructure" / "plan.hpp");
  std::smatch m;
  if (std::regex_search(plan, m, std::regex(R"(enum class OpKind \{([^}]*)\})"))) {
    const std::string kinds = m[1];
    const std::regex word(R"([a-z_]+)");
    for (std::sregex_iterator it(kinds.begin(), kinds.end(), word), end; it != end; ++it) out.insert("restructure." + it->str());
  }
  return out;
}

TEST(AuditLabels, EveryAuditedActionHasAVietnameseAndAnEnglishLabel) {
  web::I18n i18n;
  i18n.load(std::string(DANGBO_SOURCE_DIR) + "/web/i18n");
  const auto actions = audited_actions();
  // the scan finds what it must (else the test would pass on nothing)
  for (const char* known : {"update", "update_rejected", "import_reject", "dedupe_merge", "restructure.merge", "restructure.apply"})
    EXPECT_TRUE(actions.count(known)) << known;
  for (const std::string lang : {"vi", "en"}) {
    const auto& cat = i18n.all(lang);
    for (auto& a : actions) EXPECT_TRUE(cat.count("audit_" + a)) << lang << ": no label for audit action '" << a << "'";
  }
}

}  // namespace
