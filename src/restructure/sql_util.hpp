// The restructure module's short name for the shared SQL helpers (src/db/sql.hpp): statements
// with named text parameters whose rows come back as strings.
#pragma once
#include "db/sql.hpp"

namespace dangbo::restructure {
namespace sqlu = db::sql;
}  // namespace dangbo::restructure
