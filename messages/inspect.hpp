// CAF inspection for every cdb message struct, derived from CDB_FIELDS.
// Found by ADL; include it (through register.hpp) wherever CAF sends them.
#pragma once

#include <tuple>
#include <utility>

#include <caf/meta/type_name.hpp>

#include "messages/fields.hpp"

namespace cdb {

template <class Inspector, class T,
          class = decltype(std::declval<T&>().tie(), T::type_name)>
typename Inspector::result_type inspect(Inspector& f, T& x) {
  return std::apply(
    [&](auto&... xs) { return f(caf::meta::type_name(T::type_name), xs...); },
    x.tie());
}

} // namespace cdb
