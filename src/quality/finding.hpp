// dangbo::quality — findings: what the cleaner found or changed in one cell (or one row).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dangbo::quality {

/// info: changed automatically, nothing to do (the original is kept in the finding);
/// warning: needs a person to look (ambiguous, suspicious, outdated);
/// error: wrong or contradictory, must be fixed at the source.
enum class Severity { info, warning, error };

/// "info", "warning", "error" (the FINDINGS.csv severity column).
std::string_view to_string(Severity s);

/// One finding. `column` is the input column index, or -1 for the whole row.
/// `code` is a stable machine code ("date.impossible", "citizen_id.gender_mismatch", …),
/// `message` a Vietnamese sentence for the user, `original` the value as it came (UTF-8
/// after the reader), `suggested` the value written to the output (for info findings) or
/// the value proposed to the user (empty when nothing can be proposed).
struct Finding {
  int column = -1;
  std::string code;
  Severity severity = Severity::info;
  std::string message;
  std::string original, suggested;
};

/// Collects the findings of one cell: every standardizer takes one.
class Sink {
 public:
  Sink(std::vector<Finding>& out, int column) : out_(&out), column_(column) {}
  void add(std::string code, Severity sev, std::string message, std::string_view original,
           std::string_view suggested) {
    out_->push_back(Finding{column_, std::move(code), sev, std::move(message), std::string(original),
                            std::string(suggested)});
  }
  int column() const { return column_; }
  std::size_t size() const { return out_->size(); }
  /// Whether the last finding (of this cell) is an automatic text or name fix (text.*, name.*
  /// with severity info): a later, better fix of the same cell replaces it.
  bool last_code_is_text_or_name() const {
    if (out_->empty() || out_->back().column != column_ || out_->back().severity != Severity::info) return false;
    const std::string& c = out_->back().code;
    return c.rfind("text.", 0) == 0 || c.rfind("name.", 0) == 0;
  }
  void pop() { out_->pop_back(); }

 private:
  std::vector<Finding>* out_;
  int column_;
};

}  // namespace dangbo::quality
