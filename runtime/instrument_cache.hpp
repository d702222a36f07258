// The entries of a map keyed by instrument name, found again without the
// map. Every tick looks up its instrument in the feed, signal, risk and the
// venue; a node trades a few instruments, so a short list compared inline
// beats a tree or a hash: the size and the first 8 bytes are compared as
// integers, and only a name longer than 8 bytes needs memcmp for the rest.
// A backtest spent ~8 % of its instructions in memcmp on these lookups.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace cdb {

/// Pointers to up to `Max` entries by name. The owner puts an entry after
/// finding it in its map and clears the cache when it erases from the map
/// (a node-based map keeps its entries' addresses until then). Names beyond
/// `Max` are not kept: the owner falls back to its map.
template <class T, std::size_t Max = 8>
class instrument_cache {
public:
  instrument_cache() = default;

  /// A copy (or move) of the owner has a map of its own: it starts empty.
  instrument_cache(const instrument_cache&) noexcept {
    // nop
  }

  instrument_cache& operator=(const instrument_cache&) noexcept {
    size_ = 0;
    return *this;
  }

  ~instrument_cache() = default;

  /// The entry put for `name`, nullptr if none.
  T* find(const std::string& name) const noexcept {
    auto head = prefix(name);
    for (std::size_t i = 0; i < size_; ++i) {
      auto& s = slots_[i];
      if (s.head == head && s.name.size() == name.size()
          && (name.size() <= 8
              || std::memcmp(s.name.data() + 8, name.data() + 8,
                             name.size() - 8)
                   == 0))
        return s.value;
    }
    return nullptr;
  }

  /// Remembers `value` for `name` (not yet put); false when full.
  bool put(const std::string& name, T* value) {
    if (size_ == Max)
      return false;
    slots_[size_++] = slot{prefix(name), name, value};
    return true;
  }

  void clear() noexcept {
    size_ = 0;
  }

  std::size_t size() const noexcept {
    return size_;
  }

private:
  struct slot {
    std::uint64_t head = 0;
    std::string name;
    T* value = nullptr;
  };

  /// The first 8 bytes of `name` (fewer for a shorter one) as an integer,
  /// byte i at bits 8i: fixed-size loads only, overlapping for 4–7 bytes.
  static std::uint64_t prefix(const std::string& name) noexcept {
    auto* p = name.data();
    auto n = name.size();
    if (n >= 8)
      return load<std::uint64_t>(p);
    if (n >= 4)
      return load<std::uint32_t>(p)
             | std::uint64_t{load<std::uint32_t>(p + n - 4)} << (8 * (n - 4));
    std::uint64_t head = 0;
    for (std::size_t i = 0; i < n; ++i)
      head |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    return head;
  }

  template <class U>
  static std::uint64_t load(const char* p) noexcept {
    U x;
    std::memcpy(&x, p, sizeof(U));
    return x;
  }

  std::array<slot, Max> slots_;
  std::size_t size_ = 0;
};

/// `cache.find(name)`, else `lookup()` (the map's find, returning a pointer
/// to the entry or nullptr), remembered unless nullptr. A full cache keeps
/// asking `lookup`, so the map stays the answer for every name.
template <class T, std::size_t Max, class Lookup>
T* cached_if(instrument_cache<T, Max>& cache, const std::string& name,
             Lookup&& lookup) {
  if (auto* hit = cache.find(name))
    return hit;
  T* entry = lookup();
  if (entry != nullptr)
    cache.put(name, entry);
  return entry;
}

/// The same for a lookup that always has the entry (find or emplace,
/// returning a reference).
template <class T, std::size_t Max, class Lookup>
T& cached(instrument_cache<T, Max>& cache, const std::string& name,
          Lookup&& lookup) {
  return *cached_if(cache, name, [&] { return &lookup(); });
}

} // namespace cdb
