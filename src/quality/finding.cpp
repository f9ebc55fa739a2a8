#include "quality/finding.hpp"

namespace dangbo::quality {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

}  // namespace dangbo::quality
