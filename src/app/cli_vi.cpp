#include "app/cli_vi.hpp"

#include <memory>
#include <vector>

namespace dangbo::app {

namespace {

constexpr const char* kOptionsGroup = "Tùy chọn";
constexpr const char* kCommandsGroup = "Lệnh";

// Characters shown (UTF-8 code points; the help text is NFC, one column each).
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

class VietnameseFormatter : public CLI::Formatter {
 public:
  VietnameseFormatter() {
    column_width(34);  // "(bắt buộc)" is longer than CLI11's "REQUIRED"
    label("Usage", "Cách dùng");
    label("OPTIONS", "TÙY_CHỌN");
    label("SUBCOMMAND", "LỆNH");
    label("SUBCOMMANDS", "LỆNH");
    label("Positionals", "Tham số");
    label("REQUIRED", "(bắt buộc)");
    label("TEXT", "CHUỖI");
    label("INT", "SỐ");
    label("UINT", "SỐ");
    label("FLOAT", "SỐ");
    label("Env", "Biến môi trường");
    label("Needs", "Cần");
    label("Excludes", "Không dùng cùng");
  }

  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(group == "Options" ? kOptionsGroup : group, is_positional, std::move(opts));
  }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return line(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    return line(sub->get_display_name(true), sub->get_description());
  }

 private:
  // "  name" padded to the column, then the description (CLI11 pads by bytes).
  std::string line(const std::string& name, const std::string& desc) const {
    std::string out = "  " + name;
    const std::size_t col = get_column_width(), w = display_width(out);
    if (!desc.empty()) {
      if (w >= col) out += "\n" + std::string(col, ' ');
      else out += std::string(col - w, ' ');
      for (char c : desc) {
        out += c;
        if (c == '\n') out += std::string(col, ' ');
      }
    }
    return out + "\n";
  }
};

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

void localize_tree(CLI::App& a, const std::shared_ptr<VietnameseFormatter>& fmt) {
  a.formatter(std::static_pointer_cast<CLI::FormatterBase>(fmt));
  if (CLI::Option* h = a.get_help_ptr()) h->description("in hướng dẫn này rồi thoát");
  for (CLI::App* sub : a.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group(kCommandsGroup);
    localize_tree(*sub, fmt);
  }
}

}  // namespace

std::string parse_error_vi(const std::string& m) {
  auto after = [&](const std::string& p) { return m.substr(p.size()); };
  if (m == "A subcommand is required") return "cần chọn một lệnh";
  if (starts_with(m, "Requires at least ") && ends_with(m, " subcommands"))
    return "cần chọn ít nhất " + m.substr(18, m.size() - 18 - 12) + " lệnh";
  for (const char* p : {"The following arguments were not expected: ", "The following argument was not expected: "})
    if (starts_with(m, p)) return "không hiểu: " + after(p);
  if (starts_with(m, "Could not convert: ")) {
    const std::string rest = after("Could not convert: ");
    const auto eq = rest.find(" = ");
    if (eq != std::string::npos) return "giá trị không hợp lệ cho " + rest.substr(0, eq) + ": " + rest.substr(eq + 3);
  }
  if (starts_with(m, "The value ")) {
    const auto p = m.find(" is not an allowed value for ");
    if (p != std::string::npos)
      return "giá trị không hợp lệ cho " + m.substr(p + 29) + ": " + m.substr(10, p - 10);
  }
  if (ends_with(m, " is required") && m.find(' ') == m.size() - 12) return "thiếu " + m.substr(0, m.size() - 12);
  if (const auto c = m.find(": "); c != std::string::npos) {
    const std::string name = m.substr(0, c), rest = m.substr(c + 2);
    if (ends_with(rest, " missing") && rest.find(" required ") != std::string::npos) return "thiếu giá trị cho " + name;
    if (starts_with(rest, "At least ")) return name + ": thiếu giá trị (" + rest.substr(9, rest.find(' ', 9) - 9) + " trở lên)";
    if (starts_with(rest, "At Most ")) return name + ": quá nhiều giá trị (tối đa " + rest.substr(8, rest.find(' ', 8) - 8) + ")";
    if (rest == "too many inputs for a flag") return name + " không nhận giá trị";
    if (rest == "Should be true/false or a number") return name + " chỉ nhận true/false hoặc một số";
  }
  if (const auto p = m.find(" requires "); p != std::string::npos && m.find(' ') == p)
    return m.substr(0, p) + " cần đi kèm " + m.substr(p + 10);
  if (const auto p = m.find(" excludes "); p != std::string::npos && m.find(' ') == p)
    return m.substr(0, p) + " không dùng cùng " + m.substr(p + 10);
  return m;
}

void localize_cli(CLI::App& app) {
  localize_tree(app, std::make_shared<VietnameseFormatter>());
  app.failure_message([](const CLI::App* root, const CLI::Error& e) {
    // the sub-command the error belongs to: the deepest one parsed
    std::string path = root->get_name().empty() ? "dangbo" : root->get_name();
    if (auto slash = path.rfind('/'); slash != std::string::npos) path = path.substr(slash + 1);
    for (const CLI::App* cur = root; !cur->get_subcommands().empty();) {
      cur = cur->get_subcommands().back();
      path += " " + cur->get_name();
    }
    return "dangbo: " + parse_error_vi(e.what()) + "\nXem hướng dẫn: " + path + " --help\n";
  });
}

}  // namespace dangbo::app
