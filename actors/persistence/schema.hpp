// Versioned schema migrations, applied in order at start; each runs once
// (recorded in schema_migrations) inside its own transaction.
#pragma once

#include <string>
#include <vector>

#include <pqxx/connection>

namespace cdb {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

/// Every migration, oldest first.
const std::vector<migration>& migrations();

/// Applies what is missing; returns the schema version now in place.
int migrate(pqxx::connection& conn);

} // namespace cdb
