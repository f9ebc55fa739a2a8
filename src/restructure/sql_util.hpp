// The restructure module's names for the shared SQL helpers (src/db/sql.hpp): statements with
// named text parameters whose rows come back as strings.
#pragma once
#include "db/sql.hpp"

namespace dangbo::restructure::sqlu {

using db::sql::each;
using db::sql::exec;
using db::sql::Query;
using db::sql::Row;
using db::sql::scalar;
using db::sql::to_i64;

}  // namespace dangbo::restructure::sqlu
